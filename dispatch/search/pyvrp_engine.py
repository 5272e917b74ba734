"""The only module that imports PyVRP: a second engine for problems that fit its model.

PyVRP's hybrid genetic search is far stronger than OR-Tools' local search on
plain time-window routing (the Solomon benchmarks: see benchmarks/), but it
knows no breaks, parts, tools, skills or soft deadlines. :func:`fits` says
when a problem has none of those; everything else goes to OR-Tools.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType
from dispatch.search.scaling import Scale
from dispatch.search.types import EngineResult, ProgressCallback

if TYPE_CHECKING:
    from dispatch.model.entities import SolveOptions
    from dispatch.model.problem import Problem


def fits(problem: Problem) -> bool:
    """True when every rule of the problem is one PyVRP models exactly.

    That is: no breaks, overtime, working-time cost, parts, tools, skills,
    exclusions or pins; one window per job; no SLA deadline that could be
    missed with a cost; one shift per engineer and no job that follows another;
    no crews, engineer speeds, costed preferences or balancing.
    """
    objective = problem.objective
    if objective.working_cost_per_min or problem.several_days:
        return False
    if problem.has_crews or problem.has_speeds or objective.balance_cost_per_min:
        return False
    if objective.unpreferred_cost and any(j.preferred_engineers for j in problem.jobs):
        return False
    for engineer in problem.engineers:
        if engineer.breaks or engineer.max_overtime_min:
            return False
    for job in problem.jobs:
        if job.parts or job.tools or job.skills or job.pinned_engineer or job.excluded_engineers:
            return False
        if len(job.windows) != 1:
            return False
        if (
            job.sla_deadline is not None
            and objective.late(job.priority) > 0
            and job.sla_deadline < job.windows[0].end
        ):
            return False
    return True


def solve_routes(
    problem: Problem, options: SolveOptions, progress: ProgressCallback | None = None
) -> EngineResult:
    """Run PyVRP on a problem that :func:`fits`; returns drafts like the OR-Tools engine."""
    from pyvrp import Model
    from pyvrp.exceptions import PenaltyBoundWarning
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    began = time.monotonic()
    scale = Scale(problem)
    net = problem.network
    model = Model()
    locations = [model.add_location(0, 0) for _ in net.locations]
    horizon_lo = max(0, scale.up(problem.horizon.start))
    horizon_hi = scale.down(problem.horizon.end)
    depots: dict[int, Any] = {}

    def depot_at(loc: int) -> Any:
        if loc not in depots:
            depots[loc] = model.add_depot(locations[loc], tw_early=horizon_lo, tw_late=horizon_hi)
        return depots[loc]

    groups: dict[tuple[int, int, int, int, int], list[int]] = {}
    for v, e in enumerate(problem.engineers):
        key = (
            net.engineer_start[v],
            net.engineer_end[v],
            scale.up(e.shift.start),
            scale.down(e.shift.end),
            e.capacity,
        )
        groups.setdefault(key, []).append(v)
    uses_load = any(j.demand for j in problem.jobs) and any(e.capacity for e in problem.engineers)
    total_demand = sum(j.demand for j in problem.jobs)
    members: list[list[int]] = []
    for (start, end, early, late, capacity), vehicles in groups.items():
        model.add_vehicle_type(
            num_available=len(vehicles),
            capacity=[capacity or total_demand] if uses_load else [],
            start_depot=depot_at(start),
            end_depot=depot_at(end),
            tw_early=early,
            tw_late=late,
        )
        members.append(vehicles)
    # Money in the same resolution as time (a tick's worth): PyVRP weighs time warp
    # and load excess against distance with bounded penalties, which fail to find a
    # feasible plan when distances are a hundred times finer than durations.
    money = scale.per_min
    cost = np.rint(net.travel.km * problem.objective.travel_cost_per_km * money).astype(np.int64)
    # A penalty a thousand times the dearest round trip always beats travel: such a job
    # is required, which is the mode PyVRP searches best in; cheaper ones carry a prize.
    must_serve = 2000 * int(cost.max(initial=0)) + 1
    for j, job in enumerate(problem.jobs):
        window = job.windows[0]
        prize = round(problem.objective.unassigned(job.priority) * money)
        model.add_client(
            locations[net.job_site[j]],
            delivery=[job.demand] if uses_load else [],
            service_duration=scale.span(job.duration_min),
            tw_early=scale.up(window.start),
            tw_late=scale.down(window.end),
            prize=0 if prize >= must_serve else prize,
            required=prize >= must_serve,
            name=job.id,
        )
    duration = np.ceil(net.travel.minutes * scale.per_min - 1e-6).astype(np.int64)
    cost_rows, duration_rows = cost.tolist(), duration.tolist()
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            model.add_edge(frm, to, distance=cost_rows[a][b], duration=duration_rows[a][b])
    # the limit covers building the model too
    stop: Any = MaxRuntime(max(options.time_limit_s - (time.monotonic() - began), 0.05))
    if options.solution_limit is not None:
        stop = MultipleCriteria([MaxIterations(options.solution_limit), stop])
    with warnings.catch_warnings():
        # PyVRP warns when its penalties reach their bound on a problem it cannot make
        # feasible; the caller learns it from the result and falls back to OR-Tools.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = model.solve(stop, seed=options.seed, display=False, collect_stats=False)
    clients = model.clients
    free = [list(vs) for vs in members]
    drafts = []
    for route in result.best.routes():
        v = free[route.vehicle_type()].pop(0)
        visits = tuple(
            Visit(StopType.JOB, clients[act.idx].name) for act in route if act.is_client()
        )
        drafts.append(
            RouteDraft(problem.engineers[v].id, visits, shift=problem.engineers[v].shift_index)
        )
    wall = time.monotonic() - began
    if progress is not None:
        progress(wall, result.cost() / money if math.isfinite(result.cost()) else math.inf, 1)
    return EngineResult(
        drafts=tuple(drafts),
        status="success" if result.is_feasible() else "infeasible",
        solutions=int(result.num_iterations),
        first_solution_s=None,
        wall_s=wall,
    )
