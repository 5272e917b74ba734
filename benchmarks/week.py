"""A week planned whole against the same week planned one day at a time.

The week is :func:`scenarios.generator.week.generate_week` (a shift per working
day, preventive visits that may go on any working day and are due in the
second half of the week, a weekend on-call rota, emergencies on every day).

- **Whole week**: one several-day plan of the whole horizon.
- **Day by day**: each morning the one-day engine plans that day alone with
  every job still open that can be done that day: the day's own jobs, every
  preventive visit not yet done (its window that day), and the jobs of earlier
  days left undone, carried to today at the same hours. Depot stock taken on
  one day is gone the next. The time limit is shared out equally over the days.

Both are scored on the week's own terms: a preventive visit is *on time*
when done by its due time, any job meets its SLA when it starts by its
deadline (or has none); km, overtime and call-outs are summed over the routes.

    python -m benchmarks.week --engineers 30 --jobs 600 --seconds 120
"""

from __future__ import annotations

import argparse
import copy
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.environment import environment_markdown
from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.model.plan import Plan
from dispatch.model.problem import Problem
from dispatch.model.reasons import StopType
from dispatch.solve import solve
from scenarios.generator.week import generate_week

RESULTS = Path(__file__).parent / "results"
DAY_MIN = 1440.0


@dataclass
class Score:
    """A week's outcome on the week's own terms."""

    served: int = 0
    km: float = 0.0
    overtime_min: float = 0.0
    callouts: int = 0
    routes: int = 0
    #: job id -> start, for every job served
    starts: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0

    def add(self, plan: Plan) -> None:
        self.km += plan.kpis.km
        self.overtime_min += plan.kpis.overtime_min
        self.callouts += plan.kpis.callouts or 0
        self.routes += len(plan.routes)
        for route in plan.routes:
            for stop in route.stops:
                if stop.type is StopType.JOB:
                    self.starts[str(stop.id)] = stop.start
        self.served = len(self.starts)


def _day(minutes: float) -> int:
    return math.floor(minutes / DAY_MIN + 1e-9)


def _whole_week(data: dict[str, Any], seconds: float, seed: int) -> tuple[Score, list[str]]:
    problem = problem_from_json(data)
    began = time.perf_counter()
    plan = solve(problem, SolveOptions(time_limit_s=seconds, seed=seed))
    score = Score(wall_s=time.perf_counter() - began)
    score.add(plan)
    return score, [str(v) for v in check(problem, plan)]


def _one_day(
    data: dict[str, Any],
    week: Problem,
    d: int,
    open_jobs: set[str],
    stock: dict[str, dict[str, int]],
) -> dict[str, Any] | None:
    """The one-day problem of day ``d``: that day's shifts and the jobs open then."""
    day = copy.deepcopy(data)
    clock = week.clock
    engineers = []
    for raw in day["engineers"]:
        shifts = [s for s in raw["shifts"] if _day(clock.parse(s["start"], "shift")) == d]
        if shifts:
            engineers.append({**raw, "shifts": shifts})
    if not engineers:
        return None
    jobs = []
    for raw in day["jobs"]:
        if raw["id"] not in open_jobs:
            continue
        spec = week.jobs[week.job_index[raw["id"]]]
        today = [w for w in raw["windows"] if _day(clock.parse(w["start"], "window")) == d]
        if not today:
            first = _day(spec.windows[0].start)
            if first >= d:
                continue  # not yet open: a later day's job
            # left undone on an earlier day: carried to today at the same hours
            today = [
                {
                    "start": clock.format(w.start + (d - first) * DAY_MIN),
                    "end": clock.format(w.end + (d - first) * DAY_MIN),
                }
                for w in spec.windows
                if _day(w.start) == first
            ]
        working = {e["id"] for e in engineers}
        if raw.get("pinned_engineer") not in (None, *working):
            continue  # pinned to an engineer who is off today
        named = {
            key: [e for e in raw[key] if e in working]
            for key in ("excluded_engineers", "preferred_engineers")
            if raw.get(key)
        }
        jobs.append({**raw, **named, "windows": today})
    if not jobs:
        return None
    for raw in day["depots"]:
        raw["stock"] = {p: q for p, q in stock[raw["id"]].items() if q > 0}
    day.update(engineers=engineers, jobs=jobs, name=f"day {d}")
    return day


