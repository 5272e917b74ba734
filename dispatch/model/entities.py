"""Frozen, self-validating inputs of a dispatch problem.

Times are minutes from the horizon start (see :mod:`dispatch.model.units`), durations
minutes, distances km. Each entity checks its own values and names the field
that breaks a rule; cross-references are checked in :mod:`dispatch.model.problem`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from dispatch.errors import require
from dispatch.model.units import TIME_EPS
from dispatch.travel.locations import Location


class JobKind(StrEnum):
    """What a job is for; its string value is the contract's ``jobs[].kind``."""

    EMERGENCY = "emergency"
    NORMAL = "normal"
    PREVENTIVE = "preventive"
    INSTALLATION = "installation"
    FOLLOW_UP = "follow_up"

    @property
    def default_priority(self) -> int:
        """The priority a job of this kind gets when nobody says otherwise (1 most urgent)."""
        return _DEFAULT_PRIORITY[self]


_DEFAULT_PRIORITY = {
    JobKind.EMERGENCY: 1,
    JobKind.NORMAL: 2,
    JobKind.FOLLOW_UP: 2,
    JobKind.PREVENTIVE: 3,
    JobKind.INSTALLATION: 3,
}


@dataclass(frozen=True, slots=True)
class Window:
    """A closed interval of time, in minutes from the horizon start."""

    start: float
    end: float

    def check(self, path: str) -> None:
        require(self.end >= self.start, f"{path}.end", f"must not be before {path}.start")

    def contains(self, t: float, eps: float = 0.0) -> bool:
        return self.start - eps <= t <= self.end + eps


@dataclass(frozen=True, slots=True)
class Break:
    """A break of ``duration_min`` that must start between ``earliest`` and ``latest``."""

    earliest: float
    latest: float
    duration_min: float

    def check(self, path: str) -> None:
        require(
            self.latest >= self.earliest, f"{path}.latest", f"must not be before {path}.earliest"
        )
        require(self.duration_min >= 0, f"{path}.duration_min", "must be >= 0")


def _check_counts(counts: Mapping[str, int], path: str, minimum: int) -> None:
    for key, value in counts.items():
        require(bool(key), path, "keys must be non-empty")
        require(value >= minimum, f"{path}.{key}", f"must be >= {minimum}")


@dataclass(frozen=True, slots=True)
class Engineer:
    """One shift of a certified engineer: skills (name -> level), van stock and tools.

    An engineer with several shifts (contract 1.1) is one of these per shift,
    sharing the ``id`` and numbered by ``shift_index``: each shift is a route of
    its own, with the van restocked, so the search plans shifts as it plans
    engineers. An ``on_call`` shift serves emergencies only.
    """

    id: str
    start: Location
    end: Location
    shift: Window
    max_overtime_min: float = 0.0
    breaks: tuple[Break, ...] = ()
    skills: Mapping[str, int] = field(default_factory=dict)
    van_stock: Mapping[str, int] = field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    capacity: int = 0
    shift_index: int = 0
    on_call: bool = False
    #: Given in the contract's ``shifts`` list (version 1.1) rather than as one ``shift``.
    in_shifts: bool = False
    #: When the engineer's next shift starts: this one's route must be back by then.
    next_shift_start: float = math.inf
    #: This engineer's service time on a job is its ``duration_min`` times this
    #: (contract 1.2): a trainee over 1, an expert under.
    duration_factor: float = 1.0

    def __post_init__(self) -> None:
        path = f"engineers[{self.id}]"
        require(bool(self.id), "engineers[].id", "must be a non-empty string")
        self.start.check(f"{path}.start")
        self.end.check(f"{path}.end")
        self.shift.check(self.shift_path)
        require(self.max_overtime_min >= 0, f"{self.own_path}.max_overtime_min", "must be >= 0")
        for i, brk in enumerate(self.breaks):
            brk.check(f"{self.own_path}.breaks[{i}]")
        _check_counts(self.skills, f"{path}.skills", 0)
        _check_counts(self.van_stock, f"{path}.van_stock", 0)
        require(self.capacity >= 0, f"{path}.capacity", "must be >= 0 (0 means no limit)")
        require(
            math.isfinite(self.duration_factor) and self.duration_factor > 0,
            f"{path}.duration_factor",
            "must be a number > 0 (1 is the job's own duration)",
        )

    @property
    def latest_return(self) -> float:
        return min(self.shift.end + self.max_overtime_min, self.next_shift_start)

    @property
    def shift_path(self) -> str:
        """The JSON path of this shift (``shift`` in the one-shift form)."""
        base = f"engineers[{self.id}]"
        return f"{base}.shifts[{self.shift_index}]" if self.in_shifts else f"{base}.shift"

    @property
    def own_path(self) -> str:
        """Where this shift's overtime and breaks are given."""
        return self.shift_path if self.in_shifts else f"engineers[{self.id}]"


