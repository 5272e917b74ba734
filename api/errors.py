"""One JSON error shape for every failure, and never a stack trace.

Every error is ``{code, status, message, errors}`` where ``errors`` is
``{location: {field: [messages]}}`` (flask-smorest's payload). The request's
session is rolled back by the teardown, so a failed write leaves nothing behind.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from dispatch.errors import ProblemError
from dispatch.model.sla import SlaError
from inventory.errors import InventoryError

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A request the service refuses, with the field it blames (if any)."""

    def __init__(
        self,
        code: int,
        message: str,
        field: str | None = None,
        location: str = "json",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.location = location


def forbidden() -> ApiError:
    """The one 403: the same words whatever was asked, so it reveals nothing."""
    return ApiError(403, "your role may not do this")


def not_found(
    what: str, ident: object, field: str | None = None, location: str = "path"
) -> ApiError:
    return ApiError(404, f"{what} '{ident}' does not exist", field, location)


def payload(
    code: int, message: str, errors: dict[str, Any] | None = None
) -> tuple[dict[str, Any], int]:
    body: dict[str, Any] = {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "message": message,
        "errors": errors or {},
    }
    return body, code


def field_errors(location: str, field: str | None, message: str) -> dict[str, Any]:
    return {} if field is None else {location: {field: [message]}}


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(ProblemError, _problem_error)
    app.register_error_handler(SlaError, _sla_error)
    app.register_error_handler(InventoryError, _inventory_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _api_error(exc: ApiError) -> tuple[dict[str, Any], int]:
    return payload(exc.code, exc.message, field_errors(exc.location, exc.field, exc.message))


def _problem_error(exc: ProblemError) -> tuple[dict[str, Any], int]:
    path = getattr(exc, "path", None)
    return payload(
        422, f"the dispatch problem is invalid: {exc}", field_errors("problem", path, str(exc))
    )


def _sla_error(exc: SlaError) -> tuple[dict[str, Any], int]:
    return payload(
        422, f"SLA deadline cannot be computed: {exc}", field_errors("json", exc.path, exc.rule)
    )


def _inventory_error(exc: InventoryError) -> tuple[dict[str, Any], int]:
    path = getattr(exc, "path", None)
    return payload(
        422, f"the stock problem is invalid: {exc}", field_errors("json", path, str(exc))
    )


def _integrity_error(exc: IntegrityError) -> tuple[dict[str, Any], int]:
    log.info("integrity error: %s", exc.orig)
    return payload(
        409, "the change conflicts with stored data (a duplicate id or a reference in use)"
    )


def _http_error(exc: HTTPException) -> tuple[dict[str, Any], int]:
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    message = data.get("message") or _default_message(code, exc)
    return payload(code, message, errors)


def _default_message(code: int, exc: HTTPException) -> str:
    if code == 422:
        return "the request does not validate; see errors"
    return exc.description or HTTP_STATUS_CODES.get(code, "error")


def _unexpected(exc: Exception) -> tuple[dict[str, Any], int]:
    log.exception("unexpected error")
    return payload(500, "internal error; nothing was changed")
