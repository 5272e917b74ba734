"""Service regions built from real cities: coordinates, population, spread and water.

The generator scatters customer sites and engineers' homes around real city
centres, so travel times, clusters and cross-city trips look like a real
territory. Coordinates are city centres in decimal degrees (WGS 84);
populations are rounded figures in millions (the prefecture-level city for
China, the city proper for Germany and the United States) and only weight
where sites and engineers are. ``spread_km`` is the standard deviation of
sites around the centre: a metropolis sprawls further than a county town.

Water bodies near the centres are rough polygons so that sites do not land in
Lake Taihu or Hangzhou Bay; they are coarse on purpose (a few km), which is
finer than the great-circle travel model can tell apart anyway.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from dispatch.travel.providers import EARTH_RADIUS_KM, haversine_km

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Km along a meridian per degree of latitude, on the contract's earth.
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180.0


@dataclass(frozen=True, slots=True)
class City:
    """A city centre that sites and engineers cluster around."""

    code: str
    name: str
    lat: float
    lon: float
    population_m: float
    spread_km: float


@dataclass(frozen=True, slots=True)
class Region:
    """A service territory: its cities (main city first), roads between them and water.

    ``cities`` are in roll-out order: an organisation with few engineers covers
    the first ones only, a large one all of them. ``corridors`` are pairs of
    city codes joined by land (expressways along which small towns and
    industrial parks lie); remote sites are placed along them. ``water`` are
    polygons of (lat, lon) vertices where no site may be.
    """

    name: str
    country: str
    standard_offset_min: int
    dst_rule: str  # "none", "eu" or "us": when summer time applies
    cities: tuple[City, ...]
    corridors: tuple[tuple[str, str], ...]
    water: tuple[tuple[tuple[float, float], ...], ...] = ()
    speed_kmh: float = 40.0  # average door-to-door speed, congestion included
    margin_km: float = 40.0
    #: How far out remote sites lie along a corridor, and how far off it (1 sd).
    remote_km: tuple[float, float] = (12.0, 35.0)
    remote_jitter_km: float = 3.0
    #: Engineers a city needs before the next city in the roll-out is covered.
    engineers_per_city: int = 8
    #: The shared OpenStreetMap extract (in ../shared/data/osm/) holding the region, if any.
    osm_extract: str | None = None

    def city(self, code: str) -> City:
        for c in self.cities:
            if c.code == code:
                return c
        raise KeyError(code)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(lat_min, lat_max, lon_min, lon_max): the cities plus ``margin_km`` around them."""
        lats = [c.lat for c in self.cities]
        lons = [c.lon for c in self.cities]
        mid = math.radians((min(lats) + max(lats)) / 2.0)
        dlat = self.margin_km / KM_PER_DEGREE
        dlon = self.margin_km / (KM_PER_DEGREE * math.cos(mid))
        return (min(lats) - dlat, max(lats) + dlat, min(lons) - dlon, max(lons) + dlon)

    def utc_offset_min(self, day: date) -> int:
        """UTC offset at local midnight of ``day`` (summer time by the region's rule)."""
        return self.standard_offset_min + (60 if _summer_time(self.dst_rule, day) else 0)

    def on_land(self, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Which points lie inside the bounding box and outside every water polygon."""
        lat_min, lat_max, lon_min, lon_max = self.bbox
        ok = (lat >= lat_min) & (lat <= lat_max) & (lon >= lon_min) & (lon <= lon_max)
        for polygon in self.water:
            ok &= ~_inside(polygon, lat, lon)
        return ok


def _inside(
    polygon: tuple[tuple[float, float], ...], lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Even-odd ray casting, vectorised over points (planar in degrees; polygons are small)."""
    inside = np.zeros(lat.shape, dtype=bool)
    n = len(polygon)
    for i in range(n):
        y1, x1 = polygon[i]
        y2, x2 = polygon[(i + 1) % n]
        crosses = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lon < x_at)
    return inside


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _summer_time(rule: str, day: date) -> bool:
    """Summer time at local midnight: the switch happens at night, so the switch day's
    midnight still has the old offset."""
    if rule == "none":
        return False
    if rule == "eu":  # last Sunday of March to last Sunday of October
        return _last_sunday(day.year, 3) < day <= _last_sunday(day.year, 10)
    if rule == "us":  # second Sunday of March to first Sunday of November
        return _nth_sunday(day.year, 3, 2) < day <= _nth_sunday(day.year, 11, 1)
    raise ValueError(f"unknown summer-time rule '{rule}'")


