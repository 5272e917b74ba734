"""One small hand-made problem per contract rule, with the right answer worked out by hand.

Euclidean travel at speed 1: a distance of 30 is 30 minutes and 30 km.
Every plan goes through the independent validator (``solve_checked``).
"""

from __future__ import annotations

from dispatch.model.reasons import StopType, UnassignedReason
from tests.dispatch.builders import (
    at,
    build,
    depot,
    engineer,
    job,
    minutes,
    solve_checked,
)


def _route(plan, engineer_id):
    return next(r for r in plan.routes if r.engineer == engineer_id)


def _unassigned(plan):
    return {u.id: u for u in plan.unassigned}


def test_only_qualified_engineer_is_far_away() -> None:
    problem = build(
        [engineer("NEAR", 0, skills={"hvac": 1}), engineer("FAR", 100, skills={"hvac": 3})],
        [job("J1", 10, skills={"hvac": 2})],
    )
    plan = solve_checked(problem)
    assert [r.engineer for r in plan.routes] == ["FAR"]
    route = _route(plan, "FAR")
    # leaves 08:00, drives 90 to x=10, serves 09:30-10:30, drives 90 back: 12:00
    assert route.stops[0].start == minutes("09:30")
    assert route.return_at == minutes("12:00")
    assert route.km == 180.0


def test_part_held_only_at_one_depot_is_picked_up_there() -> None:
    problem = build(
        [engineer("E1", 0)],
        [job("J1", 30, parts={"P7": 1})],
        [depot("WEST", -20, stock={"P7": 0, "P1": 5}), depot("EAST", 40, stock={"P7": 1})],
    )
    plan = solve_checked(problem)
    stops = _route(plan, "E1").stops
    assert [(s.type, s.id) for s in stops] == [(StopType.DEPOT, "EAST"), (StopType.JOB, "J1")]
    # 0 -> 40: arrive 08:40, pick up 10 min; 40 -> 30: job at 09:00-10:00; back at 10:30
    assert dict(stops[0].pickup) == {"P7": 1}
    assert (stops[0].start, stops[0].end) == (minutes("08:40"), minutes("08:50"))
    assert stops[1].start == minutes("09:00")
    assert _route(plan, "E1").km == 40 + 10 + 30


def test_emergency_displaces_preventive_visit() -> None:
    problem = build(
        [engineer("E1", 0, shift={"start": at("08:00"), "end": at("12:00")})],
        [
            job("PM", 30, kind="preventive", priority=3, duration_min=120),
            job(
                "EM", -30, kind="emergency", priority=1, duration_min=120, sla_deadline=at("11:00")
            ),
        ],
    )
    plan = solve_checked(problem)
    # both need 30+120+60+120+30 = 360 min > the 240-min shift: only one fits
    assert _route(plan, "E1").job_ids == ["EM"]
    assert plan.jobs[0].sla_met
    reason = _unassigned(plan)["PM"]
    assert reason.reason is UnassignedReason.CAPACITY
    assert "E1" in reason.detail


def test_two_engineers_compete_for_last_unit_at_depot() -> None:
    problem = build(
        [engineer("WEST", -50), engineer("EAST", 50)],
        [
            job("J-LOW", -60, parts={"P1": 1}, priority=2),
            job("J-HIGH", 60, parts={"P1": 1}, priority=1),
        ],
        [depot("D", 0, stock={"P1": 1})],
    )
    plan = solve_checked(problem)
    served = [j.id for j in plan.jobs]
    assert served == ["J-HIGH"]  # the single unit goes to the priority-1 job
    drawn = sum(s.pickup.get("P1", 0) for r in plan.routes for s in r.stops)
    assert drawn == 1
    lost = _unassigned(plan)["J-LOW"]
    assert lost.reason is UnassignedReason.CAPACITY
    assert "P1" in lost.detail and "0 left" in lost.detail


