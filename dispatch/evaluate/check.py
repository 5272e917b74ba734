"""The independent validator: every rule and figure of a plan, recomputed from the stops.

It reads only the problem and the plan's stated stops and times, never the
engine or the scheduler, so a plan from anywhere can be checked. Each finding
is a :class:`Violation` with a cause from :class:`~dispatch.model.reasons.ViolationCause`.

Breaks: between two located stops the engineer travels, waits or takes the
breaks listed between them; the time from leaving one stop to arriving at the
next, less the breaks inside it, must cover the travel. A break need not be
listed when it falls wholly outside the working day (the route returns by its
latest start or departs after it could have ended).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatch.evaluate.kpi import compute_kpis, job_outcomes
from dispatch.model.entities import JobKind
from dispatch.model.reasons import StopType
from dispatch.model.reasons import ViolationCause as V

if TYPE_CHECKING:
    from dispatch.model.entities import Engineer
    from dispatch.model.plan import Plan, Route, Stop
    from dispatch.model.problem import Problem


@dataclass(frozen=True, slots=True)
class Violation:
    cause: V
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.cause.value} at {self.path}: {self.detail}"


class _Checker:
    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.plan = plan
        self.eps = 1e-4 if problem.clock.epoch is None else 1.0 / 60.0
        self.found: list[Violation] = []
        self.depot_drawn: dict[tuple[str, str], int] = {}
        #: Crew job id -> (engineer shift index, stop, path) of each member's stop.
        self.crews: dict[str, list[tuple[int, Stop, str]]] = {}

    def flag(self, cause: V, path: str, detail: str) -> None:
        self.found.append(Violation(cause, path, detail))

    def t(self, minutes: float) -> str:
        return self.problem.clock.label(minutes)

    # ---------------------------------------------------------------- plan --
    def run(self) -> list[Violation]:
        problem, plan = self.problem, self.plan
        seen_shifts: set[tuple[str, int]] = set()
        served: dict[str, str] = {}
        for r_i, route in enumerate(plan.routes):
            path = f"routes[{r_i}]"
            if route.engineer not in problem.engineer_index:
                self.flag(V.UNKNOWN_ID, f"{path}.engineer", f"unknown engineer '{route.engineer}'")
                continue
            if route.shift is None and problem.engineers[problem.slot(route.engineer)].in_shifts:
                self.flag(V.SHIFT, f"{path}.shift", f"must name which of {route.engineer}'s shifts")
            shift = (route.engineer, route.shift or 0)
            if shift not in problem.slot_index:
                self.flag(
                    V.UNKNOWN_ID, f"{path}.shift", f"{route.engineer} has no shift {route.shift}"
                )
                continue
            if shift in seen_shifts:
                twice = (
                    "two routes" if route.shift is None else f"two routes in shift {route.shift}"
                )
                self.flag(V.DUPLICATE, f"{path}.engineer", f"{route.engineer} has {twice}")
            seen_shifts.add(shift)
            if self._ids_known(route, path):
                for job_id in route.job_ids:
                    crew = problem.jobs[problem.job_index[job_id]].crew > 1
                    if job_id in served and not crew:
                        self.flag(
                            V.DUPLICATE, path, f"job {job_id} is also served by {served[job_id]}"
                        )
                    served.setdefault(job_id, route.engineer)
                self._route(route, path)
        self._crew_rules()
        self._unassigned(served)
        self._follows(served)
        self._figures(served)
        return self.found

    def _crew_rules(self) -> None:
        """A crew job is served by exactly ``crew`` different engineers, all starting and
        ending together, as long as the slowest needs, with one lead and the pinned
        engineer among them."""
        problem, eps = self.problem, self.eps
        for job_id, members in self.crews.items():
            job = problem.jobs[problem.job_index[job_id]]
            path = f"jobs[{job_id}]"
            names = [problem.engineers[v].id for v, _, _ in members]
            if len(members) != job.crew:
                self.flag(
                    V.CREW,
                    path,
                    f"job {job_id} needs a crew of {job.crew}; "
                    f"{len(members)} engineer(s) serve it ({', '.join(names)})",
                )
            if len(set(names)) != len(names):
                self.flag(V.CREW, path, f"job {job_id}'s crew names an engineer twice")
            first = members[0][1]
            for _, stop, spath in members[1:]:
                if abs(stop.start - first.start) > eps or abs(stop.end - first.end) > eps:
                    self.flag(
                        V.CREW,
                        spath,
                        f"job {job_id}: this member works {self.t(stop.start)}-{self.t(stop.end)}, "
                        f"another {self.t(first.start)}-{self.t(first.end)}; a crew works together",
                    )
            leads = sum(1 for _, stop, _ in members if stop.lead)
            if leads != 1:
                self.flag(V.CREW, path, f"job {job_id} has {leads} leads; a crew has exactly one")
            need = problem.crew_service_min(problem.job_index[job_id], [v for v, _, _ in members])
            for _, stop, spath in members:
                if abs(stop.end - stop.start - need) > eps:
                    self.flag(
                        V.DURATION,
                        f"{spath}.end",
                        f"job {job_id} takes its crew {need:g} min (the slowest member's time), "
                        f"not {stop.end - stop.start:g}",
                    )
            if job.pinned_engineer is not None and job.pinned_engineer not in names:
                self.flag(
                    V.PINNED,
                    path,
                    f"job {job_id} is pinned to {job.pinned_engineer}, not in its crew",
                )

    def _follows(self, served: dict[str, str]) -> None:
        """A job that follows others starts after each has ended plus the lag, and is
        served only if they all are."""
        problem = self.problem
        timed = {str(s.id): s for r in self.plan.routes for s in r.stops if s.type is StopType.JOB}
        for job in problem.jobs:
            mine = timed.get(job.id)
            if mine is None or job.id not in served:
                continue
            for i, follows in enumerate(job.after):
                path = f"jobs[{job.id}].after[{i}]"
                first = timed.get(follows.job)
                if first is None or follows.job not in served:
                    self.flag(
                        V.DEPENDENCY,
                        path,
                        f"job {job.id} is served but {follows.job}, which it follows, is not",
                    )
                elif mine.start < first.end + follows.min_lag_min - self.eps:
                    self.flag(
                        V.DEPENDENCY,
                        path,
                        f"job {job.id} starts at {self.t(mine.start)}, before {follows.job} "
                        f"ends at {self.t(first.end)} plus {follows.min_lag_min:g} min",
                    )

    def _ids_known(self, route: Route, path: str) -> bool:
        ok = True
        for k, stop in enumerate(route.stops):
            index = {StopType.JOB: self.problem.job_index, StopType.DEPOT: self.problem.depot_index}
            if stop.type in index and stop.id not in index[stop.type]:
                self.flag(
                    V.UNKNOWN_ID, f"{path}.stops[{k}].id", f"unknown {stop.type.value} '{stop.id}'"
                )
                ok = False
        return ok

    def _unassigned(self, served: dict[str, str]) -> None:
        listed: set[str] = set()
        for i, u in enumerate(self.plan.unassigned):
            path = f"unassigned[{i}]"
            if u.id not in self.problem.job_index:
                self.flag(V.UNKNOWN_ID, path, f"unknown job '{u.id}'")
            elif u.id in served:
                self.flag(
                    V.DUPLICATE,
                    path,
                    f"job {u.id} is listed unassigned but served by {served[u.id]}",
                )
            elif u.id in listed:
                self.flag(V.DUPLICATE, path, f"job {u.id} is listed unassigned twice")
            listed.add(u.id)
        for job in self.problem.jobs:
            if job.id not in served and job.id not in listed:
                self.flag(
                    V.MISSING_JOB, "unassigned", f"job {job.id} is neither served nor unassigned"
                )

    # --------------------------------------------------------------- route --
    def _route(self, route: Route, path: str) -> None:
        problem = self.problem
        e_index = problem.slot(route.engineer, route.shift)
        engineer = problem.engineers[e_index]
        net = problem.network
        eps = self.eps
        if route.depart < engineer.shift.start - eps:
            self.flag(
                V.SHIFT_START,
                f"{path}.depart",
                f"leaves at {self.t(route.depart)}, before the shift starts at {self.t(engineer.shift.start)}",
            )
        if route.return_at > engineer.latest_return + eps:
            self.flag(
                V.SHIFT_END,
                f"{path}.return",
                f"back at {self.t(route.return_at)}, after shift end plus overtime {self.t(engineer.latest_return)}",
            )
        here, free_from = net.engineer_start[e_index], route.depart
        km = travel = 0.0
        breaks: list[tuple[int, Stop]] = []
        segment: list[tuple[int, Stop]] = []
        for k, stop in enumerate(route.stops):
            spath = f"{path}.stops[{k}]"
            if stop.type is StopType.BREAK:
                segment.append((k, stop))
                breaks.append((k, stop))
                continue
            if stop.type is StopType.JOB:
                target = net.job_site[problem.job_index[str(stop.id)]]
            else:
                target = net.depot_site[problem.depot_index[str(stop.id)]]
            arrival = stop.arrival if stop.arrival is not None else stop.start
            leg = net.minutes(here, target)
            self._leg(spath, free_from, arrival, stop.start, leg, segment)
            km += net.km(here, target)
            travel += leg
            if stop.type is StopType.JOB:
                self._job(e_index, stop, spath)
            else:
                self._depot(stop, spath)
            segment, here, free_from = [], target, stop.end
        end = net.engineer_end[e_index]
        leg = net.minutes(here, end)
        self._leg(f"{path}.return", free_from, route.return_at, route.return_at, leg, segment)
        km += net.km(here, end)
        travel += leg
        self._breaks(engineer, route, breaks, path)
        self._carry(engineer, route, path)
        self._figure(f"{path}.km", route.km, km)
        self._figure(f"{path}.travel_min", route.travel_min, travel)
        self._figure(
            f"{path}.overtime_min",
            route.overtime_min,
            max(0.0, route.return_at - engineer.shift.end),
        )

    def _leg(
        self,
        path: str,
        leave: float,
        arrival: float,
        start: float,
        leg: float,
        breaks: list[tuple[int, Stop]],
    ) -> None:
        eps = self.eps
        if start < arrival - eps:
            self.flag(
                V.TRAVEL, path, f"starts at {self.t(start)}, before arriving at {self.t(arrival)}"
            )
        cursor = leave
        covered = 0.0
        for _, brk in breaks:
            if brk.start < cursor - eps:
                self.flag(
                    V.BREAK, path, f"break at {self.t(brk.start)} overlaps service or another break"
                )
            if brk.end > start + eps:
                self.flag(
                    V.BREAK,
                    path,
                    f"break until {self.t(brk.end)} runs into service at {self.t(start)}",
                )
            covered += max(0.0, min(brk.end, arrival) - max(brk.start, leave))
            cursor = max(cursor, brk.end)
        if (arrival - leave) - covered < leg - eps:
            self.flag(
                V.TRAVEL,
                path,
                f"arrives at {self.t(arrival)}, but leaving at {self.t(leave)} the drive of "
                f"{leg:g} min (breaks aside) cannot end before {self.t(leave + leg + covered)}",
            )

    def _job(self, e_index: int, stop: Stop, path: str) -> None:
        problem = self.problem
        engineer = problem.engineers[e_index]
        j_index = problem.job_index[str(stop.id)]
        job = problem.jobs[j_index]
        eps = self.eps
        crew = job.crew > 1
        if crew:
            self.crews.setdefault(job.id, []).append((e_index, stop, path))
        elif stop.lead:
            self.flag(V.CREW, f"{path}.lead", f"job {job.id} is not a crew job")
        if not any(w.contains(stop.start, eps) for w in job.windows):
            windows = ", ".join(f"{self.t(w.start)}-{self.t(w.end)}" for w in job.windows)
            self.flag(
                V.WINDOW,
                f"{path}.start",
                f"job {job.id} starts at {self.t(stop.start)}, outside {windows}",
            )
        need = problem.service_min(j_index, e_index)
        if not crew and abs(stop.end - stop.start - need) > eps:
            self.flag(
                V.DURATION,
                f"{path}.end",
                f"job {job.id} takes {engineer.id} {need:g} min, not {stop.end - stop.start:g}",
            )
        for skill, need in sorted(job.skills.items()):
            have = engineer.skills.get(skill, 0)
            if have < need:
                self.flag(
                    V.SKILL,
                    path,
                    f"job {job.id} needs {skill} level {need}; {engineer.id} has {have}",
                )
        if engineer.id in job.excluded_engineers:
            self.flag(V.EXCLUDED, path, f"{engineer.id} is excluded from job {job.id}")
        if not crew and job.pinned_engineer is not None and job.pinned_engineer != engineer.id:
            self.flag(V.PINNED, path, f"job {job.id} is pinned to {job.pinned_engineer}")
        if engineer.on_call and job.kind is not JobKind.EMERGENCY:
            self.flag(
                V.ON_CALL,
                path,
                f"job {job.id} is {job.kind.value}; an on-call shift serves emergencies only",
            )

    def _depot(self, stop: Stop, path: str) -> None:
        depot = self.problem.depots[self.problem.depot_index[str(stop.id)]]
        eps = self.eps
        if not any(stop.start >= p.start - eps and stop.end <= p.end + eps for p in depot.opening):
            hours = ", ".join(f"{self.t(p.start)}-{self.t(p.end)}" for p in depot.opening)
            self.flag(V.DEPOT_HOURS, path, f"depot {depot.id} is open {hours}")
        if stop.end - stop.start < depot.pickup_min - eps:
            self.flag(
                V.DURATION, f"{path}.end", f"a stop at {depot.id} takes {depot.pickup_min:g} min"
            )
        for part, units in sorted(stop.pickup.items()):
            key = (depot.id, part)
            self.depot_drawn[key] = self.depot_drawn.get(key, 0) + units
            if self.depot_drawn[key] > depot.stock.get(part, 0):
                self.flag(
                    V.DEPOT_STOCK,
                    f"{path}.pickup.{part}",
                    f"plan takes {self.depot_drawn[key]} x {part} from {depot.id}, which holds {depot.stock.get(part, 0)}",
                )
        for tool in stop.borrow:
            if tool not in depot.tools:
                self.flag(V.TOOLS, f"{path}.borrow", f"depot {depot.id} does not lend {tool}")

    def _breaks(
        self, engineer: Engineer, route: Route, listed: list[tuple[int, Stop]], path: str
    ) -> None:
        eps = self.eps
        unmatched = list(enumerate(engineer.breaks))
        for k, stop in listed:
            match = next(
                (
                    (i, b)
                    for i, b in unmatched
                    if b.earliest - eps <= stop.start <= b.latest + eps
                    and stop.end - stop.start >= b.duration_min - eps
                ),
                None,
            )
            if match is None:
                self.flag(
                    V.BREAK,
                    f"{path}.stops[{k}]",
                    f"break at {self.t(stop.start)}-{self.t(stop.end)} matches none of {engineer.id}'s breaks",
                )
            else:
                unmatched.remove(match)
        for i, b in unmatched:
            off_day = (
                route.return_at <= b.latest + eps
                or route.depart >= b.earliest + b.duration_min - eps
            )
            if not off_day:
                self.flag(
                    V.MISSING_BREAK,
                    f"{path}",
                    f"break {i} ({b.duration_min:g} min from {self.t(b.earliest)}-{self.t(b.latest)}) is not taken",
                )

    def _carry(self, engineer: Engineer, route: Route, path: str) -> None:
        """Parts carried, tools at hand and load, stop by stop."""
        carried = dict(engineer.van_stock)
        tools = set(engineer.tools)
        load = 0
        for k, stop in enumerate(route.stops):
            if stop.type is StopType.DEPOT:
                for part, units in stop.pickup.items():
                    carried[part] = carried.get(part, 0) + units
                tools.update(stop.borrow)
            elif stop.type is StopType.JOB:
                job = self.problem.jobs[self.problem.job_index[str(stop.id)]]
                if job.crew > 1 and not stop.lead:
                    continue  # the crew's lead carries its parts, tools and load
                for part, need in sorted(job.parts.items()):
                    if carried.get(part, 0) < need:
                        self.flag(
                            V.PARTS,
                            f"{path}.stops[{k}]",
                            f"job {job.id} needs {need} x {part}; {engineer.id} carries {carried.get(part, 0)}",
                        )
                    carried[part] = carried.get(part, 0) - need
                for tool in sorted(job.tools - tools):
                    self.flag(
                        V.TOOLS,
                        f"{path}.stops[{k}]",
                        f"job {job.id} needs tool {tool}, which {engineer.id} does not have",
                    )
                load += job.demand
        if engineer.capacity > 0 and load > engineer.capacity:
            self.flag(
                V.CAPACITY,
                path,
                f"load {load} exceeds {engineer.id}'s capacity {engineer.capacity}",
            )

    # ------------------------------------------------------------- figures --
    def _figure(self, path: str, stated: float, actual: float) -> None:
        if abs(stated - actual) > 1e-3 + 1e-6 * abs(actual):
            self.flag(V.FIGURE, path, f"states {stated:g}, recomputed {actual:g}")

    def _figures(self, served: dict[str, str]) -> None:
        problem, plan = self.problem, self.plan
        if any(v.cause in (V.UNKNOWN_ID, V.DUPLICATE) for v in self.found):
            return  # figures are meaningless over unknown or doubled entities
        outcomes = job_outcomes(problem, plan.routes)
        stops = {o.id for o in outcomes}
        stated = {o.id: o for o in plan.jobs}
        for o in outcomes:
            path = f"jobs[{o.id}]"
            s = stated.get(o.id)
            if s is None:
                self.flag(V.FIGURE, "jobs", f"served job {o.id} has no entry")
                continue
            if s.engineer != o.engineer:
                self.flag(
                    V.FIGURE, f"{path}.engineer", f"states {s.engineer}, route says {o.engineer}"
                )
            if (o.engineers or len(s.engineers) > 1) and sorted(s.engineers) != sorted(o.engineers):
                self.flag(
                    V.FIGURE,
                    f"{path}.engineers",
                    f"states {', '.join(s.engineers) or 'none'}, "
                    f"routes say {', '.join(o.engineers) or 'none'}",
                )
            if abs(s.start - o.start) > self.eps:
                self.flag(
                    V.FIGURE,
                    f"{path}.start",
                    f"states {self.t(s.start)}, route says {self.t(o.start)}",
                )
            if s.sla_met != o.sla_met:
                self.flag(
                    V.FIGURE, f"{path}.sla_met", f"states {s.sla_met}, recomputed {o.sla_met}"
                )
            self._figure(f"{path}.late_min", s.late_min, o.late_min)
        for o in plan.jobs:
            if o.id not in stops:
                self.flag(V.FIGURE, f"jobs[{o.id}]", "job has an entry but is not in any route")
        kpis = compute_kpis(problem, plan.routes, outcomes, plan.unassigned)
        for name in ("jobs", "assigned", "sla_met"):
            if getattr(plan.kpis, name) != getattr(kpis, name):
                self.flag(
                    V.FIGURE,
                    f"kpis.{name}",
                    f"states {getattr(plan.kpis, name)}, recomputed {getattr(kpis, name)}",
                )
        if abs(plan.kpis.sla_met_pct - kpis.sla_met_pct) > 0.051:
            self.flag(
                V.FIGURE,
                "kpis.sla_met_pct",
                f"states {plan.kpis.sla_met_pct}, recomputed {kpis.sla_met_pct}",
            )
        if plan.kpis.callouts != kpis.callouts:
            self.flag(
                V.FIGURE,
                "kpis.callouts",
                f"states {plan.kpis.callouts}, recomputed {kpis.callouts}",
            )
        for name in ("km", "travel_min", "overtime_min", "objective"):
            stated_value, actual = getattr(plan.kpis, name), getattr(kpis, name)
            if abs(stated_value - actual) > 0.01 + 1e-6 * abs(actual):
                self.flag(
                    V.FIGURE, f"kpis.{name}", f"states {stated_value:g}, recomputed {actual:g}"
                )


def check(problem: Problem, plan: Plan) -> list[Violation]:
    """Every violation of the contract's rules and every misstated figure in ``plan``."""
    return _Checker(problem, plan).run()
