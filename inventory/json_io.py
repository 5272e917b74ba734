"""The JSON forms of a stock-planning problem and plan (contract ``fieldplan.inventory.*/1``).

Loading validates everything and names the JSON path of the first error.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

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


def _number(value: Any, path: str, *, low: float | None = None, strict: bool = False, high: float | None = None) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    require(ok, path, "must be a finite number")
    number = float(value)
    if low is not None:
        require(number > low if strict else number >= low, path, f"must be {'>' if strict else '>='} {low:g}")
    if high is not None:
        require(number <= high, path, f"must be <= {high:g}")
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
    raw_parts = _list(root["parts"], "parts")
    require(len(raw_parts) > 0, "parts", "must list at least one part")
    parts: list[Part] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_parts):
        part = _part(raw, i, set(regions))
        require(part.sku not in seen, f"parts[{part.sku}].sku", "duplicate sku")
        seen.add(part.sku)
        parts.append(part)
    model_name = root.get("model", Model.VARI_METRIC.value)
    models = ", ".join(m.value for m in Model)
    require(model_name in {m.value for m in Model}, "model", f"must be one of {models}")
    model = Model(model_name)
    if model is Model.EXACT:
        for part in parts:
            require(
                part.variance_to_mean == 1.0,
                f"parts[{part.sku}].variance_to_mean",
                "the exact model needs Poisson demand (variance_to_mean 1)",
            )
    goal = _goal(root.get("goal"))
    known = {"schema", "time_unit", "central", "regions", "parts", "goal", "model"}
    return StockProblem(
        central=central,
        regions=tuple(regions),
        parts=tuple(parts),
        goal=goal,
        model=model,
        time_unit=time_unit,
        extra={k: v for k, v in root.items() if k not in known},
    )


def _regions(raw: list[Any], central: str) -> list[str]:
    require(len(raw) > 0, "regions", "must list at least one regional depot")
    ids: list[str] = []
    parents: dict[str, str] = {}
    for i, entry in enumerate(raw):
        obj = _object(entry, f"regions[{i}]")
        rid = _text(obj.get("id"), f"regions[{i}].id")
        require(rid != central, f"regions[{rid}].id", "is the central warehouse's id")
        require(rid not in ids, f"regions[{rid}].id", "duplicate region id")
        ids.append(rid)
        if "parent" in obj:
            parents[rid] = _text(obj["parent"], f"regions[{rid}].parent")
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
    return ids


def _part(raw: Any, index: int, regions: set[str]) -> Part:
    obj = _object(raw, f"parts[{index}]")
    sku = _text(obj.get("sku"), f"parts[{index}].sku")
    path = f"parts[{sku}]"
    for key in ("unit_cost", "central_resupply", "regions"):
        require(key in obj, f"{path}.{key}", "required")
    unit_cost = _number(obj["unit_cost"], f"{path}.unit_cost", low=0.0, strict=True)
    central_resupply = _number(obj["central_resupply"], f"{path}.central_resupply", low=0.0)
    vtm = _number(obj.get("variance_to_mean", 1.0), f"{path}.variance_to_mean", low=1.0)
    kind_name = obj.get("kind", PartKind.CONSUMABLE.value)
    require(kind_name in {k.value for k in PartKind}, f"{path}.kind", "must be consumable or repairable")
    kind = PartKind(kind_name)
    condemnation = _number(obj.get("condemnation", 0.0), f"{path}.condemnation", low=0.0, high=1.0)
    procurement = obj.get("procurement_time")
    procurement_time = None if procurement is None else _number(procurement, f"{path}.procurement_time", low=0.0)
    if kind is PartKind.CONSUMABLE:
        require("condemnation" not in obj, f"{path}.condemnation", "only repairable parts are condemned")
    entries = _object(obj["regions"], f"{path}.regions")
    demands: dict[str, RegionDemand] = {}
    for region, entry in entries.items():
        rpath = f"{path}.regions[{region}]"
        require(region in regions, rpath, f"unknown region {region!r}")
        demands[region] = _region_demand(_object(entry, rpath), rpath, kind)
    return Part(
        sku=sku,
        unit_cost=unit_cost,
        central_resupply=central_resupply,
        regions=demands,
        variance_to_mean=vtm,
        kind=kind,
        condemnation=condemnation,
        procurement_time=procurement_time,
    )


def _region_demand(obj: dict[str, Any], path: str, kind: PartKind) -> RegionDemand:
    sources = [k for k in ("demand", "installed_base", "history") if k in obj]
    require(len(sources) == 1, path, "needs exactly one of demand, installed_base (with failure_rate) or history")
    if "demand" in obj:
        demand = _number(obj["demand"], f"{path}.demand", low=0.0)
    elif "installed_base" in obj:
        units = _number(obj["installed_base"], f"{path}.installed_base", low=0.0)
        require("failure_rate" in obj, f"{path}.failure_rate", "required with installed_base")
        rate = _number(obj["failure_rate"], f"{path}.failure_rate", low=0.0)
        demand = rate_from_installed_base(units, rate)
    else:
        history = _list(obj["history"], f"{path}.history")
        require(len(history) > 0, f"{path}.history", "must hold at least one period")
        counts = [_number(v, f"{path}.history[{i}]", low=0.0) for i, v in enumerate(history)]
        demand = rate_from_history(counts)
    require("resupply" in obj, f"{path}.resupply", "required: the time a unit takes from the central warehouse")
    resupply = _number(obj["resupply"], f"{path}.resupply", low=0.0)
    local = _number(obj.get("local_repair", 0.0), f"{path}.local_repair", low=0.0, high=1.0)
    if local > 0:
        require(kind is PartKind.REPAIRABLE, f"{path}.local_repair", "only repairable parts are repaired")
        require("local_repair_time" in obj, f"{path}.local_repair_time", "required with local_repair")
    local_time = _number(obj.get("local_repair_time", 0.0), f"{path}.local_repair_time", low=0.0)
    return RegionDemand(demand=demand, resupply=resupply, local_repair=local, local_repair_time=local_time)


def _goal(raw: Any) -> Goal:
    require(raw is not None, "goal", "required: {\"fill_rate\": F} or {\"budget\": B}")
    obj = _object(raw, "goal")
    has_fill, has_budget = "fill_rate" in obj, "budget" in obj
    require(has_fill != has_budget, "goal", "needs exactly one of fill_rate or budget")
    per_region = obj.get("per_region", False)
    require(isinstance(per_region, bool), "goal.per_region", "must be true or false")
    if has_fill:
        fill = _number(obj["fill_rate"], "goal.fill_rate", low=0.0, strict=True)
        require(fill < 1.0, "goal.fill_rate", "must be < 1")
        return Goal(fill_rate=fill, per_region=per_region)
    require(not per_region, "goal.per_region", "applies to a fill_rate goal only")
    return Goal(budget=_number(obj["budget"], "goal.budget", low=0.0))


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
