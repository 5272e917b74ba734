"""A region's day, or several days, as a dispatch problem in the contract's JSON form,
built from stored data.

Who works: active engineers of the region, on each day that is one of their
working weekdays, not a region holiday and not inside one of their absences;
and on call, for emergencies only, through the region's on-call duties (cut
to the horizon and to the hours the engineer is not on a day shift). What is
planned: open jobs at the region's sites (new, waiting for a follow-up, or
planned/dispatched for one of these days and not started), reported by the
end of the last day, with a window on each day they can start. Stock: vans
(restocked for each shift) and the region's depots as stored now, the depots
open on the region's working days.

A single day with nobody on call is written in the one-shift form of contract
1.0; several days, or on-call cover, in the shifts form of 1.1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.errors import ApiError
from api.job_lifecycle import OPEN
from api.models import (
    Absence,
    Assignment,
    Depot,
    Engineer,
    Job,
    OnCallDuty,
    Region,
    Site,
    Stock,
    TicketStatus,
)
from api.region_clock import day_bounds, local
from dispatch.io.contract import (
    break_dict,
    default_objective,
    depot_dict,
    engineer_dict,
    geo,
    job_dict,
    period,
)
from dispatch.io.problem_json import PROBLEM_SCHEMA

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def day_problem(
    s: Session, region_id: str, day: date, time_limit_s: float, seed: int = 0, days: int = 1
) -> dict[str, Any]:
    """The dispatch problem (contract JSON) of ``region_id`` from ``day``, ``days`` long.

    Raises
    ------
    ApiError
        422 for an unknown region or days with no engineer on shift.
    """
    region = s.get(Region, region_id)
    if region is None:
        raise ApiError(422, f"region '{region_id}' does not exist", "region")
    dates = [day + timedelta(days=d) for d in range(days)]
    start, end = day_bounds(region, dates[0])[0], day_bounds(region, dates[-1])[1]
    holidays = {date.fromisoformat(h) for h in region.holidays}
    absent = _absences(s, region_id, dates[0], dates[-1])
    duties = _duties(s, region_id, start, end)
    people = list(
        s.scalars(
            select(Engineer)
            .where(Engineer.region_id == region_id, Engineer.active)
            .order_by(Engineer.id)
        )
    )
    vans = _stock(s, "van", [e.id for e in people])
    engineers = []
    for e in people:
        working = [
            d
            for d in dates
            if d.weekday() in e.workdays
            and d not in holidays
            and not any(first <= d <= last for first, last in absent.get(e.id, ()))
        ]
        on_call = _on_call(region, e, working, duties.get(e.id, []), start, end)
        if days == 1 and working and not on_call:
            engineers.append(_engineer(region, working[0], e, vans[e.id]))
        elif working or on_call:
            engineers.append(_engineer_in_shifts(region, e, working, on_call, vans[e.id]))
    if not engineers:
        when = dates[0].isoformat() if days == 1 else f"{dates[0]} to {dates[-1]}"
        raise ApiError(422, f"no engineer of region '{region_id}' works on {when}", "date")
    depots = list(s.scalars(select(Depot).where(Depot.region_id == region_id).order_by(Depot.id)))
    depot_stock = _stock(s, "depot", [d.id for d in depots])
    open_days = [d for d in dates if d.weekday() in region.weekdays and d not in holidays]
    depot_days = dates if days == 1 or not open_days else open_days
    jobs = [job_json(region, dates, j) for j in _open_jobs(s, region_id, dates, end)]
    on_shift = {e["id"] for e in engineers}
    for job in jobs:
        if job is not None and "preferred_engineers" in job:
            # a preferred engineer away (or of another region) is simply not there to go
            job["preferred_engineers"] = [e for e in job["preferred_engineers"] if e in on_shift]
    iso = datetime.isoformat
    meta: dict[str, Any] = {"source": "fieldplan service", "region": region_id}
    meta["date"] = day.isoformat()
    if days > 1:
        meta["days"] = days
    return {
        "schema": PROBLEM_SCHEMA,
        "meta": meta,
        "horizon": period(iso(start), iso(end)),
        "travel": region.travel,
        "engineers": engineers,
        "jobs": [j for j in jobs if j is not None],
        "depots": [
            depot_dict(
                d.id,
                geo(d.lat, d.lon),
                _hours(region, d, depot_days),
                pickup_min=d.pickup_min,
                stock=depot_stock[d.id],
                tools=d.tools,
            )
            for d in depots
        ],
        "objective": region.objective or service_objective(),
        "options": {"time_limit_s": time_limit_s, "seed": seed},
    }


def service_objective() -> dict[str, Any]:
    """The objective of a region that sets none: the contract's default, with the
    customers' preferred engineers worth a detour."""
    return {**default_objective(), "unpreferred_cost": DEFAULT_UNPREFERRED_COST}


