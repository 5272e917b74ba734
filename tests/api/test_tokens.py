"""A token's life: issued with an expiry, its last use recorded, rotated, revoked, and its
user deactivated and activated again; each refusal is 401 on the very next request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api import create_app
from api.auth import hash_token
from api.db import make_engine, session_factory
from api.models import User
from fieldplan.cli import main
from tests.api.conftest import World

E2 = 5  # the user id of engineer E2's user in the test world


def _stored(world: World, name: str) -> User:
    with world.sessions() as s:
        user = s.scalar(select(User).where(User.name == name))
        assert user is not None
        return user


def _refused(world: World, who: str, message: str) -> None:
    r = world.get(who, "/api/v1/me")
    assert r.status_code == 401
    assert r.json["message"].startswith(message)
    assert "Authorization" in r.json["errors"]["headers"]


def test_a_new_token_expires_after_the_setting_and_is_then_refused(database_url: str) -> None:
    app = create_app({"DATABASE_URL": database_url, "RUN_EXECUTOR": "inline", "TOKEN_TTL_DAYS": 30})
    client = app.test_client()
    from tests.api.conftest import seed_world

    with app.extensions["fieldplan.db"].sessions() as s, s.begin():
        tokens = seed_world(s)
    world = World(app, client, app.extensions["fieldplan.db"].sessions, tokens)
    made = world.post("admin", "/api/v1/users", {"name": "ops", "role": "dispatcher"})
    assert made.status_code == 201
    expires = datetime.fromisoformat(made.json["token_expires_at"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    world.tokens["ops"] = made.json["token"]
    assert world.get("ops", "/api/v1/me").status_code == 200
    with world.sessions() as s, s.begin():
        ops = s.scalar(select(User).where(User.name == "ops"))
        assert ops is not None
        ops.token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    _refused(world, "ops", "the token expired at")
    app.extensions["fieldplan.db"].dispose()


def test_the_last_use_is_recorded_at_most_once_a_minute(world: World) -> None:
    assert _stored(world, "e1").token_last_used_at is None
    assert world.get("e1", "/api/v1/me").status_code == 200
    first = _stored(world, "e1").token_last_used_at
    assert first is not None and datetime.now(UTC) - first < timedelta(seconds=30)
    assert world.get("e1", "/api/v1/me").status_code == 200
    assert _stored(world, "e1").token_last_used_at == first  # within the minute: no write
    with world.sessions() as s, s.begin():
        e1 = s.scalar(select(User).where(User.name == "e1"))
        assert e1 is not None
        e1.token_last_used_at = first - timedelta(minutes=2)
    assert world.get("e1", "/api/v1/me").status_code == 200
    assert _stored(world, "e1").token_last_used_at > first


def test_a_rotated_token_replaces_the_old_one_at_once(world: World) -> None:
    r = world.post("admin", f"/api/v1/users/{E2}/rotate")
    assert r.status_code == 200
    assert (r.json["name"], r.json["has_token"], r.json["active"]) == ("e2", True, True)
    _refused(world, "e2", "the token is not valid")
    world.tokens["e2"] = r.json["token"]
    assert world.get("e2", "/api/v1/me").json["name"] == "e2"
    assert _stored(world, "e2").token_hash == hash_token(r.json["token"])


def test_a_revoked_token_is_refused_until_a_new_one_is_rotated(world: World) -> None:
    r = world.post("admin", f"/api/v1/users/{E2}/revoke")
    assert r.status_code == 200 and r.json["has_token"] is False
    assert r.json["token_expires_at"] is None
    _refused(world, "e2", "the token is not valid")
    assert _stored(world, "e2").token_hash is None
    listed = {u["name"]: u for u in world.get("admin", "/api/v1/users").json["items"]}
    assert listed["e2"]["has_token"] is False and listed["e1"]["has_token"] is True
    rotated = world.post("admin", f"/api/v1/users/{E2}/rotate").json["token"]
    world.tokens["e2"] = rotated
    assert world.get("e2", "/api/v1/me").status_code == 200


def test_a_deactivated_user_is_refused_until_activated(world: World) -> None:
    r = world.post("admin", f"/api/v1/users/{E2}/deactivate")
    assert r.status_code == 200 and r.json["active"] is False
    _refused(world, "e2", "this user is deactivated")
    assert world.post("admin", f"/api/v1/users/{E2}/activate").json["active"] is True
    assert world.get("e2", "/api/v1/me").status_code == 200


@pytest.mark.parametrize("step", ["rotate", "revoke", "deactivate", "activate"])
def test_an_unknown_user_is_404_naming_it(world: World, step: str) -> None:
    r = world.post("admin", f"/api/v1/users/999/{step}")
    assert r.status_code == 404
    assert r.json["errors"] == {"path": {"user_id": ["user '999' does not exist"]}}


def test_the_last_active_admin_cannot_be_deactivated(world: World) -> None:
    r = world.post("admin", "/api/v1/users/1/deactivate")
    assert r.status_code == 409
    assert r.json["message"] == "the last active admin cannot be deactivated"
    assert world.get("admin", "/api/v1/me").status_code == 200
    made = world.post("admin", "/api/v1/users", {"name": "root2", "role": "admin"})
    assert world.post("admin", "/api/v1/users/1/deactivate").status_code == 200
    world.tokens["root2"] = made.json["token"]
    assert world.post("root2", f"/api/v1/users/{made.json['id']}/deactivate").status_code == 409


def test_the_commands_rotate_revoke_deactivate_and_activate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/users.db"
    assert main(["users", "create", "ops", "--role", "dispatcher", "--database-url", url]) == 0
    first = capsys.readouterr().out.strip().splitlines()[-1]

    def stored() -> Any:
        engine = make_engine(url)
        try:
            with session_factory(engine)() as s:
                return s.scalar(select(User).where(User.name == "ops"))
        finally:
            engine.dispose()

    assert stored().token_hash == hash_token(first)
    expires = stored().token_expires_at
    assert expires is not None and expires - datetime.now(UTC) > timedelta(days=89)
    assert main(["users", "rotate", "ops", "--database-url", url]) == 0
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert second != first and stored().token_hash == hash_token(second)
    assert main(["users", "revoke", "ops", "--database-url", url]) == 0
    assert stored().token_hash is None
    assert main(["users", "deactivate", "ops", "--database-url", url]) == 0
    assert stored().active is False
    assert main(["users", "activate", "ops", "--database-url", url]) == 0
    assert stored().active is True
    assert main(["users", "list", "--database-url", url]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["users", "revoke", "nobody", "--database-url", url]) == 2
    assert "user 'nobody' does not exist" in capsys.readouterr().out
