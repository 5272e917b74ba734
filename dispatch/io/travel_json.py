"""The travel kinds a problem may name (``travel.kind``), each with its reader: one explicit table.

A new provider (another road engine) is one more reader here and one more
entry in :data:`TRAVEL_KINDS`; nothing is registered as a side effect of an import.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dispatch.errors import ProblemError, require
from dispatch.io.reader import Obj, number, point_from_json
from dispatch.travel.osrm import DEFAULT_SNAP_RADIUS_M, DEFAULT_TABLE_SIZE, DEFAULT_URL, OsrmTravel
from dispatch.travel.providers import EuclideanTravel, GreatCircleTravel, MatrixTravel, TravelModel


def great_circle_from_json(obj: Obj) -> TravelModel:
    return GreatCircleTravel(
        speed_kmh=obj.number("speed_kmh"), circuity=obj.number("circuity", 1.0)
    )


def euclidean_from_json(obj: Obj) -> TravelModel:
    return EuclideanTravel(speed=obj.number("speed", 1.0))


def matrix_from_json(obj: Obj) -> TravelModel:
    raw_points = obj.array("points")
    geo = bool(raw_points) and isinstance(raw_points[0], dict) and "lat" in raw_points[0]
    points = [
        point_from_json(Obj(item, obj.at(f"points[{i}]")), geo) for i, item in enumerate(raw_points)
    ]
    matrices = {}
    for name in ("minutes", "km"):
        rows = obj.array(name)
        n = len(rows)
        for r, row in enumerate(rows):
            require(isinstance(row, list), obj.at(f"{name}[{r}]"), "must be an array")
            require(
                len(row) == n,
                obj.at(name),
                f"is not square: row {r} has {len(row)} values, there are {n} rows",
            )
            for c, value in enumerate(row):
                number(value, obj.at(f"{name}[{r}][{c}]"))
        matrices[name] = np.array(rows, dtype=np.float64).reshape(n, n)
    return MatrixTravel(
        tuple(points), matrices["minutes"], matrices["km"], location_kind="geo" if geo else "plane"
    )


def osrm_from_json(obj: Obj) -> TravelModel:
    return OsrmTravel(
        url=obj.string("url", DEFAULT_URL),
        profile=obj.string("profile", "driving"),
        snap_radius_m=obj.number("snap_radius_m", DEFAULT_SNAP_RADIUS_M),
        max_table_size=obj.integer("max_table_size", DEFAULT_TABLE_SIZE),
        timeout_s=obj.number("timeout_s", 60.0),
    )


#: Every ``travel.kind`` the contract knows, with the reader of its section.
TRAVEL_KINDS: dict[str, Callable[[Obj], TravelModel]] = {
    "great_circle": great_circle_from_json,
    "euclidean": euclidean_from_json,
    "matrix": matrix_from_json,
    "osrm": osrm_from_json,
}


def travel_from_json(obj: Obj) -> TravelModel:
    """The travel model a problem's ``travel`` section describes."""
    kind = obj.string("kind")
    try:
        reader = TRAVEL_KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(TRAVEL_KINDS))
        raise ProblemError("travel.kind", f"unknown kind '{kind}' (known: {known})") from None
    return reader(obj)
