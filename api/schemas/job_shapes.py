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
    status = fields.String(dump_only=True)
    response_deadline = AwareDateTime(dump_only=True, allow_none=True)
    repair_deadline = AwareDateTime(dump_only=True, allow_none=True)
    updated_at = AwareDateTime(dump_only=True)


class JobOutSchema(JobSchema):
    engineer_id = fields.String(
        allow_none=True,
        dump_only=True,
        metadata={"description": "engineer of the latest published assignment"},
    )


class JobUpdateSchema(Schema):
    description = fields.String(validate=validate.Length(max=4000))
    priority = fields.Integer(validate=validate.Range(1, 9))
    earliest_start = AwareDateTime(allow_none=True)
    duration_min = fields.Integer(validate=validate.Range(1, 24 * 60))
    skills = Counts()
    parts = Counts()
    tools = Names()


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
