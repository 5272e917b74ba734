"""Gehring & Homberger VRPTW (200 and 400 customers, one depot): fieldplan against PyVRP.

Every vehicle leaves one office, windows are tight, the fleet is large: the
shape of a big regional office's day. Engines: ``fieldplan-ortools`` (our
full-rule engine, the one every real field day goes through), ``fieldplan``
(``auto``: PyVRP where a problem fits, as these do, inside fieldplan) and
``pyvrp`` (called directly, benchmarks/peers.py), each with the same time
limit on the same machine in the same run. Gaps are to the best-known cost of
the ``.sol`` beside each instance, under its DIMACS convention (each arc's
length truncated to one decimal, distance only); a plan counts as feasible when
every customer is served and the routes keep every window and the capacity
(checked from the file, in double precision).

    python -m benchmarks.homberger --seconds 60 --every 2 --processes 2
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
from benchmarks.peers import check_routes, solve_pyvrp
from benchmarks.tables import per_instance
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import Engine, SolveOptions
from dispatch.solve import solve
from scenarios.instances.homberger import (
    best_known,
    dimacs_distance,
    instance_paths,
    read_homberger,
)
from scenarios.instances.solomon import job_number, solomon_to_problem

RESULTS = Path(__file__).parent / "results"
ENGINES = ("fieldplan-ortools", "fieldplan", "pyvrp")


@dataclass(frozen=True)
class Row:
    instance: str
    customers: int
    engine: str
    seconds: float
    feasible: bool
    served: int
    vehicles: int
    distance: float
    gap_pct: float
    wall_s: float


def run_task(task: tuple[str, str, float]) -> Row:
    path, engine, seconds = task
    inst = read_homberger(path)
    began = time.perf_counter()
    if engine == "pyvrp":
        routes = [list(r) for r in solve_pyvrp(inst, seconds).routes]
    else:
        problem = problem_from_json(solomon_to_problem(inst))
        chosen = Engine.AUTO if engine == "fieldplan" else Engine.ORTOOLS
        plan = solve(problem, SolveOptions(time_limit_s=seconds, engine=chosen))
        routes = [[job_number(j) for j in r.job_ids] for r in plan.routes]
    wall = time.perf_counter() - began
    served = sum(len(r) for r in routes)
    feasible = served == len(inst.customers) and not check_routes(inst, routes)
    distance = dimacs_distance(inst, routes)
    cost, _ = best_known(path)
    return Row(
        inst.name,
        len(inst.customers),
        engine,
        seconds,
        feasible,
        served,
        len(routes),
        distance,
        100 * (distance / cost - 1),
        wall,
    )


def chosen_paths(sizes: list[int], every: int, names: list[str] | None) -> list[Path]:
    """Every ``every``-th instance of each family and size (1, 1 + every, ...), or ``names``."""
    paths = [p for size in sizes for p in instance_paths(size)]
    if names:
        return [p for p in paths if p.stem in names]
    return [p for p in paths if (int(p.stem.rsplit("_", 1)[1]) - 1) % every == 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--sizes", nargs="+", type=int, default=[200, 400])
    parser.add_argument("--every", type=int, default=1, help="every k-th instance of a family")
    parser.add_argument("--instances", nargs="*", help="instance names (C1_2_1 ...)")
    parser.add_argument("--processes", type=int, default=1, help="solves side by side")
    parser.add_argument("--name", default=None, help="results file stem")
    args = parser.parse_args()
    paths = chosen_paths(args.sizes, args.every, args.instances)
    tasks = [(str(p), engine, args.seconds) for p in paths for engine in args.engines]
    rows: list[Row] = []
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for row in pool.map(run_task, tasks):
            rows.append(row)
            print(
                f"{row.instance:9} {row.engine:18} feasible={row.feasible} "
                f"served={row.served}/{row.customers} vehicles={row.vehicles:3} "
                f"gap={row.gap_pct:6.2f}% wall={row.wall_s:6.1f}s",
                flush=True,
            )
    write(rows, args, len(paths))


def write(rows: list[Row], args: argparse.Namespace, instances: int) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / (args.name or f"homberger-{args.seconds:g}s")
    with open(stem.with_suffix(".csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([f.name for f in fields(Row)])
        writer.writerows(astuple(r) for r in rows)
    selection = (
        f"{', '.join(args.instances)}"
        if args.instances
        else f"instances 1, {1 + args.every}, ... of each family (every {args.every})"
    )
    lines = [
        f"# Gehring & Homberger VRPTW, {args.seconds:g} s per instance",
        "",
        environment_markdown(
            {
                "instances": f"{instances} ({selection}; sizes {args.sizes})",
                "time limit per instance": f"{args.seconds:g} s",
                "solves side by side": args.processes,
                "gap": "to the .sol best-known cost, DIMACS convention (arcs truncated to 0.1)",
            }
        ),
        "",
        "| engine | size | all served and valid | mean gap % | median gap % | worst gap % | mean wall s | worst wall s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for engine in args.engines:
        for size in [*args.sizes, None]:
            mine = [r for r in rows if r.engine == engine and size in (None, r.customers)]
            if not mine:
                continue
            gaps = [r.gap_pct for r in mine if r.feasible] or [float("nan")]
            lines.append(
                f"| {engine} | {size or 'all'} | {sum(r.feasible for r in mine)}/{len(mine)} | "
                f"{statistics.mean(gaps):.2f} | {statistics.median(gaps):.2f} | "
                f"{max(gaps):.2f} | {statistics.mean(r.wall_s for r in mine):.1f} | "
                f"{max(r.wall_s for r in mine):.1f} |"
            )
    lines += [
        "",
        "Per instance: gap % to the best-known cost (`unserved N` where customers were left out).",
        "",
    ]

    def cell(name: str, engine: str) -> str:
        r = next((r for r in rows if r.instance == name and r.engine == engine), None)
        if r is None:
            return ""
        return f"{r.gap_pct:.2f}" if r.feasible else f"unserved {r.customers - r.served}"

    lines += per_instance(list(dict.fromkeys(r.instance for r in rows)), args.engines, cell)
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {stem.with_suffix('.md')}")


if __name__ == "__main__":
    main()
