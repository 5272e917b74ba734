"""Limits a client cannot get past: huge numbers, deep nesting, big bodies, big pages.

Each is refused with the service's JSON error shape and an exact status, never
a 500 from deeper down (the database driver, the JSON parser), and nothing is
stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from api import create_app
from api.auth import create_user
from api.models import Region
from tests.api.conftest import World

HUGE = 2**31  # one past the largest stored id (PostgreSQL integer keys)


def test_a_path_id_beyond_any_stored_id_names_nothing(world: World) -> None:
    for path in (
        f"/api/v1/plans/{HUGE}",
        f"/api/v1/studies/{HUGE}",
        f"/api/v1/users/{HUGE}/rotate",
    ):
        method = "POST" if path.endswith("rotate") else "GET"
        r = world.client.open(path, method=method, headers=world.headers("admin"))
        assert r.status_code == 404, path
        assert set(r.json) == {"code", "status", "message", "errors"}
    assert (
        world.get("admin", f"/api/v1/plans/{HUGE - 1}").status_code == 404
    )  # the largest: unknown


def test_a_page_number_beyond_the_last_is_refused_naming_it(world: World) -> None:
    r = world.get("dispatcher", f"/api/v1/regions?page={2**63 - 1}")
    assert r.status_code == 422 and "page" in r.json["errors"]["query"]
    assert world.get("dispatcher", "/api/v1/regions?page=1000000000").status_code == 200


def test_json_nested_thousands_deep_is_refused_and_nothing_stored(world: World) -> None:
    deep = "[" * 5000 + "]" * 5000
    for body in (deep, '{"id": "x", "name": "X", "timezone": "UTC", "objective": ' + deep + "}"):
        r = world.client.post(
            "/api/v1/regions",
            data=body,
            headers={**world.headers("admin"), "Content-Type": "application/json"},
        )
        assert r.status_code == 400
        assert r.json["message"] == "the JSON body is nested too deeply"
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Region).where(Region.id == "x")) == 0


def _service(database_url: str, **config: Any) -> tuple[Any, dict[str, str]]:
    app = create_app({"DATABASE_URL": database_url, "RUN_EXECUTOR": "inline", **config})
    with app.extensions["fieldplan.db"].sessions() as s, s.begin():
        token = create_user(s, "root", "admin")[1]
    return app, {"Authorization": f"Bearer {token}"}


def test_a_body_over_the_limit_is_refused_before_it_is_read(database_url: str) -> None:
    app, auth = _service(database_url, MAX_CONTENT_LENGTH=1000)
    client = app.test_client()
    big = {"id": "big", "name": "Big", "timezone": "UTC", "objective": {"note": "x" * 2000}}
    r = client.post("/api/v1/regions", json=big, headers=auth)
    assert r.status_code == 413 and r.json["code"] == 413
    small = {"id": "small", "name": "Small", "timezone": "UTC"}
    assert client.post("/api/v1/regions", json=small, headers=auth).status_code == 201
    with app.extensions["fieldplan.db"].sessions() as s:
        assert [x.id for x in s.scalars(select(Region))] == ["small"]
    app.extensions["fieldplan.db"].dispose()


def test_a_page_larger_than_the_setting_is_refused_naming_it(database_url: str) -> None:
    app, auth = _service(database_url, MAX_PAGE_SIZE=20)
    client = app.test_client()
    r = client.get("/api/v1/regions?per_page=21", headers=auth)
    assert r.status_code == 422
    assert r.json["errors"] == {"query": {"per_page": ["must be at most 20"]}}
    assert client.get("/api/v1/regions?per_page=20", headers=auth).status_code == 200
    app.extensions["fieldplan.db"].dispose()
