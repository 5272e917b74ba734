"""Publishing a finished plan: its stops become the engineers' assignments, in one transaction.

Publishing replaces the region's earlier published plans for its days (their
assignments of jobs not yet started on those days are removed; a plan whose
days are all covered is marked superseded). A several-day plan publishes each
stop on the local day it starts, so each engineer's day reads as usual.
Publishing the same run again changes nothing. A job that was started, done or
cancelled since the plan was made refuses the publication (409), naming it. A
visit under way (en route or on site) keeps its assignment and its engineer
through any publication, so the engineer can report it to the end.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select

from api.errors import ApiError
from api.models import (
    Assignment,
    Job,
    JobEvent,
    Region,
    Run,
    RunKind,
    RunStatus,
    TicketStatus,
    utcnow,
)
from api.runs.store import run_of_kind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Statuses a job may have when a plan that assigns it is published.
PUBLISHABLE = frozenset(
    {TicketStatus.NEW, TicketStatus.PLANNED, TicketStatus.DISPATCHED, TicketStatus.NEEDS_FOLLOW_UP}
)
#: The most days one plan covers (the plan request's limit).
MAX_DAYS = 14
#: Visits under way: a re-plan may keep them in its routes, and publishing leaves their status.
UNDER_WAY = frozenset({TicketStatus.EN_ROUTE, TicketStatus.ON_SITE})


def publish_run(s: Session, run_id: int) -> dict[str, Any]:
    """Publish plan run ``run_id``, its row locked so two publications of it queue."""
    run = run_of_kind(s, RunKind.PLAN, run_id)
    s.refresh(run, with_for_update=True)
    written = publish(s, run)
    return {"run": run.id, "assignments": written, "published_at": run.published_at}


def publish(s: Session, run: Run) -> int:
    """Turn ``run``'s plan into assignments; returns how many stops were written."""
    if run.kind != RunKind.PLAN.value:
        raise ApiError(404, f"plan '{run.id}' does not exist")
    if run.status != RunStatus.DONE.value or run.result is None:
        raise ApiError(409, f"plan {run.id} is {run.status}; only a finished plan can be published")
    if run.published_at is not None and run.superseded_at is None:
        return _count(s, run.id)
    routes = run.result["plan"]["routes"]
    job_ids = [stop["id"] for r in routes for stop in r["stops"] if stop["type"] == "job"]
    jobs = {j.id: j for j in s.scalars(select(Job).where(Job.id.in_(job_ids)))}
    allowed = PUBLISHABLE | UNDER_WAY if "replan_of" in run.params else PUBLISHABLE
    moved = sorted(
        j for j in job_ids if j not in jobs or TicketStatus(jobs[j].status) not in allowed
    )
    if moved:
        raise ApiError(
            409,
            f"jobs changed since the plan was made (started, done or cancelled): {', '.join(moved)}; plan again",
        )
    assert run.day is not None and run.region_id is not None
    days = covered_days(run)
    previous = [
        old
        for old in s.scalars(
            select(Run).where(
                Run.kind == RunKind.PLAN.value,
                Run.region_id == run.region_id,
                Run.day >= days[0] - timedelta(days=MAX_DAYS - 1),
                Run.day <= days[-1],
                Run.published_at.is_not(None),
                Run.superseded_at.is_(None),
                Run.id != run.id,
            )
        )
        if set(covered_days(old)) & set(days)
    ]
    now = utcnow()
    for old in previous:
        # a plan of other days too keeps those days, and stays their published plan
        if set(covered_days(old)) <= set(days):
            old.superseded_at = now
        dropped = list(
            s.scalars(
                select(Assignment.job_id).where(
                    Assignment.run_id == old.id,
                    Assignment.job_id.is_not(None),
                    Assignment.day.in_(days),
                )
            )
        )
        # a visit under way (en route, on site) stays with its engineer through any plan
        under_way = select(Job.id).where(Job.status.in_([st.value for st in UNDER_WAY]))
        gone = delete(Assignment).where(
            Assignment.run_id == old.id,
            Assignment.day.in_(days),
            or_(Assignment.job_id.is_(None), Assignment.job_id.not_in(under_way)),
        )
        if "now" in run.params:
            # a re-plan also keeps what was over by its time: the day as it went
            gone = gone.where(Assignment.end > datetime.fromisoformat(run.params["now"]))
        s.execute(gone)
        for job in s.scalars(select(Job).where(Job.id.in_(dropped), Job.id.not_in(job_ids))):
            if job.status in (TicketStatus.PLANNED.value, TicketStatus.DISPATCHED.value):
                _move(s, job, TicketStatus.NEW, None, f"left out of plan {run.id}", now)
    s.execute(delete(Assignment).where(Assignment.day.in_(days), Assignment.job_id.in_(job_ids)))
    written = 0
    region = s.get(Region, run.region_id)
    assert region is not None
    zone = ZoneInfo(region.timezone)
    sequence: dict[str, int] = {}  # an engineer's stops numbered through all their routes
    for route in routes:
        for stop in route["stops"]:
            at = sequence.get(route["engineer"], 0)
            sequence[route["engineer"]] = at + 1
            s.add(_assignment(run, route["engineer"], at, stop, zone))
            written += 1
            if stop["type"] == "job" and (stop.get("lead") or jobs[stop["id"]].crew == 1):
                _move(
                    s,
                    jobs[stop["id"]],
                    TicketStatus.PLANNED,
                    route["engineer"],
                    f"plan {run.id} published",
                    now,
                )
    run.published_at = now
    run.superseded_at = None
    s.flush()
    return written


def _move(
    s: Session, job: Job, status: TicketStatus, engineer: str | None, note: str, at: datetime
) -> None:
    if TicketStatus(job.status) in UNDER_WAY:
        return
    if job.status != status.value or engineer is not None:
        job.status = status.value
        s.add(JobEvent(job=job, status=status.value, at=at, engineer_id=engineer, note=note))


def _count(s: Session, run_id: int) -> int:
    return int(s.scalar(select(func.count()).where(Assignment.run_id == run_id)) or 0)


def covered_days(run: Run) -> list[date]:
    """The days a plan run covers: its day, and the days after it in a several-day plan."""
    assert run.day is not None
    return [run.day + timedelta(days=d) for d in range(int(run.params.get("days", 1)))]


def _assignment(
    run: Run, engineer: str, sequence: int, stop: dict[str, Any], zone: ZoneInfo
) -> Assignment:
    """A stop of the plan, on the region's local day it starts (its route's day)."""
    kind = stop["type"]
    assert run.day is not None and run.region_id is not None
    start = datetime.fromisoformat(stop["start"])
    day = run.day if "days" not in run.params else start.astimezone(zone).date()
    return Assignment(
        run_id=run.id,
        region_id=run.region_id,
        day=day,
        engineer_id=engineer,
        sequence=sequence,
        type=kind,
        job_id=stop.get("id") if kind == "job" else None,
        depot_id=stop.get("id") if kind == "depot" else None,
        arrival=datetime.fromisoformat(stop["arrival"]) if stop.get("arrival") else None,
        start=start,
        end=datetime.fromisoformat(stop["end"]),
        pickup=dict(stop.get("pickup") or {}),
        lead=bool(stop.get("lead", False)),
    )
