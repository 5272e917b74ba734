"""Great-circle estimates against real road times: how far off a straight-line plan's promises are.

Generated days in the Andorra region (sites placed on the roads of the
shared OpenStreetMap extract) are planned twice: on OSRM road times, and on
great-circle estimates (the region's 30 km/h, with the usual circuity factor
1.3 and with none). Each estimate plan is then driven on the road times
(dispatch.evaluate.replay): jobs starting more than 5 minutes after the promised time,
access windows and SLA deadlines missed, overtime. The distance ratios of
road to great-circle km over all pairs of places show why.

    python -m benchmarks.roads --seconds 10
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.environment import environment_markdown
from dispatch.evaluate.check import check
from dispatch.evaluate.replay import ON_TIME_TOLERANCE_MIN, Comparison, compare
from dispatch.io.problem_json import problem_from_json, with_matrix_travel
from dispatch.solve import solve
from dispatch.travel.osrm import OsrmTravel
from dispatch.travel.providers import haversine_km
from fieldplan.osrm_server import OSRM_VERSION, build, require_programs, serve
from scenarios.generator.day import generate_dispatch
from scenarios.generator.roads import place_on_roads
from scenarios.instances.solomon import shared_dir

RESULTS = Path(__file__).parent / "results"
SIZES = ((10, 45), (20, 90))
ESTIMATES = {"great circle x1.3": 1.3, "great circle x1.0": 1.0}


@dataclass(frozen=True)
class Day:
    engineers: int
    jobs: int
    seed: int
    road_assigned: int
    road_valid: bool
    road_sla_met: int
    estimates: dict[str, Comparison]


def _pair_ratios(road: dict[str, Any], speed_kmh: float) -> tuple[np.ndarray, np.ndarray]:
    """Road km / great-circle km and road min / straight-line min at ``speed_kmh``, pairs > 1 km."""
    matrix = road["travel"]
    lat = np.array([p["lat"] for p in matrix["points"]])
    lon = np.array([p["lon"] for p in matrix["points"]])
    km_gc = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    km_road = np.array(matrix["km"], dtype=float)
    min_road = np.array(matrix["minutes"], dtype=float)
    far = km_gc > 1.0
    return km_road[far] / km_gc[far], min_road[far] / (km_gc[far] / speed_kmh * 60.0)


def run(seconds: float, seeds: list[int]) -> tuple[list[Day], np.ndarray, np.ndarray]:
    programs = require_programs()
    extract = shared_dir() / "data" / "osm" / "andorra.osm.pbf"
    days: list[Day] = []
    km_ratios, min_ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        base = build(extract, Path(tmp), programs)
        with serve(base, programs) as server:
            travel = OsrmTravel(url=server.url, max_table_size=1000)
            cases = []
            for engineers, jobs in SIZES:
                for seed in seeds:
                    data = generate_dispatch(engineers, jobs, seed, region="andorra")
                    road = with_matrix_travel(place_on_roads(data, travel))
                    cases.append((engineers, jobs, seed, data["travel"], road))
    for engineers, jobs, seed, estimate_travel, road in cases:
        road_problem = problem_from_json(road)
        options = replace(road_problem.options, time_limit_s=seconds, seed=0)
        plan = solve(road_problem, options)
        ratio_km, ratio_min = _pair_ratios(road, estimate_travel["speed_kmh"])
        km_ratios.append(ratio_km)
        min_ratios.append(ratio_min)
        comparisons = {}
        for label, circuity in ESTIMATES.items():
            straight = {**road, "travel": {**estimate_travel, "circuity": circuity}}
            estimated = problem_from_json(straight)
            promised = solve(estimated, options)
            comparisons[label] = compare(promised, road_problem)
        day = Day(
            engineers,
            jobs,
            seed,
            plan.kpis.assigned,
            not check(road_problem, plan),
            plan.kpis.sla_met,
            comparisons,
        )
        days.append(day)
        for label, c in comparisons.items():
            print(
                f"{engineers}x{jobs} seed {seed} {label}: late {c.started_late}/{c.jobs}, "
                f"windows missed {c.windows_missed}, SLA {c.sla_kept}/{c.sla_promised}; "
                f"road plan {plan.kpis.assigned} assigned, {plan.kpis.sla_met} SLA met",
                flush=True,
            )
    return days, np.concatenate(km_ratios), np.concatenate(min_ratios)


def write(days: list[Day], km: np.ndarray, minutes: np.ndarray, seconds: float) -> Path:
    path = RESULTS / "roads.md"
    q = np.quantile
    lines = [
        "# Great-circle estimates against road times (Andorra, OSRM)",
        "",
        environment_markdown(
            {
                "OSRM": f"osrm-backend v{OSRM_VERSION}, car profile, MLD, shared andorra.osm.pbf",
                "days": "generated Andorra days, sites placed on roads (scenarios/generator/roads.py)",
                "time limit per plan": f"{seconds:g} s",
            }
        ),
        "",
        "Map data © OpenStreetMap contributors (ODbL).",
        "",
        f"Pairs of distinct places more than 1 km apart: {km.size:,}.",
        "",
        "| ratio | median | 90th percentile | max |",
        "| --- | --- | --- | --- |",
        f"| road km / great-circle km | {q(km, 0.5):.2f} | {q(km, 0.9):.2f} | {km.max():.2f} |",
        f"| road minutes / straight line at 30 km/h | {q(minutes, 0.5):.2f} | "
        f"{q(minutes, 0.9):.2f} | {minutes.max():.2f} |",
        "",
        "Each day is planned on each estimate, then its routes are driven on the road "
        f"times. Late: a job starting more than {ON_TIME_TOLERANCE_MIN:g} min after the "
        "promised start. The road plan (planned on OSRM times directly) is valid on them.",
        "",
        "| day | estimate | late starts | median / p90 / worst delay min | windows missed | "
        "SLA kept of promised | overtime real (promised) min | road plan: assigned, SLA met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for d in days:
        for label, c in d.estimates.items():
            lines.append(
                f"| {d.engineers}x{d.jobs} seed {d.seed} | {label} | {c.started_late}/{c.jobs} | "
                f"{c.median_delay_min:+.0f} / {c.p90_delay_min:+.0f} / {c.max_delay_min:+.0f} | "
                f"{c.windows_missed} | {c.sla_kept}/{c.sla_promised} | "
                f"{c.overtime_real_min:.0f} ({c.overtime_promised_min:.0f}) | "
                f"{d.road_assigned}, {d.road_sla_met}{'' if d.road_valid else ' INVALID'} |"
            )
    lines += [
        "",
        "Totals over all days:",
        "",
        "| estimate | late starts | windows missed | SLA lost |",
    ]
    lines.append("| --- | --- | --- | --- |")
    for label in ESTIMATES:
        cs = [d.estimates[label] for d in days]
        late = sum(c.started_late for c in cs)
        total = sum(c.jobs for c in cs)
        lines.append(
            f"| {label} | {late}/{total} ({100 * late / max(total, 1):.0f} %) | "
            f"{sum(c.windows_missed for c in cs)} | "
            f"{sum(c.sla_promised - c.sla_kept for c in cs)} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    days, km, minutes = run(args.seconds, args.seeds)
    print(f"written {write(days, km, minutes, args.seconds)}")
    print(f"road/great-circle km: median {statistics.median(km.tolist()):.2f}")


if __name__ == "__main__":
    main()
