"""Preventive visits from the stored installed base: generated for a horizon, moved on when done.

Each asset's cycle, tolerance and last visit give the visits due in the
horizon (:func:`dispatch.maintenance.cycles.visits_due`, on the region's
working weekdays and holidays). Each visit is a stored job ``PM-<asset>-<due>``
of kind ``preventive``: it may start from the first working day of its
tolerance band (``earliest_start``, at the site's opening time) and is due
when the site closes on its due day (``response_deadline``), so a plan of
several days puts it on whichever day of the band fits best. Generating a
horizon again updates the visits still new and never doubles them; a new
visit that the asset's cycle no longer gives (a visit was done, or the cycle
changed) is cancelled, saying why. A visit reported done moves the asset's
last visit to that day, so the next cycle counts from the actual date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.errors import not_found
from api.job_tickets import create_job
from api.models import Asset, Job, JobEvent, Region, Site, TicketStatus, utcnow
from api.region_clock import local, today
from dispatch.maintenance import cycles

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PREVENTIVE = "preventive"


@dataclass(frozen=True)
class Visit:
    """One generated visit and what generating it changed."""

    job_id: str
    asset_id: str
    site_id: str
    due: date
    earliest_start: datetime
    response_deadline: datetime
    status: str
    change: str


def generate_visits(
    s: Session, region_id: str, first_day: date, days: int, user_id: int | None = None
) -> dict[str, Any]:
    """The preventive visits due in ``days`` days from ``first_day`` at the region's assets,
    stored as jobs (see the module docstring)."""
    region = s.get(Region, region_id)
    if region is None:
        raise not_found("region", region_id, "region_id", location="json")
    horizon = cycles.Horizon(
        first=first_day,
        days=days,
        working=frozenset(int(d) for d in region.weekdays),
        holidays=frozenset(date.fromisoformat(d) for d in region.holidays),
    )
    assets = s.scalars(
        select(Asset)
        .join(Site, Site.id == Asset.site_id)
        .where(Site.region_id == region_id)
        .order_by(Asset.id)
    ).all()
    visits: list[Visit] = []
    cancelled: list[str] = []
    for asset in assets:
        opens, closes = _hours(region, asset.site)
        for job in cycles.visits_due([_cycle_of(asset)], horizon):
            visits.append(_store(s, region, asset, job, opens, closes))
        cancelled += _cancel_stale(s, asset, user_id)
    s.flush()
    return {
        "region_id": region_id,
        "first_day": horizon.first,
        "last_day": horizon.last,
        "visits": visits,
        "cancelled": cancelled,
    }


def visit_done(s: Session, job: Job, at: datetime) -> None:
    """A preventive visit done at ``at``: its asset's last visit becomes that local day."""
    if job.asset_id is None:
        return
    asset = s.get(Asset, job.asset_id)
    region = s.get(Region, job.site.region_id)
    if asset is None or region is None:
        return
    day = today(region, at)
    if day > asset.last_visit:
        asset.last_visit = day


def _hours(region: Region, site: Site) -> tuple[str, str]:
    if site.opens and site.closes:
        return site.opens, site.closes
    return region.opens, region.closes


def _cycle_of(asset: Asset) -> cycles.Asset:
    """The unit as the cycle arithmetic sees it. Only the dates of its visits are read
    back: _store sets their times in the region's zone (daylight saving included)."""
    return cycles.Asset(
        id=asset.id,
        site={"lat": asset.site.lat, "lon": asset.site.lon},
        cycle_days=asset.cycle_days,
        last_visit=asset.last_visit,
        duration_min=asset.duration_min,
        tolerance_days=asset.tolerance_days,
        skills=dict(asset.skills),
        parts=dict(asset.parts),
        priority=asset.priority,
    )


def _store(
    s: Session, region: Region, asset: Asset, job: dict[str, Any], opens: str, closes: str
) -> Visit:
    due = date.fromisoformat(job["id"][-10:])
    band = [date.fromisoformat(w["start"][:10]) for w in job["windows"]]
    deadline_day = date.fromisoformat(job["sla_deadline"][:10])
    earliest = local(region, band[0], opens)
    deadline = local(region, deadline_day, closes)
    row = s.get(Job, job["id"])
    if row is None:
        row = create_job(
            s,
            {
                "id": job["id"],
                "site_id": asset.site_id,
                "contract_id": asset.contract_id,
                "asset_id": asset.id,
                "kind": PREVENTIVE,
                "priority": asset.priority,
                "description": f"preventive visit of {asset.name}, due {due.isoformat()}",
                "reported_at": earliest,
                "earliest_start": earliest,
                "duration_min": asset.duration_min,
                "skills": dict(asset.skills),
                "parts": dict(asset.parts),
                "tools": [],
                "follow_up_of": None,
            },
        )
        row.response_deadline = deadline
        change = "created"
    elif row.status == TicketStatus.NEW.value:
        wanted = {
            "reported_at": earliest,
            "earliest_start": earliest,
            "response_deadline": deadline,
            "duration_min": asset.duration_min,
            "priority": asset.priority,
            "skills": dict(asset.skills),
            "parts": dict(asset.parts),
        }
        differs = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        for key, value in differs.items():
            setattr(row, key, value)
        change = "updated" if differs else "unchanged"
    else:
        change = "unchanged"
    zone = ZoneInfo(region.timezone)
    return Visit(
        job_id=row.id,
        asset_id=asset.id,
        site_id=asset.site_id,
        due=due,
        earliest_start=(row.earliest_start or earliest).astimezone(zone),
        response_deadline=(row.response_deadline or deadline).astimezone(zone),
        status=row.status,
        change=change,
    )


def _cancel_stale(s: Session, asset: Asset, user_id: int | None) -> list[str]:
    """Cancel the asset's new visits whose due date its cycle no longer gives."""
    out = []
    waiting = s.scalars(
        select(Job)
        .where(Job.asset_id == asset.id, Job.status == TicketStatus.NEW.value)
        .order_by(Job.id)
    ).all()
    for job in waiting:
        due = _due_of(job.id)
        if due is None or _in_cycle(asset, due):
            continue
        job.status = TicketStatus.CANCELLED.value
        s.add(
            JobEvent(
                job=job,
                status=TicketStatus.CANCELLED.value,
                at=utcnow(),
                user_id=user_id,
                note=(
                    f"no longer due: {asset.id} was last visited on "
                    f"{asset.last_visit.isoformat()}, every {asset.cycle_days} days"
                ),
            )
        )
        out.append(job.id)
    return out


def _due_of(job_id: str) -> date | None:
    try:
        return date.fromisoformat(job_id[-10:])
    except ValueError:
        return None


def _in_cycle(asset: Asset, due: date) -> bool:
    gap = (due - asset.last_visit) // timedelta(days=1)
    return gap > 0 and gap % asset.cycle_days == 0
