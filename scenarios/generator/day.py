"""Seeded, realistic dispatch problems for demos, tests and benchmarks.

A generated day looks like an after-sales organisation's morning board: sites
clustered around real cities (more in bigger ones), a few remote sites along
the roads between them, engineers living near the cities they serve, a job mix
by fault level with SLA deadlines as service contracts promise them, skills
skewed towards junior levels with scarce level-3 experts, parts of skewed
popularity (common ones in vans, rare ones in one or two depots) and depot
stock sized so that engineers sometimes compete for the last unit.

Everything comes from one ``numpy.random.default_rng(seed)``, split into
independent streams for engineers, jobs and depots: the same arguments give
the same problem on every machine, and changing only the number of jobs keeps
the same engineers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatch.io.contract import (
    break_dict,
    default_objective,
    depot_dict,
    engineer_dict,
    geo,
    job_dict,
    period,
)
from dispatch.io.problem_json import PROBLEM_SCHEMA
from dispatch.travel.providers import haversine_km
from scenarios.generator.catalogue import (
    DURATIONS,
    EMERGENCY_SLA_MIN,
    HOURS_MIX,
    JOB_LEVELS,
    KIND_MIX,
    PART_SHARE,
    PARTS,
    PRODUCT_LINES,
    REMOTE_SHARE,
    SHIFTS,
    SITE_HOURS,
    TOOLS,
    ProductLine,
)
from scenarios.generator.cities import REGIONS, City, Region, km_between
from scenarios.generator.places import countryside, offset_km, on_land, scatter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

#: Job fields a generated day writes even when empty (as null), so that it shows them all.
SPELLED_OUT = ("sla_deadline", "pinned_engineer")


def default_depots(engineers: int) -> int:
    """One depot per dozen engineers (at least one, at most eight): a central warehouse
    plus regional ones, as service organisations of that size run them."""
    return max(1, min(8, math.floor(engineers / 12 + 0.5)))


def generate_dispatch(
    engineers: int,
    jobs: int,
    seed: int = 0,
    *,
    region: str = "shanghai",
    date: str = "2026-11-24",
    depots: int | None = None,
    time_limit_s: float = 30.0,
) -> dict[str, Any]:
    """Return a problem dict in the contract's JSON form (schema fieldplan.dispatch.problem/1).

    A realistic, busy but mostly feasible day (about 4-5 jobs per engineer) so that
    demos, tests and benchmarks exercise every constraint on data that looks real.

    Parameters
    ----------
    engineers, jobs
        Team size and number of open jobs for the day. The team covers as many
        of the region's cities as it can staff (about eight engineers a city).
    seed
        Seeds the generator and becomes ``options.seed``.
    region
        One of :data:`scenarios.generator.cities.REGIONS` (``shanghai``, ``rhine-ruhr``, ``dfw``,
        ``andorra``: the last lies in a shared OpenStreetMap extract, for road times).
    date
        The planned day (ISO date); times carry the region's UTC offset on that day.
    depots
        Number of depots; default :func:`default_depots`.
    time_limit_s
        Becomes ``options.time_limit_s``.

    Raises
    ------
    ValueError
        For an unknown region, a bad date or counts out of range.
    """
    _check_args(engineers, jobs, seed, region, depots, time_limit_s)
    territory = REGIONS[region]
    n_depots = default_depots(engineers) if depots is None else depots
    if n_depots > len(territory.cities):
        raise ValueError(
            f"depots: region '{region}' has {len(territory.cities)} cities, "
            f"cannot hold {n_depots} depots"
        )
    try:
        day = Date.fromisoformat(date)
    except ValueError:
        raise ValueError(f"date: '{date}' is not an ISO date (YYYY-MM-DD)") from None
    clock = _DayClock(day, territory.utc_offset_min(day))
    eng_rng, job_rng, depot_rng = np.random.default_rng(seed).spawn(3)

    per_city = territory.engineers_per_city
    active = territory.cities[: min(len(territory.cities), max(1, math.ceil(engineers / per_city)))]
    crew = _make_engineers(eng_rng, territory, active, engineers)
    work = _make_jobs(job_rng, territory, active, crew, jobs, clock)
    stores = _make_depots(depot_rng, territory, active, crew, work, n_depots)
    return {
        "schema": PROBLEM_SCHEMA,
        "meta": {
            "generator": "scenarios.generator.day",
            "region": territory.name,
            "cities": [c.name for c in active],
            "seed": seed,
        },
        "horizon": period(clock.iso(0), clock.iso(1440)),
        "travel": {"kind": "great_circle", "speed_kmh": territory.speed_kmh, "circuity": 1.3},
        "engineers": [e.to_json(clock) for e in crew],
        "jobs": [j.to_json(clock) for j in work],
        "depots": [d.to_json(clock) for d in stores],
        "objective": default_objective(),
        "options": {"time_limit_s": time_limit_s, "seed": seed},
    }


def write_dispatch(path: str | Path, **kwargs: Any) -> None:
    """Write :func:`generate_dispatch` (same keyword arguments) as indented JSON."""
    text = json.dumps(generate_dispatch(**kwargs), indent=2, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _check_args(
    engineers: int, jobs: int, seed: int, region: str, depots: int | None, time_limit_s: float
) -> None:
    if not isinstance(engineers, int) or isinstance(engineers, bool) or engineers < 1:
        raise ValueError(f"engineers: must be an integer >= 1, got {engineers!r}")
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise ValueError(f"jobs: must be an integer >= 0, got {jobs!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed: must be an integer >= 0, got {seed!r}")
    if region not in REGIONS:
        raise ValueError(f"region: unknown '{region}', known: {', '.join(sorted(REGIONS))}")
    if depots is not None and (not isinstance(depots, int) or depots < 1):
        raise ValueError(f"depots: must be an integer >= 1, got {depots!r}")
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s: must be > 0, got {time_limit_s!r}")


# ------------------------------------------------------------------ time --


@dataclass(frozen=True, slots=True)
class _DayClock:
    """Minutes after local midnight of the planned day, written as ISO 8601 with offset."""

    day: Date
    offset_min: int

    def iso(self, minutes: int) -> str:
        tz = timezone(timedelta(minutes=self.offset_min))
        midnight = datetime(self.day.year, self.day.month, self.day.day, tzinfo=tz)
        return (midnight + timedelta(minutes=int(minutes))).isoformat()

    def working_day(self, n: int) -> int:
        """Minutes to local midnight of the n-th working day (Mon-Fri) after the planned day."""
        d = self.day
        while n > 0:
            d += timedelta(days=1)
            if d.weekday() < 5:
                n -= 1
        return (d - self.day).days * 1440


def _apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), each part at least ``minimum``."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    w = np.asarray(weights, dtype=float)
    quota = rest * w / w.sum()
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    for i in order[: rest - int(counts.sum())]:
        counts[i] += 1
    return [b + int(c) for b, c in zip(base, counts, strict=True)]


# -------------------------------------------------------------- engineers --


@dataclass(slots=True)
class _Engineer:
    id: str
    city: City
    lat: float
    lon: float
    shift: tuple[int, int]
    max_overtime_min: int
    break_min: int
    skills: dict[str, int]
    van_stock: dict[str, int]
    tools: list[str]

    def to_json(self, clock: _DayClock) -> dict[str, Any]:
        home = geo(self.lat, self.lon)
        return engineer_dict(
            self.id,
            home,
            period(clock.iso(self.shift[0]), clock.iso(self.shift[1])),
            end=home,
            max_overtime_min=self.max_overtime_min,
            # lunch, starting between 11:30 and 13:30
            breaks=[break_dict(clock.iso(690), clock.iso(810), self.break_min)],
            skills=self.skills,
            van_stock=self.van_stock,
            tools=self.tools,
            capacity=0,
        )


def _make_engineers(
    rng: np.random.Generator, region: Region, cities: Sequence[City], n: int
) -> list[_Engineer]:
    """Engineers living near the cities they serve, staffed in proportion to population."""
    per_city = _apportion(n, [c.population_m for c in cities], minimum=1)
    homes: list[tuple[City, float, float]] = []
    for city, count in zip(cities, per_city, strict=True):
        h_lat, h_lon = scatter(rng, region, city, count, 1.3 * city.spread_km)  # suburbs
        homes += [(city, float(a), float(b)) for a, b in zip(h_lat, h_lon, strict=True)]

    names = [p.name for p in PRODUCT_LINES]
    shares = np.array([p.share for p in PRODUCT_LINES])
    width = max(3, len(str(n)))
    crew: list[_Engineer] = []
    for i, (city, lat, lon) in enumerate(homes):
        shift = SHIFTS[int(rng.choice(len(SHIFTS), p=[0.70, 0.15, 0.15]))]
        overtime = int(rng.choice([60, 0, 30, 90], p=[0.7, 0.1, 0.1, 0.1]))
        break_min = 30 if rng.random() < 0.85 else 45
        k = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.20]))
        lines = rng.choice(len(names), size=k, replace=False, p=shares)
        skills: dict[str, int] = {}
        for rank, li in enumerate(lines):
            skills[names[li]] = 2 if rng.random() < (0.55 if rank == 0 else 0.30) else 1
        van: dict[str, int] = {}
        tools: list[str] = []
        for line in PRODUCT_LINES:
            if line.name not in skills:
                continue
            for part in PARTS:
                if part.line == line.name and part.tier == "common" and rng.random() < 0.6:
                    van[part.id] = int(rng.integers(1, 4))
            if line.tool is not None and line.tool not in tools and rng.random() < 0.4:
                tools.append(line.tool)
        crew.append(
            _Engineer(
                id=f"E{i + 1:0{width}d}",
                city=city,
                lat=lat,
                lon=lon,
                shift=shift,
                max_overtime_min=overtime,
                break_min=break_min,
                skills=dict(sorted(skills.items())),
                van_stock=dict(sorted(van.items())),
                tools=sorted(tools),
            )
        )
    _promote_experts(rng, crew)
    return crew


def _promote_experts(rng: np.random.Generator, crew: list[_Engineer]) -> None:
    """Level 3 is scarce: about 8 % of a line's share of the team, at least one per line
    that anyone covers, chosen mostly from the level-2 engineers."""
    for line in PRODUCT_LINES:
        holders = [e for e in crew if line.name in e.skills]
        if not holders:
            continue
        k = min(len(holders), max(1, round(len(crew) * line.share * 0.08)))
        weight = np.array([3.0 if e.skills[line.name] == 2 else 1.0 for e in holders])
        for j in rng.choice(len(holders), size=k, replace=False, p=weight / weight.sum()):
            holders[j].skills[line.name] = 3


# ------------------------------------------------------------------- jobs --


@dataclass(slots=True)
class _Job:
    id: str
    lat: float
    lon: float
    kind: str
    priority: int
    duration_min: int
    windows: list[tuple[int, int]]
    sla_deadline: int | None
    skills: dict[str, int]
    parts: dict[str, int] = field(default_factory=dict)
    tools: list[str] = field(default_factory=list)
    pinned_engineer: str | None = None
    excluded_engineers: list[str] = field(default_factory=list)
    preferred_engineers: list[str] = field(default_factory=list)

    def to_json(self, clock: _DayClock) -> dict[str, Any]:
        out = job_dict(
            self.id,
            geo(self.lat, self.lon),
            self.duration_min,
            [period(clock.iso(a), clock.iso(b)) for a, b in self.windows],
            kind=self.kind,
            priority=self.priority,
            sla_deadline=None if self.sla_deadline is None else clock.iso(self.sla_deadline),
            skills=self.skills,
            parts=self.parts,
            tools=self.tools,
            demand=0,
            pinned_engineer=self.pinned_engineer,
            excluded_engineers=self.excluded_engineers,
            preferred_engineers=self.preferred_engineers,
        )
        for key in SPELLED_OUT:
            out.setdefault(key, None)
        return out


def _make_jobs(
    rng: np.random.Generator,
    region: Region,
    cities: Sequence[City],
    crew: Sequence[_Engineer],
    n: int,
    clock: _DayClock,
) -> list[_Job]:
    """The day's open jobs: kind mix, sites, skills, timing, parts, tools and customer wishes."""
    if n == 0:
        return []
    names = [p.name for p in PRODUCT_LINES]
    levels = np.array([[e.skills.get(name, 0) for name in names] for e in crew])  # engineer x line
    top = levels.max(axis=0)
    covered = top > 0
    line_p = np.array([p.share for p in PRODUCT_LINES]) * covered
    line_p /= line_p.sum()

    counts = _apportion(n, [share for _, share in KIND_MIX])
    kinds = np.array([k for (k, _), c in zip(KIND_MIX, counts, strict=True) for _ in range(c)])
    kinds = kinds[rng.permutation(n)]

    # Where: cities in proportion to the engineers living there, some of it countryside.
    staff = np.array([sum(e.city.code == c.code for e in crew) for c in cities], dtype=float)
    city_of = rng.choice(len(cities), size=n, p=staff / staff.sum())
    remote = rng.random(n) < REMOTE_SHARE

    # What: a product line installed in the job's city, at a level capped by the best
    # level the engineers based there hold: the organisation staffs each city for
    # the equipment installed around it.
    line_of = np.zeros(n, dtype=int)
    level_of = rng.choice(JOB_LEVELS[0], size=n, p=JOB_LEVELS[1])
    for ci, city in enumerate(cities):
        idx = np.flatnonzero(city_of == ci)
        local = levels[[k for k, e in enumerate(crew) if e.city.code == city.code]]
        local_top = local.max(axis=0) if local.size else top
        p_local = line_p * (local_top > 0)
        p_local = p_local / p_local.sum() if p_local.sum() > 0 else line_p
        line_of[idx] = rng.choice(len(names), size=idx.size, p=p_local)
        level_of[idx] = np.minimum(level_of[idx], np.maximum(local_top[line_of[idx]], 1))
    level_of = np.minimum(level_of, top[line_of])

    _far_expert_jobs(rng, cities, crew, kinds, levels, line_of, level_of, city_of, remote)

    lat = np.zeros(n)
    lon = np.zeros(n)
    for ci, city in enumerate(cities):
        for is_remote in (False, True):
            idx = np.flatnonzero((city_of == ci) & (remote == is_remote))
            if idx.size == 0:
                continue
            if is_remote:
                lat[idx], lon[idx] = countryside(rng, region, city, idx.size)
            else:
                lat[idx], lon[idx] = scatter(rng, region, city, idx.size, city.spread_km)

    width = max(4, len(str(n)))
    work: list[_Job] = []
    for i in range(n):
        kind = str(kinds[i])
        line = PRODUCT_LINES[int(line_of[i])]
        duration = _duration(rng, kind, line)
        windows, sla, priority = _timing(rng, kind, duration, bool(remote[i]), clock)
        job = _Job(
            id=f"J{i + 1:0{width}d}",
            lat=float(lat[i]),
            lon=float(lon[i]),
            kind=kind,
            priority=priority,
            duration_min=duration,
            windows=windows,
            sla_deadline=sla,
            skills={line.name: int(level_of[i])},
        )
        job.parts = _job_parts(rng, kind, line)
        job.tools = _job_tools(rng, kind, line, job.parts)
        work.append(job)
    _customer_wishes(rng, crew, work, levels, line_of, level_of)
    return work


