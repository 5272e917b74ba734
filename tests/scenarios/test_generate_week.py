"""The generated week (contract 1.1): shifts per working day, a weekend on-call
rota covering every skill, preventive visits movable within the week, and a
plan of it that the validator accepts."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

import pytest

from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from fieldplan.cli import main
from scenarios.generator.day import generate_dispatch
from scenarios.generator.week import generate_week


@cache
def _week() -> dict[str, Any]:
    return generate_week(12, 150, seed=3, start_date="2026-11-23")


def _day_of(iso: str) -> int:
    return (datetime.fromisoformat(iso).date() - datetime(2026, 11, 23).date()).days


def test_every_engineer_works_each_weekday_with_the_day_s_hours_and_lunch() -> None:
    day = generate_dispatch(12, 150, seed=3, date="2026-11-23")
    week = _week()
    assert week["horizon"]["end"].startswith("2026-11-30T00:00:00")
    for one, seven in zip(day["engineers"], week["engineers"], strict=True):
        assert "shift" not in seven and "breaks" not in seven
        weekdays = [s for s in seven["shifts"] if not s.get("on_call")]
        assert [_day_of(s["start"]) for s in weekdays] == [0, 1, 2, 3, 4]
        for d, shift in enumerate(weekdays):
            assert shift["start"][10:] == one["shift"]["start"][10:]
            assert shift["end"][10:] == one["shift"]["end"][10:]
            (lunch,) = shift["breaks"]
            assert _day_of(lunch["earliest"]) == d
            assert lunch["duration_min"] == one["breaks"][0]["duration_min"]


def test_the_weekend_rota_covers_every_skill_at_the_team_s_best_level() -> None:
    week = _week()
    best: dict[str, int] = {}
    for e in week["engineers"]:
        for skill, level in e["skills"].items():
            best[skill] = max(best.get(skill, 0), level)
    for day in (5, 6):
        on_call = [
            e
            for e in week["engineers"]
            if any(s.get("on_call") and _day_of(s["start"]) == day for s in e["shifts"])
        ]
        assert len(on_call) >= 1
        for skill, level in best.items():
            assert any(e["skills"].get(skill, 0) >= level for e in on_call), (day, skill)
        for e in on_call:
            (duty,) = [s for s in e["shifts"] if _day_of(s["start"]) == day]
            assert (duty["start"][11:16], duty["end"][11:16]) == ("08:00", "20:00")
    assert week["objective"]["callout_cost"] > 0


def test_preventive_visits_may_go_on_any_weekday_and_other_jobs_wait_from_their_day() -> None:
    week = _week()
    day = {j["id"]: j for j in generate_dispatch(12, 150, seed=3, date="2026-11-23")["jobs"]}
    kinds = {j["kind"] for j in week["jobs"]}
    assert {"preventive", "emergency", "normal"} <= kinds
    weekend_emergencies = appointments = carried = 0
    for job in week["jobs"]:
        days = sorted({_day_of(w["start"]) for w in job["windows"]})
        hours = {
            (w["start"][11:16], w["end"][11:16]) for w in job["windows"] if _day_of(w["start"]) < 5
        }
        if job["kind"] == "preventive":
            assert days == [0, 1, 2, 3, 4]
            # due by the end of a day in the second half of the week
            assert 2 <= _day_of(job["sla_deadline"]) <= 4
        elif days[0] >= 5:
            assert job["kind"] == "emergency" and len(days) == 1
            weekend_emergencies += 1
        elif len(day[job["id"]]["windows"]) == 1 and _span(day[job["id"]]["windows"][0]) == 120:
            assert len(days) == 1  # a two-hour appointment keeps its day
            appointments += 1
        else:
            # open from the day it is reported until done, at the same hours each day
            weekdays = [d for d in days if d < 5]
            assert weekdays == list(range(days[0], 5))
            assert hours == {
                (w["start"][11:16], w["end"][11:16]) for w in day[job["id"]]["windows"]
            }
            assert (job["kind"] == "emergency") == (days[-1] == 6)
            carried += len(weekdays) > 1
        if job.get("sla_deadline") and job["kind"] != "preventive":
            assert _day_of(job["sla_deadline"]) >= days[0]
    assert weekend_emergencies > 0 and appointments > 0 and carried > 0
    problem = problem_from_json(week)
    assert problem.several_days
    assert len(problem.depots[0].opening) == 5


def _span(window: dict[str, str]) -> float:
    delta = datetime.fromisoformat(window["end"]) - datetime.fromisoformat(window["start"])
    return delta.total_seconds() / 60


def test_a_generated_week_is_planned_and_the_plan_passes_the_validator() -> None:
    problem = problem_from_json(_week())
    plan = solve(problem, SolveOptions(time_limit_s=10, solution_limit=20))
    assert check(problem, plan) == []
    assert plan.kpis.assigned >= 0.85 * len(problem.jobs)
    shifts = {(r.engineer, r.shift) for r in plan.routes}
    assert len(shifts) == len(plan.routes)  # one route per shift at most
    # weekend work only on on-call shifts, only emergencies, each a call-out
    weekend = [
        r for r in plan.routes if problem.engineers[problem.slot(r.engineer, r.shift)].on_call
    ]
    assert plan.kpis.callouts == len(weekend)
    kind = {j.id: j.kind.value for j in problem.jobs}
    assert all(
        kind[str(s.id)] == "emergency" for r in weekend for s in r.stops if s.type.value == "job"
    )


def test_the_command_line_writes_a_week(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "week.json"
    args = ["generate", "dispatch", "--engineers", "6", "--jobs", "40", "--days", "5"]
    assert main([*args, "--date", "2026-11-23", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["meta"]["working_days"] == 5
    assert problem_from_json(data).several_days
    assert main([*args, "--windows", "appointments", "-o", str(out)]) == 2


@pytest.mark.parametrize("days", [0, 8])
def test_a_bad_number_of_days_is_refused_by_name(days: int) -> None:
    with pytest.raises(ValueError, match="working_days"):
        generate_week(4, 20, working_days=days)
