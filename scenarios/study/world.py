"""The organisation a study simulates: sites with installed equipment, engineers, depots, parts.

Sites, engineers and depots come from the dispatch generator on real city
coordinates (:func:`scenarios.generator.day.generate_dispatch`); each site gets an
installed base of one product line under a gold, silver or bronze contract.
Faults arrive from per-part failure rates of that equipment, so the jobs the
dispatcher sees and the parts the stock planner must hold follow from the same
rates. The sites and fault stream come from the baseline's settings and the
seed alone, so every variant of a study meets the same faults. The installed
units are serviced on a maintenance cycle (:class:`Unit`), last visited on days
spread evenly before the study, so that their tolerance bands open at a steady
rate from the first day on.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np

from scenarios.generator.catalogue import PARTS, PRODUCT_LINES
from scenarios.generator.cities import REGIONS, City, km_between
from scenarios.generator.day import generate_dispatch
from scenarios.study.scenario_file import TIERS, StudyError, study_additions

#: Share of the daily jobs that are repairs (faults), the rest planned visits.
REPAIR_SHARE = 0.57
#: Working days a week: preventive visits due on any day are done on these.
WORKING_DAYS = 5
#: Of the repairs, the share reported as emergencies.
EMERGENCY_SHARE = 0.15 / 0.57
#: Of the planned visits, the share of installations (the rest preventive maintenance).
INSTALLATION_SHARE = 0.25
#: Share of faults that need a spare part to fix.
PART_SHARE = 0.7
#: Working days a planned visit may wait before it is overdue.
PLANNED_WINDOW_DAYS = 10
#: Unit cost by stocking tier (a range, drawn once per part).
COST_RANGE = {"common": (30.0, 90.0), "medium": (200.0, 700.0), "rare": (1500.0, 6000.0)}
#: Units of each part a van carries under each policy.
VAN_UNITS = {"common": 1, "all": 2}


@dataclass
class Site:
    id: str
    lat: float
    lon: float
    line: str
    tier: str
    depot: str  # the nearest depot: where its parts are stocked
    #: whether the baseline team has an expert (level 2 or more) of the site's line in its
    #: city: only then do the harder faults there ask for one
    expert: bool = True
    #: whether the line's special tool is at hand in the site's city (an engineer of the
    #: line carries it, or the site's depot lends it): only then do faults there need it
    tool: bool = True


@dataclass
class Unit:
    """An installed unit serviced every ``cycle_days`` days (+/- ``tolerance_days``)."""

    id: str
    site: int  # index into World.sites
    cycle_days: int
    tolerance_days: int
    last_visit: int  # simulation day of the last visit (negative: before the study)
    duration: int

    @property
    def due(self) -> int:
        return self.last_visit + self.cycle_days


@dataclass
class EngineerSpec:
    id: str
    city: str
    lat: float
    lon: float
    shift: tuple[int, int]  # minutes after local midnight
    max_overtime_min: int
    break_min: int
    skills: dict[str, int]
    tools: list[str]
    van_target: dict[str, int] = field(default_factory=dict)
    depot: str = ""  # where the van is refilled each evening


@dataclass
class DepotSpec:
    id: str
    lat: float
    lon: float
    opens: int
    closes: int
    pickup_min: int
    tools: list[str]


@dataclass
class World:
    region: str
    start: date
    utc_offset_min: int
    speed_kmh: float
    sites: list[Site]
    engineers: list[EngineerSpec]
    depots: list[DepotSpec]
    unit_cost: dict[str, float]
    #: faults per day of each part at each site: rates[site index][part]
    fault_rates: list[dict[str, float]]
    planned_per_day: float  # installations a working day
    settings: dict[str, Any]
    units: list[Unit] = field(default_factory=list)
    #: each site's share of the work (faults, installed units, installations)
    site_share: list[float] = field(default_factory=list)

    def tz(self) -> timezone:
        return timezone(timedelta(minutes=self.utc_offset_min))

    def iso(self, minutes: float) -> str:
        """Minutes since the first day's local midnight as an ISO time."""
        moment = datetime.combine(self.start, datetime.min.time(), tzinfo=self.tz()) + timedelta(
            minutes=float(minutes)
        )
        return moment.isoformat()

    def minutes(self, moment: datetime) -> float:
        """The inverse of :meth:`iso`: minutes since the first day's local midnight."""
        origin = datetime.fromisoformat(self.iso(0))
        return (moment - origin).total_seconds() / 60.0


