"""Contract 1.2: crews, engineer speeds, preferred engineers and balanced workload.

Each rule is provoked on a day small enough to work out by hand (euclidean,
speed 1: x = 50 is 50 minutes away), its plan checked by the independent
validator, and each way of breaking it is caught by the validator.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dispatch.errors import ProblemError
from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.io.plan_json import plan_from_json, plan_to_json
from dispatch.io.problem_json import problem_from_json, problem_to_json
from dispatch.io.state_json import STATE_SCHEMA, state_from_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType, UnassignedReason
from dispatch.model.reasons import ViolationCause as V
from dispatch.replanning.rest_of_day import replan
from dispatch.replanning.who import who
from tests.dispatch.builders import at, build, engineer, job, minutes, problem_dict, solve_checked


def _crew_day(**objective: Any) -> dict[str, Any]:
    """E1 at 0 and E2 at 80; J1 at 50 needs both, and a part only E2's van holds."""
    return problem_dict(
        [
            engineer("E1", 0, skills={"lift": 1}),
            engineer("E2", 80, skills={"lift": 1}, van_stock={"P1": 1}),
        ],
        [job("J1", 50, crew=2, skills={"lift": 1}, parts={"P1": 1})],
        **objective,
    )


# ------------------------------------------------------------------ crews --
def test_a_crew_job_is_served_by_both_engineers_together() -> None:
    problem = problem_from_json(_crew_day())
    plan = solve_checked(problem)
    stops = {r.engineer: next(s for s in r.stops if s.type is StopType.JOB) for r in plan.routes}
    assert set(stops) == {"E1", "E2"}
    # E1 arrives at 08:50, E2 at 08:30 and waits: both start at 08:50, for an hour.
    for stop in stops.values():
        assert (stop.start, stop.end) == (minutes("08:50"), minutes("09:50"))
    assert stops["E2"].lead and not stops["E1"].lead  # the part is in E2's van
    (outcome,) = plan.jobs
    assert outcome.engineer == "E2"
    assert outcome.engineers == ("E2", "E1")
    # E1: 50 there, 50 back; E2: 30 and 30.
    assert plan.kpis.km == pytest.approx(160.0)
    assert plan.kpis.assigned == 1


def test_a_crew_job_lasts_as_long_as_its_slowest_member_needs() -> None:
    data = _crew_day()
    data["engineers"][0]["duration_factor"] = 1.5  # E1, a trainee
    problem = problem_from_json(data)
    plan = solve_checked(problem)
    for route in plan.routes:
        (stop,) = [s for s in route.stops if s.type is StopType.JOB]
        assert stop.end - stop.start == pytest.approx(90.0)


def test_a_pinned_crew_job_takes_the_pinned_engineer_and_another() -> None:
    problem = build(
        [engineer("E1", 0), engineer("E2", 10), engineer("E3", 200)],
        [job("J1", 5, crew=2, pinned_engineer="E3")],
    )
    plan = solve_checked(problem)
    (outcome,) = plan.jobs
    assert set(outcome.engineers) == {"E3", "E1"} or set(outcome.engineers) == {"E3", "E2"}


def test_a_crew_job_without_enough_qualified_engineers_is_unassigned_with_its_reason() -> None:
    problem = build(
        [engineer("E1", 0, skills={"lift": 1}), engineer("E2", 10)],
        [job("J1", 5, crew=2, skills={"lift": 1})],
    )
    plan = solve_checked(problem)
    (left,) = plan.unassigned
    assert left.reason is UnassignedReason.NO_SKILLED_ENGINEER
    assert left.detail == "needs a crew of 2; only 1 engineer(s) have the skills (E1)"


def test_crews_meet_at_one_time_across_a_busy_day() -> None:
    """Four engineers, single jobs around two crew jobs: every crew works together."""
    engineers = [engineer(f"E{k}", 10 * k, skills={"lift": 1}) for k in range(1, 5)]
    jobs = [job(f"S{k}", 7 * k + 3, duration_min=45) for k in range(1, 9)]
    jobs += [
        job("C1", 15, crew=2, skills={"lift": 1}, duration_min=90),
        job("C2", 35, crew=3, skills={"lift": 1}, duration_min=60),
    ]
    problem = build(engineers, jobs)
    plan = solve_checked(problem)
    assert plan.kpis.assigned == len(jobs)
    by_job: dict[str, set[tuple[float, float]]] = {}
    for route in plan.routes:
        for s in route.stops:
            if s.type is StopType.JOB and s.id in ("C1", "C2"):
                by_job.setdefault(s.id, set()).add((s.start, s.end))
    assert {k: len(v) for k, v in by_job.items()} == {"C1": 1, "C2": 1}
    crews = {o.id: o.engineers for o in plan.jobs if o.engineers}
    assert len(crews["C1"]) == 2 and len(crews["C2"]) == 3


