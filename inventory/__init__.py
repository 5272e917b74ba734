"""Spare-parts stock planning for a central warehouse and its regional depots.

A pure library: base-stock levels for a fill-rate goal or a budget (METRIC,
VARI-METRIC or the exact two-echelon model), their figures, the cost/service
curve, a simulation to check them, and the orders that restore the levels.
The problem is frozen, self-validating data (:mod:`inventory.model`); bad
input raises :class:`InventoryError`, a :class:`pathcheck.PathError` naming
the JSON path and the rule.

It imports numpy, scipy, matplotlib (only when plotting) and ``pathcheck``;
never ``dispatch``, ``api``, ``scenarios`` or ``fieldplan``, as import-linter
contracts in ``pyproject.toml`` check. Its modules:

- ``model``, ``errors``, ``demand``, ``json_io``: the problem, its errors and JSON forms;
- ``network``, ``pipeline``, ``metric``: the problem as arrays and the models' figures;
- ``hull``, ``frontier``, ``allocate``, ``planner``: marginal analysis and ``plan_stock``;
- ``simulate``, ``replenish``, ``plotting``: checking, running and showing a plan.

This module re-exports the public API. Names from the modules that need
scipy (half a second to import) load on first use, so that the service and
the command, which import the errors and the model, start without it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from inventory.errors import InventoryError
from inventory.json_io import (
    PLAN_SCHEMA,
    PROBLEM_SCHEMA,
    levels_from_plan,
    plan_to_json,
    problem_from_json,
)
from inventory.model import Goal, Model, Part, PartKind, RegionDemand, StockProblem
from inventory.network import Network, network_of
from inventory.plotting import plot_curve
from inventory.replenish import (
    ORDERS_SCHEMA,
    STATE_SCHEMA,
    Orders,
    Position,
    Purchase,
    Transfer,
    replenish,
    state_from_json,
)
from inventory.simulate import SimulatedFigures, simulate

if TYPE_CHECKING:
    from inventory.allocate import Allocation, Curve, build_curve
    from inventory.frontier import Objective
    from inventory.metric import Evaluation, evaluate
    from inventory.pipeline import backorder_variance, expected_backorders, fill_rate, ready_rate
    from inventory.planner import StockPlan, curve_points, plan_stock

# Public names of the modules that import scipy, and those modules.
_ON_FIRST_USE = {
    "Allocation": "inventory.allocate",
    "Curve": "inventory.allocate",
    "build_curve": "inventory.allocate",
    "Objective": "inventory.frontier",
    "Evaluation": "inventory.metric",
    "evaluate": "inventory.metric",
    "backorder_variance": "inventory.pipeline",
    "expected_backorders": "inventory.pipeline",
    "fill_rate": "inventory.pipeline",
    "ready_rate": "inventory.pipeline",
    "StockPlan": "inventory.planner",
    "curve_points": "inventory.planner",
    "plan_stock": "inventory.planner",
}


def __getattr__(name: str) -> object:
    """Import a public name's module when the name is first asked for (PEP 562)."""
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "ORDERS_SCHEMA",
    "PLAN_SCHEMA",
    "PROBLEM_SCHEMA",
    "STATE_SCHEMA",
    "Allocation",
    "Curve",
    "Evaluation",
    "Goal",
    "InventoryError",
    "Model",
    "Network",
    "Objective",
    "Orders",
    "Part",
    "PartKind",
    "Position",
    "Purchase",
    "RegionDemand",
    "SimulatedFigures",
    "StockPlan",
    "StockProblem",
    "Transfer",
    "backorder_variance",
    "build_curve",
    "curve_points",
    "evaluate",
    "expected_backorders",
    "fill_rate",
    "levels_from_plan",
    "network_of",
    "plan_stock",
    "plan_to_json",
    "plot_curve",
    "problem_from_json",
    "ready_rate",
    "replenish",
    "simulate",
    "state_from_json",
]
