"""Appointments for the hotline: the slots a stored job could be booked into, and booking one.

The slots are worked out on the region's days as the records stand (engineers'
calendars, open jobs, stock: the problem a plan of those days would solve),
against what is published for them: each engineer's published stops on each
day, in order, are the plan whose promises a slot may keep or break. Jobs
booked since that plan was published hold their place too. A booked slot
becomes the job's only window on every later plan and re-plan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.day_problem import day_problem, job_json
from api.errors import ApiError, not_found
from api.job_lifecycle import OPEN
from api.job_tickets import read_job
from api.models import Assignment, Engineer, Job, Region, TicketStatus, utcnow
from api.region_clock import today

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from dispatch.model.draft import RouteDraft
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem


def slot_offer(s: Session, job_id: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The slots for ``job_id`` over ``args["days"]`` days from ``args["date"]``
    (the region's today when left out), ``args["length_min"]`` long each."""
    job, region = _bookable(s, job_id)
    now = args.get("now") or utcnow()
    first: date = args.get("date") or today(region, now)
    return {
        "job_id": job.id,
        "region": region.id,
        "date": first.isoformat(),
        "days": args["days"],
        "length_min": args["length_min"],
        "slots": _slots(s, job, region, first, args["days"], args["length_min"], now),
    }


def book(s: Session, job_id: str, data: Mapping[str, Any]) -> Job:
    """Fix the job's arrival window to an offered slot (409 when it is no longer offered)."""
    job, region = _bookable(s, job_id)
    start: datetime = data["start"]
    end: datetime = data["end"]
    if end <= start:
        raise ApiError(422, "must be after start", "end")
    length = (end - start).total_seconds() / 60.0
    first = start.astimezone(ZoneInfo(region.timezone)).date()
    offered = _slots(s, job, region, first, 1, length, data.get("now") or utcnow())
    if not any(
        datetime.fromisoformat(o["start"]) == start and datetime.fromisoformat(o["end"]) == end
        for o in offered
    ):
        raise ApiError(
            409,
            f"{start.isoformat()} to {end.isoformat()} is not a slot job '{job_id}' can be "
            "booked into now: ask for the slots again",
            "start",
        )
    job.appointment_start, job.appointment_end = start.astimezone(UTC), end.astimezone(UTC)
    s.flush()
    return read_job(s, job_id)


def release(s: Session, job_id: str) -> Job:
    """Give up the job's appointment: later plans place it on its usual windows again."""
    job, _ = _bookable(s, job_id)
    job.appointment_start = job.appointment_end = None
    s.flush()
    return read_job(s, job_id)


def with_appointments(s: Session, problem: dict[str, Any]) -> dict[str, Any]:
    """A stored problem with each job booked since narrowed to its appointment (one
    no shift can meet when the appointment is on none of its windows: another day)."""
    booked = {
        j.id: (j.appointment_start, j.appointment_end)
        for j in s.scalars(
            select(Job).where(
                Job.id.in_([str(raw["id"]) for raw in problem["jobs"]]),
                Job.appointment_start.is_not(None),
            )
        )
    }
    if not booked:
        return problem
    jobs = []
    for raw in problem["jobs"]:
        if raw["id"] not in booked:
            jobs.append(raw)
            continue
        first, last = booked[raw["id"]]
        assert first is not None and last is not None
        windows = []
        for w in raw["windows"]:
            start, end = datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"])
            begin, finish = max(start, first), min(end, last)
            if begin < finish:
                zone = start.tzinfo
                windows.append(
                    {
                        "start": begin.astimezone(zone).isoformat(),
                        "end": finish.astimezone(zone).isoformat(),
                    }
                )
        if not windows:
            # booked on another day: one instant at the appointment, which no shift of
            # these days meets, so the job stays out of them
            at = first.astimezone(datetime.fromisoformat(raw["windows"][0]["start"]).tzinfo)
            windows = [{"start": at.isoformat(), "end": at.isoformat()}]
        jobs.append({**raw, "windows": windows})
    return {**problem, "jobs": jobs}


def _bookable(s: Session, job_id: str) -> tuple[Job, Region]:
    job = s.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id, "job_id")
    if TicketStatus(job.status) not in OPEN:
        raise ApiError(
            409, f"job '{job_id}' is {job.status}: only a job not yet started can be booked"
        )
    region = s.get(Region, job.site.region_id)
    assert region is not None
    return job, region


