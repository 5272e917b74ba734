"""The rest of the day as a problem of its own: where each engineer is, what is left to do.

Each engineer starts where they are (at the job in progress, when it ends; at a
reported position; else at the last job done, or home), no earlier than now;
van stock less the parts used, plus the parts picked up; depots less what was
taken; breaks already taken dropped; an engineer unavailable from some time
works until then. Jobs done, in progress or cancelled leave the problem; new
jobs join it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatch.errors import ProblemError
from dispatch.io.problem_json import problem_from_json, problem_to_json
from dispatch.model.day_state import DayState, ReportedStatus
from dispatch.model.reasons import StopType

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dispatch.model.plan import Plan, Route, Stop
    from dispatch.model.problem import Problem


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


def _released(problem: Problem, state: DayState, raw: dict[str, Any]) -> dict[str, Any]:
    """A job that follows one done or under way: the ``after`` on it becomes a
    window start (it ended at the latest by now, or when it started plus its
    duration). One cancelled stays named, and the rest-of-day problem refuses it."""
    if not raw.get("after"):
        return raw
    kept, release = [], -float("inf")
    for follows in raw["after"]:
        report = state.jobs.get(follows["job"])
        if report is None or report.status is ReportedStatus.CANCELLED:
            kept.append(follows)
            continue
        first = problem.jobs[problem.job_index[follows["job"]]]
        ended = state.now
        if report.started is not None:
            ended = report.started + first.duration_min
            if report.status is ReportedStatus.DONE:
                ended = min(ended, state.now)
        release = max(release, ended + follows.get("min_lag_min", 0.0))
    out = {**raw, "after": kept} if kept else {k: v for k, v in raw.items() if k != "after"}
    if release > -float("inf"):
        fmt, parse = problem.clock.format, problem.clock.parse
        windows = []
        for w in raw["windows"]:
            start, end = parse(w["start"], "window"), parse(w["end"], "window")
            if end >= release:
                windows.append({"start": fmt(max(start, release)), "end": w["end"]})
        # no window left: one instant after the release, which no engineer can meet
        out["windows"] = windows or [{"start": fmt(release), "end": fmt(release)}]
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
        if status is ReportedStatus.CANCELLED:
            continue
        finished = status is ReportedStatus.DONE or (
            stop.type is StopType.DEPOT and stop.end <= now
        )
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
    for raw in data["engineers"]:
        if len(raw.get("shifts", ())) > 1:
            raise ProblemError(
                f"engineers[{raw['id']}].shifts",
                "the rest of a day is of one day: cut the day under way out of a plan of "
                "several days first (dispatch.replanning.day_of)",
            )
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
            if r.status is ReportedStatus.IN_PROGRESS and r.engineer == e.id
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
            if r.status is not ReportedStatus.CANCELLED and (
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
    jobs = [_released(problem, state, raw) for raw in data["jobs"] if raw["id"] not in gone] + [
        dict(j) for j in state.new_jobs
    ]
    return {
        **data,
        "name": "rest of the day",
        "engineers": engineers,
        "jobs": jobs,
        "depots": depots,
    }


def renamed_error(exc: ProblemError, new_ids: set[str], first_new: int, to: str) -> ProblemError:
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


def load_residual(data: dict[str, Any], state: DayState) -> Problem:
    """Validate the rest-of-day problem; errors in a new job name it under ``new_jobs``."""
    try:
        return problem_from_json(data)
    except ProblemError as exc:
        new_ids = {str(j.get("id")) for j in state.new_jobs}
        first_new = len(data["jobs"]) - len(state.new_jobs)
        raise renamed_error(exc, new_ids, first_new, "new_jobs") from None


# -------------------------------------------------------------- replan --
