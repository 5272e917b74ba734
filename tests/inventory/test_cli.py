"""The inventory commands end to end on a generated problem."""

from __future__ import annotations

import json
from pathlib import Path

from fieldplan.cli import main


def test_generate_plan_curve_simulate_replenish(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    assert main(["generate", "inventory", "--parts", "25", "--regions", "3", "--seed", "3", "-o", str(problem)]) == 0
    data = json.loads(problem.read_text())
    assert len(data["parts"]) == 25 and len(data["regions"]) == 3
    plan = tmp_path / "plan.json"
    assert main(["inventory", "plan", str(problem), "-o", str(plan), "--fill-rate", "0.9"]) == 0
    result = json.loads(plan.read_text())
    assert result["totals"]["fill_rate"] >= 0.9
    assert set(result["levels"]) == {p["sku"] for p in data["parts"]}
    png = tmp_path / "curve.png"
    assert main(["inventory", "curve", str(problem), "--png", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["inventory", "simulate", str(problem), str(plan), "--horizon", "500"]) == 0
    state = tmp_path / "state.json"
    sku = data["parts"][0]["sku"]
    state.write_text(json.dumps({"schema": "fieldplan.inventory.state/1", "stock": {sku: {}}}))
    orders = tmp_path / "orders.json"
    assert main(["inventory", "replenish", str(problem), str(plan), str(state), "-o", str(orders)]) == 0
    placed = json.loads(orders.read_text())
    # nothing anywhere: the central warehouse buys its target plus everything the regions order
    wanted = sum(v for loc, v in result["levels"][sku].items())
    bought = sum(p["quantity"] for p in placed["purchases"] if p["sku"] == sku)
    assert bought == wanted
    assert all(t["sku"] != sku for t in placed["transfers"])


def test_bad_problem_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_text('{"schema": "fieldplan.inventory.problem/1", "central": {"id": "C"}, "regions": []}')
    plan = tmp_path / "plan.json"
    assert main(["inventory", "plan", str(problem), "-o", str(plan)]) == 2
    assert not plan.exists()
    problem.write_text("{not json")
    assert main(["inventory", "plan", str(problem), "-o", str(plan)]) == 2
