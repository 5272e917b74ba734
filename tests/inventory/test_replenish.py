"""Orders never exceed what is needed, and never ship what the central warehouse lacks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from inventory import InventoryError, problem_from_json, replenish, state_from_json

from .conftest import part, problem_json


def _problem() -> Any:
    return problem_from_json(problem_json([part("X", 10.0, 30.0, {"A": (1.0, 2.0), "B": (0.1, 2.0)})], ["A", "B"]))


def _state(central: dict[str, int], a: dict[str, int], b: dict[str, int]) -> dict[str, Any]:
    return {"schema": "fieldplan.inventory.state/1", "stock": {"X": {"CENTRAL": central, "A": a, "B": b}}}


def test_orders_bring_every_position_back_to_target() -> None:
    problem = _problem()
    levels = np.array([[10, 4, 2]])
    state = state_from_json(problem, _state({"on_hand": 20, "on_order": 0}, {"on_hand": 1, "in_transit": 1}, {"on_hand": 2}))
    orders = replenish(problem, levels, state)
    assert [(t.destination, t.quantity) for t in orders.transfers] == [("A", 2)]
    assert orders.regional_orders == {("X", "A"): 2}
    assert orders.still_owed == {}
    # central position 20 - 2 owed = 18 > 10: nothing to buy
    assert orders.purchases == []


def test_nothing_is_ordered_at_target() -> None:
    problem = _problem()
    state = state_from_json(problem, _state({"on_hand": 10}, {"on_hand": 4}, {"on_hand": 1, "in_transit": 1}))
    orders = replenish(problem, np.array([[10, 4, 2]]), state)
    assert orders.transfers == [] and orders.purchases == [] and orders.regional_orders == {}


def test_scarce_central_stock_goes_where_it_buys_most_and_is_never_overdrawn() -> None:
    problem = _problem()
    # A (demand 1/day) has 2 customers waiting; B (0.1/day) is one short of target
    state = state_from_json(
        problem,
        _state({"on_hand": 2, "on_order": 5}, {"on_hand": 0, "backorders": 2}, {"on_hand": 1}),
    )
    orders = replenish(problem, np.array([[10, 4, 2]]), state)
    shipped = {t.destination: t.quantity for t in orders.transfers}
    assert sum(shipped.values()) == 2  # all the central warehouse has
    assert shipped == {"A": 2}
    assert orders.still_owed == {("X", "A"): 4, ("X", "B"): 1}
    # central position: 2 on hand + 5 on order - 7 owed = 0, so buy 10
    assert [(p.destination, p.quantity) for p in orders.purchases] == [("CENTRAL", 10)]


def test_state_errors_name_the_field() -> None:
    problem = _problem()
    with pytest.raises(InventoryError, match=r"stock\[X\]\[A\]\.on_hand: must be a whole number >= 0"):
        state_from_json(problem, _state({}, {"on_hand": -1}, {}))
    with pytest.raises(InventoryError, match=r"stock\[X\]\[CENTRAL\]\.backorders: not a field"):
        state_from_json(problem, _state({"backorders": 1}, {}, {}))
    with pytest.raises(InventoryError, match=r"stock\[X\]\[Z\]: unknown location"):
        state_from_json(problem, {"schema": "fieldplan.inventory.state/1", "stock": {"X": {"Z": {}}}})
