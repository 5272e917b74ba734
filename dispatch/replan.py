"""Re-planning during the day: the rest of the day re-optimised, changing as little as it can.

From the published plan and the state of the day (:mod:`dispatch.day_state`)
comes the *rest-of-day problem*: each engineer starts where they are (at the
job in progress, when it ends; at a reported position; else at the last job
done, or home), no earlier than now; van stock less the parts used, plus the
parts picked up; depots less what was taken; breaks already taken dropped;
an engineer unavailable from some time works until then. Jobs done, in
progress or cancelled leave the problem; new jobs join it.

The published plan's order is the starting point. Every promise it made for a
job not yet started (this engineer, this start, within a tolerance) costs
``change_penalty`` when broken, so the search moves a job only when that earns
more than the penalty: new emergencies go in by SLA priority, and the rest
changes as little as it can. The result is a plan of the rest-of-day problem
(checkable against it) and a list of what changed against the published plan,
and why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from dispatch.check import check
from dispatch.construct import Builder
from dispatch.day_state import (
    DEFAULT_CHANGE_PENALTY,
    DEFAULT_TOLERANCE_MIN,
    DayState,
    JobStatus,
)
from dispatch.draft import RouteDraft, Visit
from dispatch.errors import ProblemError
from dispatch.evaluate import schedule
from dispatch.improve import improve
from dispatch.json_io import problem_from_json, problem_to_json
from dispatch.layout import plan_layout
from dispatch.plan import SolverInfo
from dispatch.reasons import StopType
from dispatch.solve import plan_from_drafts

if TYPE_CHECKING:
    from collections.abc import Container, Mapping

    from dispatch.plan import Plan, Route, Stop
    from dispatch.problem import Problem

#: Share of the time limit the search may use; the rest times and diagnoses the plan.
SEARCH_SHARE = 0.85
#: "Who should go?" may give up at most this many jobs at the end of a full day.
DROP_AT_MOST = 3


class ChangeKind(StrEnum):
    MOVED = "moved"  # same engineer, start moved by more than the tolerance
    REASSIGNED = "reassigned"
    UNASSIGNED = "unassigned"  # planned before, left out now
    INSERTED = "inserted"  # a new job given an engineer
    NOT_INSERTED = "not_inserted"  # a new job left out


@dataclass(frozen=True)
class Change:
    job: str
    kind: ChangeKind
    before_engineer: str | None
    before_start: float | None
    after_engineer: str | None
    after_start: float | None
    reason: str


@dataclass(frozen=True)
class Replan:
    """The rest-of-day problem (JSON and model), its plan, and the changes."""

    problem_data: dict[str, Any]
    problem: Problem
    plan: Plan
    changes: tuple[Change, ...]
    unchanged: int


# ------------------------------------------------------------ residual --


def _depot_stops_done(plan: Plan, now: float) -> list[tuple[str, Stop]]:
    """(engineer, stop) of each published depot stop that ended by ``now``."""
    return [
        (route.engineer, stop)
        for route in plan.routes
        for stop in route.stops
        if stop.type is StopType.DEPOT and stop.end <= now
    ]


def _add(into: dict[str, int], parts: Mapping[str, int]) -> None:
    for part, units in parts.items():
        into[part] = into.get(part, 0) + units


def _breaks_taken(plan: Plan, now: float) -> dict[str, int]:
    """How many breaks each engineer has begun by ``now`` (in time order)."""
    out: dict[str, int] = {}
    for route in plan.routes:
        out[route.engineer] = sum(
            1 for s in route.stops if s.type is StopType.BREAK and s.start < now
        )
    return out


def _where_now(
    problem: Problem, data: dict[str, Any], route: Route, state: DayState, home: dict[str, Any]
) -> tuple[dict[str, Any], float]:
    """Where an engineer who reported no position is at ``now``, and from when they are free.

    Along the published route: at the last stop done (or home) until they
    leave it; on the road to the next stop, free there on arrival; at it once
    arrived. Jobs count as done only when the state says so.
    """
    now = state.now

    def site(stop: Stop) -> dict[str, Any]:
        if stop.type is StopType.DEPOT:
            return dict(data["depots"][problem.depot_index[str(stop.id)]]["location"])
        return dict(data["jobs"][problem.job_index[str(stop.id)]]["site"])

    here, free_from = home, route.depart
    for stop in route.stops:
        if stop.type is StopType.BREAK:
            continue
        status = state.status(str(stop.id)) if stop.type is StopType.JOB else None
        if status is JobStatus.CANCELLED:
            continue
        finished = status is JobStatus.DONE or (stop.type is StopType.DEPOT and stop.end <= now)
        if finished:
            here, free_from = site(stop), stop.end
            continue
        arrival = stop.arrival if stop.arrival is not None else stop.start
        if now < free_from:
            return here, now  # not left yet (or done early)
        if arrival > now:
            return site(stop), arrival  # on the road to it
        return site(stop), now  # there already
    return here, max(now, free_from)


def residual_problem(problem: Problem, plan: Plan, state: DayState) -> dict[str, Any]:
    """The rest-of-day problem in the contract's JSON form (see the module docstring)."""
    data = problem_to_json(problem)
    fmt = problem.clock.format
    now = state.now
    route_of = {r.engineer: r for r in plan.routes}
    # What the depot stops done so far put in the vans and took from the depots;
    # reported pickups replace the plan's, drawn from the depot it sent them to.
    picked: dict[str, dict[str, int]] = {} if state.picked_up is None else state.picked_up
    draws: dict[str, dict[str, int]] = {}
    borrowed: dict[str, set[str]] = {}
    for engineer, stop in _depot_stops_done(plan, now):
        borrowed.setdefault(engineer, set()).update(stop.borrow)
        if state.picked_up is None:
            _add(picked.setdefault(engineer, {}), stop.pickup)
            _add(draws.setdefault(str(stop.id), {}), stop.pickup)
    for engineer, parts in (state.picked_up or {}).items():
        route = route_of.get(engineer)
        depot = next(
            (s.id for s in (route.stops if route else ()) if s.type is StopType.DEPOT), None
        )
        if depot is not None:
            _add(draws.setdefault(depot, {}), parts)
    taken = _breaks_taken(plan, now)
    engineers = []
    for e, raw in zip(problem.engineers, data["engineers"], strict=True):
        start_time = max(e.shift.start, now)
        location = raw["start"]
        in_progress = [
            r
            for r in state.jobs.values()
            if r.status is JobStatus.IN_PROGRESS and r.engineer == e.id
        ]
        report = state.engineers.get(e.id)
        if in_progress:
            job = problem.jobs[problem.job_index[in_progress[0].id]]
            location = data["jobs"][problem.job_index[job.id]]["site"]
            start_time = max(now, (in_progress[0].started or now) + job.duration_min)
        elif report is not None and report.position is not None:
            location = report.position
        elif e.id in route_of:
            location, free_at = _where_now(problem, data, route_of[e.id], state, location)
            start_time = max(e.shift.start, free_at)
        latest = e.shift.end + e.max_overtime_min
        if report is not None and report.unavailable_from is not None:
            latest = min(latest, report.unavailable_from)
        start_time = min(start_time, max(latest, e.shift.start))
        shift_end = max(min(e.shift.end, latest), start_time)
        # parts used by the jobs done or under way: this engineer's, and the done
        # jobs reported without an engineer that the plan gave them
        planned = set(route_of[e.id].job_ids) if e.id in route_of else set()
        used: dict[str, int] = {}
        for r in state.jobs.values():
            if r.status is not JobStatus.CANCELLED and (
                r.engineer == e.id or (r.engineer is None and r.id in planned)
            ):
                _add(used, problem.jobs[problem.job_index[r.id]].parts)
        van = dict(e.van_stock)
        _add(van, picked.get(e.id, {}))
        van = {p: max(0, q - used.get(p, 0)) for p, q in van.items()}
        by_time = sorted(e.breaks, key=lambda b: b.earliest)[taken.get(e.id, 0) :]
        breaks = [
            {
                "earliest": fmt(max(b.earliest, start_time)),
                "latest": fmt(b.latest),
                "duration_min": b.duration_min,
            }
            for b in by_time
            if b.latest >= start_time
        ]
        engineers.append(
            {
                **raw,
                "start": location,
                "shift": {"start": fmt(start_time), "end": fmt(shift_end)},
                "max_overtime_min": max(0.0, latest - shift_end),
                "breaks": breaks,
                "van_stock": {p: q for p, q in van.items() if q > 0},
                "tools": sorted(set(raw["tools"]) | borrowed.get(e.id, set())),
            }
        )
    gone = set(state.jobs)  # done, in progress or cancelled: every status a report has
    depots = [
        {
            **raw,
            "stock": {
                p: max(0, q - draws.get(raw["id"], {}).get(p, 0)) for p, q in raw["stock"].items()
            },
        }
        for raw in data["depots"]
    ]
    jobs = [raw for raw in data["jobs"] if raw["id"] not in gone] + [
        dict(j) for j in state.new_jobs
    ]
    return {
        **data,
        "name": "rest of the day",
        "engineers": engineers,
        "jobs": jobs,
        "depots": depots,
    }


