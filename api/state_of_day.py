"""The day as it goes: the state the stored events describe, and what a re-plan starts from.

The state (``fieldplan.dispatch.state/1``) is read off the database: jobs done
or waiting for a follow-up are done, jobs an engineer is on site at are in
progress since that report, cancelled ones are cancelled, and open jobs of the
region the published plan does not know are new. What the database cannot
know (an engineer off sick from 11:00) the dispatcher says in the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.booking import with_appointments
from api.day_problem import job_json
from api.errors import ApiError
from api.models import Job, JobEvent, Region, Run, RunKind, RunStatus, Site, TicketStatus, utcnow
from api.runs.results import solved_problem
from dispatch.io.state_json import STATE_SCHEMA
from dispatch.model.day_state import ReportedStatus

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date, datetime

    from sqlalchemy.orm import Session

#: What the state of the day reports for a job that is in each of these stored statuses.
REPORTED_AS = {
    TicketStatus.DONE: ReportedStatus.DONE,
    TicketStatus.NEEDS_FOLLOW_UP: ReportedStatus.DONE,
    TicketStatus.CANCELLED: ReportedStatus.CANCELLED,
    TicketStatus.ON_SITE: ReportedStatus.IN_PROGRESS,
}


def day_under_way(s: Session, run: Run, now: datetime) -> date:
    """The day of ``run`` that a re-plan at ``now`` works on: its day, or for a plan of
    several days the region's local day of ``now``, which must be one of them and not
    since published by another plan (409 otherwise)."""
    from api.publish import covered_days

    assert run.region_id is not None and run.day is not None
    days = covered_days(run)
    if len(days) == 1:
        return run.day
    region = s.get(Region, run.region_id)
    assert region is not None
    day = now.astimezone(ZoneInfo(region.timezone)).date()
    if day not in days:
        raise ApiError(
            409,
            f"plan {run.id} covers {days[0]} to {days[-1]}; {now.isoformat()} is on {day}",
            "now",
        )
    later = s.scalars(
        select(Run.id).where(
            Run.kind == RunKind.PLAN.value,
            Run.region_id == run.region_id,
            Run.day == day,
            Run.published_at > run.published_at,
            Run.superseded_at.is_(None),
        )
    ).first()
    if later is not None:
        raise ApiError(409, f"plan {later} is the published plan of {day}: re-plan that one")
    return day


def state_of_day(
    s: Session,
    run: Run,
    problem: dict[str, Any],
    now: datetime,
    unavailable: Mapping[str, datetime],
    disruption: dict[str, float],
    leave_out: str | None = None,
) -> dict[str, Any]:
    """The state of ``run``'s day at ``now`` from the stored events (contract JSON)."""
    assert run.region_id is not None and run.day is not None
    day = day_under_way(s, run, now)
    planned = {j["id"] for j in problem["jobs"]}
    engineers = {e["id"] for e in problem["engineers"]}
    jobs: dict[str, Any] = {}
    for job in s.scalars(select(Job).where(Job.id.in_(planned))):
        reported = REPORTED_AS.get(TicketStatus(job.status))
        if reported is ReportedStatus.IN_PROGRESS:
            event = s.scalar(
                select(JobEvent)
                .where(JobEvent.job_id == job.id, JobEvent.status == TicketStatus.ON_SITE.value)
                .order_by(JobEvent.id.desc())
                .limit(1)
            )
            if event is not None and event.engineer_id in engineers:
                jobs[job.id] = {
                    "status": reported.value,
                    "engineer": event.engineer_id,
                    "started": min(event.at, now).isoformat(),
                }
        elif reported is not None:
            jobs[job.id] = {"status": reported.value}
    for eid in unavailable:
        if eid not in engineers:
            raise ApiError(
                422, f"engineer '{eid}' does not work in this plan", f"unavailable.{eid}"
            )
    region = s.get(Region, run.region_id)
    assert region is not None
    offered = [
        job_json(region, [day], j)
        for j in s.scalars(
            select(Job)
            .join(Site, Site.id == Job.site_id)
            .where(
                Site.region_id == run.region_id,
                Job.status.in_([TicketStatus.NEW.value, TicketStatus.NEEDS_FOLLOW_UP.value]),
                Job.id.not_in(planned),
                Job.reported_at <= now,
            )
            .order_by(Job.id)
        )
        if j.id != leave_out
    ]
    new_jobs = [j for j in offered if j is not None]
    return {
        "schema": STATE_SCHEMA,
        "now": now.isoformat(),
        "jobs": jobs,
        "engineers": {eid: {"unavailable_from": at.isoformat()} for eid, at in unavailable.items()},
        "new_jobs": new_jobs,
        "disruption": disruption,
    }


