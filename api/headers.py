"""Security headers on every answer.

Pages load their own scripts and styles only (the study report, shown in a
sandboxed frame, brings inline styles and data: pictures), and no other site
may frame them. API answers are data: nothing in them may run or be framed.
The API's own interactive docs (Swagger UI) are left to their bundle's needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request

if TYPE_CHECKING:
    from flask import Flask, Response

PAGES_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
API_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
DOCS = "/api/v1/docs"


def init_app(app: Flask) -> None:
    app.after_request(_secure)


def _secure(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    path = request.path
    if path == DOCS or path.startswith(DOCS + "/"):
        return response
    policy = API_POLICY if path.startswith("/api/") else PAGES_POLICY
    response.headers["Content-Security-Policy"] = policy
    return response