def test_break_falls_inside_its_window_and_never_overlaps_work() -> None:
    lunch = {"earliest": at("12:00"), "latest": at("12:30"), "duration_min": 30}
    problem = build(
        [engineer("E1", 0, breaks=[lunch])],
        [job("J1", 10, duration_min=240), job("J2", 20, duration_min=180)],
    )
    plan = solve_checked(problem)
    stops = _route(plan, "E1").stops
    breaks = [s for s in stops if s.type is StopType.BREAK]
    assert len(breaks) == 1
    assert minutes("12:00") <= breaks[0].start <= minutes("12:30")
    assert breaks[0].end - breaks[0].start == 30
    for s in stops:
        if s.type is StopType.JOB:
            assert s.end <= breaks[0].start or s.start >= breaks[0].end


def test_pinned_job_stays_with_its_engineer() -> None:
    problem = build(
        [engineer("E1", 0), engineer("E2", 100)],
        [job("J1", 95, pinned_engineer="E1"), job("J2", 105)],
    )
    plan = solve_checked(problem)
    owner = {o.id: o.engineer for o in plan.jobs}
    # E2 would serve J1 for 10 km instead of 190; the pin wins, while J2 is cheaper for E2
    assert owner == {"J1": "E1", "J2": "E2"}


def test_excluded_engineer_is_never_sent() -> None:
    problem = build(
        [engineer("E1", 0), engineer("E2", 80)],
        [job("J1", 5, excluded_engineers=["E1"])],
    )
    plan = solve_checked(problem)
    assert [(o.id, o.engineer) for o in plan.jobs] == [("J1", "E2")]


def test_overtime_is_allowed_up_to_the_allowance_and_costed_per_minute() -> None:
    problem = build(
        [engineer("E1", 0, shift={"start": at("08:00"), "end": at("12:00")}, max_overtime_min=60)],
        [job("J1", 30, duration_min=120, windows=[{"start": at("10:00"), "end": at("17:00")}])],
    )
    plan = solve_checked(problem)
    route = _route(plan, "E1")
    # leaves 09:30 (no waiting), serves 10:00-12:00, back 12:30: 30 min overtime
    assert route.depart == minutes("09:30")
    assert route.return_at == minutes("12:30")
    assert route.overtime_min == 30
    # objective = 60 km x 1 + 30 min x 5 overtime
    assert plan.kpis.objective == 60 + 150


def test_service_starts_in_one_of_several_windows() -> None:
    windows = [
        {"start": at("08:00"), "end": at("08:30")},
        {"start": at("13:00"), "end": at("15:00")},
    ]
    problem = build([engineer("E1", 0)], [job("J1", 60, windows=windows)])
    plan = solve_checked(problem)
    stop = _route(plan, "E1").stops[0]
    # 60 min away: 08:00-08:30 is out of reach, so service waits for 13:00
    assert stop.start == minutes("13:00")
    assert _route(plan, "E1").depart == minutes("12:00")


def test_lateness_falls_on_the_lower_priority() -> None:
    problem = build(
        [engineer("E1", 0)],
        [
            job("LOW", 10, priority=3, sla_deadline=at("09:00")),
            job("HIGH", 10, priority=1, sla_deadline=at("09:00")),
        ],
    )
    plan = solve_checked(problem)
    outcome = {o.id: o for o in plan.jobs}
    # HIGH 08:10-09:10 on time, LOW starts 09:10: 10 min late
    assert outcome["HIGH"].sla_met and outcome["HIGH"].late_min == 0
    assert not outcome["LOW"].sla_met and outcome["LOW"].late_min == 10
    # 20 km + 10 min x 10 (priority 3)
    assert plan.kpis.objective == 20 + 100
    assert plan.kpis.sla_met == 1 and plan.kpis.sla_met_pct == 50.0


def test_optional_job_dropped_when_serving_costs_more_than_its_penalty() -> None:
    problem = build(
        [engineer("E1", 0)],
        [job("FAR", 100, priority=3)],
        unassigned_penalty={"3": 50},
    )
    plan = solve_checked(problem)
    # serving costs 200 km > penalty 50
    assert plan.routes == ()
    assert plan.kpis.objective == 50
    assert "penalty" in _unassigned(plan)["FAR"].detail


