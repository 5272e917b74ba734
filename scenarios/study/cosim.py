"""Multi-day co-simulation: faults arrive, the dispatch engine plans and re-plans, engineers
work the plan, parts are used and replenished, unserved jobs carry over.

Each working day:

1. at 07:00 the open jobs are planned (:func:`dispatch.solve.solve`) with the
   vans' and depots' stock as it is;
2. at each ``replan_at`` time the jobs reported since are inserted into the
   rest of the day (:func:`dispatch.replanning.rest_of_day.replan`), work done and under way
   staying where it is;
3. engineers work the plan as timed: a depot stop moves the picked-up parts
   into the van; a repair whose part was known when it was reported was
   supplied by the plan; one whose part shows only on site is fixed only if the
   van holds it, otherwise it becomes a follow-up job (first-time fix missed);
4. in the evening vans are refilled from their depot to the van policy, each
   depot orders up to its base-stock level from the central warehouse
   (arriving after ``transit_days``) and the central warehouse from the
   supplier (after ``supplier_lead_days``), the levels being the stock plan's
   (:func:`inventory.planner.plan_stock` on the demand the fault rates imply).

Faults arrive every day, weekends included; planning happens on working days.
Times are minutes after the first day's local midnight at the region's UTC
offset on that day (summer-time changes within a study are ignored). The plan's
times are taken as what happens (no stochastic durations). Seeded and
reproducible: the searches stop after a number of steps, not a time, so the
same study and seed give the same figures on any machine.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatch.io.problem_json import PROBLEM_SCHEMA, problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.model.sla import Coverage, WorkingCalendar, add_sla_minutes
from dispatch.replanning.rest_of_day import replan
from dispatch.solve import solve
from scenarios.generator.cities import haversine_km
from scenarios.generator.day import OBJECTIVE, PARTS, PRODUCT_LINES
from scenarios.study.world import (
    EMERGENCY_SHARE,
    INSTALLATION_SHARE,
    PART_SHARE,
    PLANNED_WINDOW_DAYS,
    World,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

CIRCUITY = 1.3
DAY = 1440
MORNING = 7 * 60  # the morning plan covers jobs reported by 07:00
#: The most jobs a morning plan is offered per engineer on shift.
JOBS_PER_ENGINEER = 20
REPAIR_KINDS = ("emergency", "normal", "follow_up")
LINE_TOOL = {p.name: p.tool for p in PRODUCT_LINES}
PART_LINE = {p.id: p.line for p in PARTS}


@dataclass
class SimJob:
    id: str
    site: int
    kind: str
    priority: int
    reported: float
    deadline: float | None
    tier: str | None
    part: str | None  # the part the repair needs, if any
    known: bool  # whether that need is known before the visit
    duration: int
    skills: dict[str, int]
    tools: list[str]
    earliest: float
    root: str  # the fault this job belongs to (itself, or the job a follow-up continues)
    first_visit: float | None = None
    closed_at: float | None = None  # visited and done (fixed, or handed to a follow-up)
    fixed: bool = False
    fixed_at: float | None = None  # of a fault: when it was fixed, by this visit or a follow-up


@dataclass
class DayFigures:
    day: int
    date: str
    arrived: int
    visits: int
    backlog: int
    due: int
    on_time: int
    km: float
    overtime_min: float
    utilisation: float


@dataclass
class VariantResult:
    name: str
    days: list[DayFigures]
    kpis: dict[str, Any]
    utilisation: dict[str, float]  # per engineer, over the days worked
    depot_fill: dict[str, float]
    conservation: dict[str, int]
    jobs: dict[str, int]
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)


class Simulation:
    """One variant of a study, day by day."""

    def __init__(self, world: World, days: int, seed: int) -> None:
        self.world = world
        self.days = days
        self.seed = seed
        s = world.settings
        self.settings = s
        zone_hours = world.utc_offset_min // 60
        self.calendar = WorkingCalendar(
            timezone=f"Etc/GMT{-zone_hours:+d}" if zone_hours else "UTC",
            opens=time(8),
            closes=time(18),
        )
        self.arrivals = np.random.default_rng([seed, 17])  # the same faults for every variant
        self.jobs: dict[str, SimJob] = {}
        self.open: dict[str, SimJob] = {}
        self.count = 0
        self.levels, self.investment = self._stock_plan()
        self.on_hand: dict[str, dict[str, int]] = {"central": dict(self.levels["central"])}
        for d in world.depots:
            self.on_hand[d.id] = dict(self.levels[d.id])
        for e in world.engineers:
            self.on_hand[e.id] = dict(e.van_target)
        self.initial = self._total_on_hand()
        self.pipeline: list[tuple[int, str, str, int]] = []  # (arrival day, place, part, units)
        self.received = 0
        self.consumed = 0
        self.requests: dict[str, int] = defaultdict(int)
        self.filled: dict[str, int] = defaultdict(int)
        self.figures: list[DayFigures] = []
        self.busy_today: dict[str, float] = defaultdict(float)  # service and travel minutes
        self.busy_total: dict[str, float] = defaultdict(float)
        self.days_worked = 0
        self.km = 0.0
        self.overtime = 0.0
        self.work_min = 0.0

    # ------------------------------------------------------------------ stock --

    def _stock_plan(self) -> tuple[dict[str, dict[str, int]], float]:
        from inventory.json_io import problem_from_json as stock_problem
        from inventory.planner import plan_stock

        w, s = self.world, self.world.settings
        demand: dict[str, dict[str, float]] = {d.id: defaultdict(float) for d in w.depots}
        for site, rates in zip(w.sites, w.fault_rates, strict=True):
            for part, rate in rates.items():
                demand[site.depot][part] += rate * PART_SHARE
        parts = []
        for p in PARTS:
            regions = {
                d.id: {
                    "demand": round(demand[d.id][p.id], 6),
                    "resupply": max(0.25, float(s["transit_days"])),
                }
                for d in w.depots
            }
            if sum(r["demand"] for r in regions.values()) <= 0:
                continue
            parts.append(
                {
                    "sku": p.id,
                    "unit_cost": w.unit_cost[p.id],
                    "central_resupply": max(1.0, float(s["supplier_lead_days"])),
                    "regions": regions,
                }
            )
        problem = {
            "schema": "fieldplan.inventory.problem/1",
            "time_unit": "day",
            "central": {"id": "central"},
            "regions": [{"id": d.id} for d in w.depots],
            "parts": parts,
            "goal": dict(s["stock"]),
            "model": "vari-metric",
        }
        plan = plan_stock(stock_problem(problem)).to_json()
        levels: dict[str, dict[str, int]] = defaultdict(dict)
        for sku, where in plan["levels"].items():
            for place, units in where.items():
                levels[place][sku] = int(units)
        investment = (
            float(plan["investment"])
            if "investment" in plan
            else sum(u * w.unit_cost[k] for place in levels.values() for k, u in place.items())
        )
        investment += sum(u * w.unit_cost[k] for e in w.engineers for k, u in e.van_target.items())
        return dict(levels), investment

    def _total_on_hand(self) -> int:
        return sum(sum(place.values()) for place in self.on_hand.values())

    # --------------------------------------------------------------- arrivals --

    def _deadline(self, reported: float, kind: str, tier: str) -> float:
        s = self.settings
        minutes = float(s["sla"][kind][tier])
        at = datetime.fromisoformat(self.world.iso(reported))
        due = add_sla_minutes(at, minutes, Coverage(s["coverage"][tier]), self.calendar)
        return self._minutes(due)

    def _planned_due(self, reported: float) -> float:
        """A planned visit is due within PLANNED_WINDOW_DAYS working days (10 h each)."""
        at = datetime.fromisoformat(self.world.iso(reported))
        due = add_sla_minutes(
            at, PLANNED_WINDOW_DAYS * 600.0, Coverage.BUSINESS_HOURS, self.calendar
        )
        return self._minutes(due)

    def _minutes(self, moment: datetime) -> float:
        origin = datetime.fromisoformat(self.world.iso(0))
        return (moment - origin).total_seconds() / 60.0

    def _new_job(self, **kw: Any) -> SimJob:
        self.count += 1
        ident = kw.pop("ident", None) or f"J{self.count:05d}"
        job = SimJob(id=ident, root=kw.pop("root", None) or ident, **kw)
        self.jobs[job.id] = job
        self.open[job.id] = job
        return job

    def arrive(self, day: int, working: bool) -> int:
        """The day's faults (and, on working days, its planned visits); how many arrived."""
        w, rng = self.world, self.arrivals
        rates = np.array([sum(r.values()) for r in w.fault_rates])
        n = int(rng.poisson(rates.sum()))
        sites = rng.choice(len(rates), size=n, p=rates / rates.sum())
        u = rng.random((n, 6))  # the same draws per fault whatever the variant's settings
        arrived = 0
        for k in range(n):
            site = w.sites[int(sites[k])]
            parts = w.fault_rates[int(sites[k])]
            names = sorted(parts)
            weights = np.array([parts[p] for p in names])
            part = names[
                min(
                    len(names) - 1,
                    int(np.searchsorted(np.cumsum(weights) / weights.sum(), u[k, 0])),
                )
            ]
            kind = "emergency" if u[k, 1] < EMERGENCY_SHARE else "normal"
            reported = day * DAY + u[k, 2] * DAY
            needs = u[k, 3] < PART_SHARE
            self._new_job(
                site=int(sites[k]),
                kind=kind,
                priority=1 if kind == "emergency" else 2,
                reported=reported,
                deadline=self._deadline(reported, kind, site.tier),
                tier=site.tier,
                part=part if needs else None,
                known=bool(u[k, 4] < self.settings["part_known_share"]),
                duration=[45, 60, 75, 90, 120][int(u[k, 5] * 5)],
                skills={site.line: 2 if u[k, 5] > 0.7 else 1},
                tools=[t for t in [LINE_TOOL[site.line]] if t and u[k, 0] < 0.25],
                earliest=reported,
            )
            arrived += 1
        if working:
            m = int(rng.poisson(w.planned_per_day))
            chosen = rng.choice(len(w.sites), size=m)
            v = rng.random((m, 2))
            for k in range(m):
                site = w.sites[int(chosen[k])]
                kind = "installation" if v[k, 0] < INSTALLATION_SHARE else "preventive"
                reported = day * DAY + 6 * 60
                self._new_job(
                    site=int(chosen[k]),
                    kind=kind,
                    priority=3,
                    reported=reported,
                    deadline=self._planned_due(reported),
                    tier=site.tier,
                    part=None,
                    known=True,
                    duration=[45, 60, 90, 120][int(v[k, 1] * 4)],
                    skills={site.line: 1},
                    tools=[],
                    earliest=reported,
                )
                arrived += 1
        return arrived

    # --------------------------------------------------------------- planning --

    def _job_json(self, j: SimJob, start: float, end: float) -> dict[str, Any]:
        site = self.world.sites[j.site]
        out: dict[str, Any] = {
            "id": j.id,
            "site": {"lat": site.lat, "lon": site.lon},
            "kind": j.kind,
            "priority": j.priority,
            "duration_min": j.duration,
            "windows": [
                {"start": self.world.iso(max(start, j.earliest)), "end": self.world.iso(end)}
            ],
            "skills": dict(j.skills),
            "parts": {j.part: 1} if j.part and j.known else {},
            "tools": list(j.tools),
        }
        if j.deadline is not None:
            out["sla_deadline"] = self.world.iso(j.deadline)
        return out

    def _problem(self, day: int, jobs: list[SimJob]) -> dict[str, Any]:
        w, t0, iso = self.world, day * DAY, self.world.iso
        engineers = []
        for e in w.engineers:
            home = {"lat": e.lat, "lon": e.lon}
            engineers.append(
                {
                    "id": e.id,
                    "start": home,
                    "end": home,
                    "shift": {"start": iso(t0 + e.shift[0]), "end": iso(t0 + e.shift[1])},
                    "max_overtime_min": e.max_overtime_min,
                    "breaks": [
                        {
                            "earliest": iso(t0 + 690),
                            "latest": iso(t0 + 810),
                            "duration_min": e.break_min,
                        }
                    ]
                    if e.break_min
                    else [],
                    "skills": dict(e.skills),
                    "van_stock": {p: q for p, q in self.on_hand[e.id].items() if q > 0},
                    "tools": list(e.tools),
                }
            )
        return {
            "schema": PROBLEM_SCHEMA,
            "meta": {"source": "scenarios.study.cosim", "day": day},
            "horizon": {"start": iso(t0), "end": iso(t0 + DAY)},
            "travel": {"kind": "great_circle", "speed_kmh": w.speed_kmh, "circuity": CIRCUITY},
            "engineers": engineers,
            "jobs": [self._job_json(j, t0, t0 + 20 * 60) for j in jobs],
            "depots": [
                {
                    "id": d.id,
                    "location": {"lat": d.lat, "lon": d.lon},
                    "hours": {"start": iso(t0 + d.opens), "end": iso(t0 + d.closes)},
                    "pickup_min": d.pickup_min,
                    "stock": {p: q for p, q in self.on_hand[d.id].items() if q > 0},
                    "tools": list(d.tools),
                }
                for d in w.depots
            ],
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
        ready = [j for j in self.open.values() if j.reported <= now and j.earliest < day_end]
        ready.sort(
            key=lambda j: (
                j.priority,
                j.deadline if j.deadline is not None else math.inf,
                j.reported,
                j.id,
            )
        )
        return sorted(ready[: JOBS_PER_ENGINEER * len(self.world.engineers)], key=lambda j: j.id)

    def work_day(self, day: int) -> tuple[int, float, float]:
        """Plan, re-plan and work one day; returns (visits, km, overtime minutes)."""
        t0 = day * DAY
        cutoff = t0 + MORNING
        jobs = self._plannable(cutoff, t0 + 18 * 60)
        pos = {e.id: (e.lat, e.lon) for e in self.world.engineers}
        clock: dict[str, float] = {e.id: float(t0 + e.shift[0]) for e in self.world.engineers}
        self._day_km = 0.0
        self.busy_today = defaultdict(float)
        visits = 0
        if not jobs:
            return 0, 0.0, 0.0
        problem = problem_from_json(self._problem(day, jobs))
        plan = solve(problem, problem.options)
        for hhmm in self.settings["replan_at"]:
            at = t0 + int(hhmm[:2]) * 60 + int(hhmm[3:])
            new = [j for j in self.open.values() if cutoff < j.reported <= at]
            if not new:
                continue
            visits += self._execute(problem, plan, pos, clock, before=at)
            state = self._state(plan, problem, at, new)
            from dispatch.io.state_json import state_from_json

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
        return visits, self._day_km, overtime

    def _origin(self, problem: Problem) -> float:
        """Simulation minutes of the problem clock's zero."""
        return self._minutes(datetime.fromisoformat(str(problem.clock.format(0))))

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
            "schema": "fieldplan.dispatch.state/1",
            "now": fmt(at),
            "jobs": jobs,
            "new_jobs": [
                self._job_json(j, at, (at // DAY) * DAY + 20 * 60)
                for j in new
                if j.earliest < (at // DAY) * DAY + 18 * 60
            ],
        }

    # -------------------------------------------------------------- execution --

    def _leg(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        return float(haversine_km(a[0], a[1], b[0], b[1])) * CIRCUITY

    def _travel(self, engineer: str, a: tuple[float, float], b: tuple[float, float]) -> float:
        """Drive from ``a`` to ``b``: km of the day and the engineer's busy minutes."""
        km = self._leg(a, b)
        self._day_km += km
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
                    for part, units in stop.pickup.items():
                        give = min(units, self.on_hand[d.id].get(part, 0))
                        self.requests[d.id] += units
                        self.filled[d.id] += give
                        self.on_hand[d.id][part] = self.on_hand[d.id].get(part, 0) - give
                        self.on_hand[e][part] = self.on_hand[e].get(part, 0) + give
                elif (
                    kind == "job"
                    and stop.id in self.open
                    and self.jobs[str(stop.id)].closed_at is None
                ):
                    job = self.jobs[str(stop.id)]
                    site = self.world.sites[job.site]
                    self._travel(e, pos[e], (site.lat, site.lon))
                    pos[e] = (site.lat, site.lon)
                    self._visit(job, e, start, end)
                    self.busy_today[e] += end - start
                    visits += 1
                clock[e] = end
        return visits

    def _visit(self, job: SimJob, engineer: str, start: float, end: float) -> None:
        if job.first_visit is None:
            job.first_visit = start
        job.closed_at = end
        del self.open[job.id]
        if job.part is None:
            self._fixed(job, end)
            return
        van = self.on_hand[engineer]
        if van.get(job.part, 0) >= 1:
            van[job.part] -= 1
            self.consumed += 1
            self._fixed(job, end)
            return
        # the part is not in the van: a follow-up visit once it is known and brought
        tier = job.tier or "silver"
        self._new_job(
            ident=f"{job.root}-F{sum(1 for j in self.jobs.values() if j.root == job.root)}",
            site=job.site,
            kind="follow_up",
            priority=2,
            reported=end,
            deadline=self._deadline(end, "follow_up", tier),
            tier=job.tier,
            part=job.part,
            known=True,
            duration=job.duration,
            skills=dict(job.skills),
            tools=list(job.tools),
            earliest=end,
            root=job.root,
        )

    def _fixed(self, job: SimJob, at: float) -> None:
        job.fixed = True
        job.fixed_at = at
        root = self.jobs[job.root]
        if root.fixed_at is None:
            root.fixed_at = at

    # ---------------------------------------------------------------- evening --

    def evening(self, day: int) -> None:
        w, s = self.world, self.settings
        for e in w.engineers:
            van, depot = self.on_hand[e.id], self.on_hand[e.depot]
            for part, target in e.van_target.items():
                need = target - van.get(part, 0)
                if need <= 0:
                    continue
                give = min(need, depot.get(part, 0))
                self.requests[e.depot] += need
                self.filled[e.depot] += give
                depot[part] = depot.get(part, 0) - give
                van[part] = van.get(part, 0) + give
        transit: dict[tuple[str, str], int] = defaultdict(int)
        for _arrive, place, part, units in self.pipeline:
            transit[(place, part)] += units
        central = self.on_hand["central"]
        for d in w.depots:
            for part, level in self.levels.get(d.id, {}).items():
                position = self.on_hand[d.id].get(part, 0) + transit[(d.id, part)]
                ship = min(max(0, level - position), central.get(part, 0))
                if ship:
                    central[part] -= ship
                    self.pipeline.append((day + int(s["transit_days"]), d.id, part, ship))
        for part, level in self.levels.get("central", {}).items():
            position = central.get(part, 0) + transit[("central", part)]
            if position < level:
                self.pipeline.append(
                    (day + int(s["supplier_lead_days"]), "central", part, level - position)
                )

    def deliveries(self, day: int) -> None:
        keep = []
        for arrive, place, part, units in self.pipeline:
            if arrive <= day:
                self.on_hand[place][part] = self.on_hand[place].get(part, 0) + units
                if place == "central":
                    self.received += units
            else:
                keep.append((arrive, place, part, units))
        self.pipeline = keep

    # -------------------------------------------------------------------- run --

    def run(self, progress: Callable[[int], None] | None = None) -> VariantResult:
        worked, day = 0, 0
        while worked < self.days:
            self.deliveries(day)
            weekday = (self.world.start + timedelta(days=day)).weekday()
            working = weekday < 5
            arrived = self.arrive(day, working)
            if working:
                visits, km, overtime = self.work_day(day)
                self.km += km
                self.overtime += overtime
                self.evening(day)
                worked += 1
                end = (day + 1) * DAY
                due = [
                    j
                    for j in self.jobs.values()
                    if j.deadline is not None and day * DAY <= j.deadline < end
                ]
                on_time = sum(1 for j in due if reached_in_time(j))
                shift = sum(e.shift[1] - e.shift[0] for e in self.world.engineers)
                busy_today = sum(self.busy_today.values())
                for e, minutes in self.busy_today.items():
                    self.busy_total[e] += minutes
                self.days_worked += 1
                self.work_min += busy_today
                self.figures.append(
                    DayFigures(
                        day=worked,
                        date=(self.world.start + timedelta(days=day)).isoformat(),
                        arrived=arrived,
                        visits=visits,
                        backlog=len(self.open),
                        due=len(due),
                        on_time=on_time,
                        km=round(km, 1),
                        overtime_min=round(overtime, 1),
                        utilisation=round(busy_today / shift, 4) if shift else 0.0,
                    )
                )
                if progress is not None:
                    progress(worked)
            day += 1
        self.calendar_days = day
        return self.result()

    def result(self) -> VariantResult:
        from scenarios.study.kpis import variant_kpis

        return variant_kpis(self)


def reached_in_time(job: SimJob) -> bool:
    """Whether the job's first visit started by its deadline."""
    return (
        job.deadline is not None
        and job.first_visit is not None
        and job.first_visit <= job.deadline + 1e-6
    )


def run_variant(
    world: World, days: int, seed: int, name: str, progress: Callable[[int], None] | None = None
) -> VariantResult:
    """Simulate one variant; the result carries every figure the report shows."""
    import time as _time

    began = _time.perf_counter()
    result = Simulation(world, days, seed).run(progress)
    return replace(result, name=name, seconds=round(_time.perf_counter() - began, 2))


__all__ = ["DayFigures", "SimJob", "Simulation", "VariantResult", "run_variant"]
