"""Appointment slots for a new job, on hand-checkable days (a distance of 10 is
10 minutes and 10 km; travel costs 1 per km)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.io.plan_json import plan_to_json
from dispatch.io.problem_json import problem_from_json, problem_to_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType
from dispatch.replanning.around import NEAREST_STARTS, problem_around
from dispatch.replanning.slots import offer_slots
from dispatch.solve import solve
from fieldplan.cli import main
from scenarios.generator.week import generate_week
from tests.dispatch.builders import depot, job
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


def test_a_job_nobody_could_do_gets_no_slot() -> None:
    problem, plan = _two_days()
    assert offer_slots(problem, plan, {**_new(window(0), window(1)), "skills": {"lift": 3}}) == []


# ------------------------------------------------------ the part around --
def _crowded() -> tuple[Any, Any]:
    """One more engineer with the skill at 0 than are kept by nearness; F1 and F2
    (at 50 and 60) lack it. F1's plan picks up one P of two at D (x=40); N01's job K
    (x=10) follows F2's G."""
    skilled = [
        worker(f"N{i:02d}", [shift(0)], skills={"hvac": 1}) for i in range(1, NEAREST_STARTS + 2)
    ]
    problem = week(
        [*skilled, worker("F1", [shift(0)], 50), worker("F2", [shift(0)], 60)],
        [
            job("FJ", 50, windows=[window(0)], parts={"P": 1}),
            job("G", 60, windows=[window(0, "08:00", "09:00")]),
            job("K", 10, windows=[window(0)], after=[{"job": "G", "min_lag_min": 0}]),
        ],
        [depot("D", 40, stock={"P": 2}, hours=[window(0)])],
        days=1,
    )
    drafts = [
        RouteDraft("F1", (Visit(StopType.DEPOT, "D", {"P": 1}), Visit(StopType.JOB, "FJ"))),
        RouteDraft("F2", (Visit(StopType.JOB, "G"),)),
        RouteDraft("N01", (Visit(StopType.JOB, "K"),)),
    ]
    return problem, evaluate(problem, drafts, [])


def test_the_part_around_a_job_keeps_who_could_take_it_and_what_ties_them() -> None:
    problem, plan = _crowded()
    assert not check(problem, plan)
    ask = {**_new(window(0)), "skills": {"hvac": 1}}
    day = problem_around(problem, problem_to_json(problem), plan, ask)
    # the nearest free engineers with the skill (all at 0: the first by index), and
    # F2 whose G that K follows
    nearest = [f"N{i:02d}" for i in range(1, NEAREST_STARTS + 1)]
    assert sorted(day.slots_of) == ["F2", *nearest]
    assert sorted(j.id for j in day.jobs) == ["G", "K", "N"]
    # F1 is left out, and so is the part its plan takes from D
    assert day.depots[0].stock == {"P": 1}


def test_the_part_around_a_job_offers_the_slots_the_whole_plan_offers() -> None:
    data = generate_week(20, 160, seed=4)
    problem = problem_from_json(data)
    plan = solve(problem, SolveOptions(time_limit_s=30, solution_limit=20, seed=1))
    asks = [
        {**raw, "id": f"NEW-{raw['id']}", "windows": [window(d) for d in range(5)]}
        for raw in generate_week(20, 160, seed=5)["jobs"]
        if raw["kind"] != "emergency" and not raw.get("after")
    ][:10]
    offered = 0
    for ask in asks:
        quick = offer_slots(problem, plan, ask)
        assert len(problem_around(problem, data, plan, ask).slots_of) < 20
        assert quick == offer_slots(problem, plan, ask, whole_plan=True)
        offered += bool(quick)
    assert offered >= 5  # most asks have slots (the others need skills nobody has)


def test_a_booked_job_not_yet_planned_holds_its_place() -> None:
    """B (x=10, booked 09:00-10:00) is not in the plan: held, it takes E1's time
    after A, so N (x=20) can no longer start before 10:00."""
    problem = week(
        [worker("E1", [shift(0), shift(1)])],
        [
            job("A", 10, windows=[window(0)]),
            job("B", 10, windows=[window(0, "09:00", "10:00")]),
        ],
        days=2,
    )
    plan = evaluate(problem, [RouteDraft("E1", (Visit(StopType.JOB, "A"),), shift=0)], [])
    ask = _new(window(0, "08:00", "12:00"))
    free = offer_slots(problem, plan, ask)
    assert [(s.start, s.keeps_promises) for s in free] == [(480.0, True), (600.0, True)]
    held = offer_slots(problem, plan, ask, hold=["B"])
    label = problem.clock.label
    # A 08:10-09:10 then B 09:10-10:10: N fits only after them (10:20); before A
    # (08:20-09:20) it would push B past 10:00
    assert [(label(s.start), label(s.planned_start), s.keeps_promises) for s in held] == [
        ("10:00", "10:20", True),
    ]
