"""What a finished run's result gives: the problem a plan answers, a study's report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.errors import ApiError
from api.models import RunKind, RunStatus
from api.runs.store import run_of_kind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from api.models import Run


def solved_problem(run: Run) -> dict[str, Any] | None:
    """The problem a run's plan answers: the rest-of-day problem for a re-plan."""
    if run.result is not None and "problem" in run.result:
        found: dict[str, Any] = run.result["problem"]
        return found
    return run.problem


def problem_of_plan(s: Session, run_id: int) -> dict[str, Any] | None:
    """The dispatch problem plan run ``run_id`` solved, to check its plan independently."""
    return solved_problem(run_of_kind(s, RunKind.PLAN, run_id))


def study_report_html(s: Session, run_id: int) -> str:
    """Study ``run_id``'s report as one HTML page (409 until the study is done)."""
    from scenarios.study.report import report_html, results_from_json
    from scenarios.study.scenario_file import study_from_data

    run = run_of_kind(s, RunKind.STUDY, run_id)
    if run.status != RunStatus.DONE.value or run.result is None:
        raise ApiError(409, f"study {run_id} is {run.status}; its report exists once it is done")
    return report_html(
        study_from_data(run.params["study"]), results_from_json(run.result["variants"])
    )
