"""The construction heuristic and ruin-and-recreate on their own."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from dispatch.evaluate.check import check
from dispatch.evaluate.diagnose import diagnose
from dispatch.evaluate.timing import evaluate, schedule
from dispatch.io.problem_json import problem_from_json
from dispatch.search.construct import Builder
from dispatch.search.improve import STRING_MAX, _remove_strings, improve
from dispatch.search.layout import plan_layout
from dispatch.search.pickups import trim
from scenarios.generator.day import generate_dispatch
from scenarios.instances.pillac import pillac_to_problem, read_pillac
from tests.dispatch.builders import at, build, depot, engineer, job

PILLAC = Path(__file__).parent.parent / "data" / "pillac"


def _plan(problem, builder):
    drafts = trim(problem, builder.drafts())
    routes = [schedule(problem, d) for d in drafts]
    served = {j for r in routes for j in r.job_ids}
    unassigned = diagnose(problem, routes, [j.id for j in problem.jobs if j.id not in served])
    return evaluate(problem, drafts, unassigned)


def test_constructed_plan_is_valid_and_its_objective_matches_the_evaluator() -> None:
    problem = problem_from_json(generate_dispatch(12, 55, seed=2))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    plan = _plan(problem, builder)
    assert check(problem, plan) == []
    assert plan.kpis.assigned == len(builder.where) > 40
    # the heuristic times routes exactly as the evaluator does (it departs at shift
    # start, the evaluator no earlier than needed, which working cost 0 ignores)
    assert abs(plan.kpis.objective - builder.objective()) < 1e-2  # KPIs round to 3 decimals


def test_ruin_and_recreate_never_ends_worse_and_stays_valid() -> None:
    problem = problem_from_json(generate_dispatch(12, 55, seed=2))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    before = builder.objective()
    steps = improve(builder, seed=1, deadline=time.monotonic() + 30, max_steps=300)
    assert steps == 300
    assert builder.objective() <= before
    assert check(problem, _plan(problem, builder)) == []


def test_string_removal_takes_runs_of_consecutive_jobs_from_routes_near_the_centre() -> None:
    problem = problem_from_json(pillac_to_problem(read_pillac(PILLAC / "R101.txt")))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    net = problem.network
    rng = np.random.default_rng(7)
    for _ in range(40):
        before = {r.v: list(r.jobs) for r in builder.routes}
        centre = sorted(builder.where)[int(rng.integers(len(builder.where)))]
        near = sorted(
            (j for j in builder.where if j != centre),
            key=lambda j: net.travel.minutes[net.job_site[centre], net.job_site[j]],
        )
        removed = _remove_strings(builder, rng, centre, near)
        assert centre in removed
        assert not set(removed) & set(builder.where)
        touched = [v for v, jobs in before.items() if set(jobs) & set(removed)]
        lengths = [len(jobs) for jobs in before.values() if jobs]
        longest = min(STRING_MAX, sum(lengths) / len(lengths))
        assert 1 <= len(touched) < 4 * 10 / (1 + longest)  # about 10 removed on average
        for v in touched:
            taken = [k for k, j in enumerate(before[v]) if j in set(removed)]
            assert taken == list(range(taken[0], taken[0] + len(taken)))  # one unbroken run
            assert len(taken) <= STRING_MAX
            assert builder.routes[v].jobs == [j for j in before[v] if j not in set(removed)]
        builder.insert_all(removed)
    assert check(problem, _plan(problem, builder)) == []


def test_ruin_and_recreate_is_reproducible_under_a_step_limit() -> None:
    problem = problem_from_json(generate_dispatch(12, 55, seed=2))
    routes = []
    for _ in range(2):
        builder = Builder(problem, plan_layout(problem))
        builder.build()
        improve(builder, seed=3, deadline=time.monotonic() + 30, max_steps=150)
        routes.append([list(r.jobs) for r in builder.routes])
        assert builder.blink is None  # construction after the search never blinks
    assert routes[0] == routes[1]


def test_parts_come_from_one_morning_depot_visit_within_stock() -> None:
    problem = build(
        [engineer("E1", 0), engineer("E2", 100)],
        [
            job("A", 10, parts={"P1": 1}),
            job("B", 20, parts={"P1": 1}),
            job("C", 90, parts={"P1": 1}),
        ],
        [depot("D", 5, stock={"P1": 2})],
    )
    builder = Builder(problem, plan_layout(problem))
    drafts = builder.build()
    drawn = sum(v.pickup.get("P1", 0) for d in drafts for v in d.visits)
    assert drawn == 2  # the depot holds two: one job must wait
    assert len(builder.where) == 2
    for d in drafts:
        assert d.visits[0].ref == "D"  # the pickup opens the day


def test_with_working_cost_the_heuristic_times_routes_as_the_evaluator_does() -> None:
    # Pillac C101: working minutes only, no breaks; both leave as late as feasible.
    problem = problem_from_json(pillac_to_problem(read_pillac(PILLAC / "C101.txt")))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    plan = _plan(problem, builder)
    assert check(problem, plan) == []
    assert plan.kpis.assigned == len(builder.where)
    assert abs(plan.kpis.objective - builder.objective()) < 1e-2


def test_latest_starts_leave_every_later_stop_and_the_return_reachable() -> None:
    problem = build(
        [engineer("E1", 0)],
        [
            job("A", 10, windows=[{"start": at("08:00"), "end": at("12:00")}]),
            job("B", 30),
        ],
    )
    builder = Builder(problem, plan_layout(problem))
    builder.follow({0: [0, 1]})
    route = builder.routes[0]
    assert route.jobs == [0, 1]
    line = builder._timeline(route, None)
    assert line is not None
    shift_end = problem.engineers[0].shift.end
    # B: back home (30 min) by the shift's end after 60 min on site; A: its own window.
    assert line.latest == (problem.jobs[0].windows[-1].end, shift_end - 60 - 30)


def test_cheapest_insertion_matches_timing_every_position() -> None:
    """The bound that orders and cuts the candidates never loses the cheapest one."""
    problem = problem_from_json(generate_dispatch(12, 80, seed=5))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    unserved = [j for j in builder.layout.jobs if j not in builder.where]
    served = sorted(builder.where)[:20]
    for j in served:
        builder.remove(j)
    checked = 0
    for j in served + unserved:
        for v in builder.layout.allowed[j][:6]:
            route = builder.routes[v]
            found = builder.insertion_into(v, j)
            brute = None
            for depot_, _, _ in builder._supply(route, j):
                for position in range(len(route.jobs) + 1):
                    trial = [*route.jobs[:position], j, *route.jobs[position:]]
                    timing = builder.time_route(v, depot_, trial)
                    if timing is not None:
                        delta = timing.cost - route.cost
                        brute = delta if brute is None else min(brute, delta)
            assert (found is None) == (brute is None)
            if found is not None:
                assert found[0] == pytest.approx(brute, abs=1e-6)
                checked += 1
    assert checked > 50
