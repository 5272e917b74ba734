"""What every shape shares: ids, local times of day, aware times, counts, names and pages.

Times are ISO 8601 with a time zone; times of day are "HH:MM" in the region's
local time; durations are minutes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from dispatch.model.entities import JobKind

ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,39}$",
    error="must be 1-40 letters, digits or ._+- (starting with a letter or digit)",
)
CLOCK = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
#: A job's kind, which is also the fault level a contract's terms are given for.
JOB_KINDS = [k.value for k in JobKind]


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


def Counts(**kw: Any) -> fields.Dict:
    """Name -> whole count of at least 0 (skills and their levels, parts and quantities)."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(1, 60)),
        values=fields.Integer(strict=True, validate=validate.Range(min=0)),
        **kw,
    )


def Names(**kw: Any) -> fields.List:
    """A list of short names (tools)."""
    return fields.List(fields.String(validate=validate.Length(1, 60)), **kw)


def iso_date(value: str) -> bool:
    """A validator: ``value`` is a date YYYY-MM-DD."""
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError("must be a date YYYY-MM-DD") from None
    return True


class Ordered(Schema):
    """Answers keep the fields in the order they are declared."""

    class Meta:
        ordered = True


#: The last page number a list answers (an offset the database can hold, with room).
LAST_PAGE = 10**9
#: The most items a page may ask for (the service's ``MAX_PAGE_SIZE`` may set fewer).
MOST_PER_PAGE = 500


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=LAST_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MOST_PER_PAGE))


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
