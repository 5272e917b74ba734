"""Runs on real `fieldplan worker` processes through a real Redis broker (Celery).

Each test starts its own ``redis-server`` (Debian's package) on a free port and
worker processes on the service's database; without Redis the tests are
skipped, unless ``FIELDPLAN_REQUIRE_REDIS=1`` (as in CI) makes that an error.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from api import create_app
from api.models import Run
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_from_json
from dispatch.io.problem_json import problem_from_json
from tests.api.conftest import MONDAY, World, job_body

PLAN = {"region": "metro", "date": MONDAY}
#: The heartbeat limit in these tests: a dead worker's run is failed this soon.
LIMIT_S = 8.0
#: A study long enough to still run while a plan is made (about half a minute).
LONG_STUDY = {
    "name": "long",
    "days": 12,
    "seed": 1,
    "baseline": {"engineers": 8, "jobs_per_day": 30, "plan_solutions": 30, "replan_steps": 200},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def broker_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("FIELDPLAN_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required (FIELDPLAN_REQUIRE_REDIS=1) but not installed")
        pytest.skip("redis-server not installed (Debian package redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            if client.ping():
                break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


class Workers:
    """`fieldplan worker` processes started for a test, stopped after it."""

    def __init__(self, database_url: str, broker: str) -> None:
        self.database_url = database_url
        self.broker = broker
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, queues: str = "plans,analysis") -> subprocess.Popen[bytes]:
        env = {**os.environ, "FIELDPLAN_RUN_HEARTBEAT_LIMIT_S": str(LIMIT_S)}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fieldplan",
                "worker",
                "--queues",
                queues,
                "--concurrency",
                "1",
                "--database-url",
                self.database_url,
                "--broker-url",
                self.broker,
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its pool processes die with it on SIGKILL of the group
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def celery_world(world: World, broker_url: str) -> Iterator[tuple[World, Workers]]:
    """The world's service queuing on the broker; workers started by each test."""
    url = world.app.config["DATABASE_URL"]
    app = create_app(
        {
            "DATABASE_URL": url,
            "BROKER_URL": broker_url,
            "RUN_HEARTBEAT_LIMIT_S": LIMIT_S,
            "TESTING": True,
        }
    )
    old = world.app, world.client
    world.app, world.client = app, app.test_client()
    workers = Workers(url, broker_url)
    yield world, workers
    workers.stop()
    app.extensions["fieldplan.reaper"].stop()
    app.extensions["fieldplan.executor"].shutdown()
    app.extensions["fieldplan.db"].dispose()
    world.app, world.client = old


def _run(world: World, run_id: int) -> dict[str, Any]:
    with world.sessions() as s:
        run = s.get(Run, run_id)
        assert run is not None
        return {
            "status": run.status,
            "error": run.error,
            "worker": run.worker,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "result": run.result,
        }


def _wait(world: World, run_id: int, until: set[str], seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = _run(world, run_id)
        if run["status"] in until:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {run['status']} after {seconds} s")


def _long_plan_running(world: World) -> int:
    """A plan of five jobs with a 60 s limit, once a worker has taken it: its id."""
    for k in range(1, 6):
        world.post("dispatcher", "/api/v1/jobs", job_body(f"J{k}"))
    r = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 60})
    _wait(world, r.json["id"], {"running"})
    return int(r.json["id"])


def test_a_plan_is_carried_out_by_a_worker_process_and_is_valid(
    celery_world: tuple[World, Workers],
) -> None:
    world, workers = celery_world
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    r = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1})
    assert r.status_code == 202
    time.sleep(1.0)
    assert _run(world, r.json["id"])["status"] == "queued"  # the web process runs nothing
    workers.start()
    run = _wait(world, r.json["id"], {"done", "failed"})
    assert run["status"] == "done", run["error"]
    assert int(run["worker"].split(":")[1]) != os.getpid()
    problem = problem_from_json(
        world.get("dispatcher", f"/api/v1/plans/{r.json['id']}/problem").json
    )
    assert check(problem, plan_from_json(run["result"]["plan"], problem.clock)) == []


