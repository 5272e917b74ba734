"""Service API latency: engineers reading their day under load; plan request acknowledgement.

A fresh demo database (SQLite file, 50 engineers, 220 jobs, the day planned and
published) is served by the production server (`fieldplan serve`: gunicorn,
gthread workers) on loopback. Measured:

- ``GET /api/v1/engineers/{id}/assignments?date=`` with wrk at 1, 10 and 50
  concurrent connections (each a closed-loop client with keep-alive), after a
  short warm-up at the same concurrency: p50, p95 and p99 latency, requests per
  second and non-2xx answers. Each request is an engineer reading their own
  day with their own token, cycling over all engineers.
- ``POST /api/v1/plans`` acknowledgement (the 202 with the queued run):
  sequential requests by a dispatcher, first a few spaced (each once the
  previous one's solve finished, nothing running), then back to back so that
  the earlier requests' solves (1 s limit each) run in the background
  meanwhile, as in service; the goal is judged on the latter.

Goal: p95 <= 50 ms at 50 concurrent clients, acknowledgement <= 100 ms. The
load generator runs on the same machine as the server and takes CPU from it.

    python -m benchmarks.api_latency --duration 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from benchmarks.environment import environment_markdown
from fieldplan.ports import free_port

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REGION = "shanghai"
GOAL_P95_MS = 50.0
GOAL_ACK_MS = 100.0
GOAL_CLIENTS = 50

#: wrk script: each thread cycles over the engineers' requests from its own offset;
#: ``done`` prints one parseable line (latency percentiles are in microseconds).
LUA = """
local requests_ = {}
local threads = {}
local counter = 0
non2xx = 0  -- global: done() reads it with thread:get

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for i, path in ipairs(PATHS) do
    requests_[i] = wrk.format("GET", path, {["Authorization"] = "Bearer " .. TOKENS[i]})
  end
  counter = (id or 0) * 25
end

