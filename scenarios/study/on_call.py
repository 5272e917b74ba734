"""Nights and weekends: the on-call rota and its call-outs.

Outside the day team's hours (from ``on_call.from`` until the next working
morning, and all of Saturday and Sunday) the emergencies of 7x24 contracts
keep their SLA clock running (and those of the day the team did not reach are
handed over to the rota while still not late). Each week ``on_call.engineers`` engineers are on
duty, taken in turn through the team so that together they cover as many of
the region's cities and product lines as they can. An emergency reported off hours is
called out only when waiting would miss its deadline: when it is due before
the next working morning's start plus :data:`MORNING_MARGIN_MIN`. The duty
engineer who can be there first (skills and tools permitting) leaves after
:data:`PREPARE_MIN`, drives from home, does the job with what the van holds
(a part missing makes a follow-up, as by day) and drives home. Business-hours
contracts' emergencies wait: their SLA clock stops with the business day.

Night work is paid at the overtime rate; each call-out and each duty day
also cost what ``costs.callout`` and ``costs.on_call_day`` say.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from scenarios.generator.cities import km_between
from scenarios.study.results import DAY, clock_minutes

if TYPE_CHECKING:
    from scenarios.study.arrivals import Arrivals
    from scenarios.study.logistics import Logistics
    from scenarios.study.results import SimJob
    from scenarios.study.world import EngineerSpec, World

#: Minutes from the call to leaving home.
PREPARE_MIN = 20.0
#: An emergency waits for the morning only if due this long after the day team starts.
MORNING_MARGIN_MIN = 90.0
#: Road km per great-circle km (as by day).
CIRCUITY = 1.3


@dataclass
class Callout:
    """One engineer sent out off hours."""

    job: str
    engineer: str
    reported: float
    arrival: float
    deadline: float


@dataclass
class OnCall:
    """The rota and the call-outs of one variant."""

    world: World
    arrivals: Arrivals
    logistics: Logistics
    callouts: list[Callout] = field(default_factory=list)
    km: float = 0.0
    work_min: float = 0.0  # driving and service minutes off hours
    duty_days: int = 0  # engineer-days on call
    busy: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def size(self) -> int:
        return min(int(self.world.settings["on_call"]["engineers"]), len(self.world.engineers))

    @property
    def evening(self) -> int:
        """Minutes after midnight when the day team hands over to the rota."""
        return clock_minutes(self.world.settings["on_call"]["from"])

    @property
    def morning(self) -> int:
        """Minutes after midnight when the day team starts."""
        return min(e.shift[0] for e in self.world.engineers)

    def working(self, day: int) -> bool:
        return (self.world.start + timedelta(days=day)).weekday() < 5

    def rota(self, day: int) -> list[EngineerSpec]:
        """Who is on duty on ``day``: the same engineers all week (Monday to Sunday), the
        team taken in turn from a week's offset, each next one the engineer who adds most
        (city, product line) pairs the duty team does not cover yet, so that the few on
        call are spread over the region and its equipment."""
        team = self.world.engineers
        if self.size == 0:
            return []
        week = (day + self.world.start.weekday()) // 7
        offset = (week * self.size) % len(team)
        order = team[offset:] + team[:offset]
        chosen: list[EngineerSpec] = []
        covered: set[tuple[str, str]] = set()
        for _ in range(self.size):
            best = max(
                (e for e in order if e not in chosen),
                key=lambda e: len({(e.city, line) for line in e.skills} - covered),
            )
            chosen.append(best)
            covered |= {(best.city, line) for line in best.skills}
        return chosen

    def cover_day(self, day: int) -> None:
        """The off-hours of calendar day ``day``: all of it on a day off, else the night
        before the day team starts and the evening after it hands over."""
        t0 = day * DAY
        self.duty_days += self.size
        if self.working(day):
            self.cover(day, t0, t0 + self.morning)
            return
        self.cover(day, t0, t0 + DAY)

    def cover_evening(self, day: int) -> None:
        """From the hand-over to midnight of working day ``day``: the emergencies reported
        since, and those of the day the team did not reach and that are not yet late."""
        t0 = day * DAY
        self.cover(day, t0 + self.evening, (day + 1) * DAY, handed_over_since=t0)

    def cover(
        self, day: int, start: float, end: float, handed_over_since: float | None = None
    ) -> None:
        """Call out for the emergencies reported from ``start`` to ``end`` that cannot wait
        (and, with ``handed_over_since``, those reported from then until ``start`` still
        open and not yet due: the day team hands them over)."""
        duty = self.rota(day)
        if not duty:
            return
        free = {e.id: start for e in duty}
        coverage = self.world.settings["coverage"]
        since = start if handed_over_since is None else handed_over_since
        waiting = sorted(
            (
                j
                for j in self.arrivals.open.values()
                if j.kind == "emergency"
                and j.tier is not None
                and coverage[j.tier] == "7x24"
                and since <= j.reported < end
                and j.deadline is not None
                and (j.reported >= start or j.deadline > start)
            ),
            key=lambda j: (j.reported, j.id),
        )
        for job in waiting:
            assert job.deadline is not None
            if job.deadline >= self.next_morning(job.reported) + MORNING_MARGIN_MIN:
                continue
            able = [e for e in duty if self._can_do(e, job)]
            if not able:
                continue
            best = min(able, key=lambda e: (self._arrival(e, job, free[e.id]), e.id))
            free[best.id] = self._go(best, job, free[best.id])

    def next_morning(self, at: float) -> float:
        """When the day team next starts work after ``at``."""
        day = int(at // DAY)
        if self.working(day) and at < day * DAY + self.morning:
            return day * DAY + self.morning
        day += 1
        while not self.working(day):
            day += 1
        return day * DAY + self.morning

    def _can_do(self, e: EngineerSpec, job: SimJob) -> bool:
        return all(e.skills.get(s, 0) >= lvl for s, lvl in job.skills.items()) and set(
            job.tools
        ) <= set(e.tools)

    def _km(self, e: EngineerSpec, job: SimJob) -> float:
        site = self.world.sites[job.site]
        return km_between(e.lat, e.lon, site.lat, site.lon) * CIRCUITY

    def _arrival(self, e: EngineerSpec, job: SimJob, free: float) -> float:
        leave = max(job.reported + PREPARE_MIN, free)
        return leave + self._km(e, job) / self.world.speed_kmh * 60.0

    def _go(self, e: EngineerSpec, job: SimJob, free: float) -> float:
        """Send ``e`` to ``job`` and home again; when they are free for the next call."""
        km = self._km(e, job)
        drive = km / self.world.speed_kmh * 60.0
        arrival = self._arrival(e, job, free)
        end = arrival + job.duration
        self.arrivals.visited(job, arrival, end)
        if job.part is None or self.logistics.use_from_van(e.id, job.part):
            self.arrivals.fixed(job, end)
        else:
            self.arrivals.follow_up(job, end)
        assert job.deadline is not None
        self.callouts.append(Callout(job.id, e.id, job.reported, arrival, job.deadline))
        self.km += 2 * km
        minutes = 2 * drive + job.duration
        self.work_min += minutes
        self.busy[e.id] += minutes
        return end + drive