def test_a_long_study_does_not_delay_a_plan(celery_world: tuple[World, Workers]) -> None:
    world, workers = celery_world
    workers.start("analysis")
    workers.start("plans")
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    study = world.post("planner", "/api/v1/studies", {"study": LONG_STUDY})
    assert study.status_code == 202, study.json
    _wait(world, study.json["id"], {"running"})
    plan = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1})
    done = _wait(world, plan.json["id"], {"done", "failed"}, seconds=60)
    assert done["status"] == "done", done["error"]
    assert _run(world, study.json["id"])["status"] == "running"  # still: the plan went first
    cancelled = world.post("planner", f"/api/v1/runs/{study.json['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"


def test_a_worker_killed_mid_run_leaves_its_run_failed_with_the_reason(
    celery_world: tuple[World, Workers],
) -> None:
    world, workers = celery_world
    doomed = workers.start()
    run_id = _long_plan_running(world)
    workers.kill(doomed)
    killed_at = time.monotonic()
    run = _wait(world, run_id, {"failed", "done"}, seconds=3 * LIMIT_S)
    assert run["status"] == "failed"
    assert run["error"].startswith(f"its worker sent no heartbeat for over {LIMIT_S:g} s")
    assert time.monotonic() - killed_at < 2 * LIMIT_S + 2
    # a new worker takes the next plan
    workers.start()
    again = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1})
    assert _wait(world, again.json["id"], {"done", "failed"})["status"] == "done"


def test_a_running_run_is_cancelled_on_its_worker_which_goes_on(
    celery_world: tuple[World, Workers],
) -> None:
    world, workers = celery_world
    workers.start()
    run_id = _long_plan_running(world)
    stop = world.post("dispatcher", f"/api/v1/runs/{run_id}/cancel")
    assert stop.status_code == 200 and stop.json["status"] == "cancelled"
    # the worker stops it within a heartbeat and takes the next run
    began = time.monotonic()
    nxt = world.post("dispatcher", "/api/v1/plans", {**PLAN, "time_limit_s": 1})
    assert _wait(world, nxt.json["id"], {"done", "failed"}, seconds=40)["status"] == "done"
    assert time.monotonic() - began < 40
    run = _run(world, run_id)
    assert run["status"] == "cancelled" and run["result"] is None


def test_a_study_is_shared_by_two_workers_one_variant_each(
    celery_world: tuple[World, Workers],
) -> None:
    from sqlalchemy import select

    from api.models import RunPart

    world, workers = celery_world
    workers.start("analysis")
    workers.start("analysis")
    study = {
        "name": "shared",
        "days": 2,
        "seed": 2,
        "baseline": {"engineers": 4, "jobs_per_day": 12, "plan_solutions": 2, "replan_steps": 40},
        "variants": [{"name": "one more", "add_engineers": [{"city": "Shanghai", "count": 1}]}],
    }
    r = world.post("planner", "/api/v1/studies", {"study": study})
    assert r.status_code == 202
    run = _wait(world, r.json["id"], {"done", "failed"})
    assert run["status"] == "done", run["error"]
    assert [v["name"] for v in run["result"]["variants"]] == ["baseline", "one more"]
    table = {row[0]: row[1:] for row in run["result"]["table"]}
    assert table["engineers"] == ["4", "5 (+1)"]
    with world.sessions() as s:
        parts = s.scalars(select(RunPart).where(RunPart.run_id == r.json["id"])).all()
    assert sorted((p.part, p.status) for p in parts) == [(0, "done"), (1, "done")]
    assert len({p.worker.split(":")[0:2][1] for p in parts if p.worker}) == 2  # two processes
    progress = world.get("planner", f"/api/v1/studies/{r.json['id']}").json["progress"]
    assert progress == {"variants_done": 2, "variants": 2, "fraction": 1.0}
