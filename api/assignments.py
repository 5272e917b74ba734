"""An engineer's published day: ordered stops with times, places, job details and pickups.

This is what every engineer's phone asks for, often: two plain queries (the
engineer with their region's time zone, then the stops joined to their job,
site and depot) read as rows, without loading ORM objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.errors import not_found
from api.models import Assignment, Depot, Engineer, Job, Region, Site

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

_STOP = (
    Assignment.run_id,
    Assignment.type,
    Assignment.arrival,
    Assignment.start,
    Assignment.end,
    Assignment.pickup,
    Assignment.lead,
)
_JOB = (
    Job.id,
    Job.kind,
    Job.priority,
    Job.status,
    Job.description,
    Job.duration_min,
    Job.response_deadline,
    Job.repair_deadline,
    Job.parts,
    Job.tools,
    Job.skills,
    Job.crew,
)
_SITE = (Site.id, Site.name, Site.address, Site.lat, Site.lon)
_DEPOT = (Depot.id, Depot.name, Depot.address, Depot.lat, Depot.lon)


def engineer_day(s: Session, engineer_id: str, day: date) -> dict[str, Any]:
    """The stops of ``engineer_id`` on ``day`` from the published plan (empty if none)."""
    found = s.execute(
        select(Engineer.name, Region.id, Region.timezone)
        .join(Region, Region.id == Engineer.region_id)
        .where(Engineer.id == engineer_id)
    ).first()
    if found is None:
        raise not_found("engineer", engineer_id, "engineer_id")
    name, region_id, timezone = found
    zone = ZoneInfo(timezone)
    rows = s.execute(
        select(*_STOP, *_JOB, *_SITE, *_DEPOT)
        .outerjoin(Job, Job.id == Assignment.job_id)
        .outerjoin(Site, Site.id == Job.site_id)
        .outerjoin(Depot, Depot.id == Assignment.depot_id)
        .where(Assignment.engineer_id == engineer_id, Assignment.day == day)
        .order_by(Assignment.start, Assignment.run_id, Assignment.sequence)
    ).all()

    def at(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(zone).isoformat()

    stops: list[dict[str, Any]] = []
    pickups: list[dict[str, Any]] = []
    n_stop, n_job, n_site = len(_STOP), len(_JOB), len(_SITE)
    crews = _crews(
        s, day, [r[n_stop] for r in rows if r[n_stop] is not None and r[n_stop + 11] > 1]
    )
    for row in rows:
        _run, kind, arrival, start, end, pickup, lead = row[:n_stop]
        job = row[n_stop : n_stop + n_job]
        site = row[n_stop + n_job : n_stop + n_job + n_site]
        depot = row[n_stop + n_job + n_site :]
        stop: dict[str, Any] = {
            "sequence": len(stops),
            "type": kind,
            "arrival": at(arrival),
            "start": at(start),
            "end": at(end),
        }
        if job[0] is not None:
            stop["job"] = {
                "id": job[0],
                "kind": job[1],
                "priority": job[2],
                "status": job[3],
                "description": job[4],
                "duration_min": job[5],
                "response_deadline": at(job[6]),
                "repair_deadline": at(job[7]),
                "parts": dict(job[8]),
                "tools": list(job[9]),
                "skills": dict(job[10]),
                "site": dict(zip(("id", "name", "address", "lat", "lon"), site, strict=True)),
            }
            if job[11] > 1:
                stop["job"]["crew"] = {"lead": lead, "engineers": crews.get(job[0], [])}
        if depot[0] is not None:
            stop["depot"] = dict(zip(("id", "name", "address", "lat", "lon"), depot, strict=True))
            stop["pickup"] = dict(pickup)
            pickups.extend(
                {"depot": depot[0], "part": p, "quantity": q} for p, q in sorted(pickup.items())
            )
        stops.append(stop)
    return {
        "engineer": {"id": engineer_id, "name": name},
        "date": day.isoformat(),
        "region": region_id,
        "run_id": rows[-1][0] if rows else None,
        "stops": stops,
        "pickups": pickups,
    }


def _crews(s: Session, day: date, job_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Crew job id -> its members that day (lead first): who else an engineer meets there."""
    if not job_ids:
        return {}
    rows = s.execute(
        select(Assignment.job_id, Assignment.engineer_id, Engineer.name, Assignment.lead)
        .join(Engineer, Engineer.id == Assignment.engineer_id)
        .where(Assignment.day == day, Assignment.job_id.in_(job_ids))
        .order_by(Assignment.job_id, Assignment.lead.desc(), Assignment.engineer_id)
    ).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for job_id, engineer_id, name, lead in rows:
        out.setdefault(str(job_id), []).append({"id": engineer_id, "name": name, "lead": lead})
    return out