def test_generic_capacity_limits_the_load() -> None:
    problem = build(
        [engineer("E1", 0, capacity=2)],
        [job(f"J{i}", 5 + i, demand=1, duration_min=30) for i in range(3)],
    )
    plan = solve_checked(problem)
    assert plan.kpis.assigned == 2
    (lost,) = plan.unassigned
    assert lost.reason is UnassignedReason.CAPACITY


def test_tool_is_borrowed_at_a_depot_before_the_job() -> None:
    problem = build(
        [engineer("E1", 0)],
        [job("J1", 20, tools=["lift-kit"])],
        [depot("D", 10, tools=["lift-kit"])],
    )
    plan = solve_checked(problem)
    stops = _route(plan, "E1").stops
    assert stops[0].type is StopType.DEPOT and stops[0].borrow == ("lift-kit",)
    assert stops[1].id == "J1"


def test_depot_pickup_waits_for_opening_hours() -> None:
    problem = build(
        [engineer("E1", 0)],
        [job("J1", 20, parts={"P1": 1})],
        [depot("D", 40, stock={"P1": 2}, hours={"start": at("10:00"), "end": at("18:00")})],
    )
    plan = solve_checked(problem)
    stop = _route(plan, "E1").stops[0]
    assert stop.type is StopType.DEPOT
    assert stop.start == minutes("10:00") and stop.end == minutes("10:10")


def test_van_stock_is_used_up_job_by_job() -> None:
    problem = build(
        [engineer("E1", 0, van_stock={"P1": 1})],
        [job("A", 10, parts={"P1": 1}), job("B", 12, parts={"P1": 1})],
        [depot("D", 30, stock={"P1": 3})],
    )
    plan = solve_checked(problem)
    assert plan.kpis.assigned == 2
    # one unit is in the van; the second must come from the depot, exactly one
    drawn = sum(s.pickup.get("P1", 0) for r in plan.routes for s in r.stops)
    assert drawn == 1


def test_reasons_for_jobs_nobody_can_do() -> None:
    problem = build(
        [
            engineer("E1", 0, skills={"hvac": 2}, max_overtime_min=0),
            engineer("E2", 5, skills={"hvac": 2}),
        ],
        [
            job("SKILL", 10, skills={"hvac": 3}),
            job("EXCL", 10, skills={"hvac": 1}, excluded_engineers=["E1", "E2"]),
            job("PART", 10, parts={"P9": 1}),
            job("WINDOW", 60, windows=[{"start": at("08:00"), "end": at("08:10")}]),
            job("PIN", 10, skills={"hvac": 3}, pinned_engineer="E1"),
        ],
    )
    plan = solve_checked(problem)
    reasons = {u.id: (u.reason, u.detail) for u in plan.unassigned}
    assert reasons["SKILL"] == (
        UnassignedReason.NO_SKILLED_ENGINEER,
        "needs hvac level 3; best available level 2",
    )
    assert reasons["EXCL"][0] is UnassignedReason.EXCLUDED
    assert reasons["PART"][0] is UnassignedReason.NO_PARTS
    assert reasons["WINDOW"][0] is UnassignedReason.WINDOW_UNREACHABLE
    assert reasons["PIN"] == (
        UnassignedReason.PINNED_CONFLICT,
        "pinned to E1, who has hvac level 2, needs 3",
    )
    assert plan.kpis.unassigned_by_reason == {
        "no_skilled_engineer": 1,
        "excluded": 1,
        "no_parts": 1,
        "window_unreachable": 1,
        "pinned_conflict": 1,
    }


def test_empty_days_plan_nothing_and_say_why() -> None:
    nobody = build([], [job("J1", 5)])
    plan = solve_checked(nobody)
    assert plan.routes == ()
    assert [(u.id, u.reason, u.detail) for u in plan.unassigned] == [
        ("J1", UnassignedReason.NO_SKILLED_ENGINEER, "the problem has no engineers")
    ]
    idle = solve_checked(build([engineer("E1", 0)], []))
    assert idle.routes == () and idle.kpis.objective == 0
