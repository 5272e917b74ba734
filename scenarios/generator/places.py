"""Where generated sites, homes and depots lie: on land, around a city or out along its roads.

Every point is drawn from the caller's random stream, redrawn until it lies on
land in the region (up to 50 rounds, then the city centre), and rounded to
five decimals (about a metre), so the same stream gives the same places.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from dispatch.travel.providers import haversine_km
from scenarios.generator.cities import KM_PER_DEGREE, City, Region

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray


def offset_km(
    lat: float, lon: float, north_km: NDArray[np.float64], east_km: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Move from (lat, lon) by km north and east (flat-earth; fine over tens of km)."""
    dlat = north_km / KM_PER_DEGREE
    dlon = east_km / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def on_land(
    rng: np.random.Generator,
    region: Region,
    n: int,
    fallback: tuple[float, float],
    draw: Callable[[np.random.Generator, int], tuple[NDArray[np.float64], NDArray[np.float64]]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Draw ``n`` points with ``draw(rng, k)`` until all lie on land in the region."""
    lat = np.full(n, fallback[0])
    lon = np.full(n, fallback[1])
    todo = np.arange(n)
    for _ in range(50):
        if todo.size == 0:
            break
        cand_lat, cand_lon = draw(rng, todo.size)
        ok = region.on_land(cand_lat, cand_lon)
        lat[todo[ok]] = cand_lat[ok]
        lon[todo[ok]] = cand_lon[ok]
        todo = todo[~ok]
    return np.round(lat, 5), np.round(lon, 5)


def scatter(
    rng: np.random.Generator, region: Region, city: City, n: int, spread_km: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Points around a city centre, normal with ``spread_km`` per axis, cut at 2.5 sigma."""

    def draw(r: np.random.Generator, k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        xy = r.normal(0.0, spread_km, size=(k, 2))
        radius = np.hypot(xy[:, 0], xy[:, 1])
        scale = np.minimum(1.0, 2.5 * spread_km / np.maximum(radius, 1e-9))
        return offset_km(city.lat, city.lon, xy[:, 0] * scale, xy[:, 1] * scale)

    return on_land(rng, region, n, (city.lat, city.lon), draw)


def countryside(
    rng: np.random.Generator, region: Region, city: City, n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Remote sites: towns and industrial parks out along the roads leaving a city
    (``region.remote_km``: 12-35 km in a metropolitan region)."""
    others = [
        region.city(b if a == city.code else a) for a, b in region.corridors if city.code in (a, b)
    ]

    def draw(r: np.random.Generator, k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if not others:
            bearing = r.uniform(0.0, 2 * math.pi, k)
            dist = r.uniform(*region.remote_km, k)
            return offset_km(city.lat, city.lon, dist * np.cos(bearing), dist * np.sin(bearing))
        pick = r.integers(0, len(others), k)
        to_lat = np.array([others[i].lat for i in pick])
        to_lon = np.array([others[i].lon for i in pick])
        # remote_km out along the road, however far the next city is
        span = haversine_km(np.asarray(city.lat), np.asarray(city.lon), to_lat, to_lon)
        f = np.clip(r.uniform(*region.remote_km, k) / np.maximum(span, 1e-9), 0.0, 0.45)
        jitter = r.normal(0.0, region.remote_jitter_km, size=(k, 2))
        lat, lon = offset_km(city.lat, city.lon, jitter[:, 0], jitter[:, 1])
        return lat + f * (to_lat - city.lat), lon + f * (to_lon - city.lon)

    return on_land(rng, region, n, (city.lat, city.lon), draw)
