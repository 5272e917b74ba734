"""Reporting jobs: SLA deadlines from the contract and the region's calendar, field by field."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.models import Job, JobEvent, utcnow
from tests.api.conftest import World, job_body


def test_report_a_job_returns_every_field_and_stores_it(world: World) -> None:
    r = world.post(
        "dispatcher",
        "/api/v1/jobs",
        job_body("J1", kind="emergency", description="chiller down", parts={"P-VALV": 1}),
    )
    assert r.status_code == 201
    body = r.json
    assert body["id"] == "J1" and body["site_id"] == "S1" and body["contract_id"] == "K1"
    assert (
        body["kind"] == "emergency" and body["priority"] == 1
    )  # emergencies default to priority 1
    assert body["status"] == "new"
    assert body["description"] == "chiller down" and body["parts"] == {"P-VALV": 1}
    # gold 7x24: 240 min response, 480 min repair after 08:00 CET (07:00 UTC)
    assert datetime.fromisoformat(body["response_deadline"]) == datetime.fromisoformat(
        "2026-11-30T12:00:00+01:00"
    )
    assert datetime.fromisoformat(body["repair_deadline"]) == datetime.fromisoformat(
        "2026-11-30T16:00:00+01:00"
    )
    with world.sessions() as s:
        job = s.get(Job, "J1")
        assert job is not None and job.status == "new" and job.priority == 1
        assert job.response_deadline == datetime.fromisoformat("2026-11-30T12:00:00+01:00")
        assert [e.status for e in job.events] == ["new"]


@pytest.mark.parametrize(
    ("reported", "contract", "kind", "response", "repair"),
    [
        # 7x24 on Friday 19:00: every hour counts, 240 min -> 23:00 the same evening
        (
            "2026-11-27T19:00:00+01:00",
            "K1",
            "emergency",
            "2026-11-27T23:00:00+01:00",
            "2026-11-28T03:00:00+01:00",
        ),
        # business hours, Friday 19:00, 600 min ("one working day"): Monday 08:00 + 10 h = 18:00;
        # repair 1200 min: Monday's 600 + Tuesday 08:00 + 600 = Tuesday 18:00
        (
            "2026-11-27T19:00:00+01:00",
            "K2",
            "normal",
            "2026-11-30T18:00:00+01:00",
            "2026-12-01T18:00:00+01:00",
        ),
        # business hours on the eve of two holidays (24, 25 Dec) before a weekend: Wed 23 Dec 17:00
        # leaves 60 min that day, then Mon 28 Dec 08:00 + 540 min = 17:00
        (
            "2026-12-23T17:00:00+01:00",
            "K2",
            "normal",
            "2026-12-28T17:00:00+01:00",
            "2026-12-29T17:00:00+01:00",
        ),
        # 7x24 ignores the holidays: Wed 23 Dec 17:00 + 480 min = Thu 01:00
        ("2026-12-23T17:00:00+01:00", "K1", "normal", "2026-12-24T01:00:00+01:00", None),
    ],
)
def test_sla_deadlines_follow_the_contract_clock(
    world: World, reported: str, contract: str, kind: str, response: str, repair: str | None
) -> None:
    site = "S1" if contract == "K1" else "S2"
    r = world.post(
        "dispatcher",
        "/api/v1/jobs",
        job_body("J9", site=site, contract=contract, kind=kind, reported=reported),
    )
    assert r.status_code == 201, r.json
    assert datetime.fromisoformat(r.json["response_deadline"]) == datetime.fromisoformat(response)
    if repair is None:
        assert r.json["repair_deadline"] is None
    else:
        assert datetime.fromisoformat(r.json["repair_deadline"]) == datetime.fromisoformat(repair)


def test_preventive_work_without_a_term_has_no_deadline(world: World) -> None:
    r = world.post("dispatcher", "/api/v1/jobs", job_body("J2", kind="preventive"))
    assert r.status_code == 201
    assert r.json["response_deadline"] is None and r.json["priority"] == 3


@pytest.mark.parametrize(
    ("change", "location", "field"),
    [
        ({"duration_min": "long"}, "json", "duration_min"),  # wrong type
        ({"kind": "urgent"}, "json", "kind"),  # not a fault level
        ({"reported_at": "2026-11-30T08:00:00"}, "json", "reported_at"),  # no time zone
        ({"site_id": None}, "json", "site_id"),  # missing reference
        ({"skills": {"hvac": -1}}, "json", "skills"),  # negative level
        ({"id": "bad id!"}, "json", "id"),  # not an id
    ],
)
def test_bad_job_input_names_the_field_and_stores_nothing(
    world: World, change: dict[str, object], location: str, field: str
) -> None:
    body = job_body("J3")
    body.update(change)
    r = world.post("dispatcher", "/api/v1/jobs", body)
    assert r.status_code == 422
    assert set(r.json) == {"code", "status", "message", "errors"}
    assert r.json["code"] == 422 and field in r.json["errors"][location]
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0
        assert s.scalar(select(func.count()).select_from(JobEvent)) == 0


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"site_id": "S404"}, "site_id", 422),  # unknown site
        ({"contract_id": "K404"}, "contract_id", 422),  # unknown contract
        ({"contract_id": "K2"}, "contract_id", 422),  # another customer's contract
    ],
)
def test_unknown_or_foreign_references_are_refused(
    world: World, change: dict[str, str], field: str, code: int
) -> None:
    body = job_body("J4")
    body.update(change)
    r = world.post("dispatcher", "/api/v1/jobs", body)
    assert r.status_code == code and field in r.json["errors"]["json"]
    with world.sessions() as s:
        assert s.get(Job, "J4") is None


def test_a_duplicate_job_is_a_conflict(world: World) -> None:
    assert world.post("dispatcher", "/api/v1/jobs", job_body("J5")).status_code == 201
    r = world.post("dispatcher", "/api/v1/jobs", job_body("J5", description="again"))
    assert r.status_code == 409 and "id" in r.json["errors"]["json"]
    with world.sessions() as s:
        assert s.get(Job, "J5").description == ""  # type: ignore[union-attr]


def test_list_jobs_filters_and_pages(world: World) -> None:
    for i in range(5):
        world.post(
            "dispatcher", "/api/v1/jobs", job_body(f"J{i}", kind="emergency" if i % 2 else "normal")
        )
    r = world.get("planner", "/api/v1/jobs?kind=emergency&per_page=1&page=2")
    assert r.status_code == 200
    assert r.json["total"] == 2 and r.json["page"] == 2 and r.json["per_page"] == 1
    assert [j["id"] for j in r.json["items"]] == ["J3"]  # J1 and J3 are emergencies, ordered by id
    assert world.get("planner", "/api/v1/jobs?region_id=metro").json["total"] == 5
    assert world.get("planner", "/api/v1/jobs?status=bogus").status_code == 422


def test_patch_changes_details_but_not_status(world: World) -> None:
    world.post("dispatcher", "/api/v1/jobs", job_body("J6"))
    r = world.patch(
        "dispatcher", "/api/v1/jobs/J6", {"duration_min": 90, "description": "bring ladder"}
    )
    assert (
        r.status_code == 200
        and r.json["duration_min"] == 90
        and r.json["description"] == "bring ladder"
    )
    assert world.patch("dispatcher", "/api/v1/jobs/J6", {"status": "done"}).status_code == 422
    assert world.get("dispatcher", "/api/v1/jobs/J404").status_code == 404


def test_a_report_dated_ahead_of_the_clock_is_refused(world: World) -> None:
    assert world.post("dispatcher", "/api/v1/jobs", job_body("J1")).status_code == 201
    ahead = (utcnow() + timedelta(hours=1)).isoformat()
    r = world.post("dispatcher", "/api/v1/jobs/J1/events", {"status": "cancelled", "at": ahead})
    assert r.status_code == 422 and "at" in r.json["errors"]["json"]
    assert r.json["message"].startswith("must not be later than the service's clock")
    assert world.get("dispatcher", "/api/v1/jobs/J1").json["status"] == "new"
    soon = (utcnow() + timedelta(minutes=5)).isoformat()  # a phone's clock a little fast
    r = world.post("dispatcher", "/api/v1/jobs/J1/events", {"status": "cancelled", "at": soon})
    assert r.status_code == 201, r.json


def test_a_jobs_history_comes_a_page_at_a_time(world: World) -> None:
    assert world.post("dispatcher", "/api/v1/jobs", job_body("J1")).status_code == 201
    for status in ("en_route", "on_site", "done"):
        r = world.post("dispatcher", "/api/v1/jobs/J1/events", {"status": status})
        assert r.status_code == 201, r.json
    first = world.get("dispatcher", "/api/v1/jobs/J1/events?per_page=3").json
    assert (first["page"], first["per_page"], first["total"]) == (1, 3, 4)
    assert [e["status"] for e in first["items"]] == ["new", "en_route", "on_site"]
    assert [e["user"] for e in first["items"]] == [None, "dispatcher", "dispatcher"]
    second = world.get("dispatcher", "/api/v1/jobs/J1/events?per_page=3&page=2").json
    assert [e["status"] for e in second["items"]] == ["done"]
    too_big = world.get("dispatcher", "/api/v1/jobs/J1/events?per_page=100000")
    assert too_big.status_code == 422 and "per_page" in too_big.json["errors"]["query"]
