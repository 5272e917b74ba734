"""The only module that imports OR-Tools: a :class:`Problem` becomes a routing model.

Model summary (rules of contracts/dispatch.md):

- nodes: one per servable job, one optional depot-visit node per (engineer,
  useful depot), one start and one end node per engineer;
- time dimension: transit = service at the node + travel; job windows as
  cumul domains (gaps between windows removed); depot hours; shift start and
  latest return; SLA deadlines as soft upper bounds weighted by priority;
  overtime as a soft upper bound on the route end; breaks as OR-Tools break
  intervals that may not overlap service; working time as span cost;
- one dimension per needed part: cumul = units carried, starting at the van
  stock, minus what each job uses; the slack at a depot visit is what is
  picked up there, and a solver constraint keeps the sum over all engineers
  within the depot's stock;
- one 0/1 dimension per tool that some engineer lacks, raised by borrowing;
- skills, exclusions and pinning as allowed vehicles; unassigned jobs as
  disjunctions with the priority's penalty.

The search starts from the plan of :mod:`dispatch.search.construct`: OR-Tools' own
construction checks every candidate insertion by constraint propagation, which
is far too slow for a day of a thousand jobs with breaks and part stock, and it
cannot see that a depot visit pays off only with the job it supplies.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType
from dispatch.search.construct import Builder
from dispatch.search.improve import improve
from dispatch.search.layout import Layout, plan_layout
from dispatch.search.scaling import Scale
from dispatch.search.types import EngineResult, ProgressCallback

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from dispatch.model.problem import Problem

log = logging.getLogger(__name__)

#: Share of the time limit given to ruin and recreate before OR-Tools' local search.
LNS_SHARE = 0.7
#: Ruin-and-recreate steps per unit of ``solution_limit`` in deterministic runs.
LNS_STEPS_PER_SOLUTION = 20

_FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy
_METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic


@dataclass(slots=True)
class _Nodes:
    """Node layout of the routing model and what each node stands for."""

    jobs: list[int] = field(default_factory=list)  # problem job index per job node
    depot_visits: list[tuple[int, int]] = field(default_factory=list)  # (engineer, depot)
    location: list[int] = field(default_factory=list)  # network location per node
    service_min: list[float] = field(default_factory=list)

    @property
    def n_jobs(self) -> int:
        return len(self.jobs)

    def start(self, v: int) -> int:
        return self.n_jobs + len(self.depot_visits) + v

    def end(self, v: int, n_vehicles: int) -> int:
        return self.n_jobs + len(self.depot_visits) + n_vehicles + v


class _RoutingModel:
    """Builds one OR-Tools routing model of a problem."""

    def __init__(
        self,
        problem: Problem,
        nodes: _Nodes,
        allowed: dict[int, list[int]],
        scale: Scale,
    ) -> None:
        self.problem = problem
        self.nodes = nodes
        self.scale = scale
        n_vehicles = len(problem.engineers)
        self.n_vehicles = n_vehicles
        n_nodes = len(nodes.location)
        starts = [nodes.start(v) for v in range(n_vehicles)]
        ends = [nodes.end(v, n_vehicles) for v in range(n_vehicles)]
        self.manager = pywrapcp.RoutingIndexManager(n_nodes, n_vehicles, starts, ends)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.part_dims: dict[str, Any] = {}
        self.tool_dims: dict[str, Any] = {}
        self.break_names: dict[str, tuple[int, int]] = {}
        self._arc_costs()
        self._time_dimension()
        self._jobs(allowed)
        self._depot_visits()
        self._parts()
        self._tools()
        self._capacity()
        self._preferences()

    # ------------------------------------------------------------ helpers --
    def index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def _matrix(self, per_location: NDArray[np.float64]) -> NDArray[np.float64]:
        loc = np.array(self.nodes.location, dtype=np.intp)
        return per_location[np.ix_(loc, loc)]

    # ---------------------------------------------------------- structure --
    def _arc_costs(self) -> None:
        km = self._matrix(self.problem.network.travel.km)
        per_km = self.problem.objective.travel_cost_per_km * self.scale.money
        cost = np.rint(km * per_km).astype(np.int64)
        callback = self.routing.RegisterTransitMatrix(cost.tolist())
        self.routing.SetArcCostEvaluatorOfAllVehicles(callback)

    def _service_ticks(self, v: int) -> NDArray[np.int64]:
        """Ticks engineer ``v`` spends at each node (their own speed on a job)."""
        problem, nodes, scale = self.problem, self.nodes, self.scale
        ticks = [scale.span(s) for s in nodes.service_min]
        for node, j in enumerate(nodes.jobs):
            ticks[node] = scale.span(problem.service_min(j, v))
        return np.array(ticks, dtype=np.int64)

    def _time_dimension(self) -> None:
        problem, scale = self.problem, self.scale
        travel = np.ceil(self._matrix(problem.network.travel.minutes) * scale.per_min - 1e-6)
        travel_ticks = travel.astype(np.int64)
        # One transit matrix per speed: engineers at the job's own speed share one.
        by_factor: dict[float, tuple[int, NDArray[np.int64]]] = {}
        callbacks = []
        self.service: list[NDArray[np.int64]] = []
        for v, engineer in enumerate(problem.engineers):
            if engineer.duration_factor not in by_factor:
                service = self._service_ticks(v)
                transit = travel_ticks + service[:, None]
                callback = self.routing.RegisterTransitMatrix(transit.tolist())
                by_factor[engineer.duration_factor] = (callback, service)
            callback, service = by_factor[engineer.duration_factor]
            callbacks.append(callback)
            self.service.append(service)
        latest = max(
            [scale.down(e.latest_return) for e in problem.engineers]
            + [scale.down(problem.horizon.end)]
        )
        if len(by_factor) == 1:
            self.routing.AddDimension(callbacks[0], latest, latest, False, "time")
        else:
            self.routing.AddDimensionWithVehicleTransits(callbacks, latest, latest, False, "time")
        self.time = self.routing.GetDimensionOrDie("time")
        objective = problem.objective
        nodes_of = [self.manager.IndexToNode(index) for index in range(self.routing.Size())]
        for v, engineer in enumerate(problem.engineers):
            lo, hi = scale.up(engineer.shift.start), scale.down(engineer.latest_return)
            start, end = self.routing.Start(v), self.routing.End(v)
            self.time.CumulVar(start).SetRange(lo, hi)
            self.time.CumulVar(end).SetRange(lo, hi)
            overtime = scale.per_minute_cost(objective.overtime_cost_per_min)
            if overtime > 0:
                self.time.SetCumulVarSoftUpperBound(end, scale.down(engineer.shift.end), overtime)
            if engineer.on_call and objective.callout_cost > 0:
                self.routing.SetFixedCostOfVehicle(scale.cost(objective.callout_cost), v)
            working = scale.per_minute_cost(objective.working_cost_per_min)
            if working > 0:
                self.time.SetSpanCostCoefficientForVehicle(working, v)
            self.routing.AddVariableMaximizedByFinalizer(self.time.CumulVar(start))
            self.routing.AddVariableMinimizedByFinalizer(self.time.CumulVar(end))
            intervals = []
            for k, brk in enumerate(engineer.breaks):
                name = f"break:{v}:{k}"
                self.break_names[name] = (v, k)
                interval = self.routing.solver().FixedDurationIntervalVar(
                    scale.up(brk.earliest),
                    scale.down(brk.latest),
                    scale.span(brk.duration_min),
                    False,
                    name,
                )
                intervals.append(interval)
            if intervals:
                visit_transits = [int(self.service[v][node]) for node in nodes_of]
                self.time.SetBreakIntervalsOfVehicle(intervals, v, visit_transits)

    def _jobs(self, allowed: dict[int, list[int]]) -> None:
        problem, scale = self.problem, self.scale
        objective = problem.objective
        for node, j in enumerate(self.nodes.jobs):
            job = problem.jobs[j]
            index = self.index(node)
            cumul = self.time.CumulVar(index)
            cumul.SetRange(scale.up(job.windows[0].start), scale.down(job.windows[-1].end))
            for before, after in zip(job.windows, job.windows[1:], strict=False):
                gap_lo, gap_hi = scale.down(before.end) + 1, scale.up(after.start) - 1
                if gap_lo <= gap_hi:
                    cumul.RemoveInterval(gap_lo, gap_hi)
            if job.sla_deadline is not None:
                late = scale.per_minute_cost(objective.late(job.priority))
                if late > 0:
                    self.time.SetCumulVarSoftUpperBound(index, scale.down(job.sla_deadline), late)
            self.routing.AddDisjunction([index], scale.cost(objective.unassigned(job.priority)))
            vehicles = allowed[j]
            if len(vehicles) < self.n_vehicles:
                self._allow(index, vehicles)

    def _allow(self, index: int, vehicles: list[int]) -> None:
        try:
            # Lets insertion heuristics skip other vehicles outright: much faster.
            self.routing.SetAllowedVehiclesForIndex(vehicles, index)
        except TypeError:
            # OR-Tools 9.15's SWIG build rejects every Python sequence here; restricting
            # the vehicle variable (-1 = unperformed) is the same rule, checked later.
            self.routing.VehicleVar(index).SetValues([-1, *vehicles])

    def _depot_visits(self) -> None:
        problem, scale = self.problem, self.scale
        for k, (v, d) in enumerate(self.nodes.depot_visits):
            depot = problem.depots[d]
            index = self.index(self.nodes.n_jobs + k)
            cumul = self.time.CumulVar(index)
            cumul.SetRange(scale.up(depot.hours.start), scale.down(depot.latest_pickup))
            for before, after in itertools.pairwise(depot.opening):
                gap = (scale.down(before.end - depot.pickup_min) + 1, scale.up(after.start) - 1)
                if gap[0] <= gap[1]:
                    cumul.RemoveInterval(*gap)
            self._allow(index, [v])
            self.routing.AddDisjunction([index], 0)

    def _parts(self) -> None:
        problem, nodes = self.problem, self.nodes
        needed = sorted({p for j in nodes.jobs for p in problem.jobs[j].parts})
        solver = self.routing.solver()
        for part in needed:
            van = [e.van_stock.get(part, 0) for e in problem.engineers]
            cap = max(van) + problem.depot_stock_totals.get(part, 0)
            use = [0] * len(nodes.location)
            for node, j in enumerate(nodes.jobs):
                use[node] = -problem.jobs[j].parts.get(part, 0)
            callback = self.routing.RegisterUnaryTransitVector(use)
            name = f"part:{part}"
            self.routing.AddDimensionWithVehicleCapacity(
                callback, cap, [cap] * self.n_vehicles, False, name
            )
            dim = self.routing.GetDimensionOrDie(name)
            self.part_dims[part] = dim
            for v in range(self.n_vehicles):
                dim.CumulVar(self.routing.Start(v)).SetValue(van[v])
                dim.SlackVar(self.routing.Start(v)).SetValue(0)
            for node in range(nodes.n_jobs):
                dim.SlackVar(self.index(node)).SetValue(0)
            by_depot: dict[int, list[Any]] = {}
            for k, (_, d) in enumerate(nodes.depot_visits):
                slack = dim.SlackVar(self.index(nodes.n_jobs + k))
                stock = problem.depots[d].stock.get(part, 0)
                slack.SetRange(0, stock)
                if stock:
                    by_depot.setdefault(d, []).append(slack)
            for d, slacks in by_depot.items():
                if len(slacks) > 1:
                    solver.Add(solver.Sum(slacks) <= problem.depots[d].stock.get(part, 0))

    def _tools(self) -> None:
        problem, nodes = self.problem, self.nodes
        needed = sorted({t for j in nodes.jobs for t in problem.jobs[j].tools})
        zero = self.routing.RegisterUnaryTransitVector([0] * len(nodes.location))
        for tool in needed:
            owners = [tool in e.tools for e in problem.engineers]
            if all(owners):
                continue
            name = f"tool:{tool}"
            self.routing.AddDimension(zero, 1, 1, False, name)
            dim = self.routing.GetDimensionOrDie(name)
            self.tool_dims[tool] = dim
            for v in range(self.n_vehicles):
                dim.CumulVar(self.routing.Start(v)).SetValue(int(owners[v]))
                dim.SlackVar(self.routing.Start(v)).SetValue(0)
            for node, j in enumerate(nodes.jobs):
                index = self.index(node)
                dim.SlackVar(index).SetValue(0)
                if tool in problem.jobs[j].tools:
                    dim.CumulVar(index).SetMin(1)
            for k, (v, d) in enumerate(nodes.depot_visits):
                lends = tool in problem.depots[d].tools and not owners[v]
                dim.SlackVar(self.index(nodes.n_jobs + k)).SetRange(0, int(lends))

    def _capacity(self) -> None:
        problem, nodes = self.problem, self.nodes
        demand = [0] * len(nodes.location)
        for node, j in enumerate(nodes.jobs):
            demand[node] = problem.jobs[j].demand
        if not any(demand) or not any(e.capacity for e in problem.engineers):
            return
        total = sum(demand)
        callback = self.routing.RegisterUnaryTransitVector(demand)
        caps = [e.capacity if e.capacity > 0 else total for e in problem.engineers]
        self.routing.AddDimensionWithVehicleCapacity(callback, 0, caps, True, "load")

    def _preferences(self) -> None:
        """Cost each job served by an engineer it does not prefer (contract 1.2):
        a dimension that counts such jobs per route, its span costed."""
        problem, nodes = self.problem, self.nodes
        per_job = self.scale.cost(problem.objective.unpreferred_cost)
        choosy = [(node, problem.jobs[j]) for node, j in enumerate(nodes.jobs)]
        choosy = [(node, job) for node, job in choosy if job.preferred_engineers]
        if per_job <= 0 or not choosy:
            return
        by_engineer: dict[str, int] = {}
        callbacks = []
        for engineer in problem.engineers:
            if engineer.id not in by_engineer:
                counts = [0] * len(nodes.location)
                for node, job in choosy:
                    counts[node] = int(engineer.id not in job.preferred_engineers)
                by_engineer[engineer.id] = self.routing.RegisterUnaryTransitVector(counts)
            callbacks.append(by_engineer[engineer.id])
        most = len(choosy)
        self.routing.AddDimensionWithVehicleTransits(callbacks, 0, most, True, "unpreferred")
        dim = self.routing.GetDimensionOrDie("unpreferred")
        dim.SetSpanCostCoefficientForAllVehicles(per_job)

    # ------------------------------------------------------------- search --
    def parameters(self, options: SolveOptions, seconds: float) -> Any:
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = (
            _FIRST_SOLUTION.PARALLEL_CHEAPEST_INSERTION
            if self.nodes.n_jobs <= 300
            else _FIRST_SOLUTION.LOCAL_CHEAPEST_INSERTION
        )
        params.local_search_metaheuristic = _METAHEURISTIC.GUIDED_LOCAL_SEARCH
        params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
        if options.solution_limit is not None:
            params.solution_limit = options.solution_limit
        return params

    def routes_of(self, solution: Any) -> list[list[int]]:
        """Visited nodes (no start/end) per vehicle."""
        out = []
        for v in range(self.n_vehicles):
            index = self.routing.Start(v)
            nodes = []
            index = solution.Value(self.routing.NextVar(index))
            while not self.routing.IsEnd(index):
                nodes.append(int(self.manager.IndexToNode(index)))
                index = solution.Value(self.routing.NextVar(index))
            out.append(nodes)
        return out

    def drafts(self, solution: Any) -> list[RouteDraft]:
        """Read routes, pickups, borrowed tools and break placement off a solution."""
        problem, nodes = self.problem, self.nodes
        breaks: dict[int, list[tuple[int, int]]] = {}
        intervals = solution.IntervalVarContainer()
        for i in range(intervals.Size()):
            element = intervals.Element(i)
            name = element.Var().Name()
            if name in self.break_names and element.PerformedValue():
                v, k = self.break_names[name]
                breaks.setdefault(v, []).append((int(element.StartValue()), k))
        out = []
        for v, route in enumerate(self.routes_of(solution)):
            if not any(node < nodes.n_jobs for node in route):
                continue
            engineer = problem.engineers[v]
            visits: list[Visit] = []
            ends: list[int] = []  # service end tick of each located visit
            for node in route:
                index = self.index(node)
                start = int(solution.Value(self.time.CumulVar(index)))
                ends.append(start + int(self.service[v][node]))
                if node < nodes.n_jobs:
                    visits.append(Visit(StopType.JOB, problem.jobs[nodes.jobs[node]].id))
                else:
                    visits.append(self._depot_visit(solution, v, node, index))
            depart = int(solution.Value(self.time.CumulVar(self.routing.Start(v))))
            back = int(solution.Value(self.time.CumulVar(self.routing.End(v))))
            earliest_depart = None
            placed: list[tuple[int, int, Visit]] = []  # (position, start, visit)
            for start, k in sorted(breaks.get(v, [])):
                duration = self.scale.span(engineer.breaks[k].duration_min)
                if start + duration <= depart:
                    earliest_depart = max(
                        earliest_depart or -math.inf,
                        engineer.breaks[k].earliest + engineer.breaks[k].duration_min,
                    )
                    continue
                if start >= back:
                    continue  # taken after the working day
                position = sum(1 for e in ends if e <= start)
                placed.append((position, start, Visit(StopType.BREAK, k)))
            merged: list[Visit] = []
            for position in range(len(visits) + 1):
                merged += [visit for p, _, visit in placed if p == position]
                if position < len(visits):
                    merged.append(visits[position])
            out.append(
                RouteDraft(engineer.id, tuple(merged), earliest_depart, engineer.shift_index)
            )
        return out

    def _depot_visit(self, solution: Any, v: int, node: int, index: int) -> Visit:
        depot = self.problem.depots[self.nodes.depot_visits[node - self.nodes.n_jobs][1]]
        nxt = solution.Value(self.routing.NextVar(index))
        pickup = {}
        for part, dim in self.part_dims.items():
            units = int(solution.Value(dim.CumulVar(nxt)) - solution.Value(dim.CumulVar(index)))
            if units > 0:
                pickup[part] = units
        borrow = tuple(
            sorted(
                tool
                for tool, dim in self.tool_dims.items()
                if solution.Value(dim.CumulVar(nxt)) > solution.Value(dim.CumulVar(index))
            )
        )
        return Visit(StopType.DEPOT, depot.id, pickup, borrow)

    def assignment_from(self, drafts: list[RouteDraft], params: Any) -> Any:
        """An assignment that follows the drafts (breaks and values left to the solver)."""
        problem, nodes = self.problem, self.nodes
        job_node = {problem.jobs[j].id: n for n, j in enumerate(nodes.jobs)}
        depot_node = {
            (v, problem.depots[d].id): nodes.n_jobs + k
            for k, (v, d) in enumerate(nodes.depot_visits)
        }
        routes: list[list[int]] = [[] for _ in range(self.n_vehicles)]
        for draft in drafts:
            v = problem.slot(draft.engineer, draft.shift)
            for visit in draft.visits:
                if visit.type is StopType.JOB:
                    routes[v].append(self.index(job_node[str(visit.ref)]))
                elif visit.type is StopType.DEPOT:
                    routes[v].append(self.index(depot_node[(v, str(visit.ref))]))
        self.routing.CloseModelWithParameters(params)
        return self.routing.ReadAssignmentFromRoutes(routes, True)


def _nodes(problem: Problem, layout: Layout) -> _Nodes:
    """Node layout: servable jobs, offered depot visits, then starts and ends."""
    net = problem.network
    nodes = _Nodes(jobs=list(layout.jobs))
    for v in sorted(layout.depot_options):
        nodes.depot_visits += [(v, d) for d in layout.depot_options[v]]
    nodes.location = (
        [net.job_site[j] for j in nodes.jobs]
        + [net.depot_site[d] for _, d in nodes.depot_visits]
        + list(net.engineer_start)
        + list(net.engineer_end)
    )
    nodes.service_min = (
        [problem.jobs[j].duration_min for j in nodes.jobs]
        + [problem.depots[d].pickup_min for _, d in nodes.depot_visits]
        + [0.0] * (2 * len(problem.engineers))
    )
    return nodes


def _status_name(routing: Any) -> str:
    """OR-Tools' search status in lower case, without its ``ROUTING_`` prefix."""
    name = routing_enums_pb2.RoutingSearchStatus.Value.Name(int(routing.status()))
    return str(name).removeprefix("ROUTING_").lower()


