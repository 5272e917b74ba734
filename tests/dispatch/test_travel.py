"""Travel providers against independent references (geopy, hand arithmetic)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from geopy.distance import great_circle

from dispatch.travel.locations import GeoPoint, PlanePoint
from dispatch.travel.providers import (
    EARTH_RADIUS_KM,
    EuclideanTravel,
    GreatCircleTravel,
    MatrixTravel,
)

CITIES = {
    "shanghai": GeoPoint(31.2304, 121.4737),
    "suzhou": GeoPoint(31.2990, 120.5853),
    "hangzhou": GeoPoint(30.2741, 120.1551),
    "ningbo": GeoPoint(29.8683, 121.5440),
    "cologne": GeoPoint(50.9375, 6.9603),
    "sydney": GeoPoint(-33.8688, 151.2093),
}


def test_great_circle_matches_geopy_on_city_pairs() -> None:
    points = list(CITIES.values())
    travel = GreatCircleTravel(speed_kmh=40, circuity=1.0)
    km = travel.matrices(points).km
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            reference = great_circle((a.lat, a.lon), (b.lat, b.lon), radius=EARTH_RADIUS_KM).km
            assert km[i, j] == pytest.approx(reference, rel=1e-9, abs=1e-9)


def test_shanghai_suzhou_is_about_85_km_and_rounds_minutes_up() -> None:
    travel = GreatCircleTravel(speed_kmh=40, circuity=1.3)
    m = travel.matrices([CITIES["shanghai"], CITIES["suzhou"]])
    straight = great_circle((31.2304, 121.4737), (31.2990, 120.5853), radius=EARTH_RADIUS_KM).km
    assert 84 < straight < 86
    assert m.km[0, 1] == pytest.approx(straight * 1.3)
    # minutes = ceil(km / 40 * 60)
    assert m.minutes[0, 1] == math.ceil(straight * 1.3 / 40 * 60)
    assert m.minutes[0, 0] == 0 and m.km[1, 1] == 0


def test_whole_minute_distance_is_not_rounded_up_by_float_noise() -> None:
    # 20 km at 40 km/h is exactly 30 minutes; float noise must not make it 31
    travel = GreatCircleTravel(speed_kmh=40)
    lat_step = 20.0 / (EARTH_RADIUS_KM * math.pi / 180.0)
    m = travel.matrices([GeoPoint(0.0, 0.0), GeoPoint(lat_step, 0.0)])
    assert m.km[0, 1] == pytest.approx(20.0, abs=1e-9)
    assert m.minutes[0, 1] == 30


def test_euclidean_is_exact_and_not_rounded() -> None:
    m = EuclideanTravel(speed=2.0).matrices([PlanePoint(0, 0), PlanePoint(3, 4), PlanePoint(1, 1)])
    assert m.km[0, 1] == 5.0
    assert m.minutes[0, 1] == 2.5
    assert m.km[0, 2] == math.sqrt(2)


def test_matrix_provider_reorders_rows_to_the_locations_asked() -> None:
    a, b, c = GeoPoint(1, 1), GeoPoint(2, 2), GeoPoint(3, 3)
    minutes = np.array([[0, 1, 2], [3, 0, 4], [5, 6, 0]], dtype=float)
    travel = MatrixTravel((a, b, c), minutes, minutes * 10)
    m = travel.matrices([c, a])
    assert m.minutes.tolist() == [[0, 5], [2, 0]]
    assert m.km.tolist() == [[0, 50], [20, 0]]


def test_large_matrix_shape_and_symmetry() -> None:
    rng = np.random.default_rng(1)
    points = [
        GeoPoint(float(la), float(lo)) for la, lo in rng.uniform([30, 120], [32, 122], (500, 2))
    ]
    m = GreatCircleTravel(speed_kmh=40, circuity=1.3).matrices(points)
    assert m.km.shape == (500, 500) and m.minutes.dtype == np.float64
    assert np.allclose(m.km, m.km.T)
    assert (np.diag(m.km) == 0).all()
