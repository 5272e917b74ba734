"""Scale: a generated day of 200 engineers and 1,000 jobs.

Measures the time to the first feasible plan, the final plan at the time limit,
its quality, and the peak memory of the process (getrusage maxrss).

    python -m benchmarks.scale --engineers 200 --jobs 1000 --seconds 120
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

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engineers", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    problem = problem_from_json(generate_dispatch(args.engineers, args.jobs, seed=args.seed))
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
        "objective": f"{k.objective:,.0f}",
        "validator": "valid" if not violations else f"{len(violations)} violations",
    }
    for key, value in rows.items():
        print(f"{key}: {value}")
    RESULTS.mkdir(exist_ok=True)
    lines = [
        f"# Scale: {args.engineers} engineers x {args.jobs} jobs",
        "",
        environment_markdown(
            {
                "instance": f"scenarios.generator.day seed {args.seed}",
                "time limit": f"{args.seconds:g} s",
                "engine": plan.solver.engine,
            }
        ),
        "",
        "Goal: first feasible plan <= 15 s, final plan <= 120 s, peak memory <= 4 GiB.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in rows.items()),
    ]
    (RESULTS / f"scale-{args.engineers}x{args.jobs}.md").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