def _renamed(exc: ProblemError, new_ids: set[str], first_new: int, to: str) -> ProblemError:
    """The same error, its path under ``to`` when it is about one of the new jobs."""
    prefix = "jobs["
    if not exc.path.startswith(prefix):
        return exc
    key, _, rest = exc.path[len(prefix) :].partition("]")
    if key in new_ids:
        return ProblemError(f"{to}[{key}]{rest}", exc.rule)
    if key.isdigit() and int(key) >= first_new:
        return ProblemError(f"{to}[{int(key) - first_new}]{rest}", exc.rule)
    return exc


def _load_residual(data: dict[str, Any], state: DayState) -> Problem:
    """Validate the rest-of-day problem; errors in a new job name it under ``new_jobs``."""
    try:
        return problem_from_json(data)
    except ProblemError as exc:
        new_ids = {str(j.get("id")) for j in state.new_jobs}
        first_new = len(data["jobs"]) - len(state.new_jobs)
        raise _renamed(exc, new_ids, first_new, "new_jobs") from None


# -------------------------------------------------------------- replan --


def _kept_routes(
    rest: Problem, plan: Plan, state: DayState, every: bool = False
) -> dict[str, RouteDraft]:
    """The rest of published routes that visit a depot after a job, kept as they are
    (with ``every``, the rest of every published route).

    The search sends an engineer to a depot only at the start of their day; a
    published route with a pickup later on cannot be followed by it, and
    rebuilding it would move every job after the pickup for nothing.
    """
    out: dict[str, RouteDraft] = {}
    for route in plan.routes:
        report = state.engineers.get(route.engineer)
        if route.engineer not in rest.engineer_index or (
            report is not None and report.unavailable_from is not None
        ):
            continue
        visits: list[Visit] = []
        breaks_left = 0
        # Breaks the rest of the day no longer has (one due while the engineer is on
        # the road at ``now``) are not kept: skip the earliest published ones beyond it.
        ahead = sum(1 for s in route.stops if s.type is StopType.BREAK and s.start >= state.now)
        skip = max(0, ahead - len(rest.engineers[rest.engineer_index[route.engineer]].breaks))
        for stop in route.stops:
            if stop.type is StopType.JOB:
                if state.status(str(stop.id)) is None and str(stop.id) in rest.job_index:
                    visits.append(Visit(StopType.JOB, str(stop.id)))
            elif stop.type is StopType.DEPOT:
                if stop.end > state.now:
                    visits.append(
                        Visit(StopType.DEPOT, str(stop.id), dict(stop.pickup), stop.borrow)
                    )
            elif stop.start >= state.now:
                if skip:
                    skip -= 1
                    continue
                visits.append(Visit(StopType.BREAK, breaks_left))
                breaks_left += 1
        located = [v.type for v in visits if v.type is not StopType.BREAK]
        depots = [k for k, kind in enumerate(located) if kind is StopType.DEPOT]
        if every or any(k > 0 for k in depots):
            out[route.engineer] = RouteDraft(route.engineer, tuple(visits))
    return out


