"""End-to-end solves: determinism, both engines, a Solomon instance, a generated day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatch.errors import ProblemError
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json, plan_to_json
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import Engine, SolveOptions
from dispatch.solve import choose_engine, solve
from scenarios.generator.day import generate_dispatch
from scenarios.instances.solomon import read_solomon, solomon_to_problem
from tests.dispatch.builders import at, build, engineer, job


def _without_timing(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data.pop("solver")
    return data


def test_same_seed_and_solution_limit_give_the_same_plan() -> None:
    problem = problem_from_json(generate_dispatch(6, 25, seed=3))
    options = SolveOptions(time_limit_s=60, seed=7, solution_limit=40)
    first = plan_to_json(solve(problem, options), problem.clock)
    second = plan_to_json(solve(problem, options), problem.clock)
    assert _without_timing(first) == _without_timing(second)
    assert first["solver"]["engine"] == "ortools"


def test_generated_day_plan_is_valid_and_figures_survive_json() -> None:
    problem = problem_from_json(generate_dispatch(10, 45, seed=1))
    plan = solve(problem, SolveOptions(time_limit_s=3))
    assert check(problem, plan) == []
    # a dispatch day with breaks and parts: the engine must be OR-Tools
    assert plan.solver is not None and plan.solver.engine == "ortools"
    assert plan.kpis.assigned >= 25
    again = plan_from_json(json.loads(json.dumps(plan_to_json(plan, problem.clock))), problem.clock)
    assert check(problem, again) == []
    assert again.kpis.km == plan.kpis.km


def test_engine_choice_follows_the_rules_the_problem_uses() -> None:
    plain = build([engineer("E1", 0)], [job("J1", 10)])
    assert choose_engine(plain, Engine.AUTO) is Engine.PYVRP
    skilled = build([engineer("E1", 0, skills={"hvac": 1})], [job("J1", 10, skills={"hvac": 1})])
    assert choose_engine(skilled, Engine.AUTO) is Engine.ORTOOLS
    with pytest.raises(ProblemError, match=r"options\.engine: pyvrp cannot model"):
        choose_engine(skilled, Engine.PYVRP)


#: Solomon C101's best-known distance in double precision (10 vehicles; Rochat and
#: Taillard 1995, as tabulated by SINTEF and re-checked by LKH-3's published tour).
C101_BEST_KNOWN_KM = 828.94


def test_solomon_c101_within_one_percent_of_best_known() -> None:
    instance = read_solomon(Path(__file__).parent.parent / "data" / "solomon" / "C101.txt")
    problem = problem_from_json(solomon_to_problem(instance))
    plan = solve(problem, SolveOptions(time_limit_s=3))
    assert plan.kpis.assigned == 100
    assert plan.kpis.km <= C101_BEST_KNOWN_KM * 1.01
    assert len(plan.routes) <= 25


def test_two_workers_keep_the_better_of_two_seeds() -> None:
    problem = problem_from_json(generate_dispatch(4, 14, seed=5))
    one = solve(problem, SolveOptions(time_limit_s=30, seed=0, solution_limit=10))
    two = solve(problem, SolveOptions(time_limit_s=30, seed=0, solution_limit=10, workers=2))
    assert check(problem, two) == []
    # seed 0 alone is one of the two searches, so two workers never do worse
    assert two.kpis.objective <= one.kpis.objective + 1e-6
    assert two.solver is not None and "of 2" in two.solver.status


def test_invalid_search_result_falls_back_to_the_checked_starting_plan(monkeypatch) -> None:
    import importlib

    from dispatch.model.draft import RouteDraft, Visit
    from dispatch.model.reasons import StopType
    from dispatch.search.types import EngineResult

    problem = build(
        [engineer("NOVICE", 0, skills={"hvac": 1}), engineer("EXPERT", 50, skills={"hvac": 3})],
        [job("J1", 10, skills={"hvac": 3})],
    )
    wrong = (RouteDraft("NOVICE", (Visit(StopType.JOB, "J1"),)),)
    right = (RouteDraft("EXPERT", (Visit(StopType.JOB, "J1"),)),)

    def broken_search(*args, **kwargs):
        return EngineResult(wrong, "success", 5, 0.1, 1.0, fallback=right)

    solve_module = importlib.import_module("dispatch.solve")
    monkeypatch.setattr(solve_module, "run_portfolio", broken_search)
    plan = solve(problem, SolveOptions(time_limit_s=1, engine=Engine.ORTOOLS))
    assert [(r.engineer, r.job_ids) for r in plan.routes] == [("EXPERT", ["J1"])]
    assert plan.solver is not None and plan.solver.status == "fallback"


def test_a_fallback_shares_the_time_limit_instead_of_starting_a_new_one() -> None:
    # PyVRP must serve J2 (its penalty dwarfs any route) but nobody reaches it in its
    # window, so PyVRP finds no feasible plan and OR-Tools takes over in the time left.
    import time

    problem = build(
        [engineer("E1", 0)],
        [job("J1", 10), job("J2", 900, windows=[{"start": at("08:00"), "end": at("08:30")}])],
        unassigned_penalty={"2": 1e9},
    )
    assert choose_engine(problem, Engine.AUTO) is Engine.PYVRP
    began = time.perf_counter()
    plan = solve(problem, SolveOptions(time_limit_s=2.0, engine=Engine.AUTO))
    wall = time.perf_counter() - began
    assert plan.solver is not None and plan.solver.engine == "ortools"
    assert [u.id for u in plan.unassigned] == ["J2"] and check(problem, plan) == []
    assert wall < 2.0 * 1.1  # a second full limit for the fallback would take 4 s
