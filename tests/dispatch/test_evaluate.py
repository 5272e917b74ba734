"""Timing a route: with working time costed, the engineer leaves as late as the route allows."""

from __future__ import annotations

from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType
from tests.dispatch.builders import at, build, engineer, job, minutes


def _plan(working: float, deadline_a: str | None = None):
    a = job("A", 30) if deadline_a is None else job("A", 30, sla_deadline=at(deadline_a))
    b = job("B", 60, windows=[{"start": at("11:00"), "end": at("12:00")}])
    problem = build([engineer("E1")], [a, b], working_cost_per_min=working)
    route = RouteDraft("E1", (Visit(StopType.JOB, "A"), Visit(StopType.JOB, "B")))
    plan = evaluate(problem, [route], [])
    assert check(problem, plan) == []
    return plan


def test_without_working_cost_the_engineer_leaves_at_shift_start() -> None:
    # A 08:30-09:30, B reached 10:00, waits for its window at 11:00, back 13:00
    route = _plan(0).routes[0]
    assert route.depart == minutes("08:00")
    assert [s.start for s in route.stops] == [minutes("08:30"), minutes("11:00")]
    assert route.return_at == minutes("13:00")


def test_with_working_cost_the_wait_before_b_is_driven_out_of_the_day() -> None:
    # Leaving an hour later still reaches B at 11:00: 240 working minutes, not 300.
    plan = _plan(1.0)
    route = plan.routes[0]
    assert route.depart == minutes("09:00")
    assert [s.start for s in route.stops] == [minutes("09:30"), minutes("11:00")]
    assert route.return_at == minutes("13:00")
    assert plan.kpis.cost["working"] == 240


def test_a_later_departure_never_breaks_an_sla_deadline() -> None:
    # A is due by 09:00: leave 08:30, A at 09:00 on time, B still waits 30 min.
    plan = _plan(1.0, deadline_a="09:00")
    route = plan.routes[0]
    assert route.depart == minutes("08:30")
    assert route.stops[0].start == minutes("09:00")
    assert plan.kpis.sla_met == 2
    assert plan.kpis.cost["working"] == 270