def _nothing_happened(plan: Plan, state: DayState) -> bool:
    """Whether the day went exactly as published: no new, cancelled or late work,
    nobody off sick or elsewhere, every job done or started when the plan said."""
    if state.new_jobs or state.picked_up is not None or state.engineers:
        return False
    now = state.now
    for route in plan.routes:
        for stop in route.stops:
            if stop.type is not StopType.JOB:
                continue
            report = state.jobs.get(str(stop.id))
            if stop.end <= now:
                expected = JobStatus.DONE
            elif stop.start <= now:
                expected = JobStatus.IN_PROGRESS
            else:
                expected = None
            got = None if report is None else report.status
            if got is not expected:
                return False
            if got is JobStatus.IN_PROGRESS and (
                report is None or report.started is None or abs(report.started - stop.start) > 1e-6
            ):
                return False
    listed = {str(s.id) for r in plan.routes for s in r.stops if s.type is StopType.JOB}
    return all(jid in listed for jid in state.jobs)


def _published(
    day: Problem, plan: Plan, skip: Container[str] = ()
) -> tuple[dict[int, list[int]], dict[int, tuple[int, float]]]:
    """Each engineer's published jobs still in ``day``, in order, and the promise of
    each (engineer, start), by ``day``'s indices; engineers in ``skip`` left out."""
    orders: dict[int, list[int]] = {}
    promised: dict[int, tuple[int, float]] = {}
    for route in plan.routes:
        if route.engineer not in day.engineer_index or route.engineer in skip:
            continue
        v = day.engineer_index[route.engineer]
        for stop in route.stops:
            if stop.type is StopType.JOB and str(stop.id) in day.job_index:
                j = day.job_index[str(stop.id)]
                promised[j] = (v, stop.start)
                orders.setdefault(v, []).append(j)
    return orders, promised


