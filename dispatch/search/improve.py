"""Ruin and recreate: the large-neighbourhood search that improves a constructed plan.

Each step takes strings of consecutive jobs out of a few routes that pass near
a random job, adds the unserved jobs near it, and reinserts them all, most
urgent first, where each adds least (:class:`dispatch.search.construct.Builder`),
passing over a candidate position now and then. This is the slack induction
by string removals (SISR) of Christiaens & Vanden Berghe (2020), within the
ruin-and-recreate scheme of Schrimpf et al. (2000); it rebuilds a stretch of
several routes at once, which single-node local search cannot do cheaply when
every move must be checked against breaks and part stock. A step is kept when
it costs no more than a threshold that falls to zero (threshold accepting).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dispatch.search.construct import Builder, CrewState, RouteState

#: The acceptance threshold at the start, in average route cost per served job.
#: (Measured on Pillac's R2 and RC2 days and generated field days: 1 beats 2.)
THRESHOLD_JOBS = 1.0
#: String removal: jobs removed on average, and the longest string.
STRING_AVERAGE_REMOVED, STRING_MAX = 10, 10
#: Chance of passing over a candidate position while reinserting.
BLINK_RATE = 0.01
#: Steps between re-aiming the balance guide at the routes' mean working time.
RETARGET_STEPS = 100
#: Recreate orders: at random, by deadline, farthest first, nearest first.
ORDER_WEIGHTS = (0.4, 0.3, 0.2, 0.1)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    routes: tuple[RouteState, ...]
    stock: dict[int, dict[str, int]]
    where: dict[int, int]
    crews: dict[int, CrewState]


def _snapshot(builder: Builder) -> _Snapshot:
    return _Snapshot(
        tuple(r.state() for r in builder.routes),
        {d: dict(s) for d, s in builder.stock.items()},
        dict(builder.where),
        builder.crew_states(),
    )


def _restore(builder: Builder, snap: _Snapshot) -> None:
    for route, state in zip(builder.routes, snap.routes, strict=True):
        route.put_back(state)
    builder.stock = {d: dict(s) for d, s in snap.stock.items()}
    builder.where = dict(snap.where)
    builder.put_crew_states(snap.crews)


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
    neighbours = builder.neighbours
    current = best = builder.objective()
    best_state = _snapshot(builder)
    # Threshold accepting (Dueck & Scheuer 1990): a step may cost up to a threshold
    # that falls linearly to zero, about one job's worth of route cost at the start.
    served_now = max(1, len(builder.where))
    route_costs = sum(r.cost for r in builder.routes)
    threshold0 = THRESHOLD_JOBS * route_costs / served_now
    began = time.monotonic()
    span = max(deadline - began, 1e-9)
    steps = 0
    chance = random.Random(seed).random
    builder.blink = lambda: chance() < BLINK_RATE
    while time.monotonic() < deadline and (max_steps is None or steps < max_steps):
        steps += 1
        if builder.per_balance and steps % RETARGET_STEPS == 0:
            builder.retarget()  # the guide follows the mean as the routes change
        served = sorted(builder.where)
        if not served:
            break
        centre = served[int(rng.integers(len(served)))]
        builder.trial()
        removed = _remove_strings(builder, rng, centre, neighbours[centre])
        # Unserved jobs near the centre get a chance at the room just made.
        taken = set(removed)
        waiting = [j for j in neighbours[centre] if j not in builder.where and j not in taken]
        pool = removed + waiting[: max(len(removed), 1)]
        order = _recreate_order(builder, rng, pool, centre)
        builder.insert_all(order)
        candidate = builder.objective()
        if max_steps is not None:
            progress = steps / max_steps
        else:
            progress = (time.monotonic() - began) / span
        threshold = threshold0 * max(0.0, 1.0 - progress)
        if candidate <= current + threshold + 1e-9:
            builder.keep()
            current = candidate
            if candidate < best - 1e-9:
                best, best_state = candidate, _snapshot(builder)
        else:
            builder.undo()
    _restore(builder, best_state)
    builder.retarget()
    builder.blink = None
    return steps


def _remove_strings(
    builder: Builder, rng: np.random.Generator, centre: int, near: list[int]
) -> list[int]:
    """Take a string of consecutive jobs out of each of a few routes near ``centre``.

    The string removal of Christiaens & Vanden Berghe (2020, SISR): the routes
    visited nearest the centre each lose a run of neighbours in route order,
    so the recreate step can rebuild a stretch of several routes at once,
    which removing scattered single jobs rarely lets it do.
    """
    lengths = [len(r.jobs) for r in builder.routes if r.jobs]
    longest = min(STRING_MAX, sum(lengths) / max(len(lengths), 1))
    most_routes = 4 * STRING_AVERAGE_REMOVED / (1 + longest) - 1
    routes_to_ruin = int(rng.uniform(1, most_routes + 1))
    ruined: set[int] = set()
    removed: list[int] = []
    for job in (centre, *near):
        if len(ruined) >= routes_to_ruin:
            break
        v = builder.where.get(job)
        if v is None or v in ruined:
            continue
        ruined.add(v)
        jobs = builder.routes[v].jobs
        length = int(rng.uniform(1, min(len(jobs), longest) + 1))
        at = jobs.index(job)
        first = int(rng.integers(max(0, at - length + 1), min(at, len(jobs) - length) + 1))
        for j in jobs[first : first + length]:
            if j in builder.where:  # not taken out already as a follower of another
                removed += builder.remove(j)
    return removed


def _recreate_order(
    builder: Builder,
    rng: np.random.Generator,
    pool: list[int],
    centre: int,
) -> list[int]:
    """The order in which the ruined jobs go back: most urgent priority first, then
    in turn at random, by SLA deadline and window end, farthest from the centre
    first, or nearest first (the orderings of SISR), so repeated steps explore."""
    noise = rng.random(len(pool))
    kind = rng.choice(4, p=ORDER_WEIGHTS)
    site = builder.problem.network.job_site
    from_centre = builder.minutes[site[centre]]

    def key(t: tuple[float, int]) -> tuple[object, ...]:
        noise_j, job = t
        priority = builder.urgency(job)[:1]
        if kind == 1:
            return (builder.urgency(job)[:3], noise_j)
        if kind == 2:
            return (priority, -from_centre[site[job]], noise_j)
        if kind == 3:
            return (priority, from_centre[site[job]], noise_j)
        return (priority, noise_j)

    return [j for _, j in sorted(zip(noise, pool, strict=True), key=key)]
