"""Reference runs of peer VRPTW solvers (PyVRP, VROOM) on Solomon instances.

Both peers need integer data, so distances and times are scaled by ``scale``:
arc costs are rounded to the nearest unit, arc travel times are rounded up
(so a route the peer accepts stays feasible in exact arithmetic). Every peer
route is then re-checked and re-measured here in double precision.

Run: ``python -m benchmarks.peers C101 R101 --seconds 2``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from scenarios.instances.solomon import SolomonInstance, bks, distance_matrix, read_solomon

#: Slack allowed when re-checking times in double precision.
TOLERANCE = 1e-6
#: Default integer scale for distances and times handed to the peers.
SCALE = 1000


@dataclass(frozen=True)
class PeerResult:
    """One peer run, re-checked in double precision."""

    engine: str
    instance: str
    feasible: bool
    routes: list[list[int]]
    distance: float
    vehicles: int
    wall_s: float
    violations: tuple[str, ...] = field(default=())

    def gap(self, reference: float) -> float:
        """Relative gap to ``reference`` in percent."""
        return (self.distance / reference - 1.0) * 100.0


# ------------------------------------------------------------------ check --


def _index(inst: SolomonInstance) -> dict[int, int]:
    """Customer number -> row of :func:`distance_matrix`."""
    return {c.id: i + 1 for i, c in enumerate(inst.customers)}


def solution_distance(inst: SolomonInstance, routes: Sequence[Sequence[int]]) -> float:
    """Total length of ``routes`` (customer numbers, depot implied) in double precision."""
    dist = distance_matrix(inst)
    row = _index(inst)
    legs: list[float] = []
    for route in routes:
        path = [0, *(row[n] for n in route), 0]
        legs.extend(float(dist[a, b]) for a, b in itertools.pairwise(path))
    return math.fsum(legs)


def check_routes(
    inst: SolomonInstance, routes: Sequence[Sequence[int]], tol: float = TOLERANCE
) -> list[str]:
    """Violations of Solomon's rules by ``routes``; empty when the solution is feasible.

    Checks: every customer served exactly once, at most ``inst.vehicles`` non-empty
    routes, load within capacity, service starting no later than each due date,
    and return to the depot by its due date. Travel time equals the exact
    Euclidean distance; the vehicle leaves the depot at its ready time.
    """
    dist = distance_matrix(inst)
    row = _index(inst)
    out: list[str] = []
    seen: dict[int, int] = {}
    used = [r for r in routes if r]
    if len(used) > inst.vehicles:
        out.append(f"{len(used)} routes, only {inst.vehicles} vehicles")
    for k, route in enumerate(used):
        for n in route:
            if n not in row:
                out.append(f"route {k}: unknown customer {n}")
            seen[n] = seen.get(n, 0) + 1
        known = [n for n in route if n in row]
        load = sum(inst.customers[row[n] - 1].demand for n in known)
        if load > inst.capacity:
            out.append(f"route {k}: load {load} > capacity {inst.capacity}")
        t = inst.depot.ready
        here = 0
        for n in known:
            c = inst.customers[row[n] - 1]
            t = max(t + float(dist[here, row[n]]), c.ready)
            if t > c.due + tol:
                out.append(f"route {k}: customer {n} starts at {t:.6f} > due {c.due:g}")
            t += c.service
            here = row[n]
        t += float(dist[here, 0])
        if t > inst.depot.due + tol:
            out.append(f"route {k}: back at {t:.6f} > depot due {inst.depot.due:g}")
    for n, count in sorted(seen.items()):
        if count > 1:
            out.append(f"customer {n} served {count} times")
    missing = sorted(set(row) - set(seen))
    if missing:
        out.append(f"{len(missing)} customers not served: {missing[:10]}")
    return out


def _result(
    engine: str, inst: SolomonInstance, routes: list[list[int]], wall_s: float
) -> PeerResult:
    routes = [r for r in routes if r]
    violations = tuple(check_routes(inst, routes))
    return PeerResult(
        engine=engine,
        instance=inst.name,
        feasible=not violations,
        routes=routes,
        distance=solution_distance(inst, routes),
        vehicles=len(routes),
        wall_s=wall_s,
        violations=violations,
    )


# ---------------------------------------------------------------- scaling --


@dataclass(frozen=True)
class _Scaled:
    """Integer data for a peer: costs rounded, travel times and service rounded up."""

    cost: NDArray[np.int64]
    travel: NDArray[np.int64]
    ready: list[int]
    due: list[int]
    service: list[int]
    depot_ready: int
    depot_due: int


def _scaled(inst: SolomonInstance, scale: int) -> _Scaled:
    dist = distance_matrix(inst) * scale
    return _Scaled(
        cost=np.rint(dist).astype(np.int64),
        travel=np.ceil(dist).astype(np.int64),
        ready=[math.ceil(c.ready * scale) for c in inst.customers],
        due=[math.floor(c.due * scale) for c in inst.customers],
        service=[math.ceil(c.service * scale) for c in inst.customers],
        depot_ready=math.ceil(inst.depot.ready * scale),
        depot_due=math.floor(inst.depot.due * scale),
    )


# ------------------------------------------------------------------ peers --


def solve_pyvrp(
    inst: SolomonInstance, seconds: float, seed: int = 0, *, scale: int = SCALE
) -> PeerResult:
    """PyVRP's iterated local search for ``seconds``: distance only, fleet size from the file."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    start = time.perf_counter()
    data = _scaled(inst, scale)
    model = Model()
    locations = [model.add_location(inst.depot.x, inst.depot.y)]
    locations += [model.add_location(c.x, c.y) for c in inst.customers]
    depot = model.add_depot(locations[0], tw_early=data.depot_ready, tw_late=data.depot_due)
    model.add_vehicle_type(
        num_available=inst.vehicles,
        capacity=inst.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=data.depot_ready,
        tw_late=data.depot_due,
    )
    for i, c in enumerate(inst.customers):
        model.add_client(
            locations[i + 1],
            delivery=c.demand,
            service_duration=data.service[i],
            tw_early=data.ready[i],
            tw_late=data.due[i],
            name=str(c.id),
        )
    cost, travel = data.cost.tolist(), data.travel.tolist()
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            model.add_edge(frm, to, distance=cost[a][b], duration=travel[a][b])
    result = model.solve(MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
    clients = model.clients
    routes = [
        [int(clients[act.idx].name) for act in route if act.is_client()]
        for route in result.best.routes()
    ]
    return _result("pyvrp", inst, routes, time.perf_counter() - start)


def solve_vroom(
    inst: SolomonInstance,
    exploration: int = 5,
    *,
    threads: int | None = None,
    scale: int = SCALE,
) -> PeerResult:
    """VROOM (pyvroom) at ``exploration`` level; all vehicles of the file, distance as cost."""
    import vroom

    start = time.perf_counter()
    data = _scaled(inst, scale)
    problem = vroom.Input()
    problem.set_durations_matrix("car", data.travel)
    problem.set_costs_matrix("car", data.cost)
    shift = vroom.TimeWindow(data.depot_ready, data.depot_due)
    problem.add_vehicle(
        [
            vroom.Vehicle(k, start=0, end=0, capacity=[inst.capacity], time_window=shift)
            for k in range(1, inst.vehicles + 1)
        ]
    )
    for i, c in enumerate(inst.customers):
        problem.add_job(
            vroom.Job(
                c.id,
                location=i + 1,
                default_service=data.service[i],
                delivery=vroom.Amount([c.demand]),
                time_windows=[vroom.TimeWindow(data.ready[i], data.due[i])],
            )
        )
    solution = problem.solve(
        exploration_level=exploration, nb_threads=threads or os.cpu_count() or 1
    )
    routes = [
        [int(step["id"]) for step in r["steps"] if step["type"] == "job"]
        for r in solution.to_dict().get("routes", [])
    ]
    return _result("vroom", inst, routes, time.perf_counter() - start)


# ------------------------------------------------------------------- main --


def main(argv: Sequence[str] | None = None) -> int:
    """Run the peers on the named instances and print distance, gap to BKS and wall time."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__)
    parser.add_argument("instances", nargs="*", default=["C101", "R101"])
    parser.add_argument("--seconds", type=float, default=2.0, help="PyVRP time limit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exploration", type=int, default=5, help="VROOM exploration level")
    parser.add_argument(
        "--engines", nargs="+", default=["pyvrp", "vroom"], choices=["pyvrp", "vroom"]
    )
    args = parser.parse_args(argv)

    print(
        f"{'instance':9} {'engine':6} {'feasible':8} {'vehicles':>8} {'distance':>10} "
        f"{'bks':>9} {'gap %':>7} {'wall s':>7}"
    )
    infeasible = 0
    for name in args.instances:
        inst = read_solomon(name)
        best = bks(inst.name)
        for engine in args.engines:
            if engine == "pyvrp":
                res = solve_pyvrp(inst, args.seconds, args.seed)
            else:
                res = solve_vroom(inst, args.exploration)
            infeasible += not res.feasible
            print(
                f"{res.instance:9} {res.engine:6} {res.feasible!s:8} {res.vehicles:8d} "
                f"{res.distance:10.2f} {best:9.2f} {res.gap(best):7.2f} {res.wall_s:7.2f}"
            )
            for v in res.violations[:5]:
                print(f"    {v}")
    return 1 if infeasible else 0


if __name__ == "__main__":
    raise SystemExit(main())
