"""Stock through the service: counts, receipts, transfers, the ledger, and the last unit under contention."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from api.models import Assignment, Job, Run, Stock, StockMovement, TicketStatus
from tests.api.conftest import World, berlin


def _quantity(world: World, part: str, kind: str, ident: str) -> int | None:
    with world.sessions() as s:
        return s.scalar(
            select(Stock.quantity).where(
                Stock.part_id == part, Stock.location_kind == kind, Stock.location_id == ident
            )
        )


def test_transfer_moves_units_and_books_them(world: World) -> None:
    r = world.post(
        "dispatcher",
        "/api/v1/stock/transfers",
        {
            "part_id": "P-VALV",
            "quantity": 2,
            "from": {"kind": "depot", "id": "D1"},
            "to": {"kind": "van", "id": "E2"},
        },
    )
    assert r.status_code == 201
    assert r.json == [
        {
            "part_id": "P-VALV",
            "location_kind": "depot",
            "location_id": "D1",
            "quantity": 1,
        },  # 3 - 2
        {"part_id": "P-VALV", "location_kind": "van", "location_id": "E2", "quantity": 2},
    ]
    moves = world.get("planner", "/api/v1/stock/movements?part_id=P-VALV").json["items"]
    assert [(m["reason"], m["quantity"], m["from_id"], m["to_id"]) for m in moves] == [
        ("transfer", 2, "D1", "E2")
    ]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (
            {
                "part_id": "P-VALV",
                "quantity": 4,
                "from": {"kind": "depot", "id": "D1"},
                "to": {"kind": "van", "id": "E2"},
            },
            "quantity",
            409,
        ),  # only 3 on hand
        (
            {
                "part_id": "P-NONE",
                "quantity": 1,
                "from": {"kind": "depot", "id": "D1"},
                "to": {"kind": "van", "id": "E2"},
            },
            "part_id",
            422,
        ),  # unknown part
        (
            {
                "part_id": "P-VALV",
                "quantity": 1,
                "from": {"kind": "depot", "id": "D9"},
                "to": {"kind": "van", "id": "E2"},
            },
            "from",
            422,
        ),  # unknown depot
        (
            {
                "part_id": "P-VALV",
                "quantity": 0,
                "from": {"kind": "depot", "id": "D1"},
                "to": {"kind": "van", "id": "E2"},
            },
            "quantity",
            422,
        ),  # nothing to move
        (
            {
                "part_id": "P-VALV",
                "quantity": "2",
                "from": {"kind": "depot", "id": "D1"},
                "to": {"kind": "van", "id": "E2"},
            },
            "quantity",
            422,
        ),  # a string
        (
            {
                "part_id": "P-VALV",
                "quantity": 1,
                "from": {"kind": "shelf", "id": "D1"},
                "to": {"kind": "van", "id": "E2"},
            },
            "from",
            422,
        ),  # no such place kind
    ],
)
def test_a_bad_transfer_changes_nothing(
    world: World, body: dict[str, object], field: str, code: int
) -> None:
    r = world.post("dispatcher", "/api/v1/stock/transfers", body)
    assert r.status_code == code and field in r.json["errors"]["json"], r.json
    assert _quantity(world, "P-VALV", "depot", "D1") == 3
    assert _quantity(world, "P-VALV", "van", "E2") is None
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement)) == 0


def test_receipt_and_count_book_the_difference(world: World) -> None:
    r = world.post(
        "planner",
        "/api/v1/stock/receipts",
        {"part_id": "P-FILT", "quantity": 5, "to": {"kind": "depot", "id": "D1"}},
    )
    assert r.status_code == 201 and r.json["quantity"] == 5
    r = world.put(
        "planner",
        "/api/v1/stock",
        {"part_id": "P-FILT", "location_kind": "depot", "location_id": "D1", "quantity": 3},
    )
    assert r.status_code == 200 and r.json["quantity"] == 3
    moves = world.get("planner", "/api/v1/stock/movements?location_id=D1").json["items"]
    # newest first: the count found 2 fewer than the 5 received
    assert [(m["reason"], m["quantity"], m["from_id"], m["to_id"]) for m in moves] == [
        ("count", 2, "D1", None),
        ("received", 5, None, "D1"),
    ]
    assert (
        world.put(
            "planner",
            "/api/v1/stock",
            {"part_id": "P-FILT", "location_kind": "depot", "location_id": "D1", "quantity": -1},
        ).status_code
        == 422
    )
    assert _quantity(world, "P-FILT", "depot", "D1") == 3


@pytest.mark.parametrize("threads", [6])
def test_the_last_units_are_consumed_exactly_once(world: World, threads: int) -> None:
    """Six engineers report using the one P-VALV unit left at the depot at the same moment."""
    day = date(2026, 11, 30)
    with world.sessions() as s, s.begin():
        s.query(Stock).filter(Stock.part_id == "P-VALV").update({"quantity": 2})
        run = Run(kind="plan", status="done", region_id="metro", day=day, params={})
        s.add(run)
        s.flush()
        for i in range(threads):
            s.add(
                Job(
                    id=f"J{i}",
                    site_id="S1",
                    kind="normal",
                    priority=2,
                    reported_at=berlin("2026-11-30T08:00"),
                    duration_min=30,
                    status=TicketStatus.ON_SITE.value,
                )
            )
            s.flush()
            s.add(
                Assignment(
                    run_id=run.id,
                    region_id="metro",
                    day=day,
                    engineer_id="E1",
                    sequence=i,
                    type="job",
                    job_id=f"J{i}",
                    start=berlin("2026-11-30T09:00"),
                    end=berlin("2026-11-30T09:30"),
                )
            )
    barrier = threading.Barrier(threads)
    codes: list[int] = []
    lock = threading.Lock()

    def report(i: int) -> None:
        client = world.app.test_client()
        barrier.wait()
        r = client.post(
            f"/api/v1/jobs/J{i}/events",
            headers=world.headers("e1"),
            json={
                "status": "done",
                "parts_used": [{"part": "P-VALV", "quantity": 1, "source": "D1"}],
            },
        )
        with lock:
            codes.append(r.status_code)

    workers = [threading.Thread(target=report, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(codes) == [201, 201] + [409] * (threads - 2)  # 2 units, 2 successes
    assert _quantity(world, "P-VALV", "depot", "D1") == 0
    with world.sessions() as s:
        done = s.scalar(select(func.count()).select_from(Job).where(Job.status == "done"))
        consumed = s.scalar(
            select(func.sum(StockMovement.quantity)).where(StockMovement.reason == "consumed")
        )
    assert done == 2 and consumed == 2


def test_parts_never_come_off_another_regions_shelves(world: World) -> None:
    from tests.api.test_roles import _assign_j1_to_e1

    _assign_j1_to_e1(world)
    north = {"id": "north", "name": "North", "timezone": "Europe/Berlin"}
    assert world.post("admin", "/api/v1/regions", north).status_code == 201
    depot = {
        "id": "D9",
        "region_id": "north",
        "name": "Depot Nord",
        "lat": 53.55,
        "lon": 9.99,
    }
    assert world.post("planner", "/api/v1/depots", depot).status_code == 201
    count = {"part_id": "P-VALV", "location_kind": "depot", "location_id": "D9", "quantity": 4}
    assert world.put("dispatcher", "/api/v1/stock", count).status_code == 200
    for status in ("en_route", "on_site"):
        assert world.post("e1", "/api/v1/jobs/J1/events", {"status": status}).status_code == 201
    r = world.post(
        "e1",
        "/api/v1/jobs/J1/events",
        {"status": "done", "parts_used": [{"part": "P-VALV", "quantity": 1, "source": "D9"}]},
    )
    assert r.status_code == 422
    assert r.json["errors"]["json"] == {
        "parts_used[0].source": ["depot 'D9' is in region north; the job is in metro"]
    }
    shelf = world.get("planner", "/api/v1/stock?location_id=D9").json["items"]
    assert [i["quantity"] for i in shelf] == [4]
    assert world.get("dispatcher", "/api/v1/jobs/J1").json["status"] == "on_site"
    ok = world.post(
        "e1",
        "/api/v1/jobs/J1/events",
        {"status": "done", "parts_used": [{"part": "P-VALV", "quantity": 1, "source": "D1"}]},
    )
    assert ok.status_code == 201


def test_a_follow_up_visit_waits_for_a_plan_so_parts_are_reported_once_a_visit(
    world: World,
) -> None:
    from tests.api.test_roles import _assign_j1_to_e1

    _assign_j1_to_e1(world)
    for status in ("en_route", "on_site"):
        assert world.post("e1", "/api/v1/jobs/J1/events", {"status": status}).status_code == 201
    used = {"part": "P-VALV", "quantity": 1, "source": "D1"}
    r = world.post(
        "e1", "/api/v1/jobs/J1/events", {"status": "needs_follow_up", "parts_used": [used]}
    )
    assert r.status_code == 201
    for status in ("on_site", "en_route"):
        again = world.post("e1", "/api/v1/jobs/J1/events", {"status": status})
        assert again.status_code == 409
        assert again.json["message"].startswith("a follow-up visit starts once a plan sends it")
    shelf = world.get("planner", "/api/v1/stock?location_id=D1").json["items"]
    assert [i["quantity"] for i in shelf] == [2]  # one unit used, once
    # the dispatcher sends the follow-up (a plan would move it to planned)
    r = world.post("dispatcher", "/api/v1/jobs/J1/events", {"status": "planned"})
    assert r.status_code == 201
    assert world.post("e1", "/api/v1/jobs/J1/events", {"status": "en_route"}).status_code == 201
