"""Parts on their way to the jobs: the stock plan, vans, depots, evening refills, orders, deliveries.

The base-stock levels are the stock plan's (:func:`inventory.planner.plan_stock`
on the demand the fault rates imply at each depot). Engineers pick parts up at
depots as their plan says and use them from their vans; each evening vans are
refilled from their depot to the van policy, each depot orders up to its level
from the central warehouse (arriving after ``transit_days``) and the central
warehouse from the supplier (after ``supplier_lead_days``). The counts of parts
received, used, asked for and given make the report's balances and fill rates.
A part that open jobs wait for and that no level covers (a rare part held
nowhere) is ordered for those jobs: shipped from the central warehouse if it
has it, else bought from the supplier and shipped on when it arrives.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from scenarios.generator.catalogue import PARTS
from scenarios.study.world import PART_SHARE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scenarios.study.world import World

#: Where the central warehouse's stock is kept in :attr:`Logistics.on_hand`.
CENTRAL = "central"


def stock_plan(world: World) -> tuple[dict[str, dict[str, int]], float]:
    """Base-stock levels per place and part, and the investment they and the vans' targets make."""
    from inventory import PROBLEM_SCHEMA as STOCK_SCHEMA
    from inventory import plan_stock  # with scipy: loaded when a study runs, not with the service
    from inventory import problem_from_json as stock_problem

    w, s = world, world.settings
    demand: dict[str, dict[str, float]] = {d.id: defaultdict(float) for d in w.depots}
    for site, rates in zip(w.sites, w.fault_rates, strict=True):
        for part, rate in rates.items():
            demand[site.depot][part] += rate * PART_SHARE
    parts = []
    for p in PARTS:
        regions = {
            d.id: {
                "demand": round(demand[d.id][p.id], 6),
                "resupply": max(0.25, float(s["transit_days"])),
            }
            for d in w.depots
        }
        if sum(r["demand"] for r in regions.values()) <= 0:
            continue
        parts.append(
            {
                "sku": p.id,
                "unit_cost": w.unit_cost[p.id],
                "central_resupply": max(1.0, float(s["supplier_lead_days"])),
                "regions": regions,
            }
        )
    problem = {
        "schema": STOCK_SCHEMA,
        "time_unit": "day",
        "central": {"id": CENTRAL},
        "regions": [{"id": d.id} for d in w.depots],
        "parts": parts,
        "goal": dict(s["stock"]),
        "model": "vari-metric",
    }
    plan = plan_stock(stock_problem(problem)).to_json()
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    for sku, where in plan["levels"].items():
        for place, units in where.items():
            levels[place][sku] = int(units)
    investment = (
        float(plan["investment"])
        if "investment" in plan
        else sum(u * w.unit_cost[k] for place in levels.values() for k, u in place.items())
    )
    investment += sum(u * w.unit_cost[k] for e in w.engineers for k, u in e.van_target.items())
    return dict(levels), investment


class Logistics:
    """The parts of one variant: on hand at each place (central, depots, vans) and in transit."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.levels, self.investment = stock_plan(world)
        self.on_hand: dict[str, dict[str, int]] = {CENTRAL: dict(self.levels[CENTRAL])}
        for d in world.depots:
            self.on_hand[d.id] = dict(self.levels[d.id])
        for e in world.engineers:
            self.on_hand[e.id] = dict(e.van_target)
        self.initial = self.total_on_hand()
        self.pipeline: list[tuple[int, str, str, int]] = []  # (arrival day, place, part, units)
        self.received = 0  # from the supplier
        self.consumed = 0  # used in repairs
        self.requests: dict[str, int] = defaultdict(int)  # units asked of each depot
        self.filled: dict[str, int] = defaultdict(int)  # of those, units it had

    def total_on_hand(self) -> int:
        return sum(sum(place.values()) for place in self.on_hand.values())

    def in_transit_to_depots(self) -> int:
        return sum(units for _a, place, _p, units in self.pipeline if place != CENTRAL)

    def stock_at(self, place: str) -> dict[str, int]:
        """The parts a van or depot holds now, as a problem states its stock."""
        return {p: q for p, q in self.on_hand[place].items() if q > 0}

    def pick_up(self, engineer: str, depot: str, pickup: Mapping[str, int]) -> None:
        """A depot stop: the depot gives what it has of the plan's pickup to the van."""
        for part, units in pickup.items():
            give = min(units, self.on_hand[depot].get(part, 0))
            self.requests[depot] += units
            self.filled[depot] += give
            self.on_hand[depot][part] = self.on_hand[depot].get(part, 0) - give
            self.on_hand[engineer][part] = self.on_hand[engineer].get(part, 0) + give

    def use_from_van(self, engineer: str, part: str) -> bool:
        """Take one ``part`` from the engineer's van for a repair; False if the van has none."""
        van = self.on_hand[engineer]
        if van.get(part, 0) < 1:
            return False
        van[part] -= 1
        self.consumed += 1
        return True

    def refill_and_order(
        self, day: int, waiting: Mapping[tuple[str, str], int] | None = None
    ) -> None:
        """The evening: vans refilled from their depot, depots and the central warehouse reorder
        up to their levels, and beyond them for ``waiting``: the units of each part that open
        jobs at a depot's sites wait for ((depot, part) -> units), ordered for those jobs."""
        w, s = self.world, self.world.settings
        waiting = waiting or {}
        for e in w.engineers:
            van, depot = self.on_hand[e.id], self.on_hand[e.depot]
            for part, target in e.van_target.items():
                need = target - van.get(part, 0)
                if need <= 0:
                    continue
                give = min(need, depot.get(part, 0))
                self.requests[e.depot] += need
                self.filled[e.depot] += give
                depot[part] = depot.get(part, 0) - give
                van[part] = van.get(part, 0) + give
        transit: dict[tuple[str, str], int] = defaultdict(int)
        for _arrive, place, part, units in self.pipeline:
            transit[(place, part)] += units
        central = self.on_hand[CENTRAL]
        short: dict[str, int] = defaultdict(int)  # units jobs wait for that central lacks
        for d in w.depots:
            wanted = dict(self.levels.get(d.id, {}))
            for (place, part), units in waiting.items():
                if place == d.id:
                    wanted[part] = max(wanted.get(part, 0), units)
            for part, level in wanted.items():
                position = self.on_hand[d.id].get(part, 0) + transit[(d.id, part)]
                need = max(0, level - position)
                ship = min(need, central.get(part, 0))
                if ship:
                    central[part] -= ship
                    self.pipeline.append((day + int(s["transit_days"]), d.id, part, ship))
                if need > ship and level > self.levels.get(d.id, {}).get(part, 0):
                    short[part] += need - ship  # for the jobs: beyond what the plan holds
        for part in sorted(set(self.levels.get(CENTRAL, {})) | set(short)):
            level = self.levels.get(CENTRAL, {}).get(part, 0) + short.get(part, 0)
            position = central.get(part, 0) + transit[(CENTRAL, part)]
            if position < level:
                self.pipeline.append(
                    (day + int(s["supplier_lead_days"]), CENTRAL, part, level - position)
                )

    def receive(self, day: int) -> None:
        """The morning: shipments due by ``day`` are put on the shelves."""
        keep = []
        for arrive, place, part, units in self.pipeline:
            if arrive <= day:
                self.on_hand[place][part] = self.on_hand[place].get(part, 0) + units
                if place == CENTRAL:
                    self.received += units
            else:
                keep.append((arrive, place, part, units))
        self.pipeline = keep
