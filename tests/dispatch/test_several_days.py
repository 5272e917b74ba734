"""The engine on several-day problems (contract 1.1): shifts, days off, on-call,
depot periods, vans restocked per shift, and jobs that follow others.

Each test provokes one rule on a hand-checkable problem; every plan also
passes :func:`dispatch.evaluate.check.check` (``solve_checked``).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.model.problem import Problem
from dispatch.search.construct import Builder
from dispatch.search.layout import plan_layout
from scenarios.generator.day import generate_dispatch
from tests.dispatch.builders import depot, engineer, job, problem_dict, solve_checked

OFFSET = "+08:00"


def on(day: int, hhmm: str) -> str:
    """A time on day ``day`` of the week starting Tuesday 2026-11-24."""
    date = dt.date(2026, 11, 24) + dt.timedelta(days=day)
    return f"{date.isoformat()}T{hhmm}:00{OFFSET}"


def shift(day: int, start: str = "08:00", end: str = "17:00", **fields: Any) -> dict[str, Any]:
    return {"start": on(day, start), "end": on(day, end), **fields}


def window(day: int, start: str = "08:00", end: str = "17:00") -> dict[str, str]:
    return {"start": on(day, start), "end": on(day, end)}


def worker(eid: str, shifts: list[dict[str, Any]], x: float = 0.0, **fields: Any) -> dict[str, Any]:
    out = engineer(eid, x, **fields)
    del out["shift"]
    out["shifts"] = shifts
    return out


def week(
    engineers: list[dict[str, Any]],
    jobs: list[dict[str, Any]],
    depots: list[dict[str, Any]] | None = None,
    days: int = 7,
    **objective: Any,
) -> Problem:
    data = problem_dict(engineers, jobs, depots, **objective)
    data["horizon"] = {"start": on(0, "00:00"), "end": on(days, "00:00")}
    return problem_from_json(data)


def stops_of(plan: Any) -> dict[str, Any]:
    return {str(s.id): s for r in plan.routes for s in r.stops if s.type.value == "job"}


def reasons(plan: Any) -> dict[str, str]:
    return {u.id: u.reason.value for u in plan.unassigned}


# ------------------------------------------------------------------ after --
def test_a_follow_up_waits_a_day_after_the_first_visit() -> None:
    problem = week(
        [worker("E1", [shift(0), shift(1), shift(2)])],
        [
            job("J1", 10, windows=[window(0), window(1)]),
            job(
                "J2",
                10,
                windows=[window(0), window(1), window(2)],
                after=[{"job": "J1", "min_lag_min": 1440}],
            ),
        ],
    )
    plan = solve_checked(problem)
    timed = stops_of(plan)
    assert set(timed) == {"J1", "J2"}
    assert timed["J2"].start >= timed["J1"].end + 1440 - 1e-6
    # the cheapest plan visits on consecutive days: J1 at 08:10 (minutes from the
    # horizon's start), J2 exactly a day after it ends
    assert timed["J1"].start == 8 * 60 + 10
    assert timed["J2"].start == timed["J1"].end + 1440
    shifts = {r.stops[0].id: r.shift for r in plan.routes}
    assert shifts == {"J1": 0, "J2": 1}


def test_a_follower_on_the_same_route_waits_for_the_lag_and_the_day_goes_on() -> None:
    problem = week(
        [worker("E1", [shift(0)])],
        [
            job("J1", 10, windows=[window(0, "08:00", "09:00")]),
            job("J2", 10, after=[{"job": "J1", "min_lag_min": 120}]),
            job("J3", 40, windows=[window(0, "09:00", "11:00")]),
        ],
        days=1,
    )
    plan = solve_checked(problem)
    timed = stops_of(plan)
    assert set(timed) == {"J1", "J2", "J3"}
    assert timed["J2"].start >= timed["J1"].end + 120 - 1e-6
    # the two hours J2 waits for are used for J3 (its window leaves no other order)
    (route,) = plan.routes
    assert [s.id for s in route.stops if s.type.value == "job"] == ["J1", "J3", "J2"]


def test_a_follower_served_by_another_engineer_starts_after_the_first_visit_ends() -> None:
    problem = week(
        [
            worker("E1", [shift(0)], skills={"elec": 1}),
            worker("E2", [shift(0)], skills={"gas": 1}),
        ],
        [
            job("J1", 30, skills={"elec": 1}, duration_min=90),
            job("J2", 30, skills={"gas": 1}, after=[{"job": "J1", "min_lag_min": 30}]),
        ],
        days=1,
    )
    plan = solve_checked(problem)
    timed = stops_of(plan)
    by = {o.id: o.engineer for o in plan.jobs}
    assert by == {"J1": "E1", "J2": "E2"}
    # J1: 08:30-10:00; J2 no earlier than 10:30 although E2 is on site at 08:30
    assert (timed["J1"].start, timed["J1"].end) == (8 * 60 + 30, 10 * 60)
    assert timed["J2"].start == 10 * 60 + 30
    # E2 leaves when that lets them start at once, not at 08:00 to wait on site
    e2 = next(r for r in plan.routes if r.engineer == "E2")
    assert e2.depart == 10 * 60


def test_a_job_following_an_unserved_job_is_unassigned_for_that_reason() -> None:
    problem = week(
        [worker("E1", [shift(0)])],
        [
            job("J1", 10, skills={"lift": 3}),
            job("J2", 10, after=[{"job": "J1"}]),
        ],
        days=1,
    )
    plan = solve_checked(problem)
    assert not plan.routes
    got = {u.id: (u.reason.value, u.detail) for u in plan.unassigned}
    assert got["J1"][0] == "no_skilled_engineer"
    assert got["J2"] == ("dependency", "follows J1, which is not served")


def test_a_lag_that_runs_past_the_follower_s_last_window_is_a_dependency() -> None:
    problem = week(
        [worker("E1", [shift(0), shift(1)])],
        [
            job("J1", 10, windows=[window(0), window(1)]),
            job("J2", 10, windows=[window(0)], after=[{"job": "J1", "min_lag_min": 600}]),
        ],
        days=2,
    )
    plan = solve_checked(problem)
    assert set(stops_of(plan)) == {"J1"}
    (unserved,) = plan.unassigned
    assert unserved.id == "J2"
    assert unserved.reason.value == "dependency"
    assert "after its last window closes" in unserved.detail


def test_taking_a_job_out_takes_out_the_jobs_that_follow_it() -> None:
    problem = week(
        [worker("E1", [shift(0), shift(1)])],
        [
            job("J1", 10, windows=[window(0)]),
            job("J2", 20, windows=[window(1)], after=[{"job": "J1"}]),
            job("J3", 30, windows=[window(1)], after=[{"job": "J2"}]),
        ],
        days=2,
    )
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    assert sorted(builder.where) == [0, 1, 2]
    assert sorted(builder.remove(0)) == [0, 1, 2]
    assert builder.where == {}
    assert all(not r.jobs for r in builder.routes)


# ------------------------------------------------------ shifts and on-call --
def test_a_job_on_a_day_off_is_left_out_and_one_on_a_working_day_is_served() -> None:
    problem = week(
        [worker("E1", [shift(0), shift(2)])],
        [job("J1", 10, windows=[window(1)]), job("J2", 10, windows=[window(2)])],
        days=3,
    )
    plan = solve_checked(problem)
    assert set(stops_of(plan)) == {"J2"}
    assert plan.routes[0].shift == 1
    assert reasons(plan) == {"J1": "window_unreachable"}


def test_an_on_call_shift_takes_only_emergencies_and_each_call_out_is_costed() -> None:
    night = shift(0, "18:00", "23:59", on_call=True)
    problem = week(
        [worker("E1", [shift(0, "08:00", "17:00"), night])],
        [
            job("EM", 10, kind="emergency", priority=1, windows=[window(0, "19:00", "21:00")]),
            job("PM", 10, kind="preventive", windows=[window(0, "19:00", "21:00")]),
        ],
        days=1,
        callout_cost=500,
    )
    plan = solve_checked(problem)
    assert set(stops_of(plan)) == {"EM"}
    (route,) = plan.routes
    assert route.shift == 1
    assert plan.kpis.callouts == 1
    assert "PM" in reasons(plan)
    # the call-out cost is in the objective: travel 20 km plus 500
    travel = problem.objective.travel_cost_per_km * 20
    left_out = problem.objective.unassigned(2)
    assert abs(plan.kpis.objective - (travel + 500 + left_out)) < 1e-6


# ------------------------------------------------ depots and vans per shift --
def test_a_depot_open_in_two_periods_is_visited_inside_one_of_them() -> None:
    hours = [window(0, "08:00", "08:30"), window(0, "13:00", "14:00")]
    problem = week(
        [worker("E1", [shift(0, "09:00", "17:00")])],
        [job("J1", 20, parts={"P": 1}, windows=[window(0, "13:00", "17:00")])],
        [depot("D1", 10, hours=hours, stock={"P": 1})],
        days=1,
    )
    plan = solve_checked(problem)
    (route,) = plan.routes
    pickup = next(s for s in route.stops if s.type.value == "depot")
    # the morning period closed before the shift starts: the pickup waits for 13:00
    assert pickup.start == 13 * 60
    assert stops_of(plan)["J1"].start == 13 * 60 + 10 + 10


def test_vans_are_restocked_each_shift_but_depot_stock_lasts_the_horizon() -> None:
    problem = week(
        [worker("E1", [shift(0), shift(1)], van_stock={"V": 1})],
        [
            job("A", 10, parts={"V": 1}, windows=[window(0)]),
            job("B", 10, parts={"V": 1}, windows=[window(1)]),
            job("C", 10, parts={"D": 1}, windows=[window(0)]),
            job("E", 10, parts={"D": 1}, windows=[window(1)]),
        ],
        [depot("D1", 5, stock={"D": 1}, hours=[window(0), window(1)])],
        days=2,
    )
    plan = solve_checked(problem)
    served = set(stops_of(plan))
    # the van's one V serves a job on each day; the depot's one D only one job in all
    assert {"A", "B"} <= served
    assert len(served & {"C", "E"}) == 1
    (missing,) = {"C", "E"} - served
    (unserved,) = plan.unassigned
    assert (unserved.id, unserved.reason.value) == (missing, "capacity")
    assert unserved.detail.endswith("takes the depots' stock of it for other jobs (0 left)")


# ------------------------------------------------- a generated day with links --
@pytest.mark.parametrize("seed", [1, 4])
def test_a_generated_day_with_chains_of_follow_ups_gives_a_valid_plan(seed: int) -> None:
    """A third of the jobs follow an earlier one (some on other engineers' routes,
    some in chains); the validator, not the engine, judges the plan."""
    data = generate_dispatch(15, 70, seed=seed)
    rng = random.Random(seed)
    ids = [j["id"] for j in data["jobs"]]
    linked = 0
    for k in range(1, len(ids)):
        if rng.random() < 1 / 3:
            first = ids[rng.randrange(k)]
            data["jobs"][k]["after"] = [{"job": first, "min_lag_min": rng.choice([0, 30, 90])}]
            linked += 1
    problem = problem_from_json(data)
    plan = solve_checked(problem, SolveOptions(time_limit_s=5.0, solution_limit=40))
    timed = stops_of(plan)
    served_links = 0
    for spec in problem.jobs:
        for follows in spec.after:
            if spec.id in timed:
                assert follows.job in timed
                assert timed[spec.id].start >= timed[follows.job].end + follows.min_lag_min - 1e-6
                served_links += 1
    assert linked > 15
    # most links are kept: following another job narrows a day, it does not empty it
    assert served_links >= linked // 2
    for unserved in plan.unassigned:
        spec = problem.jobs[problem.job_index[unserved.id]]
        if any(f.job not in timed for f in spec.after) and unserved.reason.value == "dependency":
            assert unserved.detail.startswith("follows ")
