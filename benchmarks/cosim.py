"""Multi-day co-simulation study: wall time and peak memory of a planner's study.

A 20-working-day study of 30 engineers and about 150 jobs a day in the
Yangtze delta, with the baseline and four variants (two more engineers, a
2 h emergency response, a closed depot, empty vans), run by
``scenarios.study.runner.run_study`` with one worker per core. Goal: <= 5 minutes on
the 2-core machine. The KPI table of the study is written beside the figures.

    python -m benchmarks.cosim [--days 20]
"""

from __future__ import annotations

import argparse
import logging
import resource
import time
from pathlib import Path
from typing import Any

from benchmarks.environment import environment_markdown
from scenarios.study.report import markdown_table, table_rows, write_report
from scenarios.study.runner import run_study
from scenarios.study.scenario_file import study_from_data

RESULTS = Path(__file__).parent / "results"
GOAL_S = 300.0


def study_data(days: int, plan_solutions: int, replan_steps: int) -> dict[str, Any]:
    return {
        "name": "Co-simulation benchmark: 30 engineers, 150 jobs a day",
        "days": days,
        "seed": 1,
        "baseline": {
            "region": "shanghai",
            "engineers": 30,
            "jobs_per_day": 150,
            "depots": 4,
            "plan_solutions": plan_solutions,
            "replan_steps": replan_steps,
        },
        "variants": [
            {"name": "two more in Suzhou", "add_engineers": [{"city": "Suzhou", "count": 2}]},
            {"name": "emergencies within 2 h", "sla": {"emergency": {"gold": 120, "silver": 120}}},
            {"name": "without Hangzhou depot", "close_depots": ["D-HZ"]},
            {"name": "empty vans", "van_stock": "none"},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--plan-solutions", type=int, default=10)
    parser.add_argument("--replan-steps", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    logging.getLogger("dispatch").setLevel(logging.ERROR)  # a short search's restart notices
    study = study_from_data(study_data(args.days, args.plan_solutions, args.replan_steps))
    began = time.perf_counter()
    results = run_study(
        study,
        args.workers,
        lambda name: print(f"{name} done at {time.perf_counter() - began:.0f} s", flush=True),
    )
    wall = time.perf_counter() - began
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report_dir = RESULTS / "cosim-report"
    write_report(study, results, report_dir)
    met = "met" if wall <= GOAL_S else "NOT met"
    lines = [
        "# Co-simulation: a 20-day study of 30 engineers, 150 jobs a day, 5 variants",
        "",
        environment_markdown(
            {
                "study": f"{args.days} working days, seed 1, region shanghai, 30 engineers, 150 jobs a day, 4 depots; baseline + 4 variants",
                "search": f"morning plan {args.plan_solutions} solutions, re-plans at 10:00 and 13:00 {args.replan_steps} steps each (reproducible)",
                "workers": f"{args.workers or 'one per core'} (processes, one variant each)",
                "command": f"`python -m benchmarks.cosim --days {args.days}`",
            }
        ),
        "",
        f"Goal: <= {GOAL_S:.0f} s. Wall time **{wall:.0f} s** ({met}); peak memory {peak_self:.0f} MiB in the parent, {peak_children:.0f} MiB in the largest worker process.",
        "",
        "| variant | wall s (in its worker) | jobs arrived | jobs done | backlog at the end |",
        "| --- | --- | --- | --- | --- |",
        *[
            f"| {r.name} | {r.seconds:.0f} | {r.jobs['arrived']} | {r.jobs['done']} | {r.jobs['backlog']} |"
            for r in results
        ],
        "",
        "## The study's KPIs",
        "",
        markdown_table(table_rows(results)),
        "",
        "Plots and the full report: [cosim-report/report.md](cosim-report/report.md).",
    ]
    path = RESULTS / "cosim.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{wall:.0f} s; written {path}")


if __name__ == "__main__":
    main()