def _depots_from(data: dict[str, Any]) -> list[DepotSpec]:
    def minute(text: str) -> int:
        t = datetime.fromisoformat(text)
        return t.hour * 60 + t.minute

    return [
        DepotSpec(
            d["id"],
            d["location"]["lat"],
            d["location"]["lon"],
            minute(d["hours"]["start"]),
            minute(d["hours"]["end"]),
            int(d.get("pickup_min", 15)),
            list(d.get("tools", [])),
        )
        for d in data["depots"]
    ]


def _engineers_from(data: dict[str, Any], cities: dict[str, City]) -> list[EngineerSpec]:
    out = []
    for e in data["engineers"]:
        start, end = (
            datetime.fromisoformat(e["shift"]["start"]),
            datetime.fromisoformat(e["shift"]["end"]),
        )
        lat, lon = e["start"]["lat"], e["start"]["lon"]
        city = _city_of(cities.values(), lat, lon)
        out.append(
            EngineerSpec(
                e["id"],
                city,
                lat,
                lon,
                (start.hour * 60 + start.minute, end.hour * 60 + end.minute),
                int(e["max_overtime_min"]),
                int(e["breaks"][0]["duration_min"]) if e["breaks"] else 0,
                dict(e["skills"]),
                list(e.get("tools", [])),
            )
        )
    return out


