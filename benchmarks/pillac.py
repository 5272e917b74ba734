"""Pillac TRSP (technicians with skills, tools and spare parts): gap to the best-known durations.

Each of the 56 ``crew25`` instances goes through the contract
(scenarios/instances/pillac.py: working cost 1 per minute, no travel cost, the central
depot lending every tool and holding every part) and is solved by the default
engine. A plan counts only when every request is served and the independent
validator accepts it; its objective is the plan's own working minutes (route
durations, each technician leaving as late as feasible), compared with
``bks_duration_2013_report`` of ../shared/benchmarks/trsp-pillac/bks/bks.csv.

    python -m benchmarks.pillac --seconds 60 --processes 2
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from benchmarks.environment import environment_markdown
from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType
from dispatch.solve import solve
from scenarios.instances.pillac import bks, instance_names, pillac_to_problem, read_pillac

RESULTS = Path(__file__).parent / "results"
#: Goals of the benchmark: mean and worst gap to the best-known durations.
GOAL_MEAN_PCT, GOAL_WORST_PCT = 3.0, 8.0


@dataclass(frozen=True)
class Row:
    instance: str
    seconds: float
    served: int
    valid: bool
    technicians: int
    depot_visits: int
    duration: float
    bks: float
    gap_pct: float
    wall_s: float


def run(task: tuple[str, float, int]) -> Row:
    """Solve one instance and measure its plan."""
    name, seconds, seed = task
    problem = problem_from_json(pillac_to_problem(read_pillac(name)))
    began = time.perf_counter()
    plan = solve(problem, SolveOptions(time_limit_s=seconds, seed=seed))
    wall = time.perf_counter() - began
    duration = sum(r.return_at - r.depart for r in plan.routes)
    best = bks(name)
    return Row(
        instance=name.split(".")[0],
        seconds=seconds,
        served=plan.kpis.assigned,
        valid=not check(problem, plan),
        technicians=len(plan.routes),
        depot_visits=sum(1 for r in plan.routes for s in r.stops if s.type is StopType.DEPOT),
        duration=duration,
        bks=best,
        gap_pct=100 * (duration / best - 1),
        wall_s=wall,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--instances", nargs="*", default=None, help="e.g. C101 R205")
    parser.add_argument("--processes", type=int, default=1, help="instances solved side by side")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default=None, help="results file stem")
    args = parser.parse_args()
    names = instance_names()
    if args.instances:
        wanted = {i.upper() for i in args.instances}
        names = [n for n in names if n.split(".")[0] in wanted]
    tasks = [(name, args.seconds, args.seed) for name in names]
    rows: list[Row] = []
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for row in pool.map(run, tasks):
            rows.append(row)
            print(
                f"{row.instance:6} served={row.served:3} valid={row.valid} "
                f"techs={row.technicians:2} depot={row.depot_visits:2} "
                f"duration={row.duration:9.2f} bks={row.bks:9.2f} gap={row.gap_pct:6.2f}% "
                f"wall={row.wall_s:5.1f}s",
                flush=True,
            )
    write(rows, args)


def _ok(row: Row) -> bool:
    return row.valid and row.served == 100


def write(rows: list[Row], args: argparse.Namespace) -> None:
    """CSV of every instance and a markdown summary with the machine and settings."""
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / (args.name or f"pillac-{args.seconds:g}s")
    with open(stem.with_suffix(".csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([f.name for f in fields(Row)])
        for r in rows:
            writer.writerow([f"{v:.4f}" if isinstance(v, float) else v for v in astuple(r)])
    good = [r for r in rows if _ok(r)]
    gaps = [r.gap_pct for r in good]
    lines = [
        f"# Pillac TRSP (crew25), {args.seconds:g} s per instance",
        "",
        environment_markdown(
            {
                "instances": len(rows),
                "time limit per instance": f"{args.seconds:g} s",
                "instances solved side by side": args.processes,
                "seed": args.seed,
                "engine": "default (auto: construction, ruin and recreate, OR-Tools local search)",
            }
        ),
        "",
        f"Goal: mean gap <= {GOAL_MEAN_PCT:g} %, no instance above {GOAL_WORST_PCT:g} %, "
        "every request served.",
        "",
        "| all served and valid | mean gap % | median gap % | worst gap % | "
        "instances over 8 % | mean wall s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    if gaps:
        lines.append(
            f"| {len(good)}/{len(rows)} | {statistics.mean(gaps):.2f} | "
            f"{statistics.median(gaps):.2f} | {max(gaps):.2f} | "
            f"{sum(g > GOAL_WORST_PCT for g in gaps)} | "
            f"{statistics.mean(r.wall_s for r in rows):.1f} |"
        )
    lines += ["", "By group (mean gap %):", "", "| group | instances | mean gap % | worst gap % |"]
    lines.append("| --- | --- | --- | --- |")
    by_series: dict[str, list[Row]] = {}
    for r in good:
        letters = r.instance.rstrip("0123456789")
        by_series.setdefault(letters + r.instance[len(letters)], []).append(r)
    for series, members in sorted(by_series.items()):
        g = [m.gap_pct for m in members]
        lines.append(f"| {series} | {len(g)} | {statistics.mean(g):.2f} | {max(g):.2f} |")
    lines += [
        "",
        "| instance | served | valid | technicians | depot visits | duration | best known | gap % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.instance} | {r.served} | {'yes' if r.valid else 'NO'} | {r.technicians} | "
            f"{r.depot_visits} | {r.duration:.2f} | {r.bks:.2f} | {r.gap_pct:.2f} |"
        )
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
