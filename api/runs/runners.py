"""What each kind of run computes: a day plan, a re-plan, a stock plan, a day what-if, a study.

A runner takes the run's stored params and problem and a ``report`` callable
for its progress, and returns the result to store. It knows nothing of
threads, sessions or claims (the worker does), so any executor can call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from api.models import RunKind


class Report(Protocol):
    """Where a runner says how far it is; ``force`` writes at once, unthrottled."""

    def __call__(self, progress: dict[str, Any], force: bool = False) -> None: ...


#: A runner: the run's params, its stored problem (if any) and where to report -> the result.
Runner = Callable[[dict[str, Any], dict[str, Any] | None, Report], dict[str, Any]]


def plan(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: Report
) -> dict[str, Any]:
    """A region's day planned from scratch; the plan must pass the independent check."""
    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import plan_to_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.solve import solve

    assert problem_data is not None
    problem = problem_from_json(problem_data)
    limit = problem.options.time_limit_s

    def progress(seconds: float, objective: float, solutions: int) -> None:
        report(
            {
                "seconds": round(seconds, 2),
                "time_limit_s": limit,
                "fraction": round(min(1.0, seconds / limit), 3) if limit else None,
                "objective": round(objective, 2),
                "solutions": solutions,
            }
        )

    solved = solve(problem, problem.options, progress)
    violations = check(problem, solved)
    if violations:
        raise RuntimeError(f"the plan breaks {len(violations)} rule(s): {violations[0]}")
    return {"plan": plan_to_json(solved, problem.clock)}


def replan(params: dict[str, Any], bundle: dict[str, Any] | None, report: Report) -> dict[str, Any]:
    """The rest of the day from the stored state; the result carries the rest-of-day problem."""
    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import plan_from_json, plan_to_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.io.state_json import state_from_json
    from dispatch.model.entities import SolveOptions
    from dispatch.replanning.changes import changes_to_json
    from dispatch.replanning.rest_of_day import replan as replan_day

    assert bundle is not None
    problem = problem_from_json(bundle["problem"])
    published = plan_from_json(bundle["plan"], problem.clock)
    state = state_from_json(bundle["state"], problem)
    report({"fraction": 0.0, "time_limit_s": params["time_limit_s"]}, force=True)
    result = replan_day(
        problem,
        published,
        state,
        SolveOptions(time_limit_s=params["time_limit_s"], seed=params["seed"]),
    )
    violations = check(result.problem, result.plan)
    if violations:
        raise RuntimeError(f"the new plan breaks {len(violations)} rule(s): {violations[0]}")
    return {
        "plan": plan_to_json(result.plan, result.problem.clock),
        "changes": changes_to_json(result.changes, result.unchanged, problem),
        "problem": result.problem_data,
    }


def stock_plan(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: Report
) -> dict[str, Any]:
    """Base-stock levels per part and location for the stock problem's goal."""
    from inventory.json_io import problem_from_json
    from inventory.planner import plan_stock

    problem = problem_from_json(problem_data)

    def progress(done: int, total: int) -> None:
        report(
            {
                "parts_done": done,
                "parts": total,
                "fraction": round(done / total, 3) if total else None,
            }
        )

    return {"plan": plan_stock(problem, progress=progress).to_json()}


def day_whatif(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: Report
) -> dict[str, Any]:
    """A region's day planned as it is and once per variant, the figures compared."""
    from scenarios.day_whatif import compare

    def progress(done: int, total: int) -> None:
        report(
            {"variants_done": done, "variants": total, "fraction": round(done / total, 3)},
            force=True,
        )

    assert problem_data is not None
    return compare(problem_data, params["variants"], progress)


def study(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: Report
) -> dict[str, Any]:
    """A multi-day study: the baseline and each variant co-simulated, with the KPI table."""
    from scenarios.study.runner import run_study
    from scenarios.study.scenario_file import study_from_data

    scenario = study_from_data(params["study"])
    finished: list[str] = []

    def done(name: str) -> None:
        finished.append(name)
        report(study_progress(len(finished), len(scenario.variants)), force=True)

    return study_result(scenario, run_study(scenario, workers=1, done=done))


def study_progress(done: int, total: int) -> dict[str, Any]:
    return {"variants_done": done, "variants": total, "fraction": round(done / total, 3)}


def study_result(scenario: Any, results: list[Any]) -> dict[str, Any]:
    """A study run's stored result: its variants' figures and the KPI table."""
    from dataclasses import asdict

    from scenarios.study.report import table_rows

    return {
        "name": scenario.name,
        "days": scenario.days,
        "seed": scenario.seed,
        "table": table_rows(results),
        "variants": [asdict(r) for r in results],
    }


#: The runner of each kind of run.
RUNNERS: dict[RunKind, Runner] = {
    RunKind.PLAN: plan,
    RunKind.STOCK: stock_plan,
    RunKind.SCENARIO: day_whatif,
    RunKind.STUDY: study,
}


def runner_for(kind: RunKind, params: dict[str, Any]) -> Runner:
    """The runner of a stored run: a plan run that re-plans a published day (``replan_of``) re-plans."""
    if kind is RunKind.PLAN and "replan_of" in params:
        return replan
    return RUNNERS[kind]
