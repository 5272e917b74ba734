"""Engineers' calendars through the service: absences and the on-call rota, stored and
edited field by field, and read by the plans of a day or a week."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.models import Assignment
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World, job_body

ABSENCE = {
    "id": "AB1",
    "engineer_id": "E1",
    "first_day": "2026-12-01",
    "last_day": "2026-12-02",
    "kind": "time_off",
}
#: E2 on call from Saturday 08:00 to Sunday 08:00 (Berlin).
DUTY = {
    "id": "OC1",
    "region_id": "metro",
    "engineer_id": "E2",
    "start": "2026-12-05T08:00:00+01:00",
    "end": "2026-12-06T08:00:00+01:00",
}


def test_an_absence_is_stored_read_changed_and_removed(world: World) -> None:
    r = world.post("dispatcher", "/api/v1/absences", ABSENCE)
    assert r.status_code == 201
    assert r.json == {**ABSENCE, "note": ""}
    listed = world.get("planner", "/api/v1/absences?engineer_id=E1").json
    assert [a["id"] for a in listed["items"]] == ["AB1"] and listed["total"] == 1
    assert world.get("planner", "/api/v1/absences?engineer_id=E2").json["total"] == 0
    r = world.patch("dispatcher", "/api/v1/absences/AB1", {"kind": "sickness", "note": "flu"})
    assert r.status_code == 200 and (r.json["kind"], r.json["note"]) == ("sickness", "flu")
    # a change of one day that ends the absence before it starts is refused, naming it
    r = world.patch("dispatcher", "/api/v1/absences/AB1", {"last_day": "2026-11-30"})
    assert r.status_code == 422
    assert r.json["errors"]["json"] == {"last_day": ["last_day must not be before first_day"]}
    assert world.get("planner", "/api/v1/absences/AB1").json["last_day"] == "2026-12-02"
    assert world.post("planner", "/api/v1/absences", {**ABSENCE, "id": "AB2"}).status_code == 403
    assert world.delete("dispatcher", "/api/v1/absences/AB1").status_code == 204
    assert world.get("dispatcher", "/api/v1/absences/AB1").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"last_day": "2026-11-30"}, "last_day"),
        ({"kind": "holiday"}, "kind"),
        ({"engineer_id": "E404"}, "engineer_id"),
        ({"first_day": "1.12.2026"}, "first_day"),
    ],
)
def test_a_bad_absence_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    r = world.post("dispatcher", "/api/v1/absences", {**ABSENCE, **change})
    assert r.status_code == 422
    assert field in r.json["errors"]["json"]
    assert world.get("dispatcher", "/api/v1/absences").json["total"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": "2026-12-05T07:00:00+01:00"}, "end must be after start"),
        ({"start": "2026-11-28T08:00:00+01:00"}, "a duty lasts at most 7 days"),
    ],
)
def test_a_duty_changed_out_of_shape_is_refused_and_stands(
    world: World, change: dict[str, Any], message: str
) -> None:
    assert world.post("dispatcher", "/api/v1/on-call", DUTY).status_code == 201
    stored = world.get("dispatcher", "/api/v1/on-call/OC1").json
    r = world.patch("dispatcher", "/api/v1/on-call/OC1", change)
    assert r.status_code == 422 and r.json["errors"]["json"] == {"end": [message]}
    assert world.get("dispatcher", "/api/v1/on-call/OC1").json == stored


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2026-12-05T07:00:00+01:00"}, "end"),
        ({"end": "2026-12-14T08:00:00+01:00"}, "end"),
        ({"start": "2026-12-05T08:00:00"}, "start"),
        ({"region_id": "nowhere"}, "region_id"),
    ],
)
def test_a_bad_duty_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    assert world.post("dispatcher", "/api/v1/on-call", {**DUTY, **change}).status_code == 422
    r = world.post("dispatcher", "/api/v1/on-call", {**DUTY, **change})
    assert field in r.json["errors"]["json"]


def _week(world: World) -> dict[str, Any]:
    assert world.post("dispatcher", "/api/v1/absences", ABSENCE).status_code == 201
    assert world.post("dispatcher", "/api/v1/on-call", DUTY).status_code == 201
    bodies = [
        job_body("J1", kind="emergency", reported="2026-11-30T08:30:00+01:00"),
        job_body("J2", site="S2", contract="K2", parts={"P-VALV": 1}),
        job_body("J3", kind="preventive", contract=None, duration_min=45),
        # reported on Saturday morning: only the engineer on call can go
        job_body("J4", kind="emergency", reported="2026-12-05T10:00:00+01:00"),
    ]
    for body in bodies:
        assert world.post("dispatcher", "/api/v1/jobs", body).status_code == 201
    r = world.post(
        "dispatcher",
        "/api/v1/plans",
        {"region": "metro", "date": MONDAY, "days": 7, "time_limit_s": 2},
    )
    assert r.status_code == 202, r.json
    run: dict[str, Any] = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert run["status"] == "done", run["error"]
    return run


def test_a_week_is_planned_with_working_days_absences_and_on_call(world: World) -> None:
    run = _week(world)
    assert run["params"]["days"] == 7 and run["date"] == MONDAY
    data = world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json
    assert data["horizon"] == {
        "start": "2026-11-30T00:00:00+01:00",
        "end": "2026-12-07T00:00:00+01:00",
    }
    shifts = {e["id"]: e["shifts"] for e in data["engineers"]}
    # E1 works Monday to Friday but is off on Tuesday and Wednesday
    assert [s["start"][:10] for s in shifts["E1"]] == ["2026-11-30", "2026-12-03", "2026-12-04"]
    assert shifts["E1"][0] == {
        "start": "2026-11-30T08:00:00+01:00",
        "end": "2026-11-30T17:00:00+01:00",
        "breaks": [
            {
                "earliest": "2026-11-30T11:30:00+01:00",
                "latest": "2026-11-30T13:30:00+01:00",
                "duration_min": 30,
            }
        ],
    }
    assert len(shifts["E2"]) == 6 and shifts["E2"][-1] == {
        "start": "2026-12-05T08:00:00+01:00",
        "end": "2026-12-06T08:00:00+01:00",
        "max_overtime_min": 0,
        "on_call": True,
    }
    # the depot opens on the region's working days only
    assert [h["start"][:10] for h in data["depots"][0]["hours"]] == [
        "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04",
    ]  # fmt: skip
    # a job may start on any day from when it is reported: J4 from Saturday 10:00
    j4 = next(j for j in data["jobs"] if j["id"] == "J4")
    assert j4["windows"][0]["start"] == "2026-12-05T10:00:00+01:00"
    problem = problem_from_json(data)
    plan = plan_from_json(run["result"]["plan"], problem.clock)
    assert check(problem, plan) == []
    served = {o.id: o.engineer for o in plan.jobs}
    assert served["J4"] == "E2"
    (weekend,) = [r for r in plan.routes if r.shift == 5 and r.engineer == "E2"]
    assert [s.id for s in weekend.stops if s.type.value == "job"] == ["J4"]
    assert plan.kpis.callouts == 1


def test_a_published_week_puts_each_stop_on_its_own_day(world: World) -> None:
    run = _week(world)
    r = world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish")
    assert r.status_code == 200
    with world.sessions() as s:
        rows = list(s.scalars(select(Assignment)))
        assert {a.job_id: a.day.isoformat() for a in rows if a.job_id} == {
            o["id"]: o["start"][:10] for o in run["result"]["plan"]["jobs"]
        }
    saturday = world.get("e2", "/api/v1/engineers/E2/assignments?date=2026-12-05").json
    assert [s["job"]["id"] for s in saturday["stops"] if s["type"] == "job"] == ["J4"]
    week = world.get("e2", f"/api/v1/engineers/E2/week?date={MONDAY}").json
    assert week["engineer"] == "E2"
    assert [d["date"] for d in week["days"]] == [
        "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05",
        "2026-12-06",
    ]  # fmt: skip
    assert week["days"][5] == saturday
    mine = {s["job"]["id"] for d in week["days"] for s in d["stops"] if s["type"] == "job"}
    assert mine == {o["id"] for o in run["result"]["plan"]["jobs"] if o["engineer"] == "E2"}
    assert world.get("e2", f"/api/v1/engineers/E1/week?date={MONDAY}").status_code == 403


def _replan(world: World, run_id: int, now: str) -> Any:
    return world.post(
        "dispatcher", f"/api/v1/plans/{run_id}/replan", {"now": now, "time_limit_s": 1}
    )


def test_a_published_week_is_re_planned_on_the_day_under_way_and_later_days_stand(
    world: World,
) -> None:
    run = _week(world)
    assert world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish").status_code == 200
    planned_on = {o["id"]: o["start"][:10] for o in run["result"]["plan"]["jobs"]}
    monday = sorted(j for j, d in planned_on.items() if d == MONDAY)
    assert planned_on["J4"] == "2026-12-05" and monday  # Saturday's callout, Monday's work
    body = job_body("J5", reported="2026-11-30T11:00:00+01:00")
    assert world.post("dispatcher", "/api/v1/jobs", body).status_code == 201
    r = world.post(
        "dispatcher",
        f"/api/v1/plans/{run['id']}/who",
        {"job_id": "J5", "now": "2026-11-30T11:00:00+01:00"},
    )
    assert r.status_code == 200, r.json
    # who goes is asked of Monday, the day under way, not of the whole week
    assert {c["engineer"] for c in r.json["candidates"]} == {"E1", "E2"}
    assert all(c["arrival"][:10] == MONDAY for c in r.json["candidates"])
    r = _replan(world, run["id"], "2026-11-30T12:00:00+01:00")
    assert r.status_code == 202, r.json
    replan = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert replan["status"] == "done", replan["error"]
    assert (replan["date"], replan["params"]["replan_of"]) == (MONDAY, run["id"])
    assert "days" not in replan["params"]
    rest = world.get("dispatcher", f"/api/v1/plans/{replan['id']}/problem").json
    # Monday's shifts in the one-shift form, from noon; Saturday's job is not Monday's
    assert {e["id"]: e["shift"]["end"] for e in rest["engineers"]} == {
        "E1": "2026-11-30T17:00:00+01:00",
        "E2": "2026-11-30T17:00:00+01:00",
    }
    assert all(e["shift"]["start"] >= "2026-11-30T12:00:00+01:00" for e in rest["engineers"])
    ids = {j["id"] for j in rest["jobs"]}
    assert "J4" not in ids and "J5" in ids
    problem = problem_from_json(rest)
    assert check(problem, plan_from_json(replan["result"]["plan"], problem.clock)) == []
    assert world.post("dispatcher", f"/api/v1/plans/{replan['id']}/publish").status_code == 200
    with world.sessions() as s:
        rows = {
            a.job_id: (a.run_id, a.day.isoformat())
            for a in s.scalars(select(Assignment))
            if a.job_id
        }
    # Monday from the re-plan (J5 with it), Saturday still from the week
    assert rows["J4"] == (run["id"], "2026-12-05")
    served = {o["id"] for o in replan["result"]["plan"]["jobs"]}
    assert "J5" in served
    assert {j for j, (r_id, _) in rows.items() if r_id == replan["id"]} == served
    week_run = world.get("dispatcher", f"/api/v1/plans/{run['id']}").json
    assert week_run["published_at"] is not None and week_run["superseded_at"] is None
    # Monday now belongs to the re-plan: the week is not re-planned on it again
    r = _replan(world, run["id"], "2026-11-30T13:00:00+01:00")
    assert r.status_code == 409
    assert (
        r.json["message"]
        == f"plan {replan['id']} is the published plan of {MONDAY}: re-plan that one"
    )
    # and a moment outside the week is no day of it
    r = _replan(world, run["id"], "2026-12-08T09:00:00+01:00")
    assert r.status_code == 409 and "2026-12-08" in r.json["message"]


def test_a_day_plan_leaves_out_who_is_absent_and_nobody_works_a_holiday(world: World) -> None:
    assert world.post("dispatcher", "/api/v1/absences", ABSENCE).status_code == 201
    assert world.post("dispatcher", "/api/v1/jobs", job_body("J1")).status_code == 201
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": "2026-12-01", "time_limit_s": 1}
    )
    data = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}/problem").json
    assert [e["id"] for e in data["engineers"]] == ["E2"]
    assert "shift" in data["engineers"][0]  # one day: the one-shift form
    r = world.post("dispatcher", "/api/v1/plans", {"region": "metro", "date": "2026-12-24"})
    assert r.status_code == 422 and "date" in r.json["errors"]["json"]
