"""The JSON forms of a stock-planning problem and plan (contract ``fieldplan.inventory.*/1``).

Reading checks the shape of the JSON (objects, lists, numbers, required
keys, which keys may appear together) and the network's ``parent`` links,
which only the JSON has; the model classes check the values as they are
built (:mod:`inventory.model`). Either names the JSON path of the first error.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from inventory.demand import rate_from_history, rate_from_installed_base
from inventory.errors import InventoryError, require
from inventory.model import Goal, Model, Part, PartKind, RegionDemand, StockProblem

if TYPE_CHECKING:
    from inventory.metric import Evaluation

PROBLEM_SCHEMA = "fieldplan.inventory.problem/1"
PLAN_SCHEMA = "fieldplan.inventory.plan/1"


def _object(value: Any, path: str) -> dict[str, Any]:
    require(isinstance(value, dict), path, "must be an object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    require(isinstance(value, list), path, "must be a list")
    return value


def _text(value: Any, path: str) -> str:
    require(isinstance(value, str) and value != "", path, "must be a non-empty string")
    return value


def _number(value: Any, path: str) -> float:
    """A finite JSON number, as a float; its range is the model's rule."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    require(ok, path, "must be a finite number")
    return float(value)


def _count(value: Any, path: str) -> float:
    """A number of units or a rate that only the JSON has (installed base, history): >= 0."""
    number = _number(value, path)
    require(number >= 0.0, path, "must be >= 0")
    return number


def problem_from_json(data: Any) -> StockProblem:
    """Validated problem; raises :class:`InventoryError` naming the path of the first defect."""
    root = _object(data, "$")
    schema = root.get("schema", PROBLEM_SCHEMA)
    require(schema == PROBLEM_SCHEMA, "schema", f"must be {PROBLEM_SCHEMA!r}")
    time_unit = _text(root.get("time_unit", "day"), "time_unit")
    require("central" in root, "central", "required")
    central = _text(_object(root["central"], "central").get("id"), "central.id")
    require("regions" in root, "regions", "required")
    regions = _regions(_list(root["regions"], "regions"), central)
    require("parts" in root, "parts", "required")
    parts = tuple(_part(raw, i) for i, raw in enumerate(_list(root["parts"], "parts")))
    return StockProblem(
        central=central,
        regions=regions,
        parts=parts,
        goal=_goal(root.get("goal")),
        model=cast(Model, root.get("model", Model.VARI_METRIC.value)),
        time_unit=time_unit,
    )


def _regions(raw: list[Any], central: str) -> tuple[str, ...]:
    """Region ids; a ``parent``, if given, must be the central warehouse (two echelons)."""
    ids = [_text(_object(entry, f"regions[{i}]").get("id"), f"regions[{i}].id") for i, entry in enumerate(raw)]
    parents = {
        rid: _text(entry["parent"], f"regions[{rid}].parent")
        for rid, entry in zip(ids, raw, strict=True)
        if "parent" in entry
    }
    for rid, parent in parents.items():
        path = f"regions[{rid}].parent"
        require(parent == central or parent in ids, path, f"unknown parent location {parent!r}")
        if parent != central:
            chain, here = [rid], parent
            while here in parents and here not in chain:
                chain.append(here)
                here = parents[here]
            if here in chain:
                cycle = " -> ".join([*chain[chain.index(here):], here])
                raise InventoryError(path, f"cycle in the network: {cycle}")
            raise InventoryError(
                path, f"must be the central warehouse {central!r}: the model has two echelons"
            )
    return tuple(ids)


def _part(raw: Any, index: int) -> Part:
    obj = _object(raw, f"parts[{index}]")
    sku = _text(obj.get("sku"), f"parts[{index}].sku")
    path = f"parts[{sku}]"
    for key in ("unit_cost", "central_resupply", "regions"):
        require(key in obj, f"{path}.{key}", "required")
    unit_cost = _number(obj["unit_cost"], f"{path}.unit_cost")
    central_resupply = _number(obj["central_resupply"], f"{path}.central_resupply")
    vtm = _number(obj.get("variance_to_mean", 1.0), f"{path}.variance_to_mean")
    condemnation = _number(obj.get("condemnation", 0.0), f"{path}.condemnation")
    procurement = obj.get("procurement_time")
    procurement_time = None if procurement is None else _number(procurement, f"{path}.procurement_time")
    entries = _object(obj["regions"], f"{path}.regions")
    demands = {
        region: _region_demand(_object(entry, f"{path}.regions[{region}]"), f"{path}.regions[{region}]")
        for region, entry in entries.items()
    }
    part = Part(
        sku=sku,
        unit_cost=unit_cost,
        central_resupply=central_resupply,
        regions=demands,
        variance_to_mean=vtm,
        kind=cast(PartKind, obj.get("kind", PartKind.CONSUMABLE.value)),
        condemnation=condemnation,
        procurement_time=procurement_time,
    )
    # keys a part may not have, even at their default value
    if part.kind is PartKind.CONSUMABLE:
        require("condemnation" not in obj, f"{path}.condemnation", "only repairable parts are condemned")
    for region, entry in entries.items():
        if part.regions[region].local_repair > 0:
            rpath = f"{path}.regions[{region}]"
            require("local_repair_time" in entry, f"{rpath}.local_repair_time", "required with local_repair")
    return part


