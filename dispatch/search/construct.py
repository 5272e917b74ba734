"""A fast first plan: priority-first cheapest insertion with morning depot pickups.

OR-Tools' own construction heuristics check every candidate insertion against
every constraint of the model (breaks, part stock, windows) through constraint
propagation, which takes minutes on a day of a thousand jobs. This heuristic
builds a feasible plan in seconds, in plain Python over the travel matrix, and
the engine's local search improves it from there.

Jobs are taken most urgent first (priority, then SLA deadline, then window
end). Each goes where it adds least to the objective over its nearest
qualified engineers and every position in their day, if that costs less than
leaving it out. Parts and tools beyond the van are collected at one depot
visit at the start of the day, drawn from the depot stock left over all
engineers. Breaks are taken in the last gap where they can still start in
their window, exactly as :mod:`dispatch.evaluate.timing` times them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import Window
from dispatch.model.reasons import StopType
from dispatch.model.units import TIME_EPS
from dispatch.search.neighbours import nearest_jobs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from dispatch.model.problem import Problem
    from dispatch.search.layout import Layout

#: How many of the nearest qualified engineers with work already a job is offered to.
NEAREST = 12
#: How many of the nearest kinds of idle engineer it is offered to as well (engineers
#: alike in start, shift, skills and van are one kind while their day is empty).
NEAREST_IDLE = 4
#: Served jobs nearest to a job whose engineers are offered it too: a route that
#: passes by is a better host than a home nearby.
PASSING = 8
#: The most jobs at the end of a day an urgent job may displace (see ``insert_all``).
DISPLACE_AT_MOST = 3
#: Engineers beyond a crew's size among whom "which two can go?" looks for crews.
CREW_SPARES = 2
#: How far ahead of single jobs of its priority a crew job is placed.
CREW_FIRST = 0.5
#: Starts tried when seating a crew (see ``Builder._crew_times``).
CREW_STARTS = 6
#: Nearest jobs remembered per job: insertion offers their routes, and the routes
#: ruined in a step of the search pass near its centre.
NEIGHBOURS = 40


@dataclass(slots=True)
class _Route:
    v: int
    jobs: list[int] = field(default_factory=list)
    depot: int | None = None
    pickup: dict[str, int] = field(default_factory=dict)
    borrow: set[str] = field(default_factory=set)
    load: int = 0
    cost: float = 0.0
    #: The route as timed now, stop by stop, with its own depot visit (key: that
    #: depot) and with another depot first (key: that depot); None for a depot
    #: variant that cannot be served at all. Emptied whenever the route changes.
    timelines: dict[int | None, _Timeline | None] = field(default_factory=dict)
    #: Parts its jobs use and tools they need beyond the engineer's (None: to count again).
    usage: tuple[dict[str, int], frozenset[str]] | None = None

    def changed(self) -> None:
        """Forget what was derived from the jobs: they changed."""
        self.timelines = {}
        self.usage = None

    def state(self) -> RouteState:
        """A copy of what the route is (jobs, supply, load, cost), to put back later."""
        return (
            list(self.jobs),
            self.depot,
            dict(self.pickup),
            set(self.borrow),
            self.load,
            self.cost,
        )

    def put_back(self, state: RouteState) -> None:
        """Make the route what ``state`` says again (the state stays untouched)."""
        jobs, depot, pickup, borrow, self.load, self.cost = state
        self.jobs, self.depot, self.pickup, self.borrow = (
            list(jobs),
            depot,
            dict(pickup),
            set(borrow),
        )
        self.changed()


#: A route's jobs, depot, pickup, borrowed tools, load and cost (see ``_Route.state``).
RouteState = tuple[list[int], int | None, dict[str, int], set[str], int, float]


@dataclass(slots=True)
class _Undo:
    """What a trial changed, as it was before: routes, depot stock and who serves a job."""

    routes: dict[int, RouteState] = field(default_factory=dict)
    stock: dict[int, dict[str, int]] = field(default_factory=dict)
    where: dict[int, int | None] = field(default_factory=dict)
    crews: dict[int, CrewState] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Crew:
    """A crew job as placed (contract 1.2): every member's route serves it at
    ``start`` for ``duration``; ``lead`` carries its parts and tools, and ``extra``
    is what it costs beyond the members' routes (lateness, an unpreferred lead,
    a broken promise), counted once."""

    start: float
    duration: float
    members: tuple[int, ...]
    lead: int
    extra: float


#: What the builder knows of one crew job: as placed (or None) and its windows.
CrewState = tuple[Crew | None, tuple[Window, ...]]

#: One member's seat: (cost increase, route, position, depot, pickup, borrow).
Seat = tuple[float, "_Route", int, int | None, dict[str, int], set[str]]


@dataclass(frozen=True, slots=True)
class CrewPlan:
    """How to seat a crew: its start and duration, each member's seat, the lead,
    and the crew's own costs (see :class:`Crew`)."""

    start: float
    duration: float
    members: tuple[Seat, ...]
    lead: int
    extra: float


@dataclass(frozen=True, slots=True)
class _Timing:
    """Outcome of timing one candidate route."""

    cost: float
    breaks: tuple[tuple[int, int], ...]  # (break index, located-stop position it precedes)
    ends: tuple[float, ...] = ()  # service end of each job, in route order
    #: Minutes busy (travel, service, breaks; waiting left out): what balancing weighs.
    work: float = 0.0
    #: Minutes on site (jobs and pickups): what the balance guide weighs, so that
    #: it never rewards a longer drive.
    on_site: float = 0.0


#: The timing state before a stop: location, clock, km, penalties (lateness and
#: broken promises), waiting and departure slack so far, breaks taken (as a count
#: of the engineer's sorted breaks), and how many entries the taken-breaks and
#: job-ends lists hold.
_State = tuple[int, float, float, float, float, float, int, int, int]


@dataclass(frozen=True, slots=True)
class _Timeline:
    """A route timed once: the state before each stop, so that an insertion at a
    position times only the stops from there on. ``ends`` (service end of each
    job) bound the same jobs' ends after an insertion, which only delays them.
    ``latest`` holds, per stop, the latest start that leaves every later stop
    and the return reachable in time (breaks left out, so an upper bound), and
    ``cost`` the route's cost as timed."""

    stops: list[tuple[int, int | None]]
    states: list[_State]
    taken: tuple[tuple[int, int], ...]
    ends: tuple[float, ...]
    latest: tuple[float, ...]
    cost: float
    work: float = 0.0
    on_site: float = 0.0


