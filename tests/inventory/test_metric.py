"""Two-echelon models against published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from inventory import Model, evaluate, network_of, problem_from_json

from .conftest import part, problem_json


def _rossetti_network() -> object:
    # Rossetti, Analysis of Inventory Systems, ch. 9 (multi-echelon) worked example:
    # 4 bases, demand 45/yr each, 30 % repaired at the base in 30 days, the rest
    # resupplied from the depot in 10 days; depot repair 60 days. Days as time unit.
    demand = 45 / 365
    regions = [f"B{i}" for i in range(4)]
    data = problem_json(
        [
            {
                "sku": "LRU",
                "unit_cost": 1.0,
                "central_resupply": 60.0,
                "kind": "repairable",
                "regions": {
                    r: {"demand": demand, "resupply": 10.0, "local_repair": 0.3, "local_repair_time": 30.0}
                    for r in regions
                },
            }
        ],
        regions,
    )
    return network_of(problem_from_json(data))


def test_rossetti_vari_metric_example() -> None:
    net = _rossetti_network()
    ev = evaluate(net, np.array([[16, 4, 4, 4, 4]]), Model.VARI_METRIC)  # type: ignore[arg-type]
    assert ev.central_pipeline[0] * 1 == pytest.approx(20.7123, abs=5e-5)
    assert ev.central_ebo[0] == pytest.approx(5.0201, abs=5e-5)
    assert ev.pipeline[0, 0] == pytest.approx(3.2276, abs=5e-5)
    assert ev.ebo[0, 0] == pytest.approx(0.4815, abs=5e-5)
    assert ev.ebo.sum() == pytest.approx(1.9259, abs=5e-5)


def test_rossetti_metric_example_understates_backorders() -> None:
    net = _rossetti_network()
    vari = evaluate(net, np.array([[16, 4, 4, 4, 4]]), Model.VARI_METRIC)  # type: ignore[arg-type]
    plain = evaluate(net, np.array([[16, 4, 4, 4, 4]]), Model.METRIC)  # type: ignore[arg-type]
    assert plain.ebo[0, 0] == pytest.approx(0.4055, abs=5e-5)
    assert plain.ebo.sum() == pytest.approx(1.6218, abs=5e-5)
    assert vari.ebo.sum() / plain.ebo.sum() == pytest.approx(1.1875, abs=5e-5)


@pytest.mark.parametrize(
    ("rate", "retailers", "penalty", "hub", "retailer", "printed"),
    [
        # Axsäter (1993), Operations Research 41(4), tables I-III, batch size 1 rows
        # (Svoronos & Zipkin's problems): L0 = L = 1, h0 = h = 1; S = R + 1
        (0.1, 4, 20, 0, 2, 7.30),
        (0.1, 4, 5, 1, 1, 4.37),
        (0.1, 32, 20, 4, 1, 33.80),
        (1.0, 4, 20, 4, 4, 13.01),
        (1.0, 4, 20, 5, 3, 12.02),
        (1.0, 4, 5, 4, 3, 9.17),
        (1.0, 32, 20, 35, 3, 84.90),
        (1.0, 32, 5, 31, 2, 55.95),
    ],
)
def test_axsater_exact_two_level_costs(
    rate: float, retailers: int, penalty: float, hub: int, retailer: int, printed: float
) -> None:
    regions = [f"R{i}" for i in range(retailers)]
    data = problem_json([part("X", 1.0, 1.0, dict.fromkeys(regions, (rate, 1.0)))], regions, model="exact")
    net = network_of(problem_from_json(data))
    ev = evaluate(net, np.array([[hub] + [retailer] * retailers]), Model.EXACT)
    hub_on_hand = hub - retailers * rate + ev.central_ebo[0]
    retailer_on_hand = retailer - ev.pipeline[0, 0] + ev.ebo[0, 0]
    cost = hub_on_hand + retailers * (retailer_on_hand + penalty * ev.ebo[0, 0])
    assert cost == pytest.approx(printed, abs=0.005)


def test_metric_understates_where_the_exact_model_differs() -> None:
    # Axsäter's problem 25 (policy S0 = 35, S = 3): METRIC's cost is 0.3 lower than the printed exact one
    regions = [f"R{i}" for i in range(32)]
    data = problem_json([part("X", 1.0, 1.0, dict.fromkeys(regions, (1.0, 1.0)))], regions)
    net = network_of(problem_from_json(data))
    levels = np.array([[35] + [3] * 32])
    exact = evaluate(net, levels, Model.EXACT)
    plain = evaluate(net, levels, Model.METRIC)
    assert plain.ebo.sum() < exact.ebo.sum()


def test_no_central_stock_metric_equals_exact() -> None:
    regions = ["A", "B", "C"]
    data = problem_json([part("X", 1.0, 4.0, {"A": (0.3, 1.0), "B": (0.2, 2.0), "C": (0.1, 3.0)})], regions)
    net = network_of(problem_from_json(data))
    levels = np.array([[0, 2, 1, 3]])
    exact = evaluate(net, levels, Model.EXACT)
    plain = evaluate(net, levels, Model.METRIC)
    np.testing.assert_allclose(exact.ebo, plain.ebo, atol=1e-9)
    np.testing.assert_allclose(exact.fill, plain.fill, atol=1e-9)
