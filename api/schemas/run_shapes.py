"""Shapes of background runs as every kind answers them: one run, and a page of them."""

from __future__ import annotations

from marshmallow import fields, validate

from api.models import RunStatus
from api.schemas.common import AwareDateTime, Ordered, PageArgs


class RunSchema(Ordered):
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


class RunSummarySchema(RunSchema):
    """A run in a list: everything but its result."""

    class Meta:
        exclude = ("result",)


class RunListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf([s.value for s in RunStatus]))
    region = fields.String()
    date = fields.Date()
