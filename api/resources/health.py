"""The health check: is the service up and its database reachable? No token needed."""

from __future__ import annotations

from typing import Any

from api.db import ping
from api.resources.service import blp
from api.schemas.service_shapes import HealthSchema
from api.session import session


@blp.route("/health")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
def health() -> dict[str, Any]:
    """Is the service up and its database reachable? No token needed."""
    return {"status": "ok", "database": ping(session())}