@dataclass(frozen=True, slots=True)
class Follows:
    """A job that must have ended ``min_lag_min`` before another may start."""

    job: str
    min_lag_min: float = 0.0


@dataclass(frozen=True, slots=True)
class Job:
    """An on-site job; ``windows`` are hard start windows, ``sla_deadline`` is soft."""

    id: str
    site: Location
    kind: JobKind  # a plain string of a known kind is taken and stored as its JobKind
    priority: int
    duration_min: float
    windows: tuple[Window, ...]
    sla_deadline: float | None = None
    skills: Mapping[str, int] = field(default_factory=dict)
    parts: Mapping[str, int] = field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    demand: int = 0
    pinned_engineer: str | None = None
    excluded_engineers: frozenset[str] = frozenset()
    preferred_engineers: tuple[str, ...] = ()
    #: Jobs this one follows (contract 1.1): it starts only after each has ended,
    #: plus the lag, and is unassigned when any of them is.
    after: tuple[Follows, ...] = ()
    #: How many engineers serve the job together (contract 1.2), all starting and
    #: ending at once; one of them, the lead, carries its parts and tools.
    crew: int = 1

    def __post_init__(self) -> None:
        path = f"jobs[{self.id}]"
        require(bool(self.id), "jobs[].id", "must be a non-empty string")
        self.site.check(f"{path}.site")
        kinds = [k.value for k in JobKind]
        require(self.kind in kinds, f"{path}.kind", f"must be one of {', '.join(kinds)}")
        object.__setattr__(self, "kind", JobKind(self.kind))
        require(self.priority >= 1, f"{path}.priority", "must be >= 1 (1 is the most urgent)")
        require(self.duration_min >= 0, f"{path}.duration_min", "must be >= 0")
        require(len(self.windows) > 0, f"{path}.windows", "must hold at least one window")
        for i, window in enumerate(self.windows):
            window.check(f"{path}.windows[{i}]")
            if i:
                require(
                    window.start >= self.windows[i - 1].end,
                    f"{path}.windows[{i}].start",
                    f"must not be before windows[{i - 1}].end (windows are sorted, disjoint)",
                )
        _check_counts(self.skills, f"{path}.skills", 0)
        _check_counts(self.parts, f"{path}.parts", 0)
        require(self.demand >= 0, f"{path}.demand", "must be >= 0")
        require(self.crew >= 1, f"{path}.crew", "must be >= 1 (engineers serving the job together)")
        for i, follows in enumerate(self.after):
            require(follows.job != self.id, f"{path}.after[{i}].job", "must not be the job itself")
            require(follows.min_lag_min >= 0, f"{path}.after[{i}].min_lag_min", "must be >= 0")

    def latest_start(self, start: float) -> float:
        """How late service begun at ``start`` could begin instead: within the same
        window, and no later than the SLA deadline if ``start`` meets it."""
        latest = start
        for window in self.windows:
            if window.start - TIME_EPS <= start <= window.end + TIME_EPS:
                latest = window.end
                break
        if self.sla_deadline is not None:
            latest = min(latest, max(self.sla_deadline, start))
        return latest


