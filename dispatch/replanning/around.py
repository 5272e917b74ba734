"""The part of a planned problem that matters to one new job.

Placing one job into a published week of thousands touches few routes: those
of the engineers who could serve it and live nearest, and those whose planned
jobs pass near its site. Building only that part (their shifts, their planned
jobs, the depots with what the others' pickups leave) keeps an answer to the
hotline quick whatever the size of the plan, and gives the same answer as the
whole problem wherever the job would be placed with one of them.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from dispatch.evaluate.eligibility import candidates
from dispatch.model.reasons import StopType
from dispatch.replanning.who import with_new_job
from dispatch.travel.locations import GeoPoint, Location

if TYPE_CHECKING:
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

#: On each day, engineers with time left who could serve the job, kept by the
#: nearness of their start.
NEAREST_STARTS = 16
MINUTES_PER_DAY = 1440.0
#: Planned jobs nearest the new site whose engineers are kept as well.
NEAREST_PLANNED = 60


def problem_around(
    problem: Problem,
    data: dict[str, Any],
    plan: Plan,
    job: dict[str, Any],
    hold: Collection[str] = (),
) -> Problem:
    """``data`` (``problem``'s JSON) with ``job`` added, cut to what matters to ``job``.

    Kept: every shift of each engineer who, on some day, could serve the job
    alone, has time left in that day's plan for it and starts among the
    :data:`NEAREST_STARTS` nearest to its site; or whose plan holds one
    of the :data:`NEAREST_PLANNED` planned jobs nearest it; their planned jobs;
    the jobs these follow (``after``) and the engineers who hold or are pinned to
    those; the jobs in ``hold`` (not in the plan, to be placed all the same);
    depots' stock less what the plan of the engineers left out picks up.
    Errors in ``job`` are named under ``job``, as for the whole problem.
    """
    if len(data["engineers"]) <= NEAREST_STARTS:
        return with_new_job(data, job)
    alone = with_new_job({**data, "jobs": []}, {**job, "after": []})
    site = alone.jobs[0].site
    able = candidates(alone, 0)
    kept = _nearest_free(alone, plan, able)
    able_ids = {alone.engineers[v].id for v in able}
    host = {
        stop.id: route.engineer
        for route in plan.routes
        for stop in route.stops
        if stop.type is StopType.JOB and stop.id is not None
    }
    planned = [jid for jid, e in host.items() if e in able_ids and jid in problem.job_index]
    planned.sort(key=lambda jid: _straight(site, problem.jobs[problem.job_index[jid]].site))
    kept |= {host[jid] for jid in planned[:NEAREST_PLANNED]}
    by_id = {str(j["id"]): j for j in data["jobs"]}
    jobs = _jobs_kept(by_id, host, kept, job) | {h for h in hold if h in by_id}
    cut = {
        **data,
        "engineers": [e for e in data["engineers"] if e["id"] in kept],
        "jobs": [_named_only(by_id[jid], kept) for jid in by_id if jid in jobs],
        "depots": _depots_left(data, plan, kept),
    }
    return with_new_job(cut, _named_only(job, kept))


def _nearest_free(alone: Problem, plan: Plan, able: list[int]) -> set[str]:
    """On each day, the engineers who could serve the job alone, with time left in
    that shift's plan for it, and start nearest its site (:data:`NEAREST_STARTS`)."""
    net = alone.network
    job = alone.jobs[0]
    busy = {(r.engineer, r.shift or 0): r.return_at - r.depart for r in plan.routes if r.stops}
    by_day: dict[int, list[tuple[float, int]]] = {}
    for v in able:
        engineer = alone.engineers[v]
        length = engineer.latest_return - engineer.shift.start
        if length - busy.get((engineer.id, engineer.shift_index), 0.0) < job.duration_min:
            continue  # a full shift: its jobs near the site are kept below, if any
        away = net.minutes(net.engineer_start[v], net.job_site[0])
        by_day.setdefault(int(engineer.shift.start // MINUTES_PER_DAY), []).append((away, v))
    kept: set[str] = set()
    for day in by_day.values():
        kept |= {alone.engineers[v].id for _, v in sorted(day)[:NEAREST_STARTS]}
    return kept


def _jobs_kept(
    by_id: dict[str, dict[str, Any]], host: dict[str, str], kept: set[str], job: dict[str, Any]
) -> set[str]:
    """The kept engineers' planned jobs and every job these (or ``job``) follow; the
    engineers who hold or are pinned to any of these join ``kept`` (so it grows)."""
    out: set[str] = set()
    todo = [str(f.get("job")) for f in job.get("after") or []]
    while True:
        todo += [jid for jid, e in host.items() if e in kept and jid in by_id and jid not in out]
        if not todo:
            return out
        while todo:
            jid = todo.pop()
            if jid in out or jid not in by_id:
                continue
            out.add(jid)
            raw = by_id[jid]
            todo += [str(f["job"]) for f in raw.get("after") or []]
            for engineer in (host.get(jid), raw.get("pinned_engineer")):
                if engineer is not None and engineer not in kept:
                    kept.add(engineer)


def _named_only(raw: dict[str, Any], kept: set[str]) -> dict[str, Any]:
    """A job with its preferred and excluded engineers cut to those kept."""
    out = dict(raw)
    for name in ("excluded_engineers", "preferred_engineers"):
        if raw.get(name):
            out[name] = [e for e in raw[name] if e in kept]
    return out


def _depots_left(data: dict[str, Any], plan: Plan, kept: set[str]) -> list[dict[str, Any]]:
    """Each depot with its stock less the pickups planned for engineers not kept."""
    taken: dict[str, dict[str, int]] = {}
    for route in plan.routes:
        if route.engineer in kept:
            continue
        for stop in route.stops:
            if stop.type is StopType.DEPOT and stop.id is not None:
                depot = taken.setdefault(stop.id, {})
                for part, units in stop.pickup.items():
                    depot[part] = depot.get(part, 0) + units
    out = []
    for depot in data["depots"]:
        used = taken.get(str(depot["id"]), {})
        stock = {p: max(0, n - used.get(p, 0)) for p, n in (depot.get("stock") or {}).items()}
        out.append({**depot, "stock": stock} if used else depot)
    return out


def _straight(a: Location, b: Location) -> float:
    """Straight-line distance, a measure of nearness whatever the travel model."""
    if isinstance(a, GeoPoint) and isinstance(b, GeoPoint):
        lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
        dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
        h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * math.asin(min(1.0, math.sqrt(h)))
    if isinstance(a, GeoPoint) or isinstance(b, GeoPoint):
        return math.inf
    return math.hypot(a.x - b.x, a.y - b.y)
