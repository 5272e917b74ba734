"""The problem as arrays, one row per part and one column per regional depot.

Everything downstream (evaluation, optimisation, simulation) works on these
arrays, so that a plan for ten thousand parts is a handful of numpy calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from inventory.model import StockProblem


@dataclass(frozen=True, slots=True)
class Network:
    """Demand, resupply and cost arrays of a two-echelon problem.

    Attributes
    ----------
    demand
        ``(P, R)`` mean demand per time unit at each region.
    to_central
        ``(P, R)`` the part of that demand resupplied from the central
        warehouse (demand less local repairs).
    own_pipeline
        ``(P, R)`` mean units outstanding at a region when the central
        warehouse always has stock: ``(1-r) λ T + r λ T_repair``.
    central_lead_time
        ``(P,)`` mean central resupply time.
    variance_to_mean
        ``(P,)`` of demand over a lead time (1 for Poisson).
    unit_cost
        ``(P,)``.
    """

    skus: tuple[str, ...]
    demand: np.ndarray
    to_central: np.ndarray
    own_pipeline: np.ndarray
    central_lead_time: np.ndarray
    variance_to_mean: np.ndarray
    unit_cost: np.ndarray

    @property
    def central_demand(self) -> np.ndarray:
        """``(P,)`` demand rate reaching the central warehouse."""
        return self.to_central.sum(axis=1)

    @property
    def share(self) -> np.ndarray:
        """``(P, R)`` share of the central warehouse's demand that comes from each region."""
        total = self.central_demand[:, None]
        return np.divide(self.to_central, total, out=np.zeros_like(self.to_central), where=total > 0)

    def subset(self, rows: np.ndarray) -> Network:
        """The same network restricted to some parts."""
        return Network(
            skus=tuple(self.skus[i] for i in rows),
            demand=self.demand[rows],
            to_central=self.to_central[rows],
            own_pipeline=self.own_pipeline[rows],
            central_lead_time=self.central_lead_time[rows],
            variance_to_mean=self.variance_to_mean[rows],
            unit_cost=self.unit_cost[rows],
        )


def network_of(problem: StockProblem) -> Network:
    """Arrays of a problem; a region a part does not list has no demand for it."""
    parts, regions = problem.parts, problem.regions
    shape = (len(parts), len(regions))
    demand = np.zeros(shape)
    to_central = np.zeros(shape)
    own = np.zeros(shape)
    column = {region: j for j, region in enumerate(regions)}
    for i, part in enumerate(parts):
        for region, entry in part.regions.items():
            j = column[region]
            repaired = entry.local_repair
            demand[i, j] = entry.demand
            to_central[i, j] = (1.0 - repaired) * entry.demand
            own[i, j] = entry.demand * (
                (1.0 - repaired) * entry.resupply + repaired * entry.local_repair_time
            )
    return Network(
        skus=tuple(p.sku for p in parts),
        demand=demand,
        to_central=to_central,
        own_pipeline=own,
        central_lead_time=np.array([p.central_lead_time for p in parts], dtype=float),
        variance_to_mean=np.array([p.variance_to_mean for p in parts], dtype=float),
        unit_cost=np.array([p.unit_cost for p in parts], dtype=float),
    )
