"""Publishing a finished plan: its stops become the engineers' assignments, in one transaction.

Publishing replaces the region's earlier published plan for that day (its
assignments of jobs not yet started are removed, the run marked superseded).
Publishing the same run again changes nothing. A job that was started, done or
cancelled since the plan was made refuses the publication (409), naming it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select

from api.errors import ApiError
from api.models import Assignment, Job, JobEvent, Run, RunKind, RunStatus, TicketStatus, utcnow
from api.runs.store import run_of_kind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Statuses a job may have when a plan that assigns it is published.
PUBLISHABLE = frozenset(
    {TicketStatus.NEW, TicketStatus.PLANNED, TicketStatus.DISPATCHED, TicketStatus.NEEDS_FOLLOW_UP}
)
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
    previous = list(
        s.scalars(
            select(Run).where(
                Run.kind == RunKind.PLAN.value,
                Run.region_id == run.region_id,
                Run.day == run.day,
                Run.published_at.is_not(None),
                Run.superseded_at.is_(None),
                Run.id != run.id,
            )
        )
    )
    now = utcnow()
    for old in previous:
        old.superseded_at = now
        dropped = list(
            s.scalars(
                select(Assignment.job_id).where(
                    Assignment.run_id == old.id, Assignment.job_id.is_not(None)
                )
            )
        )
        gone = delete(Assignment).where(Assignment.run_id == old.id)
        if "now" in run.params:
            # a re-plan keeps what was over by its time and the visits under way: the day as it went
            under_way = select(Job.id).where(Job.status.in_([st.value for st in UNDER_WAY]))
            gone = gone.where(
                Assignment.end > datetime.fromisoformat(run.params["now"]),
                or_(Assignment.job_id.is_(None), Assignment.job_id.not_in(under_way)),
            )
        s.execute(gone)
        for job in s.scalars(select(Job).where(Job.id.in_(dropped), Job.id.not_in(job_ids))):
            if job.status in (TicketStatus.PLANNED.value, TicketStatus.DISPATCHED.value):
                _move(s, job, TicketStatus.NEW, None, f"left out of plan {run.id}", now)
    s.execute(delete(Assignment).where(Assignment.day == run.day, Assignment.job_id.in_(job_ids)))
    written = 0
    for route in routes:
        for sequence, stop in enumerate(route["stops"]):
            s.add(_assignment(run, route["engineer"], sequence, stop))
            written += 1
            if stop["type"] == "job":
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


def _assignment(run: Run, engineer: str, sequence: int, stop: dict[str, Any]) -> Assignment:
    kind = stop["type"]
    assert run.day is not None and run.region_id is not None
    return Assignment(
        run_id=run.id,
        region_id=run.region_id,
        day=run.day,
        engineer_id=engineer,
        sequence=sequence,
        type=kind,
        job_id=stop.get("id") if kind == "job" else None,
        depot_id=stop.get("id") if kind == "depot" else None,
        arrival=datetime.fromisoformat(stop["arrival"]) if stop.get("arrival") else None,
        start=datetime.fromisoformat(stop["start"]),
        end=datetime.fromisoformat(stop["end"]),
        pickup=dict(stop.get("pickup") or {}),
    )
