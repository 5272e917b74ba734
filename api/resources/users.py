"""The health check (no token needed), who am I, and users (admins)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select, text

from api.auth import create_user, current_user, requires
from api.models import Role, User
from api.resources.crud import page
from api.schemas import ID, PageArgs, UserSchema, page_schema
from api.session import session

blp = Blueprint(
    "service", __name__, url_prefix="/api/v1", description="Health, identity and users."
)


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


class NewUserSchema(Schema):
    name = fields.String(required=True, validate=ID)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    engineer_id = fields.String(load_default=None, allow_none=True)


class CreatedUserSchema(UserSchema):
    token = fields.String(metadata={"description": "shown once; only its hash is stored"})


@blp.route("/health")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
def health() -> dict[str, Any]:
    """Is the service up and its database reachable? No token needed."""
    session().execute(text("SELECT 1"))
    return {"status": "ok", "database": session().get_bind().dialect.name}


@blp.route("/me")
@requires(Role.DISPATCHER, Role.PLANNER, Role.ENGINEER)
@blp.response(200, UserSchema)
def me() -> User:
    """The user the token belongs to."""
    return current_user()


@blp.route("/users")
class Users(MethodView):
    @requires()
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(UserSchema, "UserPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List users."""
        return page(session(), select(User), args, User.id)

    @requires()
    @blp.arguments(NewUserSchema)
    @blp.response(201, CreatedUserSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Make a user; the answer carries their token, which is never shown again."""
        s = session()
        user, token = create_user(s, data["name"], data["role"], data["engineer_id"])
        out = {**UserSchema().dump(user), "token": token}
        s.commit()
        return out
