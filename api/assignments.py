"""An engineer's published day: ordered stops with times, places, job details and pickups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from api.errors import not_found
from api.models import Assignment, Engineer, Job, Region

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session


def engineer_day(s: Session, engineer_id: str, day: date) -> dict[str, Any]:
    """The stops of ``engineer_id`` on ``day`` from the published plan (empty if none)."""
    engineer = s.get(Engineer, engineer_id)
    if engineer is None:
        raise not_found("engineer", engineer_id, "engineer_id")
    region = s.get(Region, engineer.region_id)
    assert region is not None
    zone = ZoneInfo(region.timezone)
    rows = list(
        s.scalars(
            select(Assignment)
            .where(Assignment.engineer_id == engineer_id, Assignment.day == day)
            .options(joinedload(Assignment.job).joinedload(Job.site), joinedload(Assignment.depot))
            .order_by(Assignment.start, Assignment.run_id, Assignment.sequence)
        )
    )

    def at(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(zone).isoformat()

    stops: list[dict[str, Any]] = []
    pickups: list[dict[str, Any]] = []
    for a in rows:
        stop: dict[str, Any] = {
            "sequence": len(stops),
            "type": a.type,
            "arrival": at(a.arrival),
            "start": at(a.start),
            "end": at(a.end),
        }
        if a.job is not None:
            j = a.job
            stop["job"] = {
                "id": j.id,
                "kind": j.kind,
                "priority": j.priority,
                "status": j.status,
                "description": j.description,
                "duration_min": j.duration_min,
                "response_deadline": at(j.response_deadline),
                "repair_deadline": at(j.repair_deadline),
                "parts": dict(j.parts),
                "tools": list(j.tools),
                "skills": dict(j.skills),
                "site": {
                    "id": j.site.id,
                    "name": j.site.name,
                    "address": j.site.address,
                    "lat": j.site.lat,
                    "lon": j.site.lon,
                },
            }
        if a.depot is not None:
            d = a.depot
            stop["depot"] = {
                "id": d.id,
                "name": d.name,
                "address": d.address,
                "lat": d.lat,
                "lon": d.lon,
            }
            stop["pickup"] = dict(a.pickup)
            pickups.extend(
                {"depot": d.id, "part": p, "quantity": q} for p, q in sorted(a.pickup.items())
            )
        stops.append(stop)
    return {
        "engineer": {"id": engineer.id, "name": engineer.name},
        "date": day.isoformat(),
        "region": region.id,
        "run_id": rows[-1].run_id if rows else None,
        "stops": stops,
        "pickups": pickups,
    }
