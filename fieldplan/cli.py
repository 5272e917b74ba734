"""One console command with subcommands: argument parsing and printing, nothing else."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from dispatch.errors import ProblemError
from dispatch.travel.providers import TravelServiceError
from fieldplan import inventory_cli, pm_cli, replan_cli, roads_cli, scenario_cli, service_cli
from fieldplan.console import err, out
from fieldplan.files import write_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

# Areas that add their own subcommands: each has register(top, generate).
EXTENSIONS: tuple[ModuleType, ...] = (roads_cli, inventory_cli, service_cli, scenario_cli, pm_cli)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldplan", description="Field-service dispatch and spare-parts planning."
    )
    top = parser.add_subparsers(dest="area", required=True)

    dispatch = top.add_parser("dispatch", help="plan and check engineers' days").add_subparsers(
        dest="command", required=True
    )
    plan = dispatch.add_parser("plan", help="solve a dispatch problem")
    plan.add_argument("problem", type=Path)
    plan.add_argument(
        "-o", "--output", type=Path, required=True, help="where to write the plan JSON"
    )
    plan.add_argument(
        "--time-limit", type=float, help="seconds of search (default: the problem's options)"
    )
    plan.add_argument("--seed", type=int, help="search seed (default: the problem's options)")
    plan.add_argument(
        "--solution-limit",
        type=int,
        help="stop after this many improving solutions (deterministic)",
    )
    plan.add_argument(
        "--workers", type=int, help="parallel searches with consecutive seeds, one per core"
    )
    plan.add_argument("--quiet", action="store_true", help="no progress display")
    chk = dispatch.add_parser(
        "check", help="validate a plan against its problem, independently of the solver"
    )
    chk.add_argument("problem", type=Path)
    chk.add_argument("plan", type=Path)
    plan.set_defaults(handler=_plan)
    chk.set_defaults(handler=lambda a: _check(a.problem, a.plan))
    replan_cli.register(dispatch)

    generate = top.add_parser("generate", help="make realistic instances").add_subparsers(
        dest="command", required=True
    )
    gen = generate.add_parser("dispatch", help="a day of field-service work in a real region")
    gen.add_argument("--engineers", type=int, default=10)
    gen.add_argument("--jobs", type=int, default=45)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--region", default="shanghai")
    gen.add_argument(
        "--start",
        choices=["home", "office"],
        default="home",
        help="engineers leave from their homes, or all from one office (the central warehouse)",
    )
    gen.add_argument(
        "--windows",
        choices=["customer", "appointments"],
        default="customer",
        help="the windows customers ask for, or a two-hour appointment for every job "
        "but an emergency",
    )
    gen.add_argument(
        "--crews",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of the jobs that need a crew of two (now and then three), e.g. 0.05",
    )
    gen.add_argument(
        "--speeds",
        action="store_true",
        help="trainees take 1.3 times a job's duration, level-3 experts 0.85 times",
    )
    gen.add_argument(
        "--preferences",
        action="store_true",
        help="cost a job served by none of its preferred engineers",
    )
    gen.add_argument(
        "--days",
        type=int,
        default=None,
        help="a week instead of a day: this many working days from --date, the jobs "
        "spread over them, preventive visits movable within the week, and a weekend "
        "on-call rota after them (contract 1.1)",
    )
    gen.add_argument(
        "--date",
        default=None,
        help="the day (or with --days, the first working day), YYYY-MM-DD",
    )
    gen.add_argument(
        "--osrm-url",
        help="place every site on the roads of this OSRM server and plan on its times "
        "(the region must lie in its map)",
    )
    gen.add_argument("-o", "--output", type=Path, required=True)
    gen.set_defaults(handler=_generate)

    demo = top.add_parser(
        "demo",
        help="the service on a demo region: store it, plan and publish today, serve "
        "(--console: plan a generated day in the terminal only)",
    )
    demo.add_argument(
        "--console", action="store_true", help="no service: generate, plan, check, print"
    )
    demo.add_argument("--no-serve", action="store_true", help="prepare the demo database and stop")
    demo.add_argument("--engineers", type=int, default=None, help="default 50 (console: 10)")
    demo.add_argument("--jobs", type=int, default=None, help="default 220 (console: 45)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--time-limit", type=float, default=10.0)
    demo.add_argument("--out-dir", type=Path, default=Path("out"))
    demo.add_argument(
        "--roads",
        action="store_true",
        help="plan on real road times (OSRM on a shared OpenStreetMap extract; region andorra)",
    )
    demo.add_argument("--region", default=None, help="default shanghai, or andorra with --roads")
    service_cli._server_flags(demo)
    demo.set_defaults(handler=_demo)
    for area in EXTENSIONS:
        area.register(top, generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ProblemError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    except TravelServiceError as exc:
        err.print(f"[bold red]travel service unavailable:[/] {exc}", highlight=False)
        return 3


def _solve(
    problem: Problem,
    time_limit: float | None,
    seed: int | None,
    solution_limit: int | None,
    quiet: bool,
    workers: int | None = None,
) -> Plan:
    from dataclasses import replace

    from dispatch.solve import solve

    options = problem.options
    if time_limit is not None:
        options = replace(options, time_limit_s=time_limit)
    if seed is not None:
        options = replace(options, seed=seed)
    if solution_limit is not None:
        options = replace(options, solution_limit=solution_limit)
    if workers is not None:
        options = replace(options, workers=workers)
    if quiet or not out.is_terminal:
        return solve(problem, options)
    with out.status("searching…") as status:

        def progress(seconds: float, objective: float, solutions: int) -> None:
            status.update(
                f"searching… {seconds:5.1f} s of {options.time_limit_s:g} s · "
                f"objective {objective:,.1f} · {solutions} solutions"
            )

        return solve(problem, options, progress)


def _plan(args: argparse.Namespace) -> int:
    from dispatch.io.plan_json import write_plan
    from dispatch.io.problem_json import load_problem

    problem = load_problem(args.problem)
    plan = _solve(
        problem, args.time_limit, args.seed, args.solution_limit, args.quiet, args.workers
    )
    write_plan(plan, problem.clock, args.output)
    _summary(problem, plan)
    out.print(f"plan written to {args.output}")
    return 0


def _check(problem_path: Path, plan_path: Path) -> int:
    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import load_plan
    from dispatch.io.problem_json import load_problem

    problem = load_problem(problem_path)
    plan = load_plan(plan_path, problem.clock)
    violations = check(problem, plan)
    if violations:
        for v in violations:
            out.print(f"[red]✗[/] {v}", highlight=False)
        out.print(f"{len(violations)} violation(s)")
        return 1
    out.print(
        f"[green]✓[/] plan is valid: {len(plan.routes)} routes, {plan.kpis.assigned}/{plan.kpis.jobs} jobs, every rule and figure rechecked"
    )
    return 0


def _generate(args: argparse.Namespace) -> int:
    import numpy as np

    from scenarios.generator.day import RULES_STREAM, generate_dispatch
    from scenarios.generator.field_rules import add_field_rules
    from scenarios.generator.week import generate_week

    sizes = (args.engineers, args.jobs, args.seed)
    try:
        if args.days is not None:
            if args.windows != "customer":
                raise ValueError(
                    "--windows: appointments are for one day; leave it out with --days"
                )
            when = {"start_date": args.date} if args.date else {}
            data = generate_week(
                *sizes, region=args.region, start=args.start, working_days=args.days, **when
            )
            data = add_field_rules(
                data,
                np.random.default_rng([args.seed, RULES_STREAM]),
                crew_share=args.crews,
                speeds=args.speeds,
                preferences=args.preferences,
            )
        else:
            when = {"date": args.date} if args.date else {}
            data = generate_dispatch(
                *sizes,
                region=args.region,
                start=args.start,
                windows=args.windows,
                crew_share=args.crews,
                speeds=args.speeds,
                preferences=args.preferences,
                **when,
            )
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    if args.osrm_url:
        from dispatch.travel.osrm import OsrmTravel
        from scenarios.generator.roads import place_on_roads

        data = place_on_roads(data, OsrmTravel(url=args.osrm_url, max_table_size=1000))
    write_json(args.output, data)
    out.print(
        f"{args.engineers} engineers x {args.jobs} jobs"
        + (f" over {args.days} working days" if args.days is not None else "")
        + f" ({args.region}, seed {args.seed}) written to {args.output}"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from scenarios.generator.day import generate_dispatch

    if not (args.console or args.roads):
        args.engineers = args.engineers or 50
        args.jobs = args.jobs or 220
        return service_cli.service_demo(args)
    args.engineers = args.engineers or 10
    args.jobs = args.jobs or 45
    if args.roads:
        args.region = args.region or "andorra"
        return roads_cli.road_demo(args, _plan_and_check)
    args.region = args.region or "shanghai"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    data = generate_dispatch(
        args.engineers, args.jobs, args.seed, region=args.region, time_limit_s=args.time_limit
    )
    problem_path = args.out_dir / "demo-problem.json"
    write_json(problem_path, data)
    out.print(f"demo day: {args.engineers} engineers, {args.jobs} jobs -> {problem_path}")
    return _plan_and_check(problem_path, args)


def _plan_and_check(problem_path: Path, args: argparse.Namespace) -> int:
    """Plan the problem in ``problem_path``, print the summary, write and check the plan."""
    from dispatch.io.plan_json import write_plan
    from dispatch.io.problem_json import load_problem

    problem = load_problem(problem_path)
    plan_path = args.out_dir / "demo-plan.json"
    plan = _solve(problem, args.time_limit, None, None, False)
    write_plan(plan, problem.clock, plan_path)
    _summary(problem, plan)
    out.print(f"plan written to {plan_path}; checking it independently:")
    return _check(problem_path, plan_path)


def _summary(problem: Problem, plan: Plan) -> None:
    k = plan.kpis
    table = Table(title="plan summary", show_header=False)
    table.add_row("jobs assigned", f"{k.assigned} of {k.jobs}")
    table.add_row("engineers used", f"{k.engineers_used} of {len(problem.engineers)}")
    for priority, row in sorted(k.sla_met_by_priority.items()):
        table.add_row(
            f"priority {priority} SLA met",
            f"{row['sla_met']} of {row['assigned']} assigned ({row['jobs']} jobs)",
        )
    table.add_row("SLA met overall", f"{k.sla_met_pct:.1f} %")
    table.add_row("travel", f"{k.km:,.1f} km, {k.travel_min:,.0f} min")
    table.add_row("overtime", f"{k.overtime_min:,.0f} min")
    for reason, count in sorted(k.unassigned_by_reason.items()):
        table.add_row(f"unassigned: {reason}", str(count))
    table.add_row("objective", f"{k.objective:,.2f}")
    if plan.solver is not None:
        table.add_row(
            "search",
            f"{plan.solver.wall_s:.1f} s, {plan.solver.solutions} solutions ({plan.solver.status})",
        )
    out.print(table)
