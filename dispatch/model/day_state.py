"""The state of the day, for re-planning: what happened since the plan was published.

Read from its JSON form (schema ``fieldplan.dispatch.state/1``, documented in
docs/dispatch.md) by :func:`dispatch.io.state_json.state_from_json`::

    {"schema": "fieldplan.dispatch.state/1",
     "now": "2026-11-24T10:40:00+08:00",
     "jobs": {"J3": {"status": "done"},
              "J7": {"status": "in_progress", "engineer": "E2", "started": "...T10:15:00+08:00"},
              "J9": {"status": "cancelled"}},
     "engineers": {"E4": {"unavailable_from": "...T11:00:00+08:00"},
                   "E5": {"position": {"lat": 31.2, "lon": 121.5}}},
     "picked_up": {"E2": {"P-100": 1}},
     "new_jobs": [{... a job in the dispatch contract's form ...}],
     "disruption": {"change_penalty": 2000, "tolerance_min": 30}}

Jobs not listed have not started. ``picked_up`` may be left out: the depot
stops the published plan ended by ``now`` are then taken as done.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: What breaking a published promise costs by default: about 20 km of travel
#: (objective units) per job moved or reassigned, so a change must earn its keep.
DEFAULT_CHANGE_PENALTY = 2000.0
#: A start moved by up to this many minutes still keeps the promise.
DEFAULT_TOLERANCE_MIN = 30.0


class ReportedStatus(StrEnum):
    """What the state of the day says of a job; jobs not listed have not started."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class JobReport:
    id: str
    status: ReportedStatus
    engineer: str | None = None
    started: float | None = None


@dataclass(frozen=True)
class EngineerReport:
    id: str
    position: dict[str, Any] | None = None  # a contract location, where the engineer is now
    unavailable_from: float | None = None


@dataclass(frozen=True)
class DayState:
    now: float
    jobs: dict[str, JobReport]
    engineers: dict[str, EngineerReport]
    picked_up: dict[str, dict[str, int]] | None
    new_jobs: tuple[dict[str, Any], ...]
    change_penalty: float = DEFAULT_CHANGE_PENALTY
    tolerance_min: float = DEFAULT_TOLERANCE_MIN

    def status(self, job_id: str) -> ReportedStatus | None:
        report = self.jobs.get(job_id)
        return None if report is None else report.status
