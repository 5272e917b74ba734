"""Field-service days: fieldplan against VROOM on the same generated problems.

VROOM gets the same problem in its own terms: skill levels, tools,
exclusions and pins as VROOM skills, van stock as capacity (VROOM cannot send
an engineer to a depot), SLA deadlines as hard windows, breaks as VROOM
breaks, priorities mapped to VROOM priorities (1 -> 100, 2 -> 40, 3 -> 10).
Both plans are then timed by fieldplan's evaluator and scored with the
contract objective, and both go through the independent validator.

    python -m benchmarks.field --seconds 30 --sizes 10x45 30x130 100x450
    python -m benchmarks.field --seconds 60 --sizes 250x1000+office+appointments --name field-office

A size ``ExJ`` may carry ``+office`` (one city, every engineer leaving from its
warehouse) and ``+appointments`` (two-hour slots for every job but emergencies):
the generator's ``start`` and ``windows`` variants.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.environment import environment_markdown
from dispatch.evaluate.check import check
from dispatch.evaluate.diagnose import diagnose
from dispatch.evaluate.timing import evaluate, schedule
from dispatch.io.problem_json import problem_from_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.plan import Plan
from dispatch.model.problem import Problem
from dispatch.model.reasons import StopType
from dispatch.solve import solve
from scenarios.generator.day import generate_dispatch

RESULTS = Path(__file__).parent / "results"
VROOM_PRIORITY = {1: 100, 2: 40, 3: 10}


@dataclass(frozen=True)
class Row:
    size: str
    engine: str
    objective: float
    assigned: int
    jobs: int
    p1_sla_met: int
    p1_jobs: int
    km: float
    overtime_min: float
    violations: int
    wall_s: float


def solve_vroom(problem: Problem, threads: int = 2, exploration: int = 5) -> Plan:
    """VROOM's plan for the problem (mapping in the module docstring), timed by fieldplan."""
    import vroom

    net = problem.network
    base = min([e.shift.start for e in problem.engineers] + [problem.horizon.start])

    def sec(minutes: float) -> int:
        return max(0, round((minutes - base) * 60))

    vi = vroom.Input()
    vi.set_durations_matrix("car", np.ceil(net.travel.minutes * 60 - 1e-6).astype(np.uint32))
    cost = np.rint(net.travel.km * problem.objective.travel_cost_per_km * 1000).astype(np.uint32)
    vi.set_costs_matrix("car", cost)
    skill_ids: dict[tuple[str, ...], int] = {}

    def sid(*key: str) -> int:
        return skill_ids.setdefault(key, len(skill_ids) + 1)

    parts = sorted({p for j in problem.jobs for p in j.parts})
    total_demand = sum(j.demand for j in problem.jobs) or 1
    for v, e in enumerate(problem.engineers):
        skills = {
            sid("skill", s, str(level))
            for s, top in e.skills.items()
            for level in range(1, top + 1)
        }
        skills |= {sid("tool", t) for t in e.tools}
        skills |= {sid("allowed", j.id) for j in problem.jobs if e.id not in j.excluded_engineers}
        skills |= {sid("pin", j.id) for j in problem.jobs if j.pinned_engineer == e.id}
        breaks = [
            vroom.Break(
                k + 1 + 100 * v,
                [vroom.TimeWindow(sec(b.earliest), sec(b.latest))],
                round(b.duration_min * 60),
            )
            for k, b in enumerate(e.breaks)
        ]
        vi.add_vehicle(
            vroom.Vehicle(
                v + 1,
                start=net.engineer_start[v],
                end=net.engineer_end[v],
                capacity=vroom.Amount(
                    [e.van_stock.get(p, 0) for p in parts] + [e.capacity or total_demand]
                ),
                skills=skills,
                time_window=vroom.TimeWindow(sec(e.shift.start), sec(e.latest_return)),
                breaks=breaks,
            )
        )
    for j, job in enumerate(problem.jobs):
        windows = []
        for w in job.windows:
            end = w.end if job.sla_deadline is None else min(w.end, job.sla_deadline)
            if end >= w.start:
                windows.append(vroom.TimeWindow(sec(w.start), sec(end)))
        if not windows:
            continue  # the deadline falls before every window: VROOM cannot serve it on time
        skills = {sid("skill", s, str(level)) for s, level in job.skills.items() if level > 0}
        skills |= {sid("tool", t) for t in job.tools} | {sid("allowed", job.id)}
        if job.pinned_engineer is not None:
            skills.add(sid("pin", job.id))
        vi.add_job(
            vroom.Job(
                j + 1,
                net.job_site[j],
                default_service=round(job.duration_min * 60),
                delivery=vroom.Amount([job.parts.get(p, 0) for p in parts] + [job.demand]),
                skills=skills,
                priority=VROOM_PRIORITY.get(job.priority, 0),
                time_windows=windows,
            )
        )
    began = time.perf_counter()
    solution = vi.solve(exploration_level=exploration, nb_threads=threads)
    wall = time.perf_counter() - began
    drafts = []
    for route in solution.to_dict()["routes"]:
        v = int(route["vehicle"]) - 1
        visits: list[Visit] = []
        for step in route["steps"]:
            if step["type"] == "job":
                visits.append(Visit(StopType.JOB, problem.jobs[int(step["id"]) - 1].id))
            elif step["type"] == "break":
                visits.append(Visit(StopType.BREAK, int(step["id"]) - 1 - 100 * v))
        drafts.append(RouteDraft(problem.engineers[v].id, tuple(visits)))
    routes = [schedule(problem, d) for d in drafts if d.job_ids]
    served = {j for r in routes for j in r.job_ids}
    unassigned = diagnose(problem, routes, [j.id for j in problem.jobs if j.id not in served])
    from dispatch.model.plan import SolverInfo

    return evaluate(problem, drafts, unassigned, SolverInfo("vroom", 0.0, 0, wall))


