"""Runs on Celery workers: throughput with 1 and 2 workers, and the engineers' endpoint while solves run.

1. Throughput: 20 plan requests of a 30x130 day (10 s each) queued at once
   through the service on a Redis broker, carried out by 1, then 2
   `fieldplan worker` processes (one run at a time each); plans per minute and
   the ratio.
2. Latency: the production server (`fieldplan serve`) with the runs in threads
   of the web process (the old embedded executor) and with a worker process
   (broker): p50 and p95 of `GET /engineers/{id}/assignments` at 10 clients,
   with no solve running and while plans solve.

    python -m benchmarks.workers            # results/workers.md (about 8 minutes)
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.api_latency import build_demo
from benchmarks.environment import environment_markdown
from fieldplan.ports import free_port

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PLANS, LIMIT_S, CLIENTS, WINDOW_S = 20, 10.0, 10, 10.0


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FIELDPLAN_") and k != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["FIELDPLAN_CAP_QUEUED_RUNS"] = "dispatcher=100,planner=100,admin=100"
    env.update(extra)
    return env


def _start(
    args: list[str], env: dict[str, str], log: Path, cores: str | None = None
) -> subprocess.Popen[bytes]:
    pin = ["taskset", "-c", cores] if cores is not None else []
    return subprocess.Popen(
        [*pin, sys.executable, "-m", "fieldplan", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _redis(port: int) -> subprocess.Popen[bytes]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is needed (Debian package redis-server)")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc


def _call(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, None if body is None else json.dumps(body), headers)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, json.loads(data) if data else None


def _serve(
    url: str, env: dict[str, str], log: Path, cores: str | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = _start(
        ["serve", "--host", HOST, "--port", str(port), "--database-url", url], env, log, cores
    )
    for _ in range(600):
        try:
            if _call(port, "GET", "/api/v1/health", "")[0] == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not start; see {log}")


def _wait_runs(port: int, token: str, ids: list[int], timeout_s: float) -> float:
    """Seconds until every run has ended."""
    began = time.monotonic()
    left = set(ids)
    while left and time.monotonic() - began < timeout_s:
        for run_id in list(left):
            status = _call(port, "GET", f"/api/v1/plans/{run_id}", token)[1]["status"]
            if status in ("done", "failed", "cancelled"):
                if status != "done":
                    raise SystemExit(f"run {run_id} ended {status}")
                left.discard(run_id)
        time.sleep(0.5)
    if left:
        raise SystemExit(f"runs {sorted(left)} did not end in {timeout_s:g} s")
    return time.monotonic() - began


def _request_plans(port: int, token: str, day: str, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        status, run = _call(
            port,
            "POST",
            "/api/v1/plans",
            token,
            {"region": "shanghai", "date": day, "time_limit_s": LIMIT_S},
        )
        if status != 202:
            raise SystemExit(f"plan request refused: {status} {run}")
        ids.append(run["id"])
    return ids


def throughput(demo: Any, workers: int, folder: Path) -> dict[str, float]:
    broker_port = free_port()
    redis = _redis(broker_port)
    broker = f"redis://{HOST}:{broker_port}/0"
    env = _env(FIELDPLAN_BROKER_URL=broker, DATABASE_URL=demo.url)
    log = folder / f"throughput-{workers}.log"
    server, port = _serve(demo.url, env, log)
    procs = [
        _start(["worker", "--queues", "plans", "--concurrency", "1"], env, log)
        for _ in range(workers)
    ]
    try:
        time.sleep(3.0)  # the workers connect
        began = time.monotonic()
        ids = _request_plans(port, demo.dispatcher, demo.day, PLANS)
        _wait_runs(port, demo.dispatcher, ids, timeout_s=PLANS * LIMIT_S * 3)
        elapsed = time.monotonic() - began
    finally:
        for proc in (*procs, server):
            _stop(proc)
        redis.terminate()
    return {"workers": workers, "seconds": elapsed, "per_minute": 60.0 * PLANS / elapsed}


def _load(port: int, tokens: dict[str, str], day: str, seconds: float) -> list[float]:
    """``CLIENTS`` threads reading engineers' days for ``seconds``; latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    ids = sorted(tokens)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        n = k
        while time.monotonic() < stop:
            engineer = ids[n % len(ids)]
            n += CLIENTS
            t = time.perf_counter()
            conn.request(
                "GET",
                f"/api/v1/engineers/{engineer}/assignments?date={day}",
                headers={"Authorization": f"Bearer {tokens[engineer]}"},
            )
            answer = conn.getresponse()
            answer.read()
            if answer.status != 200:
                raise SystemExit(f"day endpoint answered {answer.status}")
            mine.append(1000 * (time.perf_counter() - t))
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def _q(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency(demo: Any, mode: str, folder: Path) -> dict[str, Any]:
    """p50/p95 of the day endpoint idle and while plans solve. ``mode``: ``thread`` (runs
    in threads of the web process), ``worker`` (a worker process on the same cores),
    ``pinned`` (the worker on core 1, the web server and the clients on core 0: a worker
    machine of its own, as far as one 2-core machine can show it)."""
    log = folder / f"latency-{mode}.log"
    extra = {"DATABASE_URL": demo.url}
    redis = None
    procs = []
    web_cores = worker_cores = None
    if mode == "pinned":
        web_cores, worker_cores = "0", "1"
        os.sched_setaffinity(0, {0})  # the clients beside the web server
    if mode in ("worker", "pinned"):
        broker_port = free_port()
        redis = _redis(broker_port)
        extra["FIELDPLAN_BROKER_URL"] = f"redis://{HOST}:{broker_port}/0"
    else:
        extra["FIELDPLAN_RUN_EXECUTOR"] = "thread"
    env = _env(**extra)
    server, port = _serve(demo.url, env, log, web_cores)
    if mode in ("worker", "pinned"):
        procs.append(
            _start(["worker", "--queues", "plans", "--concurrency", "1"], env, log, worker_cores)
        )
        time.sleep(3.0)
    try:
        _load(port, demo.tokens, demo.day, 2.0)  # warm up
        idle = _load(port, demo.tokens, demo.day, WINDOW_S)
        ids = _request_plans(port, demo.dispatcher, demo.day, 2)
        time.sleep(2.0)  # the solves are under way
        busy = _load(port, demo.tokens, demo.day, WINDOW_S)
        _wait_runs(port, demo.dispatcher, ids, timeout_s=120)
    finally:
        for proc in (*procs, server):
            _stop(proc)
        if redis is not None:
            redis.terminate()
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    return {
        "mode": mode,
        "idle_p50": _q(idle, 0.5),
        "idle_p95": _q(idle, 0.95),
        "busy_p50": _q(busy, 0.5),
        "busy_p95": _q(busy, 0.95),
        "idle_n": len(idle),
        "busy_n": len(busy),
    }


def _markdown(rates: list[dict[str, float]], lat: list[dict[str, Any]], demo: Any) -> str:
    settings = {
        "day": f"demo region shanghai, {len(demo.tokens)} engineers, 130 jobs, plans of {LIMIT_S:g} s",
        "throughput": f"{PLANS} plan requests queued at once on Redis; workers one run at a time",
        "latency": f"{CLIENTS} clients, {WINDOW_S:g} s windows, fieldplan serve (gunicorn, default workers)",
    }
    one, two = rates[0], rates[1]
    lines = [
        "# Runs on workers: throughput and the engineers' endpoint while solves run",
        "",
        environment_markdown(settings),
        "",
        "| workers | 20 plans took s | plans per minute |",
        "| --- | --- | --- |",
        *(f"| {r['workers']:g} | {r['seconds']:.1f} | {r['per_minute']:.2f} |" for r in rates),
        "",
        f"Throughput ratio, 2 workers / 1 worker: **{two['per_minute'] / one['per_minute']:.2f}x**.",
        "",
        "| runs in | p50 idle ms | p95 idle ms | p50 solving ms | p95 solving ms | p95 solving / idle |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    names = {
        "thread": "threads of the web process",
        "worker": "a worker process (broker), on the same 2 cores",
        "pinned": "a worker process on core 1; web server and clients on core 0",
    }
    for m in lat:
        lines.append(
            f"| {names[m['mode']]} | {m['idle_p50']:.1f} | {m['idle_p95']:.1f} "
            f"| {m['busy_p50']:.1f} | {m['busy_p95']:.1f} | {m['busy_p95'] / m['idle_p95']:.2f} |"
        )
    per_hour = 60 * one["per_minute"]
    by_mode = {m["mode"]: m for m in lat}
    pinned = (
        by_mode["pinned"]["busy_p95"] / by_mode["pinned"]["idle_p95"]
        if "pinned" in by_mode
        else float("nan")
    )
    lines += [
        "",
        "On one 2-core machine a solve takes a core whatever runs it: in threads of the web "
        "process or in a worker process beside it, the web server and the 10 clients are left "
        "the other core, and p95 grows alike. Workers pay where they run on other machines; "
        "the nearest this machine shows is the worker on a core of its own, the web server "
        "and all 10 clients crowded on the other (so even idle p95 is higher): there p95 "
        f"while plans solve is {pinned:.2f} times idle p95.",
        "",
        f"By the same measure, each worker process carries out about {per_hour:.0f} plans of "
        f"{LIMIT_S:g} s an hour; 10 machines of 2 cores (20 worker processes) about "
        f"{20 * per_hour:,.0f}, as long as PostgreSQL and Redis keep up (each plan is a handful "
        "of writes).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = build_demo(folder, 30, 130, 2.0)
        lat = [latency(demo, mode, folder) for mode in ("thread", "worker", "pinned")]
        for m in lat:
            print(json.dumps(m), flush=True)
        rates = [throughput(demo, w, folder) for w in (1, 2)]
        for r in rates:
            print(json.dumps(r), flush=True)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "workers.md").write_text(_markdown(rates, lat, demo), encoding="utf-8")


if __name__ == "__main__":
    main()
