"""Marginal analysis against brute force, and the goals it serves."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from inventory import (
    Goal,
    InventoryError,
    Model,
    Objective,
    build_curve,
    evaluate,
    network_of,
    plan_stock,
    problem_from_json,
)

# investments up to here are fully enumerated by the brute force below
MAX_COST = 150.0


def _upper_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    hull: list[tuple[float, float]] = []
    for c, v in sorted(points):
        while len(hull) >= 2 and (hull[-1][1] - hull[-2][1]) * (c - hull[-2][0]) <= (v - hull[-2][1]) * (
            hull[-1][0] - hull[-2][0]
        ):
            hull.pop()
        hull.append((c, v))
    return hull


@pytest.mark.parametrize("model", [Model.VARI_METRIC, Model.METRIC])
@pytest.mark.parametrize("objective", [Objective.FILL, Objective.BACKORDERS])
def test_greedy_equals_brute_force_on_every_hull_point(two_parts: dict[str, Any], model: Model, objective: Objective) -> None:
    net = network_of(problem_from_json(two_parts))
    curve = build_curve(net, model, objective)
    # P1 costs 30 (at most 5 units in 150), P2 costs 10 (at most 15): every allocation up to MAX_COST
    grids = [np.array(list(itertools.product(range(6), repeat=3))), np.array(list(itertools.product(range(16), repeat=3)))]
    values, costs = [], []
    for p, grid in enumerate(grids):
        ev = evaluate(net.subset(np.full(len(grid), p)), grid, model)
        values.append((ev.fill * ev.demand).sum(axis=1) if objective is Objective.FILL else -ev.ebo.sum(axis=1))
        costs.append(grid.sum(axis=1) * net.unit_cost[p])
    best: dict[float, float] = {}
    for c1, v1 in zip(costs[0], values[0], strict=True):
        for c, v in zip(c1 + costs[1], v1 + values[1], strict=True):
            if c <= MAX_COST and v > best.get(c, -np.inf):
                best[float(c)] = float(v)
    hull = _upper_hull(list(best.items()))[:-1]  # the last point is where the enumeration stops
    walked = dict(zip(np.round(curve.investment, 6), curve.value, strict=True))
    assert len(hull) >= 8
    for cost, value in hull:
        assert round(cost, 6) in walked, f"hull point at {cost} not on the curve"
        assert walked[round(cost, 6)] == pytest.approx(value, abs=1e-9)


def test_curve_points_are_the_allocations_they_claim(two_parts: dict[str, Any]) -> None:
    net = network_of(problem_from_json(two_parts))
    curve = build_curve(net, Model.VARI_METRIC, Objective.FILL)
    for point in (0, 3, 10, len(curve.investment) // 2, len(curve.investment) - 1):
        levels = curve.levels_at(point)
        ev = evaluate(net, levels, Model.VARI_METRIC)
        assert ev.investment.sum() == pytest.approx(curve.investment[point])
        assert ev.total_fill() == pytest.approx(curve.fill_rate[point], abs=1e-9)
        assert ev.ebo.sum() == pytest.approx(curve.ebo[point], abs=1e-9)
    assert np.all(np.diff(curve.investment) > 0)


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_fill_rate_goal_is_met_at_no_more_than_the_first_curve_point_reaching_it(
    two_parts: dict[str, Any], target: float
) -> None:
    problem = problem_from_json(two_parts)
    plan = plan_stock(problem, Goal(fill_rate=target))
    assert plan.evaluation.total_fill() >= target
    curve = plan.allocation.curve
    first = int(np.argmax(curve.fill_rate >= target))
    assert plan.evaluation.investment.sum() <= curve.investment[first] + 1e-9
    # the point before it on the curve does not reach the target: the plan is not padded
    assert curve.fill_rate[first - 1] < target


def test_budget_is_never_exceeded_and_more_budget_buys_fewer_backorders(two_parts: dict[str, Any]) -> None:
    problem = problem_from_json(two_parts)
    ebo = []
    for budget in (0.0, 100.0, 500.0, 1500.0):
        plan = plan_stock(problem, Goal(budget=budget))
        assert plan.evaluation.investment.sum() <= budget
        ebo.append(plan.evaluation.ebo.sum())
    assert ebo == sorted(ebo, reverse=True) and ebo[-1] < ebo[0]


def test_per_region_goal_holds_at_every_region(two_parts: dict[str, Any]) -> None:
    problem = problem_from_json(two_parts)
    overall = plan_stock(problem, Goal(fill_rate=0.9))
    each = plan_stock(problem, Goal(fill_rate=0.9, per_region=True))
    assert np.all(each.evaluation.region_fill() >= 0.9)
    assert each.evaluation.investment.sum() >= overall.evaluation.investment.sum()


def test_plan_figures_are_computed_from_levels(two_parts: dict[str, Any]) -> None:
    problem = problem_from_json(two_parts)
    data = plan_stock(problem).to_json()
    assert data["schema"] == "fieldplan.inventory.plan/1"
    assert set(data["levels"]) == {"P1", "P2"}
    assert all(set(row) == {"CENTRAL", "A", "B"} for row in data["levels"].values())
    levels = np.array([[row[loc] for loc in ("CENTRAL", "A", "B")] for row in data["levels"].values()])
    ev = evaluate(network_of(problem), levels, problem.model)
    assert data["totals"]["investment"] == pytest.approx(float(ev.investment.sum()))
    assert data["totals"]["fill_rate"] == pytest.approx(ev.total_fill(), abs=1e-6)
    assert data["regions"]["A"]["ebo"] == pytest.approx(float(ev.ebo[:, 0].sum()), abs=1e-6)
    assert data["parts"]["P2"]["investment"] == pytest.approx(10.0 * levels[1].sum())
    investments = [p["investment"] for p in data["curve"]]
    assert investments == sorted(investments) and investments[0] == 0.0
    assert data["curve"][-1]["fill_rate"] >= 0.9


def test_a_per_region_target_out_of_reach_is_refused_naming_the_goal(
    two_parts: dict[str, Any],
) -> None:
    problem = problem_from_json(two_parts)
    # ten nines: beyond what the curve walks to at either region
    with pytest.raises(InventoryError, match=r"^goal\.fill_rate: 0\.9999999999 is out of reach"):
        plan_stock(problem, Goal(fill_rate=0.9999999999, per_region=True))
