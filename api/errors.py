"""One JSON error shape for every failure, and never a stack trace.

Every error is ``{code, status, message, errors}`` where ``errors`` is
``{location: {field: [messages]}}`` (flask-smorest's payload). Bad input an
engine refuses (any :class:`~pathcheck.PathError`) is a 422 naming its path;
a road server that cannot be reached is a 503: the request may succeed later
as it is. Writes run in :func:`api.db.transaction`, so a failed request leaves
nothing behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import IntegerConverter, Map

from dispatch.errors import ProblemError
from dispatch.model.sla import SlaError
from dispatch.travel.providers import TravelServiceError
from inventory.errors import InventoryError
from pathcheck import PathError

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputAnswer:
    """How refused input of one kind is answered: the message's opening words, where the field is."""

    prefix: str
    location: str
    #: the field's message is the rule alone, not the whole "path: rule"
    rule_only: bool = False


#: The answer to each kind of refused input: the first kind the error is an instance of.
INPUT_ANSWERS: dict[type[PathError], InputAnswer] = {
    ProblemError: InputAnswer("the dispatch problem is invalid", "problem"),
    SlaError: InputAnswer("SLA deadline cannot be computed", "json", rule_only=True),
    InventoryError: InputAnswer("the stock problem is invalid", "json"),
    PathError: InputAnswer("the input is invalid", "json"),
}


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


def travel_unavailable(exc: TravelServiceError) -> str:
    """The words for a road server that is down or failing: not the problem's fault."""
    return f"the travel service is unavailable: {exc}"


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(PathError, _input_error)
    app.register_error_handler(TravelServiceError, _travel_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(RecursionError, _nested_too_deeply)
    app.register_error_handler(Exception, _unexpected)
    app.url_map.converters["int"] = StoredInteger


def _api_error(exc: ApiError) -> tuple[dict[str, Any], int]:
    return payload(exc.code, exc.message, field_errors(exc.location, exc.field, exc.message))


def _input_error(exc: PathError) -> tuple[dict[str, Any], int]:
    answer = next(a for kind, a in INPUT_ANSWERS.items() if isinstance(exc, kind))
    detail = exc.rule if answer.rule_only else str(exc)
    return payload(422, f"{answer.prefix}: {exc}", field_errors(answer.location, exc.path, detail))


def _travel_error(exc: TravelServiceError) -> tuple[dict[str, Any], int]:
    log.warning("travel service unavailable: %s", exc)
    return payload(503, travel_unavailable(exc), field_errors("problem", exc.path, exc.rule))


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


def _nested_too_deeply(exc: RecursionError) -> tuple[dict[str, Any], int]:
    """JSON nested thousands of levels deep: refused before anything looks at it."""
    log.info("request refused: %s", exc)
    return payload(400, "the JSON body is nested too deeply")


class StoredInteger(IntegerConverter):
    """A path id is a stored integer (32 bits: PostgreSQL's ``integer`` keys): a larger
    number names nothing (404), never reaching the database driver."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _unexpected(exc: Exception) -> tuple[dict[str, Any], int]:
    log.exception("unexpected error")
    return payload(500, "internal error; nothing was changed")
