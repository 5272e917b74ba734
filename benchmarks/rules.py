"""What each rule of contract 1.2 costs: the same generated day with and without it.

For each size, the day is solved as generated and then with one rule added:
crews on 5 % and 15 % of the jobs (and, to see what crews themselves cost, the
same days with each crew job given to one engineer for the crew's total time),
engineer speeds (trainees x1.3, experts x0.85), costed preferred engineers,
and balanced workload. Every plan goes through the independent validator.

    python -m benchmarks.rules --seconds 30 --sizes 30x130 100x450

A size ``ExJ`` may carry ``+office`` and ``+appointments`` as in ``field.py``.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.environment import environment_markdown
from benchmarks.field import day_size
from dispatch.evaluate.check import check
from dispatch.evaluate.kpi import balance_deviation, unpreferred_count, working_minutes
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.model.plan import Plan
from dispatch.model.problem import Problem
from dispatch.solve import solve
from scenarios.generator.day import generate_dispatch
from scenarios.generator.field_rules import UNPREFERRED_COST

RESULTS = Path(__file__).parent / "results"
#: Money per minute an engineer's working time lies from the mean, in the balance runs:
#: below and above what a minute's drive costs (0.67 km at 40 km/h), where the
#: contract's measure (depart to return) starts to pay an idle engineer to drive.
BALANCE_COSTS = (0.25, 1.0)


@dataclass(frozen=True)
class Row:
    size: str
    variant: str
    assigned: int
    jobs: int
    crew_served: int
    crew_jobs: int
    sla: dict[str, tuple[int, int]]  # priority -> (met, jobs)
    objective: float
    km: float
    spread_min: float
    deviation_min: float  # mean absolute deviation of working minutes from their mean
    unpreferred: int
    violations: int
    wall_s: float


def _as_singles(data: dict[str, Any]) -> dict[str, Any]:
    """The day with each crew job done by one engineer for the crew's total time
    (``meta.crew_jobs`` names them, to count them the same way)."""
    out = copy.deepcopy(data)
    out.setdefault("meta", {})["crew_jobs"] = [j["id"] for j in out["jobs"] if "crew" in j]
    for job in out["jobs"]:
        crew = job.pop("crew", 1)
        job["duration_min"] = job["duration_min"] * crew
    return out


def _with(**objective: float) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(data)
        out["objective"].update(objective)
        return out

    return change


def _variants(size: dict[str, Any], seed: int) -> list[tuple[str, dict[str, Any]]]:
    def day(**rules: Any) -> dict[str, Any]:
        return generate_dispatch(**size, seed=seed, **rules)

    base = day()
    crews5, crews15 = day(crew_share=0.05), day(crew_share=0.15)
    return [
        ("as generated", base),
        ("crews 5 %", crews5),
        ("crews 5 %, each by one engineer", _as_singles(crews5)),
        ("crews 15 %", crews15),
        ("crews 15 %, each by one engineer", _as_singles(crews15)),
        ("speeds", day(speeds=True)),
        (f"preferences at {UNPREFERRED_COST:g}", day(preferences=True)),
        *(
            (f"balance at {cost:g}/min", _with(balance_cost_per_min=cost)(base))
            for cost in BALANCE_COSTS
        ),
    ]


def _row(
    size: str, variant: str, problem: Problem, plan: Plan, wall: float, crew_ids: list[str]
) -> Row:
    crews = {j.id for j in problem.jobs if j.crew > 1} | set(crew_ids)
    worked = working_minutes(problem, plan.routes)
    sla = {
        p: (int(row["sla_met"]), int(row["jobs"]))
        for p, row in sorted(plan.kpis.sla_met_by_priority.items())
    }
    return Row(
        size=size,
        variant=variant,
        assigned=plan.kpis.assigned,
        jobs=plan.kpis.jobs,
        crew_served=sum(1 for o in plan.jobs if o.id in crews),
        crew_jobs=len(crews),
        sla=sla,
        objective=plan.kpis.objective,
        km=plan.kpis.km,
        spread_min=max(worked.values()) - min(worked.values()) if worked else 0.0,
        deviation_min=balance_deviation(worked) / max(len(worked), 1),
        unpreferred=unpreferred_count(problem, plan.jobs),
        violations=len(check(problem, plan)),
        wall_s=wall,
    )


def _markdown(rows: list[Row], settings: dict[str, object]) -> str:
    lines = [
        "# Contract 1.2 rules: the same day with and without each rule",
        "",
        environment_markdown(settings),
        "",
        "Served: jobs assigned. Crews: crew jobs served (in the runs where one "
        "engineer does each, the same jobs). SLA met per priority "
        "(met/jobs). Spread: the most minus the fewest working minutes "
        "(depart to return) over the engineers; deviation: their mean absolute "
        "difference from the mean (what the balance cost weighs, per engineer). "
        "Unpreferred: served jobs with "
        "preferred engineers whose lead is none of them. Objective: the contract "
        "objective of each variant's own problem (the balance and preference runs "
        "include those costs). Violations: independent validator.",
        "",
        "| size | variant | served | crews | P1 SLA | P2 SLA | P3 SLA | objective | km "
        "| spread min | deviation min | unpreferred | violations | wall s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        sla = [f"{r.sla[p][0]}/{r.sla[p][1]}" if p in r.sla else "-" for p in ("1", "2", "3")]
        crews = f"{r.crew_served}/{r.crew_jobs}" if r.crew_jobs else "-"
        lines.append(
            f"| {r.size} | {r.variant} | {r.assigned}/{r.jobs} | {crews} | "
            + " | ".join(sla)
            + f" | {r.objective:,.0f} | {r.km:,.1f} | {r.spread_min:,.0f} "
            f"| {r.deviation_min:,.0f} | {r.unpreferred} "
            f"| {r.violations} | {r.wall_s:.1f} |"
        )
    lines += ["", "Against the day as generated, same run:", ""]
    lines += [
        "| size | variant | served | km | spread min | deviation min | unpreferred |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    bases = {r.size: r for r in rows if r.variant == "as generated"}
    for r in rows:
        base = bases.get(r.size)
        if base is None or r is base:
            continue
        lines.append(
            f"| {r.size} | {r.variant} | {r.assigned - base.assigned:+d} "
            f"| {r.km - base.km:+,.1f} ({100 * (r.km / base.km - 1):+.1f} %) "
            f"| {r.spread_min - base.spread_min:+,.0f} "
            f"| {r.deviation_min - base.deviation_min:+,.0f} "
            f"| {r.unpreferred - base.unpreferred:+d} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sizes", nargs="+", default=["30x130", "100x450"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="rules", help="results file stem")
    args = parser.parse_args()
    rows: list[Row] = []
    for size in args.sizes:
        for variant, data in _variants(day_size(size), args.seed):
            problem = problem_from_json(data)
            began = time.perf_counter()
            plan = solve(problem, SolveOptions(time_limit_s=args.seconds, seed=0))
            wall = time.perf_counter() - began
            crew_ids = data.get("meta", {}).get("crew_jobs", [])
            rows.append(_row(size, variant, problem, plan, wall, crew_ids))
            print(json.dumps(rows[-1].__dict__), flush=True)
    settings = {
        "time limit": f"{args.seconds:g} s, seed 0, one process",
        "instances": f"scenarios.generator.day seed {args.seed}: {', '.join(args.sizes)}",
        "rules": "crews: crew_share; speeds: trainees x1.3, level-3 experts x0.85; "
        f"preferences: unpreferred_cost {UNPREFERRED_COST:g}; balance: "
        f"balance_cost_per_min {' and '.join(f'{c:g}' for c in BALANCE_COSTS)}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.md").write_text(_markdown(rows, settings), encoding="utf-8")


if __name__ == "__main__":
    main()
