"""Untimed routes: the order of visits an engine (or a re-plan) proposes.

Times, lateness and KPIs are derived from drafts by :mod:`dispatch.evaluate.timing`,
never taken from the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dispatch.model.reasons import StopType


@dataclass(frozen=True, slots=True)
class Visit:
    """One step of a draft route.

    ``ref`` is the job or depot id, or for a break its index in the engineer's
    ``breaks``.
    """

    type: StopType
    ref: str | int
    pickup: Mapping[str, int] = field(default_factory=dict)
    borrow: tuple[str, ...] = ()
    #: For a crew job (contract 1.2): whether this member leads, carrying parts and tools.
    lead: bool = False


@dataclass(frozen=True, slots=True)
class RouteDraft:
    """An engineer's visits in order; ``earliest_depart`` delays leaving home if set."""

    engineer: str
    visits: tuple[Visit, ...]
    earliest_depart: float | None = None
    #: Which of the engineer's shifts this route works (0 in the one-shift form).
    shift: int = 0

    @property
    def job_ids(self) -> list[str]:
        return [str(v.ref) for v in self.visits if v.type is StopType.JOB]
