"""Frozen inputs of a two-echelon stock-planning problem: parts, locations, goal, model."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Model(StrEnum):
    """How a plan's figures are evaluated (see :mod:`inventory.metric`)."""

    METRIC = "metric"
    VARI_METRIC = "vari-metric"
    EXACT = "exact"


class PartKind(StrEnum):
    CONSUMABLE = "consumable"
    REPAIRABLE = "repairable"


@dataclass(frozen=True, slots=True)
class RegionDemand:
    """Demand for one part at one regional depot and that depot's resupply time.

    A repairable part may be repaired at the region itself: ``local_repair``
    is the share of failures repaired there, taking ``local_repair_time``
    (Sherbrooke 2004, §2.5: base repair probability ``r``); the rest is
    resupplied from the central warehouse.
    """

    demand: float
    resupply: float
    local_repair: float = 0.0
    local_repair_time: float = 0.0


@dataclass(frozen=True, slots=True)
class Part:
    """One stocked part.

    ``central_resupply`` is the supplier lead time of a consumable, or the
    repair turnaround of a repairable; a repairable's condemned share
    ``condemnation`` is bought instead, taking ``procurement_time``.
    """

    sku: str
    unit_cost: float
    central_resupply: float
    regions: dict[str, RegionDemand]
    variance_to_mean: float = 1.0
    kind: PartKind = PartKind.CONSUMABLE
    condemnation: float = 0.0
    procurement_time: float | None = None

    @property
    def central_lead_time(self) -> float:
        """Mean central resupply time; for repairables the repair/procurement mix (Sherbrooke 2004, §2.5)."""
        if self.kind is PartKind.REPAIRABLE and self.procurement_time is not None:
            c = self.condemnation
            return (1.0 - c) * self.central_resupply + c * self.procurement_time
        return self.central_resupply


@dataclass(frozen=True, slots=True)
class Goal:
    """Either a fill-rate target (overall or per region) or an investment budget."""

    fill_rate: float | None = None
    per_region: bool = False
    budget: float | None = None


@dataclass(frozen=True, slots=True)
class StockProblem:
    """A central warehouse resupplying regional depots, under one-for-one base stock."""

    central: str
    regions: tuple[str, ...]
    parts: tuple[Part, ...]
    goal: Goal
    model: Model = Model.VARI_METRIC
    time_unit: str = "day"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def locations(self) -> tuple[str, ...]:
        return (self.central, *self.regions)
