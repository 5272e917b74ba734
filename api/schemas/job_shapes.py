"""Shapes of jobs: reporting one, changing it, listing them, and the events of its life cycle."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.models import TicketStatus
from api.schemas.common import (
    ID,
    JOB_KINDS,
    AwareDateTime,
    Counts,
    Names,
    Ordered,
    PageArgs,
)

#: The most engineers one job may need together.
MAX_CREW = 6


class JobSchema(Ordered):
    id = fields.String(required=True, validate=ID)
    site_id = fields.String(required=True)
    contract_id = fields.String(load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(JOB_KINDS))
    priority = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 9))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    reported_at = AwareDateTime(required=True)
    earliest_start = AwareDateTime(load_default=None, allow_none=True)
    duration_min = fields.Integer(required=True, validate=validate.Range(1, 24 * 60))
    skills = Counts(load_default=dict)
    parts = Counts(load_default=dict)
    tools = Names(load_default=list)
    follow_up_of = fields.String(load_default=None, allow_none=True)
    crew = fields.Integer(
        load_default=1,
        strict=True,
        validate=validate.Range(1, MAX_CREW),
        metadata={"description": "engineers who do the job together (a lift, a heavy unit)"},
    )
    preferred_engineers = Names(
        load_default=list,
        metadata={"description": "engineers the customer asks for; another one costs"},
    )
    asset_id = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the installed unit a preventive visit services"},
    )
    status = fields.String(dump_only=True)
    response_deadline = AwareDateTime(dump_only=True, allow_none=True)
    repair_deadline = AwareDateTime(dump_only=True, allow_none=True)
    appointment_start = AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "start of the booked arrival window (POST /jobs/{id}/book)"},
    )
    appointment_end = AwareDateTime(dump_only=True, allow_none=True)
    updated_at = AwareDateTime(dump_only=True)


class JobOutSchema(JobSchema):
    engineer_id = fields.String(
        allow_none=True,
        dump_only=True,
        metadata={"description": "engineer of the latest published assignment (a crew's lead)"},
    )
    crew_engineers = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "a crew job's engineers on its latest published day, lead first"},
    )


class JobUpdateSchema(Schema):
    description = fields.String(validate=validate.Length(max=4000))
    priority = fields.Integer(validate=validate.Range(1, 9))
    earliest_start = AwareDateTime(allow_none=True)
    duration_min = fields.Integer(validate=validate.Range(1, 24 * 60))
    skills = Counts()
    parts = Counts()
    tools = Names()
    crew = fields.Integer(strict=True, validate=validate.Range(1, MAX_CREW))
    preferred_engineers = Names()


JobListArgs = Schema.from_dict(
    {
        **PageArgs().fields,
        "status": fields.String(validate=validate.OneOf([s.value for s in TicketStatus])),
        "kind": fields.String(validate=validate.OneOf(JOB_KINDS)),
        "region_id": fields.String(),
        "site_id": fields.String(),
    },
    name="JobListArgs",
)


class PartUsedSchema(Schema):
    part = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    source = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "'van' (default) or a depot id"},
    )


class JobEventSchema(Ordered):
    id = fields.Integer(dump_only=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in TicketStatus if s is not TicketStatus.NEW]),
    )
    at = AwareDateTime(
        load_default=None, metadata={"description": "when it happened (default: now)"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    parts_used = fields.List(fields.Nested(PartUsedSchema), load_default=list)
    engineer_id = fields.String(dump_only=True, allow_none=True)
    user = fields.String(dump_only=True, allow_none=True)
    recorded_at = AwareDateTime(dump_only=True)


class SlotRequestSchema(Schema):
    date = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "first day (the region's today when left out)"},
    )
    days = fields.Integer(load_default=5, validate=validate.Range(1, 14))
    length_min = fields.Integer(load_default=120, validate=validate.Range(30, 8 * 60))
    now = AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "the moment of the call (default: now); no slot starts before"},
    )


class SlotSchema(Ordered):
    start = fields.String(metadata={"description": "arrival window start, region local time"})
    end = fields.String()
    engineer = fields.String()
    name = fields.String()
    planned_start = fields.String(metadata={"description": "when the engineer would start"})
    added_cost = fields.Float(metadata={"description": "what the plan's objective would add"})
    keeps_promises = fields.Boolean(
        metadata={"description": "every job already planned keeps its engineer and start"}
    )
    late_min = fields.Float(
        metadata={"description": "minutes past the job's response deadline it would start"}
    )


class SlotOfferSchema(Ordered):
    job_id = fields.String()
    region = fields.String()
    date = fields.String()
    days = fields.Integer()
    length_min = fields.Integer()
    slots = fields.List(fields.Nested(SlotSchema))


class BookingSchema(Schema):
    start = AwareDateTime(required=True)
    end = AwareDateTime(required=True)
    now = AwareDateTime(load_default=None, allow_none=True)