def build_world(
    baseline: dict[str, Any],
    settings: dict[str, Any],
    operations: dict[str, Any],
    seed: int,
    path: str = "variant",
) -> World:
    """The world of one variant: the baseline's sites and faults, the variant's team and depots."""
    region = REGIONS[settings["region"]]
    start = date.fromisoformat(str(settings["start_date"]))
    pool = max(60, int(2.5 * baseline["jobs_per_day"]))
    base_data = generate_dispatch(
        baseline["engineers"],
        pool,
        seed,
        region=baseline["region"],
        date=start.isoformat(),
        depots=baseline["depots"],
    )
    team_data = base_data
    if settings["engineers"] != baseline["engineers"] or settings["depots"] != baseline["depots"]:
        team_data = generate_dispatch(
            settings["engineers"],
            pool,
            seed,
            region=settings["region"],
            date=start.isoformat(),
            depots=settings["depots"],
        )
    rng = np.random.default_rng([seed, 7])
    depots = _depots_from(team_data)
    closed = set(operations.get("close_depots", []))
    for i, d in enumerate(operations.get("close_depots", [])):
        if d not in {x.id for x in depots}:
            raise StudyError(
                f"{path}.close_depots[{i}]",
                f"no depot '{d}'; the region's depots are {', '.join(x.id for x in depots)}",
            )
    depots = [d for d in depots if d.id not in closed]
    if not depots:
        raise StudyError(f"{path}.close_depots", "leaves no depot")
    cities = {c.name: c for c in region.cities}
    engineers = _engineers_from(team_data, cities)
    team = {e.id: e for e in engineers}  # whom ``add_engineers`` may copy: the team as it was
    if "remove_engineers" in operations:
        engineers = engineers[: len(engineers) - int(operations["remove_engineers"])]
    additions = study_additions(operations.get("add_engineers", []), settings["region"], team, path)
    for add in additions:
        if add.like is not None:
            model = team[add.like]
            engineers += _hire(rng, engineers, cities[model.city], add.count, [model])
        else:
            engineers += _hire(rng, engineers, cities[str(add.city)], add.count)
    if "train" in operations:
        _train(engineers, operations["train"])
    # sites: the baseline's pool, each with one product line and a contract tier
    shares = np.array([baseline["tiers"][t] for t in TIERS], dtype=float)
    site_rng = np.random.default_rng([seed, 11])
    sites = []
    for k, job in enumerate(base_data["jobs"]):
        line = next(iter(job["skills"]), PRODUCT_LINES[0].name)
        tier = TIERS[int(site_rng.choice(len(TIERS), p=shares / shares.sum()))]
        lat, lon = job["site"]["lat"], job["site"]["lon"]
        nearest = min(depots, key=lambda d: km_between(lat, lon, d.lat, d.lon)).id
        sites.append(Site(f"S{k + 1:04d}", lat, lon, line, tier, nearest))
    # faults: a week's faults are jobs_per_day x REPAIR_SHARE per working day on average
    # (they arrive on all seven days and wait for the five working ones), each product
    # line's share of them its share of the baseline team's skilled hours (an organisation
    # staffed for its installed base), and a site's parts fail in proportion to their
    # popularity
    baseline_team = _engineers_from(base_data, cities)
    site_cities = [_city_of(cities.values(), s.lat, s.lon) for s in sites]
    share = site_shares(sites, site_cities, baseline_team)
    experts = {(e.city, line) for e in baseline_team for line, lvl in e.skills.items() if lvl >= 2}
    carried = {(e.city, line, tool) for e in baseline_team for line in e.skills for tool in e.tools}
    base_depots = _depots_from(base_data)  # the baseline's: every variant meets the same faults
    lent = {(d.id, tool) for d in base_depots for tool in d.tools}
    line_tool = {p.name: p.tool for p in PRODUCT_LINES}
    for s, city in zip(sites, site_cities, strict=True):
        s.expert = (city, s.line) in experts
        tool = line_tool.get(s.line)
        depot = min(base_depots, key=lambda d: km_between(s.lat, s.lon, d.lat, d.lon)).id
        s.tool = tool is not None and ((city, s.line, tool) in carried or (depot, tool) in lent)
    faults = settings["jobs_per_day"] * REPAIR_SHARE * WORKING_DAYS / 7
    rates = []
    for s, site_share in zip(sites, share, strict=True):
        parts = {p.id: p.popularity for p in PARTS if p.line == s.line}
        total = sum(parts.values())
        rates.append({p: faults * site_share * w / total for p, w in parts.items()})
    cost_rng = np.random.default_rng([seed, 13])
    unit_cost = {p.id: round(float(cost_rng.uniform(*COST_RANGE[p.tier])), 2) for p in PARTS}
    world = World(
        region=settings["region"],
        start=start,
        utc_offset_min=region.utc_offset_min(start),
        speed_kmh=region.speed_kmh,
        sites=sites,
        engineers=engineers,
        depots=depots,
        unit_cost=unit_cost,
        fault_rates=rates,
        planned_per_day=settings["jobs_per_day"] * (1 - REPAIR_SHARE) * INSTALLATION_SHARE,
        settings=copy.deepcopy(settings),
        units=installed_units(share, settings, seed),
        site_share=share,
    )
    for e in engineers:
        e.depot = min(depots, key=lambda d: km_between(e.lat, e.lon, d.lat, d.lon)).id
        e.van_target = van_target(e, settings["van_stock"])
    return world


def _city_of(cities: Iterable[City], lat: float, lon: float) -> str:
    """The name of the city nearest to the point."""
    return min(cities, key=lambda c: km_between(lat, lon, c.lat, c.lon)).name


