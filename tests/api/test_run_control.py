"""Runs are never stuck: a process of their own, a heartbeat, cancelling, and caps per role."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api import create_app
from api.models import Run, utcnow
from api.runs import worker
from api.runs.worker import execute, reap_stale, stale_message
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World, job_body

PLAN = {"region": "metro", "date": MONDAY}


class Parked:
    """An executor that keeps what it is given (a run stays queued)."""

    def __init__(self) -> None:
        self.submitted: list[int] = []
        self.stopped: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)

    def stop(self, run_id: int) -> None:
        self.stopped.append(run_id)

    def shutdown(self) -> None:
        pass


def _park(world: World) -> Parked:
    parked = Parked()
    world.app.extensions["fieldplan.executor"] = parked
    return parked


def _wait(world: World, run_id: int, until: set[str], seconds: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run: dict[str, Any] = world.get("dispatcher", f"/api/v1/plans/{run_id}").json
        if run["status"] in until:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {run['status']} after {seconds} s")


@pytest.fixture
def process_world(world: World) -> Any:
    """The world's service with the embedded default executor: a process per run."""
    url = world.app.config["DATABASE_URL"]
    app = create_app({"DATABASE_URL": url, "RUN_EXECUTOR": "process", "TESTING": True})
    old = world.app, world.client
    world.app, world.client = app, app.test_client()
    yield world
    app.extensions["fieldplan.executor"].shutdown()
    app.extensions["fieldplan.reaper"].stop()
    app.extensions["fieldplan.db"].dispose()
    world.app, world.client = old


def test_a_plan_is_solved_in_a_process_of_its_own_and_is_valid(process_world: World) -> None:
    world = process_world
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    r = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1})
    assert r.status_code == 202, r.json
    run = _wait(world, r.json["id"], {"done", "failed"})
    assert run["status"] == "done", run
    with world.sessions() as s:
        stored = s.get(Run, run["id"])
        assert stored is not None and stored.worker is not None
        host_pid = int(stored.worker.split(":")[1])
    assert host_pid != os.getpid()  # not a thread of the web process
    problem = problem_from_json(world.get("dispatcher", f"/api/v1/plans/{run['id']}/problem").json)
    assert check(problem, plan_from_json(run["result"]["plan"], problem.clock)) == []


def test_a_running_run_is_cancelled_and_its_process_ends(process_world: World) -> None:
    world = process_world
    for k in range(1, 9):
        world.post("dispatcher", "/api/v1/jobs", job_body(f"J{k}"))
    r = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 60})
    run_id = r.json["id"]
    _wait(world, run_id, {"running"})
    began = time.monotonic()
    r = world.post("dispatcher", f"/api/v1/runs/{run_id}/cancel")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "cancelled" and r.json["error"] == "cancelled by dispatcher"
    executor = world.app.extensions["fieldplan.executor"]
    while executor._children and time.monotonic() - began < 30:
        time.sleep(0.2)
    assert not executor._children  # the run's process ended well before its 60 s
    assert time.monotonic() - began < worker.HEARTBEAT_EVERY_S + 10
    run = world.get("dispatcher", f"/api/v1/plans/{run_id}").json
    assert run["status"] == "cancelled" and run["result"] is None


def test_a_queued_run_is_cancelled_by_its_requester_or_an_admin(world: World) -> None:
    parked = _park(world)
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    first = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1}).json["id"]
    second = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1}).json["id"]
    assert world.post("planner", f"/api/v1/runs/{first}/cancel").status_code == 403
    assert world.post("e1", f"/api/v1/runs/{first}/cancel").status_code == 403
    r = world.post("dispatcher", f"/api/v1/runs/{first}/cancel")
    assert r.status_code == 200 and r.json["status"] == "cancelled"
    assert parked.stopped == [first]
    again = world.post("dispatcher", f"/api/v1/runs/{first}/cancel")
    assert again.status_code == 409
    assert again.json["message"] == f"run {first} is cancelled; only a queued or running run stops"
    assert (
        world.post("admin", f"/api/v1/runs/{second}/cancel").json["error"] == "cancelled by admin"
    )
    assert world.post("admin", "/api/v1/runs/999999/cancel").status_code == 404
    # a cancelled run never starts, even if a worker is handed it later
    execute(world.sessions, first)
    with world.sessions() as s:
        assert s.get(Run, first).status == "cancelled"  # type: ignore[union-attr]


def test_a_run_whose_worker_died_is_failed_by_the_heartbeat_check(world: World) -> None:
    now = utcnow()
    with world.sessions() as s, s.begin():
        s.add_all(
            [
                Run(
                    kind="plan",
                    status="running",
                    params={},
                    heartbeat_at=now - timedelta(minutes=2),
                ),
                Run(kind="plan", status="running", params={}, heartbeat_at=now),
                Run(kind="plan", status="queued", params={}),
            ]
        )
    with world.sessions() as s, s.begin():
        assert reap_stale(s, 60) == [1]
    with world.sessions() as s:
        dead, alive, queued = s.scalars(select(Run).order_by(Run.id)).all()
    assert dead.status == "failed" and dead.error == stale_message(60)
    assert dead.error.startswith("its worker sent no heartbeat for over 60 s")
    assert (alive.status, queued.status) == ("running", "queued")


def test_a_result_that_cannot_be_stored_fails_the_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _park(world)
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    run_id = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1}).json["id"]
    monkeypatch.setattr(worker, "runner_for", lambda kind, params: lambda *a: {"x": {1, 2}})
    execute(world.sessions, run_id)
    with world.sessions() as s:
        run = s.get(Run, run_id)
        assert run is not None and run.status == "failed" and run.result is None
        assert run.error is not None
        assert run.error.startswith("the result could not be stored (")


@pytest.mark.parametrize(
    ("who", "path", "body", "field"),
    [
        ("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 121}, "time_limit_s"),
        (
            "planner",
            "/api/v1/studies",
            {
                "study": {
                    "name": "big",
                    "days": 365,
                    "variants": [{"name": f"v{k}"} for k in range(5)],
                }
            },
            "study",
        ),
    ],
)
def test_a_request_over_a_cap_is_refused_naming_it(
    world: World, who: str, path: str, body: dict[str, Any], field: str
) -> None:
    _park(world)
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    r = world.post(who, path, body)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]["json"], r.json
    with world.sessions() as s:
        assert s.scalars(select(Run)).all() == []  # nothing queued


def test_a_user_with_too_many_runs_waiting_is_refused(world: World) -> None:
    _park(world)
    caps = world.app.config["RUN_CAPS"]
    world.app.config["RUN_CAPS"] = {**caps, "queued_runs": {**caps["queued_runs"], "dispatcher": 2}}
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    for _ in range(2):
        assert (
            world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1}).status_code
            == 202
        )
    r = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1})
    assert r.status_code == 422
    assert r.json["errors"]["json"]["queued_runs"] == [
        "you have 2 runs queued or running; a dispatcher may have at most 2 at once "
        "(cancel one, or wait)"
    ]
    first = world.get("dispatcher", f"/api/v1/plans?region=metro&date={MONDAY}").json["items"][-1]
    assert world.post("dispatcher", f"/api/v1/runs/{first['id']}/cancel").status_code == 200
    assert world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1}).status_code == 202
