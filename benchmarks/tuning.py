"""Search tuning on generated field-service days: which steps earn their time.

Variants of the full-rule engine, each with the same time limit on the same
instances: OR-Tools alone from the constructed plan (no ruin and recreate),
ruin and recreate alone, the default split, and two parallel seeds.

    python -m benchmarks.tuning --seconds 30 --sizes 30x130 100x450
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import dispatch.search.ortools_engine as engine
from benchmarks.environment import environment_markdown
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from scenarios.generator.day import generate_dispatch

RESULTS = Path(__file__).parent / "results"

VARIANTS: dict[str, tuple[float, int]] = {
    # name: (share of time for ruin and recreate, workers)
    "construction + OR-Tools GLS": (0.0, 1),
    "construction + ruin and recreate": (1.0, 1),
    "construction + R&R 70 % + GLS 30 % (default)": (0.7, 1),
    "default, 2 workers": (0.7, 2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sizes", nargs="+", default=["30x130", "100x450"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lines = [
        "# Search tuning: which steps earn their time",
        "",
        environment_markdown(
            {
                "time limit": f"{args.seconds:g} s",
                "instances": f"scenarios.generator.day seed {args.seed}",
            }
        ),
        "",
        "| size | variant | objective | assigned | P1 SLA met | km | first plan s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size in args.sizes:
        engineers, jobs = (int(x) for x in size.split("x"))
        problem = problem_from_json(generate_dispatch(engineers, jobs, seed=args.seed))
        for name, (share, workers) in VARIANTS.items():
            engine.LNS_SHARE = share
            began = time.perf_counter()
            plan = solve(problem, SolveOptions(time_limit_s=args.seconds, workers=workers))
            k = plan.kpis
            p1 = k.sla_met_by_priority.get("1", {"sla_met": 0, "jobs": 0})
            assert plan.solver is not None
            line = (
                f"| {size} | {name} | {k.objective:,.0f} | {k.assigned}/{k.jobs} | "
                f"{p1['sla_met']}/{p1['jobs']} | {k.km:,.1f} | {plan.solver.first_solution_s:.2f} |"
            )
            print(line, f"({time.perf_counter() - began:.1f} s)", flush=True)
            lines.append(line)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "tuning.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
