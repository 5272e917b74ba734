"""What a simulated variant records and yields: its jobs, each day's figures, its result.

The co-simulation writes these and the KPIs and the report read them, so they
live apart from both: the simulation imports the KPIs, never the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Minutes in a day: simulation times are minutes after the first day's local midnight.
DAY = 1440


def clock_minutes(hhmm: str) -> int:
    """Minutes after midnight of a checked time of day "HH:MM" (the scenario file's)."""
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


#: The job kinds that repair a fault (the others are planned visits).
REPAIR_KINDS = ("emergency", "normal", "follow_up")


@dataclass
class SimJob:
    """A job of the simulation: what arrived, and what happened to it."""

    id: str
    site: int
    kind: str
    priority: int
    reported: float
    deadline: float | None
    tier: str | None
    part: str | None  # the part the repair needs, if any
    known: bool  # whether that need is known before the visit
    duration: int
    skills: dict[str, int]
    tools: list[str]
    earliest: float
    root: str  # the fault this job belongs to (itself, or the job a follow-up continues)
    unit: str | None = None  # of a preventive visit: the installed unit it services
    first_visit: float | None = None
    closed_at: float | None = None  # visited and done (fixed, or handed to a follow-up)
    fixed: bool = False
    fixed_at: float | None = None  # of a fault: when it was fixed, by this visit or a follow-up


def reached_in_time(job: SimJob) -> bool:
    """Whether the job's first visit started by its deadline."""
    return (
        job.deadline is not None
        and job.first_visit is not None
        and job.first_visit <= job.deadline + 1e-6
    )


@dataclass
class DayFigures:
    """One working day of a variant, as the report's daily plots show it."""

    day: int
    date: str
    arrived: int
    visits: int
    backlog: int
    due: int
    on_time: int
    km: float
    overtime_min: float
    utilisation: float
    callouts: int = 0  # on-call visits since the last working day's figures (nights, weekend)


@dataclass
class VariantResult:
    """Everything the report shows of one variant; stored as a study run's JSON."""

    name: str
    days: list[DayFigures]
    kpis: dict[str, Any]
    utilisation: dict[str, float]  # per engineer, over the days worked
    depot_fill: dict[str, float]
    conservation: dict[str, int]
    jobs: dict[str, int]
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VariantResult:
        """The result stored as JSON (``dataclasses.asdict``) read back."""
        return cls(**{**data, "days": [DayFigures(**d) for d in data["days"]]})
