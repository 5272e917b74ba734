"""Planners' runs: what-if studies of a day and stock plans, started and read like plan runs."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_user, requires
from api.models import Role, Run, RunKind
from api.resources.accepted import accepted, executor
from api.runs.launch import start_day_whatif, start_stock_plan, start_study
from api.runs.results import study_report_html
from api.runs.store import run_of_kind, run_page
from api.schemas.analysis_shapes import (
    ScenarioRequestSchema,
    StockPlanRequestSchema,
    StudyRequestSchema,
)
from api.schemas.common import page_schema
from api.schemas.run_shapes import RunListArgs, RunSchema, RunSummarySchema
from api.session import session

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
        (``[{"count": n, "like": id}]`` or ``[{"count": n, "city": name}]``),
        ``emergency_response_min``.
        """
        return accepted(start_day_whatif(session(), executor(), current_user().id, data))

    @requires(Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "ScenarioRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List scenario runs, newest first."""
        return run_page(session(), RunKind.SCENARIO, args)


@blp.route("/scenarios/<int:run_id>", endpoint="scenario_run")
@requires(Role.PLANNER)
@blp.response(200, RunSchema)
def scenario_run(run_id: int) -> Run:
    """A scenario run: status, progress and, when done, the figures per variant and their differences."""
    return run_of_kind(session(), RunKind.SCENARIO, run_id)


@blp.route("/stock-plans")
class StockPlans(MethodView):
    @requires(Role.PLANNER)
    @blp.arguments(StockPlanRequestSchema)
    @blp.response(202, RunSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Start a stock plan: base-stock levels per part and location for the problem's goal."""
        return accepted(start_stock_plan(session(), executor(), current_user().id, data))

    @requires(Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "StockRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List stock-plan runs, newest first."""
        return run_page(session(), RunKind.STOCK, args)


@blp.route("/stock-plans/<int:run_id>", endpoint="stock_run")
@requires(Role.PLANNER)
@blp.response(200, RunSchema)
def stock_run(run_id: int) -> Run:
    """A stock-plan run: status, progress and, when done, the plan in the stock contract's form."""
    return run_of_kind(session(), RunKind.STOCK, run_id)


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
        return accepted(start_study(session(), executor(), current_user().id, data))

    @requires(Role.PLANNER)
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, page_schema(RunSummarySchema, "StudyRunPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List study runs, newest first."""
        return run_page(session(), RunKind.STUDY, args)


@blp.route("/studies/<int:run_id>", endpoint="study_run")
@requires(Role.PLANNER)
@blp.response(200, RunSchema)
def study_run(run_id: int) -> Run:
    """A study run: status, progress and, when done, the KPI table and every variant's figures."""
    return run_of_kind(session(), RunKind.STUDY, run_id)


@blp.route("/studies/<int:run_id>/report")
@requires(Role.PLANNER)
@blp.response(
    200, description="the report as one HTML page (plots embedded)", content_type="text/html"
)
def study_report(run_id: int) -> Any:
    """The study's report: the KPI table side by side and the plots, as a self-contained HTML page."""
    return Response(study_report_html(session(), run_id), mimetype="text/html")
