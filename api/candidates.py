"""Who should go to a new job: engineers ranked by what inserting it costs their published day.

Answered at once from the published plan and the state of the day, without a
re-plan (see :func:`dispatch.replanning.who.who`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.day_problem import job_json
from api.errors import ApiError
from api.models import Engineer, Job, Region, Run, RunKind, utcnow
from api.runs.store import run_of_kind
from api.state_of_day import day_under_way, published_parts, state_now

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session


def ranking(s: Session, run_id: int, request: Mapping[str, Any]) -> dict[str, Any]:
    """The ranking for ``request["job_id"]`` against the published plan run ``run_id``."""
    run = run_of_kind(s, RunKind.PLAN, run_id)
    return {"job_id": request["job_id"], "run": run.id, "candidates": rank(s, run, request)}


def job_for_ranking(s: Session, run: Run, job_id: str, day: date) -> dict[str, Any]:
    """A stored job in the contract's form on ``day`` (422 if it cannot be done that day)."""
    job = s.get(Job, job_id)
    if job is None:
        raise ApiError(422, f"job '{job_id}' does not exist", "job_id")
    region = s.get(Region, run.region_id)
    assert region is not None and run.day is not None
    found = job_json(region, [day], job) if job.site.region_id == region.id else None
    if found is None:
        raise ApiError(
            422, f"job '{job_id}' cannot be done in this region on {day.isoformat()}", "job_id"
        )
    return found


def rank(s: Session, run: Run, request: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Engineers for a stored job, best first, with times in the region's local time."""
    from dispatch.io.plan_json import plan_from_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.io.state_json import state_from_json
    from dispatch.replanning.who import who

    problem_data, plan_data = published_parts(run)
    job_id = request["job_id"]
    job = job_for_ranking(s, run, job_id, day_under_way(s, run, request.get("now") or utcnow()))
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
    state_data = state_now(s, run, problem_data, request, leave_out=job_id)
    ranking = who(
        problem, plan, job, top=request["top"], state=state_from_json(state_data, problem)
    )
    region = s.get(Region, run.region_id)
    assert region is not None
    zone = ZoneInfo(region.timezone)
    names = dict(
        s.execute(
            select(Engineer.id, Engineer.name).where(
                Engineer.id.in_([e for c in ranking for e in (c.engineer, *c.crew)])
            )
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
            "crew": [{"id": e, "name": names.get(e, e)} for e in c.crew],
        }
        for c in ranking
    ]
