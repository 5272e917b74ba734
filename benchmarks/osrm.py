"""OSRM on this machine: building the shared extracts and fetching travel matrices.

For each OpenStreetMap extract in ../shared/data/osm: the time to build its
MLD car graph (extract, partition, customize), then, with osrm-routed on
loopback, the time for the ``osrm`` travel provider to fetch 100 x 100 and
1,000 x 1,000 matrices between random points of the extract's bounding box
that snap to a road within the provider's default 1 km. The 1,000-point
matrix is fetched in blocks of 100 (the default, which any stock server
accepts: 100 requests) and in one request (a server started with
``--max-table-size 1000``, as ``fieldplan osrm serve`` does).

    python -m benchmarks.osrm
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from benchmarks.environment import environment_markdown
from dispatch.travel.locations import GeoPoint
from dispatch.travel.osrm import DEFAULT_SNAP_RADIUS_M, OsrmTravel
from fieldplan.osrm_server import OSRM_VERSION, build, require_programs, serve
from scenarios.instances.solomon import shared_dir

RESULTS = Path(__file__).parent / "results"
#: Bounding boxes (lon, lat) of the extracts, from ../shared/data/osm/SOURCE.md, and
#: the main town, whose roads are surely part of the extract's connected network.
BOXES = {
    "andorra": (((0.976, 42.324), (1.825, 42.788)), GeoPoint(42.5078, 1.5211)),
    "liechtenstein": (((9.398, 46.786), (9.671, 47.526)), GeoPoint(47.1410, 9.5209)),
    "monaco": (((7.349, 43.715), (7.491, 43.770)), GeoPoint(43.7384, 7.4246)),
}


def snapping_points(
    url: str, box: tuple[tuple[float, float], ...], town: GeoPoint, n: int, seed: int
) -> list[GeoPoint]:
    """Draw points in ``box`` until ``n`` snap to a connected road within the radius.

    Connected means a route to and from ``town``: extracts are cut at their
    border, and a road that only leaves the extract (or a private road) has no
    route to the rest, which the provider rightly refuses. Snapping is judged
    by table requests, as the provider's are: OSRM snaps a table's points to
    the nearest road of the main network, which may be further than the
    nearest road of all.
    """
    rng = np.random.default_rng(seed)
    (lon0, lat0), (lon1, lat1) = box
    found: list[GeoPoint] = []
    while len(found) < n:
        lats, lons = rng.uniform(lat0, lat1, 500), rng.uniform(lon0, lon1, 500)
        batch = [
            GeoPoint(round(float(a), 7), round(float(b), 7))
            for a, b in zip(lats, lons, strict=True)
        ]
        found += [p for p, ok in zip(batch, _usable(url, town, batch), strict=True) if ok]
    return found[:n]


def _usable(url: str, hub: GeoPoint, points: list[GeoPoint]) -> list[bool]:
    """Whether each point snaps within the radius with a route from and to ``hub``."""
    coords = ";".join(f"{p.lon:.7f},{p.lat:.7f}" for p in [hub, *points])
    table = f"{url}/table/v1/driving/{coords}?generate_hints=false"
    with urllib.request.urlopen(f"{table}&sources=0") as answer:
        outward = json.load(answer)
    with urllib.request.urlopen(f"{table}&destinations=0") as answer:
        inward = json.load(answer)
    near = [w["distance"] <= DEFAULT_SNAP_RADIUS_M for w in outward["destinations"][1:]]
    there = [v is not None for v in outward["durations"][0][1:]]
    back = [row[0] is not None for row in inward["durations"][1:]]
    return [a and b and c for a, b, c in zip(near, there, back, strict=True)]


def fetch(travel: OsrmTravel, points: list[GeoPoint]) -> tuple[float, np.ndarray]:
    """Seconds to fetch the matrices (rounded to minutes and km), and the minutes."""
    began = time.perf_counter()
    minutes = travel.matrices(points).minutes
    return time.perf_counter() - began, minutes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builds", type=int, default=3, help="builds per extract")
    parser.add_argument("--repeats", type=int, default=3, help="fetches per matrix")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    programs = require_programs()
    osm = shared_dir() / "data" / "osm"
    rows: list[str] = []
    for name, (box, town) in BOXES.items():
        source = osm / f"{name}.osm.pbf"
        with tempfile.TemporaryDirectory(prefix=f"osrm-{name}-") as tmp:
            builds = []
            for _ in range(args.builds):
                began = time.perf_counter()
                base = build(source, Path(tmp), programs)
                builds.append(time.perf_counter() - began)
            with serve(base, programs, max_table_size=1000, log=Path(tmp) / "routed.log") as server:
                points = snapping_points(server.url, box, town, 1000, args.seed)
                cells = [f"{name}", f"{source.stat().st_size / 1e6:.2f} MB"]
                cells.append(f"{statistics.median(builds):.2f} s")
                blocks = OsrmTravel(url=server.url)
                one = OsrmTravel(url=server.url, max_table_size=1000)
                small = [fetch(blocks, points[:100]) for _ in range(args.repeats)]
                cells.append(f"{statistics.median(t for t, _ in small):.3f} s")
                big = [fetch(blocks, points) for _ in range(args.repeats)]
                single = [fetch(one, points) for _ in range(args.repeats)]
                assert np.array_equal(big[0][1], single[0][1]), "blocks changed the minutes"
                cells.append(f"{statistics.median(t for t, _ in big):.2f} s")
                cells.append(f"{statistics.median(t for t, _ in single):.2f} s")
                minutes = big[0][1][~np.eye(len(points), dtype=bool)]
                cells.append(f"{np.median(minutes):.0f} / {minutes.max():.0f} min")
        rows.append("| " + " | ".join(cells) + " |")
        print(rows[-1])
    RESULTS.mkdir(exist_ok=True)
    lines = [
        "# OSRM: building the shared extracts and fetching matrices",
        "",
        environment_markdown(
            {
                "OSRM": f"osrm-backend v{OSRM_VERSION} (PyPI osrm-bindings wheel), car profile, MLD",
                "server": "osrm-routed on 127.0.0.1, 2 threads, --max-table-size 1000",
                "points": f"uniform in each extract's bounding box, kept when within {DEFAULT_SNAP_RADIUS_M:g} m of a connected road (seed {args.seed})",
                "timing": f"median of {args.builds} builds and {args.repeats} fetches",
            }
        ),
        "",
        "Goal (issue 8): each extract builds in well under 1 s; a 100 x 100 matrix in about",
        "0.05 s and a 1,000 x 1,000 one in 1-2 s.",
        "",
        "| extract | size | build | 100 x 100 | 1,000 x 1,000 in blocks of 100 | 1,000 x 1,000 in one request | median / max trip |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "Build: osrm-extract (car.lua), osrm-partition and osrm-customize, 2 threads each.",
        "A fetch includes rounding to whole minutes and km. Blocks of 100 are what the",
        "provider asks by default, so any stock osrm-routed answers; `max_table_size` in the",
        "travel section asks in larger blocks. Both give the same minutes. Points snapping to",
        "a road with no route to or from the main town (a road cut at the extract's",
        "border, a private road) are drawn again: the provider refuses those, naming them.",
        "",
        "Map data © OpenStreetMap contributors, ODbL 1.0 (see ../shared/data/osm/SOURCE.md).",
    ]
    (RESULTS / "osrm.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
