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
the same engineers. This module assembles the day; ``crew``, ``jobs`` and
``depots`` make its parts from the ``catalogue``, on ``places`` of the
region's ``cities``, with the day's ``clock``.
"""

from __future__ import annotations

import json
import math
from datetime import date as Date
from pathlib import Path
from typing import Any

import numpy as np

from dispatch.io.contract import default_objective, period
from dispatch.io.problem_json import PROBLEM_SCHEMA
from scenarios.generator.cities import REGIONS
from scenarios.generator.clock import DayClock
from scenarios.generator.crew import make_engineers
from scenarios.generator.depots import make_depots
from scenarios.generator.field_rules import add_field_rules
from scenarios.generator.jobs import Job, make_jobs

#: Where engineers leave from (see :func:`generate_dispatch`).
STARTS = ("home", "office")
#: How jobs' windows are set (see :func:`generate_dispatch`).
WINDOWS = ("customer", "appointments")
#: Appointment slots a hotline offers (minutes after local midnight): two hours each.
APPOINTMENT_SLOTS = ((8 * 60, 10 * 60), (10 * 60, 12 * 60), (13 * 60, 15 * 60), (15 * 60, 17 * 60))
#: The random stream of appointment booking, apart from the day's own three.
APPOINTMENT_STREAM = 7
#: The random stream the rules of contract 1.2 are drawn from.
RULES_STREAM = 8


def book_appointments(rng: np.random.Generator, work: list[Job]) -> None:
    """Give every job but an emergency one two-hour slot inside its own windows.

    The slot is drawn among those that leave the job at least half an hour of
    its customer's window to start in; a job no slot fits keeps its windows. A
    response deadline before the slot ends moves to its end: the customer agreed
    to the slot.
    """
    for job in work:
        if job.kind == "emergency":
            continue
        fitting = [
            (max(a, lo), min(b, hi))
            for a, b in APPOINTMENT_SLOTS
            for lo, hi in job.windows
            if min(b, hi) - max(a, lo) >= 30
        ]
        if fitting:
            slot = fitting[int(rng.integers(len(fitting)))]
            job.windows = [slot]
            if job.sla_deadline is not None:
                # the customer agreed to the slot: serving in it keeps the commitment
                job.sla_deadline = max(job.sla_deadline, slot[1])


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
    start: str = "home",
    windows: str = "customer",
    crew_share: float = 0.0,
    speeds: bool = False,
    preferences: bool = False,
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
        Number of depots; default :func:`default_depots` (one, the office's, with
        ``start="office"``).
    time_limit_s
        Becomes ``options.time_limit_s``.
    start
        ``home`` (engineers leave from their homes, spread over the region) or
        ``office`` (the region's first city only, every engineer leaving from and
        returning to its central warehouse: a big regional office, as in the
        Gehring & Homberger instances).
    windows
        ``customer`` (the windows customers ask for: opening hours, a morning or
        an afternoon, now and then a slot) or ``appointments`` (every job but an
        emergency is booked into a two-hour appointment slot inside them).
    crew_share, speeds, preferences
        The rules of contract 1.2, off by default: this share of the jobs needs
        a crew of two (now and then three), trainees and experts work at their
        own speed, and a job served by none of its preferred engineers costs
        (see :mod:`scenarios.generator.field_rules`).

    Raises
    ------
    ValueError
        For an unknown region, a bad date or counts out of range.
    """
    _check_args(engineers, jobs, seed, region, depots, time_limit_s)
    if start not in STARTS:
        raise ValueError(f"start: must be one of {', '.join(STARTS)}, got {start!r}")
    if windows not in WINDOWS:
        raise ValueError(f"windows: must be one of {', '.join(WINDOWS)}, got {windows!r}")
    territory = REGIONS[region]
    if depots is not None:
        n_depots = depots
    else:
        n_depots = 1 if start == "office" else default_depots(engineers)
    if n_depots > len(territory.cities):
        raise ValueError(
            f"depots: region '{region}' has {len(territory.cities)} cities, "
            f"cannot hold {n_depots} depots"
        )
    try:
        day = Date.fromisoformat(date)
    except ValueError:
        raise ValueError(f"date: '{date}' is not an ISO date (YYYY-MM-DD)") from None
    clock = DayClock(day, territory.utc_offset_min(day))
    eng_rng, job_rng, depot_rng = np.random.default_rng(seed).spawn(3)

    per_city = territory.engineers_per_city
    active = territory.cities[: min(len(territory.cities), max(1, math.ceil(engineers / per_city)))]
    if start == "office":
        active = territory.cities[:1]  # one office serves its own city
    crew = make_engineers(eng_rng, territory, active, engineers)
    work = make_jobs(job_rng, territory, active, crew, jobs, clock)
    stores = make_depots(depot_rng, territory, active, crew, work, n_depots)
    # The variants change the finished day, so the default one stays as it was.
    if start == "office":
        for engineer in crew:
            engineer.lat, engineer.lon = stores[0].lat, stores[0].lon
    if windows == "appointments":
        book_appointments(np.random.default_rng([seed, APPOINTMENT_STREAM]), work)
    problem = {
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
    return add_field_rules(
        problem,
        np.random.default_rng([seed, RULES_STREAM]),
        crew_share=crew_share,
        speeds=speeds,
        preferences=preferences,
    )


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
