"""The blueprint of the service's own endpoints: the health check, who am I, and users.

One blueprint (one "service" section of the OpenAPI document) for two view
modules: ``health`` and ``users`` add their routes to it.
"""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "service", __name__, url_prefix="/api/v1", description="Health, identity and users."
)
