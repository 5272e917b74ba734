"""Travel matrices: the vectorised great-circle provider on 2,000 points.

Times a full 2,000 x 2,000 matrix (minutes and km) and, for scale, geopy's
great_circle on a sample of pairs, in the same run.

    python -m benchmarks.travel --points 2000
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from geopy.distance import great_circle

from benchmarks.environment import environment_markdown
from dispatch.travel.locations import GeoPoint
from dispatch.travel.providers import EARTH_RADIUS_KM, GreatCircleTravel

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    coords = rng.uniform([30.5, 120.0], [32.0, 122.0], size=(args.points, 2))
    points = [GeoPoint(float(a), float(b)) for a, b in coords]
    travel = GreatCircleTravel(speed_kmh=40, circuity=1.3)
    times = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        matrices = travel.matrices(points)
        times.append(time.perf_counter() - began)
    pairs = rng.integers(0, args.points, size=(2000, 2))
    began = time.perf_counter()
    reference = [
        great_circle(coords[a], coords[b], radius=EARTH_RADIUS_KM).km * 1.3 for a, b in pairs
    ]
    per_pair = (time.perf_counter() - began) / len(pairs)
    worst = max(abs(matrices.km[a, b] - r) for (a, b), r in zip(pairs, reference, strict=True))
    cells = args.points**2
    rows = {
        "matrix": f"{args.points} x {args.points} ({cells:,} pairs), minutes and km",
        "fieldplan great_circle, median": f"{statistics.median(times):.3f} s ({min(times):.3f} s best of {args.repeats})",
        "geopy great_circle, per pair": f"{per_pair * 1e6:.1f} µs, so {per_pair * cells:.1f} s for the matrix",
        "speed-up against geopy": f"{per_pair * cells / statistics.median(times):,.0f} x",
        "largest km difference on 2,000 sampled pairs": f"{worst:.2e} km",
    }
    for k, v in rows.items():
        print(f"{k}: {v}")
    RESULTS.mkdir(exist_ok=True)
    lines = [
        f"# Travel matrix: {args.points} points",
        "",
        environment_markdown({"points": "uniform over the Yangtze delta"}),
        "",
        "Goal: a 2,000-point matrix in well under a second.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in rows.items()),
    ]
    (RESULTS / "travel.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
