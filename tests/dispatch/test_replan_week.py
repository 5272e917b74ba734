"""Re-planning a several-day plan: the day under way is re-planned, later days stand.

E1 lives at 0 and E2 at 100 (a distance of 10 is 10 minutes and 10 km); both
work Tuesday (day 0) and Wednesday (day 1), 08:00-17:00.
"""

from __future__ import annotations

from typing import Any

from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.io.problem_json import problem_to_json
from dispatch.io.state_json import STATE_SCHEMA, state_from_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType
from dispatch.replanning.changes import ChangeKind
from dispatch.replanning.day_of import day_of_plan, day_shifts
from dispatch.replanning.rest_of_day import replan
from dispatch.replanning.who import who
from tests.dispatch.builders import depot, job
from tests.dispatch.test_several_days import on, shift, week, window, worker


def _route(engineer: str, day: int, *jobs: str, pickup: dict[str, int] | None = None) -> RouteDraft:
    visits = [Visit(StopType.DEPOT, "D1", pickup)] if pickup else []
    visits += [Visit(StopType.JOB, j) for j in jobs]
    return RouteDraft(engineer, tuple(visits), shift=day)


def _two_days() -> tuple[Any, Any]:
    """Tuesday: E1 does A (x=10), E2 does C (x=90). Wednesday: E1 does B (x=30) and
    G, which follows A by a day; E2 does D (x=80) with a part from the depot at 50."""
    problem = week(
        [
            worker("E1", [shift(0), shift(1)]),
            worker("E2", [shift(0), shift(1)], x=100),
        ],
        [
            job("A", 10, windows=[window(0)]),
            job("C", 90, windows=[window(0), window(1)]),
            job("B", 30, windows=[window(0), window(1)]),
            job("D", 80, windows=[window(1)], parts={"P1": 1}),
            job("G", 20, windows=[window(0), window(1)], after=[{"job": "A", "min_lag_min": 1440}]),
        ],
        [depot("D1", 50, stock={"P1": 3}, hours=[window(0), window(1)])],
        days=2,
    )
    plan = evaluate(
        problem,
        [
            _route("E1", 0, "A"),
            _route("E2", 0, "C"),
            _route("E1", 1, "B", "G"),
            _route("E2", 1, "D", pickup={"P1": 1}),
        ],
        [],
    )
    assert check(problem, plan) == []
    return problem, plan


def _state(problem: Any, **fields: Any) -> Any:
    return state_from_json({"schema": STATE_SCHEMA, **fields}, problem)


def test_the_day_under_way_is_cut_out_with_its_routes_timed_as_published() -> None:
    problem, plan = _two_days()
    now = problem.clock.parse(on(1, "07:00"), "now")
    assert day_shifts(problem, now) == {"E1": 1, "E2": 1}
    data, day = day_of_plan(problem, problem_to_json(problem), plan, now)
    # one shift each, Wednesday's, in the one-shift form
    assert [(e["id"], e["shift"]["start"]) for e in data["engineers"]] == [
        ("E1", on(1, "08:00")),
        ("E2", on(1, "08:00")),
    ]
    assert all("shifts" not in e for e in data["engineers"])
    # Tuesday's jobs stay with Tuesday; G's "after A" became a start no earlier
    # than A's published end (Tuesday 09:10) plus a day
    jobs = {j["id"]: j for j in data["jobs"]}
    assert sorted(jobs) == ["B", "D", "G"]
    assert "after" not in jobs["G"]
    assert jobs["G"]["windows"] == [{"start": on(1, "09:10"), "end": on(1, "17:00")}]
    # the cut routes keep the published times, stop by stop
    published = {
        (r.engineer, s.id): (s.start, s.end) for r in plan.routes if r.shift == 1 for s in r.stops
    }
    assert {(r.engineer, s.id): (s.start, s.end) for r in day.routes for s in r.stops} == published
    # Tuesday's routes took nothing from the depot: its three parts are all there
    assert data["depots"][0]["stock"] == {"P1": 3}


def test_depot_stock_taken_by_other_days_is_not_offered_again() -> None:
    problem, plan = _two_days()
    data, _ = day_of_plan(
        problem, problem_to_json(problem), plan, problem.clock.parse(on(0, "09:00"), "now")
    )
    assert data["depots"][0]["stock"] == {"P1": 2}  # Wednesday's route takes one
    # Wednesday's jobs (B, G, D) are not Tuesday's to re-plan
    assert sorted(j["id"] for j in data["jobs"]) == ["A", "C"]


def test_a_sick_engineers_day_goes_to_the_other_and_tomorrow_stands() -> None:
    problem, plan = _two_days()
    state = _state(
        problem,
        now=on(0, "09:30"),
        jobs={"A": {"status": "done"}},
        engineers={"E2": {"unavailable_from": on(0, "09:30")}},
    )
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1, seed=0))
    assert check(result.problem, result.plan) == []
    # the rest of Tuesday: E1 from A's site at 09:30 (A ended 09:10), C at 90 is 80 min away
    c = next(o for o in result.plan.jobs if o.id == "C")
    assert (c.engineer, problem.clock.label(c.start)) == ("E1", "10:50")
    assert [(ch.job, ch.kind, ch.reason) for ch in result.changes] == [
        ("C", ChangeKind.REASSIGNED, "E2 is unavailable from 09:30")
    ]
    # Wednesday's work is not in the rest of the day, so nothing of it moves
    assert sorted(j["id"] for j in result.problem_data["jobs"]) == ["C"]
    assert {r.engineer for r in result.plan.routes} == {"E1"}


def test_a_new_job_that_fits_only_tomorrow_is_left_out_of_today_with_the_reason() -> None:
    problem, plan = _two_days()
    late = job("N", 40, windows=[window(1)])
    state = _state(
        problem,
        now=on(0, "12:00"),
        jobs={"A": {"status": "done"}, "C": {"status": "done"}},
        new_jobs=[late],
    )
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1, seed=0))
    assert check(result.problem, result.plan) == []
    assert [(ch.job, ch.kind) for ch in result.changes] == [("N", ChangeKind.NOT_INSERTED)]
    assert [u.id for u in result.plan.unassigned] == ["N"]


def test_who_ranks_engineers_for_the_day_under_way_of_a_week() -> None:
    problem, plan = _two_days()
    state = _state(problem, now=on(1, "08:00"))
    ranking = who(problem, plan, job("N", 60, windows=[window(1)]), state=state)
    # Wednesday's routes, as published: N (at 60, an hour) goes last so that no
    # promised start moves. E2 100 -> depot 50 -> D 80 -> N 60 -> 100 is 40 km
    # more; E1 0 -> B 30 -> G 20 -> N 60 -> 0 is 80 km more. Tuesday plays no part.
    assert [(c.engineer, c.extra_km, problem.clock.label(c.start)) for c in ranking] == [
        ("E2", 40.0, "2026-11-25 10:50"),
        ("E1", 80.0, "2026-11-25 11:20"),
    ]
    assert ranking == who(problem, plan, job("N", 60, windows=[window(1)]))
