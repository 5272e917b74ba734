"""``fieldplan inventory ...`` and ``fieldplan generate inventory``: parsing and printing only."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dispatch.io.reader import read_json
from fieldplan.console import err, out
from fieldplan.files import write_json
from inventory import Goal, InventoryError, Model, StockProblem, problem_from_json

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


def register(top: Any, generate: Any) -> None:
    """Add the ``inventory`` area and the ``generate inventory`` command."""
    area = top.add_parser("inventory", help="plan spare-parts stock at the central and regional depots")
    commands = area.add_subparsers(dest="command", required=True)

    plan = commands.add_parser("plan", help="base-stock levels for a fill-rate target or a budget")
    plan.add_argument("problem", type=Path)
    plan.add_argument("-o", "--output", type=Path, required=True)
    _goal_flags(plan)
    plan.set_defaults(handler=_guard(_plan))

    curve = commands.add_parser("curve", help="the cost/service curve: a table and a PNG plot")
    curve.add_argument("problem", type=Path)
    curve.add_argument("--png", type=Path, default=Path("curve.png"))
    curve.add_argument("--up-to", type=float, default=0.99, help="walk the curve up to this fill rate")
    curve.add_argument("--model", choices=[m.value for m in Model])
    curve.add_argument("--rows", type=int, default=15)
    curve.set_defaults(handler=_guard(_curve))

    sim = commands.add_parser("simulate", help="simulate a plan's levels and compare with the model")
    sim.add_argument("problem", type=Path)
    sim.add_argument("plan", type=Path)
    sim.add_argument("--horizon", type=float, default=20_000.0, help="time units simulated")
    sim.add_argument("--seed", type=int, default=0)
    sim.set_defaults(handler=_guard(_simulate))

    rep = commands.add_parser("replenish", help="transfer and purchase orders from today's stock")
    rep.add_argument("problem", type=Path)
    rep.add_argument("plan", type=Path)
    rep.add_argument("state", type=Path)
    rep.add_argument("-o", "--output", type=Path, required=True)
    rep.set_defaults(handler=_guard(_replenish))

    gen = generate.add_parser("inventory", help="a stock-planning problem: 1 central + N regional depots")
    gen.add_argument("--parts", type=int, default=200)
    gen.add_argument("--regions", type=int, default=6)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--region", default="shanghai")
    gen.add_argument("--fill-rate", type=float, default=0.95)
    gen.add_argument("-o", "--output", type=Path, required=True)
    gen.set_defaults(handler=_guard(_generate))


def _goal_flags(parser: argparse.ArgumentParser) -> None:
    goal = parser.add_mutually_exclusive_group()
    goal.add_argument("--fill-rate", type=float, help="target demand-weighted fill rate (overrides the file)")
    goal.add_argument("--budget", type=float, help="investment budget (overrides the file)")
    parser.add_argument("--per-region", action="store_true", help="the fill rate at every region")
    parser.add_argument("--model", choices=[m.value for m in Model], help="override the file's model")


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except InventoryError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            return 2

    return run


def _load(path: Path, model: str | None = None) -> StockProblem:
    data = read_json(path)
    if model is not None and isinstance(data, dict):
        data = {**data, "model": model}
    return problem_from_json(data)


def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    with Progress(
        TextColumn("frontiers"), BarColumn(), TextColumn("{task.completed}/{task.total} parts"),
        TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("parts", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _plan(args: argparse.Namespace) -> int:
    from inventory import plan_stock

    problem = _load(args.problem, args.model)
    goal = problem.goal
    if args.budget is not None:
        if args.budget < 0:
            raise InventoryError("--budget", "must be >= 0")
        goal = Goal(budget=args.budget)
    elif args.fill_rate is not None:
        if not 0 < args.fill_rate < 1:
            raise InventoryError("--fill-rate", "must be between 0 and 1")
        goal = Goal(fill_rate=args.fill_rate, per_region=args.per_region)
    elif args.per_region:
        if goal.fill_rate is None:
            raise InventoryError("--per-region", "needs a fill-rate goal")
        goal = Goal(fill_rate=goal.fill_rate, per_region=True)
    for update in _progress_bar():
        plan = plan_stock(problem, goal, progress=update)
    data = plan.to_json()
    write_json(args.output, data)
    _summary(data, problem.time_unit)
    out.print(f"plan written to {args.output}")
    return 0


def _summary(data: dict[str, Any], time_unit: str) -> None:
    table = Table(title=f"stock plan ({data['model']})")
    for column in ("location", "units", "investment", "fill rate", "expected backorders"):
        table.add_column(column, justify="right" if column != "location" else "left")
    units_central = sum(levels[next(iter(levels))] for levels in data["levels"].values())
    table.add_row("central", str(units_central), f"{data['central']['investment']:,.0f}", "", f"{data['central']['ebo']:.3f}")
    for region, figures in data["regions"].items():
        units = sum(levels[region] for levels in data["levels"].values())
        table.add_row(region, str(units), f"{figures['investment']:,.0f}", f"{100 * figures['fill_rate']:.2f} %", f"{figures['ebo']:.3f}")
    totals = data["totals"]
    table.add_row("total", "", f"{totals['investment']:,.0f}", f"{100 * totals['fill_rate']:.2f} %", f"{totals['ebo']:.3f}", style="bold")
    out.print(table)


def _curve(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from inventory import Objective, build_curve, curve_points, network_of, plot_curve

    problem = _load(args.problem, args.model)
    for update in _progress_bar():
        curve = build_curve(network_of(problem), problem.model, Objective.FILL, progress=update)
    reached = np.nonzero(curve.fill_rate >= args.up_to)[0]
    points = int(reached[0]) + 1 if reached.size else len(curve.fill_rate)
    shown = curve_points(curve, points, keep=max(2, args.rows))
    table = Table(title="cost / service curve")
    for column in ("investment", "fill rate", "expected backorders"):
        table.add_column(column, justify="right")
    for p in shown:
        table.add_row(f"{p['investment']:,.0f}", f"{100 * p['fill_rate']:.2f} %", f"{p['ebo']:.3f}")
    out.print(table)
    figure, ax = plt.subplots(figsize=(8, 4.5))
    plot_curve(curve_points(curve, points), ax=ax, currency="(money)")
    args.png.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.png, dpi=120, bbox_inches="tight")
    plt.close(figure)
    out.print(f"plot written to {args.png}")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from inventory import evaluate, levels_from_plan, network_of, simulate

    problem = _load(args.problem)
    levels = levels_from_plan(problem, read_json(args.plan))
    if args.horizon <= 0:
        raise InventoryError("--horizon", "must be > 0")
    analytic = evaluate(network_of(problem), levels, problem.model)
    sim = simulate(problem, levels, args.horizon, seed=args.seed)
    table = Table(title=f"{problem.model.value} against {args.horizon:g} {problem.time_unit}s simulated")
    for column in ("region", "fill rate (model)", "fill rate (simulated)", "EBO (model)", "EBO (simulated)"):
        table.add_column(column, justify="right" if column != "region" else "left")
    model_fill, sim_fill = analytic.region_fill(), sim.region_fill()
    for j, region in enumerate(problem.regions):
        table.add_row(region, f"{100 * model_fill[j]:.2f} %", f"{100 * sim_fill[j]:.2f} %", f"{analytic.ebo[:, j].sum():.3f}", f"{sim.ebo[:, j].sum():.3f}")
    table.add_row("total", f"{100 * analytic.total_fill():.2f} %", f"{100 * sim.total_fill():.2f} %", f"{analytic.ebo.sum():.3f}", f"{sim.ebo.sum():.3f}", style="bold")
    out.print(table)
    return 0


def _replenish(args: argparse.Namespace) -> int:
    from inventory import levels_from_plan, replenish, state_from_json

    problem = _load(args.problem)
    levels = levels_from_plan(problem, read_json(args.plan))
    state = state_from_json(problem, read_json(args.state))
    orders = replenish(problem, levels, state)
    write_json(args.output, orders.to_json())
    shipped = sum(t.quantity for t in orders.transfers)
    bought = sum(p.quantity for p in orders.purchases)
    owed = sum(orders.still_owed.values())
    out.print(f"{len(orders.transfers)} transfers ({shipped} units), {len(orders.purchases)} purchase orders ({bought} units), {owed} units still owed to regions")
    out.print(f"orders written to {args.output}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from scenarios.generator.stock_problem import generate_inventory

    try:
        data = generate_inventory(args.parts, args.regions, args.seed, args.region, args.fill_rate)
    except ValueError as exc:
        raise InventoryError("", str(exc)) from None
    write_json(args.output, data)
    out.print(f"{args.parts} parts, 1 central + {args.regions} regional depots written to {args.output}")
    return 0
