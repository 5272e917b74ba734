"""Job tickets: a job as the service stores it, reported with its SLA deadlines, read, listed, changed.

A ticket's details change here; its status only moves through the events of
its life cycle (:mod:`api.job_lifecycle`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from api.errors import ApiError, not_found
from api.models import (
    Assignment,
    Contract,
    Engineer,
    Job,
    JobEvent,
    Region,
    Site,
    TicketStatus,
)
from api.paging import filtered, page
from api.region_clock import working_calendar
from dispatch.model.entities import JobKind
from dispatch.model.sla import Commitment, Coverage, deadlines

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from sqlalchemy.orm import Session

#: Tickets that can no longer change.
CLOSED = frozenset({TicketStatus.DONE, TicketStatus.CANCELLED})


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
    _check_preferred(s, data.get("preferred_engineers", ()))
    kind = data["kind"]
    response, repair = sla_deadlines(s, site, contract, kind, data["reported_at"])
    job = Job(
        **{k: v for k, v in data.items() if k != "priority"},
        priority=data.get("priority") or JobKind(kind).default_priority,
        status=TicketStatus.NEW.value,
        response_deadline=response,
        repair_deadline=repair,
    )
    s.add(job)
    s.add(JobEvent(job=job, status=TicketStatus.NEW.value, at=data["reported_at"], note="reported"))
    s.flush()
    return job


def report_job(s: Session, data: dict[str, Any]) -> Job:
    """A job reported through the API: a follow-up must name a job that exists."""
    if data.get("follow_up_of") is not None and s.get(Job, data["follow_up_of"]) is None:
        raise ApiError(422, f"job '{data['follow_up_of']}' does not exist", "follow_up_of")
    return create_job(s, data)


def _check_preferred(s: Session, names: Iterable[str]) -> None:
    """Preferred engineers must exist (422 naming the field)."""
    wanted = sorted(set(names))
    if not wanted:
        return
    known = set(s.scalars(select(Engineer.id).where(Engineer.id.in_(wanted))))
    unknown = [e for e in wanted if e not in known]
    if unknown:
        raise ApiError(422, f"unknown engineer(s): {', '.join(unknown)}", "preferred_engineers")


def assigned_engineers(s: Session, job_id: str) -> list[str]:
    """The engineers of the job's latest published day, its lead first (one but for
    a crew job)."""
    rows = s.execute(
        select(Assignment.engineer_id, Assignment.day, Assignment.lead)
        .where(Assignment.job_id == job_id)
        .order_by(Assignment.day.desc(), Assignment.lead.desc(), Assignment.id.desc())
    ).all()
    if not rows:
        return []
    latest = rows[0][1]
    return [engineer for engineer, day, _ in rows if day == latest]


def job_page(s: Session, args: Mapping[str, Any]) -> dict[str, Any]:
    """Jobs a page at a time, filtered by status, kind, site or the site's region."""
    query = filtered(
        select(Job),
        args,
        {
            "status": lambda v: Job.status == v,
            "kind": lambda v: Job.kind == v,
            "site_id": lambda v: Job.site_id == v,
        },
    )
    if "region_id" in args:
        query = query.join(Site, Site.id == Job.site_id).where(Site.region_id == args["region_id"])
    return page(s, query, args, Job.id)


def read_job(s: Session, job_id: str) -> Job:
    """The job (404 if unknown), naming the engineer of its latest published assignment."""
    job = s.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id, "job_id")
    return _with_engineer(s, job)


def change_job(s: Session, job_id: str, data: Mapping[str, Any]) -> Job:
    """The details given change (409 once the job is done or cancelled)."""
    job = s.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id, "job_id")
    if TicketStatus(job.status) in CLOSED:
        raise ApiError(409, f"job {job_id} is {job.status} and can no longer change")
    _check_preferred(s, data.get("preferred_engineers", ()))
    for key, value in data.items():
        setattr(job, key, value)
    s.flush()
    return _with_engineer(s, job)


def _with_engineer(s: Session, job: Job) -> Job:
    """The job carrying ``engineer_id`` for the answer (not a column: it comes from the assignments)."""
    crew = assigned_engineers(s, job.id)
    job.engineer_id = crew[0] if crew else None  # type: ignore[attr-defined]
    job.crew_engineers = crew if job.crew > 1 else []  # type: ignore[attr-defined]
    return job
