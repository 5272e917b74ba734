"""Travel providers: one interface that turns a list of locations into matrices.

The solver, evaluator and checker only ever see :class:`TravelMatrices`, so a
road-network provider (OSRM's table service) plugs in as one more
:class:`TravelModel` named in :data:`dispatch.io.travel_json.TRAVEL_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from dispatch.errors import ProblemError, require
from dispatch.travel.locations import GeoPoint, Location, PlanePoint

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Mean earth radius (IUGG), as the contract fixes it.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class TravelMatrices:
    """Minutes and km between every pair of locations, row = from, column = to."""

    minutes: NDArray[np.float64]
    km: NDArray[np.float64]


class TravelModel(Protocol):
    """What every travel kind provides."""

    @property
    def kind(self) -> str:
        """The contract's ``travel.kind``."""
        ...

    @property
    def location_kind(self) -> Literal["geo", "plane"]:
        """ "geo" for lat/lon locations, "plane" for x/y."""
        ...

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices: ...

    def to_json(self) -> dict[str, Any]: ...


def haversine_km(
    lat1: NDArray[np.float64],
    lon1: NDArray[np.float64],
    lat2: NDArray[np.float64],
    lon2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Great-circle km between broadcast arrays of points (degrees), haversine formula."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dlat / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def whole_minutes(km: NDArray[np.float64], speed_kmh: float) -> NDArray[np.float64]:
    """ceil(km / speed * 60), guarded against float noise just above a whole minute."""
    return np.ceil(km / speed_kmh * 60.0 - 1e-9).clip(min=0.0)


@dataclass(frozen=True, slots=True)
class GreatCircleTravel:
    """Haversine km times a circuity factor, driven at a constant speed."""

    speed_kmh: float
    circuity: float = 1.0
    kind: str = "great_circle"
    location_kind: Literal["geo", "plane"] = "geo"

    def __post_init__(self) -> None:
        require(self.speed_kmh > 0, "travel.speed_kmh", "must be > 0")
        require(self.circuity > 0, "travel.circuity", "must be > 0")

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        lat = np.array([_geo(p).lat for p in locations], dtype=np.float64)
        lon = np.array([_geo(p).lon for p in locations], dtype=np.float64)
        km = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * self.circuity
        np.fill_diagonal(km, 0.0)
        return TravelMatrices(minutes=whole_minutes(km, self.speed_kmh), km=km)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "speed_kmh": self.speed_kmh, "circuity": self.circuity}


@dataclass(frozen=True, slots=True)
class EuclideanTravel:
    """Plane distance in double precision; minutes = distance / speed, not rounded."""

    speed: float = 1.0
    kind: str = "euclidean"
    location_kind: Literal["geo", "plane"] = "plane"

    def __post_init__(self) -> None:
        require(self.speed > 0, "travel.speed", "must be > 0")

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        xy = np.array([(_plane(p).x, _plane(p).y) for p in locations], dtype=np.float64)
        diff = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((diff**2).sum(axis=2))
        return TravelMatrices(minutes=dist / self.speed, km=dist)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "speed": self.speed}


@dataclass(frozen=True, slots=True)
class MatrixTravel:
    """Explicit matrices over listed points; every problem location must be a point."""

    points: tuple[Location, ...]
    minutes: NDArray[np.float64]
    km: NDArray[np.float64]
    kind: str = "matrix"
    location_kind: Literal["geo", "plane"] = "geo"

    def __post_init__(self) -> None:
        n = len(self.points)
        require(n > 0, "travel.points", "must list at least one point")
        for name in ("minutes", "km"):
            matrix = getattr(self, name)
            require(
                matrix.ndim == 2 and matrix.shape == (n, n),
                f"travel.{name}",
                f"must be a square {n}x{n} matrix (one row and column per point)",
            )
            require(bool(np.isfinite(matrix).all()), f"travel.{name}", "must hold finite numbers")
            require(bool((matrix >= 0).all()), f"travel.{name}", "must not hold negative values")
        require(len(set(self.points)) == n, "travel.points", "must not list the same point twice")

    def indices_of(self, locations: Sequence[Location]) -> list[int | None]:
        """Row of each location in the matrices, None where it is not a point."""
        lookup = {p: i for i, p in enumerate(self.points)}
        return [lookup.get(p) for p in locations]

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        rows = self.indices_of(locations)
        if any(r is None for r in rows):
            raise ProblemError("travel.points", "do not include every location of the problem")
        idx = np.array(rows, dtype=np.intp)
        return TravelMatrices(
            minutes=self.minutes[np.ix_(idx, idx)].astype(np.float64),
            km=self.km[np.ix_(idx, idx)].astype(np.float64),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "points": [_point_json(p) for p in self.points],
            "minutes": self.minutes.tolist(),
            "km": self.km.tolist(),
        }


class TravelServiceError(RuntimeError):
    """A travel service (a road-network server) cannot be reached or fails.

    Not the problem's fault: the same problem may be solved once the service is
    back. ``path`` names the setting that points at it (``travel.url``).
    """

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}")


class LocationError(ProblemError):
    """A travel provider cannot place a location on its network, or connect two.

    Providers see bare coordinates; the problem knows which engineer, job or
    depot sits there and re-raises with :meth:`naming`, so the message names
    the entity (``jobs[J3].site``) as well as the point. ``rule`` may hold
    ``{other}``, which becomes the second location's name and coordinates.
    """

    def __init__(
        self,
        location: Location,
        rule: str,
        other: Location | None = None,
        name: Callable[[Location], str] | None = None,
    ) -> None:
        self.location = location
        self.other = other
        self.template = rule

        def label(p: Location) -> str:
            return f"{name(p)} ({describe(p)})" if name else f"point ({describe(p)})"

        text = rule.replace("{other}", label(other)) if other is not None else rule
        if name is None:
            super().__init__("travel", f"{label(location)} {text}")
        else:
            super().__init__(name(location), f"({describe(location)}) {text}")

    def naming(self, name: Callable[[Location], str]) -> LocationError:
        """The same refusal, with each location named by ``name`` (a JSON path)."""
        return LocationError(self.location, self.template, self.other, name)


def describe(p: Location) -> str:
    """Coordinates as a person reads them in a message."""
    if isinstance(p, GeoPoint):
        return f"lat {p.lat}, lon {p.lon}"
    return f"x {p.x}, y {p.y}"


def _geo(p: Location) -> GeoPoint:
    if not isinstance(p, GeoPoint):
        raise ProblemError("location", "must be given as lat/lon for this travel kind")
    return p


def _plane(p: Location) -> PlanePoint:
    if not isinstance(p, PlanePoint):
        raise ProblemError("location", "must be given as x/y for euclidean travel")
    return p


def _point_json(p: Location) -> dict[str, float]:
    if isinstance(p, GeoPoint):
        return {"lat": p.lat, "lon": p.lon}
    return {"x": p.x, "y": p.y}
