"""Plans through the service: 202 and a run, the plan checked independently, publish, an engineer's day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from api.models import Assignment, Job, Run
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World, job_body


def _jobs(world: World) -> None:
    bodies = [
        job_body("J1", kind="emergency", reported="2026-11-30T08:30:00+01:00"),
        job_body("J2", site="S2", contract="K2", parts={"P-VALV": 1}),
        job_body("J3", kind="preventive", contract=None, duration_min=45),
    ]
    for body in bodies:
        assert world.post("dispatcher", "/api/v1/jobs", body).status_code == 201


def _plan(world: World) -> dict[str, Any]:
    _jobs(world)
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    )
    assert r.status_code == 202, r.json
    assert r.headers["Location"].endswith(f"/api/v1/plans/{r.json['id']}")
    run: dict[str, Any] = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    return run


def test_a_requested_plan_runs_and_passes_the_independent_check(world: World) -> None:
    run = _plan(world)
    assert run["kind"] == "plan" and run["status"] == "done" and run["error"] is None
    assert run["region"] == "metro" and run["date"] == MONDAY
    assert run["params"] == {"region": "metro", "date": MONDAY, "time_limit_s": 1.0, "seed": 0}
    assert run["progress"]["fraction"] == 1.0
    assert run["published_at"] is None
    problem_data = world.get("planner", f"/api/v1/plans/{run['id']}/problem").json
    assert sorted(j["id"] for j in problem_data["jobs"]) == ["J1", "J2", "J3"]
    assert sorted(e["id"] for e in problem_data["engineers"]) == ["E1", "E2"]
    assert problem_data["depots"][0]["stock"] == {"P-VALV": 3}
    assert problem_data["engineers"][0]["van_stock"] == {"P-FILT": 2}
    problem = problem_from_json(problem_data)
    plan = plan_from_json(run["result"]["plan"], problem.clock)
    assert check(problem, plan) == []
    assert run["result"]["plan"]["kpis"]["assigned"] == 3


def test_a_plan_for_a_region_or_day_without_engineers_is_refused(world: World) -> None:
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": "2026-11-29"}
    )  # a Sunday
    assert r.status_code == 422 and "date" in r.json["errors"]["json"]
    r = world.post("dispatcher", "/api/v1/plans", {"region": "nowhere", "date": MONDAY})
    assert r.status_code == 422 and "region" in r.json["errors"]["json"]
    r = world.post("dispatcher", "/api/v1/plans", {"region": "metro", "date": "30.11.2026"})
    assert r.status_code == 422 and "date" in r.json["errors"]["json"]
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Run)) == 0


def test_publish_writes_the_stops_once(world: World) -> None:
    run = _plan(world)
    stops = [
        (r["engineer"], i, s)
        for r in run["result"]["plan"]["routes"]
        for i, s in enumerate(r["stops"])
    ]
    r = world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish")
    assert (
        r.status_code == 200 and r.json["run"] == run["id"] and r.json["assignments"] == len(stops)
    )
    again = world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish")
    assert again.status_code == 200 and again.json["assignments"] == len(stops)
    with world.sessions() as s:
        rows = list(
            s.scalars(select(Assignment).order_by(Assignment.engineer_id, Assignment.sequence))
        )
        assert len(rows) == len(stops)  # publishing twice duplicated nothing
        for row, (engineer, sequence, stop) in zip(
            rows, sorted(stops, key=lambda x: (x[0], x[1])), strict=True
        ):
            assert (row.engineer_id, row.sequence, row.type) == (engineer, sequence, stop["type"])
            assert row.start == datetime.fromisoformat(stop["start"])
        assert {j.id: j.status for j in s.scalars(select(Job))} == {
            "J1": "planned",
            "J2": "planned",
            "J3": "planned",
        }
        assert s.get(Run, run["id"]).published_at is not None  # type: ignore[union-attr]


def test_a_newer_plan_replaces_the_published_one(world: World) -> None:
    first = _plan(world)
    world.post("dispatcher", f"/api/v1/plans/{first['id']}/publish")
    second = world.post(
        "dispatcher",
        "/api/v1/plans",
        {"region": "metro", "date": MONDAY, "time_limit_s": 1, "seed": 1},
    ).json
    r = world.post("dispatcher", f"/api/v1/plans/{second['id']}/publish")
    assert r.status_code == 200
    with world.sessions() as s:
        assert {a.run_id for a in s.scalars(select(Assignment))} == {second["id"]}
        assert s.get(Run, first["id"]).superseded_at is not None  # type: ignore[union-attr]


def test_a_plan_whose_jobs_moved_on_cannot_be_published(world: World) -> None:
    run = _plan(world)
    world.post("dispatcher", "/api/v1/jobs/J3/events", {"status": "cancelled"})
    r = world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish")
    assert r.status_code == 409 and "J3" in r.json["message"]
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == 0


def test_an_engineer_reads_their_own_day_field_by_field(world: World) -> None:
    run = _plan(world)
    world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish")
    routes = {r["engineer"]: r for r in run["result"]["plan"]["routes"]}
    for engineer, who in (("E1", "e1"), ("E2", "e2")):
        r = world.get(who, f"/api/v1/engineers/{engineer}/assignments?date={MONDAY}")
        assert r.status_code == 200
        day = r.json
        assert (
            day["engineer"]["id"] == engineer and day["date"] == MONDAY and day["region"] == "metro"
        )
        planned = routes.get(engineer, {"stops": []})["stops"]
        assert [s["type"] for s in day["stops"]] == [s["type"] for s in planned]
        for got, want in zip(day["stops"], planned, strict=True):
            assert datetime.fromisoformat(got["start"]) == datetime.fromisoformat(want["start"])
            assert got["start"].endswith("+01:00")  # local Berlin time
            if want["type"] == "job":
                assert got["job"]["id"] == want["id"]
                assert got["job"]["site"]["address"] in ("Hauptstrasse 1", "Marktplatz 2")
            if want["type"] == "depot":
                assert got["depot"]["address"] == "Depotstrasse 1"
                assert got["pickup"] == want["pickup"]
                assert {"depot": "D1", "part": "P-VALV", "quantity": 1} in day["pickups"]


@pytest.mark.parametrize("target", ["E2", "E404"])
def test_an_engineer_cannot_read_another_day_and_learns_nothing(world: World, target: str) -> None:
    r = world.get("e1", f"/api/v1/engineers/{target}/assignments?date={MONDAY}")
    assert r.status_code == 403
    assert r.json == {
        "code": 403,
        "status": "Forbidden",
        "message": "your role may not do this",
        "errors": {},
    }


def test_progress_reports_move_the_job_and_the_stock(world: World) -> None:
    run = _plan(world)
    world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish")
    engineer = next(
        r["engineer"]
        for r in run["result"]["plan"]["routes"]
        if any(s.get("id") == "J1" for s in r["stops"])
    )
    who = engineer.lower()
    other = "e2" if who == "e1" else "e1"
    assert world.post(other, "/api/v1/jobs/J1/events", {"status": "en_route"}).status_code == 403
    assert (
        world.post(who, "/api/v1/jobs/J1/events", {"status": "done"}).status_code == 409
    )  # not on site yet
    for status in ("en_route", "on_site"):
        r = world.post(
            who, "/api/v1/jobs/J1/events", {"status": status, "at": "2026-11-30T09:00:00+01:00"}
        )
        assert (
            r.status_code == 201
            and r.json["status"] == status
            and r.json["engineer_id"] == engineer
        )
    world.put(
        "dispatcher",
        "/api/v1/stock",
        {"part_id": "P-FILT", "location_kind": "van", "location_id": engineer, "quantity": 2},
    )
    too_many = world.post(
        who,
        "/api/v1/jobs/J1/events",
        {"status": "done", "parts_used": [{"part": "P-FILT", "quantity": 3}]},
    )
    assert (
        too_many.status_code == 409 and "parts_used[0].quantity" in too_many.json["errors"]["json"]
    )
    with world.sessions() as s:
        assert s.get(Job, "J1").status == "on_site"  # type: ignore[union-attr]
    done = world.post(
        who,
        "/api/v1/jobs/J1/events",
        {
            "status": "done",
            "note": "replaced filter",
            "parts_used": [{"part": "P-FILT", "quantity": 1}],
        },
    )
    assert done.status_code == 201
    assert done.json["parts_used"] == [{"part": "P-FILT", "quantity": 1, "source": "van"}]
    stock = world.get("planner", f"/api/v1/stock?part_id=P-FILT&location_id={engineer}").json[
        "items"
    ]
    assert stock == [
        {"part_id": "P-FILT", "location_kind": "van", "location_id": engineer, "quantity": 1}
    ]  # 2 - 1
    moves = world.get("planner", "/api/v1/stock/movements?job_id=J1").json["items"]
    assert [(m["reason"], m["quantity"], m["from_id"]) for m in moves] == [
        ("consumed", 1, engineer)
    ]
    history = world.get(who, "/api/v1/jobs/J1/events").json["items"]
    assert [e["status"] for e in history] == ["new", "planned", "en_route", "on_site", "done"]
    assert history[-1]["user"] == who
