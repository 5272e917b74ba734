"""Reference data CRUD: each resource created, read, listed, changed and deleted, field by field."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from api.models import Contract, Customer, Depot, Engineer, Part, Region, Site
from tests.api.conftest import World

# (resource, model, a new record, a change, a bad record and the field it names)
CASES: list[tuple[str, Any, dict[str, Any], dict[str, Any], dict[str, Any], str]] = [
    (
        "regions",
        Region,
        {"id": "north", "name": "North", "timezone": "Europe/Oslo"},
        {"holidays": ["2026-12-26"]},
        {"id": "north", "name": "North", "timezone": "Mars/Olympus"},
        "timezone",
    ),
    (
        "engineers",
        Engineer,
        {
            "id": "E3",
            "name": "Mei Liu",
            "region_id": "metro",
            "home_lat": 52.4,
            "home_lon": 13.5,
            "skills": {"hvac": 3},
        },
        {"shift_end": "18:00", "active": False},
        {"id": "E3", "name": "Mei", "region_id": "metro", "home_lat": 95, "home_lon": 13.5},
        "home_lat",
    ),
    (
        "customers",
        Customer,
        {"id": "C3", "name": "Depot Three"},
        {"name": "Depot 3"},
        {"id": "C3", "name": ""},
        "name",
    ),
    (
        "sites",
        Site,
        {
            "id": "S3",
            "customer_id": "C1",
            "region_id": "metro",
            "name": "Lab",
            "lat": 52.5,
            "lon": 13.4,
            "opens": "07:00",
            "closes": "19:00",
        },
        {"address": "Laborweg 3"},
        {
            "id": "S3",
            "customer_id": "C1",
            "region_id": "metro",
            "name": "Lab",
            "lat": 52.5,
            "lon": 13.4,
            "opens": "19:00",
            "closes": "07:00",
        },
        "closes",
    ),
    (
        "contracts",
        Contract,
        {
            "id": "K3",
            "customer_id": "C2",
            "tier": "bronze",
            "coverage": "business_hours",
            "terms": {"normal": {"response_min": 1200, "repair_min": None}},
        },
        {"tier": "silver"},
        {"id": "K3", "customer_id": "C2", "tier": "bronze", "coverage": "weekdays"},
        "coverage",
    ),
    (
        "depots",
        Depot,
        {
            "id": "D2",
            "region_id": "metro",
            "name": "Depot Nord",
            "lat": 52.6,
            "lon": 13.4,
            "tools": ["lift-kit"],
        },
        {"pickup_min": 20},
        {"id": "D2", "name": "Depot Nord", "lat": 52.6, "lon": 13.4, "pickup_min": -5},
        "pickup_min",
    ),
    (
        "parts",
        Part,
        {"id": "P-BELT", "name": "drive belt", "unit_cost": 25.5},
        {"unit_cost": 27.0},
        {"id": "P-BELT", "name": "drive belt", "unit_cost": "cheap"},
        "unit_cost",
    ),
]
WRITER = {"regions": "admin", "depots": "planner", "parts": "planner"}


@pytest.mark.parametrize(
    ("resource", "model", "new", "change", "bad", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_crud_round_trip(
    world: World,
    resource: str,
    model: Any,
    new: dict[str, Any],
    change: dict[str, Any],
    bad: dict[str, Any],
    field: str,
) -> None:
    writer = WRITER.get(resource, "dispatcher")
    base = f"/api/v1/{resource}"
    with world.sessions() as s:
        before = s.scalar(select(func.count()).select_from(model))
    created = world.post(writer, base, new)
    assert created.status_code == 201, created.json
    for key, value in new.items():
        assert created.json[key] == value, key
    ident = new["id"]
    assert world.get("planner", f"{base}/{ident}").json == created.json
    listed = world.get("dispatcher", f"{base}?per_page=500").json
    assert listed["total"] == before + 1 and created.json in listed["items"]
    changed = world.patch(writer, f"{base}/{ident}", change)
    assert changed.status_code == 200 and {k: changed.json[k] for k in change} == change
    with world.sessions() as s:
        row = s.get(model, ident)
        assert row is not None and all(getattr(row, k) == v for k, v in change.items())
    assert world.post(writer, base, new).status_code == 409  # the id is taken
    assert (
        world.patch(writer, f"{base}/{ident}", {"id": "other"}).status_code == 422
    )  # ids never change
    assert world.delete(writer, f"{base}/{ident}").status_code == 204
    assert world.get("planner", f"{base}/{ident}").status_code == 404
    refused = world.post(writer, base, bad)
    assert refused.status_code == 422 and field in refused.json["errors"]["json"], refused.json
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(model)) == before


def test_unknown_references_and_records_in_use(world: World) -> None:
    r = world.post(
        "dispatcher",
        "/api/v1/engineers",
        {"id": "E9", "name": "X", "region_id": "nowhere", "home_lat": 1, "home_lon": 1},
    )
    assert r.status_code == 422 and r.json["errors"]["json"] == {
        "region_id": ["region_id 'nowhere' does not exist"]
    }
    in_use = world.delete(
        "admin", "/api/v1/regions/metro"
    )  # engineers, sites and a depot refer to it
    assert in_use.status_code == 409 and set(in_use.json) == {"code", "status", "message", "errors"}
    with world.sessions() as s:
        assert s.get(Region, "metro") is not None


def test_filters_and_pages(world: World) -> None:
    r = world.get("planner", "/api/v1/engineers?region_id=metro&per_page=1")
    assert (r.json["total"], len(r.json["items"]), r.json["items"][0]["id"]) == (2, 1, "E1")
    assert (
        world.get("planner", "/api/v1/engineers?per_page=1&page=2").json["items"][0]["id"] == "E2"
    )
    assert world.get("planner", "/api/v1/engineers?per_page=0").status_code == 422
    assert world.get("planner", "/api/v1/sites?customer_id=C2").json["items"][0]["id"] == "S2"
