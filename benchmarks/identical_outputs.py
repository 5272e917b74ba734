"""Proof that a change of structure changed no behaviour: fixed runs, byte-identical outputs.

Each run is deterministic (a solution or step limit with a fixed seed; the time
limit only guards), so its output is the same on any machine. ``record`` writes
each output's SHA-256, after dropping the figures that measure the machine
(the solver's wall and first-solution seconds, a study's run time) and
the generator's module name in a generated problem's ``meta``, to
``benchmarks/results/identical-outputs.json``; ``check`` reruns everything and
compares, naming each output that differs. The runs: Solomon C101 and R101 read
and planned by both engines, a generated 30x130 day, a Pillac instance, a
re-plan of that day with an emergency, a 3-day what-if study, an inventory plan.

    python -m benchmarks.identical_outputs record
    python -m benchmarks.identical_outputs check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "identical-outputs.json"
DATA = Path(__file__).parent.parent / "tests" / "data"
EXAMPLES = Path(__file__).parent.parent / "scenarios" / "examples"
SOLUTIONS = 40


def _cli(command: str, *paths: Path) -> None:
    """Run ``fieldplan COMMAND`` with ``{}`` in it replaced by ``paths``, in order."""
    args = shlex.split(command.format(*paths))
    subprocess.run([sys.executable, "-m", "fieldplan", *args], check=True, capture_output=True)


def _digest(data: Any) -> str:
    """SHA-256 of the JSON value with sorted keys: the same content in any key order."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, indent=1).encode()).hexdigest()


def _timeless(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan without the figures that time the machine rather than describe the plan."""
    solver = plan.get("solver", {})
    for key in ("wall_s", "first_solution_s"):
        solver.pop(key, None)
    return plan


def _unnamed(problem: dict[str, Any]) -> dict[str, Any]:
    """A generated problem without ``meta.generator``, which names the module that made it."""
    problem.get("meta", {}).pop("generator", None)
    return problem


def _plan_json(path: Path) -> dict[str, Any]:
    return _timeless(json.loads(path.read_text()))


def _benchmark_plans(work: Path) -> dict[str, str]:
    from dispatch import SolveOptions, plan_to_json, problem_from_json, solve
    from dispatch.model.entities import Engine
    from scenarios.instances.pillac import pillac_to_problem, read_pillac
    from scenarios.instances.solomon import read_solomon, solomon_to_problem

    out: dict[str, str] = {}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("solomon-C101", solomon_to_problem(read_solomon(DATA / "solomon" / "C101.txt"))),
        ("solomon-R101", solomon_to_problem(read_solomon(DATA / "solomon" / "R101.txt"))),
        ("pillac-C101", pillac_to_problem(read_pillac(DATA / "pillac" / "C101.txt"))),
    ]
    for name, data in cases:
        out[f"{name}.problem"] = _digest(data)
        problem = problem_from_json(data)
        engines = [Engine.ORTOOLS] if name.startswith("pillac") else [Engine.ORTOOLS, Engine.AUTO]
        for engine in engines:
            options = SolveOptions(time_limit_s=120, solution_limit=SOLUTIONS, engine=engine)
            plan = _timeless(plan_to_json(solve(problem, options), problem.clock))
            out[f"{name}.plan-{engine.value}"] = _digest(plan)
    return out


def _field_day(work: Path) -> dict[str, str]:
    day, plan = work / "day.json", work / "plan.json"
    _cli("generate dispatch --engineers 30 --jobs 130 --seed 1 -o {}", day)
    _cli(
        f"dispatch plan {{}} -o {{}} --time-limit 120 --seed 0 --solution-limit {SOLUTIONS} --quiet",
        day,
        plan,
    )
    return {
        "day-30x130.problem": _digest(_unnamed(json.loads(day.read_text()))),
        "day-30x130.plan": _digest(_plan_json(plan)),
    }


def _replan(work: Path) -> dict[str, str]:
    from dispatch import SolveOptions, load_plan, load_problem, plan_to_json
    from dispatch.io.state_json import state_from_json
    from dispatch.replanning.rest_of_day import replan

    problem = load_problem(work / "day.json")
    plan = load_plan(work / "plan.json", problem.clock)
    first = plan.routes[0]
    emergency = dict(json.loads((work / "day.json").read_text())["jobs"][0])
    emergency.update(id="EMERGENCY-1", priority=1)
    state = {
        "schema": "fieldplan.dispatch.state/1",
        "now": problem.clock.format(first.stops[0].start + 60),
        "jobs": {first.job_ids[0]: {"status": "done"}},
        "engineers": {
            plan.routes[1].engineer: {
                "unavailable_from": problem.clock.format(first.stops[0].start + 90)
            }
        },
        "new_jobs": [emergency],
    }
    options = SolveOptions(time_limit_s=120, seed=0, solution_limit=SOLUTIONS)
    result = replan(problem, plan, state_from_json(state, problem), options)
    new = _timeless(plan_to_json(result.plan, result.problem.clock))
    changes = [list(astuple(c)) for c in result.changes]  # the kind as its string value
    return {"replan.plan": _digest(new), "replan.changes": _digest(changes)}


def _study(work: Path) -> dict[str, str]:
    folder = work / "study"
    _cli("scenario run {} -o {} --days 3 --workers 1", EXAMPLES / "staffing.yaml", folder)
    results = json.loads((folder / "results.json").read_text())
    for variant in results:
        variant.pop("seconds", None)  # the variant's wall time
    return {"study-staffing-3d.results": _digest(results)}


def _inventory(work: Path) -> dict[str, str]:
    problem, plan = work / "stock.json", work / "stock-plan.json"
    _cli("generate inventory --parts 200 --regions 6 --seed 1 -o {}", problem)
    _cli("inventory plan {} -o {} --fill-rate 0.95", problem, plan)
    return {
        "stock.problem": _digest(json.loads(problem.read_text())),
        "stock.plan": _digest(json.loads(plan.read_text())),
    }


RUNS: list[Callable[[Path], dict[str, str]]] = [
    _benchmark_plans,
    _field_day,
    _replan,
    _study,
    _inventory,
]


def outputs() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        found: dict[str, str] = {}
        for run in RUNS:
            found.update(run(Path(tmp)))
        return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["record", "check"])
    args = parser.parse_args()
    found = outputs()
    if args.mode == "record":
        RESULTS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        print(f"{len(found)} outputs recorded in {RESULTS}")
        return 0
    expected = json.loads(RESULTS.read_text())
    differ = sorted(k for k in expected.keys() | found.keys() if expected.get(k) != found.get(k))
    for key in differ:
        print(f"DIFFERENT {key}: recorded {expected.get(key)}, now {found.get(key)}")
    print(f"{len(expected) - len(differ)} of {len(expected)} outputs identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
