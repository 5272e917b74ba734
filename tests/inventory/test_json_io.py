"""Bad input is refused with the JSON path and the rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from inventory import InventoryError, Model, PartKind, problem_from_json


def _with(base: dict[str, Any], change: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # negative demand
        (lambda d: d["parts"][0]["regions"]["A"].update(demand=-1), r"parts\[P1\]\.regions\[A\]\.demand: must be >= 0"),
        # a regional depot without a resupply time
        (lambda d: d["parts"][0]["regions"]["A"].pop("resupply"), r"parts\[P1\]\.regions\[A\]\.resupply: required"),
        # demand at a region the network does not have
        (lambda d: d["parts"][0]["regions"].update(Z={"demand": 1, "resupply": 1}), r"parts\[P1\]\.regions\[Z\]: unknown region"),
        # unknown parent location
        (lambda d: d["regions"][0].update(parent="NOWHERE"), r"regions\[A\]\.parent: unknown parent location 'NOWHERE'"),
        # a cycle between regions
        (lambda d: (d["regions"][0].update(parent="B"), d["regions"][1].update(parent="A")), r"regions\[A\]\.parent: cycle in the network: A -> B -> A"),
        # a third echelon
        (lambda d: d["regions"][0].update(parent="B"), r"regions\[A\]\.parent: must be the central warehouse"),
        (lambda d: d["parts"][1].update(sku="P1"), r"parts\[P1\]\.sku: duplicate sku"),
        (lambda d: d["parts"][0].update(unit_cost=0), r"parts\[P1\]\.unit_cost: must be > 0"),
        (lambda d: d["parts"][0].update(variance_to_mean=0.5), r"parts\[P1\]\.variance_to_mean: must be >= 1"),
        (lambda d: d.update(model="exact"), r"parts\[P2\]\.variance_to_mean: the exact model needs Poisson demand"),
        (lambda d: d.update(model="magic"), r"model: must be one of metric, vari-metric, exact"),
        (lambda d: d.update(model=["exact"]), r"model: must be one of metric, vari-metric, exact"),
        (lambda d: d["parts"][0].update(kind={}), r"parts\[P1\]\.kind: must be consumable or repairable"),
        # keys a consumable may not have, even at their default
        (lambda d: d["parts"][0].update(condemnation=0), r"parts\[P1\]\.condemnation: only repairable parts are condemned"),
        (
            lambda d: (d["parts"][0].update(kind="repairable"), d["parts"][0]["regions"]["A"].update(local_repair=0.2)),
            r"parts\[P1\]\.regions\[A\]\.local_repair_time: required with local_repair",
        ),
        (lambda d: d.update(goal={"fill_rate": 0.9, "budget": 5}), r"goal: needs exactly one of fill_rate or budget"),
        (lambda d: d.update(goal={"fill_rate": 1.2}), r"goal\.fill_rate: must be < 1"),
        (lambda d: d.update(schema="other/1"), r"schema: must be 'fieldplan.inventory.problem/1'"),
        (lambda d: d.pop("central"), r"central: required"),
        (lambda d: d["parts"][0]["regions"]["A"].update(local_repair=0.2, local_repair_time=3), r"local_repair: only repairable parts"),
        (lambda d: d["parts"][0]["regions"]["A"].update(history=[1, 2]), r"needs exactly one of demand, installed_base"),
    ],
)
def test_bad_input_names_the_path(two_parts: dict[str, Any], change: Any, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        problem_from_json(_with(two_parts, change))


def test_demand_from_installed_base_and_history(two_parts: dict[str, Any]) -> None:
    data = _with(two_parts, lambda d: d["parts"][0]["regions"].update(
        A={"installed_base": 400, "failure_rate": 0.0005, "resupply": 2.0},
        B={"history": [0, 2, 1, 1], "resupply": 1.0},
    ))
    problem = problem_from_json(data)
    assert problem.parts[0].regions["A"].demand == pytest.approx(0.2)
    assert problem.parts[0].regions["B"].demand == pytest.approx(1.0)


def test_repairable_part_mixes_repair_and_procurement(two_parts: dict[str, Any]) -> None:
    data = _with(two_parts, lambda d: d["parts"][0].update(kind="repairable", condemnation=0.1, procurement_time=60.0))
    problem = problem_from_json(data)
    assert problem.parts[0].kind is PartKind.REPAIRABLE
    assert problem.parts[0].central_lead_time == pytest.approx(0.9 * 10.0 + 0.1 * 60.0)
    assert problem.model is Model.VARI_METRIC
