"""The generated day's engineers: where they live, their shifts, skills, vans and tools.

Engineers live in the suburbs of the cities they serve, staffed in proportion
to population; skills lean junior, with level 3 scarce (about 8 % of a line's
share of the team); vans carry some of the common parts of their lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatch.io.contract import break_dict, engineer_dict, geo, period
from scenarios.generator.catalogue import PARTS, PRODUCT_LINES, SHIFTS
from scenarios.generator.places import scatter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scenarios.generator.cities import City, Region
    from scenarios.generator.clock import DayClock


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), each part at least ``minimum``."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    w = np.asarray(weights, dtype=float)
    quota = rest * w / w.sum()
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    for i in order[: rest - int(counts.sum())]:
        counts[i] += 1
    return [b + int(c) for b, c in zip(base, counts, strict=True)]


@dataclass(slots=True)
class Engineer:
    """An engineer of the day: home, shift (minutes after local midnight), skills, van, tools."""

    id: str
    city: City
    lat: float
    lon: float
    shift: tuple[int, int]
    max_overtime_min: int
    break_min: int
    skills: dict[str, int]
    van_stock: dict[str, int]
    tools: list[str]

    def to_json(self, clock: DayClock) -> dict[str, Any]:
        home = geo(self.lat, self.lon)
        return engineer_dict(
            self.id,
            home,
            period(clock.iso(self.shift[0]), clock.iso(self.shift[1])),
            end=home,
            max_overtime_min=self.max_overtime_min,
            # lunch, starting between 11:30 and 13:30
            breaks=[break_dict(clock.iso(690), clock.iso(810), self.break_min)],
            skills=self.skills,
            van_stock=self.van_stock,
            tools=self.tools,
            capacity=0,
        )


def make_engineers(
    rng: np.random.Generator, region: Region, cities: Sequence[City], n: int
) -> list[Engineer]:
    """Engineers living near the cities they serve, staffed in proportion to population."""
    per_city = apportion(n, [c.population_m for c in cities], minimum=1)
    homes: list[tuple[City, float, float]] = []
    for city, count in zip(cities, per_city, strict=True):
        h_lat, h_lon = scatter(rng, region, city, count, 1.3 * city.spread_km)  # suburbs
        homes += [(city, float(a), float(b)) for a, b in zip(h_lat, h_lon, strict=True)]

    names = [p.name for p in PRODUCT_LINES]
    shares = np.array([p.share for p in PRODUCT_LINES])
    width = max(3, len(str(n)))
    crew: list[Engineer] = []
    for i, (city, lat, lon) in enumerate(homes):
        shift = SHIFTS[int(rng.choice(len(SHIFTS), p=[0.70, 0.15, 0.15]))]
        overtime = int(rng.choice([60, 0, 30, 90], p=[0.7, 0.1, 0.1, 0.1]))
        break_min = 30 if rng.random() < 0.85 else 45
        k = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.20]))
        lines = rng.choice(len(names), size=k, replace=False, p=shares)
        skills: dict[str, int] = {}
        for rank, li in enumerate(lines):
            skills[names[li]] = 2 if rng.random() < (0.55 if rank == 0 else 0.30) else 1
        van: dict[str, int] = {}
        tools: list[str] = []
        for line in PRODUCT_LINES:
            if line.name not in skills:
                continue
            for part in PARTS:
                if part.line == line.name and part.tier == "common" and rng.random() < 0.6:
                    van[part.id] = int(rng.integers(1, 4))
            if line.tool is not None and line.tool not in tools and rng.random() < 0.4:
                tools.append(line.tool)
        crew.append(
            Engineer(
                id=f"E{i + 1:0{width}d}",
                city=city,
                lat=lat,
                lon=lon,
                shift=shift,
                max_overtime_min=overtime,
                break_min=break_min,
                skills=dict(sorted(skills.items())),
                van_stock=dict(sorted(van.items())),
                tools=sorted(tools),
            )
        )
    _promote_experts(rng, crew)
    return crew


def _promote_experts(rng: np.random.Generator, crew: list[Engineer]) -> None:
    """Level 3 is scarce: about 8 % of a line's share of the team, at least one per line
    that anyone covers, chosen mostly from the level-2 engineers."""
    for line in PRODUCT_LINES:
        holders = [e for e in crew if line.name in e.skills]
        if not holders:
            continue
        k = min(len(holders), max(1, round(len(crew) * line.share * 0.08)))
        weight = np.array([3.0 if e.skills[line.name] == 2 else 1.0 for e in holders])
        for j in rng.choice(len(holders), size=k, replace=False, p=weight / weight.sum()):
            holders[j].skills[line.name] = 3
