"""Bad input on every write endpoint: the one error shape, and not a row changed anywhere."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from api.models import Base
from tests.api.conftest import World
from tests.api.test_roles import EXPECTED, _assign_j1_to_e1, _concrete

# publish and a user's token steps take no body (tested in test_plans, test_tokens)
WRITES = sorted(
    op
    for op in EXPECTED
    if op[0] in ("POST", "PUT", "PATCH")
    and not op[1].endswith(("/publish", "/cancel"))
    and not op[1].startswith("/api/v1/users/{user_id}/")
)
BODIES: list[Any] = [
    ["not", "an", "object"],  # the wrong JSON type altogether
    {
        "id": 17,
        "name": 3,
        "quantity": "x",
        "status": 5,
        "region": 1,
        "date": "soon",
        "part_id": None,
        "problem": "none",
        "variants": "all",
    },  # wrong types
]


def _rows(world: World) -> dict[str, int]:
    with world.sessions() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("operation", WRITES, ids=lambda op: f"{op[0]} {op[1]}")
def test_bad_bodies_change_nothing(world: World, operation: tuple[str, str]) -> None:
    method, path = operation
    _assign_j1_to_e1(world)
    before = _rows(world)
    for body in BODIES:
        r = world.client.open(
            _concrete(path), method=method, headers=world.headers("admin"), json=body
        )
        assert r.status_code in (400, 404, 409, 422), (body, r.status_code)
        assert (
            set(r.json) == {"code", "status", "message", "errors"}
            and r.json["code"] == r.status_code
        )
        assert isinstance(r.json["message"], str) and r.json["message"]
    malformed = world.client.open(
        _concrete(path),
        method=method,
        headers={**world.headers("admin"), "Content-Type": "application/json"},
        data="{not json",
    )
    assert malformed.status_code in (400, 404, 422) and set(malformed.json) == {
        "code",
        "status",
        "message",
        "errors",
    }
    assert _rows(world) == before


def test_unknown_paths_and_methods_answer_in_the_same_shape(world: World) -> None:
    r = world.get("admin", "/api/v1/nothing-here")
    assert r.status_code == 404 and set(r.json) == {"code", "status", "message", "errors"}
    r = world.client.put("/api/v1/jobs", headers=world.headers("admin"), json={})
    assert r.status_code == 405 and r.json["code"] == 405
