"""Solomon VRPTW: fieldplan against PyVRP and VROOM on the same machine, in one run.

Distance only, fleet size from the file, exact (double) distances; the gap is to
the ``distance_double`` best-known value of ../shared/benchmarks/solomon/bks.csv.
Engines: ``fieldplan`` (the default ``auto``: PyVRP where a problem fits, as
Solomon problems do), ``fieldplan-ortools`` (OR-Tools forced: our full-rule
engine on its own), ``pyvrp`` and ``vroom`` (run directly, benchmarks/peers.py).

    python -m benchmarks.solomon --seconds 10 --engines fieldplan fieldplan-ortools pyvrp vroom
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.environment import environment_markdown
from benchmarks.peers import check_routes, solve_pyvrp, solve_vroom
from benchmarks.tables import per_instance
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import Engine, SolveOptions
from dispatch.solve import solve
from scenarios.instances.solomon import (
    bks,
    instance_names,
    job_number,
    read_solomon,
    solomon_to_problem,
)

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Row:
    instance: str
    engine: str
    seconds: float
    feasible: bool
    served: int
    vehicles: int
    distance: float
    gap_pct: float
    wall_s: float


def run_fieldplan(name: str, seconds: float, engine: Engine) -> Row:
    inst = read_solomon(name)
    problem = problem_from_json(solomon_to_problem(inst))
    began = time.perf_counter()
    plan = solve(problem, SolveOptions(time_limit_s=seconds, engine=engine))
    wall = time.perf_counter() - began
    routes = [[job_number(j) for j in r.job_ids] for r in plan.routes]
    feasible = plan.kpis.assigned == len(inst.customers) and not check_routes(inst, routes)
    distance = sum(r.km for r in plan.routes)
    label = "fieldplan" if engine is Engine.AUTO else f"fieldplan-{engine.value}"
    return Row(
        name,
        label,
        seconds,
        feasible,
        plan.kpis.assigned,
        len(routes),
        distance,
        100 * (distance / bks(name) - 1),
        wall,
    )


def run_peer(name: str, seconds: float, engine: str) -> Row:
    inst = read_solomon(name)
    result = solve_pyvrp(inst, seconds) if engine == "pyvrp" else solve_vroom(inst)
    served = sum(len(r) for r in result.routes)
    return Row(
        name,
        engine,
        seconds,
        result.feasible,
        served,
        result.vehicles,
        result.distance,
        100 * (result.distance / bks(name) - 1),
        result.wall_s,
    )


def run_task(task: tuple[str, str, float]) -> Row:
    name, engine, seconds = task
    if engine == "fieldplan":
        return run_fieldplan(name, seconds, Engine.AUTO)
    if engine == "fieldplan-ortools":
        return run_fieldplan(name, seconds, Engine.ORTOOLS)
    return run_peer(name, seconds, engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--engines", nargs="+", default=["fieldplan", "fieldplan-ortools", "pyvrp", "vroom"]
    )
    parser.add_argument("--instances", nargs="*", default=None)
    parser.add_argument("--processes", type=int, default=1, help="instances solved side by side")
    args = parser.parse_args()
    names = args.instances or instance_names()
    tasks = [(name, engine, args.seconds) for name in names for engine in args.engines]
    rows: list[Row] = []
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for row in pool.map(run_task, tasks):
            rows.append(row)
            name, engine = row.instance, row.engine
            print(
                f"{name:6} {engine:18} feasible={row.feasible} vehicles={row.vehicles:2} "
                f"distance={row.distance:9.2f} gap={row.gap_pct:6.2f}% wall={row.wall_s:5.1f}s",
                flush=True,
            )
    write(rows, args)


def write(rows: list[Row], args: argparse.Namespace) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"solomon-{args.seconds:g}s"
    with open(stem.with_suffix(".csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(Row.__dataclass_fields__)
        for r in rows:
            writer.writerow(
                [
                    r.instance,
                    r.engine,
                    r.seconds,
                    r.feasible,
                    r.served,
                    r.vehicles,
                    f"{r.distance:.4f}",
                    f"{r.gap_pct:.4f}",
                    f"{r.wall_s:.2f}",
                ]
            )
    lines = [
        f"# Solomon VRPTW, {args.seconds:g} s per instance",
        "",
        environment_markdown(
            {
                "instances": len({r.instance for r in rows}),
                "time limit per instance": f"{args.seconds:g} s",
                "vroom": "exploration 5, 2 threads (finishes before the limit)",
            }
        ),
        "",
        "| engine | feasible | mean gap % | median gap % | worst gap % | mean wall s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for engine in args.engines:
        mine = [r for r in rows if r.engine == engine]
        gaps = [r.gap_pct for r in mine if r.feasible]
        if not mine:
            continue
        lines.append(
            f"| {engine} | {sum(r.feasible for r in mine)}/{len(mine)} | "
            f"{statistics.mean(gaps):.2f} | {statistics.median(gaps):.2f} | {max(gaps):.2f} | "
            f"{statistics.mean(r.wall_s for r in mine):.1f} |"
            if gaps
            else f"| {engine} | 0/{len(mine)} | | | | |"
        )
    lines += [
        "",
        "Per instance: gap % to the best-known distance (distance_double).",
        "",
    ]

    def cell(name: str, engine: str) -> str:
        r = next((r for r in rows if r.instance == name and r.engine == engine), None)
        return "" if r is None else (f"{r.gap_pct:.2f}" if r.feasible else "infeasible")

    lines += per_instance(list(dict.fromkeys(r.instance for r in rows)), args.engines, cell)
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