def replan(
    problem: Problem,
    plan: Plan,
    state: DayState,
    time_limit_s: float = 2.0,
    seed: int = 0,
    max_steps: int | None = None,
) -> Replan:
    """Re-optimise the rest of the day from ``state`` (see the module docstring).

    With ``max_steps`` the search stops after that many improvement steps, and
    the same input and seed give the same plan (unless the time limit comes first).
    """
    began = time.monotonic()
    data = residual_problem(problem, plan, state)
    rest = _load_residual(data, state)
    new_plan, steps = None, 0
    if _nothing_happened(plan, state):
        # The published plan still holds: keep it exactly, if it is valid as it stands.
        same = _kept_routes(rest, plan, state, every=True)
        candidate = plan_from_drafts(rest, list(same.values()))
        if not check(rest, candidate):
            new_plan = candidate
    kept = _kept_routes(rest, plan, state)
    if new_plan is None:
        new_plan, steps = _search(rest, plan, state, kept, began, time_limit_s, seed, max_steps)
    if kept and check(rest, new_plan):
        # a kept route no longer holds (its stock or times moved): search them too
        new_plan, steps = _search(rest, plan, state, {}, began, time_limit_s, seed, max_steps)
    new_plan = replace(
        new_plan,
        solver=SolverInfo(
            engine="replan",
            time_limit_s=time_limit_s,
            seed=seed,
            wall_s=time.monotonic() - began,
            status="success",
            solutions=steps + 1,
        ),
    )
    changes, unchanged = _changes(problem, plan, state, new_plan)
    return Replan(data, rest, new_plan, tuple(changes), unchanged)


def _search(
    rest: Problem,
    plan: Plan,
    state: DayState,
    kept: dict[str, RouteDraft],
    began: float,
    time_limit_s: float,
    seed: int,
    max_steps: int | None = None,
) -> tuple[Plan, int]:
    """Search the rest of the day around the kept routes; the plan and steps taken."""
    layout = plan_layout(rest)
    kept_engineers = {rest.engineer_index[e] for e in kept}
    kept_jobs = {rest.job_index[j] for d in kept.values() for j in d.job_ids}
    if kept:
        layout.jobs = [j for j in layout.jobs if j not in kept_jobs]
        layout.allowed = {
            j: [v for v in who if v not in kept_engineers]
            for j, who in layout.allowed.items()
            if j not in kept_jobs
        }
        layout.jobs = [j for j in layout.jobs if layout.allowed.get(j)]
    builder = Builder(rest, layout)
    for draft in kept.values():
        for visit in draft.visits:
            if visit.type is StopType.DEPOT:
                stock = builder.stock[rest.depot_index[str(visit.ref)]]
                for part, units in visit.pickup.items():
                    stock[part] = stock.get(part, 0) - units
    orders, promised = _published(rest, plan, skip=kept)
    builder.keep_promises(promised, state.change_penalty, state.tolerance_min)
    builder.count_idle_routes()
    for v in kept_engineers:
        builder.routes[v].cost = 0.0  # not searched
    builder.follow(orders)
    builder.insert_all(
        sorted((j for j in layout.jobs if j not in builder.where), key=builder.urgency)
    )
    deadline = began + SEARCH_SHARE * time_limit_s
    steps = (
        improve(builder, seed, deadline=deadline, max_steps=max_steps)
        if time.monotonic() < deadline
        else 0
    )
    return plan_from_drafts(rest, [*builder.drafts(), *kept.values()]), steps


