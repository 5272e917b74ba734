"""Shapes of spare parts on hand: levels, counts, receipts, transfers and the ledger."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.models import LOCATION_KINDS
from api.schemas.common import AwareDateTime, Ordered, PageArgs


class StockSchema(Ordered):
    part_id = fields.String(required=True)
    location_kind = fields.String(required=True, validate=validate.OneOf(LOCATION_KINDS))
    location_id = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class StockFilter(PageArgs):
    part_id = fields.String()
    location_kind = fields.String(validate=validate.OneOf(LOCATION_KINDS))
    location_id = fields.String()


class PlaceSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(LOCATION_KINDS))
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


class MovementSchema(Ordered):
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


MovementArgs = Schema.from_dict(
    {
        **PageArgs().fields,
        "part_id": fields.String(),
        "job_id": fields.String(),
        "location_id": fields.String(),
    },
    name="MovementArgs",
)
