"""Scale: a generated day of 200 engineers and 1,000 jobs, or a generated week.

Measures the time to the first feasible plan, the final plan at the time limit,
its quality, and the peak memory of the process (getrusage maxrss).

    python -m benchmarks.scale --engineers 200 --jobs 1000 --seconds 120
    python -m benchmarks.scale --engineers 30 --jobs 600 --days 5 --seconds 120
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from benchmarks.environment import environment_markdown
from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from scenarios.generator.day import generate_dispatch
from scenarios.generator.week import generate_week

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engineers", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--days", type=int, default=None, help="a week: working days, with a weekend on call"
    )
    args = parser.parse_args()
    began = time.perf_counter()
    if args.days is None:
        data = generate_dispatch(args.engineers, args.jobs, seed=args.seed)
        name, instance = f"{args.engineers}x{args.jobs}", "scenarios.generator.day"
    else:
        data = generate_week(args.engineers, args.jobs, seed=args.seed, working_days=args.days)
        name = f"week-{args.engineers}x{args.days}x{args.jobs}"
        instance = f"scenarios.generator.week, {args.days} working days and a weekend on call"
    problem = problem_from_json(data)
    _ = problem.network
    load_s = time.perf_counter() - began
    trace: list[tuple[float, float]] = []
    plan = solve(
        problem,
        SolveOptions(time_limit_s=args.seconds),
        progress=lambda s, cost, n: trace.append((s, cost)),
    )
    wall = time.perf_counter() - began
    violations = check(problem, plan)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    k = plan.kpis
    assert plan.solver is not None
    rows = {
        "problem load and travel matrix": f"{load_s:.2f} s",
        "first feasible plan": f"{plan.solver.first_solution_s:.2f} s after solve() started",
        "final plan": f"{wall:.1f} s in all (time limit {args.seconds:g} s)",
        "improving solutions": str(plan.solver.solutions),
        "peak memory (maxrss)": f"{peak_mib:,.0f} MiB",
        "jobs assigned": f"{k.assigned} of {k.jobs}",
        "priority-1 SLA met": "{sla_met} of {jobs}".format(
            **k.sla_met_by_priority.get("1", {"sla_met": 0, "jobs": 0})
        ),
        "km": f"{k.km:,.1f}",
        "overtime": f"{k.overtime_min:,.0f} min",
        "routes (engineer shifts used)": f"{len(plan.routes)} of {len(problem.engineers)}",
        "callouts": str(k.callouts),
        "objective": f"{k.objective:,.0f}",
        "validator": "valid" if not violations else f"{len(violations)} violations",
    }
    for key, value in rows.items():
        print(f"{key}: {value}")
    RESULTS.mkdir(exist_ok=True)
    lines = [
        f"# Scale: {args.engineers} engineers x {args.jobs} jobs"
        + ("" if args.days is None else f" over {args.days} working days"),
        "",
        environment_markdown(
            {
                "instance": f"{instance}, seed {args.seed}",
                "time limit": f"{args.seconds:g} s",
                "engine": plan.solver.engine,
            }
        ),
        "",
        "Goal: first feasible plan <= 15 s (a week: <= 10 s), final plan <= 120 s, "
        "peak memory <= 4 GiB.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in rows.items()),
    ]
    (RESULTS / f"scale-{name}.md").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
