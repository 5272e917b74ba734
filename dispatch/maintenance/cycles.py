"""Preventive-maintenance visits due in a horizon, from each unit's cycle.

An installed unit is serviced every ``cycle_days`` days, within
``tolerance_days`` either side of its due date, counted from its last visit
(the actual date: a visit done late moves the next cycle too). For a horizon
of days, each visit due in or near it becomes a contract 1.1 job:

- a window on each working day of the tolerance band that falls in the
  horizon, at the site's opening hours, so the engine picks the day;
- ``sla_deadline`` at the due day's closing time: a visit may be done late
  within its tolerance, at the late cost of its priority;
- a visit already past its tolerance (overdue) may go on any working day of
  the horizon, due at the end of the first one.

The job id is ``PM-<unit>-<due date>``: generating the same horizon twice
names the same visits, so stored jobs are updated instead of doubled.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, time, timedelta, timezone
from typing import Any

from dispatch.errors import require
from dispatch.io.contract import job_dict, period

#: Monday to Friday (``date.weekday()``).
WEEKDAYS = frozenset(range(5))
#: Preventive work is the least urgent kind unless a unit says otherwise.
DEFAULT_PRIORITY = 3


@dataclass(frozen=True, slots=True)
class Asset:
    """An installed unit with a maintenance cycle."""

    id: str
    site: dict[str, float]
    cycle_days: int
    last_visit: Date
    duration_min: float
    tolerance_days: int = 0
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    skills: dict[str, int] = field(default_factory=dict)
    parts: dict[str, int] = field(default_factory=dict)
    priority: int = DEFAULT_PRIORITY

    def __post_init__(self) -> None:
        path = f"assets[{self.id}]"
        require(bool(self.id), "assets[].id", "must be a non-empty string")
        require(self.cycle_days >= 1, f"{path}.cycle_days", "must be >= 1")
        require(
            0 <= self.tolerance_days < self.cycle_days,
            f"{path}.tolerance_days",
            "must be >= 0 and less than cycle_days",
        )
        require(self.duration_min > 0, f"{path}.duration_min", "must be > 0")
        require(self.opens < self.closes, f"{path}.closes", "must be after opens")
        require(1 <= self.priority <= 3, f"{path}.priority", "must be 1, 2 or 3")


@dataclass(frozen=True, slots=True)
class Horizon:
    """Days ``first`` .. ``first + days - 1`` at a UTC offset; visits go on ``working`` weekdays,
    never on ``holidays``."""

    first: Date
    days: int
    utc_offset_min: int = 0
    working: frozenset[int] = WEEKDAYS
    holidays: Container[Date] = frozenset()

    def __post_init__(self) -> None:
        require(self.days >= 1, "days", "must be >= 1")

    @property
    def last(self) -> Date:
        return self.first + timedelta(days=self.days - 1)

    def working_days(self, start: Date, end: Date) -> list[Date]:
        """Working days from ``start`` to ``end`` (inclusive) that lie in the horizon."""
        day, out = max(start, self.first), []
        while day <= min(end, self.last):
            if day.weekday() in self.working and day not in self.holidays:
                out.append(day)
            day += timedelta(days=1)
        return out

    def iso(self, day: Date, at: time) -> str:
        zone = timezone(timedelta(minutes=self.utc_offset_min))
        return datetime.combine(day, at, tzinfo=zone).isoformat()


def visits_due(assets: Iterable[Asset], horizon: Horizon) -> list[dict[str, Any]]:
    """The preventive visits due in the horizon, as contract jobs (see the module docstring)."""
    jobs = []
    for asset in assets:
        for due in _due_dates(asset, horizon):
            job = _visit(asset, due, horizon)
            if job is not None:
                jobs.append(job)
    return jobs


def _due_dates(asset: Asset, horizon: Horizon) -> list[Date]:
    """Due dates whose tolerance band reaches the horizon, with the first one that
    is overdue (its band ended before the horizon) when no visit was made since."""
    cycle = timedelta(days=asset.cycle_days)
    tolerance = timedelta(days=asset.tolerance_days)
    due = asset.last_visit + cycle
    out = []
    if due + tolerance < horizon.first:
        out.append(due)  # overdue: one visit catches up, the next cycle counts from it
        return out
    while due - tolerance <= horizon.last:
        out.append(due)
        due += cycle
    return out


def _visit(asset: Asset, due: Date, horizon: Horizon) -> dict[str, Any] | None:
    tolerance = timedelta(days=asset.tolerance_days)
    overdue = due + tolerance < horizon.first
    if overdue:
        days = horizon.working_days(horizon.first, horizon.last)
        deadline_day = days[0] if days else None
    else:
        days = horizon.working_days(due - tolerance, due + tolerance)
        deadline_day = due
    if not days or deadline_day is None:
        return None  # the band falls on days off only
    return job_dict(
        f"PM-{asset.id}-{due.isoformat()}",
        asset.site,
        asset.duration_min,
        [period(horizon.iso(d, asset.opens), horizon.iso(d, asset.closes)) for d in days],
        kind="preventive",
        priority=asset.priority,
        sla_deadline=horizon.iso(deadline_day, asset.closes),
        skills=asset.skills or None,
        parts=asset.parts or None,
    )