def _hours(region: Region, depot: Depot, days: list[date]) -> Any:
    """A depot's hours: one period for one day, else a period on each day given."""
    spans = [
        period(
            local(region, d, depot.opens).isoformat(), local(region, d, depot.closes).isoformat()
        )
        for d in days
    ]
    return spans[0] if len(days) == 1 else spans


def _absences(
    s: Session, region_id: str, first: date, last: date
) -> dict[str, list[tuple[date, date]]]:
    """Engineer id -> the absences of the region's engineers that touch the days."""
    out: dict[str, list[tuple[date, date]]] = defaultdict(list)
    rows = s.execute(
        select(Absence.engineer_id, Absence.first_day, Absence.last_day)
        .join(Engineer, Engineer.id == Absence.engineer_id)
        .where(
            Engineer.region_id == region_id, Absence.first_day <= last, Absence.last_day >= first
        )
    )
    for engineer, a, b in rows:
        out[engineer].append((a, b))
    return out


def _duties(
    s: Session, region_id: str, start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, datetime]]]:
    """Engineer id -> the region's on-call duties that overlap the horizon, by start."""
    out: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    rows = s.execute(
        select(OnCallDuty.engineer_id, OnCallDuty.start, OnCallDuty.end)
        .where(OnCallDuty.region_id == region_id, OnCallDuty.start < end, OnCallDuty.end > start)
        .order_by(OnCallDuty.start)
    )
    for engineer, a, b in rows:
        out[engineer].append((a, b))
    return out


