"""Appointment slots for a new job, on hand-checkable days (a distance of 10 is
10 minutes and 10 km; travel costs 1 per km)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dispatch.evaluate.timing import evaluate
from dispatch.io.plan_json import plan_to_json
from dispatch.io.problem_json import problem_to_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType
from dispatch.replanning.slots import offer_slots
from fieldplan.cli import main
from tests.dispatch.builders import job
from tests.dispatch.test_several_days import on, shift, week, window, worker


def _two_days(*extra: dict[str, Any]):  # type: ignore[no-untyped-def]
    """E1 at 0 works Tuesday and Wednesday; A (x=10) is planned Tuesday 08:10-09:10."""
    problem = week(
        [worker("E1", [shift(0), shift(1)]), *extra],
        [job("A", 10, windows=[window(0)])],
        days=2,
    )
    plan = evaluate(problem, [RouteDraft("E1", (Visit(StopType.JOB, "A"),), shift=0)], [])
    return problem, plan


def _new(*windows: dict[str, str]) -> dict[str, Any]:
    return job("N", 20, windows=list(windows))


def test_each_two_hour_slot_goes_where_it_adds_least_and_keeps_the_plan() -> None:
    problem, plan = _two_days()
    slots = offer_slots(problem, plan, _new(window(0), window(1)))
    label = problem.clock.label
    got = [
        (label(s.start), label(s.end), s.shift, label(s.planned_start), s.added_cost) for s in slots
    ]
    assert got == [
        # Tuesday after A: 10 km on to N and 20 back instead of 10 (+20); N from 09:20
        ("08:00", "10:00", 0, "09:20", 20.0),
        ("10:00", "12:00", 0, "10:00", 20.0),
        ("12:00", "14:00", 0, "12:00", 20.0),
        ("14:00", "16:00", 0, "14:00", 20.0),
        # Wednesday, a day of its own: 20 km there and back (16:00-18:00 is past 17:00)
        ("2026-11-25 08:00", "2026-11-25 10:00", 1, "2026-11-25 08:20", 40.0),
        ("2026-11-25 10:00", "2026-11-25 12:00", 1, "2026-11-25 10:00", 40.0),
        ("2026-11-25 12:00", "2026-11-25 14:00", 1, "2026-11-25 12:00", 40.0),
        ("2026-11-25 14:00", "2026-11-25 16:00", 1, "2026-11-25 14:00", 40.0),
    ]
    assert all(s.engineer == "E1" and s.keeps_promises for s in slots)
    wednesday = offer_slots(problem, plan, _new(window(0), window(1)), earliest=1440.0)
    assert [s.start for s in wednesday] == [s.start for s in slots[4:]]


def test_a_slot_that_would_move_a_promised_job_says_so_or_goes_to_someone_else() -> None:
    first_hour = window(0, "08:00", "09:00")
    problem, plan = _two_days()
    (alone,) = offer_slots(problem, plan, _new(first_hour), length_min=60)
    # N at 08:20 pushes A from 08:10 to 09:30: +20 km and a broken promise (2000)
    assert (alone.engineer, alone.keeps_promises) == ("E1", False)
    assert alone.added_cost == 20.0 + 2000.0
    problem, plan = _two_days(worker("E2", [shift(0)], x=40))
    (slot,) = offer_slots(problem, plan, _new(first_hour), length_min=60)
    # E2 drives 20 km there and 20 back: 40, less than moving A
    assert (slot.engineer, slot.keeps_promises, slot.added_cost) == ("E2", True, 40.0)
    assert slot.planned_start == 8 * 60 + 20


def test_the_command_prints_and_writes_the_slots(tmp_path: Path) -> None:
    problem, plan = _two_days()
    paths = {name: tmp_path / f"{name}.json" for name in ("problem", "plan", "job", "slots")}
    paths["problem"].write_text(json.dumps(problem_to_json(problem)))
    paths["plan"].write_text(json.dumps(plan_to_json(plan, problem.clock)))
    paths["job"].write_text(json.dumps(_new(window(0), window(1))))
    args = ["dispatch", "slots", str(paths["problem"]), str(paths["plan"]), str(paths["job"])]
    assert main([*args, "--from", on(1, "00:00"), "--days", "1", "-o", str(paths["slots"])]) == 0
    written = json.loads(paths["slots"].read_text())
    assert written["job"] == "N"
    assert [s["start"] for s in written["slots"]] == [
        on(1, h) for h in ("08:00", "10:00", "12:00", "14:00")
    ]
    assert written["slots"][0] == {
        "start": on(1, "08:00"),
        "end": on(1, "10:00"),
        "engineer": "E1",
        "shift": 1,
        "planned_start": on(1, "08:20"),
        "added_cost": 40.0,
        "keeps_promises": True,
    }
    paths["job"].write_text(json.dumps(_new(window(0, "08:00", "08:30"))))
    assert main(args) == 1  # no whole two-hour slot inside half an hour