function request()
  counter = counter + 1
  return requests_[(counter % #requests_) + 1]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%.0f p95_us=%.0f p99_us=%.0f "
      .. "max_us=%.0f non2xx=%d connect=%d read=%d write=%d status=%d timeout=%d\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    bad, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    clients: int
    threads: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bytes_per_response: float
    non2xx: int
    socket_errors: int
    server_cpu_s: float
    wrk_cpu_s: float
    machine_cpu_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per answer: less sensitive to a busy machine than latency."""
        return self.server_cpu_s * 1000 / self.requests if self.requests else float("nan")


@dataclass(frozen=True)
class Acks:
    times_ms: list[float]
    in_progress: list[int]
    statuses: list[int]
    finished_s: float | None
    done: int
    failed: int

    def quantile(self, q: float) -> float:
        return _quantile(self.times_ms, q)


@dataclass(frozen=True)
class Demo:
    url: str
    path: Path
    day: str
    engineers: list[str]
    tokens: dict[str, str]
    dispatcher: str
    stops: int


def _quantile(values: list[float], q: float) -> float:
    """The q-quantile by linear interpolation between closest ranks (as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def ensure_wrk() -> tuple[str, bool]:
    """The wrk executable and whether this run installed it (apt-get, as root)."""
    found = shutil.which("wrk")
    if found:
        return found, False
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit("wrk is needed: install it (Debian/Ubuntu: apt-get install wrk)")
    print("wrk not found: installing it with `apt-get install -y wrk`", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False).returncode:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get install wrk did not put wrk on the PATH")
    return found, True


def wrk_version(wrk: str) -> str:
    text = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (text.stdout or text.stderr).splitlines()[0] if (text.stdout or text.stderr) else ""
    return first.split(" Copyright")[0].strip() or "unknown"


def _child_env() -> dict[str, str]:
    """The environment of the commands run: the service's defaults, not this shell's overrides."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "FIELDPLAN_RUN_EXECUTOR", "FIELDPLAN_RUN_WORKERS"}
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def build_demo(folder: Path, engineers: int, jobs: int, time_limit: float) -> Demo:
    """`fieldplan demo --no-serve` into ``folder``, then one engineer token per engineer."""
    from sqlalchemy import func, select

    from api.auth import create_user
    from api.db import make_engine, session_factory
    from api.models import Assignment, Engineer, Role

    path = folder / "fieldplan.db"
    url = f"sqlite:///{path}"
    command = [
        sys.executable,
        "-m",
        "fieldplan",
        "demo",
        "--no-serve",
        "--database-url",
        url,
        "--engineers",
        str(engineers),
        "--jobs",
        str(jobs),
        "--time-limit",
        f"{time_limit:g}",
    ]
    made = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=ROOT, env=_child_env()
    )
    if made.returncode:
        raise SystemExit(f"fieldplan demo failed:\n{made.stdout}\n{made.stderr}")
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s, s.begin():
            # the day the demo published (read back: the demo may have crossed midnight)
            day = s.scalar(select(Assignment.day).order_by(Assignment.day).limit(1))
            if day is None:
                raise SystemExit("the demo published no assignments")
            ids = list(
                s.scalars(
                    select(Engineer.id).where(Engineer.region_id == REGION).order_by(Engineer.id)
                )
            )
            stops = int(
                s.scalar(select(func.count()).select_from(Assignment).where(Assignment.day == day))
                or 0
            )
            tokens = {
                e: create_user(s, f"bench-{e.lower()}", Role.ENGINEER.value, e)[1] for e in ids
            }
            dispatcher = create_user(s, "bench-dispatcher", Role.DISPATCHER.value)[1]
    finally:
        engine.dispose()
    return Demo(url, path, day.isoformat(), ids, tokens, dispatcher, stops)


class Server:
    """`fieldplan serve` in its own process group, stopped (whole group) on exit."""

    def __init__(self, demo: Demo, workers: int | None, threads: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.workers = workers  # None: `fieldplan serve`'s default, known once they run
        self.threads = threads
        self._log_path = log
        self._log = log.open("wb")
        command = [
            sys.executable,
            "-m",
            "fieldplan",
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--threads",
            str(threads),
            "--database-url",
            demo.url,
            *(["--workers", str(workers)] if workers else []),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_child_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout_s: float = 60.0) -> float:
        """Poll the health check until it answers 200; returns the seconds it took."""
        began = time.monotonic()
        while time.monotonic() - began < timeout_s:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        return time.monotonic() - began
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        raise SystemExit(f"the server did not answer in {timeout_s:g} s:\n{self.log_tail()}")

    def wait_workers(self, timeout_s: float = 30.0) -> int:
        """Wait until all gunicorn workers run (the health check needs only one); how many.

        Counts the server's process group (Linux): the master and its workers. Without
        ``--workers`` the count is taken once it has held for a second.
        """
        began = time.monotonic()
        last, since = -1, began
        while time.monotonic() - began < timeout_s:
            group = self._group()
            if group is None:
                return self.workers or 0
            count = len(group) - 1
            if self.workers and count == self.workers:
                return count
            if count != last:
                last, since = count, time.monotonic()
            elif not self.workers and count > 0 and time.monotonic() - since >= 1.0:
                self.workers = count
                return count
            time.sleep(0.1)
        raise SystemExit(f"the server's workers did not all start:\n{self.log_tail()}")

    def _group(self) -> dict[int, int] | None:
        """The live processes of the server's group: pid -> CPU ticks used; None off Linux."""
        if not Path("/proc/self/stat").exists():
            return None
        found = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text(encoding="utf-8")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)"
            if int(fields[2]) == self.process.pid and fields[0] != "Z":  # pgrp, not a zombie
                found[int(entry)] = int(fields[11]) + int(fields[12])  # utime + stime
        return found

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server's live processes used so far; None off Linux."""
        group = self._group()
        return None if group is None else sum(group.values()) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self._log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=40)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        try:  # workers left behind by the master, if any
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _get(base: str, path: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def assignment_path(engineer: str, day: str) -> str:
    return f"/api/v1/engineers/{engineer}/assignments?date={day}"


def check_reads(server: Server, demo: Demo) -> int:
    """Every engineer's token reads their own day (200, the published stops); returns stops."""
    stops = 0
    for engineer in demo.engineers:
        status, body = _get(server.base, assignment_path(engineer, demo.day), demo.tokens[engineer])
        if status != 200:
            raise SystemExit(f"GET of {engineer}'s day answered {status}: {body[:300]!r}")
        stops += len(json.loads(body)["stops"])
    return stops


def write_lua(folder: Path, demo: Demo) -> Path:
    paths = [assignment_path(e, demo.day) for e in demo.engineers]
    tokens = [demo.tokens[e] for e in demo.engineers]

    def table(items: list[str]) -> str:
        return "{" + ", ".join(json.dumps(i) for i in items) + "}"

    script = folder / "assignments.lua"
    script.write_text(f"PATHS = {table(paths)}\nTOKENS = {table(tokens)}\n{LUA}", encoding="utf-8")
    return script


def _machine_busy() -> float:
    """CPU seconds all processes of the machine have used (not idle, not waiting); nan off Linux."""
    try:
        with open("/proc/stat", encoding="utf-8") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return float("nan")
    # user nice system idle iowait irq softirq steal [guest guest_nice: already in user]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    wrk: str, script: Path, server: Server, clients: int, seconds: float, warmup: float
) -> Load:
    """wrk at ``clients`` connections: a warm-up, then the measured run."""
    threads = min(2, clients)
    base = server.base

    def once(duration: float) -> dict[str, float]:
        command = [
            wrk,
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base + "/",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if done.returncode or line is None:
            raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}

    if warmup > 0:
        once(warmup)
    server_before, wrk_before, busy_before = server.cpu_seconds(), _children_cpu(), _machine_busy()
    r = once(seconds)
    server_after, wrk_after, busy_after = server.cpu_seconds(), _children_cpu(), _machine_busy()
    requests = int(r["requests"])
    server_cpu = (
        server_after - server_before
        if server_after is not None and server_before is not None
        else float("nan")
    )
    return Load(
        clients=clients,
        threads=threads,
        requests=requests,
        seconds=r["duration_us"] / 1e6,
        p50_ms=r["p50_us"] / 1000,
        p95_ms=r["p95_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        max_ms=r["max_us"] / 1000,
        bytes_per_response=r["bytes"] / requests if requests else 0.0,
        non2xx=int(r["non2xx"]),
        socket_errors=int(r["connect"] + r["read"] + r["write"] + r["timeout"]),
        server_cpu_s=server_cpu,
        wrk_cpu_s=wrk_after - wrk_before,
        machine_cpu_s=busy_after - busy_before,
    )


def _in_progress(db: Path) -> int:
    """Plan runs queued or running now (read from the SQLite file, read-only)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')"
        ).fetchone()
    return int(row[0])


def _run_counts(db: Path, first_id: int) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM runs WHERE id >= ? GROUP BY status", (first_id,)
        ).fetchall()
    return {str(status): int(n) for status, n in rows}


def _settle(db: Path, first_id: int, timeout_s: float) -> tuple[float | None, dict[str, int]]:
    """Wait until the runs from ``first_id`` on finished: seconds it took (None: not in time)."""
    began = time.monotonic()
    counts: dict[str, int] = {}
    while time.monotonic() - began < timeout_s:
        counts = _run_counts(db, first_id)
        if not counts.get("queued") and not counts.get("running"):
            return time.monotonic() - began, counts
        time.sleep(0.1)
    return None, counts


def measure_acks(
    server: Server, demo: Demo, count: int, time_limit: float, settle_s: float, *, spaced: bool
) -> Acks:
    """``count`` sequential plan requests by a dispatcher, each on a new connection.

    ``spaced``: each is sent once the previous one's solve finished (nothing runs in the
    background); otherwise back to back, while the earlier requests' solves run.
    """
    body = json.dumps({"region": REGION, "date": demo.day, "time_limit_s": time_limit})
    headers = {"Authorization": f"Bearer {demo.dispatcher}", "Content-Type": "application/json"}
    times: list[float] = []
    in_progress: list[int] = []
    statuses: list[int] = []
    ids: list[int] = []
    for _ in range(count):
        if spaced and ids:
            _settle(demo.path, ids[-1], settle_s)
        in_progress.append(_in_progress(demo.path))
        conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
        try:
            began = time.perf_counter()
            conn.request("POST", "/api/v1/plans", body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            times.append((time.perf_counter() - began) * 1000)
        finally:
            conn.close()
        statuses.append(answer.status)
        if answer.status == 202:
            ids.append(int(json.loads(data)["id"]))
        else:
            print(f"  POST /plans answered {answer.status}: {data[:300]!r}", flush=True)
    # the solves run on in the workers' background threads: wait for them (bounded)
    finished, counts = _settle(demo.path, min(ids), settle_s) if ids else (None, {})
    return Acks(
        times, in_progress, statuses, finished, counts.get("done", 0), counts.get("failed", 0)
    )


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _share(cpu_s: float, seconds: float) -> str:
    """CPU seconds over ``seconds`` as a percentage of all the machine's cores."""
    if not seconds or cpu_s != cpu_s:  # nan: not measured
        return "-"
    return f"{max(0.0, 100 * cpu_s / (seconds * (os.cpu_count() or 1))):.0f} %"


def _ack_row(label: str, acks: Acks) -> str:
    nan = float("nan")
    return (
        f"| {label} | {len(acks.times_ms)} | {_ms(acks.quantile(0.5))} | "
        f"{_ms(acks.quantile(0.95))} | {_ms(max(acks.times_ms, default=nan))} | "
        f"{_ms(acks.times_ms[0] if acks.times_ms else nan)} | "
        f"{sum(s != 202 for s in acks.statuses)} | "
        f"{statistics.median(acks.in_progress) if acks.in_progress else 0:g}, "
        f"{max(acks.in_progress, default=0)} |"
    )


def _ack_text(acks: Acks) -> str:
    return (
        f"p50 {acks.quantile(0.5):.1f} ms, p95 {acks.quantile(0.95):.1f} ms, "
        f"max {max(acks.times_ms, default=float('nan')):.1f} ms, "
        f"non-202 {sum(s != 202 for s in acks.statuses)}"
    )


def write(
    path: Path,
    args: argparse.Namespace,
    demo: Demo,
    server: Server,
    loads: list[Load],
    idle: Acks,
    busy: Acks,
    wrk: str,
    installed: bool,
) -> Path:
    at_goal = next((x for x in loads if x.clients == GOAL_CLIENTS), None)
    if at_goal is None:
        goal_get = f"GET: not measured at {GOAL_CLIENTS} clients"
    else:
        met = at_goal.p95_ms <= GOAL_P95_MS and at_goal.non2xx == 0 and not at_goal.socket_errors
        goal_get = (
            f"GET p95 at {GOAL_CLIENTS} clients {at_goal.p95_ms:.1f} ms "
            f"(goal <= {GOAL_P95_MS:g}): **{'met' if met else 'NOT met'}**"
        )
    if busy.times_ms:
        p95 = busy.quantile(0.95)
        met = p95 <= GOAL_ACK_MS and all(s == 202 for s in busy.statuses)
        goal_ack = (
            f"plan request acknowledgement p95 with solves running {p95:.1f} ms "
            f"(goal <= {GOAL_ACK_MS:g}): **{'met' if met else 'NOT met'}**"
        )
        if idle.times_ms:
            goal_ack += f"; with nothing running {idle.quantile(0.95):.1f} ms"
    else:
        goal_ack = "plan request acknowledgement: not measured"
    settled = (
        f"The {busy.done + busy.failed} solves of the back-to-back requests finished "
        f"{busy.finished_s:.1f} s after the last acknowledgement ({busy.done} done, "
        f"{busy.failed} failed)"
        if busy.finished_s is not None
        else f"The solves of the back-to-back requests had not all finished "
        f"{args.settle_seconds:g} s after the last acknowledgement"
    )
    lines = [
        "# Service API latency: engineers' days under load, plan request acknowledgement",
        "",
        environment_markdown(
            {
                "flask": _version("flask"),
                "sqlalchemy": _version("sqlalchemy"),
                "gunicorn": _version("gunicorn"),
                "sqlite": sqlite3.sqlite_version,
                "wrk": wrk + (" (installed by this run with apt-get)" if installed else ""),
                "server": f"`fieldplan serve` on {HOST}: gunicorn gthread, {server.workers} "
                f"processes{' (its default)' if args.workers is None else ''} x {server.threads} "
                "threads, 1 background run thread per process",
                "database": f"SQLite file (WAL) in a temp folder: demo region {REGION}, "
                f"{args.engineers} engineers, {args.jobs} jobs, {demo.day} planned "
                f"({args.demo_time_limit:g} s) and published, {demo.stops} stops",
                "load": f"wrk, {args.duration:g} s per level after a {args.warmup:g} s warm-up, "
                "keep-alive, at most 2 wrk threads; each request an engineer's own token and "
                f"day, cycling over all {len(demo.engineers)}",
                "plan requests": f"sequential POSTs by a dispatcher, new connection each, "
                f"time_limit_s {args.post_time_limit:g}: {len(idle.times_ms)} spaced (each "
                f"after the previous solve finished), then {len(busy.times_ms)} back to back",
                "command": f"`python -m benchmarks.api_latency {shlex.join(sys.argv[1:])}`",
            }
        ),
        "",
        f"Goal: `GET /api/v1/engineers/{{id}}/assignments?date=` p95 <= {GOAL_P95_MS:g} ms at "
        f"{GOAL_CLIENTS} concurrent clients; `POST /api/v1/plans` acknowledgement (202) <= "
        f"{GOAL_ACK_MS:g} ms.",
        "",
        f"- {goal_get}",
        f"- {goal_ack}",
        "",
        f"The load generator shares the machine's {os.cpu_count()} cores with the server. "
        "wrk's clients are closed-loop (each sends its next request as soon as the answer "
        "arrives, no think time), so at N clients the mean latency is N / throughput: "
        f"p95 <= {GOAL_P95_MS:g} ms at {GOAL_CLIENTS} clients needs well over "
        f"{GOAL_CLIENTS / GOAL_P95_MS * 1000:,.0f} requests/s. wrk 4 does not correct for "
        "coordinated omission.",
        "",
        "## `GET /api/v1/engineers/{id}/assignments?date=`",
        "",
        "| clients | p50 ms | p95 ms | p99 ms | max ms | req/s | requests | non-2xx | "
        "socket errors | server CPU ms/request | CPU % of machine: server, wrk, other |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for x in loads:
        lines.append(
            f"| {x.clients} | {_ms(x.p50_ms)} | {_ms(x.p95_ms)} | {_ms(x.p99_ms)} | "
            f"{_ms(x.max_ms)} | {x.rps:.0f} | {x.requests:,} | {x.non2xx} | {x.socket_errors} | "
            f"{x.cpu_ms_per_request:.2f} | {_share(x.server_cpu_s, x.seconds)}, "
            f"{_share(x.wrk_cpu_s, x.seconds)}, "
            f"{_share(x.machine_cpu_s - x.server_cpu_s - x.wrk_cpu_s, x.seconds)} |"
        )
    size = statistics.mean(x.bytes_per_response for x in loads) if loads else 0.0
    cores = os.cpu_count() or 1
    busiest = max(loads, key=lambda x: x.clients) if loads else None
    capacity = (
        f" At the {busiest.clients}-client level's {busiest.cpu_ms_per_request:.2f} ms of "
        f"server CPU per answer, the {cores} cores could serve at most "
        f"{cores * 1000 / busiest.cpu_ms_per_request:,.0f} requests/s with nothing else running."
        if busiest and busiest.cpu_ms_per_request == busiest.cpu_ms_per_request  # not nan
        else ""
    )
    lines += [
        "",
        f"Answers average {size / 1024:.1f} KiB (headers included); "
        f"{demo.stops / max(1, len(demo.engineers)):.1f} stops per engineer. Server CPU: "
        "the gunicorn master and workers (user + system); other: the rest of the machine "
        f"(shared) during the measured run.{capacity}",
        "",
        "## `POST /api/v1/plans` acknowledgement",
        "",
        "Time from sending the request to the whole 202 answer (the run stored as queued); "
        "the solve then runs in a background thread of the worker that took the request. "
        "Back to back is the realistic case: earlier requests' solves compete for the CPU "
        "(and, in the same process, for the GIL).",
        "",
        "| requests | n | p50 ms | p95 ms | max ms | first ms | non-202 | "
        "runs queued or running when sent (median, max) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        _ack_row("spaced: nothing running", idle),
        _ack_row("back to back: solves running", busy),
        "",
        f"{settled}.",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load level")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each level")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes (default: `fieldplan serve`'s, 2 x cores)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--idle-posts", type=int, default=5, help="spaced plan requests")
    parser.add_argument("--posts", type=int, default=20, help="back-to-back plan requests")
    parser.add_argument("--post-time-limit", type=float, default=1.0, help="their solves' limit")
    parser.add_argument("--settle-seconds", type=float, default=60.0)
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=220)
    parser.add_argument("--demo-time-limit", type=float, default=3.0)
    parser.add_argument("--output", type=Path, default=RESULTS / "api-latency.md")
    args = parser.parse_args()

    wrk, installed = ensure_wrk()
    version = wrk_version(wrk)
    print(f"{version} at {wrk}", flush=True)
    with tempfile.TemporaryDirectory(prefix="fieldplan-api-latency-") as tmp:
        folder = Path(tmp)
        began = time.monotonic()
        demo = build_demo(folder, args.engineers, args.jobs, args.demo_time_limit)
        print(
            f"demo database: {len(demo.engineers)} engineers, {demo.stops} stops on {demo.day} "
            f"({time.monotonic() - began:.1f} s)",
            flush=True,
        )
        with Server(demo, args.workers, args.threads, folder / "server.log") as server:
            ready = server.wait_ready()
            workers = server.wait_workers()
            print(
                f"server on {server.base}: {workers} processes x {args.threads} threads, "
                f"ready in {ready:.1f} s",
                flush=True,
            )
            read = check_reads(server, demo)
            if read != demo.stops:
                raise SystemExit(
                    f"the engineers read {read} stops, the database holds {demo.stops}"
                )
            script = write_lua(folder, demo)
            loads = []
            for clients in args.clients:
                load = run_wrk(wrk, script, server, clients, args.duration, args.warmup)
                loads.append(load)
                print(
                    f"GET assignments, {clients:>3} clients: p50 {load.p50_ms:.1f} ms, "
                    f"p95 {load.p95_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, {load.rps:.0f} req/s, "
                    f"server CPU {load.cpu_ms_per_request:.2f} ms/request, "
                    f"{load.non2xx} non-2xx, {load.socket_errors} socket errors",
                    flush=True,
                )
                if load.non2xx or load.socket_errors:
                    print(f"  server log:\n{server.log_tail()}", flush=True)
            idle = measure_acks(
                server,
                demo,
                args.idle_posts,
                args.post_time_limit,
                args.settle_seconds,
                spaced=True,
            )
            print(f"POST plans, spaced ({len(idle.times_ms)}): {_ack_text(idle)}", flush=True)
            busy = measure_acks(
                server, demo, args.posts, args.post_time_limit, args.settle_seconds, spaced=False
            )
            print(
                f"POST plans, back to back ({len(busy.times_ms)}): {_ack_text(busy)}; solves "
                + (
                    f"finished {busy.finished_s:.1f} s later"
                    if busy.finished_s is not None
                    else "not finished in time"
                ),
                flush=True,
            )
        path = write(args.output, args, demo, server, loads, idle, busy, version, installed)
    print(f"written {path}")


if __name__ == "__main__":
    main()
