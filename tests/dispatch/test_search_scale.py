"""The search at scale: candidates per job, neighbours in space and time, displacement, undo."""

from __future__ import annotations

import random

import numpy as np
import pytest

from dispatch.io.problem_json import problem_from_json
from dispatch.search.construct import Builder
from dispatch.search.improve import BLINK_RATE, _recreate_order, _remove_strings
from dispatch.search.layout import plan_layout
from dispatch.search.neighbours import LATE_WEIGHT, WAIT_WEIGHT, nearest_jobs
from scenarios.generator.day import generate_dispatch
from tests.dispatch.builders import at, build, depot, engineer, job, problem_dict, xy


def test_neighbours_follow_the_time_window_correlation() -> None:
    # J1 and J2 are a street apart but hours apart in time; J3 is further but due next.
    problem = build(
        [engineer("E1", 0)],
        [
            job("J1", 10, duration_min=30, windows=[{"start": at("08:00"), "end": at("08:30")}]),
            job("J2", 12, duration_min=30, windows=[{"start": at("15:00"), "end": at("15:30")}]),
            job("J3", 40, duration_min=30, windows=[{"start": at("09:00"), "end": at("09:30")}]),
            job("J4", 25, duration_min=30, windows=[{"start": at("12:00"), "end": at("16:00")}]),
        ],
    )
    jobs = list(range(4))
    near = nearest_jobs(problem, jobs, 3)
    minutes = problem.network.travel.minutes
    site = problem.network.job_site

    def follow(i: int, j: int) -> float:
        a, b = problem.jobs[i], problem.jobs[j]
        t = minutes[site[i]][site[j]]
        wait = max(b.windows[0].start - (a.windows[-1].end + a.duration_min) - t, 0.0)
        late = max(a.windows[0].start + a.duration_min + t - b.windows[-1].end, 0.0)
        return t + WAIT_WEIGHT * wait + LATE_WEIGHT * late

    for i in jobs:
        expected = sorted((min(follow(i, j), follow(j, i)), j) for j in jobs if j != i)
        assert near[i] == [j for _, j in expected]
    assert near[0][0] == 2  # J3 (30 away, next in time) before J2 (2 away, 7 hours later)


def test_neighbours_in_blocks_equal_neighbours_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import dispatch.search.neighbours as neighbours

    problem = problem_from_json(generate_dispatch(6, 40, seed=3))
    jobs = list(range(len(problem.jobs)))
    whole = nearest_jobs(problem, jobs, 10)
    monkeypatch.setattr(neighbours, "ROWS_AT_ONCE", 7)
    assert nearest_jobs(problem, jobs, 10) == whole


def test_an_emergency_displaces_when_the_day_s_own_part_comes_back() -> None:
    # The depot's two P1 went to A and B; X needs P1 and fits only in place of B.
    problem = build(
        [engineer("E1", 0)],
        [
            job("A", 10, duration_min=240, parts={"P1": 1}),
            job("B", 20, duration_min=240, parts={"P1": 1}),
            job("X", 10, priority=1, duration_min=60, parts={"P1": 1}),
        ],
        [depot("D", 5, stock={"P1": 2})],
    )
    a, b, x = (problem.job_index[k] for k in "ABX")
    builder = Builder(problem, plan_layout(problem))
    builder.insert_all([a, b], displace=True)
    assert builder.stock[0]["P1"] == 0
    last = builder.routes[0].jobs[-1]
    builder.insert_all([x], displace=True)
    assert set(builder.where) == {a, b, x} - {last}
    assert builder.stock[0]["P1"] == 0  # the unit given back went to X


def test_a_job_never_displaces_one_as_urgent_even_beside_a_less_urgent_job() -> None:
    jobs = [
        job("A", 30, 20, duration_min=50),
        job("B", 60, duration_min=50),
        job("X", 10, sla_deadline=at("10:00"), skills={"lift": 1}),
        job("Y", 500, priority=3),  # unrelated, out of E1's reach
    ]
    day = problem_from_json(
        problem_dict(
            [
                engineer("E1", 0, shift={"start": at("08:00"), "end": at("12:00")}, skills={"lift": 1}),
                engineer("E2", 500, shift={"start": at("08:00"), "end": at("09:00")}),
            ],
            jobs,
        )
    )
    a, b, x = (day.job_index[j] for j in "ABX")
    builder = Builder(day, plan_layout(day))
    builder.insert_all([a, b], displace=True)
    builder.insert_all([x], displace=True)
    assert {a, b} <= set(builder.where) and x not in builder.where


def test_engineers_whose_depot_visits_differ_are_not_one_kind() -> None:
    # E1 and E2 are alike but for a pinned job that sends E1 to a tool depot: an empty
    # E1 does not stand for an empty E2, and J2 goes to E2, who reaches the part.
    problem = build(
        [
            engineer("E0", 0, shift={"start": at("08:00"), "end": at("17:30")}),
            engineer("E1", 0),
            engineer("E2", 0),
        ],
        [
            job("J1", 10, parts={"P": 1}),
            job("J2", 10, y=5, parts={"P": 1}),
            job("Z", 10, priority=3, tools=["T"], pinned_engineer="E1"),
        ],
        [depot("DT", 1, tools=["T"]), depot("D2", 2, stock={"P": 1}), depot("D3", 3, stock={"P": 1})],
    )
    layout = plan_layout(problem)
    builder = Builder(problem, layout)
    assert layout.depot_options[1] != layout.depot_options[2]
    assert builder.alike[1] != builder.alike[2]
    builder.build()
    assert {problem.jobs[j].id for j in builder.where} >= {"J1", "J2"}


def test_a_route_emptied_by_the_search_costs_what_a_never_used_one_does() -> None:
    problem = build([engineer("E1", 0, end=xy(100)), engineer("E2", 0, end=xy(100))], [job("A", 50)])
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    (v,) = [r.v for r in builder.routes if r.jobs]
    assert builder.remove(0)
    assert builder.routes[v].cost == 0.0
    assert builder.objective() == problem.objective.unassigned(2)


@pytest.mark.parametrize("seed", [2, 5])
def test_undo_brings_back_exactly_what_a_step_changed(seed: int) -> None:
    problem = problem_from_json(generate_dispatch(12, 55, seed=seed))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    rng = np.random.default_rng(seed)
    chance = random.Random(seed).random
    builder.blink = lambda: chance() < BLINK_RATE

    def state() -> object:
        routes = [(list(r.jobs), r.depot, dict(r.pickup), set(r.borrow), r.load, r.cost) for r in builder.routes]
        return routes, {d: dict(s) for d, s in builder.stock.items()}, dict(builder.where)

    for step in range(60):
        served = sorted(builder.where)
        centre = served[int(rng.integers(len(served)))]
        before = state()
        builder.trial()
        removed = _remove_strings(builder, rng, centre, builder.neighbours[centre])
        waiting = [j for j in builder.neighbours[centre] if j not in builder.where and j not in removed]
        pool = removed + waiting[: max(len(removed), 1)]
        builder.insert_all(_recreate_order(builder, rng, pool, centre))
        if step % 2:
            builder.undo()
            assert state() == before
        else:
            builder.keep()
        for route in builder.routes:  # every route's cost is its timing, cached or not
            if route.jobs:
                timing = builder.time_route(route.v, route.depot, route.jobs)
                assert timing is not None and timing.cost == pytest.approx(route.cost)
