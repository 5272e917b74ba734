"""Shapes of the service's own endpoints: its health, and the users who hold tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.models import Role
from api.schemas.common import ID, Ordered


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


class UserSchema(Ordered):
    id = fields.Integer()
    name = fields.String()
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    engineer_id = fields.String(allow_none=True)


class NewUserSchema(Schema):
    name = fields.String(required=True, validate=ID)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    engineer_id = fields.String(load_default=None, allow_none=True)


class CreatedUserSchema(UserSchema):
    token = fields.String(metadata={"description": "shown once; only its hash is stored"})
