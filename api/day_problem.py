"""A region's day as a dispatch problem in the contract's JSON form, built from stored data.

Who works: active engineers of the region whose working weekdays include the
day. What is planned: open jobs at the region's sites (new, waiting for a
follow-up, or planned/dispatched for this day and not started), reported by
the end of the day and not due to start later. Stock: vans and the region's
depots as stored now.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from api.errors import ApiError
from api.job_lifecycle import OPEN
from api.models import Assignment, Depot, Engineer, Job, Region, Site, Stock, TicketStatus
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
    from datetime import date

    from sqlalchemy.orm import Session


def day_problem(
    s: Session, region_id: str, day: date, time_limit_s: float, seed: int = 0
) -> dict[str, Any]:
    """The dispatch problem (contract JSON) of ``region_id`` on ``day``.

    Raises
    ------
    ApiError
        422 for an unknown region or a day with no engineer on shift.
    """
    region = s.get(Region, region_id)
    if region is None:
        raise ApiError(422, f"region '{region_id}' does not exist", "region")
    start, end = day_bounds(region, day)
    engineers = [
        e
        for e in s.scalars(
            select(Engineer)
            .where(Engineer.region_id == region_id, Engineer.active)
            .order_by(Engineer.id)
        )
        if day.weekday() in e.workdays
    ]
    if not engineers:
        raise ApiError(
            422, f"no engineer of region '{region_id}' works on {day.isoformat()}", "date"
        )
    vans = _stock(s, "van", [e.id for e in engineers])
    depots = list(s.scalars(select(Depot).where(Depot.region_id == region_id).order_by(Depot.id)))
    depot_stock = _stock(s, "depot", [d.id for d in depots])
    jobs = [job_json(region, day, j) for j in _open_jobs(s, region_id, day, end)]
    iso = datetime.isoformat
    return {
        "schema": PROBLEM_SCHEMA,
        "meta": {"source": "fieldplan service", "region": region_id, "date": day.isoformat()},
        "horizon": period(iso(start), iso(end)),
        "travel": region.travel,
        "engineers": [_engineer(region, day, e, vans[e.id]) for e in engineers],
        "jobs": [j for j in jobs if j is not None],
        "depots": [
            depot_dict(
                d.id,
                geo(d.lat, d.lon),
                period(iso(local(region, day, d.opens)), iso(local(region, day, d.closes))),
                pickup_min=d.pickup_min,
                stock=depot_stock[d.id],
                tools=d.tools,
            )
            for d in depots
        ],
        "objective": region.objective or default_objective(),
        "options": {"time_limit_s": time_limit_s, "seed": seed},
    }


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


def _open_jobs(s: Session, region_id: str, day: date, end: datetime) -> list[Job]:
    elsewhere = (
        select(Assignment.job_id)
        .where(Assignment.job_id.is_not(None), Assignment.day != day)
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


def job_window(region: Region, day: date, job: Job) -> tuple[datetime, datetime] | None:
    site = job.site
    start, end = day_bounds(region, day)
    if site.opens and site.closes:
        start, end = local(region, day, site.opens), local(region, day, site.closes)
    begin = max(start, job.reported_at)
    if job.earliest_start is not None:
        begin = max(begin, job.earliest_start)
    return (begin, end) if begin < end else None


def _engineer(region: Region, day: date, e: Engineer, van: dict[str, int]) -> dict[str, Any]:
    home = geo(e.home_lat, e.home_lon)
    breaks = []
    if e.break_min and e.break_earliest and e.break_latest:
        breaks.append(
            break_dict(
                local(region, day, e.break_earliest).isoformat(),
                local(region, day, e.break_latest).isoformat(),
                e.break_min,
            )
        )
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
    )


def job_json(region: Region, day: date, j: Job) -> dict[str, Any] | None:
    """The job in the contract's form on ``day``; None when it cannot start that day."""
    window = job_window(region, day, j)
    if window is None:
        return None
    zone = window[1].tzinfo
    deadline = j.response_deadline
    return job_dict(
        j.id,
        geo(j.site.lat, j.site.lon),
        j.duration_min,
        [period(window[0].astimezone(zone).isoformat(), window[1].isoformat())],
        kind=j.kind,
        priority=j.priority,
        sla_deadline=None if deadline is None else deadline.astimezone(zone).isoformat(),
        skills=j.skills,
        parts=j.parts,
        tools=j.tools,
    )