def _row(size: str, engine: str, problem: Problem, plan: Plan, wall: float) -> Row:
    p1 = plan.kpis.sla_met_by_priority.get("1", {"jobs": 0, "sla_met": 0})
    return Row(
        size,
        engine,
        plan.kpis.objective,
        plan.kpis.assigned,
        plan.kpis.jobs,
        p1["sla_met"],
        p1["jobs"],
        plan.kpis.km,
        plan.kpis.overtime_min,
        len(check(problem, plan)),
        wall,
    )


def day_size(size: str) -> dict[str, Any]:
    """The generator's arguments of a size ``ExJ[+office][+appointments]``."""
    counts, *variants = size.split("+")
    engineers, jobs = (int(x) for x in counts.split("x"))
    return {
        "engineers": engineers,
        "jobs": jobs,
        "start": "office" if "office" in variants else "home",
        "windows": "appointments" if "appointments" in variants else "customer",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sizes", nargs="+", default=["10x45", "30x130", "100x450"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="field", help="results file stem")
    args = parser.parse_args()
    rows: list[Row] = []
    for size in args.sizes:
        problem = problem_from_json(generate_dispatch(**day_size(size), seed=args.seed))
        began = time.perf_counter()
        ours = solve(problem, SolveOptions(time_limit_s=args.seconds, seed=0))
        rows.append(_row(size, "fieldplan", problem, ours, time.perf_counter() - began))
        began = time.perf_counter()
        theirs = solve_vroom(problem)
        rows.append(_row(size, "vroom", problem, theirs, time.perf_counter() - began))
        for r in rows[-2:]:
            print(json.dumps(r.__dict__), flush=True)
    write(rows, args)


def write(rows: list[Row], args: argparse.Namespace) -> None:
    RESULTS.mkdir(exist_ok=True)
    lines = [
        "# Field-service days: fieldplan and VROOM on the same problems",
        "",
        environment_markdown(
            {
                "fieldplan time limit": f"{args.seconds:g} s",
                "vroom": "exploration 5, 2 threads",
                "instances": f"scenarios.generator.day seed {args.seed}: {', '.join(args.sizes)}",
            }
        ),
        "",
        "Objective: the contract objective recomputed by fieldplan from each plan's routes "
        "(unassigned penalties, lateness, overtime, travel). Violations: independent validator.",
        "",
        "| size | engine | objective | assigned | P1 SLA met | km | overtime min | violations | wall s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.size} | {r.engine} | {r.objective:,.0f} | {r.assigned}/{r.jobs} | "
            f"{r.p1_sla_met}/{r.p1_jobs} | {r.km:,.1f} | {r.overtime_min:,.0f} | {r.violations} | {r.wall_s:.1f} |"
        )
    lines += [
        "",
        "fieldplan / VROOM, same run:",
        "",
        "| size | objective ratio | extra jobs assigned | extra P1 SLA met |",
        "| --- | --- | --- | --- |",
    ]
    for size in dict.fromkeys(r.size for r in rows):
        ours = next(r for r in rows if r.size == size and r.engine == "fieldplan")
        theirs = next(r for r in rows if r.size == size and r.engine == "vroom")
        ratio = ours.objective / theirs.objective if theirs.objective else math.nan
        lines.append(
            f"| {size} | {ratio:.3f} | {ours.assigned - theirs.assigned:+d} | "
            f"{ours.p1_sla_met - theirs.p1_sla_met:+d} |"
        )
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
