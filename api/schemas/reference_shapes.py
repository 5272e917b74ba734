"""Shapes of the reference data: regions, engineers, customers, sites, contracts, depots, parts."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import ID, JOB_KINDS, ClockTime, Counts, Names, Ordered, iso_date


class RegionSchema(Ordered):
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
        fields.String(validate=iso_date),
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
        if travel is not None and travel.get("kind") == "osrm":
            _check_osrm(travel)


#: An OSRM profile name ("driving", "car", "truck-eu").
PROFILE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _check_osrm(travel: dict[str, Any]) -> None:
    """A region's road server is one the operator allowed (``OSRM_HOSTS``): the service
    fetches that address for every plan, so it must never be any address a user types."""
    from urllib.parse import urlsplit

    from flask import current_app

    url = travel.get("url", "http://127.0.0.1:5000")
    parts = urlsplit(url) if isinstance(url, str) else None
    allowed = set(current_app.config.get("OSRM_HOSTS", ()))
    if parts is None or parts.scheme not in ("http", "https") or parts.hostname is None:
        raise ValidationError("travel.url must be an http(s) address", "travel")
    if parts.hostname not in allowed or parts.username or parts.password:
        raise ValidationError(
            f"travel.url: host {parts.hostname} is not an allowed road server"
            f" (FIELDPLAN_OSRM_HOSTS: {', '.join(sorted(allowed)) or 'none'})",
            "travel",
        )
    profile = travel.get("profile", "driving")
    if not isinstance(profile, str) or not PROFILE.match(profile):
        raise ValidationError("travel.profile must be a profile name like driving", "travel")


class EngineerSchema(Ordered):
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
    duration_factor = fields.Float(
        load_default=1.0,
        validate=validate.Range(0.25, 4.0),
        metadata={"description": "their time on a job is its duration times this (trainee 1.3)"},
    )

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


class CustomerSchema(Ordered):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 160))


class SiteSchema(Ordered):
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


class ContractSchema(Ordered):
    id = fields.String(required=True, validate=ID)
    customer_id = fields.String(required=True)
    tier = fields.String(required=True, validate=validate.Length(1, 40))
    coverage = fields.String(required=True, validate=validate.OneOf(["7x24", "business_hours"]))
    terms = fields.Dict(
        keys=fields.String(validate=validate.OneOf(JOB_KINDS)),  # a fault level is a job kind
        values=fields.Nested(CommitmentSchema),
        load_default=dict,
        metadata={"description": "fault level -> {response_min, repair_min}: minutes of SLA time"},
    )


class DepotSchema(Ordered):
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


class PartSchema(Ordered):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 160))
    unit_cost = fields.Float(load_default=0.0, validate=validate.Range(min=0))
