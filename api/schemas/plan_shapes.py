"""Shapes of day plans: requesting one, re-planning and ranking during the day, publishing, an engineer's day."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import AwareDateTime
from dispatch.model.day_state import DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN


class PlanRequestSchema(Schema):
    region = fields.String(required=True)
    date = fields.Date(required=True, metadata={"description": "the (first) day planned"})
    days = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=14),
        metadata={"description": "days planned together from date (a week: 7)"},
    )
    time_limit_s = fields.Float(load_default=30.0, validate=validate.Range(min=1, max=3600))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


class DayChangeSchema(Schema):
    """What the database cannot know of a day under way, and the price of changing it."""

    now = AwareDateTime(
        load_default=None, metadata={"description": "the time of the state (default: now)"}
    )
    unavailable = fields.Dict(
        keys=fields.String(),
        values=AwareDateTime(),
        load_default=dict,
        metadata={"description": "engineer id -> unavailable from"},
    )
    change_penalty = fields.Float(
        load_default=DEFAULT_CHANGE_PENALTY, validate=validate.Range(min=0)
    )
    tolerance_min = fields.Float(load_default=DEFAULT_TOLERANCE_MIN, validate=validate.Range(min=0))


class ReplanRequestSchema(DayChangeSchema):
    time_limit_s = fields.Float(load_default=2.0, validate=validate.Range(min=0.1, max=600))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


class WhoRequestSchema(DayChangeSchema):
    job_id = fields.String(required=True)
    top = fields.Integer(load_default=5, validate=validate.Range(1, 50))


class CandidateSchema(Schema):
    engineer = fields.String()
    name = fields.String()
    arrival = fields.String()
    start = fields.String()
    sla_met = fields.Boolean()
    late_min = fields.Float()
    extra_km = fields.Float()
    displaced = fields.List(
        fields.String(),
        metadata={
            "description": "jobs of that day given up, moved past the tolerance or made late"
        },
    )
    depot = fields.String(
        allow_none=True, metadata={"description": "the depot visited on the way for a part or tool"}
    )
    cost = fields.Float(metadata={"description": "what the insertion adds to the plan's objective"})
    crew = fields.List(
        fields.Dict(),
        metadata={
            "description": "for a crew job, the engineers who would go together, the lead "
            "(engineer) first: {id, name}; empty otherwise"
        },
    )


class WhoSchema(Schema):
    job_id = fields.String()
    run = fields.Integer()
    candidates = fields.List(fields.Nested(CandidateSchema))


class PublishSchema(Schema):
    run = fields.Integer()
    assignments = fields.Integer()
    published_at = AwareDateTime()


class DayArgs(Schema):
    date = fields.Date(required=True)


class WeekArgs(Schema):
    date = fields.Date(required=True, metadata={"description": "the first day"})
    days = fields.Integer(load_default=7, validate=validate.Range(min=1, max=14))


class AssignmentDaySchema(Schema):
    engineer = fields.Dict()
    date = fields.String()
    region = fields.String()
    run_id = fields.Integer(allow_none=True)
    stops = fields.List(
        fields.Dict(),
        metadata={
            "description": "sequence, type (job|depot|break), arrival, start, end, job or depot details, pickup"
        },
    )
    pickups = fields.List(
        fields.Dict(), metadata={"description": "parts to pick up: {depot, part, quantity}"}
    )


class AssignmentWeekSchema(Schema):
    engineer = fields.String()
    days = fields.List(fields.Nested(AssignmentDaySchema), metadata={"description": "day by day"})