def _day_by_day(data: dict[str, Any], seconds: float, seed: int) -> tuple[Score, list[str]]:
    week = problem_from_json(data)
    days = _day(week.clock.parse(data["horizon"]["end"], "horizon.end") - 1)
    open_jobs = {j.id for j in week.jobs}
    stock = {d["id"]: dict(d["stock"]) for d in data["depots"]}
    score = Score()
    problems: list[str] = []
    began = time.perf_counter()
    for d in range(days + 1):
        one = _one_day(data, week, d, open_jobs, stock)
        if one is None:
            continue
        problem = problem_from_json(one)
        plan = solve(problem, SolveOptions(time_limit_s=seconds / (days + 1), seed=seed))
        problems += [f"day {d}: {v}" for v in check(problem, plan)]
        score.add(plan)
        for route in plan.routes:
            for stop in route.stops:
                if stop.type is StopType.JOB:
                    open_jobs.discard(str(stop.id))
                elif stop.type is StopType.DEPOT:
                    for part, units in stop.pickup.items():
                        stock[str(stop.id)][part] -= units
    score.wall_s = time.perf_counter() - began
    return score, problems


def _rows(week: Problem, score: Score) -> dict[str, str]:
    pm = [j for j in week.jobs if j.kind.value == "preventive"]
    pm_on_time = sum(
        1
        for j in pm
        if j.id in score.starts
        and (j.sla_deadline is None or score.starts[j.id] <= j.sla_deadline + 1e-6)
    )
    out = {
        "jobs served": f"{score.served} of {len(week.jobs)}",
        "preventive visits done by their due time": f"{pm_on_time} of {len(pm)}",
    }
    for priority in sorted({j.priority for j in week.jobs}):
        mine = [j for j in week.jobs if j.priority == priority]
        met = sum(
            1
            for j in mine
            if j.id in score.starts
            and (j.sla_deadline is None or score.starts[j.id] <= j.sla_deadline + 1e-6)
        )
        out[f"priority {priority}: SLA met"] = f"{met} of {len(mine)}"
    out.update(
        {
            "km": f"{score.km:,.1f}",
            "overtime": f"{score.overtime_min:,.0f} min",
            "call-outs": str(score.callouts),
            "routes": str(score.routes),
            "wall time": f"{score.wall_s:.1f} s",
        }
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engineers", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=600)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    lines = [
        f"# A week planned whole against day by day: {args.engineers} engineers, "
        f"{args.days} working days and a weekend on call, {args.jobs} jobs",
        "",
        environment_markdown(
            {
                "instances": f"scenarios.generator.week, seeds {args.seeds}",
                "time limit": f"{args.seconds:g} s for the week (day by day: shared equally "
                "over the days)",
            }
        ),
        "",
        "Goal: the whole-week plan drives at least 10 % fewer km than day by day, with as "
        "many preventive visits done by their due time and SLA met as good or better.",
        "",
    ]
    for seed in args.seeds:
        data = generate_week(args.engineers, args.jobs, seed=seed, working_days=args.days)
        week = problem_from_json(data)
        whole, whole_bad = _whole_week(data, args.seconds, seed)
        daily, daily_bad = _day_by_day(data, args.seconds, seed)
        left, right = _rows(week, whole), _rows(week, daily)
        lines += [
            f"## Seed {seed}",
            "",
            "| measure | whole week | day by day |",
            "| --- | --- | --- |",
            *(f"| {k} | {left[k]} | {right[k]} |" for k in left),
            f"| km, whole week against day by day | {100 * (whole.km / daily.km - 1):+.1f} % | |",
            f"| validator | {'valid' if not whole_bad else whole_bad[0]} "
            f"| {'valid' if not daily_bad else daily_bad[0]} |",
            "",
        ]
        print("\n".join(lines[-(len(left) + 6) :]))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "week.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