def _on_call(
    region: Region,
    e: Engineer,
    working: list[date],
    duties: list[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
) -> list[tuple[datetime, datetime]]:
    """The engineer's on-call time inside the horizon and outside their day shifts
    (plus overtime), overlapping duties joined, as sorted (start, end) pairs."""
    busy = [
        (
            local(region, d, e.shift_start),
            local(region, d, e.shift_end) + timedelta(minutes=e.max_overtime_min),
        )
        for d in working
    ]
    free: list[tuple[datetime, datetime]] = []
    for a, b in duties:
        pieces = [(max(a, start), min(b, end))]
        for x, y in busy:
            pieces = [
                part
                for p, q in pieces
                for part in ((p, min(q, x)), (max(p, y), q))
                if part[1] > part[0]
            ]
        for p, q in pieces:
            if free and p <= free[-1][1]:
                free[-1] = (free[-1][0], max(free[-1][1], q))
            else:
                free.append((p, q))
    return sorted(free)


def _engineer_in_shifts(
    region: Region,
    e: Engineer,
    working: list[date],
    on_call: list[tuple[datetime, datetime]],
    van: dict[str, int],
) -> dict[str, Any]:
    """The engineer in the shifts form: a shift on each working day (with its break)
    and each stretch on call, in time order."""
    shifts: list[tuple[datetime, dict[str, Any]]] = []
    for d in working:
        begin = local(region, d, e.shift_start)
        shift: dict[str, Any] = period(begin.isoformat(), local(region, d, e.shift_end).isoformat())
        shift["breaks"] = _breaks(region, d, e)
        shifts.append((begin, shift))
    for a, b in on_call:
        zone = ZoneInfo(region.timezone)
        duty = period(a.astimezone(zone).isoformat(), b.astimezone(zone).isoformat())
        shifts.append((a, {**duty, "max_overtime_min": 0, "on_call": True}))
    out = engineer_dict(
        e.id,
        geo(e.home_lat, e.home_lon),
        {},
        end=geo(e.home_lat, e.home_lon),
        max_overtime_min=e.max_overtime_min,
        skills=e.skills,
        van_stock=van,
        tools=e.tools,
        duration_factor=e.duration_factor if e.duration_factor != 1.0 else None,
    )
    del out["shift"]
    out["shifts"] = [shift for _, shift in sorted(shifts, key=lambda item: item[0])]
    return out


def _stock(s: Session, kind: str, ids: list[str]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = defaultdict(dict)
    rows = s.execute(
        select(Stock.location_id, Stock.part_id, Stock.quantity)
        .where(Stock.location_kind == kind, Stock.location_id.in_(ids), Stock.quantity > 0)
        .order_by(Stock.part_id)
    )
    for location, part, quantity in rows:
        found[location][part] = quantity
    return found


def _open_jobs(s: Session, region_id: str, dates: list[date], end: datetime) -> list[Job]:
    elsewhere = (
        select(Assignment.job_id)
        .where(Assignment.job_id.is_not(None), Assignment.day.not_in(dates))
        .join(Job, Job.id == Assignment.job_id)
        .where(Job.status.in_([TicketStatus.PLANNED.value, TicketStatus.DISPATCHED.value]))
    )
    return list(
        s.scalars(
            select(Job)
            .join(Site, Site.id == Job.site_id)
            .where(
                Site.region_id == region_id,
                Job.status.in_([st.value for st in OPEN]),
                Job.reported_at < end,
                Job.id.not_in(elsewhere),
            )
            .order_by(Job.id)
        )
    )


def job_window(
    region: Region, day: date, job: Job, booked: bool = True
) -> tuple[datetime, datetime] | None:
    """When the job may start on ``day``: the site's hours (else the region's day),
    from its report and earliest start, inside its booked appointment (unless
    ``booked`` is False: the hotline looking for another one)."""
    site = job.site
    start, end = day_bounds(region, day)
    if site.opens and site.closes:
        start, end = local(region, day, site.opens), local(region, day, site.closes)
    begin = max(start, job.reported_at)
    if job.earliest_start is not None:
        begin = max(begin, job.earliest_start)
    if booked and job.appointment_start is not None and job.appointment_end is not None:
        zone = end.tzinfo
        begin = max(begin, job.appointment_start.astimezone(zone))
        end = min(end, job.appointment_end.astimezone(zone))
    return (begin, end) if begin < end else None


def _breaks(region: Region, day: date, e: Engineer) -> list[dict[str, Any]]:
    if not (e.break_min and e.break_earliest and e.break_latest):
        return []
    return [
        break_dict(
            local(region, day, e.break_earliest).isoformat(),
            local(region, day, e.break_latest).isoformat(),
            e.break_min,
        )
    ]


def _engineer(region: Region, day: date, e: Engineer, van: dict[str, int]) -> dict[str, Any]:
    home = geo(e.home_lat, e.home_lon)
    breaks = _breaks(region, day, e)
    return engineer_dict(
        e.id,
        home,
        period(
            local(region, day, e.shift_start).isoformat(),
            local(region, day, e.shift_end).isoformat(),
        ),
        end=home,
        max_overtime_min=e.max_overtime_min,
        breaks=breaks,
        skills=e.skills,
        van_stock=van,
        tools=e.tools,
        duration_factor=e.duration_factor if e.duration_factor != 1.0 else None,
    )


#: What serving a job with none of its preferred engineers costs, unless the region says.
DEFAULT_UNPREFERRED_COST = 150.0


def job_json(
    region: Region, days: list[date], j: Job, booked: bool = True
) -> dict[str, Any] | None:
    """The job in the contract's form with a window on each of ``days`` it can start
    (windows that meet are one); None when it can start on none of them.
    ``booked``: as for :func:`job_window`."""
    windows: list[tuple[datetime, datetime]] = []
    for day in days:
        window = job_window(region, day, j, booked)
        if window is None:
            continue
        if windows and window[0] <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], window[1]))
        else:
            windows.append(window)
    if not windows:
        return None
    zone = windows[-1][1].tzinfo
    deadline = j.response_deadline
    return job_dict(
        j.id,
        geo(j.site.lat, j.site.lon),
        j.duration_min,
        [
            period(a.astimezone(zone).isoformat(), b.astimezone(zone).isoformat())
            for a, b in windows
        ],
        kind=j.kind,
        priority=j.priority,
        sla_deadline=None if deadline is None else deadline.astimezone(zone).isoformat(),
        skills=j.skills,
        parts=j.parts,
        tools=j.tools,
        preferred_engineers=list(j.preferred_engineers) or None,
        crew=j.crew if j.crew > 1 else None,
    )
