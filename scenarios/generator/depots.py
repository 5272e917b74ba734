"""The generated day's depots: a central warehouse and regional ones, and their stock.

Depots stand on the outskirts of the main city and the next largest; stock
follows the day's demand (common parts everywhere, medium ones in most depots,
rare ones in one or two), enough overall but not always where it is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatch.io.contract import depot_dict, geo, period
from dispatch.travel.providers import haversine_km
from scenarios.generator.catalogue import PARTS, TOOLS
from scenarios.generator.places import offset_km, on_land

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from scenarios.generator.cities import City, Region
    from scenarios.generator.clock import DayClock
    from scenarios.generator.crew import Engineer
    from scenarios.generator.jobs import Job


@dataclass(slots=True)
class Depot:
    """A depot of the day: where it stands, its pickup time, stock and tools."""

    id: str
    lat: float
    lon: float
    pickup_min: int
    stock: dict[str, int]
    tools: list[str]

    def to_json(self, clock: DayClock) -> dict[str, Any]:
        return depot_dict(
            self.id,
            geo(self.lat, self.lon),
            period(clock.iso(480), clock.iso(1080)),
            pickup_min=self.pickup_min,
            stock=self.stock,
            tools=self.tools,
        )


def make_depots(
    rng: np.random.Generator,
    region: Region,
    cities: Sequence[City],
    crew: Sequence[Engineer],
    work: Sequence[Job],
    n: int,
) -> list[Depot]:
    """A central warehouse in the main city and regional depots in the next largest,
    stocked for the region's demand: enough overall, not always where it is needed."""
    staff = {c.code: sum(e.city.code == c.code for e in crew) for c in cities}
    regional = sorted(cities[1:], key=lambda c: (-staff[c.code], -c.population_m))
    spare = [c for c in region.cities if c not in cities]
    sites = [cities[0], *regional, *spare][:n]

    lat = np.zeros(n)
    lon = np.zeros(n)
    for i, city in enumerate(sites):  # logistics parks on the outskirts

        def draw(
            r: np.random.Generator, k: int, c: City = city
        ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            bearing = r.uniform(0.0, 2 * math.pi, k)
            dist = r.uniform(3.0, 8.0, k)
            return offset_km(c.lat, c.lon, dist * np.cos(bearing), dist * np.sin(bearing))

        a, b = on_land(rng, region, 1, (city.lat, city.lon), draw)
        lat[i], lon[i] = a[0], b[0]

    # Which depot each job's site is nearest to: stock follows demand.
    nearest = np.zeros(len(work), dtype=int)
    if work:
        j_lat = np.array([j.lat for j in work])[:, None]
        j_lon = np.array([j.lon for j in work])[:, None]
        nearest = np.argmin(haversine_km(j_lat, j_lon, lat[None, :], lon[None, :]), axis=1)

    stock: list[dict[str, int]] = [{} for _ in range(n)]
    for part in PARTS:
        local = np.zeros(n)
        for j, job in enumerate(work):
            local[nearest[j]] += job.parts.get(part.id, 0)
        demand = int(local.sum())
        if part.tier == "common":
            holders = list(range(n))
        elif part.tier == "medium":
            holders = [0] + [d for d in range(1, n) if rng.random() < 0.7]
        else:
            holders = [0] + ([int(rng.integers(1, n))] if n > 1 and rng.random() < 0.5 else [])
        if demand == 0:
            top = {"common": 5, "medium": 3, "rare": 2}[part.tier]
            for d in holders:
                stock[d][part.id] = int(rng.integers(0 if part.tier != "common" else 1, top))
            continue
        low, high = {"common": (1.0, 1.5), "medium": (0.9, 1.3), "rare": (0.9, 1.2)}[part.tier]
        total = max(1, math.ceil(demand * rng.uniform(low, high)))
        weight = np.array([local[d] + (1.0 if d == 0 else 0.5) for d in holders])
        split = rng.multinomial(total, weight / weight.sum())
        for d, units in zip(holders, split, strict=True):
            stock[d][part.id] = int(units)

    out: list[Depot] = []
    for i, city in enumerate(sites):
        tools = list(TOOLS) if i == 0 else [t for t in TOOLS if rng.random() < 0.5]
        out.append(
            Depot(
                id=f"D-{city.code}",
                lat=float(lat[i]),
                lon=float(lon[i]),
                pickup_min=15 if i == 0 else 10,
                stock=dict(sorted(stock[i].items())),
                tools=tools,
            )
        )
    return out