def _far_expert_jobs(
    rng: np.random.Generator,
    cities: Sequence[City],
    crew: Sequence[_Engineer],
    kinds: NDArray[np.str_],
    levels: NDArray[np.int_],
    line_of: NDArray[np.int_],
    level_of: NDArray[np.int_],
    city_of: NDArray[np.int_],
    remote: NDArray[np.bool_],
) -> None:
    """A few planned or normal jobs need a level-3 skill that only one or two engineers
    hold, at a site away from where those experts live (in place)."""
    n = len(kinds)
    if n < 20:
        return
    rare_lines = [li for li in range(levels.shape[1]) if 1 <= int((levels[:, li] >= 3).sum()) <= 2]
    candidates = np.flatnonzero(kinds != "emergency")
    if not rare_lines or candidates.size == 0:
        return
    k = min(candidates.size, max(1, round(0.015 * n)))
    share = np.array([PRODUCT_LINES[li].share for li in rare_lines])
    for i in rng.choice(candidates, size=k, replace=False):
        li = rare_lines[int(rng.choice(len(rare_lines), p=share / share.sum()))]
        experts = [e for e, lv in zip(crew, levels[:, li], strict=True) if lv >= 3]
        away = np.array(
            [min(km_between(c.lat, c.lon, e.lat, e.lon) for e in experts) for c in cities]
        )
        line_of[i] = li
        level_of[i] = 3
        if away.max() > 25.0:
            city_of[i] = int(np.argmax(away))
            remote[i] = bool(rng.random() < REMOTE_SHARE)
        else:  # one-city team: out in the countryside instead
            city_of[i] = cities.index(experts[0].city) if experts[0].city in cities else 0
            remote[i] = True


