"""One entry point: a validated problem in, base-stock levels and their figures out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inventory.allocate import (
    Allocation,
    Curve,
    Progress,
    for_budget,
    for_fill_rate,
    for_region_fill_rates,
)
from inventory.json_io import plan_to_json
from inventory.metric import Evaluation, evaluate
from inventory.network import network_of

if TYPE_CHECKING:
    from inventory.model import Goal, StockProblem

# Points of the cost/service curve kept in a plan; the walk itself has one per segment.
CURVE_POINTS = 200


@dataclass(frozen=True, slots=True)
class StockPlan:
    """Levels chosen for a goal, their figures, and the curve walked to get there."""

    problem: StockProblem
    evaluation: Evaluation
    allocation: Allocation

    def to_json(self) -> dict[str, Any]:
        return plan_to_json(self.problem, self.evaluation, curve_points(self.allocation.curve, self.allocation.points))


def plan_stock(problem: StockProblem, goal: Goal | None = None, progress: Progress | None = None) -> StockPlan:
    """Least investment for a fill-rate goal, or fewest backorders for a budget.

    Parameters
    ----------
    problem
        A validated problem; its goal is used unless ``goal`` is given.
    progress
        Called with (parts done, parts) while frontiers are computed.
    """
    goal = goal or problem.goal
    net = network_of(problem)
    if goal.budget is not None:
        allocation = for_budget(net, problem.model, goal.budget, progress)
    elif goal.per_region:
        assert goal.fill_rate is not None
        allocation = for_region_fill_rates(net, problem.model, goal.fill_rate, progress=progress)
    else:
        assert goal.fill_rate is not None
        allocation = for_fill_rate(net, problem.model, goal.fill_rate, progress)
    evaluation = evaluate(net, allocation.levels, problem.model)
    return StockPlan(problem=problem, evaluation=evaluation, allocation=allocation)


def curve_points(curve: Curve, points: int | None = None, keep: int = CURVE_POINTS) -> list[dict[str, float]]:
    """Up to ``keep`` points of the first ``points`` of the walk, evenly spread in investment, ends kept."""
    total = len(curve.investment) if points is None else points
    if total <= keep:
        chosen = np.arange(total)
    else:
        marks = np.linspace(curve.investment[0], curve.investment[total - 1], keep)
        chosen = np.unique(np.searchsorted(curve.investment[:total], marks).clip(0, total - 1))
        chosen = np.union1d(chosen, [0, total - 1])
    return [
        {
            "investment": round(float(curve.investment[k]), 6),
            "ebo": round(float(curve.ebo[k]), 6),
            "fill_rate": round(float(curve.fill_rate[k]), 6),
        }
        for k in chosen
    ]
