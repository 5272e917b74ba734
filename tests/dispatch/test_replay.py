"""Replaying a plan on other travel times, and what its promises are then worth."""

from __future__ import annotations

from dispatch.evaluate.replay import compare, drafts_of, replay
from dispatch.io.problem_json import problem_from_json
from dispatch.model.reasons import StopType
from tests.dispatch.builders import at, engineer, job, minutes, problem_dict, solve_checked


def _day(speed: float) -> dict:
    data = problem_dict(
        [
            engineer(
                "E1", breaks=[{"earliest": at("12:00"), "latest": at("14:00"), "duration_min": 30}]
            )
        ],
        [
            job("A", 30),
            job(
                "B",
                60,
                windows=[{"start": at("08:00"), "end": at("10:30")}],
                sla_deadline=at("10:00"),
            ),
        ],
    )
    data["travel"] = {"kind": "euclidean", "speed": speed}
    return data


def test_replay_on_the_same_travel_changes_nothing() -> None:
    problem = problem_from_json(_day(1.0))
    plan = solve_checked(problem)
    again = replay(problem, plan)
    assert again.routes == plan.routes
    kinds = [v.type for d in drafts_of(problem, plan) for v in d.visits]
    assert kinds.count(StopType.JOB) == 2 and kinds.count(StopType.BREAK) == 1


def test_slower_roads_delay_every_promise_by_the_extra_driving() -> None:
    # Promised at speed 1: A 08:30-09:30, B 10:00 (SLA met exactly). Driven at
    # speed 0.5 (twice the minutes): A starts 09:00 (+30), B 11:00 (+60), after
    # its window (10:30) and its SLA deadline.
    promised = solve_checked(problem_from_json(_day(1.0)))
    starts = {o.id: o.start for o in promised.jobs}
    assert starts == {"A": minutes("08:30"), "B": minutes("10:00")}
    c = compare(promised, problem_from_json(_day(0.5)))
    assert c.jobs == 2
    assert c.started_late == 2
    assert c.median_delay_min == 45.0
    assert c.max_delay_min == 60.0
    assert c.windows_missed == 1
    assert (c.sla_promised, c.sla_kept) == (2, 1)
    assert c.overtime_promised_min == 0.0 and c.routes_past_shift == 0
