"""`fieldplan scenario run`: simulate a study's variants over weeks and write the report;
`fieldplan scenario size`: the smallest team that keeps a study's promises."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fieldplan.console import err, out


def register(top: Any, generate: Any) -> None:
    scenario = top.add_parser(
        "scenario", help="what-if studies over simulated weeks"
    ).add_subparsers(dest="command", required=True)
    run = scenario.add_parser(
        "run", help="simulate the baseline and each variant of a scenario file and write a report"
    )
    run.add_argument("file", type=Path, help="scenario file (.yaml, .yml or .json)")
    run.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="report folder (report.html, report.md, plots)",
    )
    run.add_argument("--days", type=int, help="working days to simulate (default: the file's)")
    run.add_argument("--seed", type=int, help="seed (default: the file's)")
    run.add_argument(
        "--workers", type=int, help="variants simulated at once (default: one per core)"
    )
    run.set_defaults(handler=_run)
    size = scenario.add_parser(
        "size",
        help="how many engineers the baseline's demand needs to keep its promises",
    )
    size.add_argument("file", type=Path, help="scenario file (its baseline is sized)")
    size.add_argument(
        "--emergency-on-time",
        type=float,
        default=90.0,
        help="per cent of emergencies reached in time (default 90)",
    )
    size.add_argument(
        "--backlog-growth",
        type=float,
        default=0.1,
        help="most open jobs gained a week, in days of arrivals (default 0.1)",
    )
    size.add_argument("--min", type=int, dest="low", help="smallest team to try")
    size.add_argument("--max", type=int, dest="high", help="largest team to try")
    size.add_argument("--days", type=int, help="working days to simulate (default: the file's)")
    size.add_argument("--seed", type=int, help="seed (default: the file's)")
    size.add_argument("-o", "--output", type=Path, help="also write the trials as Markdown here")
    size.set_defaults(handler=_size)


def _run(args: argparse.Namespace) -> int:
    from scenarios.study.report import table_rows, write_report
    from scenarios.study.runner import run_study
    from scenarios.study.scenario_file import StudyError, load_study

    # A short search now and then starts over from its own first plan; a study makes
    # hundreds of plans, so that notice is not worth a planner's screen.
    logging.getLogger("dispatch").setLevel(logging.ERROR)
    try:
        study = load_study(args.file, args.days, args.seed)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} variants"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task(f"simulating {study.days} days", total=len(study.variants))
            results = run_study(study, args.workers, lambda name: bar.advance(task))
    except StudyError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    page = write_report(study, results, args.output)
    rows = table_rows(results)
    table = Table(title=study.name)
    for column in rows[0]:
        table.add_column(column)
    for row in rows[1:]:
        table.add_row(*row)
    out.print(table)
    out.print(f"report: {page}")
    return 0


def _size(args: argparse.Namespace) -> int:
    from scenarios.study.scenario_file import StudyError, load_study
    from scenarios.study.sizing import Target, size_staff, sizing_markdown

    logging.getLogger("dispatch").setLevel(logging.ERROR)
    if args.low is not None and args.high is not None and args.low > args.high:
        err.print("[bold red]error:[/] --min must not be above --max", highlight=False)
        return 2
    try:
        study = load_study(args.file, args.days, args.seed)
        target = Target(args.emergency_on_time, args.backlog_growth)
        with err.status("simulating team sizes", spinner="dots") as status:
            sizing = size_staff(
                study,
                target,
                args.low,
                args.high,
                lambda t: status.update(f"simulated {t.engineers} engineers"),
            )
    except StudyError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    table = Table(title=f"{study.name}: team sizes simulated over {study.days} days")
    for column in ("engineers", "emergencies on time %", "backlog growth (days a week)", "meets"):
        table.add_column(column)
    for t in sorted(sizing.trials, key=lambda t: t.engineers):
        table.add_row(
            str(t.engineers),
            "-" if t.emergency_on_time_pct is None else f"{t.emergency_on_time_pct:.1f}",
            f"{t.backlog_growth:+.2f}",
            "yes" if t.meets else "no",
        )
    out.print(table)
    if args.output is not None:
        args.output.write_text(sizing_markdown(study, sizing), encoding="utf-8")
    if sizing.smallest is None:
        out.print("no team size tried keeps these promises; raise --max")
        return 1
    out.print(f"smallest team: {sizing.smallest} engineers (workload estimate {sizing.estimate})")
    return 0
