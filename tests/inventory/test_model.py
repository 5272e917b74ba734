"""The model checks itself when built in code, with the paths the JSON reader reports."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from typing import Any

import pytest

import inventory
from inventory import (
    Goal,
    InventoryError,
    Model,
    Part,
    PartKind,
    RegionDemand,
    StockProblem,
    problem_from_json,
)
from pathcheck import PathError


def _part(sku: str = "P1", **change: Any) -> Part:
    fields: dict[str, Any] = {
        "sku": sku,
        "unit_cost": 30.0,
        "central_resupply": 10.0,
        "regions": {"A": RegionDemand(0.2, 2.0), "B": RegionDemand(0.1, 1.0)},
    }
    return Part(**{**fields, **change})


def _problem(**change: Any) -> StockProblem:
    fields: dict[str, Any] = {
        "central": "CENTRAL",
        "regions": ("A", "B"),
        "parts": (_part(),),
        "goal": Goal(fill_rate=0.9),
    }
    return StockProblem(**{**fields, **change})


@pytest.mark.parametrize(
    ("build", "path", "rule"),
    [
        (lambda: _part(unit_cost=0.0), "parts[P1].unit_cost", "must be > 0"),
        (lambda: _part(central_resupply=float("nan")), "parts[P1].central_resupply", "must be a finite number"),
        (lambda: _part(variance_to_mean=0.5), "parts[P1].variance_to_mean", "must be >= 1"),
        (lambda: _part(kind="spare"), "parts[P1].kind", "must be consumable or repairable"),
        (lambda: _part(kind="repairable", condemnation=1.5), "parts[P1].condemnation", "must be <= 1"),
        (lambda: _part(condemnation=0.1), "parts[P1].condemnation", "only repairable parts are condemned"),
        (lambda: _part(regions={"A": RegionDemand(-1.0, 2.0)}), "parts[P1].regions[A].demand", "must be >= 0"),
        (
            lambda: _part(regions={"A": RegionDemand(1.0, 2.0, local_repair=0.2, local_repair_time=3.0)}),
            "parts[P1].regions[A].local_repair",
            "only repairable parts are repaired",
        ),
        (lambda: Goal(), "goal", "needs exactly one of fill_rate or budget"),
        (lambda: Goal(fill_rate=1.0), "goal.fill_rate", "must be < 1"),
        (lambda: Goal(budget=-1.0), "goal.budget", "must be >= 0"),
        (lambda: Goal(budget=5.0, per_region=True), "goal.per_region", "applies to a fill_rate goal only"),
        (lambda: _problem(regions=()), "regions", "must list at least one regional depot"),
        (lambda: _problem(regions=("A", "CENTRAL")), "regions[CENTRAL].id", "is the central warehouse's id"),
        (lambda: _problem(regions=("A", "B", "A")), "regions[A].id", "duplicate region id"),
        (lambda: _problem(parts=()), "parts", "must list at least one part"),
        (lambda: _problem(parts=(_part(), _part())), "parts[P1].sku", "duplicate sku"),
        (lambda: _problem(regions=("A",)), "parts[P1].regions[B]", "unknown region 'B'"),
        (lambda: _problem(model="magic"), "model", "must be one of metric, vari-metric, exact"),
        (
            lambda: _problem(parts=(_part(variance_to_mean=2.0),), model=Model.EXACT),
            "parts[P1].variance_to_mean",
            "the exact model needs Poisson demand (variance_to_mean 1)",
        ),
    ],
)
def test_classes_refuse_bad_values_naming_path_and_rule(build: Any, path: str, rule: str) -> None:
    with pytest.raises(InventoryError) as caught:
        build()
    assert (caught.value.path, caught.value.rule) == (path, rule)
    assert str(caught.value) == f"{path}: {rule}"


def test_the_error_is_a_path_error() -> None:
    assert issubclass(InventoryError, PathError) and issubclass(InventoryError, ValueError)
    assert str(InventoryError("", "no parts")) == "no parts"


def test_a_problem_built_in_code_equals_the_one_read_from_json(two_parts: dict[str, Any]) -> None:
    built = StockProblem(
        central="CENTRAL",
        regions=["A", "B"],  # type: ignore[arg-type]  # a list is taken and kept as a tuple
        parts=[  # type: ignore[arg-type]
            _part(),
            _part(
                "P2",
                unit_cost=10.0,
                central_resupply=5.0,
                variance_to_mean=1.5,
                regions={"A": RegionDemand(0.3, 2.0), "B": RegionDemand(0.5, 3.0)},
            ),
        ],
        goal=Goal(fill_rate=0.9),
        model="vari-metric",  # type: ignore[arg-type]
    )
    assert built == problem_from_json(two_parts)
    assert built.model is Model.VARI_METRIC and isinstance(built.regions, tuple) and isinstance(built.parts, tuple)
    assert _part(kind="repairable").kind is PartKind.REPAIRABLE


def test_a_part_keeps_a_read_only_copy_of_its_regions() -> None:
    regions = {"A": RegionDemand(0.2, 2.0)}
    part = _part(regions=regions)
    regions["B"] = RegionDemand(5.0, 1.0)
    assert list(part.regions) == ["A"]
    with pytest.raises(TypeError):
        part.regions["B"] = RegionDemand(5.0, 1.0)  # type: ignore[index]


def test_a_problem_survives_pickle_and_deepcopy() -> None:
    problem = _problem(parts=(_part(kind="repairable", condemnation=0.1, procurement_time=40.0),))
    assert pickle.loads(pickle.dumps(problem)) == problem
    assert copy.deepcopy(problem) == problem


def test_the_package_exports_its_api_without_importing_scipy_up_front() -> None:
    code = (
        "import sys, inventory, inventory.simulate, inventory.replenish\n"
        "assert 'scipy' not in sys.modules, 'scipy imported by import inventory'\n"
        "from inventory import plan_stock, replenish, simulate\n"
        "assert callable(simulate) and callable(replenish) and callable(plan_stock)\n"
        "assert 'scipy' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    for name in inventory.__all__:
        assert getattr(inventory, name) is not None
    assert set(inventory.__all__) <= set(dir(inventory))
    with pytest.raises(AttributeError):
        _ = inventory.no_such_name
