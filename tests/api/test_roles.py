"""Who may call what: every endpoint of the OpenAPI document x every role.

The expectations are written out here, independently of the decorators, and the
test fails if the document lists an endpoint this table does not know.
"""

from __future__ import annotations

from datetime import date

import pytest

from api.models import Assignment, Job, Run
from tests.api.conftest import World, berlin

A, D, P, E = "admin", "dispatcher", "planner", "engineer"
READ = {A, D, P}
#: (method, path) -> roles admitted. An engineer's own day and jobs are admitted for
#: the engineer "e1" (E1), whose assigned job J1 is used below.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/v1/me"): {A, D, P, E},
    ("GET", "/api/v1/users"): {A},
    ("POST", "/api/v1/users"): {A},
    **{
        ("POST", f"/api/v1/users/{{user_id}}/{step}"): {A}
        for step in ("rotate", "revoke", "deactivate", "activate")
    },
    ("GET", "/api/v1/regions"): READ,
    ("POST", "/api/v1/regions"): {A},
    ("GET", "/api/v1/regions/{ident}"): READ,
    ("PATCH", "/api/v1/regions/{ident}"): {A},
    ("DELETE", "/api/v1/regions/{ident}"): {A},
    **{
        (m, f"/api/v1/{name}{suffix}"): (READ if m == "GET" else {A, writer})
        for name, writer in (
            ("engineers", D),
            ("customers", D),
            ("sites", D),
            ("contracts", D),
            ("depots", P),
            ("parts", P),
            ("absences", D),
            ("on-call", D),
            ("assets", P),
        )
        for m, suffix in (
            ("GET", ""),
            ("POST", ""),
            ("GET", "/{ident}"),
            ("PATCH", "/{ident}"),
            ("DELETE", "/{ident}"),
        )
    },
    ("POST", "/api/v1/maintenance/visits"): READ,
    ("GET", "/api/v1/jobs"): READ,
    ("POST", "/api/v1/jobs"): {A, D},
    ("GET", "/api/v1/jobs/{job_id}"): READ,
    ("PATCH", "/api/v1/jobs/{job_id}"): {A, D},
    ("GET", "/api/v1/jobs/{job_id}/events"): {A, D, P, E},
    ("POST", "/api/v1/jobs/{job_id}/events"): {A, D, E},
    ("POST", "/api/v1/jobs/{job_id}/slots"): {A, D},
    ("POST", "/api/v1/jobs/{job_id}/book"): {A, D},
    ("DELETE", "/api/v1/jobs/{job_id}/book"): {A, D},
    ("GET", "/api/v1/stock"): READ,
    ("PUT", "/api/v1/stock"): READ,
    ("POST", "/api/v1/stock/transfers"): READ,
    ("POST", "/api/v1/stock/receipts"): READ,
    ("GET", "/api/v1/stock/movements"): READ,
    ("GET", "/api/v1/plans"): READ,
    ("POST", "/api/v1/plans"): {A, D},
    ("GET", "/api/v1/plans/{run_id}"): READ,
    ("GET", "/api/v1/plans/{run_id}/problem"): READ,
    ("POST", "/api/v1/plans/{run_id}/publish"): {A, D},
    ("POST", "/api/v1/plans/{run_id}/replan"): {A, D},
    ("POST", "/api/v1/plans/{run_id}/who"): {A, D},
    ("GET", "/api/v1/engineers/{engineer_id}/assignments"): {A, D, P, E},
    ("GET", "/api/v1/engineers/{engineer_id}/week"): {A, D, P, E},
    ("GET", "/api/v1/scenarios"): {A, P},
    ("POST", "/api/v1/scenarios"): {A, P},
    ("GET", "/api/v1/scenarios/{run_id}"): {A, P},
    ("GET", "/api/v1/stock-plans"): {A, P},
    ("GET", "/api/v1/studies"): {A, P},
    ("POST", "/api/v1/studies"): {A, P},
    ("GET", "/api/v1/studies/{run_id}"): {A, P},
    ("GET", "/api/v1/studies/{run_id}/report"): {A, P},
    ("POST", "/api/v1/stock-plans"): {A, P},
    ("POST", "/api/v1/runs/{run_id}/cancel"): {A, D, P},
    ("GET", "/api/v1/stock-plans/{run_id}"): {A, P},
}
IDS = {
    "regions": "metro",
    "engineers": "E1",
    "customers": "C1",
    "sites": "S1",
    "contracts": "K1",
    "depots": "D1",
    "parts": "P-FILT",
}
USER_OF = {A: "admin", D: "dispatcher", P: "planner", E: "e1"}


