"""Appointment booking through the service: the slots offered for a stored job, booking
one, and every later plan and re-plan keeping it.

Berlin, Monday 2026-11-30. S2 (Mall Two) opens 09:00-17:00; E2 lives nearest it.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pytest

from tests.api.conftest import MONDAY, World, job_body

CALL = "2026-11-30T07:00:00+01:00"  # the customer calls before the day starts


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km as the region's travel reads them (radius 6371.0088 km, x 1.3)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h)) * 1.3


E2_TO_S2_AND_BACK = 2 * _km(52.50, 13.30, 52.49, 13.35)


def _job(world: World, ident: str, **extra: Any) -> None:
    body = job_body(ident, site="S2", contract="K2", **extra)
    assert world.post("dispatcher", "/api/v1/jobs", body).status_code == 201


def _slots(world: World, ident: str, **args: Any) -> Any:
    return world.post(
        "dispatcher", f"/api/v1/jobs/{ident}/slots", {"date": MONDAY, "now": CALL, **args}
    )


def test_an_empty_day_offers_every_slot_of_the_sites_hours_with_the_nearest_engineer(
    world: World,
) -> None:
    _job(world, "J5")
    r = _slots(world, "J5", days=2)
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["job_id"], body["region"], body["date"], body["days"], body["length_min"]) == (
        "J5", "metro", MONDAY, 2, 120,
    )  # fmt: skip
    starts = [s["start"] for s in body["slots"]]
    assert starts == [
        f"{day}T{hour}:00:00+01:00" for day in ("2026-11-30", "2026-12-01")
        for hour in ("09", "11", "13", "15")
    ]  # fmt: skip
    first = body["slots"][0]
    assert first == {
        "start": "2026-11-30T09:00:00+01:00",
        "end": "2026-11-30T11:00:00+01:00",
        "engineer": "E2",
        "name": "Jonas Kim",
        "planned_start": "2026-11-30T09:00:00+01:00",  # the site opens at 09:00
        "added_cost": round(E2_TO_S2_AND_BACK, 2),
        "keeps_promises": True,
        "late_min": 0.0,
    }
    # each slot says how long after the job's response deadline it would start
    deadline = datetime.fromisoformat(
        world.get("dispatcher", "/api/v1/jobs/J5").json["response_deadline"]
    )
    for slot in body["slots"]:
        late = (datetime.fromisoformat(slot["planned_start"]) - deadline).total_seconds() / 60
        assert slot["late_min"] == max(0.0, late)
    # (K2 answers a repair within 600 working minutes: Monday 18:00)
    assert deadline.isoformat() == "2026-11-30T17:00:00+00:00"
    assert [s["late_min"] for s in body["slots"]] == [0.0] * 4 + [900.0, 1020.0, 1140.0, 1260.0]
    # a call at noon gets no slot that starts before it
    later = _slots(world, "J5", now="2026-11-30T12:00:00+01:00").json["slots"]
    assert later[0]["start"] == "2026-11-30T13:00:00+01:00"


def test_a_booked_slot_is_kept_by_the_next_plan_and_holds_its_place_for_the_next_call(
    world: World,
) -> None:
    _job(world, "J5")
    offered = _slots(world, "J5").json["slots"]
    chosen = offered[1]  # 11:00-13:00
    booking = {"start": chosen["start"], "end": chosen["end"], "now": CALL}
    r = world.post("dispatcher", "/api/v1/jobs/J5/book", booking)
    assert r.status_code == 200, r.json
    assert (r.json["appointment_start"], r.json["appointment_end"]) == (
        "2026-11-30T10:00:00+00:00",
        "2026-11-30T12:00:00+00:00",
    )
    assert world.get("dispatcher", "/api/v1/jobs/J5").json["appointment_start"] == (
        "2026-11-30T10:00:00+00:00"
    )
    # the next caller's job at the same site: E2 goes there for J5 (booked, not yet
    # planned) anyway, so each slot of the day adds nothing, where the same slots cost
    # the way there and back before J5 was booked
    assert offered[0]["added_cost"] == round(E2_TO_S2_AND_BACK, 2)
    _job(world, "J6")
    again = _slots(world, "J6", days=1).json["slots"]
    assert [(s["start"][11:16], s["engineer"], s["added_cost"]) for s in again] == [
        (hour, "E2", 0.0) for hour in ("09:00", "11:00", "13:00", "15:00")
    ]
    # a plan of the day gives J5 that slot as its only window, and keeps it
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    )
    run = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    problem = world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json
    (j5,) = [j for j in problem["jobs"] if j["id"] == "J5"]
    assert j5["windows"] == [
        {"start": "2026-11-30T11:00:00+01:00", "end": "2026-11-30T13:00:00+01:00"}
    ]
    (served,) = [o for o in run["result"]["plan"]["jobs"] if o["id"] == "J5"]
    assert "2026-11-30T11:00:00+01:00" <= served["start"] <= "2026-11-30T13:00:00+01:00"


def test_a_slot_no_longer_offered_cannot_be_booked(world: World) -> None:
    _job(world, "J5")
    early = {"start": "2026-11-30T06:00:00+01:00", "end": "2026-11-30T08:00:00+01:00"}
    r = world.post("dispatcher", "/api/v1/jobs/J5/book", {**early, "now": CALL})
    assert r.status_code == 409 and "ask for the slots again" in r.json["message"]
    assert world.get("dispatcher", "/api/v1/jobs/J5").json["appointment_start"] is None
    backwards = {"start": "2026-11-30T11:00:00+01:00", "end": "2026-11-30T09:00:00+01:00"}
    r = world.post("dispatcher", "/api/v1/jobs/J5/book", backwards)
    assert r.status_code == 422 and "end" in r.json["errors"]["json"]


def test_a_booking_is_given_up_and_the_job_planned_on_its_usual_windows(world: World) -> None:
    _job(world, "J5")
    slot = _slots(world, "J5").json["slots"][2]
    booking = {"start": slot["start"], "end": slot["end"], "now": CALL}
    assert world.post("dispatcher", "/api/v1/jobs/J5/book", booking).status_code == 200
    r = world.delete("dispatcher", "/api/v1/jobs/J5/book")
    assert r.status_code == 200
    assert (r.json["appointment_start"], r.json["appointment_end"]) == (None, None)


def test_a_job_booked_after_its_plan_was_published_keeps_the_slot_in_the_re_plan(
    world: World,
) -> None:
    _job(world, "J5")
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    )
    run_id = r.json["id"]
    assert world.post("dispatcher", f"/api/v1/plans/{run_id}/publish").status_code == 200
    # J5 is published for the morning; the customer asks for the afternoon
    slots = {s["start"][11:16]: s for s in _slots(world, "J5", days=1).json["slots"]}
    afternoon = slots["15:00"]
    booking = {"start": afternoon["start"], "end": afternoon["end"], "now": CALL}
    assert world.post("dispatcher", "/api/v1/jobs/J5/book", booking).status_code == 200
    r = world.post("dispatcher", f"/api/v1/plans/{run_id}/replan", {"now": CALL})
    assert r.status_code == 202, r.json
    replan = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert replan["status"] == "done", replan["error"]
    (served,) = [o for o in replan["result"]["plan"]["jobs"] if o["id"] == "J5"]
    assert "2026-11-30T15:00:00+01:00" <= served["start"] <= "2026-11-30T17:00:00+01:00"


@pytest.mark.parametrize(
    ("args", "field"),
    [({"days": 0}, "days"), ({"days": 15}, "days"), ({"length_min": 10}, "length_min")],
)
def test_a_bad_slot_request_names_the_field(world: World, args: dict[str, Any], field: str) -> None:
    _job(world, "J5")
    r = _slots(world, "J5", **args)
    assert r.status_code == 422 and field in r.json["errors"]["json"]


def test_slots_for_an_unknown_or_finished_job_are_refused(world: World) -> None:
    assert _slots(world, "J404").status_code == 404
    _job(world, "J5")
    event = {"status": "cancelled", "at": "2026-11-30T07:30:00+01:00"}
    assert world.post("dispatcher", "/api/v1/jobs/J5/events", event).status_code == 201
    r = _slots(world, "J5")
    assert r.status_code == 409 and "cancelled" in r.json["message"]
    # the hotline is the dispatcher's: an engineer or a planner may not book
    _job(world, "J6")
    assert world.post("planner", "/api/v1/jobs/J6/slots", {}).status_code == 403
    assert world.post("e1", "/api/v1/jobs/J6/slots", {}).status_code == 403
