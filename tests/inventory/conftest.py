"""Small problems built in code, in the contract's JSON form."""

from __future__ import annotations

from typing import Any

import pytest


def problem_json(parts: list[dict[str, Any]], regions: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "schema": "fieldplan.inventory.problem/1",
        "time_unit": "day",
        "central": {"id": "CENTRAL"},
        "regions": [{"id": r} for r in regions],
        "parts": parts,
        "goal": {"fill_rate": 0.9},
        "model": "vari-metric",
        **extra,
    }


def part(sku: str, cost: float, lead: float, demands: dict[str, tuple[float, float]], vtm: float = 1.0) -> dict[str, Any]:
    return {
        "sku": sku,
        "unit_cost": cost,
        "central_resupply": lead,
        "variance_to_mean": vtm,
        "regions": {r: {"demand": d, "resupply": t} for r, (d, t) in demands.items()},
    }


@pytest.fixture
def two_parts() -> dict[str, Any]:
    return problem_json(
        [
            part("P1", 30.0, 10.0, {"A": (0.2, 2.0), "B": (0.1, 1.0)}),
            part("P2", 10.0, 5.0, {"A": (0.3, 2.0), "B": (0.5, 3.0)}, vtm=1.5),
        ],
        ["A", "B"],
    )
