"""Any background run, whatever its kind: cancel it."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import current_user, requires
from api.models import Role
from api.resources.accepted import executor
from api.runs.cancel import cancel_run
from api.schemas.run_shapes import RunSummarySchema
from api.session import session

blp = Blueprint(
    "runs",
    __name__,
    url_prefix="/api/v1",
    description="Background runs of any kind: plans, re-plans, what-ifs, stock plans, studies.",
)


@blp.route("/runs/<int:run_id>/cancel", methods=["POST"])
@requires(Role.DISPATCHER, Role.PLANNER)
@blp.response(200, RunSummarySchema)
def cancel(run_id: int) -> Any:
    """Cancel a queued or running run: it never starts, or stops and stores nothing.

    Only the user who started it, or an admin; 409 once it has ended.
    """
    return cancel_run(session(), executor(), current_user(), run_id)
