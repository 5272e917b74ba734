"""Property: whatever small problem hypothesis draws, the plan passes the validator.

``solve`` itself refuses to return a plan the validator rejects, so a failure
here surfaces as :class:`dispatch.solve.SolverDefect` with the violations.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from tests.dispatch.builders import depot, engineer, job, problem_dict

SKILLS = ("hvac", "lift")
PARTS = ("P1", "P2")


def _clock(minute: int) -> str:
    return f"2026-11-24T{minute // 60:02d}:{minute % 60:02d}:00+08:00"


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    coord = st.integers(-60, 60)
    engineers = []
    for i in range(draw(st.integers(1, 3))):
        start = draw(st.integers(7 * 60, 9 * 60))
        end = start + draw(st.integers(4 * 60, 9 * 60))
        fields: dict[str, Any] = {
            "shift": {"start": _clock(start), "end": _clock(end)},
            "max_overtime_min": draw(st.sampled_from([0, 30, 60])),
            "skills": {s: draw(st.integers(0, 3)) for s in SKILLS},
            "van_stock": {p: draw(st.integers(0, 1)) for p in PARTS},
            "capacity": draw(st.sampled_from([0, 0, 2, 3])),
        }
        if draw(st.booleans()):
            earliest = draw(st.integers(11 * 60, 12 * 60))
            fields["breaks"] = [
                {"earliest": _clock(earliest), "latest": _clock(earliest + 60), "duration_min": 30}
            ]
        if draw(st.booleans()):
            fields["tools"] = ["lift-kit"]
        engineers.append(engineer(f"E{i}", draw(coord), draw(coord), **fields))
    ids = [e["id"] for e in engineers]
    jobs = []
    for i in range(draw(st.integers(1, 7))):
        open_at = draw(st.integers(8 * 60, 14 * 60))
        windows = [{"start": _clock(open_at), "end": _clock(open_at + draw(st.integers(30, 300)))}]
        if draw(st.integers(0, 3)) == 0:
            later = open_at + 330
            windows.append({"start": _clock(later), "end": _clock(later + 60)})
        fields = {
            "priority": draw(st.integers(1, 3)),
            "duration_min": draw(st.integers(10, 120)),
            "windows": windows,
            "skills": {draw(st.sampled_from(SKILLS)): draw(st.integers(0, 2))},
            "demand": draw(st.integers(0, 1)),
        }
        if draw(st.booleans()):
            fields["sla_deadline"] = _clock(open_at + draw(st.integers(0, 240)))
        if draw(st.booleans()):
            fields["parts"] = {draw(st.sampled_from(PARTS)): draw(st.integers(1, 2))}
        if draw(st.integers(0, 4)) == 0:
            fields["tools"] = ["lift-kit"]
        if draw(st.integers(0, 5)) == 0:
            fields["pinned_engineer"] = draw(st.sampled_from(ids))
        if draw(st.integers(0, 5)) == 0:
            fields["excluded_engineers"] = [draw(st.sampled_from(ids))]
        jobs.append(job(f"J{i}", draw(coord), draw(coord), **fields))
    depots = [
        depot(
            f"D{i}",
            draw(coord),
            draw(coord),
            stock={p: draw(st.integers(0, 2)) for p in PARTS},
            tools=["lift-kit"] if draw(st.booleans()) else [],
            hours={"start": _clock(draw(st.integers(7 * 60, 10 * 60))), "end": _clock(18 * 60)},
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    return problem_dict(
        engineers, jobs, depots, working_cost_per_min=draw(st.sampled_from([0, 0.5]))
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_plan_passes_the_validator(data: dict[str, Any]) -> None:
    problem = problem_from_json(data)
    plan = solve(problem, SolveOptions(time_limit_s=1.0, solution_limit=30))
    assert check(problem, plan) == []
    served = {o.id for o in plan.jobs}
    assert served | {u.id for u in plan.unassigned} == {j.id for j in problem.jobs}
    assert not served & {u.id for u in plan.unassigned}
