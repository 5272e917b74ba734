"""Who am I (any signed-in user), and the users of the service (admins)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth import create_user, current_user, requires, token_ttl_days, user_page
from api.db import transaction
from api.models import Role, User
from api.resources.service import blp
from api.schemas.common import PageArgs, page_schema
from api.schemas.service_shapes import CreatedUserSchema, NewUserSchema, UserSchema
from api.session import session
from api.user_tokens import activate, deactivate, revoke, rotate, user_by_id


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
    def post(self, data: dict[str, Any]) -> User:
        """Make a user; the answer carries their token, which is never shown again."""
        with transaction(session()) as s:
            user, token = create_user(
                s, data["name"], data["role"], data["engineer_id"], token_ttl_days()
            )
        return _with_token(user, token)


@blp.route("/users/<int:user_id>/rotate", methods=["POST"])
@requires()
@blp.response(200, CreatedUserSchema)
def rotate_token(user_id: int) -> User:
    """A new token for the user, shown once; their old one is refused from now on."""
    with transaction(session()) as s:
        user = user_by_id(s, user_id)
        token = rotate(s, user, token_ttl_days())
    return _with_token(user, token)


@blp.route("/users/<int:user_id>/revoke", methods=["POST"])
@requires()
@blp.response(200, UserSchema)
def revoke_token(user_id: int) -> User:
    """The user's token is refused from now on; they have none until it is rotated."""
    with transaction(session()) as s:
        return revoke(s, user_by_id(s, user_id))


@blp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires()
@blp.response(200, UserSchema)
def deactivate_user(user_id: int) -> User:
    """The user's token is refused until they are activated again; 409 for the last admin."""
    with transaction(session()) as s:
        return deactivate(s, user_by_id(s, user_id))


@blp.route("/users/<int:user_id>/activate", methods=["POST"])
@requires()
@blp.response(200, UserSchema)
def activate_user(user_id: int) -> User:
    """A deactivated user's token works again (if not revoked or expired)."""
    with transaction(session()) as s:
        return activate(s, user_by_id(s, user_id))


def _with_token(user: User, token: str) -> User:
    """The user carrying ``token`` for the answer only (it is stored as its hash)."""
    user.token = token  # type: ignore[attr-defined]
    return user
