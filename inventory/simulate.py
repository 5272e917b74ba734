"""Seeded discrete-event simulation of the two-echelon network, to check the analytic figures.

With one-for-one ordering, first-come-first-served queues and
deterministic transit times, each queue matches two sorted streams: the
``m``-th demand at a location is served by the ``m``-th unit to become
available there (``s`` units at time 0, then each resupply on arrival), at
``max(t_m, A_m)``. So the whole event history of a part is a few sorts
and maxima over arrays of event times, exact rather than approximated,
and a long horizon costs milliseconds. Demand is Poisson, or compound
Poisson with logarithmic batch sizes when the variance-to-mean ratio
``v`` exceeds 1 (then demand over any interval is negative binomial with
that ratio: batch parameter ``q = 1 - 1/v``; Sherbrooke 2004, §2.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from inventory.model import PartKind

if TYPE_CHECKING:
    from inventory.model import Part, StockProblem


@dataclass(frozen=True, slots=True)
class SimulatedFigures:
    """Observed figures after the warm-up: ``(P, R)`` per region, ``(P,)`` central.

    ``fill`` is the share of demanded units served at once; ``ebo`` the
    time-average number of units backordered (total waiting time over the
    observed horizon). ``demands`` counts observed units.
    """

    fill: np.ndarray
    ebo: np.ndarray
    demands: np.ndarray
    central_fill: np.ndarray
    central_ebo: np.ndarray
    horizon: float

    def region_fill(self) -> np.ndarray:
        total = self.demands.sum(axis=0)
        return np.divide((self.fill * self.demands).sum(axis=0), total, out=np.ones(total.shape), where=total > 0)

    def total_fill(self) -> float:
        total = self.demands.sum()
        return float((self.fill * self.demands).sum() / total) if total > 0 else 1.0


def simulate(
    problem: StockProblem,
    levels: np.ndarray,
    horizon: float,
    seed: int = 0,
    warmup: float | None = None,
) -> SimulatedFigures:
    """Simulate ``horizon`` time units of every part under ``levels`` ``(P, 1 + R)``.

    ``warmup`` (default: twice the longest resupply chain) is simulated but
    not counted, so the figures are those of the steady state the models describe.
    """
    rng = np.random.default_rng(seed)
    parts, regions = len(problem.parts), len(problem.regions)
    longest = max(
        p.central_lead_time + max((r.resupply + r.local_repair_time for r in p.regions.values()), default=0.0)
        for p in problem.parts
    )
    warm = 2.0 * longest if warmup is None else warmup
    end = warm + horizon
    fill = np.ones((parts, regions))
    ebo = np.zeros((parts, regions))
    counted = np.zeros((parts, regions), dtype=int)
    central_fill = np.ones(parts)
    central_ebo = np.zeros(parts)
    for i, part in enumerate(problem.parts):
        streams = [_demand_times(rng, part.regions[r].demand if r in part.regions else 0.0, part.variance_to_mean, end) for r in problem.regions]
        # which units are repaired locally, and which go to the central warehouse
        local = [rng.random(len(t)) < (part.regions[r].local_repair if r in part.regions else 0.0) for r, t in zip(problem.regions, streams, strict=True)]
        region_of = np.concatenate([np.full(int((~m).sum()), j) for j, m in enumerate(local)]) if streams else np.zeros(0, int)
        ordered = np.concatenate([t[~m] for t, m in zip(streams, local, strict=True)])
        sort = np.argsort(ordered, kind="stable")
        ordered, region_of = ordered[sort], region_of[sort]
        central_lead = _central_lead_times(rng, part, len(ordered))
        ship, waited = _serve(ordered, ordered + central_lead, int(levels[i, 0]))
        watch = ordered >= warm
        if watch.any():
            central_fill[i] = float(np.mean(waited[watch] <= 0))
            central_ebo[i] = float(waited[watch].sum() / horizon)
        for j, region in enumerate(problem.regions):
            times = streams[j]
            if times.size == 0:
                continue
            entry = part.regions[region]
            arrivals = np.empty(times.size)
            arrivals[local[j]] = times[local[j]] + entry.local_repair_time
            mine = region_of == j
            # central shipments to this region, in the order its central orders were placed
            arrivals[~local[j]] = ship[mine] + entry.resupply
            _, wait = _serve(times, arrivals, int(levels[i, 1 + j]))
            seen = times >= warm
            counted[i, j] = int(seen.sum())
            if counted[i, j]:
                fill[i, j] = float(np.mean(wait[seen] <= 0))
                ebo[i, j] = float(wait[seen].sum() / horizon)
    return SimulatedFigures(
        fill=fill,
        ebo=ebo,
        demands=counted,
        central_fill=central_fill,
        central_ebo=central_ebo,
        horizon=horizon,
    )


def _serve(demand_times: np.ndarray, resupply_arrivals: np.ndarray, stock: int) -> tuple[np.ndarray, np.ndarray]:
    """Service times and waits of sorted demands: the m-th demand takes the m-th unit available."""
    available = np.sort(np.concatenate([np.zeros(stock), resupply_arrivals]))[: demand_times.size]
    served = np.maximum(demand_times, available)
    return served, served - demand_times


def _demand_times(rng: np.random.Generator, rate: float, vtm: float, end: float) -> np.ndarray:
    """Sorted times of demanded units on ``[0, end)``: Poisson, or logarithmic batches when ``vtm > 1``."""
    if rate <= 0:
        return np.zeros(0)
    if vtm <= 1.0:
        return np.sort(rng.uniform(0.0, end, rng.poisson(rate * end)))
    q = 1.0 - 1.0 / vtm
    mean_batch = -q / ((1.0 - q) * np.log(1.0 - q))
    events = np.sort(rng.uniform(0.0, end, rng.poisson(rate / mean_batch * end)))
    sizes = rng.logseries(q, events.size)
    return np.repeat(events, sizes)


def _central_lead_times(rng: np.random.Generator, part: Part, count: int) -> np.ndarray:
    """Repair turnaround, or procurement for the condemned share of a repairable part."""
    lead = np.full(count, part.central_resupply)
    if part.kind is PartKind.REPAIRABLE and part.procurement_time is not None and part.condemnation > 0:
        condemned = rng.random(count) < part.condemnation
        lead[condemned] = part.procurement_time
    return lead
