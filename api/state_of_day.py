"""The day as it goes: the published plan, the state the stored events describe, re-plans.

The state (``fieldplan.dispatch.state/1``) is read off the database: jobs done
or waiting for a follow-up are done, jobs an engineer is on site at are in
progress since that report, cancelled ones are cancelled, and open jobs of the
region the published plan does not know are new. What the database cannot
know (an engineer off sick from 11:00) the dispatcher says in the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.errors import ApiError
from api.models import Engineer, Job, JobEvent, JobStatus, Region, Run, RunKind, RunStatus, Site
from api.problems import job_json
from dispatch.io.state_json import STATE_SCHEMA

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

DONE = {JobStatus.DONE.value, JobStatus.NEEDS_FOLLOW_UP.value}


def published_run(s: Session, region_id: str, day: date) -> Run:
    """The plan of the region's day that is published now (409 if there is none)."""
    run = s.scalar(
        select(Run).where(
            Run.kind == RunKind.PLAN.value,
            Run.status == RunStatus.DONE.value,
            Run.region_id == region_id,
            Run.day == day,
            Run.published_at.is_not(None),
            Run.superseded_at.is_(None),
        )
    )
    if run is None:
        raise ApiError(409, f"no plan of region '{region_id}' for {day.isoformat()} is published")
    return run


def state_of_day(
    s: Session,
    run: Run,
    problem: dict[str, Any],
    now: datetime,
    unavailable: dict[str, datetime],
    disruption: dict[str, float],
    leave_out: str | None = None,
) -> dict[str, Any]:
    """The state of ``run``'s day at ``now`` from the stored events (contract JSON)."""
    assert run.region_id is not None and run.day is not None
    planned = {j["id"] for j in problem["jobs"]}
    engineers = {e["id"] for e in problem["engineers"]}
    jobs: dict[str, Any] = {}
    for job in s.scalars(select(Job).where(Job.id.in_(planned))):
        if job.status in DONE:
            jobs[job.id] = {"status": "done"}
        elif job.status == JobStatus.CANCELLED.value:
            jobs[job.id] = {"status": "cancelled"}
        elif job.status == JobStatus.ON_SITE.value:
            event = s.scalar(
                select(JobEvent)
                .where(JobEvent.job_id == job.id, JobEvent.status == JobStatus.ON_SITE.value)
                .order_by(JobEvent.id.desc())
                .limit(1)
            )
            if event is not None and event.engineer_id in engineers:
                jobs[job.id] = {
                    "status": "in_progress",
                    "engineer": event.engineer_id,
                    "started": min(event.at, now).isoformat(),
                }
    for eid in unavailable:
        if eid not in engineers:
            raise ApiError(
                422, f"engineer '{eid}' does not work in this plan", f"unavailable.{eid}"
            )
    region = s.get(Region, run.region_id)
    assert region is not None
    offered = [
        job_json(region, run.day, j)
        for j in s.scalars(
            select(Job)
            .join(Site, Site.id == Job.site_id)
            .where(
                Site.region_id == run.region_id,
                Job.status.in_([JobStatus.NEW.value, JobStatus.NEEDS_FOLLOW_UP.value]),
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


def job_for_ranking(s: Session, run: Run, job_id: str) -> dict[str, Any]:
    """A stored job in the contract's form on the run's day (422 if it cannot be done that day)."""
    job = s.get(Job, job_id)
    if job is None:
        raise ApiError(422, f"job '{job_id}' does not exist", "job_id")
    region = s.get(Region, run.region_id)
    assert region is not None and run.day is not None
    found = job_json(region, run.day, job) if job.site.region_id == region.id else None
    if found is None:
        raise ApiError(
            422, f"job '{job_id}' cannot be done in this region on {run.day.isoformat()}", "job_id"
        )
    return found


def solved_problem(run: Run) -> dict[str, Any] | None:
    """The problem a run's plan answers: the rest-of-day problem for a re-plan."""
    if run.result is not None and "problem" in run.result:
        found: dict[str, Any] = run.result["problem"]
        return found
    return run.problem


def _published_parts(s: Session, run: Run) -> tuple[dict[str, Any], dict[str, Any]]:
    if run.status != RunStatus.DONE.value or run.result is None:
        raise ApiError(409, f"plan {run.id} is {run.status}; only a finished plan can be changed")
    if run.published_at is None or run.superseded_at is not None:
        raise ApiError(409, f"plan {run.id} is not the published plan of its day")
    problem = solved_problem(run)
    assert problem is not None
    return problem, run.result["plan"]


def _now(data: dict[str, Any]) -> datetime:
    from api.models import utcnow

    now: datetime = data.get("now") or utcnow()
    return now


def day_bundle(s: Session, run: Run, data: dict[str, Any]) -> dict[str, Any]:
    """What a re-plan needs: the published problem and plan and the state of the day."""
    problem, plan = _published_parts(s, run)
    disruption = {"change_penalty": data["change_penalty"], "tolerance_min": data["tolerance_min"]}
    state = state_of_day(s, run, problem, _now(data), data["unavailable"], disruption)
    _check_state(state, problem)
    return {"problem": problem, "plan": plan, "state": state}


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


def rank(s: Session, run: Run, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Engineers for a stored job, best first (see :func:`dispatch.replanning.rest_of_day.who`)."""
    from dispatch.io.plan_json import plan_from_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.io.state_json import state_from_json
    from dispatch.replanning.who import who

    problem_data, plan_data = _published_parts(s, run)
    job_id = data["job_id"]
    job = job_for_ranking(s, run, job_id)
    if any(stop.get("id") == job_id for r in plan_data["routes"] for stop in r["stops"]):
        raise ApiError(
            409, f"job '{job_id}' is already in the published plan; re-plan to move it", "job_id"
        )
    if job_id in {j["id"] for j in problem_data["jobs"]}:  # planned for, left unassigned
        problem_data = {
            **problem_data,
            "jobs": [j for j in problem_data["jobs"] if j["id"] != job_id],
        }
        plan_data = {
            **plan_data,
            "jobs": [o for o in plan_data["jobs"] if o["id"] != job_id],
            "unassigned": [u for u in plan_data.get("unassigned", []) if u["id"] != job_id],
        }
    problem = problem_from_json(problem_data)
    plan = plan_from_json(plan_data, problem.clock)
    disruption = {"change_penalty": data["change_penalty"], "tolerance_min": data["tolerance_min"]}
    state_data = state_of_day(
        s, run, problem_data, _now(data), data["unavailable"], disruption, leave_out=job_id
    )
    _check_state(state_data, problem_data)
    ranking = who(problem, plan, job, top=data["top"], state=state_from_json(state_data, problem))
    region = s.get(Region, run.region_id)
    assert region is not None
    zone = ZoneInfo(region.timezone)
    names = dict(
        s.execute(
            select(Engineer.id, Engineer.name).where(Engineer.id.in_([c.engineer for c in ranking]))
        ).all()
    )

    def at(t: float) -> str:
        return datetime.fromisoformat(str(problem.clock.format(t))).astimezone(zone).isoformat()

    return [
        {
            "engineer": c.engineer,
            "name": names.get(c.engineer, c.engineer),
            "arrival": at(c.arrival),
            "start": at(c.start),
            "sla_met": c.sla_met,
            "late_min": round(c.late_min, 1),
            "extra_km": round(c.extra_km, 2),
            "displaced": list(c.displaced),
            "depot": c.depot,
            "cost": round(c.cost, 2),
        }
        for c in ranking
    ]
