"""Re-planning during the day and "who should go?", on hand-checkable days."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dispatch.errors import ProblemError
from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.io.problem_json import problem_from_json, problem_to_json
from dispatch.io.state_json import STATE_SCHEMA, state_from_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType
from dispatch.replanning.changes import ChangeKind
from dispatch.replanning.rest_of_day import replan
from dispatch.replanning.who import who
from tests.dispatch.builders import at, engineer, job, minutes, problem_dict


def _day() -> dict[str, Any]:
    # E1 at 0 does A (x=30) then B (x=60); E2 at 100 does C (x=90). Anyone can do anything.
    return problem_dict(
        [engineer("E1", 0), engineer("E2", 100)],
        [job("A", 30), job("B", 60), job("C", 90)],
    )


def _published(data: dict[str, Any]):
    problem = problem_from_json(data)
    drafts = [
        RouteDraft("E1", (Visit(StopType.JOB, "A"), Visit(StopType.JOB, "B"))),
        RouteDraft("E2", (Visit(StopType.JOB, "C"),)),
    ]
    plan = evaluate(problem, drafts, [])
    assert check(problem, plan) == []
    return problem, plan


def _state(problem, **fields: Any):
    return state_from_json({"schema": STATE_SCHEMA, **fields}, problem)


def test_with_no_new_events_a_replan_changes_nothing() -> None:
    problem, plan = _published(_day())
    result = replan(problem, plan, _state(problem, now=at("08:00")), SolveOptions(time_limit_s=1))
    assert check(result.problem, result.plan) == []
    assert result.changes == ()
    assert result.unchanged == 3
    before = {o.id: (o.engineer, o.start) for o in plan.jobs}
    after = {o.id: (o.engineer, o.start) for o in result.plan.jobs}
    assert after == before


def test_done_and_in_progress_work_stays_where_it_is() -> None:
    # A done; B in progress since 10:00 (ends 11:00); C (E2, due 08:10) not started. Now 10:20.
    problem, plan = _published(_day())
    state = _state(
        problem,
        now=at("10:20"),
        jobs={
            "A": {"status": "done"},
            "B": {"status": "in_progress", "engineer": "E1", "started": at("10:00")},
        },
        new_jobs=[job("D", 70, windows=[{"start": at("11:00"), "end": at("17:00")}])],
    )
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    rest = result.problem
    assert {j.id for j in rest.jobs} == {"C", "D"}
    e1 = rest.engineers[rest.engineer_index["E1"]]
    assert e1.shift.start == minutes("11:00")  # free when B ends, at B's site
    assert (e1.start.x, e1.start.y) == (60, 0)  # type: ignore[union-attr]
    assert check(rest, result.plan) == []
    served = {o.id: o for o in result.plan.jobs}
    assert set(served) == {"C", "D"}  # A and B are in no route any more
    # D (x=70) goes to E1, 10 min from B's site once B ends: 11:10
    assert (served["D"].engineer, served["D"].start) == ("E1", minutes("11:10"))
    # C was due at 08:10 and has not started: it moves later, and says so
    change = {c.job: c for c in result.changes}["C"]
    assert change.kind is ChangeKind.MOVED
    assert change.after_start is not None and change.after_start >= minutes("10:20")


def test_an_emergency_only_one_engineer_can_do_goes_to_that_engineer() -> None:
    data = _day()
    data["engineers"][1]["skills"] = {"hvac": 2}
    problem, plan = _published(data)
    emergency = job("X", 10, priority=1, skills={"hvac": 2}, sla_deadline=at("14:00"))
    state = _state(problem, now=at("09:00"), jobs={"A": {"status": "done"}}, new_jobs=[emergency])
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert check(result.problem, result.plan) == []
    served = {o.id: o for o in result.plan.jobs}
    assert served["X"].engineer == "E2"
    assert served["X"].sla_met
    inserted = [c for c in result.changes if c.job == "X"]
    assert inserted[0].kind is ChangeKind.INSERTED and inserted[0].after_engineer == "E2"


def test_a_sick_engineers_jobs_are_handed_over_with_the_reason() -> None:
    problem, plan = _published(_day())
    state = _state(problem, now=at("08:00"), engineers={"E1": {"unavailable_from": at("08:00")}})
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert check(result.problem, result.plan) == []
    by_job = {c.job: c for c in result.changes}
    for jid in ("A", "B"):
        change = by_job[jid]
        assert change.kind is ChangeKind.REASSIGNED
        assert change.after_engineer == "E2"
        assert change.reason == "E1 is unavailable from 08:00"
    assert all(o.engineer == "E2" for o in result.plan.jobs)


def test_a_job_nobody_can_take_any_more_is_reported_unassigned_with_a_reason() -> None:
    data = _day()
    data["jobs"][1]["windows"] = [{"start": at("08:00"), "end": at("10:30")}]  # B by 10:30
    data["engineers"][1]["shift"] = {"start": at("08:00"), "end": at("10:00")}  # E2 leaves early
    problem, plan = _published(data)
    state = _state(problem, now=at("08:00"), engineers={"E1": {"unavailable_from": at("08:00")}})
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert check(result.problem, result.plan) == []
    change = {c.job: c for c in result.changes}["B"]
    assert change.kind is ChangeKind.UNASSIGNED
    assert change.reason  # the diagnosis of the rest-of-day problem


def test_who_ranks_the_nearest_engineer_first_and_a_full_replan_agrees() -> None:
    problem, plan = _published(_day())
    new = job("X", 95, priority=1, sla_deadline=at("12:00"))
    ranking = who(problem, plan, new, top=2)
    assert [c.engineer for c in ranking] == ["E2", "E1"]
    first, second = ranking
    # E2 takes X after C, on the way home (100 -> 90 -> 95 -> 100): no extra km, C keeps its time
    assert first.sla_met and first.extra_km == pytest.approx(0.0)
    assert first.start == minutes("09:15") and first.displaced == ()
    # E1 after B: 60 -> 95 -> 0 instead of 60 -> 0
    assert second.extra_km == pytest.approx(70.0) and second.cost > first.cost
    state = _state(problem, now=at("08:00"), new_jobs=[new])
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert {o.id: o.engineer for o in result.plan.jobs}["X"] == first.engineer


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"now": "soon"}, "now"),
        ({"now": at("09:00"), "jobs": {"Z": {"status": "done"}}}, "jobs.Z"),
        ({"now": at("09:00"), "jobs": {"A": {"status": "half"}}}, "jobs.A.status"),
        ({"now": at("09:00"), "jobs": {"A": {"status": "in_progress"}}}, "jobs.A.engineer"),
        ({"now": at("09:00"), "engineers": {"E9": {}}}, "engineers.E9"),
        ({"now": at("09:00"), "new_jobs": [job("A", 5)]}, "new_jobs[0].id"),
        ({"now": at("09:00"), "disruption": {"change_penalty": -1}}, "disruption.change_penalty"),
    ],
)
def test_bad_state_names_the_field(fields: dict[str, Any], path: str) -> None:
    problem, _plan = _published(_day())
    with pytest.raises(ProblemError) as caught:
        _state(problem, **fields)
    assert caught.value.path == path


def test_a_bad_new_job_is_named_under_new_jobs() -> None:
    problem, plan = _published(_day())
    bad = job("X", 5, duration_min=-5)
    state = _state(problem, now=at("09:00"), new_jobs=[bad])
    with pytest.raises(ProblemError) as caught:
        replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert caught.value.path.startswith("new_jobs[X]")


def test_who_on_a_full_day_names_the_job_that_would_have_to_go() -> None:
    # E1 works 08:00-12:00: A 08:30-09:30, B 10:00-11:00, home at 12:00; no room for X.
    data = problem_dict(
        [engineer("E1", 0, shift={"start": at("08:00"), "end": at("12:00")})],
        [job("A", 30), job("B", 60)],
    )
    problem = problem_from_json(data)
    drafts = [RouteDraft("E1", (Visit(StopType.JOB, "A"), Visit(StopType.JOB, "B")))]
    plan = evaluate(problem, drafts, [])
    assert check(problem, plan) == []
    ranking = who(problem, plan, job("X", 10, priority=1, sla_deadline=at("10:00")))
    assert len(ranking) == 1
    choice = ranking[0]
    assert choice.engineer == "E1" and choice.displaced == ("B",)
    assert choice.sla_met and choice.start == minutes("09:50")  # after A, 20 min away
    # B's unassigned penalty (priority 2: 20,000) and broken promise (2,000), less the
    # 60 km saved (0-30-10-0 instead of 0-30-60-0)
    assert choice.extra_km == pytest.approx(-60.0)
    assert choice.cost == pytest.approx(20_000 + 2_000 - 60)


def _full_day_with_a_new_emergency():
    # E1 alone is qualified for X; a full day (A, B) with no room for X, whose SLA is 10:00.
    data = problem_dict(
        [
            engineer("E1", 0, shift={"start": at("08:00"), "end": at("12:00")}, skills={"lift": 1}),
            engineer("E2", 500, shift={"start": at("08:00"), "end": at("09:00")}),
        ],
        [job("A", 30), job("B", 60)],
    )
    problem = problem_from_json(data)
    drafts = [RouteDraft("E1", (Visit(StopType.JOB, "A"), Visit(StopType.JOB, "B")))]
    plan = evaluate(problem, drafts, [])
    assert check(problem, plan) == []
    new = job("X", 10, priority=1, sla_deadline=at("10:00"), skills={"lift": 1})
    return problem, plan, new


def test_replan_gives_up_what_who_gives_up_for_an_emergency_in_a_full_day() -> None:
    problem, plan, new = _full_day_with_a_new_emergency()
    (choice,) = who(problem, plan, new)
    assert choice.displaced == ("B",) and choice.cost < 100_000  # X's unassigned penalty
    state = _state(problem, now=at("08:00"), new_jobs=[new])
    # one improvement step at most: the emergency must get in before the search
    result = replan(problem, plan, state, SolveOptions(time_limit_s=5, solution_limit=1))
    assert check(result.problem, result.plan) == []
    served = {o.id: o for o in result.plan.jobs}
    assert served["X"].engineer == "E1" and served["X"].sla_met
    assert served["X"].start == minutes("09:50")  # after A, as who proposed
    kinds = {c.job: c.kind for c in result.changes}
    assert kinds == {"X": ChangeKind.INSERTED, "B": ChangeKind.UNASSIGNED}


def test_insertion_displaces_only_when_asked_and_only_for_a_more_urgent_job() -> None:
    from dispatch.search.construct import Builder
    from dispatch.search.layout import plan_layout

    problem, _plan, new = _full_day_with_a_new_emergency()
    data = problem_to_json(problem)
    data["jobs"].append(new)
    day = problem_from_json(data)
    a, b, x = (day.job_index[j] for j in ("A", "B", "X"))
    for displace in (False, True):
        builder = Builder(day, plan_layout(day))
        builder.insert_all([a, b], displace=displace)
        last = builder.routes[0].jobs[-1]
        builder.insert_all([x], displace=displace)
        # X takes the place of the day's last job only when displacing is asked for
        assert set(builder.where) == ({a, b, x} - {last} if displace else {a, b})
    # a job as little urgent as any other never displaces one
    data["jobs"][-1] = {**new, "priority": 2}
    same = problem_from_json(data)
    builder = Builder(same, plan_layout(same))
    builder.insert_all([a, b], displace=True)
    builder.insert_all([same.job_index["X"]], displace=True)
    assert set(builder.where) == {a, b}


def test_replan_and_who_commands_write_and_print(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from dispatch.io.plan_json import plan_to_json
    from fieldplan.cli import main

    data = _day()
    problem, plan = _published(data)
    (tmp_path / "day.json").write_text(json.dumps(data))
    (tmp_path / "plan.json").write_text(json.dumps(plan_to_json(plan, problem.clock)))
    state = {
        "schema": STATE_SCHEMA,
        "now": at("09:00"),
        "jobs": {"A": {"status": "in_progress", "engineer": "E1", "started": at("08:30")}},
        "engineers": {"E2": {"unavailable_from": at("09:00")}},
    }
    (tmp_path / "state.json").write_text(json.dumps(state))
    new_job = job("X", 40, priority=1, sla_deadline=at("12:00"))
    (tmp_path / "job.json").write_text(json.dumps(new_job))
    code = main(
        [
            "dispatch", "replan", str(tmp_path / "day.json"), str(tmp_path / "plan.json"),
            str(tmp_path / "state.json"), "-o", str(tmp_path / "new.json"), "--time-limit", "1",
        ]
    )  # fmt: skip
    assert code == 0
    written = json.loads((tmp_path / "new.json").read_text())
    assert written["schema"] == "fieldplan.dispatch.plan/1"
    changed = {c["job"]: c for c in written["changes"]["changed"]}
    assert changed["C"]["kind"] == "reassigned"
    assert changed["C"]["before"] == {"engineer": "E2", "start": at("08:10")}
    assert changed["C"]["reason"] == "E2 is unavailable from 09:00"
    rest = problem_from_json(json.loads((tmp_path / "new-problem.json").read_text()))
    assert {j.id for j in rest.jobs} == {"B", "C"}
    code = main(
        [
            "dispatch",
            "who",
            str(tmp_path / "day.json"),
            str(tmp_path / "plan.json"),
            str(tmp_path / "job.json"),
        ]
    )
    assert code == 0
    assert "who should go to X?" in capsys.readouterr().out


def test_a_generated_day_at_half_past_ten_with_no_news_keeps_its_plan() -> None:
    from dispatch.model.entities import SolveOptions
    from dispatch.solve import solve
    from scenarios.generator.day import generate_dispatch

    data = generate_dispatch(8, 30, seed=3)
    problem = problem_from_json(data)
    plan = solve(problem, SolveOptions(time_limit_s=5, solution_limit=50))
    now = problem.clock.parse(
        data["horizon"]["start"][:10] + "T10:30:00" + data["horizon"]["start"][19:], "now"
    )
    jobs: dict[str, Any] = {}
    for route in plan.routes:
        for stop in route.stops:
            if stop.type is StopType.JOB and stop.end <= now:
                jobs[str(stop.id)] = {"status": "done"}
            elif stop.type is StopType.JOB and stop.start <= now:
                jobs[str(stop.id)] = {
                    "status": "in_progress",
                    "engineer": route.engineer,
                    "started": problem.clock.format(stop.start),
                }
    state = _state(problem, now=problem.clock.format(now), jobs=jobs)
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert check(result.problem, result.plan) == []
    assert result.changes == ()
    assert result.unchanged == sum(1 for o in plan.jobs if o.id not in jobs)


def test_a_break_due_while_on_the_road_is_not_kept_twice() -> None:
    """Re-planned at 13:00, the moment a published break begins on the way to the next job.

    The engineer is free only on arrival (14:07), after the break's latest start
    (13:30), so the rest of the day has no break left for them; the route kept
    from the published plan must not carry it either (it used to fail with an
    IndexError). A day of the co-simulation, cut down to that engineer.
    """
    import json
    from pathlib import Path

    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import plan_from_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.io.state_json import state_from_json
    from dispatch.replanning.rest_of_day import replan

    data = json.loads(
        (Path(__file__).parent / "data" / "ReplanWhenABreakIsDueOnTheRoad.json").read_text()
    )
    problem = problem_from_json(data["problem"])
    published = plan_from_json(data["plan"], problem.clock)
    result = replan(
        problem,
        published,
        state_from_json(data["state"], problem),
        SolveOptions(time_limit_s=5.0, seed=1, solution_limit=50),
    )
    assert check(result.problem, result.plan) == []
    route = next(r for r in result.plan.routes if r.engineer == "E021")
    assert all(s.type.value != "break" for s in route.stops)
    assert result.problem.engineers[0].breaks == ()


def test_a_follow_up_of_a_job_done_waits_for_its_lag_in_the_rest_of_the_day() -> None:
    # B follows A by 90 min; A (08:30-09:30) was started at 08:40, so ends 09:40.
    data = _day()
    data["jobs"][1]["after"] = [{"job": "A", "min_lag_min": 90}]
    problem = problem_from_json(data)
    plan = evaluate(
        problem,
        [RouteDraft("E1", (Visit(StopType.JOB, "A"), Visit(StopType.JOB, "C"), Visit(StopType.JOB, "B")))],
        [],
    )
    assert check(problem, plan) == []
    state = _state(
        problem,
        now=at("10:00"),
        jobs={"A": {"status": "done", "engineer": "E1", "started": at("08:40")}},
    )
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    rest = result.problem
    b = rest.jobs[rest.job_index["B"]]
    assert b.after == ()
    assert [(w.start, w.end) for w in b.windows] == [(minutes("11:10"), minutes("17:00"))]
    assert check(rest, result.plan) == []
    served = {o.id: o for o in result.plan.jobs}
    assert served["B"].start >= minutes("11:10")


def test_a_follow_up_of_a_cancelled_job_is_refused_by_name() -> None:
    data = _day()
    data["jobs"][1]["after"] = [{"job": "A"}]
    problem = problem_from_json(data)
    plan = evaluate(problem, [RouteDraft("E1", (Visit(StopType.JOB, "A"), Visit(StopType.JOB, "B")))], [])
    state = _state(problem, now=at("08:00"), jobs={"A": {"status": "cancelled"}})
    with pytest.raises(ProblemError) as caught:
        replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert caught.value.path == "jobs[B].after[0].job"
