"""Bearer tokens, roles, and the users who hold them.

A token is shown once when its user is made (or an admin rotates it) and stored
only as its SHA-256 (tokens are 256 random bits, so a fast hash is enough;
nothing to salt against). It expires ``TOKEN_TTL_DAYS`` after it was issued
(0: never), and is refused at once when revoked or its user deactivated
(:mod:`api.user_tokens`). Every endpoint but the health check and the API's
own description needs one. The token is looked up on a read session, so a
request takes no write lock before its own work; its last use is recorded
apart, at most once a minute. Admins may do everything; each view names the
other roles it admits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from flask import current_app, g, request
from sqlalchemy import select, update

from api.errors import ApiError, forbidden
from api.models import Engineer, Role, User, utcnow
from api.paging import page
from api.session import database

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from flask import Flask
    from sqlalchemy.orm import Session

F = TypeVar("F", bound="Callable[..., Any]")

#: Paths anyone may read: the health check and the API's description, exactly these,
#: and the interactive docs' own files.
PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs"})
PUBLIC_FOLDER = "/api/v1/docs/"
#: How stale the recorded last use of a token may get before a request writes it again.
LAST_USED_STEP = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, ttl_days: float, now: datetime | None = None) -> str:
    """A new token for ``user`` (the old one stops working), valid ``ttl_days`` (0: always)."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    user.token_hash = hash_token(token)
    user.token_expires_at = now + timedelta(days=ttl_days) if ttl_days > 0 else None
    return token


def create_user(
    s: Session, name: str, role: str, engineer_id: str | None = None, ttl_days: float = 0
) -> tuple[User, str]:
    """A new user and their token (returned once, stored hashed).

    Raises
    ------
    ApiError
        An unknown role, an engineer user without an existing engineer, or a
        name already taken.
    """
    if role not in {r.value for r in Role}:
        raise ApiError(422, f"role must be one of {', '.join(r.value for r in Role)}", "role")
    if role == Role.ENGINEER and engineer_id is None:
        raise ApiError(422, "an engineer user needs the engineer it is", "engineer_id")
    if engineer_id is not None and s.get(Engineer, engineer_id) is None:
        raise ApiError(422, f"engineer '{engineer_id}' does not exist", "engineer_id")
    if s.scalar(select(User.id).where(User.name == name)) is not None:
        raise ApiError(409, f"user '{name}' already exists", "name")
    user = User(name=name, role=role, engineer_id=engineer_id, active=True)
    token = issue_token(user, ttl_days)
    s.add(user)
    s.flush()
    return user, token


def user_page(s: Session, args: Mapping[str, Any]) -> dict[str, Any]:
    """Users a page at a time, in the order they were made."""
    return page(s, select(User), args, User.id)


def init_app(app: Flask) -> None:
    app.before_request(_authenticate)


def _authenticate() -> None:
    path = request.path
    if not path.startswith("/api/") or path in PUBLIC_PATHS or path.startswith(PUBLIC_FOLDER):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "a bearer token is required (Authorization: Bearer <token>)",
            "Authorization",
            "headers",
        )
    db = database()
    with db.readers() as reader:
        user = reader.scalar(select(User).where(User.token_hash == hash_token(token.strip())))
    if user is None:
        raise ApiError(401, "the token is not valid", "Authorization", "headers")
    now = utcnow()
    if not user.active:
        raise ApiError(401, "this user is deactivated", "Authorization", "headers")
    if user.token_expires_at is not None and user.token_expires_at <= now:
        raise ApiError(
            401,
            f"the token expired at {user.token_expires_at.isoformat()}; an admin can rotate it",
            "Authorization",
            "headers",
        )
    if user.token_last_used_at is None or now - user.token_last_used_at >= LAST_USED_STEP:
        with db.sessions() as writer, writer.begin():
            writer.execute(update(User).where(User.id == user.id).values(token_last_used_at=now))
        user.token_last_used_at = now
    g.user = user


def token_ttl_days() -> float:
    """The app's ``TOKEN_TTL_DAYS`` setting: how long a token issued now is valid."""
    return float(current_app.config.get("TOKEN_TTL_DAYS", 0))


def current_user() -> User:
    user: User = g.user
    return user


def roles_text(roles: tuple[Role, ...]) -> str:
    """How the API docs say who may call an endpoint."""
    return "Roles: " + ", ".join(sorted({Role.ADMIN.value, *(r.value for r in roles)})) + "."


def requires(*roles: Role) -> Callable[[F], F]:
    """Admit admins and ``roles``; anyone else gets 403. Also says so in the API docs."""
    allowed = {Role.ADMIN.value, *(r.value for r in roles)}
    names = roles_text(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if current_user().role not in allowed:
                raise forbidden()
            return view(*args, **kwargs)

        doc = (view.__doc__ or "").rstrip()
        guarded.__doc__ = f"{doc}\n\n{names}" if doc else names
        return guarded  # type: ignore[return-value]

    return decorate


def is_engineer() -> bool:
    return current_user().role == Role.ENGINEER.value


def forbid_other_engineer(engineer_id: str) -> None:
    """An engineer may only see their own day: 403, the same for any other id, known or not."""
    user = current_user()
    if user.role == Role.ENGINEER.value and user.engineer_id != engineer_id:
        raise forbidden()
