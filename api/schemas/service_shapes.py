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
    active = fields.Boolean(metadata={"description": "false: the token is refused"})
    has_token = fields.Boolean(
        dump_only=True, metadata={"description": "false once revoked, until rotated"}
    )
    token_expires_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "null: valid until revoked or rotated"}
    )
    token_last_used_at = fields.AwareDateTime(allow_none=True)


class NewUserSchema(Schema):
    name = fields.String(required=True, validate=ID)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    engineer_id = fields.String(load_default=None, allow_none=True)


class CreatedUserSchema(UserSchema):
    token = fields.String(metadata={"description": "shown once; only its hash is stored"})
