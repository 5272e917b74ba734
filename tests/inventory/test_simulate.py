"""The analytic models against the seeded simulation of the same network."""

from __future__ import annotations

import numpy as np
import pytest

from inventory import Goal, Model, evaluate, network_of, plan_stock, problem_from_json, simulate

from .conftest import part, problem_json


def _network(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    regions = ["A", "B", "C", "D"]
    parts = [
        part(
            f"P{i}",
            float(rng.uniform(5, 500)),
            float(rng.choice([5.0, 20.0, 45.0])),
            {r: (float(rng.uniform(0.02, 0.6)), float(rng.uniform(0.5, 3.0))) for r in regions},
        )
        for i in range(8)
    ]
    return problem_json(parts, regions, model="exact")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("model", [Model.EXACT, Model.VARI_METRIC])
def test_models_agree_with_simulation(seed: int, model: Model) -> None:
    problem = problem_from_json(_network(seed))
    levels = plan_stock(problem, Goal(fill_rate=0.9)).evaluation.levels
    analytic = evaluate(network_of(problem), levels, model)
    sim = simulate(problem, levels, horizon=100_000.0, seed=seed)
    assert abs(analytic.total_fill() - sim.total_fill()) <= 0.01
    assert np.max(np.abs(analytic.region_fill() - sim.region_fill())) <= 0.01
    assert analytic.ebo.sum() == pytest.approx(sim.ebo.sum(), rel=0.05)


def test_simulation_is_reproducible_and_seeded() -> None:
    problem = problem_from_json(_network(4))
    levels = np.ones((8, 5), dtype=int)
    one = simulate(problem, levels, horizon=5_000.0, seed=7)
    two = simulate(problem, levels, horizon=5_000.0, seed=7)
    other = simulate(problem, levels, horizon=5_000.0, seed=8)
    np.testing.assert_array_equal(one.fill, two.fill)
    assert not np.array_equal(one.ebo, other.ebo)


def test_no_stock_means_every_demand_waits_its_whole_pipeline() -> None:
    data = problem_json([part("X", 1.0, 4.0, {"A": (0.5, 2.0)})], ["A"])
    problem = problem_from_json(data)
    sim = simulate(problem, np.zeros((1, 2), dtype=int), horizon=50_000.0, seed=1)
    assert sim.fill[0, 0] == 0.0
    # Little's law: backorders = demand x (central lead time + transit) = 0.5 x 6
    assert sim.ebo[0, 0] == pytest.approx(3.0, rel=0.02)