# ---------------------------------------------------------------- speeds --
def test_an_engineers_speed_scales_the_service_time_rounded_up() -> None:
    data = problem_dict([engineer("E1", 0, duration_factor=1.25)], [job("J1", 10, duration_min=50)])
    problem = problem_from_json(data)
    assert problem.service_min(0, 0) == 63.0  # 62.5, rounded up on a clock
    plan = solve_checked(problem)
    (stop,) = [s for s in plan.routes[0].stops if s.type is StopType.JOB]
    assert (stop.start, stop.end) == (minutes("08:10"), minutes("09:13"))


def test_a_trainee_who_cannot_finish_in_the_window_leaves_the_job_to_the_expert() -> None:
    """The job's window closes for a start at 09:00, 60 min of work ending by 10:00 is
    only possible for whoever is fast enough: the trainee (x1.5) would end at 10:30,
    past the shift end of 10:15."""
    shift = {"start": at("08:00"), "end": at("10:15")}
    problem = build(
        [
            engineer("T", 0, duration_factor=1.5, shift=shift),
            engineer("X", 5, duration_factor=1.0, shift=shift),
        ],
        [job("J1", 0, windows=[{"start": at("09:00"), "end": at("09:00")}])],
    )
    plan = solve_checked(problem)
    assert plan.jobs[0].engineer == "X"


# ----------------------------------------------------------- preferences --
def _preference_day(cost: float) -> dict[str, Any]:
    """E1 is 10 away from J1, E2 (whom the customer prefers) 20."""
    return problem_dict(
        [engineer("E1", 0), engineer("E2", 30)],
        [job("J1", 10, preferred_engineers=["E2"])],
        unpreferred_cost=cost,
    )


def test_a_preferred_engineer_goes_when_the_preference_costs_more_than_the_detour() -> None:
    plan = solve_checked(problem_from_json(_preference_day(100)))
    assert plan.jobs[0].engineer == "E2"
    assert plan.kpis.km == pytest.approx(40.0)
    assert plan.kpis.cost["unpreferred"] == 0.0


def test_the_nearest_engineer_goes_when_the_preference_is_cheaper_than_the_detour() -> None:
    plan = solve_checked(problem_from_json(_preference_day(15)))
    assert plan.jobs[0].engineer == "E1"
    # 20 km and one unpreferred job at 15
    assert plan.kpis.cost["unpreferred"] == 15.0
    assert plan.kpis.objective == pytest.approx(20.0 + 15.0)


# --------------------------------------------------------------- balance --
def _four_jobs_at_one_site(cost: float) -> dict[str, Any]:
    return problem_dict(
        [engineer("E1", 0), engineer("E2", 0)],
        [job(f"J{k}", 10) for k in range(1, 5)],
        balance_cost_per_min=cost,
    )


def test_without_balance_one_engineer_does_the_whole_site() -> None:
    plan = solve_checked(problem_from_json(_four_jobs_at_one_site(0)))
    assert plan.kpis.engineers_used == 1
    assert plan.kpis.km == pytest.approx(20.0)


def test_with_balance_the_site_is_shared_and_the_spread_is_costed() -> None:
    plan = solve_checked(problem_from_json(_four_jobs_at_one_site(2)))
    # Shared: each works 10 + 120 + 10 = 140 min, no spread; 40 km.
    # Alone: 260 and 0 min, 260 min off the mean of 130 at 2 = 520, more than 20 km.
    assert plan.kpis.engineers_used == 2
    assert plan.kpis.km == pytest.approx(40.0)
    assert plan.kpis.cost["balance"] == 0.0
    assert plan.kpis.objective == pytest.approx(40.0)


# ------------------------------------------------------------- validator --
def _crew_plan() -> tuple[dict[str, Any], dict[str, Any]]:
    """The crew day and its plan written by hand (see the first test)."""
    problem = _crew_day()
    plan = {
        "schema": "fieldplan.dispatch.plan/1",
        "routes": [
            {
                "engineer": "E1",
                "stops": [
                    {
                        "type": "job",
                        "id": "J1",
                        "arrival": at("08:50"),
                        "start": at("08:50"),
                        "end": at("09:50"),
                    }
                ],
                "depart": at("08:00"),
                "return": at("10:40"),
                "km": 100,
                "travel_min": 100,
                "overtime_min": 0,
            },
            {
                "engineer": "E2",
                "stops": [
                    {
                        "type": "job",
                        "id": "J1",
                        "arrival": at("08:30"),
                        "start": at("08:50"),
                        "end": at("09:50"),
                        "lead": True,
                    }
                ],
                "depart": at("08:00"),
                "return": at("10:20"),
                "km": 60,
                "travel_min": 60,
                "overtime_min": 0,
            },
        ],
        "jobs": [
            {
                "id": "J1",
                "engineer": "E2",
                "engineers": ["E2", "E1"],
                "start": at("08:50"),
                "sla_met": True,
                "late_min": 0,
            }
        ],
        "unassigned": [],
        "kpis": {
            "jobs": 1,
            "assigned": 1,
            "sla_met": 1,
            "sla_met_pct": 100.0,
            "km": 160,
            "travel_min": 160,
            "overtime_min": 0,
            "objective": 160,
        },
    }
    return problem, plan


