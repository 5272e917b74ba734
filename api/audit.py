"""The audit trail: who changed what, one line per write request, whatever its answer.

Each POST, PUT, PATCH and DELETE under ``/api/`` is logged to the
``fieldplan.audit`` logger with the user and role (or "anonymous"), the
method, the path and the status answered, refusals included. Reads are not
logged here (the server's access log has them). Unless the logger is already
configured, its lines go to standard error.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from flask import g, request

if TYPE_CHECKING:
    from flask import Flask, Response

log = logging.getLogger("fieldplan.audit")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s audit %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    app.after_request(_record)


def _record(response: Response) -> Response:
    if request.method in WRITES and request.path.startswith("/api/"):
        user = g.get("user")
        who = f"{user.name} ({user.role})" if user is not None else "anonymous"
        log.info(
            "%s %s %s -> %s",
            who,
            request.method,
            request.full_path.rstrip("?"),
            response.status_code,
        )
    return response
