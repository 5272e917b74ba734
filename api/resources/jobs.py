"""Jobs: list, report (create), read, change, and their events (the status history)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api.auth import current_user, requires
from api.errors import ApiError, forbidden, not_found
from api.jobs import KINDS, assigned_engineer, create_job, record_event
from api.models import Job, JobEvent, JobStatus, Role, Site, User, utcnow
from api.resources.crud import filtered, page
from api.schemas import JobEventSchema, JobSchema, JobUpdateSchema, PageArgs, page_schema
from api.session import session

blp = Blueprint(
    "jobs", __name__, url_prefix="/api/v1", description="Service jobs and their life cycle."
)

JobListArgs = Schema.from_dict(
    {
        **PageArgs().fields,
        "status": fields.String(validate=validate.OneOf([s.value for s in JobStatus])),
        "kind": fields.String(validate=validate.OneOf(KINDS)),
        "region_id": fields.String(),
        "site_id": fields.String(),
    },
    name="JobListArgs",
)


class JobOutSchema(JobSchema):
    engineer_id = fields.String(
        allow_none=True,
        dump_only=True,
        metadata={"description": "engineer of the latest published assignment"},
    )


def _with_engineer(job: Job) -> Job:
    """The job with the engineer of its latest published assignment, for the response."""
    job.engineer_id = assigned_engineer(session(), job.id)  # type: ignore[attr-defined]
    return job


@blp.route("/jobs")
class Jobs(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(JobListArgs, location="query")
    @blp.response(200, page_schema(JobSchema, "JobPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List jobs, a page at a time; filter by status, kind, region or site."""
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
            query = query.join(Site, Site.id == Job.site_id).where(
                Site.region_id == args["region_id"]
            )
        return page(session(), query, args, Job.id)

    @requires(Role.DISPATCHER)
    @blp.arguments(JobSchema)
    @blp.response(201, JobSchema)
    def post(self, data: dict[str, Any]) -> Job:
        """Report a job; its response and repair deadlines follow from the contract.

        The deadlines count SLA time as the contract's coverage says (7x24, or
        working hours of the region's calendar for business-hours contracts).
        """
        s = session()
        if data.get("follow_up_of") is not None and s.get(Job, data["follow_up_of"]) is None:
            raise ApiError(422, f"job '{data['follow_up_of']}' does not exist", "follow_up_of")
        job = create_job(s, data)
        s.commit()
        return job


@blp.route("/jobs/<string:job_id>")
class JobItem(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.response(200, JobOutSchema)
    def get(self, job_id: str) -> Job:
        """Read a job with its deadlines, status and assigned engineer."""
        job = session().get(Job, job_id)
        if job is None:
            raise not_found("job", job_id, "job_id")
        return _with_engineer(job)

    @requires(Role.DISPATCHER)
    @blp.arguments(JobUpdateSchema)
    @blp.response(200, JobOutSchema)
    def patch(self, data: dict[str, Any], job_id: str) -> Job:
        """Change a job's details (its status changes only through events)."""
        s = session()
        job = s.get(Job, job_id)
        if job is None:
            raise not_found("job", job_id, "job_id")
        if job.status in (JobStatus.DONE.value, JobStatus.CANCELLED.value):
            raise ApiError(409, f"job {job_id} is {job.status} and can no longer change")
        for key, value in data.items():
            setattr(job, key, value)
        s.flush()
        out = _with_engineer(job)
        s.commit()
        return out


@blp.route("/jobs/<string:job_id>/events")
class JobEvents(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER, Role.ENGINEER)
    @blp.response(200, JobEventSchema(many=True))
    def get(self, job_id: str) -> list[JobEvent]:
        """A job's history, oldest first (an engineer: only jobs assigned to them)."""
        s = session()
        job = _job_for(s, job_id)
        names = dict(s.execute(select(User.id, User.name)).all())
        for e in job.events:
            e.user = names.get(e.user_id) if e.user_id is not None else None  # type: ignore[attr-defined]
        return list(job.events)

    @requires(Role.DISPATCHER, Role.ENGINEER)
    @blp.arguments(JobEventSchema)
    @blp.response(201, JobEventSchema)
    def post(self, data: dict[str, Any], job_id: str) -> JobEvent:
        """Report progress: en_route, on_site, done or needs_follow_up (with the parts used).

        Parts used leave the engineer's van (or the depot named as their source)
        in the same transaction; if any is not on hand, nothing is recorded (409).
        Dispatchers also set dispatched and cancelled. An engineer reports only
        jobs assigned to them.
        """
        s = session()
        job = _job_for(s, job_id)
        data["at"] = data.get("at") or utcnow()
        event = record_event(s, job, current_user(), data)
        event.user = current_user().name  # type: ignore[attr-defined]
        s.commit()
        return event


def _job_for(s: Any, job_id: str) -> Job:
    """The job, or 404; an engineer gets 403 for any job not theirs, known or not."""
    user = current_user()
    if user.role == Role.ENGINEER.value:
        if assigned_engineer(s, job_id) != user.engineer_id:
            raise forbidden()
    job = s.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id, "job_id")
    assert isinstance(job, Job)
    return job


__all__ = ["JobEvent", "blp"]
