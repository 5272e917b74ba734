"""Multi-day co-simulation studies: run time, peak memory, and whether the baseline keeps its promises.

The default study: 20 working days (and the weekends between them) of a
30-engineer organisation in the Yangtze delta calibrated to keep its
promises (:data:`BASELINE`), with four variants (two more engineers, a 2 h
emergency response, a closed depot, empty vans), run by
``scenarios.study.runner.run_study`` with one worker per core. Goal: <= 5
minutes on the 2-core machine. Written beside the figures: the study's KPI
table, and whether the baseline reaches at least 90 % of emergencies in time
with a backlog that stays level (the backlog at the end of each week grows by
at most a tenth of a day's arrivals a week).

``--study FILE`` runs a scenario file instead (the on-call rota example);
``--size`` sizes the team for the baseline's demand
(:func:`scenarios.study.sizing.size_staff`).

    python -m benchmarks.cosim [--days 20]
    python -m benchmarks.cosim --study scenarios/examples/on_call.yaml --name cosim-on-call
    python -m benchmarks.cosim --size --name cosim-sizing
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
from scenarios.study.scenario_file import load_study, study_from_data
from scenarios.study.sizing import Target, backlog_growth, size_staff, sizing_markdown

RESULTS = Path(__file__).parent / "results"
GOAL_S = 300.0
#: The calibrated organisation: its emergencies mostly on time, its backlog level.
BASELINE: dict[str, Any] = {
    "region": "shanghai",
    "engineers": 30,
    "jobs_per_day": 110,
    "depots": 4,
}
PROMISES = Target(emergency_on_time_pct=90.0, backlog_growth=0.1)


def study_data(days: int, plan_solutions: int, replan_steps: int) -> dict[str, Any]:
    return {
        "name": "Co-simulation benchmark: 30 engineers, 110 jobs a day",
        "days": days,
        "seed": 1,
        "baseline": {
            **BASELINE,
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


def promises_kept(results: list[Any]) -> list[str]:
    """Each variant: emergencies on time, backlog each Friday and its growth, against the target."""
    lines = [
        "| variant | emergencies on time % | backlog at the end of each week | backlog growth (days of arrivals a week) | keeps its promises |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        on_time = r.kpis["on_time_by"].get("emergency")
        growth = backlog_growth(r)
        fridays = ", ".join(str(d.backlog) for d in r.days[4::5])
        kept = (
            on_time is not None
            and on_time >= PROMISES.emergency_on_time_pct
            and growth <= PROMISES.backlog_growth
        )
        lines.append(
            f"| {r.name} | {on_time} | {fridays} | {growth:+.2f} | {'yes' if kept else 'no'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--plan-solutions", type=int, default=10)
    parser.add_argument("--replan-steps", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--study", type=Path, help="a scenario file to run instead")
    parser.add_argument("--size", action="store_true", help="size the team for the baseline")
    parser.add_argument("--name", default="cosim", help="results file name (without .md)")
    args = parser.parse_args()
    logging.getLogger("dispatch").setLevel(logging.ERROR)  # a short search's restart notices
    if args.size:
        _size(args)
        return
    if args.study is not None:
        study = load_study(args.study, args.days)
        command = f"`python -m benchmarks.cosim --study {args.study} --days {args.days} --name {args.name}`"
    else:
        study = study_from_data(study_data(args.days, args.plan_solutions, args.replan_steps))
        command = f"`python -m benchmarks.cosim --days {args.days}`"
    base = study.variants[0].settings
    began = time.perf_counter()
    results = run_study(
        study,
        args.workers,
        lambda name: print(f"{name} done at {time.perf_counter() - began:.0f} s", flush=True),
    )
    wall = time.perf_counter() - began
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report_dir = RESULTS / f"{args.name}-report"
    write_report(study, results, report_dir)
    met = "met" if wall <= GOAL_S else "NOT met"
    lines = [
        f"# Co-simulation: {study.name}",
        "",
        environment_markdown(
            {
                "study": f"{study.days} working days and the weekends between them, seed {study.seed},"
                f" region {base['region']}, {base['engineers']} engineers, {base['jobs_per_day']:g} jobs"
                f" a working day, {base['on_call']['engineers']} on call each week;"
                f" baseline + {len(study.variants) - 1} variants",
                "search": f"morning plan {base['plan_solutions']} solutions; re-plans at"
                f" {', '.join(base['replan_at'])} and after each emergency reported by day,"
                f" {base['replan_steps']} steps each (reproducible)",
                "workers": f"{args.workers or 'one per core'} (processes, one variant each)",
                "command": command,
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
        "## Promises kept",
        "",
        f"Target: emergencies on time >= {PROMISES.emergency_on_time_pct:g} % and a level backlog"
        f" (the backlog at the end of each week grows by <= {PROMISES.backlog_growth:g} days of"
        " arrivals a week).",
        "",
        *promises_kept(results),
        "",
        "## The study's KPIs",
        "",
        markdown_table(table_rows(results)),
        "",
        f"Plots and the full report: [{args.name}-report/report.md]({args.name}-report/report.md).",
    ]
    path = RESULTS / f"{args.name}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{wall:.0f} s; written {path}")


def _size(args: argparse.Namespace) -> None:
    study = study_from_data({"name": "Sizing", "days": args.days, "seed": 1, "baseline": BASELINE})
    began = time.perf_counter()
    sizing = size_staff(
        study,
        PROMISES,
        tried=lambda t: print(f"{t.engineers} engineers: meets {t.meets}", flush=True),
    )
    wall = time.perf_counter() - began
    lines = [
        f"# Sizing the team for {BASELINE['jobs_per_day']} jobs a working day",
        "",
        environment_markdown(
            {
                "study": f"{args.days} working days and the weekends between them, seed 1,"
                f" region {BASELINE['region']}, {BASELINE['jobs_per_day']} jobs a working day,"
                " the baseline's other settings by default",
                "command": f"`python -m benchmarks.cosim --size --days {args.days} --name {args.name}`",
            }
        ),
        "",
        f"Wall time {wall:.0f} s for {len(sizing.trials)} simulations.",
        "",
        sizing_markdown(study, sizing),
    ]
    path = RESULTS / f"{args.name}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{wall:.0f} s; written {path}")


if __name__ == "__main__":
    main()