def _slots(
    s: Session,
    job: Job,
    region: Region,
    first: date,
    days: int,
    length_min: float,
    now: datetime,
) -> list[dict[str, Any]]:
    from dispatch.io.problem_json import problem_from_json
    from dispatch.replanning.slots import offer_slots

    dates = [first + timedelta(days=d) for d in range(days)]
    wanted = job_json(region, dates, job, booked=False)
    if wanted is None:
        raise ApiError(
            422, f"job '{job.id}' cannot start on any day from {first} to {dates[-1]}", "date"
        )
    data = day_problem(s, region.id, first, 1.0, days=days)
    data["jobs"] = [j for j in data["jobs"] if j["id"] != job.id]
    problem = problem_from_json(data)
    plan, planned = _published(s, problem, data, region.id, dates, leave_out=job.id)
    booked = s.scalars(
        select(Job.id).where(Job.id.in_(problem.job_index), Job.appointment_start.is_not(None))
    )
    hold = [b for b in booked if b not in planned]
    clock = problem.clock
    earliest = max(0.0, clock.parse(now.isoformat(), "now"))
    slots = offer_slots(problem, plan, wanted, length_min=length_min, earliest=earliest, hold=hold)
    names = dict(
        s.execute(
            select(Engineer.id, Engineer.name).where(
                Engineer.id.in_({slot.engineer for slot in slots})
            )
        ).all()
    )
    zone = ZoneInfo(region.timezone)

    def at(t: float) -> str:
        return datetime.fromisoformat(str(clock.format(t))).astimezone(zone).isoformat()

    return [
        {
            "start": at(slot.start),
            "end": at(slot.end),
            "engineer": slot.engineer,
            "name": names.get(slot.engineer, slot.engineer),
            "planned_start": at(slot.planned_start),
            "added_cost": round(slot.added_cost, 2),
            "keeps_promises": slot.keeps_promises,
            "late_min": round(slot.late_min, 1),
        }
        for slot in slots
    ]


def _published(
    s: Session,
    problem: Problem,
    data: dict[str, Any],
    region_id: str,
    dates: list[date],
    leave_out: str,
) -> tuple[Plan, set[str]]:
    """The published stops of these days as a plan of ``problem`` (timed anew), and
    the jobs it holds. Stops of jobs no longer open, of engineers no longer on
    shift that day, and of ``leave_out`` are left out."""
    from dispatch.evaluate.timing import evaluate
    from dispatch.model.draft import RouteDraft, Visit
    from dispatch.model.reasons import StopType

    shift_of = _shift_days(data)
    rows = s.scalars(
        select(Assignment)
        .where(Assignment.region_id == region_id, Assignment.day.in_(dates))
        .order_by(Assignment.engineer_id, Assignment.day, Assignment.sequence)
    )
    routes: dict[tuple[str, int], list[Visit]] = {}
    breaks: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (row.engineer_id, shift_of.get((row.engineer_id, row.day), -1))
        if key[1] < 0 or key[0] not in problem.engineer_index:
            continue
        visits = routes.setdefault(key, [])
        if row.type == StopType.JOB.value and row.job_id in problem.job_index:
            if row.job_id != leave_out:
                visits.append(Visit(StopType.JOB, str(row.job_id), lead=row.lead))
        elif row.type == StopType.DEPOT.value and row.depot_id in problem.depot_index:
            visits.append(Visit(StopType.DEPOT, str(row.depot_id), dict(row.pickup)))
        elif row.type == StopType.BREAK.value:
            k = breaks.get(key, 0)
            if k < len(problem.engineers[problem.slot_index[key]].breaks):
                visits.append(Visit(StopType.BREAK, k))
                breaks[key] = k + 1
    drafts: list[RouteDraft] = [
        RouteDraft(engineer, tuple(visits), shift=shift)
        for (engineer, shift), visits in routes.items()
        if any(v.type is StopType.JOB for v in visits)
    ]
    planned = {str(v.ref) for d in drafts for v in d.visits if v.type is StopType.JOB}
    return evaluate(problem, drafts, []), planned


def _shift_days(data: dict[str, Any]) -> dict[tuple[str, date], int]:
    """(engineer, local day) -> index of that day's working shift (on-call ones left out)."""
    out: dict[tuple[str, date], int] = {}
    for raw in data["engineers"]:
        if "shift" in raw:
            out[(raw["id"], datetime.fromisoformat(raw["shift"]["start"]).date())] = 0
            continue
        for k, shift in enumerate(raw["shifts"]):
            if not shift.get("on_call"):
                out.setdefault((raw["id"], datetime.fromisoformat(shift["start"]).date()), k)
    return out
