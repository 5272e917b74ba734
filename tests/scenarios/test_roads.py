"""Generated days on real roads: sites moved onto the OSRM network, every trip routable."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json, with_matrix_travel
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from dispatch.travel.locations import GeoPoint
from dispatch.travel.osrm import OsrmTravel, RoadTable
from scenarios.generator.cities import REGIONS, km_between
from scenarios.generator.day import generate_dispatch
from scenarios.generator.roads import _places, place_on_roads

if TYPE_CHECKING:
    from fieldplan.osrm_server import OsrmServer


def test_andorra_region_lies_in_its_extract() -> None:
    region = REGIONS["andorra"]
    assert region.osm_extract == "andorra.osm.pbf"
    data = generate_dispatch(12, 50, 3, region="andorra")
    assert len(data["meta"]["cities"]) == 10  # one team covers every valley
    # the extract's bounding box: 0.976,42.324 - 1.825,42.788
    for place in _places(data):
        assert 42.324 < place["lat"] < 42.788 and 0.976 < place["lon"] < 1.825


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_andorra_day_is_routable_on_roads(andorra: OsrmServer, seed: int) -> None:
    data = generate_dispatch(10, 40, seed, region="andorra", time_limit_s=3)
    travel = OsrmTravel(url=andorra.url)
    road = place_on_roads(data, travel)
    assert road["travel"]["kind"] == "osrm"
    before, after = _places(data), _places(road)
    moved = [
        km_between(a["lat"], a["lon"], b["lat"], b["lon"])
        for a, b in zip(before, after, strict=True)
    ]
    assert float(np.median(moved)) < 0.3  # most sites were close to a road already
    for place in after[:20]:  # each now lies on the road network itself
        _point, gap = travel.nearest(GeoPoint(place["lat"], place["lon"]))
        assert gap < 1.0
    materialised = with_matrix_travel(road)  # raises if any pair had no road route
    minutes = np.array(materialised["travel"]["minutes"], dtype=float)
    assert np.isfinite(minutes).all()
    assert 30 <= minutes.max() <= 90  # valleys apart: up to about 70 min, as the extract says
    problem = problem_from_json(materialised)
    plan = solve(problem, SolveOptions(time_limit_s=3, seed=0))
    assert check(problem, plan) == []
    assert plan.kpis.assigned >= 30


class _Network:
    """A stand-in server: snaps each point 100 m north; point 2 joins no other."""

    def __init__(self) -> None:
        self.snaps: list[GeoPoint] = []

    def nearest(self, location: Any) -> tuple[GeoPoint, float]:
        point = GeoPoint(round(location.lat + 0.0009, 6), location.lon)
        self.snaps.append(point)
        return point, 100.0

    def table_with_gaps(self, locations: list[GeoPoint]) -> RoadTable:
        n = len(locations)
        seconds = np.ones((n, n))
        seconds[2, :] = seconds[:, 2] = math.nan
        seconds[2, 2] = 0.0
        return RoadTable(seconds=seconds, metres=seconds.copy())

    def to_json(self) -> dict[str, Any]:
        return {"kind": "osrm", "url": "http://127.0.0.1:1"}


def test_a_place_on_a_cut_off_road_moves_to_the_nearest_joined_place() -> None:
    data = {
        "engineers": [{"start": {"lat": 42.50, "lon": 1.50}, "end": {"lat": 42.50, "lon": 1.50}}],
        "jobs": [
            {"site": {"lat": 42.51, "lon": 1.50}},
            {"site": {"lat": 42.60, "lon": 1.60}},  # the third distinct place: cut off
            {"site": {"lat": 42.59, "lon": 1.60}},
        ],
        "depots": [],
    }
    road = place_on_roads(data, _Network())  # type: ignore[arg-type]
    sites = [j["site"] for j in road["jobs"]]
    assert sites[0] == {"lat": 42.5109, "lon": 1.5}
    assert sites[1] == sites[2] == {"lat": 42.5909, "lon": 1.6}  # moved to its nearest joined
    assert road["engineers"][0]["start"] == {"lat": 42.5009, "lon": 1.5}
    assert data["jobs"][1]["site"] == {"lat": 42.60, "lon": 1.60}  # the input is untouched
    assert road["travel"] == {"kind": "osrm", "url": "http://127.0.0.1:1"}
