"""Each part's best service for every number of units it holds, and that curve's concave hull.

For one part, fix the central level ``s0``: the regions' returns are then
separable, so the best allocation of ``n`` regional units takes units in
the order of their hull increments (greedy over concave functions is
exact, Fox 1966). Over all ``s0``, the part's best value for ``u`` units in
all is the best over ``s0 + n = u``. The hull of that curve is what the
cross-part greedy walks (Sherbrooke 2004, §4.4: "the convex hull of each
item's curve"). Everything is vectorised over a batch of parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from inventory.hull import hull_increments, upper_hull
from inventory.metric import Central, central_tables, regional_pipelines
from inventory.pipeline import backorder_table, fill_table

if TYPE_CHECKING:
    from inventory.model import Model
    from inventory.network import Network

# A location's levels stop where its fill rate is within this of 1 even
# with nothing at the central warehouse; central levels stop where its
# backorders are this improbable. Stock beyond buys (almost) nothing.
LEVEL_TAIL = 1e-6
# Central levels start this many standard deviations below the mean central
# pipeline: below, central backorders fall one for one with each unit and a
# fast mover's curve would be walked a unit at a time through hundreds of
# levels no good plan uses. Slow movers start at 0.
WINDOW_SD = 6.0


class Objective(StrEnum):
    """What a unit of stock buys: demand-weighted fill, or fewer expected backorders."""

    FILL = "fill"
    BACKORDERS = "backorders"


@dataclass(frozen=True, slots=True)
class Frontier:
    """Best value per number of units for a batch of parts, and its hull vertices.

    ``value``, ``ebo`` and ``fill`` are ``(B, U)``: for ``u`` units, the
    objective, the sum of regional expected backorders and the
    demand-weighted fill mass ``Σ_j λ_j FR_j`` of the best allocation
    (``ebo`` at hull vertices only, NaN elsewhere, unless every level is asked).
    ``vertex`` marks the hull; ``levels`` holds the allocation at each
    vertex (row order of ``np.nonzero(vertex)``), central first.
    """

    value: np.ndarray
    ebo: np.ndarray
    fill: np.ndarray
    vertex: np.ndarray
    levels: np.ndarray
    region_fill: np.ndarray
    first_units: np.ndarray


def central_window(net: Network, central: Central | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(P,)`` lowest central level considered and how many levels from there, per part."""
    central = central or central_tables(net)
    top = (central.survival > LEVEL_TAIL).sum(axis=1) + 1
    spread = np.sqrt(central.mean * net.variance_to_mean)
    low = np.floor(central.mean - WINDOW_SD * spread - 1.0).clip(0, None).astype(int)
    low = np.minimum(low, top - 1)
    return low, top - low


def part_frontiers(
    net: Network,
    model: Model,
    objective: Objective,
    weights: np.ndarray | None = None,
    every_level: bool = False,
) -> Frontier:
    """Frontier of every part of ``net`` (one batch: callers bound its size).

    ``weights`` ``(R,)`` scale each region's fill (per-region targets);
    with ``every_level`` ``levels`` holds the allocation of every ``u``, not
    only of hull vertices.
    """
    parts, regions = net.demand.shape
    central = central_tables(net)
    low, count = central_window(net, central)
    central_levels = int(count.max(initial=1))
    grid = low[:, None] + np.arange(central_levels)[None, :]
    # Regional levels worth considering: fill within LEVEL_TAIL of 1 at the lowest
    # central level, where the regional pipelines are longest.
    lowest = regional_pipelines(net, model, grid[:, :1], min_size=2, central=central)
    top = int(((lowest.survival[:, 0] > LEVEL_TAIL).sum(axis=-1)).max(initial=0)) + 1
    regional = regional_pipelines(net, model, grid, min_size=2, central=central, size=top + 1)
    sf = regional.survival
    if sf.shape[-1] < top + 1:
        sf = _pad(sf, top + 1)
    sf = sf[..., : top + 1]
    # EBO(s) = sum_{k>=s} G(k); the levels beyond ``top`` enter through
    # sum_{k>=0} G(k) = E[X], the pipeline's mean.
    ebo = backorder_table(sf)
    ebo += np.clip(regional.mean - sf.sum(axis=-1), 0.0, None)[..., None]
    fill = fill_table(sf[..., : top + 1]) * net.demand[:, None, :, None]
    # Unweighted fill: the value is the fill itself, and its sums are computed once.
    same_fill = objective is Objective.FILL and weights is None
    if same_fill:
        value = fill
    elif objective is Objective.FILL:
        value = fill * np.asarray(weights, dtype=float)[None, None, :, None]
    else:
        value = -ebo
    rows = value.reshape(-1, top + 1)
    increments = hull_increments(rows).reshape(parts, central_levels, regions * top)
    order = np.argsort(-increments, axis=-1, kind="stable")
    # Backorders are only reported at the chosen allocations (below), not summed here.
    tables = {"value": value} if same_fill else {"value": value, "fill": fill}
    by_unit = {
        name: np.take_along_axis(np.diff(table, axis=-1).reshape(increments.shape), order, axis=-1)
        for name, table in tables.items()
    }
    start = {name: table[..., 0].sum(axis=-1) for name, table in tables.items()}
    prefix = {
        name: np.concatenate([start[name][..., None], start[name][..., None] + np.cumsum(inc, axis=-1)], axis=-1)
        for name, inc in by_unit.items()
    }
    if same_fill:
        prefix["fill"] = prefix["value"]
    units = central_levels + regions * top
    # For u units in all, the best split over central levels a (n = u - a regional):
    # a running maximum over a, ties to the lowest a.
    best_value = np.full((parts, units), -np.inf)
    best_central = np.zeros((parts, units), dtype=np.intp)
    width = regions * top + 1
    for a in range(central_levels):
        seg = prefix["value"][:, a, :]
        target = best_value[:, a : a + width]
        better = seg > target
        np.copyto(target, seg, where=better)
        np.copyto(best_central[:, a : a + width], a, where=better)
    best_units = np.arange(units)[None, :] - best_central
    pick = np.arange(parts)[:, None], best_central, best_units
    vertex = upper_hull(prefix["value"][pick])
    wanted = np.ones_like(vertex) if every_level else vertex
    b, u = np.nonzero(wanted)
    s0 = best_central[b, u]
    taken = best_units[b, u]
    region_of = (order // top)[b, s0]
    counted = np.arange(regions * top)[None, :] < taken[:, None]
    rows_idx, cols = np.nonzero(counted)
    flat = rows_idx * (1 + regions) + 1 + region_of[rows_idx, cols]
    levels = np.bincount(flat, minlength=len(b) * (1 + regions)).reshape(len(b), 1 + regions)
    levels[:, 0] = low[b] + s0
    by_region = b[:, None], s0[:, None], np.arange(regions)[None, :], levels[:, 1:]
    region_fill = fill[by_region]
    ebo_at = np.full((parts, units), np.nan)
    ebo_at[b, u] = ebo[by_region].sum(axis=-1)
    return Frontier(
        value=prefix["value"][pick],
        ebo=ebo_at,
        fill=prefix["fill"][pick],
        vertex=vertex,
        levels=levels,
        region_fill=region_fill,
        first_units=low,
    )


def _pad(sf: np.ndarray, size: int) -> np.ndarray:
    extra = size - sf.shape[-1]
    return np.concatenate([sf, np.zeros((*sf.shape[:-1], extra))], axis=-1)
