"""The validator finds each kind of violation in a hand-written plan.

The base plan, worked out by hand (euclidean, speed 1):
E1 leaves 0 at 08:00; depot D (x=10) 08:10-08:20 picks up P1 and borrows the
lift-kit; J1 (x=20) 08:30-09:30; waits at J2 (x=30) from 09:40, lunch
10:00-10:30, J2 11:00-13:00; home at 13:30. 10+10+10+30 = 60 km.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from dispatch.model.reasons import ViolationCause as V
from tests.dispatch.builders import at, depot, engineer, job, problem_dict


def _problem() -> dict[str, Any]:
    return problem_dict(
        [
            engineer(
                "E1",
                0,
                skills={"hvac": 2},
                capacity=2,
                breaks=[{"earliest": at("10:00"), "latest": at("12:00"), "duration_min": 30}],
            ),
            engineer("E2", 100),
        ],
        [
            job(
                "J1",
                20,
                skills={"hvac": 2},
                parts={"P1": 1},
                tools=["lift-kit"],
                priority=1,
                sla_deadline=at("10:00"),
                demand=1,
            ),
            job(
                "J2",
                30,
                duration_min=120,
                windows=[{"start": at("11:00"), "end": at("16:00")}],
                demand=1,
            ),
        ],
        [depot("D", 10, stock={"P1": 1}, tools=["lift-kit"])],
    )


def _plan() -> dict[str, Any]:
    return {
        "schema": "fieldplan.dispatch.plan/1",
        "routes": [
            {
                "engineer": "E1",
                "stops": [
                    {
                        "type": "depot",
                        "id": "D",
                        "arrival": at("08:10"),
                        "start": at("08:10"),
                        "end": at("08:20"),
                        "pickup": {"P1": 1},
                        "borrow": ["lift-kit"],
                    },
                    {
                        "type": "job",
                        "id": "J1",
                        "arrival": at("08:30"),
                        "start": at("08:30"),
                        "end": at("09:30"),
                    },
                    {"type": "break", "start": at("10:00"), "end": at("10:30")},
                    {
                        "type": "job",
                        "id": "J2",
                        "arrival": at("09:40"),
                        "start": at("11:00"),
                        "end": at("13:00"),
                    },
                ],
                "depart": at("08:00"),
                "return": at("13:30"),
                "km": 60,
                "travel_min": 60,
                "overtime_min": 0,
            }
        ],
        "jobs": [
            {"id": "J1", "engineer": "E1", "start": at("08:30"), "sla_met": True, "late_min": 0},
            {"id": "J2", "engineer": "E1", "start": at("11:00"), "sla_met": True, "late_min": 0},
        ],
        "unassigned": [],
        "kpis": {
            "jobs": 2,
            "assigned": 2,
            "sla_met": 2,
            "sla_met_pct": 100.0,
            "km": 60,
            "travel_min": 60,
            "overtime_min": 0,
            "objective": 60,
        },
    }


def _causes(problem: dict[str, Any], plan: dict[str, Any]) -> set[V]:
    p = problem_from_json(problem)
    return {v.cause for v in check(p, plan_from_json(plan, p.clock))}


def test_hand_worked_plan_is_valid() -> None:
    assert _causes(_problem(), _plan()) == set()


def _stops(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return plan["routes"][0]["stops"]


Tamper = Callable[[dict[str, Any], dict[str, Any]], None]

CASES: list[tuple[str, Tamper, set[V]]] = [
    (
        "unknown engineer",
        lambda pr, pl: pl["routes"][0].update(engineer="E9"),
        {V.UNKNOWN_ID, V.MISSING_JOB},
    ),
    (
        "served and unassigned",
        lambda pr, pl: pl["unassigned"].append({"id": "J1", "reason": "capacity", "detail": ""}),
        {V.DUPLICATE},
    ),
    (
        "job forgotten",
        lambda pr, pl: (_stops(pl).pop(3), pl["jobs"].pop(1)),
        {V.MISSING_JOB, V.FIGURE},
    ),
    ("skill too low", lambda pr, pl: pr["jobs"][0].update(skills={"hvac": 3}), {V.SKILL}),
    ("excluded", lambda pr, pl: pr["jobs"][0].update(excluded_engineers=["E1"]), {V.EXCLUDED}),
    ("pinned elsewhere", lambda pr, pl: pr["jobs"][0].update(pinned_engineer="E2"), {V.PINNED}),
    (
        "leaves before shift",
        lambda pr, pl: pl["routes"][0].update(depart=at("07:50")),
        {V.SHIFT_START},
    ),
    (
        "back after shift",
        lambda pr, pl: pr["engineers"][0].update(shift={"start": at("08:00"), "end": at("13:00")}),
        {V.SHIFT_END, V.FIGURE},
    ),
    ("arrives too soon", lambda pr, pl: _stops(pl)[1].update(arrival=at("08:25")), {V.TRAVEL}),
    (
        "starts before arriving",
        lambda pr, pl: _stops(pl)[3].update(arrival=at("11:05")),
        {V.TRAVEL},
    ),
    (
        "outside window",
        lambda pr, pl: pr["jobs"][1].update(windows=[{"start": at("11:30"), "end": at("16:00")}]),
        {V.WINDOW},
    ),
    ("service too short", lambda pr, pl: _stops(pl)[1].update(end=at("09:20")), {V.DURATION}),
    (
        "depot closed",
        lambda pr, pl: pr["depots"][0].update(hours={"start": at("08:15"), "end": at("18:00")}),
        {V.DEPOT_HOURS},
    ),
    (
        "break over service",
        lambda pr, pl: (
            pr["engineers"][0]["breaks"][0].update(earliest=at("09:00")),
            _stops(pl)[2].update(start=at("09:20"), end=at("09:50")),
            _stops(pl)[3].update(arrival=at("10:00")),
        ),
        {V.BREAK},
    ),
    (
        "break outside its window",
        lambda pr, pl: pr["engineers"][0]["breaks"][0].update(earliest=at("10:05")),
        {V.BREAK, V.MISSING_BREAK},
    ),
    ("break skipped", lambda pr, pl: _stops(pl).pop(2), {V.MISSING_BREAK}),
    ("part not picked up", lambda pr, pl: _stops(pl)[0].update(pickup={}), {V.PARTS}),
    ("depot over-drawn", lambda pr, pl: _stops(pl)[0].update(pickup={"P1": 2}), {V.DEPOT_STOCK}),
    ("tool not borrowed", lambda pr, pl: _stops(pl)[0].update(borrow=[]), {V.TOOLS}),
    (
        "tool the depot lacks",
        lambda pr, pl: _stops(pl)[0].update(borrow=["lift-kit", "crane"]),
        {V.TOOLS},
    ),
    ("over capacity", lambda pr, pl: pr["engineers"][0].update(capacity=1), {V.CAPACITY}),
    ("km misstated", lambda pr, pl: pl["routes"][0].update(km=50), {V.FIGURE}),
    ("objective misstated", lambda pr, pl: pl["kpis"].update(objective=0), {V.FIGURE}),
    ("SLA misstated", lambda pr, pl: pl["jobs"][0].update(sla_met=False), {V.FIGURE}),
    ("late SLA hidden", lambda pr, pl: pr["jobs"][0].update(sla_deadline=at("08:20")), {V.FIGURE}),
    # contract 1.1: several days
    (
        "on-call shift serves a normal job",
        lambda pr, pl: _in_shifts(pr, pl, on_call=True, callouts=1),
        {V.ON_CALL},
    ),
    (
        "route names no shift",
        lambda pr, pl: (_in_shifts(pr, pl), pl["routes"][0].pop("shift")),
        {V.SHIFT},
    ),
    (
        "route in a shift the engineer lacks",
        lambda pr, pl: (_in_shifts(pr, pl), pl["routes"][0].update(shift=1)),
        {V.UNKNOWN_ID, V.MISSING_JOB},
    ),
    (
        "follows a job too soon",
        lambda pr, pl: (
            pr["jobs"][1].update(after=[{"job": "J1", "min_lag_min": 200}]),
            pl["kpis"].update(callouts=0),
        ),
        {V.DEPENDENCY},
    ),
    (
        "follows a job left out",
        lambda pr, pl: (
            pr["jobs"][0].update(after=[{"job": "J3", "min_lag_min": 0}]),
            pr["jobs"].append(job("J3", 50)),
            pl["unassigned"].append({"id": "J3", "reason": "capacity", "detail": ""}),
            pl["kpis"].update(callouts=0, jobs=3),
        ),
        {V.DEPENDENCY, V.FIGURE},
    ),
    (
        "depot closed between its periods",
        lambda pr, pl: (
            pr["depots"][0].update(
                hours=[
                    {"start": at("08:00"), "end": at("08:15")},
                    {"start": at("09:00"), "end": at("18:00")},
                ]
            ),
            pl["kpis"].update(callouts=0),
        ),
        {V.DEPOT_HOURS},
    ),
    (
        "crew job served by one engineer (contract 1.2)",
        lambda pr, pl: pr["jobs"][1].update(crew=2),
        {V.CREW, V.FIGURE},
    ),
    (
        "callouts misstated",
        lambda pr, pl: _in_shifts(pr, pl, callouts=1),
        {V.FIGURE},
    ),
]


def _in_shifts(
    pr: dict[str, Any], pl: dict[str, Any], on_call: bool = False, callouts: int = 0
) -> None:
    """E1 in the several-day form: its one shift in ``shifts``, the route naming it."""
    e1 = pr["engineers"][0]
    shift = {**e1.pop("shift"), "breaks": e1.pop("breaks")}
    if on_call:
        shift["on_call"] = True
    e1["shifts"] = [shift]
    pl["routes"][0]["shift"] = 0
    pl["kpis"]["callouts"] = callouts


@pytest.mark.parametrize(("name", "tamper", "expected"), CASES, ids=[c[0] for c in CASES])
def test_validator_finds_each_violation(name: str, tamper: Tamper, expected: set[V]) -> None:
    problem, plan = copy.deepcopy(_problem()), copy.deepcopy(_plan())
    tamper(problem, plan)
    assert _causes(problem, plan) == expected


def test_every_violation_cause_is_provoked() -> None:
    provoked = set().union(*(expected for _, _, expected in CASES))
    assert provoked == set(V)
