"""Day plans: request one (202 + run id), watch it, publish it; an engineer's assignments."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.assignments import engineer_day
from api.auth import forbid_other_engineer, requires
from api.day import day_bundle, rank, solved_problem
from api.models import Role, Run, RunKind
from api.problems import day_problem
from api.publish import publish
from api.resources import runs
from api.schemas import (
    AwareDateTime,
    DayArgs,
    PlanRequestSchema,
    PublishSchema,
    RunListArgs,
    RunSchema,
    page_schema,
)
from api.session import session
from dispatch.model.day_state import DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN

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


class _DayChange(Schema):
    now = AwareDateTime(
        load_default=None, metadata={"description": "the time of the state (default: now)"}
    )
    unavailable = fields.Dict(
        keys=fields.String(),
        values=AwareDateTime(),
        load_default=dict,
        metadata={"description": "engineer id -> unavailable from"},
    )
    change_penalty = fields.Float(
        load_default=DEFAULT_CHANGE_PENALTY, validate=validate.Range(min=0)
    )
    tolerance_min = fields.Float(load_default=DEFAULT_TOLERANCE_MIN, validate=validate.Range(min=0))


class ReplanRequestSchema(_DayChange):
    time_limit_s = fields.Float(load_default=2.0, validate=validate.Range(min=0.1, max=600))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


class WhoRequestSchema(_DayChange):
    job_id = fields.String(required=True)
    top = fields.Integer(load_default=5, validate=validate.Range(1, 50))


class CandidateSchema(Schema):
    engineer = fields.String()
    name = fields.String()
    arrival = fields.String()
    start = fields.String()
    sla_met = fields.Boolean()
    late_min = fields.Float()
    extra_km = fields.Float()
    displaced = fields.List(
        fields.String(),
        metadata={
            "description": "jobs of that day given up, moved past the tolerance or made late"
        },
    )
    depot = fields.String(
        allow_none=True, metadata={"description": "the depot visited on the way for a part or tool"}
    )
    cost = fields.Float(metadata={"description": "what the insertion adds to the plan's objective"})


class WhoSchema(Schema):
    job_id = fields.String()
    run = fields.Integer()
    candidates = fields.List(fields.Nested(CandidateSchema))


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
    s = session()
    run = runs.get(RunKind.PLAN, run_id)
    bundle = day_bundle(s, run, data)
    params = {
        "replan_of": run.id,
        "region": run.region_id,
        "date": run.day.isoformat() if run.day else None,
        "now": bundle["state"]["now"],
        "time_limit_s": data["time_limit_s"],
        "seed": data["seed"],
    }
    return runs.start(RunKind.PLAN, params, bundle, run.region_id, run.day)


@blp.route("/plans/<int:run_id>/who", methods=["POST"])
@requires(Role.DISPATCHER)
@blp.arguments(WhoRequestSchema)
@blp.response(200, WhoSchema)
def who_should_go(data: dict[str, Any], run_id: int) -> dict[str, Any]:
    """Who should go to a new job? Engineers ranked by what inserting it costs their day.

    Answered at once from the published plan and the state of the day, without
    a re-plan: arrival, SLA met, jobs displaced, extra km.
    """
    s = session()
    run = runs.get(RunKind.PLAN, run_id)
    return {"job_id": data["job_id"], "run": run.id, "candidates": rank(s, run, data)}


@blp.route("/plans/<int:run_id>/problem")
@requires(Role.DISPATCHER, Role.PLANNER)
@blp.response(200)
def plan_problem(run_id: int) -> Any:
    """The dispatch problem the run solved (contract JSON), to check its plan independently.

    For a re-plan, the rest-of-day problem its plan answers.
    """
    return solved_problem(runs.get(RunKind.PLAN, run_id))


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
