"""Jobs: list, report (create), read, change, and their events (the status history)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_user, requires
from api.booking import book, release, slot_offer
from api.db import transaction
from api.job_lifecycle import history, report_progress
from api.job_tickets import change_job, job_page, read_job, report_job
from api.models import Job, JobEvent, Role
from api.schemas.common import PageArgs, page_schema
from api.schemas.job_shapes import (
    BookingSchema,
    JobEventSchema,
    JobListArgs,
    JobOutSchema,
    JobSchema,
    JobUpdateSchema,
    SlotOfferSchema,
    SlotRequestSchema,
)
from api.session import session

blp = Blueprint(
    "jobs", __name__, url_prefix="/api/v1", description="Service jobs and their life cycle."
)


@blp.route("/jobs")
class Jobs(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(JobListArgs, location="query")
    @blp.response(200, page_schema(JobSchema, "JobPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List jobs, a page at a time; filter by status, kind, region or site."""
        return job_page(session(), args)

    @requires(Role.DISPATCHER)
    @blp.arguments(JobSchema)
    @blp.response(201, JobSchema)
    def post(self, data: dict[str, Any]) -> Job:
        """Report a job; its response and repair deadlines follow from the contract.

        The deadlines count SLA time as the contract's coverage says (7x24, or
        working hours of the region's calendar for business-hours contracts).
        """
        with transaction(session()) as s:
            return report_job(s, data)


@blp.route("/jobs/<string:job_id>")
class JobItem(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.response(200, JobOutSchema)
    def get(self, job_id: str) -> Job:
        """Read a job with its deadlines, status and assigned engineer."""
        return read_job(session(), job_id)

    @requires(Role.DISPATCHER)
    @blp.arguments(JobUpdateSchema)
    @blp.response(200, JobOutSchema)
    def patch(self, data: dict[str, Any], job_id: str) -> Job:
        """Change a job's details (its status changes only through events)."""
        with transaction(session()) as s:
            return change_job(s, job_id, data)


@blp.route("/jobs/<string:job_id>/events")
class JobEvents(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER, Role.ENGINEER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(JobEventSchema, "JobEventPage"))
    def get(self, args: dict[str, Any], job_id: str) -> dict[str, Any]:
        """A job's history a page at a time, oldest first (an engineer: only jobs assigned to them)."""
        return history(session(), current_user(), job_id, args)

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
        with transaction(session()) as s:
            return report_progress(s, current_user(), job_id, data)


@blp.route("/jobs/<string:job_id>/slots", methods=["POST"])
@requires(Role.DISPATCHER)
@blp.arguments(SlotRequestSchema)
@blp.response(200, SlotOfferSchema)
def job_slots(data: dict[str, Any], job_id: str) -> dict[str, Any]:
    """Arrival windows the hotline may offer the customer, over the next days.

    Each slot says which engineer would go, when they would start, what it adds
    to the plan's objective, and whether every job already published keeps its
    engineer and start. Answered at once from the region's records and
    published plans, without planning.
    """
    return slot_offer(session(), job_id, data)


@blp.route("/jobs/<string:job_id>/book")
class JobBooking(MethodView):
    @requires(Role.DISPATCHER)
    @blp.arguments(BookingSchema)
    @blp.response(200, JobOutSchema)
    def post(self, data: dict[str, Any], job_id: str) -> Job:
        """Book an offered slot: it becomes the job's only window in every later plan.

        Refused (409) when the slot is no longer offered (the day has filled up
        since): ask for the slots again.
        """
        with transaction(session()) as s:
            return book(s, job_id, data)

    @requires(Role.DISPATCHER)
    @blp.response(200, JobOutSchema)
    def delete(self, job_id: str) -> Job:
        """Give up the job's appointment (the customer cancelled it)."""
        with transaction(session()) as s:
            return release(s, job_id)
