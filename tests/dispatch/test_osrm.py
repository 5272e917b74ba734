"""The OSRM travel provider against a real osrm-routed on loopback, and its commands.

The server is built from the shared Andorra extract (under a second) and
started once for the session (tests/conftest.py); ``tests/data/osm/andorra_reference_matrix_10.json``
holds OSRM v26.10.0's own answer for ten points of that extract, which the provider
must reproduce to the tenth of a second and metre. Failure modes that a real
server cannot be made to show on demand (resets, HTTP 5xx, null routes) are
played by a small scripted HTTP server.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from dispatch.errors import ProblemError
from dispatch.evaluate.check import check
from dispatch.io.plan_json import plan_to_json
from dispatch.io.problem_json import problem_from_json, with_matrix_travel
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from dispatch.travel.locations import GeoPoint
from dispatch.travel.osrm import OsrmTravel, TravelServiceError
from dispatch.travel.providers import LocationError
from fieldplan.cli import main
from fieldplan.osrm_server import (
    OsrmError,
    OsrmServer,
    find_map,
    map_name,
)
from fieldplan.ports import free_port
from tests.conftest import ANDORRA, NO_MAPS, OSM, PROGRAMS, REFERENCE

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

needs_osrm = pytest.mark.skipif(
    PROGRAMS is None,
    reason="OSRM programs not installed: run `make osrm-install` (or `fieldplan osrm install`)",
)
needs_maps = pytest.mark.skipif(not ANDORRA.is_file(), reason=NO_MAPS)
#: In the Mediterranean, about 200 km from the nearest road in Andorra.
AT_SEA = GeoPoint(41.0, 3.0)


def _reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def _reference_points() -> list[GeoPoint]:
    return [GeoPoint(lat, lon) for lon, lat in _reference()["points_lon_lat"]]


def _near_reference(n: int) -> list[GeoPoint]:
    """``n`` points within about 400 m of the reference points (all on drivable ways)."""
    rng = np.random.default_rng(8)
    base = _reference_points()
    out = list(base)
    while len(out) < n:
        p = base[len(out) % len(base)]
        dlat, dlon = rng.uniform(-0.003, 0.003, size=2)
        out.append(GeoPoint(round(p.lat + dlat, 7), round(p.lon + dlon, 7)))
    return out


# ------------------------------------------------------------ real server --


@needs_osrm
@needs_maps
def test_reference_matrix_is_reproduced_exactly(andorra: OsrmServer) -> None:
    reference = _reference()["osrm"]
    table = OsrmTravel(url=andorra.url).table(_reference_points())
    assert table.seconds.tolist() == reference["durations_s"]
    assert table.metres.tolist() == reference["distances_m"]


@needs_osrm
@needs_maps
def test_minutes_round_up_and_km_are_metres_over_1000(andorra: OsrmServer) -> None:
    reference = _reference()["osrm"]
    m = OsrmTravel(url=andorra.url).matrices(_reference_points())
    # point 0 -> 1: 459.7 s is 7.66 min, so 8 whole minutes; 6,974.6 m is 6.9746 km
    assert reference["durations_s"][0][1] == 459.7 and m.minutes[0, 1] == 8
    assert m.km[0, 1] == 6.9746
    # point 7 -> 8: 64.6 s rounds up to 2 minutes, never down to 1
    assert m.minutes[7, 8] == 2
    assert m.minutes.tolist() == np.ceil(np.array(reference["durations_s"]) / 60).tolist()
    assert (np.diag(m.minutes) == 0).all() and (np.diag(m.km) == 0).all()


@needs_osrm
@needs_maps
def test_point_at_sea_is_refused_naming_it(andorra: OsrmServer) -> None:
    travel = OsrmTravel(url=andorra.url)
    with pytest.raises(
        LocationError, match=r"^travel: point \(lat 41\.0, lon 3\.0\) cannot be snapped"
    ) as caught:
        travel.table([*_reference_points()[:3], AT_SEA])
    assert "200.7 km away, more than travel.snap_radius_m (1000 m)" in str(caught.value)
    assert andorra.url in str(caught.value)


@needs_osrm
@needs_maps
def test_problem_with_a_site_at_sea_names_the_job(andorra: OsrmServer) -> None:
    data = _problem(andorra.url)
    data["jobs"][2]["site"] = {"lat": AT_SEA.lat, "lon": AT_SEA.lon}
    problem = problem_from_json(data)  # reading asks nothing of the server
    with pytest.raises(
        ProblemError, match=r"^jobs\[J3\]\.site: \(lat 41\.0, lon 3\.0\) cannot be snapped"
    ):
        problem.network  # noqa: B018 (the matrices are fetched on first use)


@needs_osrm
@needs_maps
def test_wider_snap_radius_accepts_a_remote_point(andorra: OsrmServer) -> None:
    # the same point is served once the radius allows its 200.7 km to the road
    m = OsrmTravel(url=andorra.url, snap_radius_m=250_000).matrices(
        [_reference_points()[0], AT_SEA]
    )
    assert m.minutes[0, 1] > 0


@needs_osrm
@needs_maps
def test_small_blocks_give_the_same_matrix_as_one_block(andorra: OsrmServer) -> None:
    points = _near_reference(25)
    whole = OsrmTravel(url=andorra.url).table(points)
    # 25 points in blocks of 4: 7 x 7 requests, the last row and column 1 wide
    blocks = OsrmTravel(url=andorra.url, max_table_size=4).table(points)
    assert np.array_equal(whole.seconds, blocks.seconds)
    # OSRM rounds each distance to 0.1 m after summing the route it unpacked; with
    # other points in the request it may unpack an equally fast twin route, so a
    # few distances differ by that last 0.1 m (seen: 2 of 625 pairs)
    assert np.abs(whole.metres - blocks.metres).max() <= 0.1 + 1e-9
    assert whole.seconds.shape == (25, 25) and not np.isnan(whole.seconds).any()


@needs_osrm
@needs_maps
def test_block_the_server_finds_too_big_is_halved(andorra: OsrmServer) -> None:
    points = _near_reference(120)
    # one 120 x 120 request is over this server's 100 x 100 limit: OSRM answers TooBig
    wanted = OsrmTravel(url=andorra.url, max_table_size=120)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(_table_url(andorra.url, points))
    assert refused.value.code == 400 and b"TooBig" in refused.value.read()
    refused.value.close()
    halved = wanted.table(points)
    stock = OsrmTravel(url=andorra.url).table(points)  # blocks of 100: 4 requests
    assert np.array_equal(halved.seconds, stock.seconds)
    assert np.abs(halved.metres - stock.metres).max() <= 0.1 + 1e-9  # as with small blocks


@needs_osrm
@needs_maps
def test_plan_on_road_times_passes_the_validator_on_the_matrix_problem(
    andorra: OsrmServer,
) -> None:
    data = _problem(andorra.url)
    problem = problem_from_json(data)
    options = SolveOptions(time_limit_s=10, seed=0, solution_limit=10)
    plan = solve(problem, options)
    assert plan.kpis.assigned == len(data["jobs"])
    materialised = problem_from_json(with_matrix_travel(data))
    assert materialised.travel.kind == "matrix"
    assert check(materialised, plan) == []
    assert check(problem, plan) == []
    # the matrix problem is the same problem to the solver: the same plan
    again = solve(materialised, options)
    assert _without_timing(plan_to_json(again, problem.clock)) == _without_timing(
        plan_to_json(plan, problem.clock)
    )
    # the matrix problem holds the road minutes: engineer E1 at point 0 to job J1 at point 1
    net = materialised.network
    e1, j1 = net.engineer_start[0], net.job_site[0]
    assert net.minutes(e1, j1) == 8  # ceil(459.7 s / 60)


@needs_osrm
@needs_maps
def test_travel_matrix_command_round_trips(andorra: OsrmServer, tmp_path: Path) -> None:
    data = _problem(andorra.url)
    data["note"] = "fields the reader does not know are kept"
    source, first, second = tmp_path / "day.json", tmp_path / "m1.json", tmp_path / "m2.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert main(["travel", "matrix", str(source), "-o", str(first)]) == 0
    written = json.loads(first.read_text(encoding="utf-8"))
    assert {k: v for k, v in written.items() if k != "travel"} == {
        k: v for k, v in data.items() if k != "travel"
    }
    travel = written["travel"]
    assert travel["kind"] == "matrix" and len(travel["points"]) == 9  # 1 shared home + 8 sites
    assert all(isinstance(v, int) for row in travel["minutes"] for v in row)
    road = problem_from_json(data).network
    matrix = problem_from_json(written).network
    assert np.array_equal(road.travel.minutes, matrix.travel.minutes)
    assert np.array_equal(road.travel.km, matrix.travel.km)
    # a matrix problem comes back as it went in
    assert main(["travel", "matrix", str(first), "-o", str(second)]) == 0
    assert json.loads(second.read_text(encoding="utf-8")) == written


def test_travel_matrix_command_reports_a_missing_server(tmp_path: Path) -> None:
    data = _problem(f"http://127.0.0.1:{free_port()}")
    source, target = tmp_path / "day.json", tmp_path / "out.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert main(["travel", "matrix", str(source), "-o", str(target)]) == 3  # unavailable, not an invalid problem
    assert not target.exists()


# ------------------------------------------------------- no server needed --


def test_unreachable_server_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    travel = OsrmTravel(url=url)
    with pytest.raises(TravelServiceError, match=r"^travel\.url: the OSRM server at ") as caught:
        travel.matrices([GeoPoint(42.5, 1.5), GeoPoint(42.51, 1.52)])
    assert f"{url} cannot be reached (connection refused)" in str(caught.value)
    assert "fieldplan osrm serve" in str(caught.value)


@pytest.mark.parametrize(
    ("travel", "pattern"),
    [
        # not a web address
        ({"url": "127.0.0.1:5000"}, r"travel\.url: must be an http:// or https:// address"),
        # a profile goes into the request path
        ({"profile": "car/../x"}, r"travel\.profile: must be a name"),
        # no radius at all cannot snap anything
        ({"snap_radius_m": 0}, r"travel\.snap_radius_m: must be > 0"),
        # blocks of no points
        ({"max_table_size": 0}, r"travel\.max_table_size: must be >= 1"),
        # a size is a whole number of points
        ({"max_table_size": 2.5}, r"travel\.max_table_size: must be an integer"),
    ],
)
def test_bad_osrm_section_is_refused(travel: dict[str, Any], pattern: str) -> None:
    data = _problem("http://127.0.0.1:5000")
    data["travel"].update(travel)
    with pytest.raises(ProblemError, match=pattern):
        problem_from_json(data)


def test_osrm_section_defaults_and_json_form() -> None:
    data = _problem("http://127.0.0.1:5000")
    data["travel"] = {"kind": "osrm"}
    travel = problem_from_json(data).travel
    assert travel.to_json() == {
        "kind": "osrm",
        "url": "http://127.0.0.1:5000",
        "profile": "driving",
        "snap_radius_m": 1000.0,
        "max_table_size": 100,
    }


def test_osrm_needs_lat_lon_locations() -> None:
    data = _problem("http://127.0.0.1:5000")
    data["jobs"][0]["site"] = {"x": 1, "y": 2}
    with pytest.raises(ProblemError, match=r"jobs\[J1\]\.site: must give lat and lon"):
        problem_from_json(data)


# 2 points: 61 s is 1.02 min, so 2 minutes; 59 s is 1 minute; 1,000.04 m is 1.0 km
_OK = {
    "code": "Ok",
    "durations": [[0, 61], [59, 0]],
    "distances": [[0, 1000.04], [990.5, 0]],
    "sources": [{"distance": 3.5}, {"distance": 12.0}],
    "destinations": [{"distance": 3.5}, {"distance": 12.0}],
}
_TWO = [GeoPoint(42.5, 1.5), GeoPoint(42.51, 1.52)]


def test_reset_connection_and_http_5xx_are_retried() -> None:
    with _scripted(["reset", 503, _OK]) as (url, seen):
        m = OsrmTravel(url=url, backoff_s=0.01).matrices(_TWO)
    assert len(seen) == 3
    assert m.minutes.tolist() == [[0, 2], [1, 0]]
    assert m.km.tolist() == [[0, 1.0], [0.9905, 0]]
    # the request: lon,lat with 7 decimals, both annotations, no hints
    assert seen[0].startswith("/table/v1/driving/1.5000000,42.5000000;1.5200000,42.5100000?")
    assert "annotations=duration,distance" in seen[0] and "generate_hints=false" in seen[0]


def test_server_failing_past_the_retries_is_named() -> None:
    with _scripted([502, 502, 502]) as (url, seen):
        travel = OsrmTravel(url=url, retries=2, backoff_s=0.01)
        with pytest.raises(TravelServiceError, match=r"answered HTTP 502") as caught:
            travel.matrices(_TWO)
    assert len(seen) == 3 and url in str(caught.value)


def test_no_segment_answer_names_the_point() -> None:
    refusal = {"code": "NoSegment", "message": "Could not find a matching segment for coordinate 1"}
    with _scripted([(400, refusal)]) as (url, _):
        with pytest.raises(
            LocationError, match=r"point \(lat 42\.51, lon 1\.52\) cannot be snapped"
        ):
            OsrmTravel(url=url).matrices(_TWO)


def test_null_route_names_both_points() -> None:
    answer = {**_OK, "durations": [[0, None], [59, 0]], "distances": [[0, None], [990.5, 0]]}
    with _scripted([answer]) as (url, _):
        with pytest.raises(
            LocationError,
            match=r"point \(lat 42\.5, lon 1\.5\) has no road route to point \(lat 42\.51, lon 1\.52\)",
        ):
            OsrmTravel(url=url).matrices(_TWO)


def test_null_route_in_a_problem_names_both_entities() -> None:
    answer = {**_OK, "durations": [[0, None], [59, 0]], "distances": [[0, None], [990.5, 0]]}
    with _scripted([answer]) as (url, _):
        data = _problem(url)
        data["engineers"] = data["engineers"][:1]
        data["jobs"] = data["jobs"][:1]
        # locations in problem order: E1's home (row 0), then J1's site (row 1)
        with pytest.raises(
            LocationError,
            match=r"^engineers\[E1\]\.start: \(lat [\d.]+, lon [\d.]+\) has no road route to "
            r"jobs\[J1\]\.site \(lat [\d.]+, lon [\d.]+\) on the OSRM map at http://127\.0\.0\.1:",
        ):
            problem_from_json(data).network  # noqa: B018 (the matrices are fetched on first use)


def test_other_refusal_is_a_server_error() -> None:
    with _scripted([(400, {"code": "InvalidOptions", "message": "bad option"})]) as (url, _):
        with pytest.raises(
            TravelServiceError, match=r"refused the table request \(InvalidOptions: bad option\)"
        ):
            OsrmTravel(url=url).matrices(_TWO)


def test_answer_that_is_not_json_is_a_server_error() -> None:
    with _scripted([b"<html>hello</html>"]) as (url, _):
        with pytest.raises(TravelServiceError, match=r"did not answer with JSON"):
            OsrmTravel(url=url).matrices(_TWO)


# ------------------------------------------------------------- commands --


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("andorra.osm.pbf", "andorra"),  # the usual extract
        ("region.osm.bz2", "region"),  # compressed XML
        ("my.city.osm", "my.city"),  # dots inside the name stay
    ],
)
def test_map_name(name: str, base: str, tmp_path: Path) -> None:
    assert map_name(tmp_path / name) == base


@needs_osrm
@needs_maps
def test_build_command_writes_the_mld_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "monaco-osrm"
    assert main(["osrm", "build", str(OSM / "monaco.osm.pbf"), "-o", str(out)]) == 0
    assert "fieldplan osrm serve" in capsys.readouterr().out
    assert find_map(out) == out / "monaco.osrm"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no build leftovers
    assert not (OSM / "monaco.osrm.properties").exists()  # the source folder is not written to


@needs_osrm
def test_build_of_a_missing_map_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none"
    assert main(["osrm", "build", str(tmp_path / "nowhere.osm.pbf"), "-o", str(out)]) == 1
    assert "nowhere.osm.pbf: no such map file" in capsys.readouterr().err
    assert not out.exists()


def test_serving_something_unbuilt_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OsrmError, match=r"no built map here"):
        find_map(tmp_path)
    with pytest.raises(OsrmError, match=r"not a complete MLD build"):
        find_map(tmp_path / "andorra.osrm")


@needs_osrm
@needs_maps
def test_serve_command_runs_until_interrupted(andorra: OsrmServer, tmp_path: Path) -> None:
    import signal

    port = free_port()
    base = andorra.process.args[-1]  # the map the fixture serves
    # the command runs as a person runs it: its own process, stopped with Ctrl-C
    script = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from fieldplan.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", script, "osrm", "serve", str(base), "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            assert _within(30.0, lambda: "Ctrl-C stops it" in log.read_text()), log.read_text()
            assert _answers_within(url, 0.0)
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    text = log.read_text()
    assert f"serving {base} on {url}" in text and "stopped" in text
    assert not _answers_within(url, 0.0)  # osrm-routed went with it


# ---------------------------------------------------------------- helpers --


def _problem(url: str) -> dict[str, Any]:
    """Two engineers sharing a home at reference point 0; eight jobs at points 1..9 but 5."""
    points = _reference_points()
    day = "2026-11-24T{}:00+01:00"

    def loc(i: int) -> dict[str, float]:
        return {"lat": points[i].lat, "lon": points[i].lon}

    shift = {"start": day.format("08:00"), "end": day.format("17:00")}
    return {
        "schema": "fieldplan.dispatch.problem/1",
        "horizon": {"start": "2026-11-24T00:00:00+01:00", "end": "2026-11-25T00:00:00+01:00"},
        "travel": {"kind": "osrm", "url": url, "profile": "driving"},
        "engineers": [
            {"id": f"E{k}", "start": loc(0), "end": loc(0), "shift": shift} for k in (1, 2)
        ],
        "jobs": [
            {
                "id": f"J{n}",
                "site": loc(i),
                "kind": "normal",
                "priority": 2,
                "duration_min": 45,
                "windows": [{"start": day.format("08:00"), "end": day.format("16:00")}],
                "sla_deadline": day.format("13:00"),
            }
            for n, i in enumerate((1, 2, 3, 4, 6, 7, 8, 9), start=1)
        ],
        "objective": {"unassigned_penalty": {"2": 10000}, "late_penalty_per_min": {"2": 10}},
    }


def _without_timing(plan: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in plan.items() if k != "solver"}


def _table_url(url: str, points: list[GeoPoint]) -> str:
    coords = ";".join(f"{p.lon:.7f},{p.lat:.7f}" for p in points)
    return f"{url}/table/v1/driving/{coords}?annotations=duration,distance&generate_hints=false"


def _within(seconds: float, condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds before ``seconds`` pass (a bounded wait)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _answers_within(url: str, seconds: float) -> bool:
    """Whether ``url`` answers HTTP before ``seconds`` pass (a bounded wait, then one try)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/nearest/v1/driving/1.5,42.5", timeout=1) as r:
                r.read()
            return True
        except urllib.error.HTTPError as exc:
            exc.close()
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


class _Script:
    """What the scripted server answers, request by request."""

    def __init__(self, steps: list[Any]) -> None:
        self.steps = list(steps)
        self.seen: list[str] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    script: _Script

    def do_GET(self) -> None:
        with self.script.lock:
            self.script.seen.append(self.path)
            step = self.script.steps.pop(0) if self.script.steps else 500
        if step == "reset":
            self.close_connection = True  # hang up without a word
            return
        status, body = 200, step
        if isinstance(step, int):
            status, body = step, b"server trouble"
        elif isinstance(step, tuple):
            status, body = step
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean


class _scripted:
    """A loopback HTTP server answering from a script: a context giving (url, seen paths)."""

    def __init__(self, steps: list[Any]) -> None:
        self.script = _Script(steps)
        handler = type("Handler", (_Handler,), {"script": self.script})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> tuple[str, list[str]]:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}", self.script.seen

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
