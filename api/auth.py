"""Bearer tokens, roles, and the users who hold them.

A token is shown once when its user is made and stored only as its SHA-256
(tokens are 256 random bits, so a fast hash is enough; nothing to salt against).
Every endpoint but the health check and the API's own description needs one.
Admins may do everything; each view names the other roles it admits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from typing import TYPE_CHECKING, Any, TypeVar

from flask import g, request
from sqlalchemy import select

from api.errors import ApiError, forbidden
from api.models import Engineer, Role, User
from api.paging import page
from api.session import session

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from flask import Flask
    from sqlalchemy.orm import Session

F = TypeVar("F", bound="Callable[..., Any]")

#: Paths anyone may read: the health check and the API's description.
PUBLIC_PREFIXES = ("/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    s: Session, name: str, role: str, engineer_id: str | None = None
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
    token = secrets.token_urlsafe(32)
    user = User(name=name, role=role, token_hash=hash_token(token), engineer_id=engineer_id)
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
    if not path.startswith("/api/") or path.startswith(PUBLIC_PREFIXES):
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
    user = session().scalar(select(User).where(User.token_hash == hash_token(token.strip())))
    if user is None:
        raise ApiError(401, "the token is not valid", "Authorization", "headers")
    g.user = user


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
