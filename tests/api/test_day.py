"""During the day: who should go to a new emergency, and the re-planned rest of the day, through the service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from api.models import Assignment, Job
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World, job_body

NOW = "2026-11-30T10:40:00+01:00"


def _published_day(world: World) -> dict[str, Any]:
    for body in (
        job_body("J1", reported="2026-11-30T08:00:00+01:00"),
        job_body("J2", site="S2", contract="K2"),
        job_body("J3", kind="preventive", contract=None, duration_min=45),
    ):
        world.post("dispatcher", "/api/v1/jobs", body)
    run: dict[str, Any] = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    ).json
    assert world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish").status_code == 200
    return run


def _replanned_with_emergency(world: World, run: dict[str, Any]) -> dict[str, Any]:
    """Report emergency J9 at 10:30 and re-plan the published day at ``NOW``: the new run."""
    world.post(
        "dispatcher",
        "/api/v1/jobs",
        job_body("J9", kind="emergency", reported="2026-11-30T10:30:00+01:00"),
    )
    r = world.post(
        "dispatcher", f"/api/v1/plans/{run['id']}/replan", {"now": NOW, "time_limit_s": 1}
    )
    assert r.status_code == 202, r.json
    new: dict[str, Any] = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert new["status"] == "done", new["error"]
    return new


def _engineer_of(run: dict[str, Any], job: str) -> str:
    return next(
        r["engineer"]
        for r in run["result"]["plan"]["routes"]
        if any(s.get("id") == job for s in r["stops"])
    )


def test_who_ranks_engineers_for_a_new_emergency(world: World) -> None:
    run = _published_day(world)
    world.post(
        "dispatcher",
        "/api/v1/jobs",
        job_body("J9", kind="emergency", reported="2026-11-30T10:30:00+01:00"),
    )
    r = world.post("dispatcher", f"/api/v1/plans/{run['id']}/who", {"job_id": "J9", "now": NOW})
    assert r.status_code == 200, r.json
    assert r.json["job_id"] == "J9" and r.json["run"] == run["id"]
    ranking = r.json["candidates"]
    assert {c["engineer"] for c in ranking} == {"E1", "E2"}  # both have the hvac skill
    assert [c["cost"] for c in ranking] == sorted(c["cost"] for c in ranking)
    for c in ranking:
        assert c["name"] in ("Anna Weber", "Jonas Kim")
        assert datetime.fromisoformat(c["start"]) >= datetime.fromisoformat(
            NOW
        )  # nobody starts in the past
        assert datetime.fromisoformat(c["arrival"]) <= datetime.fromisoformat(c["start"])
        # gold 7x24: reported 10:30, 240 min to respond
        assert c["sla_met"] == (
            datetime.fromisoformat(c["start"])
            <= datetime.fromisoformat("2026-11-30T14:30:00+01:00")
        )
    assert (
        world.post(
            "dispatcher", f"/api/v1/plans/{run['id']}/who", {"job_id": "J1", "now": NOW}
        ).status_code
        == 409
    )  # already planned
    assert (
        world.post(
            "dispatcher", f"/api/v1/plans/{run['id']}/who", {"job_id": "J404", "now": NOW}
        ).status_code
        == 422
    )


def test_replan_inserts_the_emergency_keeps_work_under_way_and_publishes(world: World) -> None:
    run = _published_day(world)
    busy = _engineer_of(run, "J1")
    who = busy.lower()
    world.post(
        who, "/api/v1/jobs/J1/events", {"status": "en_route", "at": "2026-11-30T10:00:00+01:00"}
    )
    world.post(
        who, "/api/v1/jobs/J1/events", {"status": "on_site", "at": "2026-11-30T10:20:00+01:00"}
    )
    new = _replanned_with_emergency(world, run)
    assert new["params"]["replan_of"] == run["id"] and new["params"]["now"] == NOW
    rest = problem_from_json(world.get("dispatcher", f"/api/v1/plans/{new['id']}/problem").json)
    plan = plan_from_json(new["result"]["plan"], rest.clock)
    assert check(rest, plan) == []
    assert "J1" not in {
        o["id"] for o in new["result"]["plan"]["jobs"]
    }  # under way: not planned again
    assert "J9" in {o["id"] for o in new["result"]["plan"]["jobs"]}
    changed = {c["job"]: c for c in new["result"]["changes"]["changed"]}
    assert changed["J9"]["before"] is None and changed["J9"]["after"]["engineer"] in ("E1", "E2")
    assert world.post("dispatcher", f"/api/v1/plans/{new['id']}/publish").status_code == 200
    with world.sessions() as s:
        j9 = s.scalars(select(Assignment).where(Assignment.job_id == "J9")).one()
        assert j9.run_id == new["id"]
        assert s.get(Job, "J9").status == "planned"  # type: ignore[union-attr]
        assert s.get(Job, "J1").status == "on_site"  # type: ignore[union-attr]
        j1 = s.scalars(select(Assignment).where(Assignment.job_id == "J1")).one()
        assert (j1.engineer_id, j1.run_id) == (
            busy,
            run["id"],
        )  # the visit under way stays on the day
    assert world.post(who, "/api/v1/jobs/J1/events", {"status": "done"}).status_code == 201
    day = world.get(
        changed["J9"]["after"]["engineer"].lower(),
        f"/api/v1/engineers/{changed['J9']['after']['engineer']}/assignments?date={MONDAY}",
    ).json
    assert "J9" in [s["job"]["id"] for s in day["stops"] if s["type"] == "job"]
    starts = [datetime.fromisoformat(s["start"]) for s in day["stops"]]
    assert starts == sorted(starts)


def test_a_sick_engineer_and_refusals(world: World) -> None:
    run = _published_day(world)
    bad = world.post(
        "dispatcher", f"/api/v1/plans/{run['id']}/replan", {"now": NOW, "unavailable": {"E7": NOW}}
    )
    assert bad.status_code == 422 and "unavailable.E7" in bad.json["errors"]["json"]
    r = world.post(
        "dispatcher",
        f"/api/v1/plans/{run['id']}/replan",
        {"now": NOW, "time_limit_s": 1, "unavailable": {"E2": "2026-11-30T11:00:00+01:00"}},
    )
    new = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert new["status"] == "done", new["error"]
    rest = problem_from_json(world.get("dispatcher", f"/api/v1/plans/{new['id']}/problem").json)
    assert check(rest, plan_from_json(new["result"]["plan"], rest.clock)) == []
    e2_after_11 = [
        s
        for route in new["result"]["plan"]["routes"]
        if route["engineer"] == "E2"
        for s in route["stops"]
        if s["type"] == "job"
        and datetime.fromisoformat(s["end"]) > datetime.fromisoformat("2026-11-30T11:00:00+01:00")
    ]
    assert e2_after_11 == []
    unpublished = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    ).json
    refused = world.post("dispatcher", f"/api/v1/plans/{unpublished['id']}/replan", {"now": NOW})
    assert refused.status_code == 409


def test_a_visit_on_site_stays_with_its_engineer_through_a_new_plan(world: World) -> None:
    run = _published_day(world)
    busy = _engineer_of(run, "J1")
    who = busy.lower()
    for status, at in (("en_route", "10:00"), ("on_site", "10:20")):
        r = world.post(
            who, "/api/v1/jobs/J1/events", {"status": status, "at": f"{MONDAY}T{at}:00+01:00"}
        )
        assert r.status_code == 201
    fresh = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    ).json
    assert "J1" not in {o["id"] for o in fresh["result"]["plan"]["jobs"]}  # not open any more
    assert world.post("dispatcher", f"/api/v1/plans/{fresh['id']}/publish").status_code == 200
    with world.sessions() as s:
        j1 = s.scalars(select(Assignment).where(Assignment.job_id == "J1")).one()
        assert (j1.engineer_id, j1.run_id) == (busy, run["id"])
        assert s.get(Job, "J1").status == "on_site"  # type: ignore[union-attr]
    day = world.get(who, f"/api/v1/engineers/{busy}/assignments?date={MONDAY}").json
    assert "J1" in [s["job"]["id"] for s in day["stops"] if s["type"] == "job"]
    assert world.post(who, "/api/v1/jobs/J1/events", {"status": "done"}).status_code == 201


def test_a_job_en_route_stays_with_its_engineer_through_a_replan(world: World) -> None:
    run = _published_day(world)
    busy = _engineer_of(run, "J2")
    who = busy.lower()
    r = world.post(
        who, "/api/v1/jobs/J2/events", {"status": "en_route", "at": "2026-11-30T10:30:00+01:00"}
    )
    assert r.status_code == 201
    new = _replanned_with_emergency(world, run)
    rest = world.get("dispatcher", f"/api/v1/plans/{new['id']}/problem").json
    pins = {j["id"]: j.get("pinned_engineer") for j in rest["jobs"]}
    assert pins["J2"] == busy and pins["J9"] is None
    assert _engineer_of(new, "J2") == busy
    assert world.post("dispatcher", f"/api/v1/plans/{new['id']}/publish").status_code == 200
    r = world.post(
        who, "/api/v1/jobs/J2/events", {"status": "on_site", "at": "2026-11-30T10:50:00+01:00"}
    )
    assert r.status_code == 201