def published_parts(run: Run) -> tuple[dict[str, Any], dict[str, Any]]:
    """The problem and plan of the published plan ``run`` (409 for any other run)."""
    if run.status != RunStatus.DONE.value or run.result is None:
        raise ApiError(409, f"plan {run.id} is {run.status}; only a finished plan can be changed")
    if run.published_at is None or run.superseded_at is not None:
        raise ApiError(409, f"plan {run.id} is not the published plan of its day")
    problem = solved_problem(run)
    assert problem is not None
    return problem, run.result["plan"]


def state_now(
    s: Session,
    run: Run,
    problem: dict[str, Any],
    change: Mapping[str, Any],
    leave_out: str | None = None,
) -> dict[str, Any]:
    """The state of the day at the change's ``now`` (default: now), checked against the plan.

    ``change`` is what the request says: ``now``, ``unavailable``, ``change_penalty``
    and ``tolerance_min``.
    """
    now: datetime = change.get("now") or utcnow()
    disruption = {
        "change_penalty": change["change_penalty"],
        "tolerance_min": change["tolerance_min"],
    }
    state = state_of_day(s, run, problem, now, change["unavailable"], disruption, leave_out)
    _check_state(state, problem)
    return state


def replan_bundle(s: Session, run: Run, change: Mapping[str, Any]) -> dict[str, Any]:
    """What a re-plan needs: the published problem and plan and the state of the day.

    A plan of several days is re-planned on the day under way (the engine cuts it out)."""
    problem, plan = published_parts(run)
    problem = with_en_route(s, with_appointments(s, problem))
    return {"problem": problem, "plan": plan, "state": state_now(s, run, problem, change)}


def with_en_route(s: Session, problem: dict[str, Any]) -> dict[str, Any]:
    """``problem`` with each job an engineer has set off to pinned to that engineer: en route
    counts as started for them, so a re-plan never hands it to someone else."""
    ids = [j["id"] for j in problem["jobs"]]
    engineers = {e["id"] for e in problem["engineers"]}
    pinned: dict[str, str] = {}
    for job_id in s.scalars(
        select(Job.id).where(Job.id.in_(ids), Job.status == TicketStatus.EN_ROUTE.value)
    ):
        engineer = s.scalar(
            select(JobEvent.engineer_id)
            .where(JobEvent.job_id == job_id, JobEvent.status == TicketStatus.EN_ROUTE.value)
            .order_by(JobEvent.id.desc())
            .limit(1)
        )
        if engineer is not None and engineer in engineers:
            pinned[job_id] = engineer
    if not pinned:
        return problem
    jobs = [
        {**j, "pinned_engineer": pinned[j["id"]]} if j["id"] in pinned else j
        for j in problem["jobs"]
    ]
    return {**problem, "jobs": jobs}


def _check_state(state: dict[str, Any], problem: dict[str, Any]) -> None:
    from dispatch.errors import ProblemError
    from dispatch.io.problem_json import problem_from_json
    from dispatch.io.state_json import state_from_json

    try:
        state_from_json(state, problem_from_json(problem))
    except ProblemError as exc:
        raise ApiError(
            422, f"the state of the day does not fit the plan: {exc}", exc.path
        ) from None