def site_shares(sites: list[Site], site_cities: list[str], team: list[EngineerSpec]) -> list[float]:
    """Each site's share of the work: the share of the team's skilled hours for its product
    line in its city (an engineer's hours split evenly over their lines), split evenly over
    the sites of that line and city. Sites of a line nobody in their city holds get none:
    the organisation does not contract what it cannot reach."""

    hours: dict[tuple[str, str], float] = defaultdict(float)
    for e in team:
        for line in e.skills:
            hours[(e.city, line)] += 1.0 / len(e.skills)
    keys = [(city, s.line) for s, city in zip(sites, site_cities, strict=True)]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for key in keys:
        counts[key] += 1
    weight = {key: hours[key] for key in counts}
    total = sum(weight.values())
    if total <= 0:
        return [1.0 / len(sites)] * len(sites)
    return [weight[key] / total / counts[key] for key in keys]


def installed_units(share: list[float], settings: dict[str, Any], seed: int) -> list[Unit]:
    """The units under maintenance contracts, at sites drawn by their share of the work.

    Unless ``maintenance.units_per_site`` says, there are as many as make the
    preventive share of ``jobs_per_day`` fall due: a unit is due once per cycle,
    and the visits due on all seven days are done on the working days.
    """
    pm = settings["maintenance"]
    cycle, tolerance = int(pm["cycle_days"]), int(pm["tolerance_days"])
    if pm["units_per_site"] is None:
        per_working_day = settings["jobs_per_day"] * (1 - REPAIR_SHARE) * (1 - INSTALLATION_SHARE)
        count = round(per_working_day * WORKING_DAYS / 7 * cycle)
    else:
        count = round(float(pm["units_per_site"]) * len(share))
    rng = np.random.default_rng([seed, 19])
    at = rng.choice(len(share), size=count, p=np.array(share) / sum(share))
    # the last visits spread so that the bands open evenly from the first day on
    last = rng.integers(-(cycle - tolerance), 0, size=count)
    durations = rng.choice([45, 60, 90, 120], size=count)
    return [
        Unit(f"U{k + 1:05d}", int(at[k]), cycle, tolerance, int(last[k]), int(durations[k]))
        for k in range(count)
    ]


def van_target(e: EngineerSpec, policy: str) -> dict[str, int]:
    """What the van is refilled to each evening: parts of the lines the engineer serves."""
    if policy == "none":
        return {}
    return {
        p.id: VAN_UNITS[policy]
        for p in PARTS
        if p.line in e.skills and (policy == "all" or p.tier == "common")
    }


def _hire(
    rng: np.random.Generator,
    crew: list[EngineerSpec],
    city: City,
    count: int,
    models: list[EngineerSpec] | None = None,
) -> list[EngineerSpec]:
    """New engineers living near ``city``, skilled (shift, skills, tools) like ``models``, or
    else like the colleagues living there (or the team's first): new ids, their own homes."""
    like = models or [e for e in crew if e.city == city.name] or crew
    width = max(3, len(str(len(crew) + count)))
    taken = {e.id for e in crew}
    out = []
    n = len(crew)
    for k in range(count):
        model = like[k % len(like)]
        n += 1
        ident = f"E{n:0{width}d}"
        while ident in taken:
            n += 1
            ident = f"E{n:0{width}d}"
        taken.add(ident)
        bearing, dist = rng.uniform(0, 2 * math.pi), rng.uniform(2.0, city.spread_km)
        lat = city.lat + dist * math.cos(bearing) / 111.2
        lon = city.lon + dist * math.sin(bearing) / (111.2 * math.cos(math.radians(city.lat)))
        out.append(
            EngineerSpec(
                ident,
                city.name,
                lat,
                lon,
                model.shift,
                model.max_overtime_min,
                model.break_min,
                dict(model.skills),
                list(model.tools),
            )
        )
    return out


def _train(crew: list[EngineerSpec], train: dict[str, Any]) -> None:
    """Raise ``engineers`` engineers (those closest to it first) to ``level`` in ``skill``."""
    skill, level, count = train["skill"], int(train.get("level", 2)), int(train["engineers"])
    ranked = sorted(
        (e for e in crew if e.skills.get(skill, 0) < level),
        key=lambda e: (-e.skills.get(skill, 0), e.id),
    )
    for e in ranked[:count]:
        e.skills[skill] = level
