"""The frozen output model: routes with timed stops, per-job SLA status, reasons, KPIs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dispatch.model.reasons import SlaState, StopType, UnassignedReason


@dataclass(frozen=True, slots=True)
class Stop:
    """A job visit, a depot pickup or a break; times in minutes from the horizon start.

    ``arrival`` is None for breaks (they are taken where the engineer is).
    """

    type: StopType
    id: str | None
    start: float
    end: float
    arrival: float | None = None
    pickup: Mapping[str, int] = field(default_factory=dict)
    borrow: tuple[str, ...] = ()
    #: A crew job's stop on its lead's route (contract 1.2).
    lead: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    engineer: str
    stops: tuple[Stop, ...]
    depart: float
    return_at: float
    km: float
    travel_min: float
    overtime_min: float
    #: Which of the engineer's ``shifts`` (contract 1.1); None in the one-``shift`` form.
    shift: int | None = None

    @property
    def job_ids(self) -> list[str]:
        return [s.id for s in self.stops if s.type is StopType.JOB and s.id is not None]


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """An assigned job's start and SLA status."""

    id: str
    engineer: str
    start: float
    sla: SlaState
    late_min: float
    #: Every member of a crew job's crew, lead first (contract 1.2); empty otherwise.
    engineers: tuple[str, ...] = ()

    @property
    def sla_met(self) -> bool:
        return self.sla is SlaState.MET


@dataclass(frozen=True, slots=True)
class Unassigned:
    id: str
    reason: UnassignedReason
    detail: str


@dataclass(frozen=True, slots=True)
class Kpis:
    """Figures recomputed from the routes (contract fields first, then extras)."""

    jobs: int
    assigned: int
    sla_met: int
    sla_met_pct: float
    km: float
    travel_min: float
    overtime_min: float
    objective: float
    late_min: float = 0.0
    engineers_used: int = 0
    sla_met_by_priority: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    unassigned_by_reason: Mapping[str, int] = field(default_factory=dict)
    cost: Mapping[str, float] = field(default_factory=dict)
    #: On-call shifts that served a job (contract 1.1); None for a one-shift problem.
    callouts: int | None = None


@dataclass(frozen=True, slots=True)
class SolverInfo:
    engine: str
    time_limit_s: float
    seed: int
    wall_s: float
    status: str = ""
    solutions: int = 0
    first_solution_s: float | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    routes: tuple[Route, ...]
    jobs: tuple[JobOutcome, ...]
    unassigned: tuple[Unassigned, ...]
    kpis: Kpis
    solver: SolverInfo | None = None