def _changes(
    problem: Problem, before: Plan, state: DayState, after: Plan
) -> tuple[list[Change], int]:
    label = problem.clock.label
    old = {
        str(s.id): (r.engineer, s.start)
        for r in before.routes
        for s in r.stops
        if s.type is StopType.JOB and state.status(str(s.id)) is None
    }
    new = {o.id: (o.engineer, o.start) for o in after.jobs}
    why_out = {u.id: u.detail for u in after.unassigned}
    new_ids = {str(j["id"]) for j in state.new_jobs}
    inserted_on: dict[str, list[str]] = {}
    for jid in sorted(new_ids & set(new)):
        inserted_on.setdefault(new[jid][0], []).append(jid)
    cancelled_on: dict[str, list[str]] = {}
    for r in before.routes:
        for jid in r.job_ids:
            if state.status(jid) is JobStatus.CANCELLED:
                cancelled_on.setdefault(r.engineer, []).append(jid)

    def reason(engineer: str, to: str | None) -> str:
        report = state.engineers.get(engineer)
        if report is not None and report.unavailable_from is not None:
            return f"{engineer} is unavailable from {label(report.unavailable_from)}"
        room = inserted_on.get(to or engineer) or inserted_on.get(engineer)
        if room:
            return f"made room for new job {', '.join(room)}"
        freed = cancelled_on.get(to or engineer)
        if freed:
            return f"time freed by cancelled {', '.join(freed)}"
        return "the rest of the day re-optimised"

    changes: list[Change] = []
    unchanged = 0
    for jid, (engineer, start) in sorted(old.items()):
        if jid not in new:
            detail = why_out.get(jid, "left out")
            changes.append(Change(jid, ChangeKind.UNASSIGNED, engineer, start, None, None, detail))
        elif new[jid][0] != engineer:
            changes.append(
                Change(
                    jid,
                    ChangeKind.REASSIGNED,
                    engineer,
                    start,
                    *new[jid],
                    reason(engineer, new[jid][0]),
                )
            )
        elif abs(new[jid][1] - start) > state.tolerance_min + 1e-6:
            changes.append(
                Change(
                    jid, ChangeKind.MOVED, engineer, start, *new[jid], reason(engineer, engineer)
                )
            )
        else:
            unchanged += 1
    for jid in sorted(new_ids):
        if jid in new:
            outcome = next(o for o in after.jobs if o.id == jid)
            sla = "SLA met" if outcome.sla_met else f"{outcome.late_min:.0f} min past its SLA"
            changes.append(
                Change(jid, ChangeKind.INSERTED, None, None, *new[jid], f"new job, {sla}")
            )
        else:
            changes.append(
                Change(jid, ChangeKind.NOT_INSERTED, None, None, None, None, why_out.get(jid, ""))
            )
    return changes, unchanged


def changes_to_json(
    changes: tuple[Change, ...], unchanged: int, problem: Problem
) -> dict[str, Any]:
    """The ``changes`` section written beside a re-planned plan."""
    fmt = problem.clock.format
    return {
        "unchanged": unchanged,
        "changed": [
            {
                "job": c.job,
                "kind": c.kind.value,
                "before": None
                if c.before_engineer is None
                else {"engineer": c.before_engineer, "start": fmt(c.before_start or 0.0)},
                "after": None
                if c.after_engineer is None
                else {"engineer": c.after_engineer, "start": fmt(c.after_start or 0.0)},
                "reason": c.reason,
            }
            for c in changes
        ],
    }


# ----------------------------------------------------------------- who --


@dataclass(frozen=True)
class Candidate:
    """One engineer who could take a new job, and what it would cost their day."""

    engineer: str
    cost: float  # added to the contract objective (lateness of every job included)
    arrival: float
    start: float
    sla_met: bool
    late_min: float
    extra_km: float
    displaced: tuple[str, ...]  # jobs of that day given up, moved past the tolerance or made late
    depot: str | None


