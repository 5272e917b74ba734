"""Marginal analysis over every part and location: least investment for a fill rate, best service for a budget.

Each part's frontier (:mod:`inventory.frontier`) is cut into hull segments,
each a move between two allocations of that part with a cost and a gain;
sorted by gain per unit of money they form the cost/service curve of the
whole problem (Sherbrooke 2004, §2.6 and §4.4). Every point of the curve is
a real allocation, and at every point the allocation is optimal for its
investment among allocations on the hull (Fox 1966). A target between two
points is reached by the cheapest allocation of the last part moved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from inventory.errors import InventoryError
from inventory.frontier import Objective, central_window, part_frontiers

if TYPE_CHECKING:
    from inventory.model import Model
    from inventory.network import Network

log = logging.getLogger(__name__)

# Elements of a batch's largest array (parts x central levels x regions x levels).
BATCH_ELEMENTS = 3_000_000
# A segment gaining less than this share of the total demand is no gain at all.
NO_GAIN = 1e-12

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Curve:
    """The walked cost/service curve and the allocations behind it.

    ``investment``, ``value``, ``ebo`` and ``fill_rate`` have one entry per
    point: the start (nothing stocked) and one per segment taken;
    ``region_fill_rate`` is ``(points, R)``.
    """

    investment: np.ndarray
    value: np.ndarray
    ebo: np.ndarray
    fill_rate: np.ndarray
    region_fill_rate: np.ndarray
    segment_part: np.ndarray
    vertex_offset: np.ndarray
    vertex_levels: np.ndarray
    vertex_units: np.ndarray

    def levels_at(self, point: int) -> np.ndarray:
        """``(P, 1 + R)`` levels of curve point ``point``."""
        parts = len(self.vertex_offset) - 1
        moved = np.bincount(self.segment_part[:point], minlength=parts)
        return self.vertex_levels[self.vertex_offset[:-1] + moved]


def build_curve(
    net: Network,
    model: Model,
    objective: Objective,
    weights: np.ndarray | None = None,
    progress: Progress | None = None,
) -> Curve:
    """Frontiers of all parts in batches of similar size, merged into one curve."""
    parts, regions = net.demand.shape
    _, caps = central_window(net)
    spread = np.sqrt(np.maximum(net.own_pipeline.max(axis=1, initial=0.0), 0.0)) * 10.0 + 12.0
    size = caps * regions * spread * (1.0 + net.variance_to_mean)  # rough elements per part, for batching
    order = np.argsort(size, kind="stable")
    batches: list[np.ndarray] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) + 1) * size[i] > BATCH_ELEMENTS:
            batches.append(np.array(current))
            current = []
        current.append(int(i))
    if current:
        batches.append(np.array(current))

    offsets = np.zeros(parts + 1, dtype=int)
    vertex_levels: list[np.ndarray | None] = [None] * parts
    vertex_units: list[np.ndarray | None] = [None] * parts
    vertex_value: list[np.ndarray | None] = [None] * parts
    vertex_ebo: list[np.ndarray | None] = [None] * parts
    vertex_fill: list[np.ndarray | None] = [None] * parts
    vertex_region: list[np.ndarray | None] = [None] * parts
    no_stock = _no_stock_value(net, objective)
    done = 0
    for batch in batches:
        front = part_frontiers(net.subset(batch), model, objective, weights)
        b, u = np.nonzero(front.vertex)
        split = np.searchsorted(b, np.arange(1, len(batch)))
        pieces = zip(
            np.split(front.levels, split),
            np.split(u, split),
            np.split(front.region_fill, split),
            strict=True,
        )
        for k, (levels, units, region) in enumerate(pieces):
            p = int(batch[k])
            first = int(front.first_units[k])
            units_p = first + units
            value_p = front.value[k, units]
            ebo_p = front.ebo[k, units]
            fill_p = front.fill[k, units]
            if first > 0:
                keep = _from_no_stock(units_p, value_p, float(no_stock[0][p]))
                levels = np.concatenate([np.zeros((1, levels.shape[1]), dtype=int), levels[keep]])
                region = np.concatenate([np.zeros((1, regions)), region[keep]])
                units_p = np.concatenate([[0], units_p[keep]])
                value_p = np.concatenate([[no_stock[0][p]], value_p[keep]])
                ebo_p = np.concatenate([[no_stock[1][p]], ebo_p[keep]])
                fill_p = np.concatenate([[0.0], fill_p[keep]])
            vertex_levels[p] = levels
            vertex_region[p] = region
            vertex_units[p] = units_p
            vertex_value[p] = value_p
            vertex_ebo[p] = ebo_p
            vertex_fill[p] = fill_p
        done += len(batch)
        if progress is not None:
            progress(done, parts)
    counts = np.array([len(v) for v in vertex_units if v is not None])
    offsets[1:] = np.cumsum(counts)
    levels_all = np.concatenate([v for v in vertex_levels if v is not None])
    units_all = np.concatenate([v for v in vertex_units if v is not None])
    value_all = np.concatenate([v for v in vertex_value if v is not None])
    ebo_all = np.concatenate([v for v in vertex_ebo if v is not None])
    fill_all = np.concatenate([v for v in vertex_fill if v is not None])
    region_all = np.concatenate([v for v in vertex_region if v is not None])

    part_of_vertex = np.repeat(np.arange(parts), counts)
    is_start = np.zeros(len(units_all), dtype=bool)
    is_start[offsets[:-1]] = True
    seg = ~is_start  # segment k ends at vertex k
    cost = np.diff(units_all * net.unit_cost[part_of_vertex], prepend=0.0)[seg]
    gain = np.diff(value_all, prepend=0.0)[seg]
    d_ebo = np.diff(ebo_all, prepend=0.0)[seg]
    d_fill = np.diff(fill_all, prepend=0.0)[seg]
    d_region = np.diff(region_all, axis=0, prepend=0.0)[seg]
    seg_part = part_of_vertex[seg]
    scale = max(float(net.demand.sum()), float(np.abs(ebo_all).max(initial=0.0)), 1e-300)
    useful = gain > NO_GAIN * scale
    # a part's segments after a useless one are useless too (slopes fall along a hull)
    cost, gain, d_ebo, d_fill, d_region, seg_part = (
        x[useful] for x in (cost, gain, d_ebo, d_fill, d_region, seg_part)
    )
    with np.errstate(divide="ignore"):
        slope = np.where(cost > 0, gain / np.where(cost > 0, cost, 1.0), np.inf)
    walk = np.argsort(-slope, kind="stable")
    start_value = float(value_all[offsets[:-1]].sum())
    start_ebo = float(ebo_all[offsets[:-1]].sum())
    start_fill = float(fill_all[offsets[:-1]].sum())
    demand = float(net.demand.sum())

    def path(start: float, steps: np.ndarray) -> np.ndarray:
        return np.concatenate([[start], start + np.cumsum(steps[walk])])

    fill_mass = path(start_fill, d_fill)
    region_demand = net.demand.sum(axis=0)
    region_mass = np.vstack([region_all[offsets[:-1]].sum(axis=0), d_region[walk]]).cumsum(axis=0)
    region_rate = np.divide(
        region_mass,
        region_demand,
        out=np.ones_like(region_mass),
        where=region_demand > 0,
    )
    return Curve(
        investment=path(0.0, cost),
        value=path(start_value, gain),
        ebo=path(start_ebo, d_ebo),
        fill_rate=fill_mass / demand if demand > 0 else np.ones_like(fill_mass),
        region_fill_rate=region_rate,
        segment_part=seg_part[walk],
        vertex_offset=offsets,
        vertex_levels=levels_all,
        vertex_units=units_all,
    )


def _no_stock_value(net: Network, objective: Objective) -> tuple[np.ndarray, np.ndarray]:
    """``(value, ebo)`` per part with nothing stocked: every unit demanded waits out the whole pipeline."""
    ebo = net.own_pipeline.sum(axis=1) + net.central_demand * net.central_lead_time
    value = np.zeros(len(ebo)) if objective is Objective.FILL else -ebo
    return value, ebo


def _from_no_stock(units: np.ndarray, value: np.ndarray, start: float) -> np.ndarray:
    """Vertices still on the hull once the no-stock point at 0 units joins it on the left."""
    slope = (value - start) / units
    # keep the steepest chord's end and everything after it (the rest was concave already)
    first = int(np.argmax(slope[::-1] >= slope.max() - 1e-15 * (abs(slope.max()) + 1.0)))
    first = len(slope) - 1 - first
    return np.arange(first, len(units))


@dataclass(frozen=True, slots=True)
class Allocation:
    """Chosen levels and the curve points walked to reach them (the last is the choice)."""

    levels: np.ndarray
    curve: Curve
    points: int


def for_fill_rate(
    net: Network, model: Model, target: float, progress: Progress | None = None
) -> Allocation:
    """Least investment whose demand-weighted fill rate over all parts and regions is at least ``target``."""
    curve = build_curve(net, model, Objective.FILL, progress=progress)
    reached = np.nonzero(curve.fill_rate >= target - 1e-12)[0]
    if reached.size == 0:
        point = len(curve.fill_rate) - 1
        log.warning("fill rate %.4f is out of reach; best is %.6f", target, curve.fill_rate[-1])
        return Allocation(curve.levels_at(point), curve, point + 1)
    point = int(reached[0])
    levels = curve.levels_at(point)
    if point > 0:
        need = target * float(net.demand.sum()) - 1e-12
        levels = _cheapest_between(net, model, curve, point, lambda mass, _: mass >= need)
    return Allocation(levels, curve, point + 1)


def _cheapest_between(
    net: Network,
    model: Model,
    curve: Curve,
    point: int,
    accept: Callable[[float, np.ndarray], bool],
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """The last part moved may meet the goal at fewer units than its next hull vertex.

    ``accept(fill mass, region fill masses)`` says whether an allocation meets the goal.
    """
    part = int(curve.segment_part[point - 1])
    offset = curve.vertex_offset[part]
    moved = int(np.count_nonzero(curve.segment_part[: point - 1] == part))
    u_from = int(curve.vertex_units[offset + moved])
    u_to = int(curve.vertex_units[offset + moved + 1])
    after = curve.levels_at(point)
    if u_to - u_from < 2:
        return after
    single = part_frontiers(net.subset(np.array([part])), model, Objective.FILL, weights, every_level=True)
    first = int(single.first_units[0])
    demand = float(net.demand.sum())
    region_demand = net.demand.sum(axis=0)
    if u_from >= first:
        own, own_region = single.fill[0, u_from - first], single.region_fill[u_from - first]
    else:  # the no-stock point
        own, own_region = 0.0, np.zeros(len(region_demand))
    others = curve.fill_rate[point - 1] * demand - own
    others_region = curve.region_fill_rate[point - 1] * region_demand - own_region
    for u in range(max(u_from + 1, first), u_to):
        k = u - first
        if accept(others + single.fill[0, k], others_region + single.region_fill[k]):
            levels = curve.levels_at(point - 1)
            levels[part] = single.levels[k]
            return levels
    return after


def for_budget(
    net: Network, model: Model, budget: float, progress: Progress | None = None
) -> Allocation:
    """Fewest expected backorders at the regions for an investment of at most ``budget``.

    The curve is walked while it fits; then segments that still fit are
    taken in the same order, a part whose next segment does not fit stopping there.
    """
    curve = build_curve(net, model, Objective.BACKORDERS, progress=progress)
    fits = np.nonzero(curve.investment <= budget + 1e-9)[0]
    point = int(fits[-1])
    levels = curve.levels_at(point)
    spent = float(curve.investment[point])
    moved = np.bincount(curve.segment_part[:point], minlength=len(levels))
    blocked = np.zeros(len(levels), dtype=bool)
    costs = np.diff(curve.investment)
    for k in range(point, len(costs)):
        p = int(curve.segment_part[k])
        if blocked[p]:
            continue
        if spent + costs[k] <= budget + 1e-9:
            spent += float(costs[k])
            moved[p] += 1
            levels[p] = curve.vertex_levels[curve.vertex_offset[p] + moved[p]]
        else:
            blocked[p] = True
    return Allocation(levels, curve, point + 1)


def for_region_fill_rates(
    net: Network,
    model: Model,
    target: float,
    rounds: int = 8,
    progress: Progress | None = None,
) -> Allocation:
    """Least investment found with every region's demand-weighted fill rate at least ``target``.

    A Lagrangian heuristic: walk the curve of region-weighted fill until
    every region meets the target, then lower the weight of regions with
    room to spare and raise it for the last to get there; keep the
    cheapest allocation seen.
    """
    from inventory.metric import evaluate

    regions = net.demand.shape[1]
    weights = np.ones(regions)
    best: Allocation | None = None
    best_cost = np.inf
    has_demand = net.demand.sum(axis=0) > 0
    need = (target - 1e-12) * net.demand.sum(axis=0)

    def all_regions(_: float, region: np.ndarray) -> bool:
        return bool(np.all(region[has_demand] >= need[has_demand]))

    for _ in range(rounds):
        curve = build_curve(net, model, Objective.FILL, weights=weights, progress=progress)
        meets = np.all(curve.region_fill_rate[:, has_demand] >= target - 1e-12, axis=1)
        if not meets.any():
            break
        lo = int(np.argmax(meets))
        levels = curve.levels_at(lo)
        if lo > 0:
            levels = _cheapest_between(net, model, curve, lo, all_regions, weights)
        fills = evaluate(net, levels, model).region_fill()
        cost = float((levels.sum(axis=1) * net.unit_cost).sum())
        if np.all(fills[has_demand] >= target - 1e-12) and cost < best_cost:
            best, best_cost = Allocation(levels, curve, lo + 1), cost
        slack = np.where(has_demand, fills - target, 0.0)
        if np.all(slack[has_demand] < 1e-3):
            break
        weights = weights * np.exp(-20.0 * np.clip(slack, -0.05, 0.05))
        weights /= weights.mean()
    if best is None:
        raise InventoryError("goal.fill_rate", f"{target} is out of reach at some region")
    return best
