"""Generated problems on real roads: every place moved onto the road network OSRM drives.

A generated site is a random point near a town; in a mountain country it may
lie on a slope a kilometre from any road, or by a private track that joins
nothing. Moving each place to the road point OSRM snaps it to (and a place
whose road joins no other to the nearest place that is joined) gives a problem
whose every trip has a road route, as a real customer address would.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from dispatch.travel.locations import GeoPoint
from dispatch.travel.osrm import OsrmTravel
from dispatch.travel.providers import haversine_km

#: Decimals kept of a snapped coordinate (about 10 cm).
DECIMALS = 6


def _places(problem: dict[str, Any]) -> list[dict[str, Any]]:
    """Every location object of a problem, in a fixed order (edited in place later)."""
    out: list[dict[str, Any]] = []
    for engineer in problem.get("engineers", []):
        out += [engineer["start"], engineer["end"]]
    out += [job["site"] for job in problem.get("jobs", [])]
    out += [depot["location"] for depot in problem.get("depots", [])]
    return out


def place_on_roads(problem: dict[str, Any], travel: OsrmTravel) -> dict[str, Any]:
    """A copy of ``problem`` with its places on the road network and its travel set to ``travel``.

    Raises
    ------
    TravelServiceError, LocationError
        The server cannot be reached, or a place is not near any road at all.
    """
    placed = copy.deepcopy(problem)
    places = _places(placed)
    unique = list(dict.fromkeys((p["lat"], p["lon"]) for p in places))
    snapped = {}
    for lat, lon in unique:
        point, _gap = travel.nearest(GeoPoint(lat=lat, lon=lon))
        snapped[(lat, lon)] = (round(point.lat, DECIMALS), round(point.lon, DECIMALS))
    targets = list(dict.fromkeys(snapped.values()))
    joined = _joined(travel, targets)
    if not joined.any():
        raise ValueError("no two places of the problem are joined by a road")
    good = np.flatnonzero(joined)
    lats = np.array([t[0] for t in targets])
    lons = np.array([t[1] for t in targets])
    moved = {}
    for k in np.flatnonzero(~joined):
        nearest = good[
            np.argmin(haversine_km(lats[k : k + 1], lons[k : k + 1], lats[good], lons[good]))
        ]
        moved[targets[k]] = targets[int(nearest)]
    for p in places:
        lat, lon = moved.get(snapped[(p["lat"], p["lon"])], snapped[(p["lat"], p["lon"])])
        p["lat"], p["lon"] = lat, lon
    placed["travel"] = travel.to_json()
    return placed


def _joined(travel: OsrmTravel, points: list[tuple[float, float]]) -> np.ndarray:
    """Which points lie on the network most of the others reach (the main road network)."""
    table = travel.table_with_gaps([GeoPoint(lat=a, lon=b) for a, b in points])
    routed = ~np.isnan(table.seconds)
    # Joined both ways with more than half the points: the main component.
    reach = (routed & routed.T).sum(axis=1)
    return reach > len(points) / 2
