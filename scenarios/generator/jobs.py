"""The generated day's open jobs: kinds, sites, skills, timing, parts, tools, customer wishes.

Sites lie around the cities in proportion to the engineers living there, some
out in the countryside; each job's product line is one installed in its city,
at a level the engineers based there can serve, except a few that need a
scarce expert from afar. Windows follow the sites' opening hours, deadlines the
SLA commitments of :mod:`scenarios.generator.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatch.io.contract import geo, job_dict, period
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
    SITE_HOURS,
    ProductLine,
)
from scenarios.generator.cities import km_between
from scenarios.generator.crew import apportion
from scenarios.generator.places import countryside, scatter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from scenarios.generator.cities import City, Region
    from scenarios.generator.clock import DayClock
    from scenarios.generator.crew import Engineer

#: Job fields a generated day writes even when empty (as null), so that it shows them all.
SPELLED_OUT = ("sla_deadline", "pinned_engineer")


@dataclass(slots=True)
class Job:
    """An open job of the day: site, kind, timing (minutes after local midnight), needs, wishes."""

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

    def to_json(self, clock: DayClock) -> dict[str, Any]:
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


def make_jobs(
    rng: np.random.Generator,
    region: Region,
    cities: Sequence[City],
    crew: Sequence[Engineer],
    n: int,
    clock: DayClock,
) -> list[Job]:
    """The day's open jobs: kind mix, sites, skills, timing, parts, tools and customer wishes."""
    if n == 0:
        return []
    names = [p.name for p in PRODUCT_LINES]
    levels = np.array([[e.skills.get(name, 0) for name in names] for e in crew])  # engineer x line
    top = levels.max(axis=0)
    covered = top > 0
    line_p = np.array([p.share for p in PRODUCT_LINES]) * covered
    line_p /= line_p.sum()

    counts = apportion(n, [share for _, share in KIND_MIX])
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
    work: list[Job] = []
    for i in range(n):
        kind = str(kinds[i])
        line = PRODUCT_LINES[int(line_of[i])]
        duration = _duration(rng, kind, line)
        windows, sla, priority = _timing(rng, kind, duration, bool(remote[i]), clock)
        job = Job(
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
    crew: Sequence[Engineer],
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
    rng: np.random.Generator, kind: str, duration: int, remote: bool, clock: DayClock
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
    crew: Sequence[Engineer],
    work: list[Job],
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
