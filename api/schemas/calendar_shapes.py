"""Shapes of the engineers' calendars: absences and the on-call rota."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from api.models import AbsenceKind
from api.schemas.common import ID, AwareDateTime, Ordered

#: The longest on-call duty: a weekend, or a week of nights as one stretch.
LONGEST_DUTY = timedelta(days=7)


class AbsenceSchema(Ordered):
    id = fields.String(required=True, validate=ID)
    engineer_id = fields.String(required=True)
    first_day = fields.Date(required=True, metadata={"description": "first day off, YYYY-MM-DD"})
    last_day = fields.Date(required=True, metadata={"description": "last day off, included"})
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in AbsenceKind]))
    note = fields.String(load_default="", validate=validate.Length(max=240))

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if "first_day" in data and "last_day" in data and data["last_day"] < data["first_day"]:
            raise ValidationError("must not be before first_day", "last_day")


class OnCallDutySchema(Ordered):
    id = fields.String(required=True, validate=ID)
    region_id = fields.String(required=True)
    engineer_id = fields.String(required=True)
    start = AwareDateTime(required=True)
    end = AwareDateTime(required=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if "start" in data and "end" in data:
            if data["end"] <= data["start"]:
                raise ValidationError("must be after start", "end")
            if data["end"] - data["start"] > LONGEST_DUTY:
                raise ValidationError("a duty lasts at most 7 days", "end")
