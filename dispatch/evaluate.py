"""Times, lateness and KPIs recomputed from ordered visits; never from an engine.

The schedule is the earliest one for the given order: leave at shift start
(later if that only removes waiting at the first stop), start service at
arrival or when a window opens, take each break as early as its window and the
route allow, travelling before or after it within the same leg.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.kpi import compute_kpis, job_outcome
from dispatch.plan import Plan, Route, SolverInfo, Stop, Unassigned
from dispatch.reasons import StopType
from dispatch.units import TIME_EPS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatch.draft import RouteDraft
    from dispatch.problem import Problem


def schedule(problem: Problem, draft: RouteDraft) -> Route:
    """Time a draft route (see the module docstring for the rules)."""
    engineer = problem.engineers[problem.engineer_index[draft.engineer]]
    net = problem.network
    e_index = problem.engineer_index[draft.engineer]
    here = net.engineer_start[e_index]
    clock = engineer.shift.start
    if draft.earliest_depart is not None:
        clock = max(clock, draft.earliest_depart)
    depart = clock
    stops: list[Stop] = []
    pending: list[int] = []
    km = travel_min = 0.0
    first_leg_has_break = False
    return_at = clock
    located = [v for v in draft.visits if v.type is not StopType.BREAK]
    visits = [*draft.visits, None]  # None stands for the end location
    for visit in visits:
        if visit is not None and visit.type is StopType.BREAK:
            pending.append(int(visit.ref))
            continue
        if visit is None:
            target = net.engineer_end[e_index]
        elif visit.type is StopType.JOB:
            target = net.job_site[problem.job_index[str(visit.ref)]]
        else:
            target = net.depot_site[problem.depot_index[str(visit.ref)]]
        leg = net.minutes(here, target)
        km += net.km(here, target)
        travel_min += leg
        if not stops and pending:
            first_leg_has_break = True
        remaining, arrival = leg, None
        for k in pending:
            brk = engineer.breaks[k]
            begin = max(clock, brk.earliest)
            moved = min(remaining, begin - clock)
            remaining -= moved
            if remaining <= TIME_EPS and arrival is None:
                arrival = clock + moved
            stops.append(Stop(StopType.BREAK, None, begin, begin + brk.duration_min))
            clock = begin + brk.duration_min
        pending = []
        if arrival is None:
            arrival = clock + remaining
        ready = max(arrival, clock)
        if visit is None:
            return_at = ready
            break
        if visit.type is StopType.JOB:
            job = problem.jobs[problem.job_index[str(visit.ref)]]
            start = ready
            for window in job.windows:
                if window.end + TIME_EPS >= ready:
                    start = max(ready, window.start)
                    break
            end = start + job.duration_min
            stops.append(Stop(StopType.JOB, job.id, start, end, arrival))
        else:
            depot = problem.depots[problem.depot_index[str(visit.ref)]]
            start = max(ready, depot.hours.start)
            end = start + depot.pickup_min
            stops.append(
                Stop(
                    StopType.DEPOT, depot.id, start, end, arrival, dict(visit.pickup), visit.borrow
                )
            )
        clock = end
        here = target
    if located and not first_leg_has_break:
        first = stops[0]
        wait = first.start - (first.arrival if first.arrival is not None else first.start)
        if wait > TIME_EPS:
            depart += wait
            stops[0] = Stop(
                first.type,
                first.id,
                first.start,
                first.end,
                first.start,
                first.pickup,
                first.borrow,
            )
    return Route(
        engineer=engineer.id,
        stops=tuple(stops),
        depart=depart,
        return_at=return_at,
        km=km,
        travel_min=travel_min,
        overtime_min=max(0.0, return_at - engineer.shift.end),
    )


def evaluate(
    problem: Problem,
    drafts: Sequence[RouteDraft],
    unassigned: Sequence[Unassigned],
    solver: SolverInfo | None = None,
) -> Plan:
    """Build a plan from drafts: timed routes, job outcomes and recomputed KPIs."""
    routes = tuple(schedule(problem, d) for d in drafts if d.job_ids)
    outcomes = tuple(
        job_outcome(problem, route.engineer, stop)
        for route in routes
        for stop in route.stops
        if stop.type is StopType.JOB
    )
    kpis = compute_kpis(problem, routes, outcomes, unassigned)
    return Plan(routes, outcomes, tuple(unassigned), kpis, solver)