# Tables of coordinates are kept in rows for reading, not one pair per line.
# fmt: off
_YRD_CORRIDORS: tuple[tuple[str, str], ...] = (
    ("SH", "SZ"), ("SZ", "WX"), ("WX", "CZ"), ("CZ", "ZJ"), ("ZJ", "NJ"), ("SH", "JX"),
    ("JX", "HZ"), ("HZ", "SX"), ("SX", "NB"), ("HZ", "HU"), ("SZ", "JX"), ("SZ", "NT"),
)
_YRD_WATER: tuple[tuple[tuple[float, float], ...], ...] = (
    # Lake Taihu, between Wuxi, Suzhou and Huzhou.
    (
        (31.52, 120.20), (31.45, 120.35), (31.30, 120.45), (31.10, 120.50),
        (30.95, 120.35), (30.93, 120.10), (31.05, 119.93), (31.25, 119.92),
        (31.42, 120.02),
    ),
    # Hangzhou Bay and the Qiantang estuary.
    (
        (30.40, 120.55), (30.48, 120.85), (30.58, 121.05), (30.70, 121.35),
        (30.82, 121.75), (30.88, 122.00), (30.00, 122.00), (29.98, 121.80),
        (30.12, 121.50), (30.33, 121.25), (30.28, 121.00), (30.20, 120.85),
        (30.25, 120.60),
    ),
    # The Yangtze estuary between Nantong and Suzhou/Shanghai.
    (
        (31.97, 120.55), (31.95, 120.85), (31.90, 121.05), (31.80, 121.40),
        (31.70, 121.75), (31.45, 121.75), (31.50, 121.35), (31.62, 121.10),
        (31.75, 120.90), (31.88, 120.55),
    ),
    # East China Sea off Pudong and Baoshan.
    (
        (32.20, 121.95), (31.50, 121.60), (31.42, 121.75), (30.88, 121.97),
        (29.60, 122.00), (29.60, 123.00), (32.20, 123.00),
    ),
)
_RR_CORRIDORS: tuple[tuple[str, str], ...] = (
    ("K", "BN"), ("K", "LEV"), ("LEV", "D"), ("D", "NE"), ("NE", "MG"), ("D", "DU"),
    ("DU", "OB"), ("OB", "E"), ("E", "BO"), ("BO", "DO"), ("DO", "HAM"), ("DO", "HA"),
    ("HA", "W"), ("W", "D"), ("E", "GE"), ("GE", "BO"), ("KR", "DU"), ("KR", "MG"),
    ("E", "W"), ("K", "W"),
)
_DFW_CORRIDORS: tuple[tuple[str, str], ...] = (
    ("DAL", "IRV"), ("IRV", "GPR"), ("GPR", "ARL"), ("ARL", "FTW"), ("DAL", "PLA"),
    ("PLA", "MCK"), ("PLA", "FRI"), ("FRI", "DEN"), ("DAL", "MES"), ("DAL", "GAR"),
    ("DAL", "CAR"), ("CAR", "DEN"), ("FTW", "DEN"),
)
_DFW_WATER: tuple[tuple[tuple[float, float], ...], ...] = (
    # Lewisville Lake.
    ((33.20, -97.08), (33.17, -96.97), (33.07, -96.98), (33.06, -97.05), (33.12, -97.10)),
    # Lake Ray Hubbard.
    ((32.95, -96.52), (32.93, -96.48), (32.80, -96.49), (32.80, -96.53), (32.88, -96.55)),
    # Grapevine Lake.
    ((32.99, -97.10), (32.99, -97.04), (32.95, -97.04), (32.94, -97.10)),
)
# fmt: on

# Yangtze River Delta, served from Shanghai. China Standard Time, no summer time.
YANGTZE_DELTA = Region(
    name="shanghai",
    country="CN",
    standard_offset_min=8 * 60,
    dst_rule="none",
    cities=(
        City("SH", "Shanghai", 31.2304, 121.4737, 24.87, 9.0),
        City("SZ", "Suzhou", 31.2990, 120.5853, 12.75, 7.0),
        City("HZ", "Hangzhou", 30.2741, 120.1551, 11.94, 7.0),
        City("WX", "Wuxi", 31.4912, 120.3119, 7.46, 5.0),
        City("JX", "Jiaxing", 30.7461, 120.7555, 5.40, 4.0),
        City("NB", "Ningbo", 29.8683, 121.5440, 9.40, 6.0),
        City("NJ", "Nanjing", 32.0603, 118.7969, 9.31, 6.5),
        City("CZ", "Changzhou", 31.8107, 119.9741, 5.28, 5.0),
        City("SX", "Shaoxing", 29.9958, 120.5861, 5.27, 4.0),
        City("NT", "Nantong", 31.9802, 120.8943, 7.73, 5.0),
        City("HU", "Huzhou", 30.8927, 120.0937, 3.37, 3.5),
        City("ZJ", "Zhenjiang", 32.1878, 119.4250, 3.21, 3.5),
    ),
    corridors=_YRD_CORRIDORS,
    water=_YRD_WATER,
    speed_kmh=35.0,  # congested metropolitan traffic
)

