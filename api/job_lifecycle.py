"""A job's status life cycle: which moves are allowed, who may report them, and its history.

A job moves along :data:`TRANSITIONS`; each move is an event in its history.
The parts used on a visit leave stock in the same transaction as the event
that reports them, so either both are recorded or neither is. A preventive
visit done moves its asset's last visit (:func:`api.maintenance_visits.visit_done`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from api.errors import ApiError, forbidden, not_found
from api.job_tickets import assigned_engineers
from api.maintenance_visits import visit_done
from api.models import Depot, Job, JobEvent, Role, TicketStatus, User, utcnow
from api.paging import page
from api.stock_ledger import consume

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

S = TicketStatus
#: Which status a job may move to from each status. Cancelled and done are final.
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.PLANNED, S.EN_ROUTE, S.ON_SITE, S.CANCELLED}),
    S.PLANNED: frozenset({S.NEW, S.DISPATCHED, S.EN_ROUTE, S.ON_SITE, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.NEW, S.PLANNED, S.EN_ROUTE, S.ON_SITE, S.CANCELLED}),
    S.EN_ROUTE: frozenset({S.ON_SITE, S.PLANNED, S.CANCELLED}),
    S.ON_SITE: frozenset({S.DONE, S.NEEDS_FOLLOW_UP}),
    S.NEEDS_FOLLOW_UP: frozenset({S.PLANNED, S.DISPATCHED, S.EN_ROUTE, S.ON_SITE, S.CANCELLED}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}
#: Statuses a job reaches only through a reported event (not by planning).
REPORTED = frozenset({S.DISPATCHED, S.EN_ROUTE, S.ON_SITE, S.DONE, S.NEEDS_FOLLOW_UP, S.CANCELLED})
#: Statuses of jobs still waiting for a visit: a plan may (re)schedule them.
OPEN = frozenset({S.NEW, S.PLANNED, S.DISPATCHED, S.NEEDS_FOLLOW_UP})
#: How far ahead of the service's clock a reported time may be (phones' clocks drift).
AHEAD_TOLERANCE_MIN = 10
#: Who may report which status: the assigned engineer reports their own work.
ENGINEER_REPORTS = frozenset({S.EN_ROUTE, S.ON_SITE, S.DONE, S.NEEDS_FOLLOW_UP})
#: Statuses that end a visit: the parts used are reported with them.
VISIT_ENDS = frozenset({S.DONE, S.NEEDS_FOLLOW_UP})
#: A follow-up visit is planned before an engineer starts it: from needs_follow_up an
#: engineer may not go straight back on the road or on site (each visit reports its parts
#: once, and a new visit needs a plan that sends them); a dispatcher may.
ENGINEER_RESTARTS = frozenset({S.EN_ROUTE, S.ON_SITE})


def job_for(s: Session, user: User, job_id: str) -> Job:
    """The job, or 404; an engineer gets 403 for any job not theirs, known or not."""
    if user.role == Role.ENGINEER.value and user.engineer_id not in assigned_engineers(s, job_id):
        raise forbidden()
    job = s.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id, "job_id")
    return job


def history(s: Session, user: User, job_id: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """A page of a job's events, oldest first, each naming the user who recorded it."""
    job = job_for(s, user, job_id)
    found = page(s, select(JobEvent).where(JobEvent.job_id == job.id), args, JobEvent.id)
    ids = {e.user_id for e in found["items"] if e.user_id is not None}
    names = dict(s.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    for e in found["items"]:
        e.user = names.get(e.user_id) if e.user_id is not None else None
    return found


def report_progress(s: Session, user: User, job_id: str, data: dict[str, Any]) -> JobEvent:
    """``user`` reports a move of the job (at ``data["at"]``, or now), naming them in the answer."""
    job = job_for(s, user, job_id)
    now = utcnow()
    data["at"] = data.get("at") or now
    if data["at"] > now + timedelta(minutes=AHEAD_TOLERANCE_MIN):
        raise ApiError(
            422,
            f"must not be later than the service's clock ({now.isoformat(timespec='seconds')}) "
            f"by more than {AHEAD_TOLERANCE_MIN} min: a report says what has happened",
            "at",
        )
    event = record_event(s, job, user, data)
    event.user = user.name  # type: ignore[attr-defined]
    return event


def record_event(s: Session, job: Job, user: User, data: dict[str, Any]) -> JobEvent:
    """Move ``job`` to ``data["status"]``, consuming the parts used, all or nothing.

    Raises
    ------
    ApiError
        403 when an engineer reports a job not assigned to them or a status only a
        dispatcher sets; 409 when the move is not allowed from the job's status or a
        part used is not on hand where it is said to come from.
    """
    target = TicketStatus(data["status"])
    crew = assigned_engineers(s, job.id)
    engineer = crew[0] if crew else None
    if user.role == Role.ENGINEER.value:
        if user.engineer_id not in crew or target not in ENGINEER_REPORTS:
            raise forbidden()
        engineer = user.engineer_id
    current = TicketStatus(job.status)
    # a crew's second member on the way or on site says so too: the job stays as it is
    joins_crew = job.crew > 1 and target is current and target in (S.EN_ROUTE, S.ON_SITE)
    if target not in TRANSITIONS[current] and not joins_crew:
        raise ApiError(409, f"a job that is {current.value} cannot become {target.value}", "status")
    if (
        user.role == Role.ENGINEER.value
        and current is S.NEEDS_FOLLOW_UP
        and target in ENGINEER_RESTARTS
    ):
        raise ApiError(
            409,
            "a follow-up visit starts once a plan sends it (the dispatcher plans it)",
            "status",
        )
    used = data.get("parts_used") or []
    if used and target not in VISIT_ENDS:
        raise ApiError(
            422, "parts are reported when the visit ends (done or needs_follow_up)", "parts_used"
        )
    for i, item in enumerate(used):
        source_kind, source_id = _source(item.get("source"), engineer, i)
        if source_kind == "depot":
            _depot_within_reach(s, job, source_id, f"parts_used[{i}].source")
        consume(
            s,
            item["part"],
            source_kind,
            source_id,
            item["quantity"],
            job.id,
            user.id,
            f"parts_used[{i}]",
        )
    job.status = target.value
    if target is S.DONE:
        visit_done(s, job, data["at"])
    event = JobEvent(
        job=job,
        status=target.value,
        at=data["at"],
        user_id=user.id,
        engineer_id=engineer,
        note=data.get("note", ""),
        parts_used=[
            {"part": p["part"], "quantity": p["quantity"], "source": p.get("source") or "van"}
            for p in used
        ],
    )
    s.add(event)
    s.flush()
    return event


def _depot_within_reach(s: Session, job: Job, depot_id: str, field: str) -> None:
    """Parts for a job come from a depot of its region or a central one (no region): never
    from another region's shelves."""
    depot = s.get(Depot, depot_id)
    if depot is None:
        raise ApiError(422, f"depot '{depot_id}' does not exist", field)
    if depot.region_id is not None and depot.region_id != job.site.region_id:
        raise ApiError(
            422,
            f"depot '{depot_id}' is in region {depot.region_id}; the job is in"
            f" {job.site.region_id}",
            field,
        )


def _source(source: str | None, engineer: str | None, index: int) -> tuple[str, str]:
    """Where a used part comes from: the engineer's van by default, or a named depot."""
    if source in (None, "van"):
        if engineer is None:
            raise ApiError(
                422,
                "the job has no assigned engineer whose van holds the part; name a depot",
                f"parts_used[{index}].source",
            )
        return "van", engineer
    return "depot", source
