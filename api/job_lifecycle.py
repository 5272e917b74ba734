"""Jobs: SLA deadlines when a fault is reported, and the status life cycle.

A job moves along :data:`TRANSITIONS`; each move is an event in its history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from api.calendar import working_calendar
from api.errors import ApiError, forbidden
from api.models import Assignment, Contract, Job, JobEvent, JobStatus, Region, Role, Site
from api.stock import consume
from dispatch.model.sla import Commitment, Coverage, deadlines

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from api.models import User

S = JobStatus
#: Which status a job may move to from each status. Cancelled and done are final.
TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
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
#: Who may report which status: the assigned engineer reports their own work.
ENGINEER_REPORTS = frozenset({S.EN_ROUTE, S.ON_SITE, S.DONE, S.NEEDS_FOLLOW_UP})

#: Planning priority of each kind of job unless given (1 is most urgent).
DEFAULT_PRIORITY = {"emergency": 1, "normal": 2, "follow_up": 2, "preventive": 3, "installation": 3}
KINDS = tuple(DEFAULT_PRIORITY)


def sla_deadlines(
    s: Session, site: Site, contract: Contract | None, kind: str, reported: datetime
) -> tuple[datetime | None, datetime | None]:
    """Response and repair deadlines the contract promises for this fault level."""
    if contract is None or kind not in contract.terms:
        return None, None
    term = contract.terms[kind]
    region = s.get(Region, site.region_id)
    assert region is not None
    found = deadlines(
        reported,
        Commitment(term["response_min"], term.get("repair_min")),
        Coverage(contract.coverage),
        working_calendar(region),
    )
    return found.response, found.repair


def create_job(s: Session, data: dict[str, Any]) -> Job:
    """A new job with its SLA deadlines derived from the contract and region calendar."""
    site = s.get(Site, data["site_id"])
    if site is None:
        raise ApiError(422, f"site '{data['site_id']}' does not exist", "site_id")
    contract = None
    if data.get("contract_id") is not None:
        contract = s.get(Contract, data["contract_id"])
        if contract is None:
            raise ApiError(422, f"contract '{data['contract_id']}' does not exist", "contract_id")
        if contract.customer_id != site.customer_id:
            raise ApiError(
                422, "the contract belongs to another customer than the site", "contract_id"
            )
    if s.get(Job, data["id"]) is not None:
        raise ApiError(409, f"job '{data['id']}' already exists", "id")
    kind = data["kind"]
    response, repair = sla_deadlines(s, site, contract, kind, data["reported_at"])
    job = Job(
        **{k: v for k, v in data.items() if k != "priority"},
        priority=data.get("priority") or DEFAULT_PRIORITY[kind],
        status=JobStatus.NEW.value,
        response_deadline=response,
        repair_deadline=repair,
    )
    s.add(job)
    s.add(JobEvent(job=job, status=JobStatus.NEW.value, at=data["reported_at"], note="reported"))
    s.flush()
    return job


def assigned_engineer(s: Session, job_id: str) -> str | None:
    """The engineer of the job's latest published assignment, if any."""
    return s.scalar(
        select(Assignment.engineer_id)
        .where(Assignment.job_id == job_id)
        .order_by(Assignment.day.desc(), Assignment.id.desc())
        .limit(1)
    )


def record_event(s: Session, job: Job, user: User, data: dict[str, Any]) -> JobEvent:
    """Move ``job`` to ``data["status"]``, consuming the parts used, all or nothing.

    Raises
    ------
    ApiError
        403 when an engineer reports a job not assigned to them or a status only a
        dispatcher sets; 409 when the move is not allowed from the job's status or a
        part used is not on hand where it is said to come from.
    """
    target = JobStatus(data["status"])
    engineer = assigned_engineer(s, job.id)
    if user.role == Role.ENGINEER.value:
        if engineer is None or engineer != user.engineer_id or target not in ENGINEER_REPORTS:
            raise forbidden()
        engineer = user.engineer_id
    current = JobStatus(job.status)
    if target not in TRANSITIONS[current]:
        raise ApiError(409, f"a job that is {current.value} cannot become {target.value}", "status")
    used = data.get("parts_used") or []
    if used and target not in (S.DONE, S.NEEDS_FOLLOW_UP):
        raise ApiError(
            422, "parts are reported when the visit ends (done or needs_follow_up)", "parts_used"
        )
    for i, item in enumerate(used):
        source_kind, source_id = _source(item.get("source"), engineer, i)
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
