"""Plans of a day or a week: request one (202 + run id), watch it, publish it; an engineer's
assignments, by day or by week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.assignments import engineer_day
from api.auth import current_user, forbid_other_engineer, requires
from api.candidates import ranking
from api.db import transaction
from api.models import Role, Run, RunKind
from api.publish import publish_run
from api.resources.accepted import accepted, executor
from api.runs.launch import start_plan, start_replan
from api.runs.results import problem_of_plan
from api.runs.store import run_of_kind, run_page
from api.schemas.common import page_schema
from api.schemas.plan_shapes import (
    AssignmentDaySchema,
    AssignmentWeekSchema,
    DayArgs,
    PlanRequestSchema,
    PublishSchema,
    ReplanRequestSchema,
    WeekArgs,
    WhoRequestSchema,
    WhoSchema,
)
from api.schemas.run_shapes import RunListArgs, RunSchema, RunSummarySchema
from api.session import session

blp = Blueprint(
    "plans", __name__, url_prefix="/api/v1", description="Day plans and engineers' assignments."
)


@blp.route("/plans")
class Plans(MethodView):
    @requires(Role.DISPATCHER)
    @blp.arguments(PlanRequestSchema)
    @blp.response(202, RunSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Request a plan of a region's day; the solve runs in the background.

        The answer (202) carries the run id; read its status, progress and
        plan from ``GET /plans/{id}``.
        """
        return accepted(start_plan(session(), executor(), current_user().id, data))

    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "PlanRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List plan runs, newest first (without their plans)."""
        return run_page(session(), RunKind.PLAN, args)


@blp.route("/plans/<int:run_id>", endpoint="plan_run")
@requires(Role.DISPATCHER, Role.PLANNER)
@blp.response(200, RunSchema)
def plan_run(run_id: int) -> Run:
    """A plan run: status, progress and, when done, the plan in the dispatch contract's form."""
    return run_of_kind(session(), RunKind.PLAN, run_id)


@blp.route("/plans/<int:run_id>/replan", methods=["POST"])
@requires(Role.DISPATCHER)
@blp.arguments(ReplanRequestSchema)
@blp.response(202, RunSchema)
def replan_plan(data: dict[str, Any], run_id: int) -> Any:
    """Re-plan the rest of a published day from its state (emergencies, cancellations, sickness).

    The state is read off the stored events at ``now``: done and in-progress
    work stays, new jobs of the region are inserted by SLA priority, and each
    change to a job not yet started costs ``change_penalty``. The result is a
    new plan run (the rest of the day) with the changes against the published
    plan and their reasons; publish it to update the engineers' days.
    """
    return accepted(start_replan(session(), executor(), current_user().id, run_id, data))


@blp.route("/plans/<int:run_id>/who", methods=["POST"])
@requires(Role.DISPATCHER)
@blp.arguments(WhoRequestSchema)
@blp.response(200, WhoSchema)
def who_should_go(data: dict[str, Any], run_id: int) -> dict[str, Any]:
    """Who should go to a new job? Engineers ranked by what inserting it costs their day.

    Answered at once from the published plan and the state of the day, without
    a re-plan: arrival, SLA met, jobs displaced, extra km.
    """
    return ranking(session(), run_id, data)


@blp.route("/plans/<int:run_id>/problem")
@requires(Role.DISPATCHER, Role.PLANNER)
@blp.response(200)
def plan_problem(run_id: int) -> Any:
    """The dispatch problem the run solved (contract JSON), to check its plan independently.

    For a re-plan, the rest-of-day problem its plan answers.
    """
    return problem_of_plan(session(), run_id)


@blp.route("/plans/<int:run_id>/publish", methods=["POST"])
@requires(Role.DISPATCHER)
@blp.response(200, PublishSchema)
def publish_plan(run_id: int) -> dict[str, Any]:
    """Turn a finished plan into the engineers' assignments, in one transaction.

    Replaces the region's earlier published plan for that day; publishing the
    same plan again changes nothing.
    """
    with transaction(session()) as s:
        return publish_run(s, run_id)


@blp.route("/engineers/<string:engineer_id>/assignments")
@requires(Role.DISPATCHER, Role.PLANNER, Role.ENGINEER)
@blp.arguments(DayArgs, location="query")
@blp.response(200, AssignmentDaySchema)
def assignments(args: dict[str, Any], engineer_id: str) -> dict[str, Any]:
    """An engineer's day: ordered stops with times, addresses, job details and parts to pick up where.

    Engineers read only their own day (403 for any other id).
    """
    forbid_other_engineer(engineer_id)
    return engineer_day(session(), engineer_id, args["date"])


@blp.route("/engineers/<string:engineer_id>/week")
@requires(Role.DISPATCHER, Role.PLANNER, Role.ENGINEER)
@blp.arguments(WeekArgs, location="query")
@blp.response(200, AssignmentWeekSchema)
def engineer_week(args: dict[str, Any], engineer_id: str) -> dict[str, Any]:
    """An engineer's days from ``date``, ``days`` of them (7 by default), each as the day reads.

    Engineers read only their own week (403 for any other id).
    """
    forbid_other_engineer(engineer_id)
    first = args["date"]
    days = [
        engineer_day(session(), engineer_id, first + timedelta(days=d)) for d in range(args["days"])
    ]
    return {"engineer": engineer_id, "days": days}