def _duration(rng: np.random.Generator, kind: str, line: ProductLine) -> int:
    """Minutes on site: by kind, scaled by the product line, in 5-minute steps, 30-240."""
    values, probs = DURATIONS[kind]
    base = float(rng.choice(values, p=probs)) * line.duration_factor
    return int(min(240, max(30, 5 * round(base / 5))))


def _timing(
    rng: np.random.Generator, kind: str, duration: int, remote: bool, clock: _DayClock
) -> tuple[list[tuple[int, int]], int | None, int]:
    """Start windows, SLA deadline and priority, in minutes after local midnight."""
    hours_names = [h for h, _ in HOURS_MIX[kind]]
    hours = hours_names[int(rng.choice(len(hours_names), p=[p for _, p in HOURS_MIX[kind]]))]
    if hours == "split" and duration > 120:
        hours = "office"  # a long job cannot fit a half-day opening
    earliest = 0
    if kind == "emergency":
        # Reported overnight or in the morning, as sites open and find the fault.
        earliest = 5 * round(float(rng.triangular(180, 540, 690)) / 5)
    if hours == "appointment":
        latest_slot = max(480, min(900, 60 * ((1080 - duration) // 60)))
        slot = 60 * int(rng.integers(8, latest_slot // 60 + 1))
        windows = [(slot, slot + 120)]
    else:
        windows = []
        for open_, close in SITE_HOURS[hours]:
            start, end = max(open_, earliest), close - duration
            if end - start >= 15:
                windows.append((start, end))
        if not windows:  # urgent: the customer opens the site for us
            windows = [(earliest, 1440)]
    first = windows[0][0]

    # SLA clocks run while the site is accessible, so no deadline falls before the
    # customer lets anyone in; tight ones remain.
    sla: int | None = None
    priority = 2
    if kind == "emergency":
        sla = first + EMERGENCY_SLA_MIN["remote" if remote else "city"]
        priority = 1
    elif kind == "normal":
        if rng.random() < 0.6:  # reported yesterday, due within one working day
            sla = max(first + 60, 15 * round(float(rng.uniform(480, 1200)) / 15))
        else:  # reported overnight: due by the end of the next working day
            sla = clock.working_day(1) + 1080
    elif kind == "preventive":
        priority = 3
        if rng.random() < 0.5:  # the last day of a multi-day maintenance window
            n_days = int(rng.choice([0, 1, 2, 3, 4], p=[0.3, 0.2, 0.2, 0.15, 0.15]))
            sla = max(first + 60, clock.working_day(n_days) + 1020)
    elif kind == "installation":
        if rng.random() < 0.4:  # commissioning promised to start early in the visit
            sla = min(windows[0][1], first + 240)
        else:
            priority = 3
    return windows, sla, priority


def _job_parts(rng: np.random.Generator, kind: str, line: ProductLine) -> dict[str, int]:
    """Parts the diagnosis calls for: repairs sometimes, follow-ups always (the part that
    was missing on the first visit), planned visits never."""
    catalogue = [p for p in PARTS if p.line == line.name]
    if kind == "follow_up":
        catalogue = [p for p in catalogue if p.tier != "common"]
        n_parts = 1
    elif kind in ("emergency", "normal") and rng.random() < PART_SHARE:
        n_parts = 1 if rng.random() < 0.85 else 2
    else:
        return {}
    pop = np.array([p.popularity for p in catalogue])
    picks = rng.choice(
        len(catalogue), size=min(n_parts, len(catalogue)), replace=False, p=pop / pop.sum()
    )
    return {catalogue[i].id: 2 if rng.random() < 0.1 else 1 for i in sorted(int(i) for i in picks)}


def _job_tools(
    rng: np.random.Generator, kind: str, line: ProductLine, parts: dict[str, int]
) -> list[str]:
    """Special tools: half the installations, a few repairs, every compressor swap."""
    if line.tool is None:
        return []
    if any(p.startswith("P-COMP") for p in parts):
        return ["refrigerant-recovery"]
    chance = {"installation": 0.5, "emergency": 0.06, "normal": 0.06, "preventive": 0.04}
    return [line.tool] if rng.random() < chance.get(kind, 0.0) else []


def _customer_wishes(
    rng: np.random.Generator,
    crew: Sequence[_Engineer],
    work: list[_Job],
    levels: NDArray[np.int_],
    line_of: NDArray[np.int_],
    level_of: NDArray[np.int_],
) -> None:
    """Pinned (~1 %), excluded (~2 %) and preferred (~3 % plus follow-ups) engineers,
    always chosen among the engineers qualified for the job (in place)."""
    n = len(work)
    e_lat = np.array([e.lat for e in crew])
    e_lon = np.array([e.lon for e in crew])

    def nearest_qualified(i: int) -> list[int]:
        ok = np.flatnonzero(levels[:, line_of[i]] >= level_of[i])
        dist = haversine_km(np.asarray(work[i].lat), np.asarray(work[i].lon), e_lat[ok], e_lon[ok])
        return [int(ok[j]) for j in np.argsort(dist, kind="stable")]

    order = rng.permutation(n)
    planned = [int(i) for i in order if work[i].kind in ("normal", "preventive", "installation")]
    n_pin, n_excl, n_pref = round(0.01 * n), round(0.02 * n), round(0.03 * n)
    pinned = set(planned[:n_pin])
    for i in sorted(pinned):  # the customer's regular engineer
        work[i].pinned_engineer = crew[nearest_qualified(i)[0]].id
    rest = [int(i) for i in order if int(i) not in pinned]
    excluded = 0
    for i in rest:
        if excluded == n_excl:
            break
        near = nearest_qualified(i)
        if len(near) >= 2:  # a complaint about the engineer who went last time
            work[i].excluded_engineers = [crew[near[0]].id]
            excluded += 1
    extra = set(rest[len(rest) - n_pref :]) if n_pref else set()
    for i in range(n):
        if work[i].kind == "follow_up" or i in extra:
            near = nearest_qualified(i)
            near = [j for j in near if crew[j].id not in work[i].excluded_engineers][:3]
            if not near:
                continue
            k = 1 if rng.random() < 0.8 else 2
            picks = rng.choice(len(near), size=min(k, len(near)), replace=False)
            work[i].preferred_engineers = sorted(crew[near[int(j)]].id for j in picks)


# ----------------------------------------------------------------- depots --


@dataclass(slots=True)
class _Depot:
    id: str
    lat: float
    lon: float
    pickup_min: int
    stock: dict[str, int]
    tools: list[str]

    def to_json(self, clock: _DayClock) -> dict[str, Any]:
        return depot_dict(
            self.id,
            geo(self.lat, self.lon),
            period(clock.iso(480), clock.iso(1080)),
            pickup_min=self.pickup_min,
            stock=self.stock,
            tools=self.tools,
        )


def _make_depots(
    rng: np.random.Generator,
    region: Region,
    cities: Sequence[City],
    crew: Sequence[_Engineer],
    work: Sequence[_Job],
    n: int,
) -> list[_Depot]:
    """A central warehouse in the main city and regional depots in the next largest,
    stocked for the region's demand: enough overall, not always where it is needed."""
    staff = {c.code: sum(e.city.code == c.code for e in crew) for c in cities}
    regional = sorted(cities[1:], key=lambda c: (-staff[c.code], -c.population_m))
    spare = [c for c in region.cities if c not in cities]
    sites = [cities[0], *regional, *spare][:n]

    lat = np.zeros(n)
    lon = np.zeros(n)
    for i, city in enumerate(sites):  # logistics parks on the outskirts

        def draw(
            r: np.random.Generator, k: int, c: City = city
        ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            bearing = r.uniform(0.0, 2 * math.pi, k)
            dist = r.uniform(3.0, 8.0, k)
            return offset_km(c.lat, c.lon, dist * np.cos(bearing), dist * np.sin(bearing))

        a, b = on_land(rng, region, 1, (city.lat, city.lon), draw)
        lat[i], lon[i] = a[0], b[0]

    # Which depot each job's site is nearest to: stock follows demand.
    nearest = np.zeros(len(work), dtype=int)
    if work:
        j_lat = np.array([j.lat for j in work])[:, None]
        j_lon = np.array([j.lon for j in work])[:, None]
        nearest = np.argmin(haversine_km(j_lat, j_lon, lat[None, :], lon[None, :]), axis=1)

    stock: list[dict[str, int]] = [{} for _ in range(n)]
    for part in PARTS:
        local = np.zeros(n)
        for j, job in enumerate(work):
            local[nearest[j]] += job.parts.get(part.id, 0)
        demand = int(local.sum())
        if part.tier == "common":
            holders = list(range(n))
        elif part.tier == "medium":
            holders = [0] + [d for d in range(1, n) if rng.random() < 0.7]
        else:
            holders = [0] + ([int(rng.integers(1, n))] if n > 1 and rng.random() < 0.5 else [])
        if demand == 0:
            top = {"common": 5, "medium": 3, "rare": 2}[part.tier]
            for d in holders:
                stock[d][part.id] = int(rng.integers(0 if part.tier != "common" else 1, top))
            continue
        low, high = {"common": (1.0, 1.5), "medium": (0.9, 1.3), "rare": (0.9, 1.2)}[part.tier]
        total = max(1, math.ceil(demand * rng.uniform(low, high)))
        weight = np.array([local[d] + (1.0 if d == 0 else 0.5) for d in holders])
        split = rng.multinomial(total, weight / weight.sum())
        for d, units in zip(holders, split, strict=True):
            stock[d][part.id] = int(units)

    out: list[_Depot] = []
    for i, city in enumerate(sites):
        tools = list(TOOLS) if i == 0 else [t for t in TOOLS if rng.random() < 0.5]
        out.append(
            _Depot(
                id=f"D-{city.code}",
                lat=float(lat[i]),
                lon=float(lon[i]),
                pickup_min=15 if i == 0 else 10,
                stock=dict(sorted(stock[i].items())),
                tools=tools,
            )
        )
    return out
