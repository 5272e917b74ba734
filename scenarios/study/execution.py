"""The working day: the morning plan, the re-plans for jobs reported since, the plan worked.

1. at 07:00 the open jobs are planned (:func:`dispatch.solve.solve`) with the
   vans' and depots' stock as it is;
2. at each ``replan_at`` time, and at the quarter hour after an emergency is
   reported during the day (``replan_on_emergency``), the jobs reported since
   are inserted into the rest of the day
   (:func:`dispatch.replanning.rest_of_day.replan`), work done and under way
   staying where it is;
3. engineers work the plan as timed: a depot stop moves the picked-up parts
   into the van; a repair whose part was known when it was reported was
   supplied by the plan; one whose part shows only on site is fixed only if
   the van holds it, otherwise it becomes a follow-up job (first-time fix missed).

The plan's times are taken as what happens (no stochastic durations); driving
between stops is great-circle km x :data:`CIRCUITY` at the region's speed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dispatch.io.contract import (
    break_dict,
    default_objective,
    depot_dict,
    engineer_dict,
    geo,
    job_dict,
    period,
)
from dispatch.io.problem_json import PROBLEM_SCHEMA, problem_from_json
from dispatch.io.state_json import STATE_SCHEMA, state_from_json
from dispatch.model.entities import SolveOptions
from dispatch.replanning.rest_of_day import replan
from dispatch.solve import solve
from scenarios.generator.cities import km_between
from scenarios.study.results import DAY, SimJob, clock_minutes

if TYPE_CHECKING:
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem
    from scenarios.study.arrivals import Arrivals
    from scenarios.study.logistics import Logistics
    from scenarios.study.world import World

CIRCUITY = 1.3
MORNING = 7 * 60  # the morning plan covers jobs reported by 07:00
QUARTER = 15  # minutes: an emergency is re-planned for at the next quarter hour
#: The most jobs a morning plan is offered per engineer on shift.
JOBS_PER_ENGINEER = 20
#: The contract's default objective with lateness at a tenth of its rate, so that a job
#: is given up only when it would be more than 1,000 minutes late, not 100: a dispatcher
#: sends an engineer to a late emergency rather than leave it open for another day.
OBJECTIVE = {
    **default_objective(),
    "late_penalty_per_min": {"1": 100, "2": 20, "3": 5},
}


@dataclass(frozen=True)
class WorkedDay:
    """What the team did on one working day."""

    visits: int
    km: float
    overtime_min: float
    busy_min: float  # service and driving minutes of the whole team


class Execution:
    """Plans, re-plans and works each day of one variant, and sums up the team's work."""

    def __init__(self, world: World, seed: int, arrivals: Arrivals, logistics: Logistics) -> None:
        self.world = world
        self.settings = world.settings
        self.seed = seed
        self.arrivals = arrivals
        self.logistics = logistics
        self.busy_today: dict[str, float] = defaultdict(float)  # service and travel minutes
        self.busy_total: dict[str, float] = defaultdict(float)
        self.day_km = 0.0
        self.days_worked = 0
        self.km = 0.0
        self.overtime = 0.0
        self.work_min = 0.0

    def work_day(self, day: int) -> WorkedDay:
        """Plan, re-plan and work one day, and add it to the team's totals."""
        visits, km, overtime = self._plan_and_work(day)
        self.km += km
        self.overtime += overtime
        busy = sum(self.busy_today.values())
        for e, minutes in self.busy_today.items():
            self.busy_total[e] += minutes
        self.days_worked += 1
        self.work_min += busy
        return WorkedDay(visits, km, overtime, busy)

    # --------------------------------------------------------------- planning --

    def _job_json(self, j: SimJob, start: float, end: float) -> dict[str, Any]:
        """The job as a problem's (or a new job of a state) with one window, ``start`` to ``end``."""
        site, iso = self.world.sites[j.site], self.world.iso
        return job_dict(
            j.id,
            geo(site.lat, site.lon),
            j.duration,
            [period(iso(max(start, j.earliest)), iso(end))],
            kind=j.kind,
            priority=j.priority,
            # a deadline already missed has no more to keep: the job is planned as soon as it
            # fits, kept in the plan by its priority's unassigned penalty
            sla_deadline=None if j.deadline is None or j.deadline <= start else iso(j.deadline),
            skills=j.skills,
            parts={j.part: 1} if j.part and j.known else {},
            tools=j.tools,
        )

    def _problem(self, day: int, jobs: list[SimJob]) -> dict[str, Any]:
        """The morning's problem: the team at home, the vans' and depots' stock as it is."""
        w, t0, iso = self.world, day * DAY, self.world.iso
        engineers = [
            engineer_dict(
                e.id,
                geo(e.lat, e.lon),
                period(iso(t0 + e.shift[0]), iso(t0 + e.shift[1])),
                end=geo(e.lat, e.lon),
                max_overtime_min=e.max_overtime_min,
                breaks=[break_dict(iso(t0 + 690), iso(t0 + 810), e.break_min)]
                if e.break_min
                else [],
                skills=e.skills,
                van_stock=self.logistics.stock_at(e.id),
                tools=e.tools,
            )
            for e in w.engineers
        ]
        depots = [
            depot_dict(
                d.id,
                geo(d.lat, d.lon),
                period(iso(t0 + d.opens), iso(t0 + d.closes)),
                pickup_min=d.pickup_min,
                stock=self.logistics.stock_at(d.id),
                tools=d.tools,
            )
            for d in w.depots
        ]
        return {
            "schema": PROBLEM_SCHEMA,
            "meta": {"source": "scenarios.study.cosim", "day": day},
            "horizon": period(iso(t0), iso(t0 + DAY)),
            "travel": {"kind": "great_circle", "speed_kmh": w.speed_kmh, "circuity": CIRCUITY},
            "engineers": engineers,
            "jobs": [self._job_json(j, t0, t0 + 20 * 60) for j in jobs],
            "depots": depots,
            "objective": OBJECTIVE,
            "options": {
                "time_limit_s": float(self.settings["plan_time_s"]),
                "seed": self.seed,
                "solution_limit": int(self.settings["plan_solutions"]),
            },
        }

    def _plannable(self, now: float, day_end: float) -> list[SimJob]:
        """The open jobs offered to the morning plan: the most urgent, at most
        JOBS_PER_ENGINEER a head (a dispatcher does not hand a day a week's backlog)."""
        ready = [
            j for j in self.arrivals.open.values() if j.reported <= now and j.earliest < day_end
        ]
        ready.sort(
            key=lambda j: (
                j.priority,
                j.deadline if j.deadline is not None else math.inf,
                j.reported,
                j.id,
            )
        )
        return sorted(ready[: JOBS_PER_ENGINEER * len(self.world.engineers)], key=lambda j: j.id)

    def _plan_and_work(self, day: int) -> tuple[int, float, float]:
        """Plan, re-plan and work one day; returns (visits, km, overtime minutes)."""
        t0 = day * DAY
        cutoff: float = t0 + MORNING
        jobs = self._plannable(cutoff, t0 + 18 * 60)
        pos = {e.id: (e.lat, e.lon) for e in self.world.engineers}
        clock: dict[str, float] = {e.id: float(t0 + e.shift[0]) for e in self.world.engineers}
        self.day_km = 0.0
        self.busy_today = defaultdict(float)
        visits = 0
        if not jobs:
            return 0, 0.0, 0.0
        problem = problem_from_json(self._problem(day, jobs))
        plan = solve(problem, problem.options)
        for at in self._replan_times(day):
            new = [j for j in self.arrivals.open.values() if cutoff < j.reported <= at]
            if not new:
                continue
            visits += self._execute(problem, plan, pos, clock, before=at)
            state = self._state(plan, problem, at, new)
            result = replan(
                problem,
                plan,
                state_from_json(state, problem),
                SolveOptions(
                    time_limit_s=float(self.settings["replan_time_s"]),
                    seed=self.seed,
                    solution_limit=int(self.settings["replan_steps"]),
                ),
            )
            problem, plan = result.problem, result.plan
            cutoff = at
        visits += self._execute(problem, plan, pos, clock, before=None)
        overtime = 0.0
        for e in self.world.engineers:
            if pos[e.id] != (e.lat, e.lon):
                leg = self._travel(e.id, pos[e.id], (e.lat, e.lon))
                clock[e.id] += leg / self.world.speed_kmh * 60.0
                pos[e.id] = (e.lat, e.lon)
                overtime += max(0.0, clock[e.id] - (t0 + e.shift[1]))
        return visits, self.day_km, overtime

    def _replan_times(self, day: int) -> list[float]:
        """The day's re-plans: the set times, and (``replan_on_emergency``) the quarter hour
        after each emergency reported while the day team works."""
        t0 = day * DAY
        times = {t0 + clock_minutes(hhmm) for hhmm in self.settings["replan_at"]}
        if self.settings["replan_on_emergency"]:
            handover = t0 + clock_minutes(self.settings["on_call"]["from"])
            for j in self.arrivals.open.values():
                if j.kind == "emergency" and t0 + MORNING < j.reported < handover:
                    times.add(min(handover, math.ceil(j.reported / QUARTER) * QUARTER))
        return sorted(float(t) for t in times)

    def _origin(self, problem: Problem) -> float:
        """Simulation minutes of the problem clock's zero."""
        return self.world.minutes(datetime.fromisoformat(str(problem.clock.format(0))))

    def _state(self, plan: Plan, problem: Problem, at: float, new: list[SimJob]) -> dict[str, Any]:
        fmt = self.world.iso
        origin = self._origin(problem)
        jobs: dict[str, Any] = {}
        for route in plan.routes:
            for stop in route.stops:
                if stop.type.value != "job" or stop.id is None:
                    continue
                start, end = origin + stop.start, origin + stop.end
                if end <= at:
                    jobs[stop.id] = {"status": "done"}
                elif start <= at:
                    jobs[stop.id] = {
                        "status": "in_progress",
                        "engineer": route.engineer,
                        "started": fmt(start),
                    }
        return {
            "schema": STATE_SCHEMA,
            "now": fmt(at),
            "jobs": jobs,
            "new_jobs": [
                self._job_json(j, at, (at // DAY) * DAY + 20 * 60)
                for j in new
                if j.earliest < (at // DAY) * DAY + 18 * 60
            ],
        }

    # ---------------------------------------------------------------- working --

    def _leg(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        return km_between(a[0], a[1], b[0], b[1]) * CIRCUITY

    def _travel(self, engineer: str, a: tuple[float, float], b: tuple[float, float]) -> float:
        """Drive from ``a`` to ``b``: km of the day and the engineer's busy minutes."""
        km = self._leg(a, b)
        self.day_km += km
        self.busy_today[engineer] += km / self.world.speed_kmh * 60.0
        return km

    def _execute(
        self,
        problem: Problem,
        plan: Plan,
        pos: dict[str, tuple[float, float]],
        clock: dict[str, float],
        before: float | None,
    ) -> int:
        """Work the plan's stops that start before ``before`` (all if None); visits made."""
        origin = self._origin(problem)
        depots = {d.id: d for d in self.world.depots}
        jobs, open_jobs = self.arrivals.jobs, self.arrivals.open
        visits = 0
        for route in plan.routes:
            e = route.engineer
            for stop in route.stops:
                start, end = origin + stop.start, origin + stop.end
                if before is not None and start >= before:
                    break
                kind = stop.type.value
                if kind == "break" or (start < clock[e] - 1e-6 and kind != "job"):
                    continue
                if kind == "depot":
                    d = depots[str(stop.id)]
                    self._travel(e, pos[e], (d.lat, d.lon))
                    pos[e] = (d.lat, d.lon)
                    self.busy_today[e] += end - start
                    self.logistics.pick_up(e, d.id, stop.pickup)
                elif (
                    kind == "job" and stop.id in open_jobs and jobs[str(stop.id)].closed_at is None
                ):
                    job = jobs[str(stop.id)]
                    site = self.world.sites[job.site]
                    self._travel(e, pos[e], (site.lat, site.lon))
                    pos[e] = (site.lat, site.lon)
                    self._visit(job, e, start, end)
                    self.busy_today[e] += end - start
                    visits += 1
                clock[e] = end
        return visits

    def _visit(self, job: SimJob, engineer: str, start: float, end: float) -> None:
        """The repair is done if it needs no part, or the van holds it; else a follow-up."""
        self.arrivals.visited(job, start, end)
        if job.part is None or self.logistics.use_from_van(engineer, job.part):
            self.arrivals.fixed(job, end)
        else:
            self.arrivals.follow_up(job, end)
