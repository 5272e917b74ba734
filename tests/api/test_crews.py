"""Contract 1.2 in the service: crew jobs, engineer speeds and preferred engineers.

A crew job is stored with its crew size, planned with every member, published
to each member's day naming the others, reported on by any member, and ranked
by "who" as crews. Engineer speeds and preferences are stored and reach the
plan's problem; bad values are named.
"""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World, job_body

NOW = "2026-11-30T07:30:00+01:00"


def _plan(world: World) -> dict[str, Any]:
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    )
    assert r.status_code == 202, r.json
    run: dict[str, Any] = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert run["status"] == "done", run
    return run


def _checked(world: World, run: dict[str, Any]) -> None:
    problem = problem_from_json(world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json)
    plan = plan_from_json(run["result"]["plan"], problem.clock)
    assert check(problem, plan) == []


def test_a_crew_job_is_planned_with_both_engineers_and_on_each_ones_day(world: World) -> None:
    body = job_body("J1", crew=2, preferred_engineers=["E2"], duration_min=90)
    r = world.post("dispatcher", "/api/v1/jobs", body)
    assert r.status_code == 201, r.json
    assert (r.json["crew"], r.json["preferred_engineers"]) == (2, ["E2"])
    run = _plan(world)
    problem = world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json
    (sent,) = [j for j in problem["jobs"] if j["id"] == "J1"]
    assert sent["crew"] == 2 and sent["preferred_engineers"] == ["E2"]
    assert problem["objective"]["unpreferred_cost"] == 150.0
    _checked(world, run)
    (entry,) = [o for o in run["result"]["plan"]["jobs"] if o["id"] == "J1"]
    assert sorted(entry["engineers"]) == ["E1", "E2"]
    # the customer's preferred engineer leads: another lead would cost 150
    assert entry["engineer"] == "E2"
    assert world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish").status_code == 200

    days = {
        e: world.get("dispatcher", f"/api/v1/engineers/{e}/assignments?date={MONDAY}").json
        for e in ("E1", "E2")
    }
    stops = {
        e: next(s for s in day["stops"] if s.get("job", {}).get("id") == "J1")
        for e, day in days.items()
    }
    assert stops["E1"]["start"] == stops["E2"]["start"]
    assert stops["E1"]["end"] == stops["E2"]["end"]
    for e, lead in (("E1", False), ("E2", True)):
        crew = stops[e]["job"]["crew"]
        assert crew["lead"] is lead
        assert crew["engineers"] == [
            {"id": "E2", "name": "Jonas Kim", "lead": True},
            {"id": "E1", "name": "Anna Weber", "lead": False},
        ]
    job = world.get("dispatcher", "/api/v1/jobs/J1").json
    assert job["engineer_id"] == "E2" and job["crew_engineers"] == ["E2", "E1"]


def test_each_member_reports_on_a_crew_job_and_outsiders_may_not(world: World) -> None:
    world.post("dispatcher", "/api/v1/jobs", job_body("J1", crew=2))
    world.post("dispatcher", "/api/v1/jobs", job_body("J2", site="S2", contract="K2"))
    run = _plan(world)
    assert world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish").status_code == 200
    events = "/api/v1/jobs/J1/events"
    for who_, status in (("e1", "en_route"), ("e2", "en_route"), ("e2", "on_site")):
        r = world.post(who_, events, {"status": status, "at": "2026-11-30T09:00:00+01:00"})
        assert r.status_code == 201, (who_, status, r.json)
    r = world.post("e1", events, {"status": "on_site", "at": "2026-11-30T09:05:00+01:00"})
    assert r.status_code == 201  # the second member arrives: the job stays on site
    assert world.get("dispatcher", "/api/v1/jobs/J1").json["status"] == "on_site"
    history = world.get("dispatcher", events).json["items"]
    assert [(e["status"], e["engineer_id"]) for e in history][-4:] == [
        ("en_route", "E1"),
        ("en_route", "E2"),
        ("on_site", "E2"),
        ("on_site", "E1"),
    ]
    # a second report of a single job's status is still refused
    single = "/api/v1/jobs/J2/events"
    owner = "e1" if world.get("dispatcher", "/api/v1/jobs/J2").json["engineer_id"] == "E1" else "e2"
    at = "2026-11-30T09:10:00+01:00"
    assert world.post(owner, single, {"status": "en_route", "at": at}).status_code == 201
    assert world.post(owner, single, {"status": "en_route", "at": at}).status_code == 409


