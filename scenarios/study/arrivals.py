"""Faults and jobs arriving: the day's faults at the sites, planned visits, follow-ups.

The job book of a simulated variant: every job that arrived, the open ones,
their SLA deadlines, and what became of each visit (fixed, or continued by a
follow-up). Faults are drawn from one random stream seeded by the study's seed
alone, with the same draws per fault whatever the variant's settings, so every
variant meets the same faults. Installations are drawn on working days;
preventive visits come from the installed units' cycles: a unit's visit opens
on the first day of its tolerance band and is due by the band's last day, and
the visit made moves the unit's next cycle.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, time
from typing import Any

import numpy as np

from dispatch.model.sla import Coverage, WorkingCalendar, add_sla_minutes
from scenarios.generator.catalogue import PRODUCT_LINES
from scenarios.study.results import DAY, SimJob
from scenarios.study.world import (
    EMERGENCY_SHARE,
    PART_SHARE,
    PLANNED_WINDOW_DAYS,
    Unit,
    World,
)

#: When the day's planned visits are released, and when a preventive visit's last day ends.
RELEASE_MIN, CLOSE_MIN = 6 * 60, 18 * 60

LINE_TOOL = {p.name: p.tool for p in PRODUCT_LINES}


class Arrivals:
    """The jobs of one variant: drawn each day, closed by visits, continued by follow-ups."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.settings = world.settings
        zone_hours = world.utc_offset_min // 60
        self.calendar = WorkingCalendar(
            timezone=f"Etc/GMT{-zone_hours:+d}" if zone_hours else "UTC",
            opens=time(8),
            closes=time(18),
        )
        self.rng = np.random.default_rng([seed, 17])  # the same faults for every variant
        self.jobs: dict[str, SimJob] = {}
        self.open: dict[str, SimJob] = {}
        self.count = 0
        self.units = {u.id: replace(u) for u in world.units}  # a variant's own cycles
        self.waiting_units = set(self.units)  # units with no visit open

    def deadline(self, reported: float, kind: str, tier: str) -> float:
        """When a job of ``kind`` reported at ``reported`` must be reached, by its tier's SLA."""
        s = self.settings
        minutes = float(s["sla"][kind][tier])
        at = datetime.fromisoformat(self.world.iso(reported))
        due = add_sla_minutes(at, minutes, Coverage(s["coverage"][tier]), self.calendar)
        return self.world.minutes(due)

    def _planned_due(self, reported: float) -> float:
        """A planned visit is due within PLANNED_WINDOW_DAYS working days (10 h each)."""
        at = datetime.fromisoformat(self.world.iso(reported))
        due = add_sla_minutes(
            at, PLANNED_WINDOW_DAYS * 600.0, Coverage.BUSINESS_HOURS, self.calendar
        )
        return self.world.minutes(due)

    def _new_job(self, **kw: Any) -> SimJob:
        self.count += 1
        ident = kw.pop("ident", None) or f"J{self.count:05d}"
        job = SimJob(id=ident, root=kw.pop("root", None) or ident, **kw)
        self.jobs[job.id] = job
        self.open[job.id] = job
        return job

    def arrive(self, day: int, working: bool) -> int:
        """The day's faults (and, on working days, its planned visits); how many arrived."""
        w, rng = self.world, self.rng
        rates = np.array([sum(r.values()) for r in w.fault_rates])
        n = int(rng.poisson(rates.sum()))
        sites = rng.choice(len(rates), size=n, p=rates / rates.sum())
        u = rng.random((n, 6))  # the same draws per fault whatever the variant's settings
        arrived = 0
        for k in range(n):
            site = w.sites[int(sites[k])]
            parts = w.fault_rates[int(sites[k])]
            names = sorted(parts)
            weights = np.array([parts[p] for p in names])
            part = names[
                min(
                    len(names) - 1,
                    int(np.searchsorted(np.cumsum(weights) / weights.sum(), u[k, 0])),
                )
            ]
            kind = "emergency" if u[k, 1] < EMERGENCY_SHARE else "normal"
            reported = day * DAY + u[k, 2] * DAY
            needs = u[k, 3] < PART_SHARE
            self._new_job(
                site=int(sites[k]),
                kind=kind,
                priority=1 if kind == "emergency" else 2,
                reported=reported,
                deadline=self.deadline(reported, kind, site.tier),
                tier=site.tier,
                part=part if needs else None,
                known=bool(u[k, 4] < self.settings["part_known_share"]),
                duration=[45, 60, 75, 90, 120][int(u[k, 5] * 5)],
                skills={site.line: 2 if u[k, 5] > 0.7 and site.expert else 1},
                tools=[t for t in [LINE_TOOL[site.line]] if t and site.tool and u[k, 0] < 0.25],
                earliest=reported,
            )
            arrived += 1
        if working:
            m = int(rng.poisson(w.planned_per_day))
            share = np.array(w.site_share)
            chosen = rng.choice(len(w.sites), size=m, p=share / share.sum())
            v = rng.random((m, 2))
            for k in range(m):
                site = w.sites[int(chosen[k])]
                reported = day * DAY + RELEASE_MIN
                self._new_job(
                    site=int(chosen[k]),
                    kind="installation",
                    priority=3,
                    reported=reported,
                    deadline=self._planned_due(reported),
                    tier=site.tier,
                    part=None,
                    known=True,
                    duration=[45, 60, 90, 120][int(v[k, 1] * 4)],
                    skills={site.line: 1},
                    tools=[],
                    earliest=reported,
                )
                arrived += 1
        return arrived + self._preventive(day)

    def _preventive(self, day: int) -> int:
        """Open the visits whose tolerance band has begun; how many opened."""
        opened = 0
        for ident in sorted(self.waiting_units):
            unit = self.units[ident]
            if unit.due - unit.tolerance_days > day:
                continue
            site = self.world.sites[unit.site]
            reported = day * DAY + RELEASE_MIN
            self._new_job(
                ident=f"PM-{unit.id}-{unit.due}",
                site=unit.site,
                kind="preventive",
                priority=3,
                reported=reported,
                deadline=(unit.due + unit.tolerance_days) * DAY + CLOSE_MIN,
                tier=site.tier,
                part=None,
                known=True,
                duration=unit.duration,
                skills={site.line: 1},
                tools=[],
                earliest=reported,
                unit=unit.id,
            )
            self.waiting_units.discard(ident)
            opened += 1
        return opened

    def parts_waiting(self) -> dict[tuple[str, str], int]:
        """Units of each part the open jobs wait for, by the depot of their sites:
        ``(depot, part) -> units`` (only parts known before the visit)."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        for j in self.open.values():
            if j.part is not None and j.known:
                out[(self.world.sites[j.site].depot, j.part)] += 1
        return dict(out)

    def visited(self, job: SimJob, start: float, end: float) -> None:
        """The job's visit ran from ``start`` to ``end``: it is closed, fixed or not."""
        if job.first_visit is None:
            job.first_visit = start
        job.closed_at = end
        del self.open[job.id]
        if job.unit is not None:
            self._serviced(self.units[job.unit], start)

    def _serviced(self, unit: Unit, start: float) -> None:
        """The unit's next cycle counts from the day of this visit."""
        unit.last_visit = int(start // DAY)
        self.waiting_units.add(unit.id)

    def fixed(self, job: SimJob, at: float) -> None:
        """The visit fixed the job, and so its fault if no earlier visit had."""
        job.fixed = True
        job.fixed_at = at
        root = self.jobs[job.root]
        if root.fixed_at is None:
            root.fixed_at = at

    def follow_up(self, job: SimJob, at: float) -> SimJob:
        """A visit that lacked its part: a follow-up job, its part now known and brought."""
        tier = job.tier or "silver"
        return self._new_job(
            ident=f"{job.root}-F{sum(1 for j in self.jobs.values() if j.root == job.root)}",
            site=job.site,
            kind="follow_up",
            priority=2,
            reported=at,
            deadline=self.deadline(at, "follow_up", tier),
            tier=job.tier,
            part=job.part,
            known=True,
            duration=job.duration,
            skills=dict(job.skills),
            tools=list(job.tools),
            earliest=at,
            root=job.root,
        )
