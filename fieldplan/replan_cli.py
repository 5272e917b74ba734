"""`fieldplan dispatch replan` and `fieldplan dispatch who`: the day after it was planned."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from fieldplan.console import out
from fieldplan.files import write_json

if TYPE_CHECKING:
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

_Subparsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(dispatch: _Subparsers[argparse.ArgumentParser]) -> None:
    """Add ``replan`` and ``who`` to the ``dispatch`` area."""
    rep = dispatch.add_parser(
        "replan",
        help="re-optimise the rest of the day from its state, changing as little as it can",
    )
    rep.add_argument("problem", type=Path)
    rep.add_argument("plan", type=Path, help="the published plan")
    rep.add_argument("state", type=Path, help="the state of the day (fieldplan.dispatch.state/1)")
    rep.add_argument("-o", "--output", type=Path, required=True, help="the new plan")
    rep.add_argument(
        "--rest-problem",
        type=Path,
        help="where to write the rest-of-day problem the new plan answers "
        "(default: OUTPUT with -problem before .json)",
    )
    rep.add_argument("--time-limit", type=float, default=2.0, help="seconds (default 2)")
    rep.add_argument("--seed", type=int, default=0)
    rep.set_defaults(handler=_replan)

    who = dispatch.add_parser(
        "who", help="rank engineers for one new job by what inserting it costs their day"
    )
    who.add_argument("problem", type=Path)
    who.add_argument("plan", type=Path, help="the published plan")
    who.add_argument("job", type=Path, help="the new job, in the contract's job form")
    who.add_argument("--state", type=Path, help="the state of the day, if it has started")
    who.add_argument("--top", type=int, default=5)
    who.set_defaults(handler=_who)

    slots = dispatch.add_parser(
        "slots",
        help="the arrival windows a new job can be offered over the next days, each with "
        "the engineer, the added cost and whether every promise is kept",
    )
    slots.add_argument("problem", type=Path)
    slots.add_argument("plan", type=Path, help="the published plan (a day or several)")
    slots.add_argument(
        "job", type=Path, help="the new job; its windows are when the customer is available"
    )
    slots.add_argument("--days", type=float, help="only slots this many days from --from")
    slots.add_argument(
        "--from", dest="first", help="earliest slot start (ISO time; default the horizon start)"
    )
    slots.add_argument("--slot-min", type=float, default=120.0, help="slot length (default 120)")
    slots.add_argument("-o", "--output", type=Path, help="also write the slots as JSON")
    slots.set_defaults(handler=_slots)


def _load(args: argparse.Namespace) -> tuple[Problem, Plan]:
    from dispatch.io.plan_json import load_plan
    from dispatch.io.problem_json import load_problem

    problem = load_problem(args.problem)
    return problem, load_plan(args.plan, problem.clock)


def _replan(args: argparse.Namespace) -> int:
    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import plan_to_json
    from dispatch.io.reader import read_json
    from dispatch.io.state_json import state_from_json
    from dispatch.model.entities import SolveOptions
    from dispatch.replanning.changes import changes_to_json
    from dispatch.replanning.rest_of_day import replan

    problem, plan = _load(args)
    state = state_from_json(read_json(args.state), problem)
    result = replan(
        problem, plan, state, SolveOptions(time_limit_s=args.time_limit, seed=args.seed)
    )
    rest_path = args.rest_problem or args.output.with_name(f"{args.output.stem}-problem.json")
    write_json(rest_path, result.problem_data)
    body = plan_to_json(result.plan, result.problem.clock)
    body["changes"] = changes_to_json(result.changes, result.unchanged, problem)
    write_json(args.output, body)
    label = problem.clock.label
    table = Table(title=f"changes against the published plan ({result.unchanged} jobs unchanged)")
    for column in ("job", "change", "before", "after", "why"):
        table.add_column(column)
    for c in result.changes:
        before = (
            "" if c.before_engineer is None else f"{c.before_engineer} {label(c.before_start or 0)}"
        )
        after = (
            "" if c.after_engineer is None else f"{c.after_engineer} {label(c.after_start or 0)}"
        )
        table.add_row(c.job, c.kind.value, before, after, c.reason)
    out.print(table)
    k = result.plan.kpis
    out.print(
        f"rest of the day: {k.assigned} of {k.jobs} jobs assigned, SLA met {k.sla_met_pct:.1f} %, "
        f"{result.plan.solver.wall_s if result.plan.solver else 0:.2f} s",
        highlight=False,
    )
    violations = check(result.problem, result.plan)
    if violations:  # never expected: the plan is built from checked routes
        for v in violations:
            out.print(f"[red]✗[/] {v}", highlight=False)
        return 1
    out.print(f"new plan written to {args.output}; it answers {rest_path}", highlight=False)
    return 0


def _who(args: argparse.Namespace) -> int:
    from dispatch.errors import ProblemError
    from dispatch.io.reader import read_json
    from dispatch.io.state_json import state_from_json
    from dispatch.replanning.who import who

    problem, plan = _load(args)
    job = read_json(args.job)
    if not isinstance(job, dict):
        raise ProblemError("job", "must be a JSON object")
    state = state_from_json(read_json(args.state), problem) if args.state else None
    ranking = who(problem, plan, job, top=args.top, state=state)
    label = problem.clock.label
    table = Table(title=f"who should go to {job.get('id')}?")
    for column in ("rank", "engineer", "arrives", "starts", "SLA", "extra km", "displaces", "cost"):
        table.add_column(column)
    for rank, c in enumerate(ranking, start=1):
        table.add_row(
            str(rank),
            c.engineer,
            label(c.arrival),
            label(c.start),
            "met" if c.sla_met else f"{c.late_min:.0f} min late",
            f"{c.extra_km:.1f}",
            ", ".join(c.displaced) or "-",
            f"{c.cost:,.1f}",
        )
    out.print(table)
    if not ranking:
        out.print("no engineer can take this job today", highlight=False)
        return 1
    return 0


def _slots(args: argparse.Namespace) -> int:
    from dispatch.errors import ProblemError
    from dispatch.io.reader import read_json
    from dispatch.replanning.slots import offer_slots

    problem, plan = _load(args)
    job = read_json(args.job)
    if not isinstance(job, dict):
        raise ProblemError("job", "must be a JSON object")
    earliest = problem.clock.parse(args.first, "--from") if args.first else None
    latest = None
    if args.days is not None:
        latest = (earliest or 0.0) + args.days * 1440.0
    offered = offer_slots(
        problem, plan, job, length_min=args.slot_min, earliest=earliest, latest=latest
    )
    fmt, label = problem.clock.format, problem.clock.label
    if args.output:
        write_json(
            args.output,
            {
                "job": job.get("id"),
                "slots": [
                    {
                        "start": fmt(s.start),
                        "end": fmt(s.end),
                        "engineer": s.engineer,
                        "shift": s.shift,
                        "planned_start": fmt(s.planned_start),
                        "added_cost": round(s.added_cost, 2),
                        "keeps_promises": s.keeps_promises,
                    }
                    for s in offered
                ],
            },
        )
    table = Table(title=f"slots for {job.get('id')}")
    for column in ("slot", "engineer", "starts", "added cost", "promises"):
        table.add_column(column)
    for s in offered:
        table.add_row(
            f"{label(s.start)}-{label(s.end)}",
            s.engineer,
            label(s.planned_start),
            f"{s.added_cost:,.1f}",
            "kept" if s.keeps_promises else "some move",
        )
    out.print(table)
    if not offered:
        out.print("no slot can be offered for this job", highlight=False)
        return 1
    return 0
