"""The service on a real database: a temporary SQLite file, and PostgreSQL when configured.

``FIELDPLAN_TEST_POSTGRES_URL`` names an empty PostgreSQL database the tests
may wipe (``.ci/run`` starts a server and sets it); without it the PostgreSQL
cases are skipped, unless ``FIELDPLAN_REQUIRE_POSTGRES=1`` makes that an error.

The world: region "metro" (Berlin time, 08:00-18:00 Monday to Friday, 24 and
25 December off), two engineers, a depot, two parts, two customers with a
gold 7x24 and a silver business-hours contract, and one user per role.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from api import create_app
from api.auth import create_user
from api.db import make_engine, upgrade
from api.models import Base, Contract, Customer, Depot, Engineer, Part, Region, Site, Stock

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask
    from flask.testing import FlaskClient
    from sqlalchemy.orm import Session, sessionmaker

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = "2026-11-30"
POSTGRES = os.environ.get("FIELDPLAN_TEST_POSTGRES_URL")


def berlin(text_: str) -> datetime:
    return datetime.fromisoformat(text_).replace(tzinfo=BERLIN)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not POSTGRES:
        if os.environ.get("FIELDPLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail("FIELDPLAN_TEST_POSTGRES_URL is not set but PostgreSQL tests are required")
        pytest.skip("FIELDPLAN_TEST_POSTGRES_URL not set")
    engine = make_engine(POSTGRES)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(POSTGRES)
    return POSTGRES


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    url: str = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@dataclass
class World:
    app: Flask
    client: FlaskClient
    sessions: sessionmaker[Session]
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(who), **kw)

    def post(self, who: str, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, headers=self.headers(who), json=json, **kw)

    def patch(self, who: str, path: str, json: Any = None) -> Any:
        return self.client.patch(path, headers=self.headers(who), json=json)

    def put(self, who: str, path: str, json: Any = None) -> Any:
        return self.client.put(path, headers=self.headers(who), json=json)

    def delete(self, who: str, path: str) -> Any:
        return self.client.delete(path, headers=self.headers(who))


def seed_world(s: Session) -> dict[str, str]:
    s.add(
        Region(
            id="metro",
            name="Metro",
            timezone="Europe/Berlin",
            holidays=["2026-12-24", "2026-12-25"],
            travel={"kind": "great_circle", "speed_kmh": 30.0, "circuity": 1.3},
        )
    )
    s.add_all(
        [
            Customer(id="C1", name="Clinic One"),
            Customer(id="C2", name="Mall Two"),
            Part(id="P-FILT", name="filter set", unit_cost=40.0),
            Part(id="P-VALV", name="valve", unit_cost=310.0),
        ]
    )
    s.flush()
    s.add_all(
        [
            Engineer(
                id="E1",
                name="Anna Weber",
                region_id="metro",
                home_lat=52.52,
                home_lon=13.40,
                shift_start="08:00",
                shift_end="17:00",
                break_earliest="11:30",
                break_latest="13:30",
                break_min=30,
                skills={"hvac": 2},
            ),
            Engineer(
                id="E2",
                name="Jonas Kim",
                region_id="metro",
                home_lat=52.50,
                home_lon=13.30,
                shift_start="08:00",
                shift_end="17:00",
                skills={"hvac": 1},
            ),
            Depot(
                id="D1",
                region_id="metro",
                name="Depot Mitte",
                address="Depotstrasse 1",
                lat=52.51,
                lon=13.38,
                opens="08:00",
                closes="18:00",
                pickup_min=10,
            ),
            Site(
                id="S1",
                customer_id="C1",
                region_id="metro",
                name="Clinic One",
                address="Hauptstrasse 1",
                lat=52.53,
                lon=13.42,
            ),
            Site(
                id="S2",
                customer_id="C2",
                region_id="metro",
                name="Mall Two",
                address="Marktplatz 2",
                lat=52.49,
                lon=13.35,
                opens="09:00",
                closes="17:00",
            ),
            Contract(
                id="K1",
                customer_id="C1",
                tier="gold",
                coverage="7x24",
                terms={
                    "emergency": {"response_min": 240, "repair_min": 480},
                    "normal": {"response_min": 480},
                },
            ),
            Contract(
                id="K2",
                customer_id="C2",
                tier="silver",
                coverage="business_hours",
                terms={
                    "emergency": {"response_min": 240},
                    "normal": {"response_min": 600, "repair_min": 1200},
                },
            ),
        ]
    )
    s.flush()
    s.add_all(
        [
            Stock(part_id="P-FILT", location_kind="van", location_id="E1", quantity=2),
            Stock(part_id="P-VALV", location_kind="depot", location_id="D1", quantity=3),
        ]
    )
    tokens = {}
    for name, role, engineer in (
        ("admin", "admin", None),
        ("dispatcher", "dispatcher", None),
        ("planner", "planner", None),
        ("e1", "engineer", "E1"),
        ("e2", "engineer", "E2"),
    ):
        tokens[name] = create_user(s, name, role, engineer)[1]
    return tokens


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    app = create_app({"DATABASE_URL": database_url, "RUN_EXECUTOR": "inline", "TESTING": True})
    sessions = app.extensions["fieldplan.db"].sessions
    with sessions() as s, s.begin():
        tokens = seed_world(s)
    yield World(app, app.test_client(), sessions, tokens)
    app.extensions["fieldplan.db"].dispose()


def job_body(
    ident: str,
    site: str = "S1",
    contract: str | None = "K1",
    kind: str = "normal",
    reported: str = "2026-11-30T08:00:00+01:00",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ident,
        "site_id": site,
        "contract_id": contract,
        "kind": kind,
        "reported_at": reported,
        "duration_min": 60,
        "skills": {"hvac": 1},
    }
    body.update(extra)
    return body
