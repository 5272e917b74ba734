"""Request and response shapes (marshmallow): they validate input and document the API.

Times are ISO 8601 with a time zone; times of day are "HH:MM" in the region's
local time; durations are minutes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.jobs import KINDS
from api.models import JobStatus, Role

ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,39}$",
    error="must be 1-40 letters, digits or ._+- (starting with a letter or digit)",
)
CLOCK = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
FAULT_LEVELS = KINDS


class ClockTime(fields.String):
    """A local time of day, "HH:MM" (24:00 allowed as an end)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not CLOCK.match(text):
            raise ValidationError("must be a time of day HH:MM")
        return text


class AwareDateTime(fields.AwareDateTime):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)


Counts = lambda **kw: fields.Dict(  # noqa: E731
    keys=fields.String(validate=validate.Length(1, 60)),
    values=fields.Integer(strict=True, validate=validate.Range(min=0)),
    **kw,
)
Names = lambda **kw: fields.List(fields.String(validate=validate.Length(1, 60)), **kw)  # noqa: E731


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class _Ordered(Schema):
    class Meta:
        ordered = True


class RegionSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    timezone = fields.String(required=True, validate=validate.Length(1, 64))
    opens = ClockTime(load_default="08:00")
    closes = ClockTime(load_default="18:00")
    weekdays = fields.List(
        fields.Integer(validate=validate.Range(0, 6)),
        load_default=lambda: [0, 1, 2, 3, 4],
        validate=validate.Length(min=1),
    )
    holidays = fields.List(
        fields.String(validate=lambda v: _iso_date(v)),
        load_default=list,
        metadata={"description": "public holidays, YYYY-MM-DD"},
    )
    travel = fields.Dict(
        load_default=lambda: {"kind": "great_circle", "speed_kmh": 35.0, "circuity": 1.3}
    )
    objective = fields.Dict(load_default=dict)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if "timezone" in data:
            try:
                ZoneInfo(data["timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                raise ValidationError("unknown time zone", "timezone") from None
        if "opens" in data and "closes" in data and data["closes"] <= data["opens"]:
            raise ValidationError("must be after opens", "closes")
        travel = data.get("travel")
        if travel is not None and travel.get("kind") not in (
            "great_circle",
            "euclidean",
            "osrm",
            "matrix",
        ):
            raise ValidationError("kind must be great_circle, euclidean, osrm or matrix", "travel")


class EngineerSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    region_id = fields.String(required=True)
    home_lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    home_lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    shift_start = ClockTime(load_default="08:00")
    shift_end = ClockTime(load_default="17:00")
    workdays = fields.List(
        fields.Integer(validate=validate.Range(0, 6)), load_default=lambda: [0, 1, 2, 3, 4]
    )
    max_overtime_min = fields.Integer(load_default=0, validate=validate.Range(0, 600))
    break_earliest = ClockTime(load_default=None, allow_none=True)
    break_latest = ClockTime(load_default=None, allow_none=True)
    break_min = fields.Integer(load_default=0, validate=validate.Range(0, 240))
    skills = Counts(
        load_default=dict, metadata={"description": "skill -> level (1 basic .. 3 expert)"}
    )
    tools = Names(load_default=list)
    active = fields.Boolean(load_default=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if (
            "shift_start" in data
            and "shift_end" in data
            and data["shift_end"] <= data["shift_start"]
        ):
            raise ValidationError("must be after shift_start", "shift_end")
        if data.get("break_min") and not (data.get("break_earliest") and data.get("break_latest")):
            raise ValidationError("a break needs break_earliest and break_latest", "break_min")


class CustomerSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 160))


class SiteSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    customer_id = fields.String(required=True)
    region_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 160))
    address = fields.String(load_default="", validate=validate.Length(max=240))
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    opens = ClockTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "access from (local), none for any time"},
    )
    closes = ClockTime(load_default=None, allow_none=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if (
            (data.get("opens") is None) != (data.get("closes") is None)
            and "opens" in data
            and "closes" in data
        ):
            raise ValidationError("give both opens and closes, or neither", "closes")
        if data.get("opens") and data.get("closes") and data["closes"] <= data["opens"]:
            raise ValidationError("must be after opens", "closes")


class CommitmentSchema(Schema):
    response_min = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    repair_min = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0, min_inclusive=False)
    )


class ContractSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    customer_id = fields.String(required=True)
    tier = fields.String(required=True, validate=validate.Length(1, 40))
    coverage = fields.String(required=True, validate=validate.OneOf(["7x24", "business_hours"]))
    terms = fields.Dict(
        keys=fields.String(validate=validate.OneOf(FAULT_LEVELS)),
        values=fields.Nested(CommitmentSchema),
        load_default=dict,
        metadata={"description": "fault level -> {response_min, repair_min}: minutes of SLA time"},
    )


class JobSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    site_id = fields.String(required=True)
    contract_id = fields.String(load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
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


class JobUpdateSchema(Schema):
    description = fields.String(validate=validate.Length(max=4000))
    priority = fields.Integer(validate=validate.Range(1, 9))
    earliest_start = AwareDateTime(allow_none=True)
    duration_min = fields.Integer(validate=validate.Range(1, 24 * 60))
    skills = Counts()
    parts = Counts()
    tools = Names()


class PartUsedSchema(Schema):
    part = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    source = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "'van' (default) or a depot id"},
    )


class JobEventSchema(_Ordered):
    id = fields.Integer(dump_only=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in JobStatus if s is not JobStatus.NEW]),
    )
    at = AwareDateTime(
        load_default=None, metadata={"description": "when it happened (default: now)"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    parts_used = fields.List(fields.Nested(PartUsedSchema), load_default=list)
    engineer_id = fields.String(dump_only=True, allow_none=True)
    user = fields.String(dump_only=True, allow_none=True)
    recorded_at = AwareDateTime(dump_only=True)


class DepotSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    region_id = fields.String(load_default=None, allow_none=True)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    kind = fields.String(load_default="regional", validate=validate.OneOf(["central", "regional"]))
    address = fields.String(load_default="", validate=validate.Length(max=240))
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    opens = ClockTime(load_default="08:00")
    closes = ClockTime(load_default="18:00")
    pickup_min = fields.Integer(load_default=15, validate=validate.Range(0, 240))
    tools = Names(load_default=list)


class PartSchema(_Ordered):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 160))
    unit_cost = fields.Float(load_default=0.0, validate=validate.Range(min=0))


class StockSchema(_Ordered):
    part_id = fields.String(required=True)
    location_kind = fields.String(required=True, validate=validate.OneOf(["depot", "van"]))
    location_id = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class StockFilter(PageArgs):
    part_id = fields.String()
    location_kind = fields.String(validate=validate.OneOf(["depot", "van"]))
    location_id = fields.String()


class PlaceSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["depot", "van"]))
    id = fields.String(required=True)


class TransferSchema(Schema):
    part_id = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    from_ = fields.Nested(PlaceSchema, data_key="from", required=True)
    to = fields.Nested(PlaceSchema, required=True)


class ReceiptSchema(Schema):
    part_id = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    to = fields.Nested(PlaceSchema, required=True)


class MovementSchema(_Ordered):
    id = fields.Integer()
    at = AwareDateTime()
    part_id = fields.String()
    quantity = fields.Integer()
    from_kind = fields.String(allow_none=True)
    from_id = fields.String(allow_none=True)
    to_kind = fields.String(allow_none=True)
    to_id = fields.String(allow_none=True)
    reason = fields.String()
    job_id = fields.String(allow_none=True)


class PlanRequestSchema(Schema):
    region = fields.String(required=True)
    date = fields.Date(required=True)
    time_limit_s = fields.Float(load_default=30.0, validate=validate.Range(min=1, max=3600))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


class StockPlanRequestSchema(Schema):
    problem = fields.Dict(
        required=True,
        metadata={
            "description": "a stock problem in the contract form (fieldplan.inventory.problem/1)"
        },
    )


class ScenarioRequestSchema(Schema):
    region = fields.String(required=True)
    date = fields.Date(required=True)
    time_limit_s = fields.Float(load_default=10.0, validate=validate.Range(min=1, max=600))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))
    variants = fields.List(
        fields.Dict(),
        required=True,
        validate=validate.Length(1, 10),
        metadata={
            "description": "changes to the day: remove_engineers, add_engineers, emergency_response_min"
        },
    )


class RunSchema(_Ordered):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    region = fields.String(attribute="region_id", allow_none=True)
    date = fields.Date(attribute="day", allow_none=True)
    params = fields.Dict()
    progress = fields.Dict()
    error = fields.String(allow_none=True)
    created_at = AwareDateTime()
    started_at = AwareDateTime(allow_none=True)
    finished_at = AwareDateTime(allow_none=True)
    published_at = AwareDateTime(allow_none=True)
    superseded_at = AwareDateTime(allow_none=True)
    result = fields.Dict(
        allow_none=True,
        metadata={"description": "plan: {plan}; stock: {plan}; scenario: {baseline, variants}"},
    )


class RunListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(["queued", "running", "done", "failed"]))
    region = fields.String()
    date = fields.Date()


class PublishSchema(Schema):
    run = fields.Integer()
    assignments = fields.Integer()
    published_at = AwareDateTime()


class DayArgs(Schema):
    date = fields.Date(required=True)


class UserSchema(_Ordered):
    id = fields.Integer()
    name = fields.String()
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    engineer_id = fields.String(allow_none=True)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A page of ``item``: ``{items, page, per_page, total}``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


def _iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError("must be a date YYYY-MM-DD") from None
    return True
