"""Ruin and recreate: the large-neighbourhood search that improves a constructed plan.

Each step takes a handful of neighbouring jobs out of their routes (a random
job and the served jobs nearest to it), adds the unserved jobs near them, and
reinserts them all, most urgent first, where each adds least
(:class:`dispatch.construct.Builder`). A step is kept when the objective does
not get worse. This is the ruin-and-recreate idea of Schrimpf et al. (2000)
with the spatially related removal of Shaw (1998); it moves whole groups of
jobs between engineers, which single-node local search cannot do cheaply when
every move must be checked against breaks and part stock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dispatch.construct import Builder

#: Jobs taken out in one step: between these bounds, drawn uniformly.
RUIN_MIN, RUIN_MAX = 3, 15
#: Nearest jobs remembered per job for the related removal.
NEIGHBOURS = 40
#: The acceptance threshold at the start, in average route cost per served job.
THRESHOLD_JOBS = 2.0


@dataclass(frozen=True, slots=True)
class _Snapshot:
    routes: tuple[tuple[list[int], int | None, dict[str, int], set[str], int, float], ...]
    stock: dict[int, dict[str, int]]
    where: dict[int, int]


def _snapshot(builder: Builder) -> _Snapshot:
    return _Snapshot(
        tuple(
            (list(r.jobs), r.depot, dict(r.pickup), set(r.borrow), r.load, r.cost)
            for r in builder.routes
        ),
        {d: dict(s) for d, s in builder.stock.items()},
        dict(builder.where),
    )


def _restore(builder: Builder, snap: _Snapshot) -> None:
    for route, (jobs, depot, pickup, borrow, load, cost) in zip(
        builder.routes, snap.routes, strict=True
    ):
        route.jobs, route.depot, route.pickup, route.borrow = (
            list(jobs),
            depot,
            dict(pickup),
            set(borrow),
        )
        route.load, route.cost = load, cost
        route.changed()
    builder.stock = {d: dict(s) for d, s in snap.stock.items()}
    builder.where = dict(snap.where)


def improve(
    builder: Builder,
    seed: int,
    deadline: float,
    max_steps: int | None = None,
) -> int:
    """Improve the builder's routes in place until ``deadline`` (monotonic) or ``max_steps``.

    Returns the number of steps taken. With ``max_steps`` and a deadline that is
    not reached, the result depends only on the input and ``seed``.
    """
    jobs = list(builder.layout.jobs)
    if len(jobs) < 2:
        return 0
    rng = np.random.default_rng(seed)
    net = builder.problem.network
    sites = np.array([net.job_site[j] for j in jobs], dtype=np.intp)
    travel = net.travel.minutes[np.ix_(sites, sites)].copy()
    np.fill_diagonal(travel, np.inf)  # a job is not its own neighbour, even beside a twin
    near = np.argsort(travel, axis=1, kind="stable")[:, : min(NEIGHBOURS, len(jobs) - 1)]
    neighbours = {jobs[i]: [jobs[k] for k in row] for i, row in enumerate(near.tolist())}
    builder.set_neighbours(neighbours)
    current = best = builder.objective()
    best_state = _snapshot(builder)
    # Threshold accepting (Dueck & Scheuer 1990): a step may cost up to a threshold
    # that falls linearly to zero, about two jobs' worth of travel at the start.
    served_now = max(1, len(builder.where))
    route_costs = sum(r.cost for r in builder.routes)
    threshold0 = THRESHOLD_JOBS * route_costs / served_now
    began = time.monotonic()
    span = max(deadline - began, 1e-9)
    steps = 0
    while time.monotonic() < deadline and (max_steps is None or steps < max_steps):
        steps += 1
        served = sorted(builder.where)
        if not served:
            break
        centre = served[int(rng.integers(len(served)))]
        size = int(rng.integers(RUIN_MIN, RUIN_MAX + 1))
        related = [centre, *[j for j in neighbours[centre] if j in builder.where][: size - 1]]
        waiting = [j for j in neighbours[centre] if j not in builder.where][:size]
        saved = _snapshot(builder)
        removed = [j for j in related if builder.remove(j)]
        pool = removed + waiting
        # Most urgent priority first; within a priority, every other step by SLA
        # deadline and window end, else at random, so repeated steps explore.
        noise = rng.random(len(pool))
        by_deadline = bool(rng.random() < 0.5)
        order = [
            j
            for _, j in sorted(
                zip(noise, pool, strict=True),
                key=lambda t: (
                    builder.urgency(t[1])[:3] if by_deadline else builder.urgency(t[1])[:1],
                    t[0],
                ),
            )
        ]
        builder.insert_all(order)
        candidate = builder.objective()
        if max_steps is not None:
            progress = steps / max_steps
        else:
            progress = (time.monotonic() - began) / span
        threshold = threshold0 * max(0.0, 1.0 - progress)
        if candidate <= current + threshold + 1e-9:
            current = candidate
            if candidate < best - 1e-9:
                best, best_state = candidate, _snapshot(builder)
        else:
            _restore(builder, saved)
    _restore(builder, best_state)
    return steps
