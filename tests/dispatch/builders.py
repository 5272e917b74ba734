"""Tiny hand-checkable dispatch problems.

Locations are x/y on a plane with ``euclidean`` travel at speed 1, so a
distance of 30 is 30 minutes of driving; times are written ``"HH:MM"`` on
2026-11-24 (+08:00) and turned into ISO strings here.
"""

from __future__ import annotations

from typing import Any

from dispatch.io.contract import default_objective
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.model.problem import Problem
from dispatch.solve import solve

DAY = "2026-11-24"
OFFSET = "+08:00"


def at(hhmm: str) -> str:
    return f"{DAY}T{hhmm}:00{OFFSET}"


def xy(x: float, y: float = 0.0) -> dict[str, float]:
    return {"x": x, "y": y}


def engineer(eid: str, x: float = 0.0, y: float = 0.0, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": eid,
        "start": xy(x, y),
        "end": xy(x, y),
        "shift": {"start": at("08:00"), "end": at("17:00")},
        "max_overtime_min": 0,
        "skills": {},
    }
    out.update(fields)
    return out


def job(jid: str, x: float, y: float = 0.0, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": jid,
        "site": xy(x, y),
        "kind": "normal",
        "priority": 2,
        "duration_min": 60,
        "windows": [{"start": at("08:00"), "end": at("17:00")}],
    }
    out.update(fields)
    return out


def depot(did: str, x: float, y: float = 0.0, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": did,
        "location": xy(x, y),
        "hours": {"start": at("08:00"), "end": at("18:00")},
        "pickup_min": 10,
        "stock": {},
    }
    out.update(fields)
    return out


def problem_dict(
    engineers: list[dict[str, Any]],
    jobs: list[dict[str, Any]],
    depots: list[dict[str, Any]] | None = None,
    **objective: Any,
) -> dict[str, Any]:
    weights = default_objective()
    weights.update(objective)
    return {
        "schema": "fieldplan.dispatch.problem/1",
        "horizon": {"start": at("00:00"), "end": f"2026-11-25T00:00:00{OFFSET}"},
        "travel": {"kind": "euclidean"},
        "engineers": engineers,
        "jobs": jobs,
        "depots": depots or [],
        "objective": weights,
        "options": {"time_limit_s": 2, "seed": 0},
    }


def build(*args: Any, **kwargs: Any) -> Problem:
    return problem_from_json(problem_dict(*args, **kwargs))


#: Small problems need little search; a solution cap keeps the tests deterministic.
FAST = SolveOptions(time_limit_s=2.0, solution_limit=200)


def minutes(hhmm: str) -> float:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def solve_checked(problem: Problem, options: SolveOptions = FAST):
    """Solve; :func:`dispatch.solve.solve` already refuses plans the validator rejects."""
    from dispatch.evaluate.check import check

    plan = solve(problem, options)
    assert check(problem, plan) == []
    return plan
