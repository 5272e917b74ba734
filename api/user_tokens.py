"""A user's token over its life: rotated (a new one, the old refused), revoked (none until
rotated), and the user deactivated or activated again.

Each takes effect at once: the next request with the old token gets 401. The
last active admin cannot be deactivated, so the service always has someone
who can issue tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from api.auth import issue_token
from api.errors import ApiError, not_found
from api.models import Role, User

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def user_by_id(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise not_found("user", user_id, "user_id")
    return user


def user_by_name(s: Session, name: str) -> User:
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        raise not_found("user", name, "name")
    return user


def rotate(s: Session, user: User, ttl_days: float) -> str:
    """A new token for ``user``, valid ``ttl_days`` (0: until revoked); the old one is refused."""
    token = issue_token(user, ttl_days)
    s.flush()
    return token


def revoke(s: Session, user: User) -> User:
    """``user`` has no token until an admin rotates one."""
    user.token_hash = None
    user.token_expires_at = None
    s.flush()
    return user


def deactivate(s: Session, user: User) -> User:
    """``user``'s token is refused until they are activated again (409 for the last admin)."""
    if user.role == Role.ADMIN.value and user.active:
        admins = s.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.active.is_(True))
        )
        if admins == 1:
            raise ApiError(409, "the last active admin cannot be deactivated", "user_id", "path")
    user.active = False
    s.flush()
    return user


def activate(s: Session, user: User) -> User:
    user.active = True
    s.flush()
    return user
