"""Shapes of the installed base: assets with a maintenance cycle, and the visits they are due."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import AwareDateTime, Counts, Ordered

#: Visit ids are ``PM-<asset>-<YYYY-MM-DD>`` and job ids are at most 40 characters.
ASSET_ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,25}$",
    error="must be 1-26 letters, digits or ._+- (starting with a letter or digit)",
)
#: The longest horizon visits are generated for at once: a quarter.
LONGEST_HORIZON_DAYS = 92


class AssetSchema(Ordered):
    id = fields.String(required=True, validate=ASSET_ID)
    site_id = fields.String(required=True)
    contract_id = fields.String(load_default=None, allow_none=True)
    name = fields.String(required=True, validate=validate.Length(1, 160))
    cycle_days = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 3660),
        metadata={"description": "days between two preventive visits"},
    )
    tolerance_days = fields.Integer(
        load_default=0,
        strict=True,
        validate=validate.Range(min=0),
        metadata={"description": "a visit may be this many days before or after its due date"},
    )
    last_visit = fields.Date(
        required=True, metadata={"description": "date of the last visit done, YYYY-MM-DD"}
    )
    duration_min = fields.Integer(required=True, strict=True, validate=validate.Range(1, 24 * 60))
    priority = fields.Integer(load_default=3, strict=True, validate=validate.Range(1, 3))
    skills = Counts(load_default=dict)
    parts = Counts(load_default=dict)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if "cycle_days" in data and "tolerance_days" in data:
            if data["tolerance_days"] >= data["cycle_days"]:
                raise ValidationError("must be less than cycle_days", "tolerance_days")


class VisitRequestSchema(Schema):
    region_id = fields.String(required=True)
    first_day = fields.Date(
        required=True, metadata={"description": "first day of the horizon, YYYY-MM-DD"}
    )
    days = fields.Integer(
        load_default=7, strict=True, validate=validate.Range(1, LONGEST_HORIZON_DAYS)
    )


class VisitSchema(Schema):
    job_id = fields.String()
    asset_id = fields.String()
    site_id = fields.String()
    due = fields.Date(metadata={"description": "the day the visit is due"})
    earliest_start = AwareDateTime(metadata={"description": "opening of the tolerance band"})
    response_deadline = AwareDateTime(metadata={"description": "closing time of the due day"})
    status = fields.String()
    change = fields.String(
        metadata={"description": "created, updated (still new, band moved) or unchanged"}
    )


class VisitsSchema(Schema):
    region_id = fields.String()
    first_day = fields.Date()
    last_day = fields.Date()
    visits = fields.List(fields.Nested(VisitSchema))
    cancelled = fields.List(
        fields.String(),
        metadata={"description": "new visits no longer due (the unit's cycle or last visit moved)"},
    )