class Builder:
    """Cheapest-insertion construction over a :class:`~dispatch.search.layout.Layout`."""

    def __init__(self, problem: Problem, layout: Layout) -> None:
        self.problem = problem
        self.layout = layout
        net = problem.network
        self.minutes = net.travel.minutes.tolist()
        self.km = net.travel.km.tolist()
        self.routes = [_Route(v) for v in range(len(problem.engineers))]
        self.stock = {d: dict(depot.stock) for d, depot in enumerate(problem.depots)}
        self.where: dict[int, int] = {}  # job -> engineer serving it
        objective = problem.objective
        self.per_km = objective.travel_cost_per_km
        self.per_working_min = objective.working_cost_per_min
        self.late = [objective.late(j.priority) for j in problem.jobs]
        #: Each job's windows as the search reads them; offering appointment slots
        #: narrows a new job's to one slot at a time (see dispatch.replanning.slots).
        self.windows = [j.windows for j in problem.jobs]
        self.breaks = [
            [k for _, k in sorted((b.earliest, k) for k, b in enumerate(e.breaks))]
            for e in problem.engineers
        ]
        self.allowed_sets = {j: frozenset(v) for j, v in layout.allowed.items()}
        #: Jobs that follow others (contract 1.1 ``after``): job -> (job it follows,
        #: lag), and the reverse, job -> (its follower, lag). Empty for most days.
        self.preds: dict[int, tuple[tuple[int, float], ...]] = {}
        self.followers: dict[int, list[tuple[int, float]]] = {}
        for j, spec in enumerate(problem.jobs):
            if spec.after:
                self.preds[j] = tuple((problem.job_index[f.job], f.min_lag_min) for f in spec.after)
                for p, lag in self.preds[j]:
                    self.followers.setdefault(p, []).append((j, lag))
        #: Routes whose timeline is being worked out (a guard: routes never wait on
        #: each other in a loop, see :meth:`_waits_on`).
        self._timing_now: set[int] = set()
        #: Routes being timed as they stand: their jobs' followers were checked when
        #: each change was made, and only move earlier since, so are not checked again
        #: (which would make two routes linked by ``after`` wait on each other).
        self._as_they_stand: set[int] = set()
        #: Engineers alike in every respect an empty route depends on share a class:
        #: when empty, one of them stands for all (many vans leaving one office).
        self.alike = _alike_classes(problem, layout)
        self._distance_order: dict[int, list[int]] = {}
        #: While a trial runs (see :meth:`trial`), the state before each change.
        self._undo: _Undo | None = None
        #: Whether an empty route costs the way from start to end (re-planning: an
        #: engineer out on the road drives home whatever happens) or nothing.
        self.idle_costed = False
        #: Re-planning: job -> (engineer, start) promised by the published plan, and
        #: what breaking a promise costs (another engineer, or a start moved by
        #: more than the tolerance, or dropping the job).
        self.promised: dict[int, tuple[int, float]] = {}
        self.change_penalty = 0.0
        self.tolerance_min = 0.0
        #: Ruin and recreate: a candidate position is passed over when this answers
        #: True (a "blink"), so that repeated insertions do not always make the
        #: same greedy choice; None while constructing.
        self.blink: Callable[[], bool] | None = None
        #: Crew jobs (contract 1.2): each is placed at one fixed start on every
        #: member's route (its window narrowed to that instant), so routes are still
        #: timed one by one; see :meth:`best_crew_insertion`.
        self.crew_jobs = frozenset(j for j, spec in enumerate(problem.jobs) if spec.crew > 1)
        self.crews: dict[int, Crew] = {}
        #: Crew job -> its duration with the crew placed (or being tried).
        self.fixed_duration: dict[int, float] = {}
        #: While a crew job is tried on a member who does not lead: it needs no parts.
        self._member_only = False
        self._services: dict[tuple[int, int], float] = {}
        self._durations = [j.duration_min for j in problem.jobs]
        self._one_speed = not problem.has_speeds
        self.per_unpreferred = objective.unpreferred_cost
        self.unpreferred = {
            j: frozenset(
                v for v, e in enumerate(problem.engineers) if e.id not in spec.preferred_engineers
            )
            for j, spec in enumerate(problem.jobs)
            if spec.preferred_engineers and objective.unpreferred_cost > 0
        }
        #: Balanced workload: each shift's target of busy minutes, and what a minute
        #: off it costs (a guide for insertion; :meth:`objective` weighs the real spread).
        self.per_balance = objective.balance_cost_per_min
        self.targets = [0.0] * len(problem.engineers)
        if self.per_balance > 0:
            self._set_targets(self._estimated_mean())

    def keep_promises(
        self, promised: dict[int, tuple[int, float]], penalty: float, tolerance_min: float
    ) -> None:
        """Cost each broken promise of a published plan at ``penalty`` (see ``promised``)."""
        self.promised = dict(promised)
        self.change_penalty = penalty
        self.tolerance_min = tolerance_min

    @cached_property
    def neighbours(self) -> dict[int, list[int]]:
        """Job -> the other servable jobs nearest in space and time, nearest first.

        Worked out on first use: ranking engineers for one job ("who should go?")
        never needs them.
        """
        return nearest_jobs(self.problem, self.layout.jobs, NEIGHBOURS)

    def _forfeit(self, given_up: list[int]) -> float:
        """What leaving these jobs of the day out costs: penalties and broken promises."""
        return sum(
            self.problem.objective.unassigned(self.problem.jobs[g].priority)
            + (self.change_penalty if g in self.promised else 0.0)
            for g in given_up
        )

    # ------------------------------------------------------------- trials --
    def trial(self) -> None:
        """Start remembering changes, so that :meth:`undo` can take them back."""
        self._undo = _Undo()

    def keep(self) -> None:
        """End the trial, keeping its changes."""
        self._undo = None

    def undo(self) -> None:
        """Take back every change since :meth:`trial` (only what changed is touched)."""
        undo, self._undo = self._undo, None
        assert undo is not None, "undo() without trial()"
        for v, state in undo.routes.items():
            self.routes[v].put_back(state)
        for d, stock in undo.stock.items():
            self.stock[d] = stock
        for job, was in undo.where.items():
            if was is None:
                self.where.pop(job, None)
            else:
                self.where[job] = was
        for job, crew_state in undo.crews.items():
            self._put_crew(job, crew_state)

    def _remember(self, route: _Route, *jobs: int) -> None:
        """Save ``route`` and where ``jobs`` are, before the first change in a trial."""
        undo = self._undo
        if undo is None:
            return
        if route.v not in undo.routes:
            undo.routes[route.v] = route.state()
        for job in jobs:
            if job not in undo.where:
                undo.where[job] = self.where.get(job)

    def _remember_crew(self, job: int) -> None:
        undo = self._undo
        if undo is not None and job not in undo.crews:
            undo.crews[job] = self.crew_state(job)

    def crew_state(self, job: int) -> CrewState:
        """What the builder holds of a crew job, to put back with :meth:`_put_crew`."""
        return (self.crews.get(job), self.windows[job])

    def crew_states(self) -> dict[int, CrewState]:
        return {j: self.crew_state(j) for j in self.crew_jobs}

    def put_crew_states(self, states: dict[int, CrewState]) -> None:
        for job, state in states.items():
            self._put_crew(job, state)

    def _put_crew(self, job: int, state: CrewState) -> None:
        crew, windows = state
        self.windows[job] = windows
        if crew is None:
            self.crews.pop(job, None)
            self.fixed_duration.pop(job, None)
        else:
            self.crews[job] = crew
            self.fixed_duration[job] = crew.duration

    def _remember_stock(self, depot: int | None) -> None:
        undo = self._undo
        if undo is not None and depot is not None and depot not in undo.stock:
            undo.stock[depot] = dict(self.stock[depot])

    def count_idle_routes(self) -> None:
        """Cost every engineer's way from start to end even without a job.

        In the middle of the day an engineer out at a site drives home whatever
        happens: the first job given to them should cost only its detour.
        """
        self.idle_costed = True
        for route in self.routes:
            if not route.jobs:
                timing = self.time_route(route.v, None, [])
                route.cost = 0.0 if timing is None else timing.cost

    def follow(self, orders: dict[int, list[int]]) -> None:
        """Give each engineer the given jobs in the given order, as far as they fit.

        A job that no longer fits (a window missed, a part gone) stays out, for
        :meth:`insert_all` to place anew. A crew job is seated once every member
        has reached it in their order, at the start the last of them can make;
        a crew whose members' orders wait on each other is left out.
        """
        if not self.crew_jobs:
            for v, jobs in orders.items():
                for job in jobs:
                    self._follow_one(v, job)
            return
        members: dict[int, list[int]] = {}
        for v, jobs in orders.items():
            for job in jobs:
                if job in self.crew_jobs:
                    members.setdefault(job, []).append(v)
        at = dict.fromkeys(orders, 0)
        skipped: set[int] = set()
        while any(at[v] < len(jobs) for v, jobs in orders.items()):
            moved = False
            for v, jobs in orders.items():
                while at[v] < len(jobs):
                    job = jobs[at[v]]
                    if job not in self.crew_jobs or job in skipped or job in self.where:
                        if job not in self.crew_jobs:
                            self._follow_one(v, job)
                        at[v] += 1
                        moved = True
                        continue
                    crew = members[job]
                    if any(at[u] >= len(orders[u]) or orders[u][at[u]] != job for u in crew):
                        break  # the other members are not there yet
                    self._follow_crew(job, crew)
                    for u in crew:
                        at[u] += 1
                    moved = True
            if not moved:  # members wait on each other: the first crew blocking goes
                blocked = next(jobs[at[v]] for v, jobs in orders.items() if at[v] < len(jobs))
                skipped.add(blocked)

    def _follow_one(self, v: int, job: int) -> None:
        if job in self.where or v not in self.allowed_sets.get(job, ()):
            return
        seat = self._appended(v, job)
        if seat is not None:
            delta, route, position, depot, pickup, borrow = seat
            self._place(job, route, position, depot, pickup, borrow, route.cost + delta)

    def _appended(self, v: int, job: int) -> Seat | None:
        """The seat at the end of engineer ``v``'s day so far, if ``job`` fits there."""
        route = self.routes[v]
        for depot, pickup, borrow in self._supply(route, job):
            timing = self.time_route(v, depot, [*route.jobs, job])
            if timing is not None:
                return (timing.cost - route.cost, route, len(route.jobs), depot, pickup, borrow)
        return None

    def _follow_crew(self, job: int, crew: list[int]) -> None:
        """Seat ``job`` at the end of each member's day so far, if the crew still can."""
        problem = self.problem
        spec = problem.jobs[job]
        crew = [v for v in crew if v in self.allowed_sets.get(job, ())]
        if len({problem.engineers[v].id for v in crew}) != spec.crew or len(crew) != spec.crew:
            return
        saved = self.crew_state(job)
        duration = problem.crew_service_min(job, crew)
        self.fixed_duration[job] = duration
        try:
            starts = []
            for v in crew:
                route = self.routes[v]
                timing = self.time_route(v, route.depot, [*route.jobs, job])
                if timing is None or len(timing.ends) != len(route.jobs) + 1:
                    return
                starts.append(timing.ends[-1] - duration)
            start = max(starts)
            self.windows[job] = (Window(start, start),)
            seats: dict[int, Seat] = {}
            self._member_only = True  # a member beside the lead carries nothing
            for v in crew:
                seat = self._appended(v, job)
                if seat is None:
                    return
                seats[v] = seat
            self._member_only = False
            lead = None
            for v in sorted(crew, key=lambda u: u in self.unpreferred.get(job, ())):
                seat = self._appended(v, job)
                if seat is not None:
                    lead, seats[v] = v, seat
                    break
            if lead is None:
                return
        finally:
            self._member_only = False
            self._put_crew(job, saved)
        extra = self._crew_extra(job, start, lead)
        plan = CrewPlan(start, duration, tuple(seats[v] for v in crew), lead, extra)
        self._place_crew(job, plan)

    def _crew_extra(self, job: int, start: float, lead: int) -> float:
        """What a crew job costs once, beside its members' routes: lateness at
        ``start``, a broken promise, and a lead the customer did not ask for."""
        spec = self.problem.jobs[job]
        extra = 0.0
        if spec.sla_deadline is not None and start > spec.sla_deadline + TIME_EPS:
            extra += (start - spec.sla_deadline) * self.late[job]
        promise = self.promised.get(job)
        if promise is not None and (
            promise[0] != lead or abs(start - promise[1]) > self.tolerance_min + TIME_EPS
        ):
            extra += self.change_penalty
        if lead in self.unpreferred.get(job, ()):
            extra += self.per_unpreferred
        return extra

    # ------------------------------------------------------------- timing --
    def time_route(self, v: int, depot: int | None, jobs: list[int]) -> _Timing | None:
        """Cost of serving ``jobs`` in order (after ``depot``), or None if infeasible."""
        start = self._initial(v)
        return self._run(v, depot, self._stops(depot, jobs), 0, start, (), (), None)

    def _stops(self, depot: int | None, jobs: list[int]) -> list[tuple[int, int | None]]:
        """(location, job index or None for the depot) of each stop, in order."""
        net = self.problem.network
        stops: list[tuple[int, int | None]] = []
        if depot is not None:
            stops.append((net.depot_site[depot], None))
        stops += [(net.job_site[j], j) for j in jobs]
        return stops

    def _initial(self, v: int) -> _State:
        start = self.problem.network.engineer_start[v]
        return (start, self.problem.engineers[v].shift.start, 0.0, 0.0, 0.0, math.inf, 0, 0, 0)

    def _timeline(self, route: _Route, depot: int | None) -> _Timeline | None:
        """The route's jobs timed after ``depot`` (cached), or None if they cannot be."""
        if depot not in route.timelines:
            stops = self._stops(depot, route.jobs)
            states: list[_State] = []
            self._timing_now.add(route.v)
            if depot == route.depot:
                self._as_they_stand.add(route.v)
            try:
                timing = self._run(route.v, depot, stops, 0, self._initial(route.v), (), (), states)
            finally:
                self._timing_now.discard(route.v)
                self._as_they_stand.discard(route.v)
            route.timelines[depot] = (
                None
                if timing is None
                else _Timeline(
                    stops,
                    states,
                    timing.breaks,
                    timing.ends,
                    self._latest_starts(route.v, depot, stops),
                    timing.cost,
                    timing.work,
                    timing.on_site,
                )
            )
        return route.timelines[depot]

    def _latest_starts(
        self, v: int, depot: int | None, stops: list[tuple[int, int | None]]
    ) -> tuple[float, ...]:
        """Per stop, the latest start from which every later stop and the return are
        still reachable in time, worked backwards from the latest return.

        Breaks only add time, so a start after this bound is infeasible with them too.
        """
        problem = self.problem
        minutes = self.minutes
        latest = [0.0] * len(stops)
        bound = problem.engineers[v].latest_return
        after = problem.network.engineer_end[v]
        for k in range(len(stops) - 1, -1, -1):
            here, job = stops[k]
            own = (
                self.windows[job][-1].end
                if job is not None
                else problem.depots[depot].latest_pickup  # type: ignore[index]
            )
            bound = min(own, bound - self._service(v, job, depot) - minutes[here][after])
            latest[k] = bound
            after = here
        return tuple(latest)

    def _run(
        self,
        v: int,
        depot: int | None,
        stops: list[tuple[int, int | None]],
        first: int,
        state: _State,
        taken_before: tuple[tuple[int, int], ...],
        ends_before: tuple[float, ...],
        record: list[_State] | None,
        settled: _Timeline | None = None,
    ) -> _Timing | None:
        """Time ``stops`` from position ``first``, given the state before it.

        ``settled``: the route as timed before one stop was inserted at ``first``.
        Once a later stop is left at the same time, with the same breaks taken,
        as in it, the rest of the day is the same, and its cost follows from
        the difference so far (only without working cost, which depends on
        the waiting over the whole day).
        """
        problem, net = self.problem, self.problem.network
        engineer = problem.engineers[v]
        objective = problem.objective
        here, clock, km, late_cost, waited, slack, done, _, _ = state
        # for leaving later: waiting so far and the departure slack (see dispatch.evaluate.timing)
        order = self.breaks[v]
        pending = order[done:]
        taken = list(taken_before)
        ends = list(ends_before)
        for position in range(first, len(stops) + 1):
            if settled is not None and position > first:
                was = settled.states[position - 1]
                if abs(was[1] - clock) <= 1e-9 and was[6] == len(order) - len(pending):
                    first_job = engineer.on_call and not settled.ends
                    cost = settled.cost + (km - was[2]) * self.per_km + late_cost - was[3]
                    return _Timing(cost + (objective.callout_cost if first_job else 0.0), ())
            if record is not None:
                record.append(
                    (
                        here,
                        clock,
                        km,
                        late_cost,
                        waited,
                        slack,
                        len(order) - len(pending),
                        len(taken),
                        len(ends),
                    )
                )
            final = position == len(stops)
            target = net.engineer_end[v] if final else stops[position][0]
            leg = self.minutes[here][target]
            km += self.km[here][target]
            # A job that follows others starts no earlier than they allow.
            release = None
            if not final and stops[position][1] in self.preds:
                release = self._release(v, stops, position, ends)
                if release is None:
                    return None
            # Take each pending break now if waiting until after this stop is too late.
            while pending:
                brk = engineer.breaks[pending[0]]
                after = (
                    self._finish(
                        v,
                        clock + leg if release is None else max(clock + leg, release),
                        stops,
                        position,
                        depot,
                    )
                    if not final
                    else clock + leg
                )
                if after is None:
                    return None
                if final:
                    if after <= brk.latest + TIME_EPS:
                        break  # taken after the working day ends
                elif after <= brk.latest + TIME_EPS:
                    break  # can still be taken after this stop
                begin = max(clock, brk.earliest)
                if begin > brk.latest + TIME_EPS:
                    return None
                moved = min(leg, begin - clock)
                leg -= moved
                slack = min(slack, waited + brk.latest - begin)
                clock = begin + brk.duration_min
                taken.append((pending[0], position))
                pending = pending[1:]
            arrival = clock + leg
            if final:
                clock = arrival
                break
            start = self._start(
                arrival if release is None else max(arrival, release), stops[position][1], depot
            )
            if start is None:
                return None
            job = stops[position][1]
            waited += start - arrival
            if self.per_working_min:
                slack = min(slack, waited + self._latest(start, job, depot) - start)
            if job is not None and job not in self.crew_jobs:  # a crew's own costs: Crew.extra
                deadline = problem.jobs[job].sla_deadline
                if deadline is not None and start > deadline + TIME_EPS:
                    late_cost += (start - deadline) * self.late[job]
                promise = self.promised.get(job)
                if promise is not None and (
                    promise[0] != v or abs(start - promise[1]) > self.tolerance_min + TIME_EPS
                ):
                    late_cost += self.change_penalty
                if self.unpreferred and v in self.unpreferred.get(job, ()):
                    late_cost += self.per_unpreferred
            clock = start + self._service(v, job, depot)
            if job is not None:
                ends.append(clock)
                if (
                    job in self.followers
                    and v not in self._as_they_stand
                    and not self._followers_keep(v, job, clock)
                ):
                    return None
            here = target
        if clock > engineer.latest_return + TIME_EPS:
            return None
        overtime = max(0.0, clock - engineer.shift.end)
        cost = km * self.per_km + late_cost + overtime * objective.overtime_cost_per_min
        if engineer.on_call and ends:
            cost += objective.callout_cost
        if objective.working_cost_per_min:
            depart = engineer.shift.start + max(0.0, min(waited, slack))
            cost += (clock - depart) * objective.working_cost_per_min
        work = clock - engineer.shift.start - waited
        on_site = 0.0
        if self.per_balance:
            on_site = sum(self._service(v, job, depot) for _, job in stops)
            cost += self.per_balance * abs(on_site - self.targets[v])
        return _Timing(cost, tuple(taken), tuple(ends), work, on_site)

    def _release(
        self, v: int, stops: list[tuple[int, int | None]], position: int, ends: list[float]
    ) -> float | None:
        """The earliest start the jobs that the stop at ``position`` follows allow:
        each one's end plus its lag. None when one of them is not served, or is
        served later on this same route."""
        job = stops[position][1]
        assert job is not None
        release = -math.inf
        for p, lag in self.preds[job]:
            end = None
            timed = 0
            for _, other in stops[:position]:
                if other is None:
                    continue
                if other == p:
                    end = ends[timed]
                    break
                timed += 1
            if end is None:
                host = self.where.get(p)
                if host is None or host == v or self._waits_on(host, v):
                    return None
                end = self._end_of(p)
                if end is None:
                    return None
            release = max(release, end + lag)
        return release

    def _waits_on(self, first: int, then: int) -> bool:
        """Whether route ``first`` waits, through jobs that follow others, for route
        ``then``: a job on ``then`` may then not follow one on ``first``, or the
        two routes would wait on each other, and neither could be timed alone."""
        seen = {first}
        todo = [first]
        while todo:
            route = self.routes[todo.pop()]
            for j in route.jobs:
                for p, _ in self.preds.get(j, ()):
                    host = self.where.get(p)
                    if host == then:
                        return True
                    if host is not None and host not in seen:
                        seen.add(host)
                        todo.append(host)
        return False

    def _end_of(self, job: int) -> float | None:
        """Service end of a served job as its route is timed now (None if it cannot be)."""
        crew = self.crews.get(job)
        if crew is not None:
            return crew.start + crew.duration
        route = self.routes[self.where[job]]
        if route.v in self._timing_now:
            return None  # never expected: routes do not wait on each other in a loop
        line = self._timeline(route, route.depot)
        if line is None or len(line.ends) != len(route.jobs):
            return None
        return line.ends[route.jobs.index(job)]

    def _followers_keep(self, v: int, job: int, end: float) -> bool:
        """Whether ``job`` ending at ``end`` still lets each of its followers served on
        another route start when it does now (a later end would move that route)."""
        for follower, lag in self.followers[job]:
            host = self.where.get(follower)
            if host is None or host == v:
                continue  # on this route its own release is checked when it is reached
            their_end = self._end_of(follower)
            if their_end is None:
                return False
            start = their_end - self._service(host, follower, None)
            if end + lag > start + TIME_EPS:
                return False
        return True

    def _latest(self, start: float, job: int | None, depot: int | None) -> float:
        """Latest start at a stop that keeps its window, depot hours and SLA deadline."""
        if job is None:
            assert depot is not None
            return self.problem.depots[depot].latest_pickup_from(start)
        spec = self.problem.jobs[job]
        if self.windows[job] is not spec.windows:
            spec = replace(spec, windows=self.windows[job])
        return spec.latest_start(start)

    def _start(self, ready: float, job: int | None, depot: int | None) -> float | None:
        """Service start at a stop reached at ``ready``; None if no window is left."""
        if job is None:
            assert depot is not None
            return self.problem.depots[depot].pickup_start(ready)
        for window in self.windows[job]:
            if ready <= window.end + TIME_EPS:
                return max(ready, window.start)
        return None

    def _finish(
        self,
        v: int,
        ready: float,
        stops: list[tuple[int, int | None]],
        position: int,
        depot: int | None,
    ) -> float | None:
        job = stops[position][1]
        start = self._start(ready, job, depot)
        return None if start is None else start + self._service(v, job, depot)

    def _service(self, v: int, job: int | None, depot: int | None) -> float:
        """Minutes on site: engineer ``v``'s time on the job (a crew job's as its crew
        needs), or the depot's pickup time."""
        if job is None:
            assert depot is not None
            return self.problem.depots[depot].pickup_min
        if self.fixed_duration:
            fixed = self.fixed_duration.get(job)
            if fixed is not None:
                return fixed
        if self._one_speed:
            return self._durations[job]
        return self._service_alone(v, job)

    # ---------------------------------------------------------- insertion --
    def _carries(self, v: int, job: int) -> bool:
        """Whether engineer ``v`` carries the job's parts and tools (a crew's lead does)."""
        crew = self.crews.get(job)
        return crew is None or crew.lead == v

    def _supply(self, route: _Route, job: int) -> list[tuple[int | None, dict[str, int], set[str]]]:
        """Ways to have the job's parts and tools: (depot, pickup, borrow) after adding it."""
        problem = self.problem
        engineer = problem.engineers[route.v]
        needs = dict(route.pickup)
        if route.usage is None:
            counted: dict[str, int] = {}
            carried = [j for j in route.jobs if self._carries(route.v, j)]
            for j in carried:
                for part, units in problem.jobs[j].parts.items():
                    counted[part] = counted.get(part, 0) + units
            lacking = frozenset(t for j in carried for t in problem.jobs[j].tools)
            route.usage = (counted, lacking - engineer.tools)
        used = dict(route.usage[0])
        member_only = self._member_only
        for part, units in ({} if member_only else problem.jobs[job].parts).items():
            used[part] = used.get(part, 0) + units
        short = {
            p: units - engineer.van_stock.get(p, 0)
            for p, units in used.items()
            if units > engineer.van_stock.get(p, 0)
        }
        tools = set(route.usage[1] | (frozenset() if member_only else problem.jobs[job].tools))
        tools -= engineer.tools
        if not short and not tools:
            return [(route.depot, needs, set(route.borrow))]
        options = (
            [route.depot] if route.depot is not None else self.layout.depot_options.get(route.v, [])
        )
        out: list[tuple[int | None, dict[str, int], set[str]]] = []
        for d in options:
            if d is None:
                continue
            depot = problem.depots[d]
            if not tools <= depot.tools:
                continue
            extra_ok = all(
                self.stock[d].get(p, 0) + (route.pickup.get(p, 0) if route.depot == d else 0)
                >= units
                for p, units in short.items()
            )
            if extra_ok:
                out.append((d, short, tools))
        return out

    def best_insertion(
        self, job: int
    ) -> tuple[float, _Route, int, int | None, dict[str, int], set[str]] | None:
        """Cheapest feasible (cost increase, route, position, depot, pickup, borrow)."""
        engineers = []
        busy = 0
        idle_classes: set[int] = set()
        promised = self.promised.get(job)
        for v in self._by_distance(job):
            if self.routes[v].jobs:
                if busy == NEAREST:
                    continue
                busy += 1
            else:
                # An empty route costs what any empty route of its class costs; the
                # nearest idle classes are offered whatever the busy routes are.
                if self.alike[v] in idle_classes or len(idle_classes) == NEAREST_IDLE:
                    continue
                idle_classes.add(self.alike[v])
            engineers.append(v)
            if busy == NEAREST and len(idle_classes) == NEAREST_IDLE:
                break
        if (
            promised is not None
            and promised[0] not in engineers
            and promised[0] in self.allowed_sets[job]
        ):
            engineers.append(promised[0])
        if self.neighbours:
            allowed, offered = self.allowed_sets[job], set(engineers)
            for other in self.neighbours.get(job, ())[:PASSING]:
                host = self.where.get(other)
                if host is not None and host in allowed and host not in offered:
                    engineers.append(host)
                    offered.add(host)
        best = None
        for v in engineers:
            found = self.insertion_into(v, job)
            if found is not None and (best is None or found[0] < best[0] - 1e-9):
                best = found
        return best

    # -------------------------------------------------------------- crews --
    def _crew_candidates(self, job: int) -> list[int]:
        """Shifts offered a seat in a crew job: the nearest busy ones, enough idle ones
        of each nearby kind to make up a crew, those passing by, and the pinned one."""
        spec = self.problem.jobs[job]
        out: list[int] = []
        busy = 0
        per_class: dict[int, int] = {}
        for v in self._by_distance(job):
            if self.routes[v].jobs:
                if busy == 2 * NEAREST:
                    continue
                busy += 1
            else:
                kind = self.alike[v]
                if per_class.get(kind, 0) >= spec.crew or (
                    kind not in per_class and len(per_class) == NEAREST_IDLE
                ):
                    continue
                per_class[kind] = per_class.get(kind, 0) + 1
            out.append(v)
        allowed = self.allowed_sets[job]
        offered = set(out)
        extra: list[int | None] = [
            self.where.get(o) for o in self.neighbours.get(job, ())[:PASSING]
        ]
        if spec.pinned_engineer is not None:
            extra += self.problem.slots_of[spec.pinned_engineer]
        for host in extra:
            if host is not None and host in allowed and host not in offered:
                out.append(host)
                offered.add(host)
        if len({self.problem.engineers[v].id for v in out}) < spec.crew:
            return []  # too few engineers to make up the crew
        return out

    def _crew_trials(self, job: int, candidates: list[int]) -> Iterator[tuple[float, float]]:
        """Each (start, duration) worth trying for a crew of ``candidates``, with the
        job fixed at that start and lasting that long while the caller tries it;
        what the builder held of the job is put back when the trials end."""
        saved = self.crew_state(job)
        try:
            self._member_only = True
            levels = sorted({self._service_alone(v, job) for v in candidates})
            for start in self._crew_times(job, candidates, levels[-1]):
                self.windows[job] = (Window(start, start),)
                for duration in levels:
                    self.fixed_duration[job] = duration
                    yield start, duration
        finally:
            self._member_only = False
            self._put_crew(job, saved)

    def best_crew_insertion(self, job: int) -> tuple[float, CrewPlan] | None:
        """The cheapest way to seat a whole crew for ``job``: (cost increase, plan).

        A crew meets at one start. The starts tried are those at which the
        cheapest candidates could each be there alone; at each, every candidate is
        offered the job fixed at that instant and the cheapest ``crew`` different
        engineers are seated (with the pinned one, if any), the one who adds least
        as lead carrying the parts. The crew job lasts as long as its slowest member
        needs, so each speed level among the candidates is tried as a cap.
        """
        candidates = self._crew_candidates(job)
        best: tuple[float, CrewPlan] | None = None
        for start, duration in self._crew_trials(job, candidates) if candidates else ():
            found_plan = self._seat_crew(job, candidates, start, duration)
            if found_plan is not None and (best is None or found_plan[0] < best[0] - 1e-9):
                best = found_plan
        return best

    def _crew_times(self, job: int, candidates: list[int], duration: float) -> list[float]:
        """Starts worth trying for a crew: each candidate's earliest start at each
        place in their day, kept where enough engineers could be there at once, and
        ranked by the kilometres the cheapest crew would add there (the intervals
        leave breaks out, so they are bounds; seating times each exactly)."""
        problem = self.problem
        spec = problem.jobs[job]
        net = problem.network
        site = net.job_site[job]
        windows = self.windows[job]
        spans: list[tuple[float, float, float, str]] = []  # (earliest, latest, km, engineer)
        for v in candidates:
            route = self.routes[v]
            line = self._timeline(route, route.depot)
            if line is None:
                continue
            engineer = problem.engineers[v]
            end_site = net.engineer_end[v]
            for at in range(len(line.stops) - len(route.jobs), len(line.stops) + 1):
                here, ready = line.states[at][0], line.states[at][1]
                arrival = ready + self.minutes[here][site]
                after = line.stops[at][0] if at < len(line.stops) else end_site
                latest_next = line.latest[at] if at < len(line.stops) else engineer.latest_return
                latest = latest_next - duration - self.minutes[site][after]
                added = self.km[here][site] + self.km[site][after] - self.km[here][after]
                for window in windows:
                    begin = max(arrival, window.start)
                    finish = min(window.end, latest)
                    if begin <= finish + TIME_EPS:
                        spans.append((begin, finish, added, engineer.id))
        scored = []
        for begin, _, _, _ in spans:
            best_by: dict[str, float] = {}
            for lo, hi, km, eid in spans:
                if lo - TIME_EPS <= begin <= hi + TIME_EPS and km < best_by.get(eid, math.inf):
                    best_by[eid] = km
            if len(best_by) >= spec.crew:
                scored.append((sum(sorted(best_by.values())[: spec.crew]), begin))
        scored.sort()
        out: list[float] = []
        for _, begin in scored:
            if all(abs(begin - t) > TIME_EPS for t in out):
                out.append(begin)
            if len(out) == CREW_STARTS:
                break
        return out

    def _service_alone(self, v: int, job: int) -> float:
        key = (v, job)
        minutes = self._services.get(key)
        if minutes is None:
            minutes = self._services[key] = self.problem.service_min(job, v)
        return minutes

    def _seat_crew(
        self, job: int, candidates: list[int], start: float, duration: float
    ) -> tuple[float, CrewPlan] | None:
        """The cheapest crew at ``start`` among candidates fast enough for ``duration``."""
        spec = self.problem.jobs[job]
        seats = self._crew_seats(job, candidates, duration)
        if len(seats) < spec.crew:
            return None
        order = sorted(seats, key=lambda e: (seats[e][0], seats[e][1]))
        pinned = spec.pinned_engineer
        if pinned is not None:
            if pinned not in seats:
                return None
            order.remove(pinned)
            order.insert(0, pinned)
        return self._crew_plan(job, seats, order[: spec.crew], start, duration)

    def _crew_seats(
        self, job: int, candidates: list[int], duration: float
    ) -> dict[str, tuple[float, int, Seat]]:
        """Engineer id -> (cost, shift, seat) of the cheapest seat each candidate fast
        enough for ``duration`` has in the job as its window now stands (carrying nothing)."""
        problem = self.problem
        seats: dict[str, tuple[float, int, Seat]] = {}
        self._member_only = True
        for v in candidates:
            if self._service_alone(v, job) > duration + TIME_EPS:
                continue
            found = self.insertion_into(v, job)
            if found is None:
                continue
            eid = problem.engineers[v].id
            if eid not in seats or found[0] < seats[eid][0] - 1e-9:
                seats[eid] = (found[0], v, found)
        return seats

    def _crew_plan(
        self,
        job: int,
        seats: dict[str, tuple[float, int, Seat]],
        chosen: list[str],
        start: float,
        duration: float,
    ) -> tuple[float, CrewPlan] | None:
        """What seating ``chosen`` at ``start`` costs, the member who adds least with
        the parts and tools leading; None if none of them can lead or a faster
        level seats the same crew."""
        spec = self.problem.jobs[job]
        if max(self._service_alone(seats[e][1], job) for e in chosen) < duration - TIME_EPS:
            return None  # a faster level seats this crew: tried there
        self._member_only = False
        lead_options = []
        for eid in chosen:
            as_member, v, _ = seats[eid]
            as_lead: Seat | None = seats[eid][2]
            if spec.parts or spec.tools or spec.demand:
                as_lead = self.insertion_into(v, job)
            if as_lead is None:
                continue
            unpreferred = self.per_unpreferred if v in self.unpreferred.get(job, ()) else 0.0
            lead_options.append((as_lead[0] - as_member + unpreferred, v, as_lead))
        self._member_only = True
        if not lead_options:
            return None
        _, lead, lead_found = min(lead_options, key=lambda o: (o[0], o[1]))
        extra = self._crew_extra(job, start, lead)
        members = [lead_found if seats[e][1] == lead else seats[e][2] for e in chosen]
        total = sum(f[0] for f in members) + extra
        return total, CrewPlan(start, duration, tuple(members), lead, extra)

    def crew_options(self, job: int, most: int) -> list[tuple[float, CrewPlan]]:
        """Up to ``most`` different crews for ``job``, cheapest first: at each start
        worth trying, every crew from the few engineers who add least there
        ("which two can go?")."""
        spec = self.problem.jobs[job]
        pinned = spec.pinned_engineer
        candidates = self._crew_candidates(job)
        found: dict[frozenset[int], tuple[float, CrewPlan]] = {}
        for start, duration in self._crew_trials(job, candidates) if candidates else ():
            seats = self._crew_seats(job, candidates, duration)
            if pinned is not None and pinned not in seats:
                continue
            order = sorted(seats, key=lambda e: (seats[e][0], seats[e][1]))
            for chosen in itertools.combinations(order[: spec.crew + CREW_SPARES], spec.crew):
                if pinned is not None and pinned not in chosen:
                    continue
                option = self._crew_plan(job, seats, list(chosen), start, duration)
                if option is None:
                    continue
                key = frozenset(f[1].v for f in option[1].members)
                if key not in found or option[0] < found[key][0] - 1e-9:
                    found[key] = option
        return sorted(found.values(), key=lambda o: (o[0], o[1].start, o[1].lead))[:most]

    def _place_crew(self, job: int, plan: CrewPlan) -> None:
        """Seat a crew as ``plan`` says: the job at one start on every member's route."""
        self._remember_crew(job)
        self.windows[job] = (Window(plan.start, plan.start),)
        self.fixed_duration[job] = plan.duration
        members = tuple(f[1].v for f in plan.members)
        self.crews[job] = Crew(plan.start, plan.duration, members, plan.lead, plan.extra)
        for delta, route, position, depot, pickup, borrow in plan.members:
            self._place(job, route, position, depot, pickup, borrow, route.cost + delta)
            if route.v != plan.lead:
                route.load -= self.problem.jobs[job].demand
        self.where[job] = plan.lead

    def _by_distance(self, job: int) -> list[int]:
        """The engineers allowed ``job``, nearest start first (worked out once per job)."""
        order = self._distance_order.get(job)
        if order is None:
            net = self.problem.network
            site = net.job_site[job]
            starts = net.engineer_start
            order = sorted(
                self.layout.allowed[job], key=lambda v: (self.minutes[starts[v]][site], v)
            )
            self._distance_order[job] = order
        return order

    def insertion_into(
        self, v: int, job: int
    ) -> tuple[float, _Route, int, int | None, dict[str, int], set[str]] | None:
        """Cheapest feasible insertion of ``job`` into engineer ``v``'s route, if any.

        Positions that pass the window tests are timed in order of what their
        added kilometres alone would cost, and the rest given up once that lower
        bound exceeds the best found: with travel times that obey the triangle
        inequality a later stop is never reached earlier, so lateness and
        overtime only grow. Working time and kept promises need not, so with
        either in the objective every candidate is timed.
        """
        problem = self.problem
        route = self.routes[v]
        capacity = problem.engineers[v].capacity
        demand = 0 if self._member_only else problem.jobs[job].demand
        if capacity and route.load + demand > capacity:
            return None
        site = problem.network.job_site[job]
        end_site = problem.network.engineer_end[v]
        km = self.km
        by_bound = (
            self.per_km > 0
            and not self.promised
            and not self.per_working_min
            and not self.per_balance
            and job not in self.unpreferred
        )
        best = None
        best_order = 0
        order = 0
        candidates: list[
            tuple[float, int, int, int | None, dict[str, int], set[str], _Timeline]
        ] = []
        blink = self.blink
        for depot, pickup, borrow in self._supply(route, job):
            line = self._timeline(route, depot)
            if line is None and depot != route.depot and not self.breaks[v]:
                # The route's own jobs miss a window once this depot is visited
                # first; one more job only delays them further.
                continue
            offset = 0 if depot is None else 1
            for position in range(len(route.jobs) + 1):
                order += 1
                if blink is not None and blink():
                    continue
                if line is None:
                    trial = [*route.jobs[:position], job, *route.jobs[position:]]
                    timing = self.time_route(v, depot, trial)
                    if timing is None:
                        continue
                    delta = timing.cost - route.cost
                    if best is None or delta < best[0] - 1e-9:
                        best, best_order = (delta, route, position, depot, pickup, borrow), order
                    continue
                fits = self._may_fit(route, depot, line, job, position)
                if fits is None:
                    break  # too late here, so later in the day too
                if not fits:
                    continue
                at = position + offset
                before = line.states[at][0]
                after = line.stops[at][0] if at < len(line.stops) else end_site
                added_km = km[before][site] + km[site][after] - km[before][after]
                bound = line.cost - route.cost + self.per_km * added_km
                candidates.append((bound, order, position, depot, pickup, borrow, line))
        if by_bound:
            candidates.sort(key=lambda c: (c[0], c[1]))
        for bound, order, position, depot, pickup, borrow, line in candidates:
            if by_bound and best is not None and bound > best[0] + 1e-9:
                break
            # the stops before the new one keep their times: start from there
            at = position + (0 if depot is None else 1)
            state = line.states[at]
            stops = [*line.stops[:at], (site, job), *line.stops[at:]]
            timing = self._run(
                v,
                depot,
                stops,
                at,
                state,
                line.taken[: state[7]],
                line.ends[: state[8]],
                None,
                None if self.per_working_min or self.per_balance else line,
            )
            if timing is None:
                continue
            delta = timing.cost - route.cost
            if (
                best is None
                or delta < best[0] - 1e-9
                or (delta <= best[0] + 1e-9 and order < best_order)
            ):
                best, best_order = (delta, route, position, depot, pickup, borrow), order
        return best

    def _may_fit(
        self, route: _Route, depot: int | None, line: _Timeline, job: int, position: int
    ) -> bool | None:
        """Whether ``job`` may fit at ``position`` by the windows alone (a necessary test).

        None when the job cannot even be reached within its last window from
        there, which holds for every later position too. Inserting a stop only
        delays the stops after it, so the current ends bound the new ones below,
        and the stop after it must still start by its latest start.
        """
        ends = line.ends
        if len(ends) != len(route.jobs):
            return True  # not timed (an infeasible route being repaired): no bound
        net, problem = self.problem.network, self.problem
        engineer = problem.engineers[route.v]
        if position == 0:
            if depot is not None:
                here = net.depot_site[depot]
                ready = engineer.shift.start + self.minutes[net.engineer_start[route.v]][here]
                ready += problem.depots[depot].pickup_min
            else:
                here, ready = net.engineer_start[route.v], engineer.shift.start
        else:
            here, ready = net.job_site[route.jobs[position - 1]], ends[position - 1]
        site = net.job_site[job]
        arrival = ready + self.minutes[here][site]
        windows = self.windows[job]
        if arrival > windows[-1].end + TIME_EPS:
            return None
        start = arrival
        for window in windows:
            if arrival <= window.end + TIME_EPS:
                start = max(arrival, window.start)
                break
        at = position + (0 if depot is None else 1)
        tolerance = TIME_EPS * (len(line.stops) + 2)
        service = self._service(route.v, job, None)
        if at == len(line.stops):
            back = start + service + self.minutes[site][net.engineer_end[route.v]]
            return back <= engineer.latest_return + tolerance
        reach = start + service + self.minutes[site][line.stops[at][0]]
        return reach <= line.latest[at] + tolerance

    def urgency(self, job: int) -> tuple[float, float, float, int]:
        """Sort key: most urgent first (priority, SLA deadline, window end); a crew job
        before the single jobs of its priority, as it needs room in several days at once."""
        j = self.problem.jobs[job]
        deadline = j.sla_deadline if j.sla_deadline is not None else math.inf
        return (j.priority - (CREW_FIRST if j.crew > 1 else 0.0), deadline, j.windows[-1].end, job)

    def insert_all(self, jobs: list[int], displace: bool = False) -> None:
        """Insert each job, in the order given, where it adds least, if that beats leaving it out.

        With ``displace``, a job that fits nowhere may take the place of the last
        jobs of a qualified engineer's day, when they are all less urgent than it
        and that costs less than leaving it out (as "who should go?" proposes);
        the jobs given up then go wherever they still fit.
        """
        problem = self.problem
        queue = list(jobs)
        while queue:
            job = queue.pop(0)
            waits_for = [p for p, _ in self.preds.get(job, ()) if p in queue]
            if waits_for:
                # a job goes in after those it follows (the order of ``after`` has no cycle)
                at = max(queue.index(p) for p in waits_for) + 1
                queue.insert(at, job)
                continue
            penalty = problem.objective.unassigned(problem.jobs[job].priority)
            if job in self.crew_jobs:
                if job not in self.where:
                    crew = self.best_crew_insertion(job)
                    if crew is not None and crew[0] < penalty:
                        self._place_crew(job, crew[1])
                continue
            found = self.best_insertion(job)
            if found is not None and found[0] < penalty:
                delta, route, position, depot, pickup, borrow = found
                self._place(job, route, position, depot, pickup, borrow, route.cost + delta)
            elif displace and found is None:
                queue = self._displace(job, penalty) + queue

    def _displace(self, job: int, penalty: float) -> list[int]:
        """Put ``job`` in place of the last jobs of the day where that pays most; the
        jobs given up (to insert again), or none if no day gains by it."""
        best = None
        busy = [v for v in self._by_distance(job) if self.routes[v].jobs][:NEAREST]
        for v in busy:
            found = self.insertion_dropping(v, job, DISPLACE_AT_MOST, less_urgent_only=True)
            if found is not None and found[0] < penalty and (best is None or found[0] < best[1][0]):
                best = (v, found)
        if best is None:
            return []
        v, (delta, order, depot, pickup, borrow, given_up) = best
        route = self.routes[v]
        self._remember(route, job, *given_up)
        cost = route.cost + delta - self._forfeit(given_up)
        for g in given_up:
            del self.where[g]
            route.load -= self.problem.jobs[g].demand
        route.jobs = [j for j in route.jobs if j not in given_up]
        self._set_supply(route, depot, pickup, borrow)
        route.jobs = list(order)
        route.changed()
        route.load += self.problem.jobs[job].demand
        route.cost = cost
        self.where[job] = v
        return list(given_up)

    def _place(
        self,
        job: int,
        route: _Route,
        position: int,
        depot: int | None,
        pickup: dict[str, int],
        borrow: set[str],
        cost: float,
    ) -> None:
        """Put ``job`` into ``route`` at ``position`` with that supply; the route then costs ``cost``."""
        self._remember(route, job)
        self._set_supply(route, depot, pickup, borrow)
        route.jobs.insert(position, job)
        route.changed()
        route.load += self.problem.jobs[job].demand
        route.cost = cost
        self.where[job] = route.v

    def _set_supply(
        self, route: _Route, depot: int | None, pickup: dict[str, int], borrow: set[str]
    ) -> None:
        """Give the route's depot stock back, then draw the new pickup."""
        self._remember(route)
        self._remember_stock(route.depot)
        self._remember_stock(depot)
        if route.depot is not None:
            for part, units in route.pickup.items():
                self.stock[route.depot][part] += units
        if depot is not None:
            for part, units in pickup.items():
                self.stock[depot][part] = self.stock[depot].get(part, 0) - units
        route.depot, route.pickup, route.borrow = depot, dict(pickup), set(borrow)

    def remove(self, job: int) -> list[int]:
        """Take a job out of its route (and any pickup it no longer needs), after the
        served jobs that follow it: the jobs taken out, without ``job`` if its route
        cannot do without it."""
        taken: list[int] = []
        for follower, _ in self.followers.get(job, ()):
            if follower in self.where:
                taken += self.remove(follower)
        if any(f in self.where for f, _ in self.followers.get(job, ())):
            return taken  # a follower's route cannot do without it: the job stays too
        crew = self.crews.get(job)
        if crew is not None:
            routes = [self.routes[v] for v in crew.members]
            if not all(self._take_out_of(r, job, dry_run=True) for r in routes):
                return taken
            self._remember_crew(job)
            for r in routes:
                self._take_out_of(r, job, dry_run=False)
            del self.crews[job]
            self.fixed_duration.pop(job, None)
            self.windows[job] = self.problem.jobs[job].windows
            taken.append(job)
        elif self._take_out(job):
            taken.append(job)
        return taken

    def _take_out(self, job: int) -> bool:
        return self._take_out_of(self.routes[self.where[job]], job, dry_run=False)

    def _take_out_of(self, route: _Route, job: int, dry_run: bool) -> bool:
        """Take ``job`` out of ``route`` (only check that it can be, with ``dry_run``)."""
        jobs = [j for j in route.jobs if j != job]
        engineer = self.problem.engineers[route.v]
        carried = [j for j in jobs if self._carries(route.v, j)]
        used: dict[str, int] = {}
        for j in carried:
            for part, units in self.problem.jobs[j].parts.items():
                used[part] = used.get(part, 0) + units
        pickup = {
            p: units - engineer.van_stock.get(p, 0)
            for p, units in used.items()
            if units > engineer.van_stock.get(p, 0)
        }
        borrow = {t for j in carried for t in self.problem.jobs[j].tools} - set(engineer.tools)
        depot = route.depot if pickup or borrow else None
        timing = self.time_route(route.v, depot, jobs)
        if timing is None:
            return False
        if dry_run:
            return True
        self._remember(route, job)
        if self._carries(route.v, job):
            route.load -= self.problem.jobs[job].demand
        self._set_supply(route, depot, pickup, borrow)
        route.jobs = jobs
        route.changed()
        # an emptied route costs what a never-used one does
        route.cost = timing.cost if jobs or self.idle_costed else self._empty_cost(route.v)
        if self.where.get(job) == route.v:
            del self.where[job]
        return True

    def objective(self) -> float:
        """The contract objective of the current routes (as this heuristic times them)."""
        problem = self.problem
        left_out = sum(
            problem.objective.unassigned(j.priority)
            for i, j in enumerate(problem.jobs)
            if i not in self.where
        )
        dropped = sum(self.change_penalty for j in self.promised if j not in self.where)
        crews = sum(c.extra for c in self.crews.values())
        routes = sum(r.cost for r in self.routes)
        if self.per_balance:
            routes += self._balance_correction()
        return left_out + dropped + crews + routes

    # ------------------------------------------------------------ balance --
    def _works(self, on_site: bool = False) -> list[float]:
        """Busy minutes (or with ``on_site``, minutes on site) of each shift's route as
        it stands (0 for an empty one)."""
        out = []
        for route in self.routes:
            line = self._timeline(route, route.depot) if route.jobs else None
            out.append(0.0 if line is None else line.on_site if on_site else line.work)
        return out

    def _balance_correction(self) -> float:
        """The real spread's cost less the guide terms the route costs hold."""
        works = self._works()
        guides = sum(
            self.per_balance * abs(w - self.targets[v])
            for v, w in enumerate(self._works(on_site=True))
        )
        by_engineer: dict[str, float] = {}
        for v, w in enumerate(works):
            eid = self.problem.engineers[v].id
            by_engineer[eid] = by_engineer.get(eid, 0.0) + w
        mean = sum(by_engineer.values()) / max(len(by_engineer), 1)
        spread = sum(abs(w - mean) for w in by_engineer.values())
        return self.per_balance * spread - guides

    def _estimated_mean(self) -> float:
        """Minutes on site per engineer before anything is planned: all service time
        shared out."""
        problem = self.problem
        total = sum(j.duration_min * max(j.crew, 1) for j in problem.jobs)
        return total / max(len(problem.slots_of), 1)

    def _set_targets(self, mean: float) -> None:
        """Each shift's share of ``mean`` minutes on site per engineer (by shift length)."""
        problem = self.problem
        for slots in problem.slots_of.values():
            lengths = [
                max(problem.engineers[v].shift.end - problem.engineers[v].shift.start, 1.0)
                for v in slots
            ]
            total = sum(lengths)
            for v, length in zip(slots, lengths, strict=True):
                self.targets[v] = mean * length / total
        for route in self.routes:
            if not route.jobs and not self.idle_costed:
                route.cost = self._empty_cost(route.v)

    def retarget(self) -> None:
        """Aim the balance guide at the mean of the routes as they stand, costing
        every route again (between steps of the search, never inside a trial)."""
        if not self.per_balance:
            return
        works = self._works(on_site=True)
        by_engineer: dict[str, float] = {}
        for v, w in enumerate(works):
            eid = self.problem.engineers[v].id
            by_engineer[eid] = by_engineer.get(eid, 0.0) + w
        self._set_targets(sum(by_engineer.values()) / max(len(by_engineer), 1))
        for route in self.routes:
            if route.jobs or self.idle_costed:
                timing = self.time_route(route.v, route.depot, route.jobs)
                if timing is not None:
                    route.cost = timing.cost
                route.changed()

    def _empty_cost(self, v: int) -> float:
        """What an unused route costs: nothing, but for the balance guide."""
        return self.per_balance * self.targets[v] if self.per_balance else 0.0

    def build(self) -> list[RouteDraft]:
        self.insert_all(sorted(self.layout.jobs, key=self.urgency), displace=True)
        self.retarget()
        return self.drafts()

    def drafts(self) -> list[RouteDraft]:
        return [self._draft(r) for r in self.routes if r.jobs]

    def insertion_dropping(
        self, v: int, job: int, most: int, less_urgent_only: bool = False
    ) -> tuple[float, list[int], int | None, dict[str, int], set[str], list[int]] | None:
        """Cheapest way into ``v``'s day that gives up the last ``1..most`` jobs of it.

        Returns (cost increase, the new job order, depot, pickup, borrow, jobs
        given up); the cost counts the given-up jobs' unassigned penalties and
        broken promises. The parts the day drew from its depot count as back
        there. With ``less_urgent_only``, only jobs of a less urgent priority
        than ``job`` may be given up.
        """
        route = self.routes[v]
        problem = self.problem
        urgency = problem.jobs[job].priority
        best = None
        for drop in range(1, min(most, len(route.jobs)) + 1):
            kept = route.jobs[: len(route.jobs) - drop]
            given_up = route.jobs[len(route.jobs) - drop :]
            if less_urgent_only and any(problem.jobs[g].priority <= urgency for g in given_up):
                break  # giving up more of the day's end only adds such jobs
            if any(f in self.where for g in given_up for f, _ in self.followers.get(g, ())):
                break  # a job served elsewhere follows it: not given up in passing
            if any(g in self.crew_jobs for g in given_up):
                break  # a crew job is given up only with its whole crew
            forfeit = self._forfeit(given_up)
            capacity = problem.engineers[v].capacity
            load = sum(problem.jobs[k].demand for k in kept) + problem.jobs[job].demand
            if capacity and load > capacity:
                continue
            # the shorter day still holds its pickup, so its units count as available
            shorter = _Route(v, list(kept), route.depot, dict(route.pickup), set(route.borrow))
            for depot, pickup, borrow in self._supply(shorter, job):
                for position in range(len(kept) + 1):
                    trial = [*kept[:position], job, *kept[position:]]
                    timing = self.time_route(v, depot, trial)
                    if timing is None:
                        continue
                    delta = timing.cost - route.cost + forfeit
                    if best is None or delta < best[0] - 1e-9:
                        best = (delta, trial, depot, pickup, borrow, given_up)
        return best

    def draft_of(self, route: _Route) -> RouteDraft:
        """The route as it stands, as a draft (breaks placed as this heuristic takes them)."""
        return self._draft(route)

    def trial_draft(
        self,
        v: int,
        jobs: list[int],
        depot: int | None,
        pickup: dict[str, int],
        borrow: set[str],
    ) -> RouteDraft:
        """A draft of engineer ``v`` serving ``jobs`` after ``depot``, without changing anything."""
        return self._draft(_Route(v, list(jobs), depot, dict(pickup), set(borrow)))

    def _draft(self, route: _Route) -> RouteDraft:
        problem = self.problem
        self._as_they_stand.add(route.v)
        try:
            timing = self.time_route(route.v, route.depot, route.jobs)
        finally:
            self._as_they_stand.discard(route.v)
        assert timing is not None
        located: list[Visit] = []
        if route.depot is not None:
            located.append(
                Visit(
                    StopType.DEPOT,
                    problem.depots[route.depot].id,
                    dict(route.pickup),
                    tuple(sorted(route.borrow)),
                )
            )
        located += [
            Visit(
                StopType.JOB,
                problem.jobs[j].id,
                lead=j in self.crews and self.crews[j].lead == route.v,
            )
            for j in route.jobs
        ]
        visits: list[Visit] = []
        for position in range(len(located) + 1):
            visits += [Visit(StopType.BREAK, k) for k, p in timing.breaks if p == position]
            if position < len(located):
                visits.append(located[position])
        engineer = problem.engineers[route.v]
        return RouteDraft(engineer.id, tuple(visits), shift=engineer.shift_index)


def _alike_classes(problem: Problem, layout: Layout) -> list[int]:
    """Per engineer, a class number shared by the engineers an empty route cannot tell apart:
    the same start, end, shift, breaks, skills, van, tools, capacity, depot visits
    (which pins and exclusions by name can make differ) and on-call duty."""
    net = problem.network
    classes: dict[tuple[object, ...], int] = {}
    out = []
    for v, e in enumerate(problem.engineers):
        key = (
            net.engineer_start[v],
            net.engineer_end[v],
            e.shift.start,
            e.shift.end,
            e.max_overtime_min,
            tuple((b.earliest, b.latest, b.duration_min) for b in e.breaks),
            tuple(sorted(e.skills.items())),
            tuple(sorted(e.van_stock.items())),
            tuple(sorted(e.tools)),
            e.capacity,
            tuple(layout.depot_options.get(v, ())),
            e.on_call,
        )
        out.append(classes.setdefault(key, len(classes)))
    return out


def construct(problem: Problem, layout: Layout) -> list[RouteDraft]:
    """A feasible plan's routes, built greedily (see the module docstring)."""
    return Builder(problem, layout).build()
