"""Times, lateness and KPIs recomputed from ordered visits; never from an engine.

The schedule is the earliest one for the given order: leave at shift start
(later if that only removes waiting at the first stop), start service at
arrival or when a window opens, take each break as early as its window and the
route allow, travelling before or after it within the same leg.

When working time is costed, the engineer leaves as late as the route allows
instead: departure moves later by the route's forward time slack (Savelsbergh
1992), capped by its total waiting, so waiting later in the day shrinks while
no window, SLA deadline, depot hour, break or return time gets worse.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dispatch.evaluate.kpi import compute_kpis, job_outcomes
from dispatch.model.plan import Plan, Route, SolverInfo, Stop, Unassigned
from dispatch.model.reasons import StopType
from dispatch.model.units import TIME_EPS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatch.model.draft import RouteDraft
    from dispatch.model.entities import Break
    from dispatch.model.problem import Problem


#: Halvings of the departure delay tried when the full slack does not fit a break.
DELAY_TRIES = 6


def schedule(
    problem: Problem,
    draft: RouteDraft,
    release: Mapping[str, float] | None = None,
    due: Mapping[str, float] | None = None,
    crews: Mapping[str, float] | None = None,
) -> Route:
    """Time a draft route (see the module docstring for the rules).

    ``release``: job id -> earliest start the jobs it follows, or its crew, allow;
    ``due``: job id -> latest start its followers and crew allow; ``crews``: crew
    job id -> its duration (see :func:`schedule_all`).
    """
    release = release or {}
    due = due or {}
    crews = crews or {}
    route = _earliest(problem, draft, release, crews)
    if problem.objective.working_cost_per_min <= 0 or not route.stops:
        return route
    breaks = _break_order(problem, draft)
    delay = _departure_slack(problem, route, breaks, due)
    for _ in range(DELAY_TRIES):
        if delay <= TIME_EPS:
            break
        later = _earliest(
            problem, replace(draft, earliest_depart=route.depart + delay), release, crews
        )
        if _no_worse(problem, route, later, breaks, due):
            return later
        delay /= 2
    return route


def schedule_all(problem: Problem, drafts: Sequence[RouteDraft]) -> list[Route]:
    """Time every draft route; a job that follows others starts once each has ended
    plus its lag, and a crew job starts when its last member is there.

    Routes are timed earliest first, then again wherever a job's release moved,
    until no release moves (routes may wait on each other in both directions).
    A day without ``after`` and crews is timed route by route, as :func:`schedule` does.
    """
    crews = crew_durations(problem, drafts)
    if not crews and not any(job.after for job in problem.jobs):
        return [schedule(problem, d) for d in drafts]
    release: dict[str, float] = {}
    routes = [_earliest(problem, d, release, crews) for d in drafts]
    for _ in range(2 * len(problem.jobs) + 2):
        wanted = _releases(problem, routes)
        moved = {j for j in wanted.keys() | release.keys() if wanted.get(j) != release.get(j)}
        if not moved:
            break
        release = wanted
        routes = [
            _earliest(problem, d, release, crews) if moved.intersection(d.job_ids) else r
            for d, r in zip(drafts, routes, strict=True)
        ]
    if problem.objective.working_cost_per_min <= 0:
        return routes
    due = _dues(problem, routes)
    return [schedule(problem, d, release, due, crews) for d in drafts]


def crew_durations(problem: Problem, drafts: Sequence[RouteDraft]) -> dict[str, float]:
    """Crew job id -> how long it lasts with the members the drafts give it (the
    slowest member's time); empty when no draft serves a crew job."""
    if not problem.has_crews:
        return {}
    members: dict[str, list[int]] = {}
    for d in drafts:
        for v in d.visits:
            if v.type is StopType.JOB:
                j = problem.job_index.get(str(v.ref))
                if j is not None and problem.jobs[j].crew > 1:
                    members.setdefault(str(v.ref), []).append(problem.slot(d.engineer, d.shift))
    return {
        job: problem.crew_service_min(problem.job_index[job], slots)
        for job, slots in members.items()
    }


def _job_stops(routes: Sequence[Route]) -> dict[str, Stop]:
    return {str(s.id): s for r in routes for s in r.stops if s.type is StopType.JOB}


def _releases(problem: Problem, routes: Sequence[Route]) -> dict[str, float]:
    """Job id -> the earliest start the served jobs it follows allow, and for a crew
    job the start of its last member to be ready."""
    timed = _job_stops(routes)
    out: dict[str, float] = {}
    for job in problem.jobs:
        ends = [timed[f.job].end + f.min_lag_min for f in job.after if f.job in timed]
        if ends and job.id in timed:
            out[job.id] = max(ends)
    for route in routes:
        for stop in route.stops:
            if stop.type is StopType.JOB and problem.jobs[problem.job_index[str(stop.id)]].crew > 1:
                out[str(stop.id)] = max(out.get(str(stop.id), stop.start), stop.start)
    return out


def _dues(problem: Problem, routes: Sequence[Route]) -> dict[str, float]:
    """Job id -> the latest start that lets each served job following it start as timed;
    a crew job's start stays where its crew meets."""
    timed = _job_stops(routes)
    out: dict[str, float] = {
        job: stop.start
        for job, stop in timed.items()
        if problem.jobs[problem.job_index[job]].crew > 1
    }
    for job in problem.jobs:
        mine = timed.get(job.id)
        if mine is None:
            continue
        for follows in job.after:
            first = timed.get(follows.job)
            if first is not None:
                latest = mine.start - follows.min_lag_min - (first.end - first.start)
                out[follows.job] = min(out.get(follows.job, latest), latest)
    return out


def _break_order(problem: Problem, draft: RouteDraft) -> list[Break]:
    """The engineer's breaks in the order the draft (and so the route) takes them."""
    engineer = problem.engineers[problem.slot(draft.engineer, draft.shift)]
    return [engineer.breaks[int(v.ref)] for v in draft.visits if v.type is StopType.BREAK]


def _latest_start(problem: Problem, stop: Stop) -> float:
    """Latest start of ``stop`` that keeps it inside its window, hours and SLA deadline."""
    if stop.type is StopType.DEPOT:
        return problem.depots[problem.depot_index[str(stop.id)]].latest_pickup_from(stop.start)
    return problem.jobs[problem.job_index[str(stop.id)]].latest_start(stop.start)


def _departure_slack(
    problem: Problem, route: Route, breaks: list[Break], due: Mapping[str, float]
) -> float:
    """How much later the route could leave without any stop getting worse."""
    taken = iter(breaks)
    waited = 0.0
    slack = float("inf")
    for stop in route.stops:
        if stop.type is StopType.BREAK:
            slack = min(slack, waited + next(taken).latest - stop.start)
            continue
        if stop.arrival is not None:
            waited += stop.start - stop.arrival
        latest = _latest_start(problem, stop)
        if stop.type is StopType.JOB:
            latest = min(latest, due.get(str(stop.id), latest))
        slack = min(slack, waited + latest - stop.start)
    return max(0.0, min(slack, waited))


def _no_worse(
    problem: Problem,
    before: Route,
    after: Route,
    breaks: list[Break],
    due: Mapping[str, float],
) -> bool:
    """Whether ``after`` keeps every stop feasible and costs no more than ``before``."""
    if after.return_at > before.return_at + TIME_EPS:
        return False
    if after.return_at - after.depart > before.return_at - before.depart + TIME_EPS:
        return False
    if len(after.stops) != len(before.stops):
        return False
    taken = iter(breaks)
    for old, new in zip(before.stops, after.stops, strict=True):
        if new.type is StopType.BREAK:
            brk = next(taken)
            if not brk.earliest - TIME_EPS <= new.start <= brk.latest + TIME_EPS:
                return False
            continue
        if new.type is StopType.DEPOT:
            if new.start > _latest_start(problem, new) + TIME_EPS:
                return False
            continue
        job = problem.jobs[problem.job_index[str(new.id)]]
        if not any(w.start - TIME_EPS <= new.start <= w.end + TIME_EPS for w in job.windows):
            return False
        if new.start > due.get(job.id, new.start) + TIME_EPS:
            return False
        if (
            job.sla_deadline is not None
            and max(0.0, new.start - job.sla_deadline)
            > max(0.0, old.start - job.sla_deadline) + TIME_EPS
        ):
            return False
    return True


def _earliest(
    problem: Problem,
    draft: RouteDraft,
    release: Mapping[str, float],
    crews: Mapping[str, float] | None = None,
) -> Route:
    """The earliest schedule of a draft route, leaving no earlier than ``earliest_depart``
    and starting no job before its ``release``; a crew job lasts as ``crews`` says."""
    crews = crews or {}
    e_index = problem.slot(draft.engineer, draft.shift)
    engineer = problem.engineers[e_index]
    net = problem.network
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
            ready = max(ready, release.get(job.id, ready))
            start = ready
            for window in job.windows:
                if window.end + TIME_EPS >= ready:
                    start = max(ready, window.start)
                    break
            j_index = problem.job_index[job.id]
            service = crews.get(job.id)
            if service is None:
                service = problem.service_min(j_index, e_index)
            end = start + service
            stops.append(Stop(StopType.JOB, job.id, start, end, arrival, lead=visit.lead))
        else:
            depot = problem.depots[problem.depot_index[str(visit.ref)]]
            opens = depot.pickup_start(ready)
            start = max(ready, depot.hours.start) if opens is None else opens
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
                first.lead,
            )
    return Route(
        engineer=engineer.id,
        stops=tuple(stops),
        depart=depart,
        return_at=return_at,
        km=km,
        travel_min=travel_min,
        overtime_min=max(0.0, return_at - engineer.shift.end),
        shift=engineer.shift_index if engineer.in_shifts else None,
    )


def evaluate(
    problem: Problem,
    drafts: Sequence[RouteDraft],
    unassigned: Sequence[Unassigned],
    solver: SolverInfo | None = None,
) -> Plan:
    """Build a plan from drafts: timed routes, job outcomes and recomputed KPIs."""
    routes = tuple(schedule_all(problem, [d for d in drafts if d.job_ids]))
    outcomes = tuple(job_outcomes(problem, routes))
    kpis = compute_kpis(problem, routes, outcomes, unassigned)
    return Plan(routes, outcomes, tuple(unassigned), kpis, solver)
