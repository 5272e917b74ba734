"""Where things are: a point on the earth, or on a plane (public VRPTW benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.errors import require


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A place on the earth in decimal degrees."""

    lat: float
    lon: float

    def check(self, path: str) -> None:
        require(-90.0 <= self.lat <= 90.0, f"{path}.lat", "must be between -90 and 90")
        require(-180.0 <= self.lon <= 180.0, f"{path}.lon", "must be between -180 and 180")


@dataclass(frozen=True, slots=True)
class PlanePoint:
    """A place on a plane, as public VRPTW benchmarks give them."""

    x: float
    y: float

    def check(self, path: str) -> None:
        return None


Location = GeoPoint | PlanePoint