def test_who_for_a_crew_emergency_proposes_crews(world: World) -> None:
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    run = _plan(world)
    assert world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish").status_code == 200
    world.post(
        "dispatcher",
        "/api/v1/jobs",
        job_body("J9", kind="emergency", crew=2, reported="2026-11-30T07:00:00+01:00"),
    )
    r = world.post("dispatcher", f"/api/v1/plans/{run['id']}/who", {"job_id": "J9", "now": NOW})
    assert r.status_code == 200, r.json
    (only,) = r.json["candidates"]  # two engineers: one crew
    assert sorted(m["id"] for m in only["crew"]) == ["E1", "E2"]
    assert only["crew"][0]["id"] == only["engineer"]
    assert {m["name"] for m in only["crew"]} == {"Anna Weber", "Jonas Kim"}


def test_engineer_speed_is_stored_and_planned(world: World) -> None:
    r = world.patch("admin", "/api/v1/engineers/E2", {"duration_factor": 1.5})
    assert r.status_code == 200, r.json
    assert r.json["duration_factor"] == 1.5
    world.post("dispatcher", "/api/v1/jobs", job_body("J1", crew=2, duration_min=60))
    run = _plan(world)
    problem = world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json
    speeds = {e["id"]: e.get("duration_factor", 1.0) for e in problem["engineers"]}
    assert speeds == {"E1": 1.0, "E2": 1.5}
    _checked(world, run)
    stops = [s for r in run["result"]["plan"]["routes"] for s in r["stops"] if s.get("id") == "J1"]
    assert len(stops) == 2
    for s in stops:  # the crew works as long as its slower member needs: 90 min
        assert (s["start"], s["end"]) == (stops[0]["start"], stops[0]["end"])


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/jobs", job_body("J1", crew=0), "crew"),
        ("/api/v1/jobs", job_body("J1", crew=7), "crew"),
        ("/api/v1/jobs", job_body("J1", crew="two"), "crew"),
        ("/api/v1/jobs", job_body("J1", preferred_engineers=["E404"]), "preferred_engineers"),
        ("/api/v1/jobs", job_body("J1", preferred_engineers="E1"), "preferred_engineers"),
    ],
)
def test_bad_crew_and_preferences_are_named(
    world: World, path: str, body: dict[str, Any], field: str
) -> None:
    r = world.post("dispatcher", path, body)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]["json"], r.json


@pytest.mark.parametrize("factor", [0, 0.1, 5, "fast"])
def test_a_bad_speed_is_named(world: World, factor: object) -> None:
    r = world.patch("admin", "/api/v1/engineers/E1", {"duration_factor": factor})
    assert r.status_code == 422, r.json
    assert "duration_factor" in r.json["errors"]["json"]


def test_patching_a_job_into_a_crew_job_checks_its_preferences(world: World) -> None:
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    r = world.patch("dispatcher", "/api/v1/jobs/J1", {"crew": 2, "preferred_engineers": ["E1"]})
    assert r.status_code == 200, r.json
    assert (r.json["crew"], r.json["preferred_engineers"]) == (2, ["E1"])
    r = world.patch("dispatcher", "/api/v1/jobs/J1", {"preferred_engineers": ["E9"]})
    assert r.status_code == 422 and "preferred_engineers" in r.json["errors"]["json"]
    assert world.get("dispatcher", "/api/v1/jobs/J1").json["preferred_engineers"] == ["E1"]
