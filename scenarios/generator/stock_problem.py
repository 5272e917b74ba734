"""Realistic stock-planning problems: a central warehouse and regional depots in real cities.

Spare-parts demand is famously skewed: a few fast movers and a long tail
of parts needed a few times a year, with unit costs from a fuse to a
controller board. Demand per region follows the city's population (the
installed base is where people and businesses are); resupply from the
central warehouse takes half a day plus driving time; supplier lead times
run from one week to three months. Some parts are repairable, with a share
fixed in the region and a share condemned.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inventory import PROBLEM_SCHEMA
from scenarios.generator.cities import REGIONS, km_between

# Trucks cover about this many km per day between depots.
KM_PER_DAY = 500.0


def generate_inventory(
    parts: int = 200,
    regions: int = 6,
    seed: int = 0,
    region: str = "shanghai",
    fill_rate: float = 0.95,
    model: str = "vari-metric",
    lumpy_share: float = 0.35,
    repairable_share: float = 0.2,
) -> dict[str, Any]:
    """A problem in the contract's JSON form (``fieldplan.inventory.problem/1``).

    ``lumpy_share`` of the parts have negative-binomial demand and
    ``repairable_share`` are repairable; 0 for both gives a Poisson network
    of consumables, the case the exact model covers.
    """
    if parts < 1 or regions < 1:
        raise ValueError("parts and regions: must be at least 1")
    if region not in REGIONS:
        raise ValueError(f"region: unknown '{region}', known: {', '.join(sorted(REGIONS))}")
    rng = np.random.default_rng(seed)
    cities = REGIONS[region].cities
    hub = cities[0]
    depots = []
    for k in range(regions):
        city = cities[k % len(cities)]
        suffix = "" if k < len(cities) else f"-{k // len(cities) + 1}"
        km = km_between(hub.lat, hub.lon, city.lat, city.lon)
        depots.append((f"{city.name}{suffix}", float(city.population_m), 0.5 + km / KM_PER_DAY))
    weight = np.array([d[1] for d in depots])
    weight = weight / weight.sum()
    # demand per part per day over the whole territory: lognormal, a long slow tail
    total = rng.lognormal(mean=np.log(0.15), sigma=1.3, size=parts)
    cost = np.round(rng.lognormal(mean=np.log(400.0), sigma=1.4, size=parts), 2).clip(2.0, 80_000.0)
    lead = rng.choice(
        [7.0, 14.0, 21.0, 30.0, 45.0, 60.0, 90.0],
        size=parts,
        p=[0.1, 0.2, 0.2, 0.2, 0.15, 0.1, 0.05],
    )
    lumpy = rng.random(parts) < lumpy_share
    vtm = np.where(lumpy, np.round(rng.uniform(1.2, 3.0, size=parts), 2), 1.0)
    repairable = rng.random(parts) < repairable_share
    out_parts = []
    for i in range(parts):
        entries: dict[str, Any] = {}
        for j, (name, _, resupply) in enumerate(depots):
            # not every depot sees every part: rare parts cluster where their installed base is
            share = weight[j] * rng.uniform(0.5, 1.5)
            demand = float(total[i] * share)
            if demand < 1e-4:
                continue
            entry: dict[str, Any] = {"demand": round(demand, 6), "resupply": round(resupply, 2)}
            if repairable[i] and j == 0:
                entry.update({"local_repair": 0.3, "local_repair_time": 5.0})
            entries[name] = entry
        part: dict[str, Any] = {
            "sku": f"P{i + 1:05d}",
            "unit_cost": float(cost[i]),
            "central_resupply": float(lead[i]),
            "variance_to_mean": float(vtm[i]),
            "regions": entries,
        }
        if repairable[i]:
            part.update(
                {
                    "kind": "repairable",
                    "central_resupply": 14.0,
                    "condemnation": 0.1,
                    "procurement_time": float(lead[i]),
                }
            )
        out_parts.append(part)
    return {
        "schema": PROBLEM_SCHEMA,
        "time_unit": "day",
        "central": {"id": f"{hub.name} central"},
        "regions": [{"id": d[0]} for d in depots],
        "parts": out_parts,
        "goal": {"fill_rate": fill_rate},
        "model": model,
    }