def _region_demand(obj: dict[str, Any], path: str) -> RegionDemand:
    sources = [k for k in ("demand", "installed_base", "history") if k in obj]
    require(len(sources) == 1, path, "needs exactly one of demand, installed_base (with failure_rate) or history")
    if "demand" in obj:
        demand = _number(obj["demand"], f"{path}.demand")
    elif "installed_base" in obj:
        units = _count(obj["installed_base"], f"{path}.installed_base")
        require("failure_rate" in obj, f"{path}.failure_rate", "required with installed_base")
        demand = rate_from_installed_base(units, _count(obj["failure_rate"], f"{path}.failure_rate"))
    else:
        history = _list(obj["history"], f"{path}.history")
        require(len(history) > 0, f"{path}.history", "must hold at least one period")
        demand = rate_from_history([_count(v, f"{path}.history[{i}]") for i, v in enumerate(history)])
    require("resupply" in obj, f"{path}.resupply", "required: the time a unit takes from the central warehouse")
    return RegionDemand(
        demand=demand,
        resupply=_number(obj["resupply"], f"{path}.resupply"),
        local_repair=_number(obj.get("local_repair", 0.0), f"{path}.local_repair"),
        local_repair_time=_number(obj.get("local_repair_time", 0.0), f"{path}.local_repair_time"),
    )


def _goal(raw: Any) -> Goal:
    require(raw is not None, "goal", "required: {\"fill_rate\": F} or {\"budget\": B}")
    obj = _object(raw, "goal")
    per_region = obj.get("per_region", False)
    require(isinstance(per_region, bool), "goal.per_region", "must be true or false")
    return Goal(
        fill_rate=_number(obj["fill_rate"], "goal.fill_rate") if "fill_rate" in obj else None,
        per_region=per_region,
        budget=_number(obj["budget"], "goal.budget") if "budget" in obj else None,
    )


def plan_to_json(
    problem: StockProblem,
    evaluation: Evaluation,
    curve: list[dict[str, float]],
) -> dict[str, Any]:
    """The plan in contract form; every figure computed from the levels by ``evaluation``."""
    skus = [p.sku for p in problem.parts]
    levels = evaluation.levels
    investment = evaluation.investment
    part_fill = evaluation.part_fill()
    region_fill = evaluation.region_fill()
    return {
        "schema": PLAN_SCHEMA,
        "model": problem.model.value,
        "time_unit": problem.time_unit,
        "goal": _goal_json(problem.goal),
        "levels": {
            sku: {loc: int(levels[i, k]) for k, loc in enumerate(problem.locations)}
            for i, sku in enumerate(skus)
        },
        "regions": {
            region: {
                "fill_rate": _round(region_fill[j]),
                "ebo": _round(evaluation.ebo[:, j].sum()),
                "investment": _round(float((levels[:, 1 + j] * evaluation.unit_cost).sum())),
            }
            for j, region in enumerate(problem.regions)
        },
        "central": {
            "ebo": _round(evaluation.central_ebo.sum()),
            "investment": _round(float((levels[:, 0] * evaluation.unit_cost).sum())),
        },
        "parts": {
            sku: {
                "fill_rate": _round(part_fill[i]),
                "ebo": _round(evaluation.ebo[i].sum()),
                "investment": _round(investment[i]),
                "central_ebo": _round(evaluation.central_ebo[i]),
            }
            for i, sku in enumerate(skus)
        },
        "totals": {
            "investment": _round(investment.sum()),
            "ebo": _round(evaluation.ebo.sum()),
            "fill_rate": _round(evaluation.total_fill()),
        },
        "curve": curve,
    }


def levels_from_plan(problem: StockProblem, data: Any) -> np.ndarray:
    """``(P, 1 + R)`` levels of a plan JSON for ``problem``, every part and location required."""
    root = _object(data, "$")
    require(root.get("schema") == PLAN_SCHEMA, "schema", f"must be {PLAN_SCHEMA!r}")
    raw = _object(root.get("levels"), "levels")
    levels = np.zeros((len(problem.parts), len(problem.locations)), dtype=int)
    for i, part in enumerate(problem.parts):
        row = _object(raw.get(part.sku), f"levels[{part.sku}]")
        for k, loc in enumerate(problem.locations):
            path = f"levels[{part.sku}][{loc}]"
            require(loc in row, path, "required")
            value = row[loc]
            require(isinstance(value, int) and not isinstance(value, bool) and value >= 0, path, "must be a whole number >= 0")
            levels[i, k] = value
    return levels


def _goal_json(goal: Goal) -> dict[str, Any]:
    if goal.budget is not None:
        return {"budget": goal.budget}
    out: dict[str, Any] = {"fill_rate": goal.fill_rate}
    if goal.per_region:
        out["per_region"] = True
    return out


def _round(value: float | np.floating[Any]) -> float:
    return round(float(value), 6)
