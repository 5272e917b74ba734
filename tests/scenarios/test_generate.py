"""The realistic instance generator: contract-valid, deterministic and shaped like a real day."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from dispatch.evaluate.check import check
from dispatch.evaluate.eligibility import is_permitted, skill_shortfall
from dispatch.io.problem_json import load_problem, problem_from_json
from dispatch.model.entities import JobKind, SolveOptions
from dispatch.model.units import parse_iso
from dispatch.solve import solve
from dispatch.travel.locations import GeoPoint, Location
from dispatch.travel.providers import haversine_km
from scenarios.generator.catalogue import KIND_MIX, PARTS, PRODUCT_LINES, TOOLS
from scenarios.generator.cities import REGIONS, km_between
from scenarios.generator.day import default_depots, generate_dispatch, write_dispatch

if TYPE_CHECKING:
    from pathlib import Path

    from dispatch.model.problem import Problem

# The sizes the demo, tests and benchmarks run on (engineers x jobs).
SIZES = [(3, 10), (10, 45), (30, 130), (100, 450), (200, 1000)]
PARTS_BY_ID = {p.id: p for p in PARTS}


@cache
def _text(engineers: int, jobs: int, seed: int = 0, region: str = "shanghai") -> str:
    return json.dumps(generate_dispatch(engineers, jobs, seed, region=region))


def generated(engineers: int, jobs: int, seed: int = 0, region: str = "shanghai") -> dict[str, Any]:
    """A fresh copy of a generated problem (generated once per test session)."""
    data: dict[str, Any] = json.loads(_text(engineers, jobs, seed, region))
    return data


def geo(loc: Location) -> GeoPoint:
    assert isinstance(loc, GeoPoint)
    return loc


@cache
def problem(engineers: int, jobs: int, seed: int = 0, region: str = "shanghai") -> Problem:
    return problem_from_json(generated(engineers, jobs, seed, region))


# ------------------------------------------------------------ contract ----


@pytest.mark.parametrize(
    ("engineers", "jobs", "depots"),
    [
        (3, 10, 1),  # a dozen engineers per depot, at least one: round(3/12) = 0 -> 1
        (10, 45, 1),  # round(10/12) = 1
        (30, 130, 3),  # round(2.5) = 3 (halves round up)
        (100, 450, 8),  # round(8.33) = 8
        (200, 1000, 8),  # round(16.7) = 17, capped at 8
    ],
)
def test_every_size_passes_the_contract_reader(engineers: int, jobs: int, depots: int) -> None:
    data = generated(engineers, jobs)
    p = problem_from_json(data)
    assert (len(p.engineers), len(p.jobs), len(p.depots)) == (engineers, jobs, depots)
    assert default_depots(engineers) == depots
    assert data["schema"] == "fieldplan.dispatch.problem/1"
    # Plain JSON types only: a JSON round trip gives the same dict back.
    assert json.loads(json.dumps(data)) == generate_dispatch(engineers, jobs)


@pytest.mark.parametrize(("engineers", "jobs"), SIZES)
def test_ids_are_unique_and_follow_the_naming(engineers: int, jobs: int) -> None:
    data = generated(engineers, jobs)
    e_ids = [e["id"] for e in data["engineers"]]
    j_ids = [j["id"] for j in data["jobs"]]
    d_ids = [d["id"] for d in data["depots"]]
    assert e_ids == [f"E{i:03d}" for i in range(1, engineers + 1)]
    assert j_ids == [f"J{i:04d}" for i in range(1, jobs + 1)]
    assert len(set(d_ids)) == len(d_ids)
    assert d_ids[0] == "D-SH"  # the central warehouse is in the main city
    codes = {c.code for c in REGIONS["shanghai"].cities}
    assert all(d.startswith("D-") and d[2:] in codes for d in d_ids)


def test_objective_and_options_are_the_contract_example() -> None:
    data = generate_dispatch(3, 10, seed=7, time_limit_s=12.5)
    assert data["objective"] == {
        "unassigned_penalty": {"1": 100000, "2": 20000, "3": 5000},
        "late_penalty_per_min": {"1": 1000, "2": 100, "3": 10},
        "overtime_cost_per_min": 5,
        "travel_cost_per_km": 1,
        "working_cost_per_min": 0,
    }
    assert data["options"] == {"time_limit_s": 12.5, "seed": 7}
    assert data["travel"] == {"kind": "great_circle", "speed_kmh": 35.0, "circuity": 1.3}
    p = problem_from_json(data)
    assert (p.options.time_limit_s, p.options.seed) == (12.5, 7)


# ------------------------------------------------------------ determinism --


def test_same_seed_gives_the_identical_problem() -> None:
    assert generate_dispatch(30, 130, seed=5) == generate_dispatch(30, 130, seed=5)
    a = json.dumps(generate_dispatch(10, 45, seed=5, region="rhine-ruhr"))
    b = json.dumps(generate_dispatch(10, 45, seed=5, region="rhine-ruhr"))
    assert a == b


def test_different_seeds_give_different_engineers_and_jobs() -> None:
    a, b = generated(30, 130, seed=0), generated(30, 130, seed=1)
    assert a["engineers"] != b["engineers"]
    assert a["jobs"] != b["jobs"]
    sites_a = {(j["site"]["lat"], j["site"]["lon"]) for j in a["jobs"]}
    sites_b = {(j["site"]["lat"], j["site"]["lon"]) for j in b["jobs"]}
    assert not sites_a & sites_b  # continuous draws: no site in common


def test_more_jobs_keep_the_same_engineers() -> None:
    # Engineers, jobs and depots draw from separate streams, so what-ifs on the
    # job count compare like with like.
    assert generated(30, 130)["engineers"] == generated(30, 100)["engineers"]


# ------------------------------------------------------------------ jobs --


@pytest.mark.parametrize(
    ("jobs", "expected"),
    [
        # 450 x (.15, .42, .30, .10, .03) = 67.5, 189, 135, 45, 13.5; the spare unit
        # goes to the first tied remainder (emergency).
        (450, dict(emergency=68, normal=189, preventive=135, installation=45, follow_up=13)),
        # 1000 x the mix is whole.
        (1000, dict(emergency=150, normal=420, preventive=300, installation=100, follow_up=30)),
        # 10 x the mix = 1.5, 4.2, 3, 1, 0.3: floors 1, 4, 3, 1, 0 and one spare for emergency.
        (10, dict(emergency=2, normal=4, preventive=3, installation=1)),
    ],
)
def test_kind_mix_is_as_intended(jobs: int, expected: dict[str, int]) -> None:
    engineers = {450: 100, 1000: 200, 10: 3}[jobs]
    data = generated(engineers, jobs)
    assert Counter(j["kind"] for j in data["jobs"]) == expected
    assert {k for k, _ in KIND_MIX} <= {k.value for k in JobKind}


def test_priority_follows_the_fault_level() -> None:
    by_kind: dict[str, set[int]] = {}
    for j in generated(200, 1000)["jobs"]:
        by_kind.setdefault(j["kind"], set()).add(j["priority"])
    assert by_kind == {
        "emergency": {1},
        "normal": {2},
        "preventive": {3},
        "installation": {2, 3},
        "follow_up": {2},
    }


@pytest.mark.parametrize(("engineers", "jobs"), SIZES)
def test_every_emergency_has_a_deadline_within_the_day(engineers: int, jobs: int) -> None:
    p = problem(engineers, jobs)
    emergencies = [j for j in p.jobs if j.kind == "emergency"]
    assert emergencies
    city = 0
    for j in emergencies:
        assert j.sla_deadline is not None
        assert p.horizon.start < j.sla_deadline <= p.horizon.end
        # The response clock starts when the fault is reported and the site is open:
        # 4 h in a city, 8 h at a remote site.
        assert j.sla_deadline - j.windows[0].start in (240.0, 480.0)
        city += j.sla_deadline - j.windows[0].start == 240.0
    if len(emergencies) >= 50:  # enough to tell the share: 88 % of sites are in a city
        assert 0.7 <= city / len(emergencies) <= 0.98


def test_deadlines_never_fall_before_the_site_opens() -> None:
    p = problem(200, 1000)
    for j in p.jobs:
        if j.sla_deadline is not None:
            assert j.sla_deadline >= j.windows[0].start + 15
    kinds_with_deadline = Counter(j.kind for j in p.jobs if j.sla_deadline is not None)
    kinds = Counter(j.kind for j in p.jobs)
    assert kinds_with_deadline["emergency"] == kinds["emergency"] == 150
    assert kinds_with_deadline["normal"] == kinds["normal"] == 420
    assert 0.35 <= kinds_with_deadline["preventive"] / 300 <= 0.65  # half have a PM window end
    # Normal jobs due the next working day (Wednesday 18:00, 42 h after the horizon start).
    assert sum(j.sla_deadline == 42 * 60 for j in p.jobs if j.kind == "normal") > 100


def test_durations_and_windows_look_like_service_work() -> None:
    p = problem(200, 1000)
    durations = np.array([j.duration_min for j in p.jobs])
    assert durations.min() >= 30 and durations.max() <= 240
    assert np.all(durations % 5 == 0)
    # mix-weighted mean of the duration tables: about 68 min
    assert 60 <= durations.mean() <= 78
    installs = [j.duration_min for j in p.jobs if j.kind == "installation"]
    assert np.mean(installs) > 1.5 * np.mean([j.duration_min for j in p.jobs if j.kind == "normal"])
    n_windows = Counter(len(j.windows) for j in p.jobs)
    assert set(n_windows) == {1, 2}
    assert 0.02 <= n_windows[2] / 1000 <= 0.15  # sites closed over lunch
    slots = sum(
        len(j.windows) == 1 and j.windows[0].end == j.windows[0].start + 120 for j in p.jobs
    )
    assert 0.03 <= slots / 1000 <= 0.2  # 2 h appointment slots
    for j in p.jobs:
        for w in j.windows:
            assert p.horizon.start <= w.start <= w.end <= p.horizon.end


@pytest.mark.parametrize(("engineers", "jobs"), SIZES[1:])
def test_a_working_day_is_busy_but_feasible(engineers: int, jobs: int) -> None:
    p = problem(engineers, jobs)
    work = sum(j.duration_min for j in p.jobs)
    available = sum(
        e.shift.end - e.shift.start - sum(b.duration_min for b in e.breaks) for e in p.engineers
    )
    # 4-5 jobs of ~68 min each per engineer against ~510 working minutes leaves
    # room for travel between them: busy, but a good plan serves nearly all.
    assert 0.5 <= work / available <= 0.7


# ---------------------------------------------------------------- skills --


@pytest.mark.parametrize(("engineers", "jobs"), SIZES)
def test_nearly_every_job_has_a_qualified_engineer(engineers: int, jobs: int) -> None:
    p = problem(engineers, jobs)
    skilled = [any(not skill_shortfall(e, j) for e in p.engineers) for j in p.jobs]
    permitted = [any(is_permitted(e, j) for e in p.engineers) for j in p.jobs]
    assert sum(skilled) == jobs  # levels are capped at what the team holds
    assert sum(permitted) >= 0.95 * jobs
    for j in p.jobs:
        assert len(j.skills) == 1
        ((line, level),) = j.skills.items()
        assert line in {pl.name for pl in PRODUCT_LINES} and 1 <= level <= 3


def test_engineer_skills_are_skewed_to_junior_levels() -> None:
    p = problem(200, 1000)
    levels = Counter(level for e in p.engineers for level in e.skills.values())
    assert levels[1] > levels[2] > levels[3] > 0
    assert all(1 <= len(e.skills) <= 3 for e in p.engineers)
    job_levels = Counter(level for j in p.jobs for level in j.skills.values())
    assert job_levels[1] > job_levels[2] > job_levels[3] > 0


@pytest.mark.parametrize(("engineers", "jobs"), [(30, 130), (100, 450), (200, 1000)])
def test_some_jobs_need_a_scarce_expert_from_far_away(engineers: int, jobs: int) -> None:
    p = problem(engineers, jobs)
    far = 0
    for j in p.jobs:
        holders = [e for e in p.engineers if not skill_shortfall(e, j)]
        if len(holders) > 2:
            continue
        site = geo(j.site)
        km = [
            km_between(site.lat, site.lon, geo(e.start).lat, geo(e.start).lon)
            for e in holders
        ]
        far += min(km) > 25.0
    assert far >= 1


def test_customer_wishes_name_qualified_engineers() -> None:
    p = problem(200, 1000)
    by_id = {e.id: e for e in p.engineers}
    pinned = [j for j in p.jobs if j.pinned_engineer is not None]
    excluded = [j for j in p.jobs if j.excluded_engineers]
    preferred = [j for j in p.jobs if j.preferred_engineers]
    assert len(pinned) == 10  # 1 % of 1000
    assert len(excluded) == 20  # 2 %
    assert len(preferred) >= 30 + 20  # every follow-up, plus ~3 % others
    for j in pinned:
        assert j.kind != "emergency"
        assert not skill_shortfall(by_id[str(j.pinned_engineer)], j)
    for j in excluded:
        # Excluding never removes the last qualified engineer.
        assert sum(is_permitted(e, j) for e in p.engineers) >= 1
    for j in preferred:
        assert all(not skill_shortfall(by_id[e], j) for e in j.preferred_engineers)
        assert not set(j.preferred_engineers) & j.excluded_engineers
    assert all(j.preferred_engineers for j in p.jobs if j.kind == "follow_up")


# ---------------------------------------------------- parts, tools, depots --


@pytest.mark.parametrize(("engineers", "jobs"), SIZES)
def test_every_part_a_job_needs_is_held_somewhere(engineers: int, jobs: int) -> None:
    p = problem(engineers, jobs)
    held = Counter[str]()
    for d in p.depots:
        held.update(d.stock)
    for e in p.engineers:
        held.update(e.van_stock)
    needed = Counter[str]()
    for j in p.jobs:
        needed.update(j.parts)
    assert set(held) <= set(PARTS_BY_ID)
    for part in needed:
        assert held[part] >= 1, part
    # Overall there is about enough: at least 90 % of today's demand per part.
    for part, units in needed.items():
        assert held[part] >= 0.9 * units


def test_parts_have_skewed_popularity_and_placement() -> None:
    p = problem(200, 1000)
    repairs = [j for j in p.jobs if j.kind in ("emergency", "normal")]
    share = sum(bool(j.parts) for j in repairs) / len(repairs)
    assert 0.33 <= share <= 0.47  # 40 % of repairs need a part
    assert all(len(j.parts) == 1 for j in p.jobs if j.kind == "follow_up")
    assert not any(j.parts for j in p.jobs if j.kind in ("preventive", "installation"))
    demand = Counter[str]()
    for j in p.jobs:
        demand.update(j.parts)
    common = sum(n for part, n in demand.items() if PARTS_BY_ID[part].tier == "common")
    rare = sum(n for part, n in demand.items() if PARTS_BY_ID[part].tier == "rare")
    assert common > 2 * rare
    for part in PARTS:
        depots_with = sum(part.id in d.stock for d in p.depots)
        if part.tier == "rare":
            assert 1 <= depots_with <= 2  # central warehouse and at most one regional
        if part.tier == "common":
            assert depots_with == 8
    assert all(PARTS_BY_ID[part].tier == "common" for e in p.engineers for part in e.van_stock)
    assert all(1 <= n <= 3 for e in p.engineers for n in e.van_stock.values())
    # Thin stock somewhere, so engineers compete for the last units.
    assert sum(n <= 1 for d in p.depots for n in d.stock.values()) >= 10


def test_tools_are_carried_by_some_and_lent_by_depots() -> None:
    p = problem(200, 1000)
    needed = {t for j in p.jobs for t in j.tools}
    assert needed == set(TOOLS)
    assert set(p.depots[0].tools) == set(TOOLS)  # the central warehouse lends every tool
    carried = Counter(t for e in p.engineers for t in e.tools)
    assert set(carried) == set(TOOLS) and max(carried.values()) < 200
    assert 0.03 <= sum(bool(j.tools) for j in p.jobs) / 1000 <= 0.2


def test_depots_and_shifts_keep_office_hours() -> None:
    p = problem(100, 450)
    for d in p.depots:
        assert (d.hours.start, d.hours.end) == (480.0, 1080.0)  # 08:00-18:00
        assert d.pickup_min in (10.0, 15.0)
    shifts = Counter((e.shift.start, e.shift.end) for e in p.engineers)
    assert set(shifts) <= {(480.0, 1020.0), (450.0, 990.0), (540.0, 1080.0)}
    assert shifts[(480.0, 1020.0)] >= 50  # most work 08:00-17:00
    for e in p.engineers:
        assert e.max_overtime_min in (0.0, 30.0, 60.0, 90.0)
        assert len(e.breaks) == 1
        (b,) = e.breaks
        assert (b.earliest, b.latest) == (690.0, 810.0) and b.duration_min in (30.0, 45.0)
        assert e.capacity == 0 and e.start == e.end


# ----------------------------------------------------------- geography ----


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_location_is_on_land_inside_the_region(region: str) -> None:
    data = generated(100, 450, region=region)
    points = [e["start"] for e in data["engineers"]]
    points += [j["site"] for j in data["jobs"]]
    points += [d["location"] for d in data["depots"]]
    lat = np.array([q["lat"] for q in points])
    lon = np.array([q["lon"] for q in points])
    lat_min, lat_max, lon_min, lon_max = REGIONS[region].bbox
    assert lat.min() >= lat_min and lat.max() <= lat_max
    assert lon.min() >= lon_min and lon.max() <= lon_max
    assert REGIONS[region].on_land(lat, lon).all()
    assert len(problem_from_json(data).jobs) == 450


def test_sites_cluster_around_the_engineers() -> None:
    p = problem(100, 450)
    e_lat = np.array([geo(e.start).lat for e in p.engineers])
    e_lon = np.array([geo(e.start).lon for e in p.engineers])
    j_lat = np.array([geo(j.site).lat for j in p.jobs])[:, None]
    j_lon = np.array([geo(j.site).lon for j in p.jobs])[:, None]
    nearest = haversine_km(j_lat, j_lon, e_lat[None, :], e_lon[None, :]).min(axis=1)
    assert np.median(nearest) < 8.0  # a city service area, not a random scatter
    assert np.quantile(nearest, 0.9) < 35.0
    assert nearest.max() > 10.0  # yet some sites are remote


def test_bigger_cities_get_more_engineers() -> None:
    region = REGIONS["shanghai"]
    data = generated(100, 450)
    homes = [(e["start"]["lat"], e["start"]["lon"]) for e in data["engineers"]]
    near = Counter(
        min(region.cities, key=lambda c: km_between(lat, lon, c.lat, c.lon)).code
        for lat, lon in homes
    )
    assert near["SH"] > near["SZ"] > near["ZJ"] >= 1
    assert data["meta"]["cities"][0] == "Shanghai" and len(data["meta"]["cities"]) == 12


def test_a_small_team_covers_only_the_main_city() -> None:
    data = generated(3, 10)
    assert data["meta"]["cities"] == ["Shanghai"]
    sh = REGIONS["shanghai"].city("SH")
    for e in data["engineers"]:
        assert km_between(e["start"]["lat"], e["start"]["lon"], sh.lat, sh.lon) < 40.0


@pytest.mark.parametrize(
    ("region", "date", "offset"),
    [
        ("shanghai", "2026-11-24", "+08:00"),  # China Standard Time all year
        ("shanghai", "2026-07-01", "+08:00"),
        ("rhine-ruhr", "2026-11-24", "+01:00"),  # CET
        ("rhine-ruhr", "2026-07-01", "+02:00"),  # CEST
        ("rhine-ruhr", "2026-03-29", "+01:00"),  # switch day: midnight is still CET
        ("rhine-ruhr", "2026-03-30", "+02:00"),
        ("rhine-ruhr", "2026-10-25", "+02:00"),  # switch back at 03:00 that night
        ("rhine-ruhr", "2026-10-26", "+01:00"),
        ("dfw", "2026-11-24", "-06:00"),  # CST
        ("dfw", "2026-11-01", "-05:00"),  # first Sunday of November: midnight still CDT
        ("dfw", "2026-07-01", "-05:00"),
    ],
)
def test_times_carry_the_region_utc_offset(region: str, date: str, offset: str) -> None:
    data = generate_dispatch(3, 10, region=region, date=date)
    assert data["horizon"] == {"start": f"{date}T00:00:00{offset}", "end": data["horizon"]["end"]}
    start = parse_iso(data["horizon"]["start"], "start")
    end = parse_iso(data["horizon"]["end"], "end")
    assert end - start == timedelta(hours=24)
    stamps = [data["engineers"][0]["shift"]["start"], data["jobs"][0]["windows"][0]["end"]]
    assert all(s.endswith(offset) for s in stamps)
    problem_from_json(data)


# ------------------------------------------------------------- interface --


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engineers": 0, "jobs": 5}, r"engineers: must be an integer >= 1"),
        ({"engineers": 3, "jobs": -1}, r"jobs: must be an integer >= 0"),
        ({"engineers": 3, "jobs": 5, "seed": -1}, r"seed: must be an integer >= 0"),
        ({"engineers": 3, "jobs": 5, "region": "atlantis"}, r"region: unknown 'atlantis'"),
        ({"engineers": 3, "jobs": 5, "date": "24.11.2026"}, r"date: '24.11.2026' is not an ISO"),
        ({"engineers": 3, "jobs": 5, "depots": 13}, r"has 12 cities, cannot hold 13 depots"),
        ({"engineers": 3, "jobs": 5, "depots": 0}, r"depots: must be an integer >= 1"),
        ({"engineers": 3, "jobs": 5, "time_limit_s": 0}, r"time_limit_s: must be > 0"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_dispatch(**kwargs)


def test_no_jobs_and_explicit_depots() -> None:
    data = generate_dispatch(5, 0, depots=4)
    p = problem_from_json(data)
    assert (len(p.engineers), len(p.jobs)) == (5, 0)
    assert [d.id for d in p.depots] == ["D-SH", "D-SZ", "D-HZ", "D-WX"]  # main city, then by size


def test_write_dispatch_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    write_dispatch(path, engineers=10, jobs=45, seed=3, region="rhine-ruhr")
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\n  " in text  # indented
    assert "Köln" in text  # names kept readable
    assert json.loads(text) == generate_dispatch(10, 45, 3, region="rhine-ruhr")
    assert len(load_problem(path).jobs) == 45


def test_appointments_book_every_job_but_emergencies_into_a_slot_of_its_own_windows() -> None:
    base = generate_dispatch(20, 90, seed=4)
    booked_day = generate_dispatch(20, 90, seed=4, windows="appointments")
    assert booked_day["engineers"] == base["engineers"]
    booked = 0
    for before, after in zip(base["jobs"], booked_day["jobs"], strict=True):
        same = ("windows", "sla_deadline")
        assert {k: v for k, v in after.items() if k not in same} == {
            k: v for k, v in before.items() if k not in same
        }
        if after["kind"] == "emergency" or after["windows"] == before["windows"]:
            assert after["sla_deadline"] == before["sla_deadline"]
            continue
        booked += 1
        (slot,) = after["windows"]
        start, end = (datetime.fromisoformat(slot[k]) for k in ("start", "end"))
        assert timedelta(minutes=30) <= end - start <= timedelta(hours=2)
        assert any(  # inside one of the customer's own windows
            datetime.fromisoformat(w["start"]) <= start and end <= datetime.fromisoformat(w["end"])
            for w in before["windows"]
        )
        if after["sla_deadline"] is not None:  # the agreed slot keeps the commitment
            assert datetime.fromisoformat(after["sla_deadline"]) >= end
    assert booked >= 0.8 * sum(1 for j in booked_day["jobs"] if j["kind"] != "emergency")


def test_a_day_from_one_office_puts_everyone_at_its_warehouse_in_one_city() -> None:
    day = generate_dispatch(30, 120, seed=4, start="office", windows="appointments")
    (office,) = day["depots"]
    home = office["location"]
    assert all(e["start"] == home and e["end"] == home for e in day["engineers"])
    assert day["meta"]["cities"] == [REGIONS["shanghai"].cities[0].name]
    far = max(km_between(home["lat"], home["lon"], j["site"]["lat"], j["site"]["lon"]) for j in day["jobs"])
    assert far < 60  # the office's own metropolitan area
    problem = problem_from_json(day)
    plan = solve(problem, SolveOptions(time_limit_s=20, solution_limit=5))
    assert check(problem, plan) == []
    assert plan.kpis.assigned >= 0.8 * len(problem.jobs)


@pytest.mark.parametrize(("field", "value"), [("start", "van"), ("windows", "tight")])
def test_unknown_day_variants_are_refused_naming_the_field(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}: must be one of"):
        generate_dispatch(2, 5, **{field: value})
