"""What each kind of run starts from, checked before it is queued, so a bad request fails at once.

A day plan stores the region's day as its problem (an unknown region or a day
without engineers is a 422 then, not a failed run); a re-plan stores the
published plan with the state of the day; a what-if checks its variants
against the day; a stock plan and a study check their problem or scenario file.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from api.day_problem import day_problem
from api.errors import ApiError
from api.models import RunKind
from api.runs.store import run_of_kind, start
from api.state_of_day import day_under_way, replan_bundle
from dispatch.errors import ProblemError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from api.models import Run
    from api.runs.executor import Executor


def start_plan(
    s: Session, executor: Executor, user_id: int | None, request: Mapping[str, Any]
) -> Run:
    """A plan of a region's day or days: ``region``, ``date``, ``days``, ``time_limit_s``, ``seed``."""
    region, day, days = request["region"], request["date"], request.get("days", 1)
    problem = day_problem(s, region, day, request["time_limit_s"], request["seed"], days)
    params = {
        "region": region,
        "date": day.isoformat(),
        "time_limit_s": request["time_limit_s"],
        "seed": request["seed"],
    }
    if days > 1:
        params["days"] = days
    return start(s, executor, RunKind.PLAN, params, problem, user_id, region, day)


def start_replan(
    s: Session, executor: Executor, user_id: int | None, run_id: int, request: Mapping[str, Any]
) -> Run:
    """The rest of the published day of plan ``run_id``, from its state at ``request["now"]``
    (of a plan of several days, the day that holds ``now``)."""
    published = run_of_kind(s, RunKind.PLAN, run_id)
    bundle = replan_bundle(s, published, request)
    day = day_under_way(s, published, datetime.fromisoformat(bundle["state"]["now"]))
    params = {
        "replan_of": published.id,
        "region": published.region_id,
        "date": day.isoformat(),
        "now": bundle["state"]["now"],
        "time_limit_s": request["time_limit_s"],
        "seed": request["seed"],
    }
    return start(s, executor, RunKind.PLAN, params, bundle, user_id, published.region_id, day)


def start_day_whatif(
    s: Session, executor: Executor, user_id: int | None, request: Mapping[str, Any]
) -> Run:
    """A what-if of a region's day: the baseline and each variant; a bad variant is a 422 naming it."""
    from scenarios.day_whatif import apply_variant

    region, day = request["region"], request["date"]
    problem = day_problem(s, region, day, request["time_limit_s"], request["seed"])
    for i, variant in enumerate(request["variants"]):
        try:
            apply_variant(problem, variant, f"variants[{i}]")
        except ProblemError as exc:
            raise ApiError(422, str(exc), exc.path) from None
    params = {
        "region": region,
        "date": day.isoformat(),
        "time_limit_s": request["time_limit_s"],
        "seed": request["seed"],
        "variants": request["variants"],
    }
    return start(s, executor, RunKind.SCENARIO, params, problem, user_id, region, day)


def start_stock_plan(
    s: Session, executor: Executor, user_id: int | None, request: Mapping[str, Any]
) -> Run:
    """A stock plan of ``request["problem"]``; a bad problem is refused now, naming the field."""
    from inventory.json_io import problem_from_json

    problem_from_json(request["problem"])
    return start(s, executor, RunKind.STOCK, {}, request["problem"], user_id)


def start_study(
    s: Session, executor: Executor, user_id: int | None, request: Mapping[str, Any]
) -> Run:
    """A multi-day study of a scenario file's content; a bad one is a 422 naming ``study.<field>``."""
    from scenarios.study.runner import check_worlds
    from scenarios.study.scenario_file import StudyError, study_from_data

    try:
        check_worlds(study_from_data(request["study"]))
    except StudyError as exc:
        raise ApiError(422, str(exc), f"study.{exc.path}" if exc.path else "study") from None
    return start(s, executor, RunKind.STUDY, {"study": request["study"]}, None, user_id)
