"""Frozen, self-validating inputs of a two-echelon stock-planning problem.

Each class checks its values once, when it is built, and names the JSON path
of the first one that breaks a rule (``parts[P01].unit_cost: must be > 0``):
a problem built in code meets the same rules as one read by
:mod:`inventory.json_io`, which checks only the shape of the JSON. Mappings
are read-only views and sequences tuples, so a problem stays as it was checked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from inventory.errors import InventoryError, require


class Model(StrEnum):
    """How a plan's figures are evaluated (see :mod:`inventory.metric`)."""

    METRIC = "metric"
    VARI_METRIC = "vari-metric"
    EXACT = "exact"


class PartKind(StrEnum):
    CONSUMABLE = "consumable"
    REPAIRABLE = "repairable"


# Tuples, not sets: an unhashable value read from JSON is refused, not a crash.
_MODELS = tuple(m.value for m in Model)
_KINDS = tuple(k.value for k in PartKind)


def _check_number(
    value: float, path: str, name: str, low: float, *, strict: bool = False, high: float | None = None
) -> None:
    """``path.name`` is finite, at least ``low`` (above it if ``strict``) and at most ``high``.

    The path is only formatted on failure: problems hold tens of thousands of these.
    """
    if not math.isfinite(value):
        raise InventoryError(f"{path}.{name}", "must be a finite number")
    if value < low or (strict and value == low):
        raise InventoryError(f"{path}.{name}", f"must be {'>' if strict else '>='} {low:g}")
    if high is not None and value > high:
        raise InventoryError(f"{path}.{name}", f"must be <= {high:g}")


@dataclass(frozen=True, slots=True)
class RegionDemand:
    """Demand for one part at one regional depot and that depot's resupply time.

    A repairable part may be repaired at the region itself: ``local_repair``
    is the share of failures repaired there, taking ``local_repair_time``
    (Sherbrooke 2004, §2.5: base repair probability ``r``); the rest is
    resupplied from the central warehouse. Checked by the :class:`Part` that
    holds it, which knows its path and whether the part is repairable.
    """

    demand: float
    resupply: float
    local_repair: float = 0.0
    local_repair_time: float = 0.0

    def check(self, path: str, kind: PartKind) -> None:
        """Refuse negative rates and times, a share outside [0, 1], and repairs of a consumable."""
        _check_number(self.demand, path, "demand", 0.0)
        _check_number(self.resupply, path, "resupply", 0.0)
        _check_number(self.local_repair, path, "local_repair", 0.0, high=1.0)
        if self.local_repair > 0:
            require(
                kind is PartKind.REPAIRABLE, f"{path}.local_repair", "only repairable parts are repaired"
            )
        _check_number(self.local_repair_time, path, "local_repair_time", 0.0)


@dataclass(frozen=True, slots=True)
class Part:
    """One stocked part; ``regions`` maps each region with demand to it (read-only).

    ``central_resupply`` is the supplier lead time of a consumable, or the
    repair turnaround of a repairable; a repairable's condemned share
    ``condemnation`` is bought instead, taking ``procurement_time``.
    """

    sku: str
    unit_cost: float
    central_resupply: float
    regions: Mapping[str, RegionDemand]
    variance_to_mean: float = 1.0
    kind: PartKind = PartKind.CONSUMABLE  # a plain string of a known kind is stored as its PartKind
    condemnation: float = 0.0
    procurement_time: float | None = None

    def __post_init__(self) -> None:
        require(bool(self.sku), "parts[].sku", "must be a non-empty string")
        path = f"parts[{self.sku}]"
        _check_number(self.unit_cost, path, "unit_cost", 0.0, strict=True)
        _check_number(self.central_resupply, path, "central_resupply", 0.0)
        _check_number(self.variance_to_mean, path, "variance_to_mean", 1.0)
        require(self.kind in _KINDS, f"{path}.kind", "must be consumable or repairable")
        kind = PartKind(self.kind)
        object.__setattr__(self, "kind", kind)
        _check_number(self.condemnation, path, "condemnation", 0.0, high=1.0)
        if self.procurement_time is not None:
            _check_number(self.procurement_time, path, "procurement_time", 0.0)
        if kind is PartKind.CONSUMABLE:
            require(self.condemnation == 0, f"{path}.condemnation", "only repairable parts are condemned")
        regions = MappingProxyType(dict(self.regions))
        object.__setattr__(self, "regions", regions)
        for region, entry in regions.items():
            entry.check(f"{path}.regions[{region}]", kind)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy through the constructor: a read-only view cannot be pickled itself."""
        values = (getattr(self, f.name) for f in fields(self))
        return (Part, tuple(dict(v) if isinstance(v, MappingProxyType) else v for v in values))

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

    def __post_init__(self) -> None:
        fill, budget = self.fill_rate, self.budget
        require((fill is None) != (budget is None), "goal", "needs exactly one of fill_rate or budget")
        if fill is not None:
            _check_number(fill, "goal", "fill_rate", 0.0, strict=True)
            require(fill < 1.0, "goal.fill_rate", "must be < 1")
        if budget is not None:
            require(not self.per_region, "goal.per_region", "applies to a fill_rate goal only")
            _check_number(budget, "goal", "budget", 0.0)


@dataclass(frozen=True, slots=True)
class StockProblem:
    """A central warehouse resupplying regional depots, under one-for-one base stock.

    Besides each part's own rules: region ids are unique and not the central
    warehouse's, skus are unique, a part's demand is at known regions, and
    the exact model has Poisson demand.
    """

    central: str
    regions: tuple[str, ...]
    parts: tuple[Part, ...]
    goal: Goal
    model: Model = Model.VARI_METRIC  # a plain string of a known model is stored as its Model
    time_unit: str = "day"

    def __post_init__(self) -> None:
        require(bool(self.time_unit), "time_unit", "must be a non-empty string")
        require(bool(self.central), "central.id", "must be a non-empty string")
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "parts", tuple(self.parts))
        _check_regions(self.central, self.regions)
        _check_parts(self.parts, set(self.regions))
        require(self.model in _MODELS, "model", f"must be one of {', '.join(_MODELS)}")
        model = Model(self.model)
        object.__setattr__(self, "model", model)
        if model is Model.EXACT:
            for part in self.parts:
                require(
                    part.variance_to_mean == 1.0,
                    f"parts[{part.sku}].variance_to_mean",
                    "the exact model needs Poisson demand (variance_to_mean 1)",
                )

    @property
    def locations(self) -> tuple[str, ...]:
        return (self.central, *self.regions)


def _check_regions(central: str, regions: tuple[str, ...]) -> None:
    require(len(regions) > 0, "regions", "must list at least one regional depot")
    seen: set[str] = set()
    for i, region in enumerate(regions):
        require(bool(region), f"regions[{i}].id", "must be a non-empty string")
        require(region != central, f"regions[{region}].id", "is the central warehouse's id")
        require(region not in seen, f"regions[{region}].id", "duplicate region id")
        seen.add(region)


def _check_parts(parts: tuple[Part, ...], regions: set[str]) -> None:
    require(len(parts) > 0, "parts", "must list at least one part")
    seen: set[str] = set()
    for part in parts:
        for region in part.regions:
            require(region in regions, f"parts[{part.sku}].regions[{region}]", f"unknown region {region!r}")
        require(part.sku not in seen, f"parts[{part.sku}].sku", "duplicate sku")
        seen.add(part.sku)
