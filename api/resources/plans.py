"""Day plans: request one (202 + run id), watch it, publish it; an engineer's assignments."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.assignments import engineer_day
from api.auth import forbid_other_engineer, requires
from api.models import Role, Run, RunKind
from api.problems import day_problem
from api.publish import publish
from api.resources import runs
from api.schemas import (
    DayArgs,
    PlanRequestSchema,
    PublishSchema,
    RunListArgs,
    RunSchema,
    page_schema,
)
from api.session import session

blp = Blueprint(
    "plans", __name__, url_prefix="/api/v1", description="Day plans and engineers' assignments."
)


class RunSummarySchema(RunSchema):
    class Meta:
        exclude = ("result",)


class AssignmentDaySchema(Schema):
    engineer = fields.Dict()
    date = fields.String()
    region = fields.String()
    run_id = fields.Integer(allow_none=True)
    stops = fields.List(
        fields.Dict(),
        metadata={
            "description": "sequence, type (job|depot|break), arrival, start, end, job or depot details, pickup"
        },
    )
    pickups = fields.List(
        fields.Dict(), metadata={"description": "parts to pick up: {depot, part, quantity}"}
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
        problem = day_problem(
            session(), data["region"], data["date"], data["time_limit_s"], data["seed"]
        )
        params = {
            "region": data["region"],
            "date": data["date"].isoformat(),
            "time_limit_s": data["time_limit_s"],
            "seed": data["seed"],
        }
        return runs.start(RunKind.PLAN, params, problem, data["region"], data["date"])

    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "PlanRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List plan runs, newest first (without their plans)."""
        return runs.listing(RunKind.PLAN, args)


@blp.route("/plans/<int:run_id>", endpoint="plan_run")
@requires(Role.DISPATCHER, Role.PLANNER)
@blp.response(200, RunSchema)
def plan_run(run_id: int) -> Run:
    """A plan run: status, progress and, when done, the plan in the dispatch contract's form."""
    return runs.get(RunKind.PLAN, run_id)


@blp.route("/plans/<int:run_id>/problem")
@requires(Role.DISPATCHER, Role.PLANNER)
@blp.response(200)
def plan_problem(run_id: int) -> Any:
    """The dispatch problem the run solved (contract JSON), to check its plan independently."""
    return runs.get(RunKind.PLAN, run_id).problem


@blp.route("/plans/<int:run_id>/publish", methods=["POST"])
@requires(Role.DISPATCHER)
@blp.response(200, PublishSchema)
def publish_plan(run_id: int) -> dict[str, Any]:
    """Turn a finished plan into the engineers' assignments, in one transaction.

    Replaces the region's earlier published plan for that day; publishing the
    same plan again changes nothing.
    """
    s = session()
    run = runs.get(RunKind.PLAN, run_id)
    s.refresh(run, with_for_update=True)
    written = publish(s, run)
    out = {"run": run.id, "assignments": written, "published_at": run.published_at}
    s.commit()
    return out


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
