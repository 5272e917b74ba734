"""Who am I (any signed-in user), and the users of the service (admins)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth import create_user, current_user, requires, user_page
from api.db import transaction
from api.models import Role, User
from api.resources.service import blp
from api.schemas.common import PageArgs, page_schema
from api.schemas.service_shapes import CreatedUserSchema, NewUserSchema, UserSchema
from api.session import session


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
        return user_page(session(), args)

    @requires()
    @blp.arguments(NewUserSchema)
    @blp.response(201, CreatedUserSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Make a user; the answer carries their token, which is never shown again."""
        with transaction(session()) as s:
            user, token = create_user(s, data["name"], data["role"], data["engineer_id"])
        return {**UserSchema().dump(user), "token": token}
