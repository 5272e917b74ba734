"""A region's road server is one the operator allowed: the service fetches it for every plan,
so a user cannot point it at any address (a metadata service, an internal host)."""

from __future__ import annotations

from typing import Any

import pytest

from api import create_app
from api.auth import create_user
from tests.api.conftest import World


@pytest.mark.parametrize(
    ("travel", "message"),
    [
        ({"kind": "osrm", "url": "http://169.254.169.254/latest"}, "host 169.254.169.254 is not"),
        ({"kind": "osrm", "url": "http://user:pw@127.0.0.1:5000"}, "is not an allowed"),
        ({"kind": "osrm", "url": "file:///etc/passwd"}, "must be an http(s) address"),
        ({"kind": "osrm", "url": "http://127.0.0.1:5000", "profile": "../x"}, "travel.profile"),
    ],
)
def test_a_road_server_not_allowed_is_refused_and_the_region_stands(
    world: World, travel: dict[str, Any], message: str
) -> None:
    r = world.patch("admin", "/api/v1/regions/metro", {"travel": travel})
    assert r.status_code == 422
    (rule,) = r.json["errors"]["json"]["travel"]
    assert message in rule
    assert world.get("admin", "/api/v1/regions/metro").json["travel"]["kind"] == "great_circle"


def test_an_allowed_road_server_is_taken(world: World) -> None:
    travel = {"kind": "osrm", "url": "http://localhost:5000", "profile": "driving"}
    r = world.patch("admin", "/api/v1/regions/metro", {"travel": travel})
    assert r.status_code == 200 and r.json["travel"] == travel


def test_the_operator_names_the_road_servers(database_url: str) -> None:
    app = create_app(
        {"DATABASE_URL": database_url, "RUN_EXECUTOR": "inline", "OSRM_HOSTS": ["osrm.internal"]}
    )
    with app.extensions["fieldplan.db"].sessions() as s, s.begin():
        token = create_user(s, "root", "admin")[1]
    client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}
    region = {"id": "r1", "name": "R1", "timezone": "UTC"}
    ok = {**region, "travel": {"kind": "osrm", "url": "https://osrm.internal/"}}
    assert client.post("/api/v1/regions", json=ok, headers=auth).status_code == 201
    local = {**region, "id": "r2", "travel": {"kind": "osrm", "url": "http://127.0.0.1:5000"}}
    assert client.post("/api/v1/regions", json=local, headers=auth).status_code == 422
    app.extensions["fieldplan.db"].dispose()