def solve_routes(
    problem: Problem,
    options: SolveOptions,
    progress: ProgressCallback | None = None,
) -> EngineResult:
    """Construct a first plan, then improve it with OR-Tools' local search.

    The constructed plan is kept if the search cannot start from it or finds
    nothing in the time left, so a feasible plan always comes back.
    """
    began = time.monotonic()
    scale = Scale(problem)
    layout = plan_layout(problem, options.seed)
    builder = Builder(problem, layout)
    builder.build()
    first_at = time.monotonic() - began
    solutions = 1
    if progress is not None:
        progress(first_at, builder.objective(), solutions)
    # OR-Tools' model has no "after", crews or balance: with any of them the own
    # search (which keeps each rule) has the whole limit.
    own_only = bool(builder.preds or builder.crew_jobs or builder.per_balance)
    share = 1.0 if own_only else LNS_SHARE
    steps = improve(
        builder,
        options.seed,
        deadline=began + share * options.time_limit_s,
        max_steps=None
        if options.solution_limit is None
        else LNS_STEPS_PER_SOLUTION * options.solution_limit,
    )
    initial = builder.drafts()
    solutions += steps
    if progress is not None:
        progress(time.monotonic() - began, builder.objective(), solutions)
    remaining = options.time_limit_s - (time.monotonic() - began)
    if own_only:
        return EngineResult(
            tuple(initial), "searched", solutions, first_at, time.monotonic() - began
        )
    if remaining <= 0.05 or not layout.jobs:
        return EngineResult(tuple(initial), "constructed", solutions, first_at, first_at)
    model = _RoutingModel(problem, _nodes(problem, layout), layout.allowed, scale)

    # The callback must not reach the model: OR-Tools keeps it alive from C++, where
    # Python's collector cannot see the cycle, and the whole model would never be freed.
    cost_var = model.routing.CostVar()
    money = scale.money

    def on_solution() -> None:
        nonlocal solutions
        solutions += 1
        if progress is not None:
            progress(time.monotonic() - began, cost_var.Value() / money, solutions)

    model.routing.AddAtSolutionCallback(on_solution)
    params = model.parameters(options, max(options.time_limit_s - (time.monotonic() - began), 0.05))
    start = model.assignment_from(initial, params)
    # Closing the model takes seconds on a large day with several speeds: the search
    # gets what is left after it, so the limit holds.
    left = options.time_limit_s - (time.monotonic() - began)
    if left <= 0.05:
        return EngineResult(
            tuple(initial), "searched", solutions, first_at, time.monotonic() - began
        )
    params.time_limit.FromMilliseconds(max(1, int(left * 1000)))
    if start is None:
        log.warning("the search could not start from the constructed plan; building its own")
        solution = model.routing.SolveWithParameters(params)
    else:
        solution = model.routing.SolveFromAssignmentWithParameters(start, params)
    status = _status_name(model.routing)
    drafts = model.drafts(solution) if solution is not None else initial
    log.info("search ended: %s after %d solutions", status, solutions)
    return EngineResult(
        drafts=tuple(drafts),
        status=status if solution is not None else "constructed",
        solutions=solutions,
        first_solution_s=first_at,
        wall_s=time.monotonic() - began,
        fallback=tuple(initial),
    )