def who(
    problem: Problem,
    plan: Plan,
    job: dict[str, Any],
    top: int = 5,
    state: DayState | None = None,
) -> list[Candidate]:
    """Engineers ranked by the cost of inserting ``job`` (a contract job) into their day.

    Each engineer's day is the published route (the rest of it, with a state);
    the job goes where it adds least, nothing else moves, no re-plan runs.
    """
    if state is not None:
        data = residual_problem(problem, plan, state)
        penalty, tolerance = state.change_penalty, state.tolerance_min
    else:
        data = problem_to_json(problem)
        penalty, tolerance = DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN
    jid = str(job.get("id", ""))
    if state is not None and jid in {str(j.get("id")) for j in state.new_jobs}:
        # asked about a new job the state already brings: rank it, do not plan it
        data = {**data, "jobs": [j for j in data["jobs"] if str(j["id"]) != jid]}
    if jid in {str(j["id"]) for j in data["jobs"]}:
        raise ProblemError("job.id", f"'{jid}' is already a job of the problem")
    data = {**data, "jobs": [*data["jobs"], dict(job)]}
    try:
        day = problem_from_json(data)
    except ProblemError as exc:
        renamed = _renamed(exc, {jid}, len(data["jobs"]) - 1, "new_jobs")
        if renamed is not exc:
            raise ProblemError("job" + renamed.path.partition("]")[2], exc.rule) from None
        raise
    layout = plan_layout(day)
    builder = Builder(day, layout)
    orders, promised = _published(day, plan)
    # Displacing a job the engineer's day already promised costs as in a re-plan.
    builder.keep_promises(promised, penalty, tolerance)
    if state is not None:
        builder.count_idle_routes()
    builder.follow(orders)
    j = day.job_index[jid]
    out: list[Candidate] = []
    for v in layout.allowed.get(j, []):
        host = builder.routes[v]
        before = schedule(day, builder.draft_of(host))
        found = builder.insertion_into(v, j)
        if found is not None:
            delta, _, position, depot, pickup, borrow = found
            order = [*host.jobs[:position], j, *host.jobs[position:]]
            given_up: list[str] = []
        else:
            # A full day: the job fits only if the day's last jobs go to someone else.
            dropping = builder.insertion_dropping(v, j, DROP_AT_MOST)
            if dropping is None:
                continue
            delta, order, depot, pickup, borrow, dropped = dropping
            given_up = [day.jobs[g].id for g in dropped]
        after = schedule(day, builder.trial_draft(v, order, depot, pickup, borrow))
        out.append(_candidate(day, j, delta, before, after, depot, tolerance, given_up))
    out.sort(key=lambda c: (c.cost, c.arrival, c.engineer))
    return out[:top]


def _candidate(
    day: Problem,
    j: int,
    delta: float,
    before: Route,
    after: Route,
    depot: int | None,
    tolerance: float,
    given_up: list[str],
) -> Candidate:
    job = day.jobs[j]
    stop = next(s for s in after.stops if s.type is StopType.JOB and s.id == job.id)
    late = 0.0 if job.sla_deadline is None else max(0.0, stop.start - job.sla_deadline)
    was = {s.id: s.start for s in before.stops if s.type is StopType.JOB}
    displaced = list(given_up)
    for s in after.stops:
        if s.type is not StopType.JOB or s.id == job.id or s.id not in was:
            continue
        other = day.jobs[day.job_index[str(s.id)]]
        now_late = other.sla_deadline is not None and s.start > other.sla_deadline + 1e-6
        was_late = other.sla_deadline is not None and was[s.id] > other.sla_deadline + 1e-6
        if s.start - was[s.id] > tolerance + 1e-6 or (now_late and not was_late):
            displaced.append(str(s.id))
    return Candidate(
        engineer=after.engineer,
        cost=delta,
        arrival=stop.arrival if stop.arrival is not None else stop.start,
        start=stop.start,
        sla_met=late <= 1e-6,
        late_min=late,
        extra_km=after.km - before.km,
        displaced=tuple(displaced),
        depot=None if depot is None else day.depots[depot].id,
    )