def _concrete(path: str) -> str:
    name = path.split("/")[3]
    return path.replace("{ident}", IDS.get(name, "x")).replace("{job_id}", "J1").replace(
        "{run_id}", "1"
    ).replace("{engineer_id}", "E1").replace("{user_id}", "5") + (
        "?date=2026-11-30" if path.endswith(("/assignments", "/week")) else ""
    )


def _assign_j1_to_e1(world: World) -> None:
    with world.sessions() as s, s.begin():
        s.add(
            Job(
                id="J1",
                site_id="S1",
                kind="normal",
                priority=2,
                reported_at=berlin("2026-11-30T08:00"),
                duration_min=60,
            )
        )
        run = Run(
            kind="plan",
            status="done",
            region_id="metro",
            day=date(2026, 11, 30),
            params={},
            result={"plan": {"routes": []}},
        )
        s.add(run)
        s.flush()
        s.add(
            Assignment(
                run_id=run.id,
                region_id="metro",
                day=date(2026, 11, 30),
                engineer_id="E1",
                sequence=0,
                type="job",
                job_id="J1",
                start=berlin("2026-11-30T09:00"),
                end=berlin("2026-11-30T10:00"),
            )
        )


def _operations(world: World) -> list[tuple[str, str]]:
    spec = world.client.get("/api/v1/openapi.json").json
    return [
        (m.upper(), p)
        for p, ops in spec["paths"].items()
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    ]


def test_the_table_covers_every_documented_endpoint(world: World) -> None:
    documented = set(_operations(world)) - {("GET", "/api/v1/health")}
    assert documented == set(EXPECTED)


@pytest.mark.parametrize("operation", sorted(EXPECTED), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_role_is_admitted_or_refused(world: World, operation: tuple[str, str]) -> None:
    method, path = operation
    _assign_j1_to_e1(world)
    url = _concrete(path)
    # the refused first, so an admitted DELETE cannot change what they would see
    for role in sorted(USER_OF, key=lambda r: r in EXPECTED[operation]):
        kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        r = world.client.open(url, method=method, headers=world.headers(USER_OF[role]), **kwargs)
        if role in EXPECTED[operation]:
            assert r.status_code not in (401, 403), (role, r.status_code, r.json)
        else:
            assert r.status_code == 403, (role, r.status_code)
            assert r.json == {
                "code": 403,
                "status": "Forbidden",
                "message": "your role may not do this",
                "errors": {},
            }
    anonymous = world.client.open(url, method=method)
    assert anonymous.status_code == 401 and "Authorization" in anonymous.json["errors"]["headers"]


def test_a_bad_token_is_refused_and_health_needs_none(world: World) -> None:
    r = world.client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json["message"] == "the token is not valid"
    health = world.client.get("/api/v1/health")
    assert health.status_code == 200 and health.json["status"] == "ok"
    me = world.get("e1", "/api/v1/me").json
    used = me.pop("token_last_used_at")
    assert me == {
        "id": 4,
        "name": "e1",
        "role": "engineer",
        "engineer_id": "E1",
        "active": True,
        "has_token": True,
        "token_expires_at": None,
    }
    assert used is not None  # this very request


def test_tokens_are_stored_hashed(world: World) -> None:
    from sqlalchemy import select

    from api.auth import hash_token
    from api.models import User

    with world.sessions() as s:
        stored = {u.name: u.token_hash for u in s.scalars(select(User))}
    assert stored["dispatcher"] == hash_token(world.tokens["dispatcher"])
    assert world.tokens["dispatcher"] not in stored.values()
