"""The installed base through the service: assets stored and edited field by field, the
preventive visits they are due generated as jobs, planned over a week, and a visit done
moving the next cycle.

Dates in the world (Berlin, Monday to Friday, 24-25 December off): Monday 30 November 2026.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from api.models import Job
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World

#: At S2 (open 09:00-17:00, customer C2, silver contract K2): due Wednesday 2 December
#: (3 September + 90 days), may be done 29 November - 5 December.
UNIT = {
    "id": "A1",
    "site_id": "S2",
    "contract_id": "K2",
    "name": "rooftop chiller",
    "cycle_days": 90,
    "tolerance_days": 3,
    "last_visit": "2026-09-03",
    "duration_min": 60,
    "priority": 3,
    "skills": {},
    "parts": {},
}
#: At S1 (no hours of its own: the region's 08:00-18:00): due 19 November within 2 days,
#: so overdue on Monday 30 November.
OVERDUE = {
    **UNIT,
    "id": "A2",
    "site_id": "S1",
    "contract_id": None,
    "name": "air handler",
    "cycle_days": 30,
    "tolerance_days": 2,
    "last_visit": "2026-10-20",
    "duration_min": 45,
}
#: Not due for months.
LATER = {**UNIT, "id": "A3", "name": "heat pump", "cycle_days": 180, "last_visit": "2026-10-01"}


def _visits(world: World, first_day: str = MONDAY, days: int = 7) -> Any:
    r = world.post(
        "planner",
        "/api/v1/maintenance/visits",
        {"region_id": "metro", "first_day": first_day, "days": days},
    )
    assert r.status_code == 200, r.json
    return r.json


def _store(world: World, *units: dict[str, Any]) -> None:
    for unit in units:
        r = world.post("planner", "/api/v1/assets", unit)
        assert r.status_code == 201, r.json


def test_an_asset_is_stored_read_changed_and_removed(world: World) -> None:
    r = world.post("planner", "/api/v1/assets", UNIT)
    assert r.status_code == 201 and r.json == UNIT
    assert world.post("dispatcher", "/api/v1/assets", {**UNIT, "id": "A9"}).status_code == 403
    assert world.get("dispatcher", "/api/v1/assets/A1").json == UNIT
    assert world.get("planner", "/api/v1/assets?site_id=S2").json["total"] == 1
    assert world.get("planner", "/api/v1/assets?site_id=S1").json["total"] == 0
    assert world.get("planner", "/api/v1/assets?region_id=metro").json["total"] == 1
    assert world.get("planner", "/api/v1/assets?region_id=elsewhere").json["total"] == 0
    r = world.patch("planner", "/api/v1/assets/A1", {"cycle_days": 120, "last_visit": "2026-10-01"})
    assert r.status_code == 200
    assert (r.json["cycle_days"], r.json["last_visit"], r.json["tolerance_days"]) == (
        120,
        "2026-10-01",
        3,
    )
    assert world.delete("planner", "/api/v1/assets/A1").status_code == 204
    assert world.get("planner", "/api/v1/assets/A1").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tolerance_days": 90}, "tolerance_days"),
        ({"cycle_days": 0}, "cycle_days"),
        ({"site_id": "S404"}, "site_id"),
        ({"contract_id": "K1"}, "contract_id"),  # K1 is customer C1's; S2 is C2's
        ({"id": "A" * 27}, "id"),
        ({"last_visit": "3.9.2026"}, "last_visit"),
        ({"duration_min": 0}, "duration_min"),
        ({"priority": 4}, "priority"),
    ],
)
def test_a_bad_asset_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    r = world.post("planner", "/api/v1/assets", {**UNIT, **change})
    assert r.status_code == 422
    assert field in r.json["errors"]["json"]
    assert world.get("planner", "/api/v1/assets").json["total"] == 0


def test_a_change_that_breaks_the_cycle_is_refused_and_nothing_changes(world: World) -> None:
    _store(world, UNIT)
    r = world.patch("planner", "/api/v1/assets/A1", {"cycle_days": 3})
    assert r.status_code == 422
    assert r.json["errors"]["json"] == {
        "tolerance_days": ["tolerance_days must be less than cycle_days"]
    }
    r = world.patch("planner", "/api/v1/assets/A1", {"contract_id": "K1"})
    assert r.status_code == 422 and "contract_id" in r.json["errors"]["json"]
    assert world.get("planner", "/api/v1/assets/A1").json == UNIT


def test_the_visits_due_are_stored_as_jobs_with_their_band_and_due_day(world: World) -> None:
    _store(world, UNIT, OVERDUE, LATER)
    answer = _visits(world)
    assert (answer["first_day"], answer["last_day"], answer["cancelled"]) == (
        "2026-11-30",
        "2026-12-06",
        [],
    )
    assert answer["visits"] == [
        {
            "job_id": "PM-A1-2026-12-02",
            "asset_id": "A1",
            "site_id": "S2",
            "due": "2026-12-02",
            # the band opens on Sunday 29 November: its first working day, at the site's opening
            "earliest_start": "2026-11-30T09:00:00+01:00",
            "response_deadline": "2026-12-02T17:00:00+01:00",
            "status": "new",
            "change": "created",
        },
        {
            "job_id": "PM-A2-2026-11-19",
            "asset_id": "A2",
            "site_id": "S1",
            "due": "2026-11-19",
            # overdue: the first working day of the horizon, due when it closes
            "earliest_start": "2026-11-30T08:00:00+01:00",
            "response_deadline": "2026-11-30T18:00:00+01:00",
            "status": "new",
            "change": "created",
        },
    ]
    job = world.get("dispatcher", "/api/v1/jobs/PM-A1-2026-12-02").json
    assert (job["kind"], job["priority"], job["asset_id"], job["contract_id"]) == (
        "preventive",
        3,
        "A1",
        "K2",
    )
    assert (job["duration_min"], job["status"], job["description"]) == (
        60,
        "new",
        "preventive visit of rooftop chiller, due 2026-12-02",
    )
    # generating the same horizon again doubles nothing
    again = _visits(world)
    assert [v["change"] for v in again["visits"]] == ["unchanged", "unchanged"]
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 2


def test_a_new_visit_follows_the_asset_and_a_planned_one_stands(world: World) -> None:
    _store(world, UNIT, OVERDUE)
    _visits(world)
    assert world.patch("planner", "/api/v1/assets/A1", {"duration_min": 90}).status_code == 200
    assert world.patch("planner", "/api/v1/assets/A2", {"duration_min": 75}).status_code == 200
    with world.sessions() as s, s.begin():
        planned = s.get(Job, "PM-A2-2026-11-19")
        assert planned is not None
        planned.status = "planned"
    changes = {v["job_id"]: v["change"] for v in _visits(world)["visits"]}
    assert changes == {"PM-A1-2026-12-02": "updated", "PM-A2-2026-11-19": "unchanged"}
    assert world.get("planner", "/api/v1/jobs/PM-A1-2026-12-02").json["duration_min"] == 90
    assert world.get("planner", "/api/v1/jobs/PM-A2-2026-11-19").json["duration_min"] == 45


def test_a_visit_done_moves_the_next_cycle_and_cancels_the_visit_no_longer_due(
    world: World,
) -> None:
    _store(world, UNIT)
    # a quarter from Monday: the next cycle's band (27 February - 5 March) reaches 1 March
    first = _visits(world, days=92)
    assert [v["job_id"] for v in first["visits"]] == ["PM-A1-2026-12-02", "PM-A1-2027-03-02"]
    for status, at in (
        ("on_site", "2026-12-01T10:00:00+01:00"),
        ("done", "2026-12-01T11:00:00+01:00"),
    ):
        r = world.post(
            "dispatcher", "/api/v1/jobs/PM-A1-2026-12-02/events", {"status": status, "at": at}
        )
        assert r.status_code == 201, r.json
    assert world.get("planner", "/api/v1/assets/A1").json["last_visit"] == "2026-12-01"
    second = _visits(world, days=92)
    assert [(v["job_id"], v["change"]) for v in second["visits"]] == [
        ("PM-A1-2027-03-01", "created")
    ]
    assert second["cancelled"] == ["PM-A1-2027-03-02"]
    stale = world.get("planner", "/api/v1/jobs/PM-A1-2027-03-02/events").json["items"]
    assert [e["status"] for e in stale] == ["new", "cancelled"]
    assert stale[-1]["note"] == "no longer due: A1 was last visited on 2026-12-01, every 90 days"
    assert stale[-1]["user"] == "planner"


def test_a_week_plan_puts_each_visit_on_a_day_of_its_band(world: World) -> None:
    _store(world, UNIT, OVERDUE)
    _visits(world)
    r = world.post(
        "dispatcher",
        "/api/v1/plans",
        {"region": "metro", "date": MONDAY, "days": 5, "time_limit_s": 2},
    )
    assert r.status_code == 202, r.json
    run = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert run["status"] == "done", run["error"]
    data = world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json
    jobs = {j["id"]: j for j in data["jobs"]}
    assert jobs["PM-A1-2026-12-02"]["windows"] == [
        {"start": f"2026-{d}T09:00:00+01:00", "end": f"2026-{d}T17:00:00+01:00"}
        for d in ("11-30", "12-01", "12-02", "12-03", "12-04")
    ]
    assert jobs["PM-A1-2026-12-02"]["sla_deadline"] == "2026-12-02T17:00:00+01:00"
    assert jobs["PM-A2-2026-11-19"]["sla_deadline"] == "2026-11-30T18:00:00+01:00"
    problem = problem_from_json(data)
    plan = plan_from_json(run["result"]["plan"], problem.clock)
    assert check(problem, plan) == []
    served = {o.id: o for o in plan.jobs}
    # each visit on a day of its band, before its due day closes
    assert served["PM-A1-2026-12-02"].sla_met and served["PM-A2-2026-11-19"].sla_met


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"region_id": "nowhere", "first_day": MONDAY}, 404, "region_id"),
        ({"region_id": "metro", "first_day": MONDAY, "days": 93}, 422, "days"),
        ({"region_id": "metro", "first_day": "30.11.2026"}, 422, "first_day"),
        ({"first_day": MONDAY}, 422, "region_id"),
    ],
)
def test_a_bad_horizon_is_refused_naming_the_field(
    world: World, body: dict[str, Any], code: int, field: str
) -> None:
    r = world.post("planner", "/api/v1/maintenance/visits", body)
    assert r.status_code == code
    assert field in r.json["errors"]["json"]
    assert world.post("e1", "/api/v1/maintenance/visits", body).status_code == 403
