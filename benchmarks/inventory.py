"""Stock planning: speed at scale, agreement with simulation, and stockpyl where the two overlap.

    python -m benchmarks.inventory                     # all three, results/inventory.md
    python -m benchmarks.inventory --parts 2000        # a smaller speed run
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from pathlib import Path

import numpy as np

from benchmarks.environment import environment_markdown
from inventory.json_io import problem_from_json
from inventory.metric import evaluate
from inventory.model import Goal
from inventory.network import network_of
from inventory.pipeline import expected_backorders
from inventory.planner import plan_stock
from inventory.simulate import simulate
from scenarios.generator.stock_problem import generate_inventory

RESULTS = Path(__file__).parent / "results"


def _speed_child(parts: int, regions: int, target: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    data = generate_inventory(parts, regions, seed=1, fill_rate=target)
    problem = problem_from_json(data)
    began = time.perf_counter()
    plan = plan_stock(problem, Goal(fill_rate=target))
    wall = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "wall": wall,
            "peak": peak,
            "fill": plan.evaluation.total_fill(),
            "investment": float(plan.evaluation.investment.sum()),
            "points": len(plan.allocation.curve.investment),
            "walked": plan.allocation.points,
        }
    )


def speed(parts: int, regions: int, target: float) -> list[str]:
    """The whole curve up to the target for ``parts`` x (1 + ``regions``), in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_speed_child, args=(parts, regions, target, queue))
    child.start()
    result = queue.get()
    child.join()
    return [
        f"## Speed: {parts:,} parts x (1 central + {regions} regional depots), fill rate {target:.0%}",
        "",
        "| wall s | peak memory MiB | fill rate reached | investment | curve segments | segments walked |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {result['wall']:.1f} | {result['peak']:.0f} | {100 * result['fill']:.3f} % | "
        f"{result['investment']:,.0f} | {result['points'] - 1:,} | {result['walked'] - 1:,} |",
        "",
        "Goal: <= 30 s and <= 2 GiB. Problem: `scenarios.generator.stock_problem.generate_inventory(seed=1)`, "
        "vari-metric (35 % of parts with negative-binomial demand, 20 % repairable).",
    ]


def agreement(networks: int, horizon: float) -> list[str]:
    """Analytic figures of each model against the simulation, on Poisson networks planned to 90 %."""
    lines = [
        f"## Agreement with simulation: {networks} generated networks, {horizon:,.0f} days simulated each",
        "",
        "| network | model | fill (model) | fill (simulated) | max region fill diff, pp | EBO (model) | EBO (simulated) | EBO diff |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    worst: dict[str, float] = {}
    for seed in range(1, networks + 1):
        data = generate_inventory(40, 5, seed=seed, model="exact", lumpy_share=0.0, repairable_share=0.0)
        problem = problem_from_json(data)
        levels = plan_stock(problem, Goal(fill_rate=0.9)).evaluation.levels
        sim = simulate(problem, levels, horizon, seed=seed)
        for model in ("exact", "vari-metric", "metric"):
            from inventory.model import Model

            ev = evaluate(network_of(problem), levels, Model(model))
            diff = float(np.max(np.abs(ev.region_fill() - sim.region_fill())) * 100)
            worst[model] = max(worst.get(model, 0.0), diff, abs(ev.total_fill() - sim.total_fill()) * 100)
            ebo_diff = ev.ebo.sum() / sim.ebo.sum() - 1
            lines.append(
                f"| {seed} | {model} | {100 * ev.total_fill():.2f} % | {100 * sim.total_fill():.2f} % | "
                f"{diff:.2f} | {ev.ebo.sum():.2f} | {sim.ebo.sum():.2f} | {100 * ebo_diff:+.1f} % |"
            )
    lines += [
        "",
        "Max fill-rate difference (pp, overall or any region): "
        + ", ".join(f"{m} {v:.2f}" for m, v in worst.items())
        + ". Goal: <= 1 pp. Networks: 40 parts x 5 regions, Poisson demand, levels planned for 90 % with the exact model.",
    ]
    return lines


def against_stockpyl() -> list[str]:
    """Poisson and negative-binomial loss functions: same values, and the time per value."""
    try:
        from stockpyl.loss_functions import negative_binomial_loss, poisson_loss
    except ImportError:
        return ["## stockpyl", "", "stockpyl is not installed (`pip install -e '.[bench]'`)."]
    rng = np.random.default_rng(0)
    cases = [(int(rng.integers(0, 40)), float(rng.uniform(0.1, 30.0)), float(rng.uniform(1.1, 4.0))) for _ in range(300)]
    began = time.perf_counter()
    theirs_p = [poisson_loss(s, m)[0] for s, m, _ in cases]
    theirs_nb = [negative_binomial_loss(s, mean=m, sd=(m * v) ** 0.5)[0] for s, m, v in cases]
    t_theirs = time.perf_counter() - began
    began = time.perf_counter()
    ours_p = [expected_backorders(s, m) for s, m, _ in cases]
    ours_nb = [expected_backorders(s, m, v) for s, m, v in cases]
    t_ours = time.perf_counter() - began
    d_p = max(abs(a - b) for a, b in zip(ours_p, theirs_p, strict=True))
    d_nb = max(abs(a - b) for a, b in zip(ours_nb, theirs_nb, strict=True))
    # the vectorised path: a whole table of levels for many pipelines in one call
    from inventory.pipeline import backorder_table, support_bound, survival_table

    means = np.array([m for _, m, _ in cases])
    began = time.perf_counter()
    table = backorder_table(survival_table(means, means, support_bound(means, means)))
    t_table = time.perf_counter() - began
    d_table = max(abs(table[i, s] - theirs_p[i]) for i, (s, _, _) in enumerate(cases))
    return [
        "## Against stockpyl (single-site loss functions; stockpyl has no METRIC family)",
        "",
        "| quantity | max abs difference | values |",
        "| --- | --- | --- |",
        f"| Poisson EBO E[(X-s)+] | {d_p:.1e} | {len(cases)} |",
        f"| negative-binomial EBO (two-moment fit) | {d_nb:.1e} | {len(cases)} |",
        f"| Poisson EBO, vectorised table of every level | {d_table:.1e} | {len(cases)} |",
        "",
        f"Time for {2 * len(cases)} single values: stockpyl {t_theirs * 1e3:.1f} ms, fieldplan {t_ours * 1e3:.1f} ms "
        f"(ratio {t_theirs / t_ours:.2f}). A whole table (every level of {len(cases)} pipelines, "
        f"{table.size:,} values) in one vectorised call: {t_table * 1e3:.1f} ms.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parts", type=int, default=10_000)
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--networks", type=int, default=5)
    parser.add_argument("--horizon", type=float, default=100_000.0)
    args = parser.parse_args()
    lines = ["# Stock planning benchmarks", "", environment_markdown({"script": "python -m benchmarks.inventory"}), ""]
    lines += [*speed(args.parts, args.regions, args.target), ""]
    lines += [*agreement(args.networks, args.horizon), ""]
    lines += against_stockpyl()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "inventory.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
