"""Planners' runs: what-if studies of a day and stock plans, started and read like plan runs."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.auth import requires
from api.errors import ApiError
from api.models import Role, Run, RunKind
from api.problems import day_problem
from api.resources import runs
from api.resources.plans import RunSummarySchema
from api.schemas import (
    RunListArgs,
    RunSchema,
    ScenarioRequestSchema,
    StockPlanRequestSchema,
    page_schema,
)
from api.session import session
from dispatch.errors import ProblemError
from inventory.json_io import problem_from_json as stock_problem_from_json
from scenarios.day_whatif import apply_variant
from scenarios.study.report import report_html, results_from_json
from scenarios.study.runner import check_worlds
from scenarios.study.scenario_file import StudyError, study_from_data

blp = Blueprint(
    "analysis",
    __name__,
    url_prefix="/api/v1",
    description="Scenario studies and stock plans for planners.",
)


@blp.route("/scenarios")
class Scenarios(MethodView):
    @requires(Role.PLANNER)
    @blp.arguments(ScenarioRequestSchema)
    @blp.response(202, RunSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Start a what-if study of a region's day: the baseline and each variant planned and compared.

        Variants change the day: ``remove_engineers`` (ids), ``add_engineers``
        (``[{"like": id, "count": n}]``), ``emergency_response_min``.
        """
        problem = day_problem(
            session(), data["region"], data["date"], data["time_limit_s"], data["seed"]
        )
        for i, variant in enumerate(data["variants"]):
            try:
                apply_variant(problem, variant, f"variants[{i}]")
            except ProblemError as exc:
                raise ApiError(422, str(exc), exc.path) from None
        params = {
            "region": data["region"],
            "date": data["date"].isoformat(),
            "time_limit_s": data["time_limit_s"],
            "seed": data["seed"],
            "variants": data["variants"],
        }
        return runs.start(RunKind.SCENARIO, params, problem, data["region"], data["date"])

    @requires(Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "ScenarioRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List scenario runs, newest first."""
        return runs.listing(RunKind.SCENARIO, args)


@blp.route("/scenarios/<int:run_id>", endpoint="scenario_run")
@requires(Role.PLANNER)
@blp.response(200, RunSchema)
def scenario_run(run_id: int) -> Run:
    """A scenario run: status, progress and, when done, the figures per variant and their differences."""
    return runs.get(RunKind.SCENARIO, run_id)


@blp.route("/stock-plans")
class StockPlans(MethodView):
    @requires(Role.PLANNER)
    @blp.arguments(StockPlanRequestSchema)
    @blp.response(202, RunSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Start a stock plan: base-stock levels per part and location for the problem's goal."""
        stock_problem_from_json(data["problem"])  # a bad problem is refused now, naming the field
        return runs.start(RunKind.STOCK, {}, data["problem"])

    @requires(Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "StockRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List stock-plan runs, newest first."""
        return runs.listing(RunKind.STOCK, args)


@blp.route("/stock-plans/<int:run_id>", endpoint="stock_run")
@requires(Role.PLANNER)
@blp.response(200, RunSchema)
def stock_run(run_id: int) -> Run:
    """A stock-plan run: status, progress and, when done, the plan in the stock contract's form."""
    return runs.get(RunKind.STOCK, run_id)


class StudyRequestSchema(Schema):
    study = fields.Dict(
        required=True,
        metadata={
            "description": "a scenario file's content (name, days, seed, baseline, variants); see scenarios/examples"
        },
    )


@blp.route("/studies")
class Studies(MethodView):
    @requires(Role.PLANNER)
    @blp.arguments(StudyRequestSchema)
    @blp.response(202, RunSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Start a multi-day study: the baseline and each variant co-simulated over weeks.

        The body is a scenario file's content; a bad one is refused at once,
        naming the field (``variants[1].sla.emergency.gold``).
        """
        try:
            study = study_from_data(data["study"])
            check_worlds(study)
        except StudyError as exc:
            raise ApiError(422, str(exc), f"study.{exc.path}" if exc.path else "study") from None
        return runs.start(RunKind.STUDY, {"study": data["study"]}, None)

    @requires(Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "StudyRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List study runs, newest first."""
        return runs.listing(RunKind.STUDY, args)


@blp.route("/studies/<int:run_id>", endpoint="study_run")
@requires(Role.PLANNER)
@blp.response(200, RunSchema)
def study_run(run_id: int) -> Run:
    """A study run: status, progress and, when done, the KPI table and every variant's figures."""
    return runs.get(RunKind.STUDY, run_id)


@blp.route("/studies/<int:run_id>/report")
@requires(Role.PLANNER)
@blp.response(
    200, description="the report as one HTML page (plots embedded)", content_type="text/html"
)
def study_report(run_id: int) -> Any:
    """The study's report: the KPI table side by side and the plots, as a self-contained HTML page."""
    run = runs.get(RunKind.STUDY, run_id)
    if run.status != "done" or run.result is None:
        raise ApiError(409, f"study {run_id} is {run.status}; its report exists once it is done")
    page = report_html(
        study_from_data(run.params["study"]), results_from_json(run.result["variants"])
    )
    return Response(page, mimetype="text/html")