def _causes(problem: dict[str, Any], plan: dict[str, Any]) -> set[V]:
    p = problem_from_json(problem)
    return {v.cause for v in check(p, plan_from_json(plan, p.clock))}


def test_the_hand_written_crew_plan_is_valid() -> None:
    assert _causes(*_crew_plan()) == set()


def _one_member(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    del pl["routes"][0]
    pl["jobs"][0]["engineers"] = ["E2"]
    pl["kpis"].update(km=60, travel_min=60, objective=60)


def _apart(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    stop = pl["routes"][1]["stops"][0]
    stop.update(start=at("08:40"), end=at("09:40"))
    pl["jobs"][0]["start"] = at("08:40")


def _two_leads(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pl["routes"][0]["stops"][0]["lead"] = True


def _no_lead(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    del pl["routes"][1]["stops"][0]["lead"]
    pl["jobs"][0].update(engineer="E1", engineers=["E1", "E2"])


def _slow_member(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pr["engineers"][0]["duration_factor"] = 1.5  # E1 needs 90 min; the plan gives 60


def _pinned_elsewhere(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pr["engineers"].append(engineer("E3", 500, skills={"lift": 1}))
    pr["jobs"][0]["pinned_engineer"] = "E3"


def _members_misstated(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pl["jobs"][0]["engineers"] = ["E2"]


def _lead_without_the_part(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    del pl["routes"][1]["stops"][0]["lead"]
    pl["routes"][0]["stops"][0]["lead"] = True
    pl["jobs"][0].update(engineer="E1", engineers=["E1", "E2"])


def _speed_ignored(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pr["jobs"][0]["crew"] = 1
    pr["engineers"][1]["duration_factor"] = 0.5  # E2 needs 30 min, the plan says 60
    del pl["routes"][0]
    del pl["routes"][1 - 1]["stops"][0]["lead"]
    del pl["jobs"][0]["engineers"]
    pl["kpis"].update(km=60, travel_min=60, objective=60)


def _preference_not_costed(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pr["jobs"][0]["preferred_engineers"] = ["E1"]
    pr["objective"]["unpreferred_cost"] = 300  # the lead, E2, is not preferred


def _balance_not_costed(pr: dict[str, Any], pl: dict[str, Any]) -> None:
    pr["objective"]["balance_cost_per_min"] = 1  # 160 and 140 min: 20 off the mean


CREW_CASES = [
    ("served by one of two", _one_member, {V.CREW}),
    ("members apart", _apart, {V.CREW}),
    # E1, listed first, leads too: without the part, and not the lead the entry names
    ("two leads", _two_leads, {V.CREW, V.PARTS, V.FIGURE}),
    ("no lead", _no_lead, {V.CREW}),
    ("shorter than the slowest member", _slow_member, {V.DURATION}),
    ("pinned engineer not in the crew", _pinned_elsewhere, {V.PINNED}),
    ("members misstated", _members_misstated, {V.FIGURE}),
    ("lead without the part", _lead_without_the_part, {V.PARTS}),
    ("speed ignored", _speed_ignored, {V.DURATION}),
    ("unpreferred lead not costed", _preference_not_costed, {V.FIGURE}),
    ("spread not costed", _balance_not_costed, {V.FIGURE}),
]


@pytest.mark.parametrize(("name", "tamper", "expected"), CREW_CASES, ids=[c[0] for c in CREW_CASES])
def test_validator_catches_each_broken_rule(name: str, tamper: Any, expected: set[V]) -> None:
    problem, plan = copy.deepcopy(_crew_plan())
    tamper(problem, plan)
    assert _causes(problem, plan) == expected


def test_validator_recomputes_the_unpreferred_and_balance_costs() -> None:
    problem, plan = _crew_plan()
    problem["jobs"][0]["preferred_engineers"] = ["E1"]
    problem["objective"].update(unpreferred_cost=300, balance_cost_per_min=1)
    # 160 km + 300 for E2 leading + |160 - 150| + |140 - 150| = 480
    plan["kpis"]["objective"] = 480
    assert _causes(problem, plan) == set()


# -------------------------------------------------------------------- io --
def test_the_new_fields_go_through_json_both_ways() -> None:
    data = _crew_day(unpreferred_cost=300, balance_cost_per_min=2)
    data["engineers"][0]["duration_factor"] = 1.3
    problem = problem_from_json(data)
    again = problem_to_json(problem)
    assert again["jobs"][0]["crew"] == 2
    assert again["engineers"][0]["duration_factor"] == 1.3
    assert "duration_factor" not in again["engineers"][1]
    assert again["objective"]["unpreferred_cost"] == 300
    assert again["objective"]["balance_cost_per_min"] == 2
    plan = solve_checked(problem)
    written = plan_to_json(plan, problem.clock)
    (entry,) = written["jobs"]
    assert entry["engineers"] == ["E2", "E1"] and entry["engineer"] == "E2"
    leads = [s.get("lead", False) for r in written["routes"] for s in r["stops"]]
    assert sorted(leads) == [False, True]
    assert check(problem, plan_from_json(written, problem.clock)) == []


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("job", {"crew": 0}, "jobs[J1].crew"),
        ("job", {"crew": 1.5}, "jobs[J1].crew"),
        ("engineer", {"duration_factor": 0}, "engineers[E1].duration_factor"),
        ("engineer", {"duration_factor": "fast"}, "engineers[E1].duration_factor"),
        ("objective", {"unpreferred_cost": -1}, "objective.unpreferred_cost"),
        ("objective", {"balance_cost_per_min": -2}, "objective.balance_cost_per_min"),
    ],
)
def test_bad_values_name_their_field(where: str, value: dict[str, Any], path: str) -> None:
    data = _crew_day()
    target = {
        "job": data["jobs"][0],
        "engineer": data["engineers"][0],
        "objective": data["objective"],
    }[where]
    target.update(value)
    with pytest.raises(ProblemError) as caught:
        problem_from_json(data)
    assert caught.value.path == path


# ------------------------------------------------------------ re-planning --
def _crew_published():
    """E2 (at 100) leads crew job K (x=60) with E3 (at 50), then C; E3 then D and A; E1 idle."""
    data = problem_dict(
        [engineer("E1", 0), engineer("E2", 100), engineer("E3", 50)],
        [job("A", 30), job("K", 60, crew=2, duration_min=90), job("C", 90), job("D", 40)],
    )
    problem = problem_from_json(data)
    drafts = [
        RouteDraft("E2", (Visit(StopType.JOB, "K", lead=True), Visit(StopType.JOB, "C"))),
        RouteDraft(
            "E3", (Visit(StopType.JOB, "K"), Visit(StopType.JOB, "D"), Visit(StopType.JOB, "A"))
        ),
    ]
    plan = evaluate(problem, drafts, [])
    assert check(problem, plan) == []
    return problem, plan


def _state(problem, **fields: Any):
    return state_from_json({"schema": STATE_SCHEMA, **fields}, problem)


def test_a_replan_with_nothing_new_keeps_the_crew_as_published() -> None:
    problem, plan = _crew_published()
    result = replan(problem, plan, _state(problem, now=at("08:00")), SolveOptions(time_limit_s=1))
    assert result.changes == ()
    (k,) = [o for o in result.plan.jobs if o.id == "K"]
    assert k.engineers == ("E2", "E3") and k.start == minutes("08:40")


def test_an_emergency_replan_keeps_every_crew_together() -> None:
    problem, plan = _crew_published()
    new = job("X", 95, kind="emergency", priority=1, sla_deadline=at("10:00"))
    state = _state(problem, now=at("08:30"), new_jobs=[new])
    result = replan(problem, plan, state, SolveOptions(time_limit_s=1))
    assert check(result.problem, result.plan) == []
    served = {o.id: o for o in result.plan.jobs}
    assert "X" in served and served["X"].sla_met
    assert len(set(served["K"].engineers)) == 2


def test_who_for_a_crew_job_answers_which_two_can_go() -> None:
    problem, plan = _crew_published()
    ranking = who(problem, plan, job("Y", 95, crew=2, priority=1), top=3)
    assert [c.crew for c in ranking] == [("E2", "E3"), ("E1", "E2"), ("E1", "E3")]
    first = ranking[0]
    # E2 passes Y on the way home (90 -> 95 -> 100): 0 km more; E3 goes from A (30)
    # to Y and home (65 + 45 instead of 20): 90 km more.
    assert first.extra_km == pytest.approx(90.0) and first.cost == pytest.approx(90.0)
    # E1 drives 0 -> 95 -> 0 (190 km) and E2 nothing more
    assert ranking[1].extra_km == pytest.approx(190.0)
    assert all(c.sla_met for c in ranking)