# Rhine-Ruhr metropolitan region, Germany. CET, summer time by the EU rule.
RHINE_RUHR = Region(
    name="rhine-ruhr",
    country="DE",
    standard_offset_min=60,
    dst_rule="eu",
    cities=(
        City("K", "Köln", 50.9375, 6.9603, 1.084, 5.5),
        City("D", "Düsseldorf", 51.2277, 6.7735, 0.629, 4.5),
        City("E", "Essen", 51.4556, 7.0116, 0.584, 4.5),
        City("DO", "Dortmund", 51.5136, 7.4653, 0.593, 4.5),
        City("DU", "Duisburg", 51.4344, 6.7623, 0.503, 4.0),
        City("BO", "Bochum", 51.4818, 7.2162, 0.365, 3.5),
        City("W", "Wuppertal", 51.2562, 7.1508, 0.358, 3.5),
        City("BN", "Bonn", 50.7374, 7.0982, 0.336, 3.5),
        City("GE", "Gelsenkirchen", 51.5177, 7.0857, 0.263, 3.0),
        City("MG", "Mönchengladbach", 51.1805, 6.4428, 0.268, 3.5),
        City("KR", "Krefeld", 51.3388, 6.5853, 0.228, 3.0),
        City("OB", "Oberhausen", 51.4963, 6.8638, 0.210, 3.0),
        City("HA", "Hagen", 51.3671, 7.4633, 0.189, 3.0),
        City("HAM", "Hamm", 51.6739, 7.8150, 0.180, 3.0),
        City("LEV", "Leverkusen", 51.0303, 6.9843, 0.166, 3.0),
        City("NE", "Neuss", 51.2042, 6.6879, 0.155, 3.0),
    ),
    corridors=_RR_CORRIDORS,
    speed_kmh=40.0,
)

# Dallas-Fort Worth, Texas. Central Time, summer time by the US rule.
DALLAS_FORT_WORTH = Region(
    name="dfw",
    country="US",
    standard_offset_min=-6 * 60,
    dst_rule="us",
    cities=(
        City("DAL", "Dallas", 32.7767, -96.7970, 1.30, 8.0),
        City("FTW", "Fort Worth", 32.7555, -97.3308, 0.96, 7.0),
        City("ARL", "Arlington", 32.7357, -97.1081, 0.39, 5.0),
        City("PLA", "Plano", 33.0198, -96.6989, 0.29, 4.5),
        City("IRV", "Irving", 32.8140, -96.9489, 0.26, 4.0),
        City("GAR", "Garland", 32.9126, -96.6389, 0.24, 4.0),
        City("FRI", "Frisco", 33.1507, -96.8236, 0.22, 4.0),
        City("MCK", "McKinney", 33.1972, -96.6398, 0.21, 4.0),
        City("GPR", "Grand Prairie", 32.7459, -96.9978, 0.20, 4.0),
        City("DEN", "Denton", 33.2148, -97.1331, 0.15, 4.0),
        City("MES", "Mesquite", 32.7668, -96.5992, 0.15, 3.5),
        City("CAR", "Carrollton", 32.9756, -96.8899, 0.13, 3.5),
    ),
    corridors=_DFW_CORRIDORS,
    water=_DFW_WATER,
    speed_kmh=45.0,  # freeways
)

# Andorra: a mountain territory of valleys joined by a few roads (CG-1 to CG-4),
# covered by one team; the whole country lies in the shared OSM extract, so plans
# can run on real road times. CET, summer time by the EU rule.
ANDORRA = Region(
    name="andorra",
    country="AD",
    standard_offset_min=60,
    dst_rule="eu",
    cities=(
        City("ALV", "Andorra la Vella", 42.5075, 1.5218, 0.0225, 0.5),
        City("ESC", "Escaldes-Engordany", 42.5095, 1.5380, 0.0145, 0.4),
        City("ENC", "Encamp", 42.5355, 1.5810, 0.0125, 0.4),
        City("SJL", "Sant Julià de Lòria", 42.4640, 1.4910, 0.0095, 0.35),
        City("LMA", "La Massana", 42.5450, 1.5150, 0.0100, 0.35),
        City("ORD", "Ordino", 42.5560, 1.5330, 0.0050, 0.3),
        City("CAN", "Canillo", 42.5665, 1.5985, 0.0045, 0.3),
        City("PAS", "Pas de la Casa", 42.5425, 1.7335, 0.0025, 0.25),
        City("SOL", "Soldeu", 42.5770, 1.6670, 0.0010, 0.25),
        City("ARI", "Arinsal", 42.5720, 1.4845, 0.0015, 0.25),
    ),
    corridors=(
        ("ALV", "ESC"),
        ("ALV", "SJL"),
        ("ESC", "ENC"),
        ("ENC", "CAN"),
        ("CAN", "SOL"),
        ("SOL", "PAS"),
        ("ALV", "LMA"),
        ("LMA", "ORD"),
        ("LMA", "ARI"),
    ),
    speed_kmh=30.0,  # mountain roads
    margin_km=4.0,
    remote_km=(1.0, 5.0),
    remote_jitter_km=0.15,
    engineers_per_city=1,
    osm_extract="andorra.osm.pbf",
)

REGIONS: dict[str, Region] = {
    r.name: r for r in (YANGTZE_DELTA, RHINE_RUHR, DALLAS_FORT_WORTH, ANDORRA)
}


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km between two points, by the formula the dispatch engine's
    great-circle travel uses, so a distance here is the plans' to the last bit."""
    return float(
        haversine_km(np.asarray(lat1), np.asarray(lon1), np.asarray(lat2), np.asarray(lon2))
    )
