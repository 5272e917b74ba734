"""Which jobs can be served at all, by whom, and which depot visits each engineer gets.

Computed once per solve and shared by the construction heuristic and the
engines, so they all search the same space.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dispatch.evaluate.eligibility import candidates

if TYPE_CHECKING:
    from dispatch.model.problem import Problem


@dataclass(slots=True)
class Layout:
    """``jobs``: servable job indices in search order; ``allowed``: job -> engineers;
    ``depot_options``: engineer -> depots that engineer may stop at."""

    jobs: list[int] = field(default_factory=list)
    allowed: dict[int, list[int]] = field(default_factory=dict)
    depot_options: dict[int, list[int]] = field(default_factory=dict)


def plan_layout(problem: Problem, seed: int = 0) -> Layout:
    """Which jobs enter the model, with whom, and which depot visits to offer."""
    layout = Layout()
    allowed = layout.allowed
    order = list(range(len(problem.jobs)))
    if seed:
        np.random.default_rng(seed).shuffle(order)
    for j in order:
        who = candidates(problem, j)
        if who:
            allowed[j] = who
            layout.jobs.append(j)
    _offer_depots(problem, layout)
    return layout


def layout_around(problem: Problem, orders: dict[int, list[int]], new_jobs: list[int]) -> Layout:
    """The layout for placing a few jobs into a plan that stands: each planned job
    with its own engineer only, each of ``new_jobs`` with every engineer who could
    serve it.

    Eligibility is worked out for the new jobs alone, so asking about one job on a
    week of thousands stays quick ("who should go?", appointment slots).
    """
    layout = Layout()
    fresh = set(new_jobs)
    for v, jobs in orders.items():
        for j in jobs:
            if j in fresh:
                continue
            if j not in layout.allowed:
                layout.allowed[j] = [v]
                layout.jobs.append(j)
            elif v not in layout.allowed[j]:  # a crew job: each member of its crew
                layout.allowed[j].append(v)
    for j in new_jobs:
        who = candidates(problem, j)
        if who:
            layout.allowed[j] = who
            layout.jobs.append(j)
    _offer_depots(problem, layout)
    return layout


def _offer_depots(problem: Problem, layout: Layout) -> None:
    """Fill ``layout.depot_options`` from the jobs each engineer is allowed."""
    allowed = layout.allowed
    # An engineer may need a depot for a tool one job needs, or for parts once the
    # van stock runs out over all the jobs the engineer could take.
    part_demand: dict[int, dict[str, int]] = {}
    depot_needs: dict[int, set[str]] = {}
    for j in layout.jobs:
        job = problem.jobs[j]
        for v in allowed[j]:
            engineer = problem.engineers[v]
            demand = part_demand.setdefault(v, {})
            for part, units in job.parts.items():
                demand[part] = demand.get(part, 0) + units
            missing = {f"tool:{t}" for t in job.tools if t not in engineer.tools}
            if missing:
                depot_needs.setdefault(v, set()).update(missing)
    for v, demand in part_demand.items():
        van = problem.engineers[v].van_stock
        short = {f"part:{p}" for p, units in demand.items() if van.get(p, 0) < units}
        if short:
            depot_needs.setdefault(v, set()).update(short)
    for v in sorted(depot_needs):
        layout.depot_options[v] = useful_depots(problem, v, depot_needs[v])


def useful_depots(problem: Problem, v: int, wants: set[str]) -> list[int]:
    """The two nearest depots holding anything wanted, plus the nearest one for each other want."""
    net = problem.network
    home = net.engineer_start[v]

    def holds(d: int, want: str) -> bool:
        kind, name = want.split(":", 1)
        depot = problem.depots[d]
        return depot.stock.get(name, 0) > 0 if kind == "part" else name in depot.tools

    by_distance = sorted(
        range(len(problem.depots)), key=lambda d: (net.minutes(home, net.depot_site[d]), d)
    )
    useful = [d for d in by_distance if any(holds(d, w) for w in wants)]
    chosen = useful[:2]
    for want in sorted(wants):
        if not any(holds(d, want) for d in chosen):
            chosen += [d for d in useful if holds(d, want)][:1]
    return sorted(set(chosen))
