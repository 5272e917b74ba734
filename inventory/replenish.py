"""Orders that bring today's stock back to the base-stock levels.

Under (S-1, S) control every location orders what its inventory position
lacks: a region's position is ``on hand + in transit + owed by the
central warehouse - customer backorders``; the central warehouse's is
``on hand + on order (supplier or repair) - owed to regions``. Regions
order from the central warehouse; what it holds ships at once, and when
it holds less than is owed the units go one at a time to the region where
a unit most reduces expected backorders before the next shipment could
arrive (the marginal rule of Sherbrooke 2004, §9.3), never more than it has.
The central warehouse then buys what its own position lacks.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from inventory.errors import require

if TYPE_CHECKING:
    from inventory.model import Part, StockProblem

STATE_SCHEMA = "fieldplan.inventory.state/1"
ORDERS_SCHEMA = "fieldplan.inventory.orders/1"


@dataclass(frozen=True, slots=True)
class Position:
    """Stock of one part at one location; fields a location does not have stay 0."""

    on_hand: int = 0
    in_transit: int = 0
    owed: int = 0
    backorders: int = 0
    on_order: int = 0


@dataclass(frozen=True, slots=True)
class Transfer:
    sku: str
    source: str
    destination: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Purchase:
    sku: str
    destination: str
    quantity: int


@dataclass(slots=True)
class Orders:
    """Transfers central -> regions, purchases to suppliers, and what stays owed to regions."""

    transfers: list[Transfer] = field(default_factory=list)
    purchases: list[Purchase] = field(default_factory=list)
    still_owed: dict[tuple[str, str], int] = field(default_factory=dict)
    regional_orders: dict[tuple[str, str], int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": ORDERS_SCHEMA,
            "transfers": [
                {"sku": t.sku, "from": t.source, "to": t.destination, "quantity": t.quantity}
                for t in self.transfers
            ],
            "purchases": [
                {"sku": p.sku, "to": p.destination, "quantity": p.quantity} for p in self.purchases
            ],
            "regional_orders": [
                {"sku": sku, "region": region, "quantity": q}
                for (sku, region), q in self.regional_orders.items()
            ],
            "still_owed": [
                {"sku": sku, "region": region, "quantity": q}
                for (sku, region), q in self.still_owed.items()
            ],
        }


def state_from_json(problem: StockProblem, data: Any) -> dict[str, dict[str, Position]]:
    """Positions per sku and location; a missing part or location holds nothing."""
    require(isinstance(data, dict), "$", "must be an object")
    require(data.get("schema") == STATE_SCHEMA, "schema", f"must be {STATE_SCHEMA!r}")
    stock = data.get("stock", {})
    require(isinstance(stock, dict), "stock", "must be an object keyed by sku")
    skus = {p.sku for p in problem.parts}
    fields_of = {
        problem.central: ("on_hand", "on_order"),
        **{r: ("on_hand", "in_transit", "owed", "backorders") for r in problem.regions},
    }
    out: dict[str, dict[str, Position]] = {}
    for sku, places in stock.items():
        require(sku in skus, f"stock[{sku}]", "unknown sku")
        require(isinstance(places, dict), f"stock[{sku}]", "must be an object keyed by location")
        out[sku] = {}
        for loc, raw in places.items():
            path = f"stock[{sku}][{loc}]"
            require(loc in fields_of, path, "unknown location")
            require(isinstance(raw, dict), path, "must be an object")
            for key in raw:
                require(key in fields_of[loc], f"{path}.{key}", f"not a field of this location (allowed: {', '.join(fields_of[loc])})")
            values = {}
            for key in fields_of[loc]:
                value = raw.get(key, 0)
                ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
                require(ok, f"{path}.{key}", "must be a whole number >= 0")
                values[key] = value
            out[sku][loc] = Position(**values)
    return out


def replenish(problem: StockProblem, levels: np.ndarray, state: dict[str, dict[str, Position]]) -> Orders:
    """Transfer and purchase orders for every part (see the module docstring)."""
    orders = Orders()
    for i, part in enumerate(problem.parts):
        places = state.get(part.sku, {})
        central = places.get(problem.central, Position())
        owed: dict[str, int] = {}
        wanted: dict[str, int] = {}
        for j, region in enumerate(problem.regions):
            pos = places.get(region, Position())
            position = pos.on_hand + pos.in_transit + pos.owed - pos.backorders
            need = max(0, int(levels[i, 1 + j]) - position)
            if need:
                orders.regional_orders[(part.sku, region)] = need
            owed[region] = pos.owed + need
            wanted[region] = owed[region]
        shipped = _allocate(part, problem.regions, places, owed, central.on_hand)
        for region, quantity in shipped.items():
            if quantity:
                orders.transfers.append(Transfer(part.sku, problem.central, region, quantity))
            left = wanted[region] - quantity
            if left:
                orders.still_owed[(part.sku, region)] = left
        central_position = central.on_hand + central.on_order - sum(owed.values())
        buy = max(0, int(levels[i, 0]) - central_position)
        if buy:
            orders.purchases.append(Purchase(part.sku, problem.central, buy))
    return orders


def _allocate(
    part: Part, regions: tuple[str, ...], places: dict[str, Position], owed: dict[str, int], available: int
) -> dict[str, int]:
    """Ship what is owed; when short, each unit goes where it most cuts expected backorders."""
    from scipy import stats  # here, not at the top: ``import inventory`` stays free of scipy

    total = sum(owed.values())
    if total <= available:
        return dict(owed)
    shipped = dict.fromkeys(regions, 0)
    heap: list[tuple[float, int, str]] = []

    def gain(region: str) -> float:
        entry = part.regions.get(region)
        pos = places.get(region, Position())
        net_stock = pos.on_hand + pos.in_transit - pos.backorders + shipped[region]
        mean = entry.demand * entry.resupply if entry is not None else 0.0
        # P(demand before the shipment arrives > net stock): the unit is then used to cut a backorder
        return float(stats.poisson.sf(net_stock, mean)) if net_stock >= 0 else 1.0 + float(-net_stock)

    for k, region in enumerate(regions):
        if owed[region] > 0:
            heapq.heappush(heap, (-gain(region), k, region))
    for _ in range(available):
        if not heap:
            break
        _, k, region = heapq.heappop(heap)
        shipped[region] += 1
        if shipped[region] < owed[region]:
            heapq.heappush(heap, (-gain(region), k, region))
    return shipped
