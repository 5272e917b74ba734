"""`fieldplan scenario run`: simulate a study's variants over weeks and write the report."""

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