@dataclass(frozen=True, slots=True)
class Depot:
    """A spare-parts depot an engineer may stop at to pick up parts and borrow tools."""

    id: str
    location: Location
    hours: Window
    pickup_min: float = 0.0
    stock: Mapping[str, int] = field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    #: Opening periods, sorted and disjoint (contract 1.1); empty means ``hours`` alone.
    #: ``hours`` then spans them, from the first opening to the last closing.
    periods: tuple[Window, ...] = ()

    def __post_init__(self) -> None:
        path = f"depots[{self.id}]"
        require(bool(self.id), "depots[].id", "must be a non-empty string")
        self.location.check(f"{path}.location")
        self.hours.check(f"{path}.hours")
        require(self.pickup_min >= 0, f"{path}.pickup_min", "must be >= 0")
        for i, period in enumerate(self.opening):
            at = f"{path}.hours[{i}]" if self.periods else f"{path}.hours"
            period.check(at)
            require(
                period.end - period.start >= self.pickup_min, at, "must be at least pickup_min long"
            )
            if i:
                require(
                    period.start >= self.opening[i - 1].end,
                    f"{at}.start",
                    f"must not be before hours[{i - 1}].end (periods are sorted, disjoint)",
                )
        _check_counts(self.stock, f"{path}.stock", 0)

    @property
    def opening(self) -> tuple[Window, ...]:
        """The periods a pickup may lie in."""
        return self.periods or (self.hours,)

    @property
    def latest_pickup(self) -> float:
        """The latest start of a pickup that ends within the opening hours."""
        return self.opening[-1].end - self.pickup_min

    def pickup_start(self, ready: float) -> float | None:
        """When a pickup begins for an engineer there at ``ready``; None if the depot
        does not open again long enough that day or later."""
        for period in self.opening:
            start = max(ready, period.start)
            if start + self.pickup_min <= period.end + TIME_EPS:
                return start
        return None

    def latest_pickup_from(self, start: float) -> float:
        """How late a pickup begun at ``start`` could begin instead, in the same period."""
        for period in self.opening:
            if period.start - TIME_EPS <= start <= period.end + TIME_EPS:
                return period.end - self.pickup_min
        return start


@dataclass(frozen=True, slots=True)
class Objective:
    """Weights of the contract objective; money per unit, priorities as integer keys."""

    unassigned_penalty: Mapping[int, float] = field(default_factory=dict)
    late_penalty_per_min: Mapping[int, float] = field(default_factory=dict)
    overtime_cost_per_min: float = 0.0
    travel_cost_per_km: float = 1.0
    working_cost_per_min: float = 0.0
    #: What an on-call shift costs once it serves a job (contract 1.1).
    callout_cost: float = 0.0
    #: What a served job costs when its lead is not one of its preferred engineers (1.2).
    unpreferred_cost: float = 0.0
    #: Per minute each engineer's working time lies from the mean over engineers (1.2).
    balance_cost_per_min: float = 0.0

    def __post_init__(self) -> None:
        for name in ("unassigned_penalty", "late_penalty_per_min"):
            for priority, value in getattr(self, name).items():
                require(priority >= 1, f"objective.{name}.{priority}", "priority must be >= 1")
                require(value >= 0, f"objective.{name}.{priority}", "must be >= 0")
        for name in (
            "overtime_cost_per_min",
            "travel_cost_per_km",
            "working_cost_per_min",
            "callout_cost",
            "unpreferred_cost",
            "balance_cost_per_min",
        ):
            require(getattr(self, name) >= 0, f"objective.{name}", "must be >= 0")

    def unassigned(self, priority: int) -> float:
        return float(self.unassigned_penalty.get(priority, 0.0))

    def late(self, priority: int) -> float:
        return float(self.late_penalty_per_min.get(priority, 0.0))


class Engine(StrEnum):
    """Search engines ``solve`` can use."""

    AUTO = "auto"
    ORTOOLS = "ortools"
    PYVRP = "pyvrp"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How long and how to search.

    ``solution_limit`` caps the number of improving solutions the search may
    find; with it and a fixed ``seed`` the plan is identical run after run,
    whatever the machine's speed (the time limit then only guards).
    """

    time_limit_s: float = 30.0
    seed: int = 0
    solution_limit: int | None = None
    workers: int = 1
    engine: Engine = Engine.AUTO

    def __post_init__(self) -> None:
        require(self.time_limit_s > 0, "options.time_limit_s", "must be > 0")
        require(self.seed >= 0, "options.seed", "must be >= 0")
        require(
            self.solution_limit is None or self.solution_limit >= 1,
            "options.solution_limit",
            "must be >= 1",
        )
        require(self.workers >= 1, "options.workers", "must be >= 1")
