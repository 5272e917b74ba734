"""The problem aggregate: entities plus the cross-reference rules between them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from dispatch.errors import require
from dispatch.model.entities import Depot, Engineer, Job, Objective, SolveOptions, Window
from dispatch.model.units import Clock
from dispatch.travel.locations import GeoPoint, Location
from dispatch.travel.providers import LocationError, MatrixTravel, TravelMatrices, TravelModel

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Problem:
    """A validated dispatch problem. Build variants with ``dataclasses.replace``."""

    horizon: Window
    travel: TravelModel
    engineers: tuple[Engineer, ...]
    jobs: tuple[Job, ...]
    depots: tuple[Depot, ...] = ()
    objective: Objective = field(default_factory=Objective)
    options: SolveOptions = field(default_factory=SolveOptions)
    clock: Clock = field(default_factory=lambda: Clock(None))

    def __post_init__(self) -> None:
        self.horizon.check("horizon")
        _unique([e.id for e in self.engineers if e.shift_index == 0], "engineers")
        _unique([j.id for j in self.jobs], "jobs")
        _unique([d.id for d in self.depots], "depots")
        self._check_shifts()
        self._check_follows()
        engineer_ids = {e.id for e in self.engineers}
        for job in self.jobs:
            path = f"jobs[{job.id}]"
            if job.pinned_engineer is not None:
                require(
                    job.pinned_engineer in engineer_ids,
                    f"{path}.pinned_engineer",
                    f"unknown engineer '{job.pinned_engineer}'",
                )
            for name in ("excluded_engineers", "preferred_engineers"):
                for eid in sorted(getattr(job, name)):
                    require(eid in engineer_ids, f"{path}.{name}", f"unknown engineer '{eid}'")
        self._check_location_kinds()

    def _check_shifts(self) -> None:
        """An engineer's shifts are numbered in order, sorted and apart."""
        for eid, slots in self.slots_of.items():
            shifts = [self.engineers[v] for v in slots]
            for k, slot in enumerate(shifts):
                require(
                    slot.shift_index == k,
                    slot.shift_path,
                    "shifts must be listed together, in order",
                )
                if k:
                    require(
                        slot.shift.start >= shifts[k - 1].shift.end,
                        f"{slot.shift_path}.start",
                        f"must not be before shifts[{k - 1}].end (shifts are sorted, do not overlap)",
                    )
            require(
                len(shifts) == 1 or all(s.in_shifts for s in shifts),
                f"engineers[{eid}]",
                "has several shifts only in the 'shifts' form",
            )

    def _check_follows(self) -> None:
        """``after`` names known jobs and never leads back to the job itself."""
        index = self.job_index
        for job in self.jobs:
            for i, follows in enumerate(job.after):
                require(
                    follows.job in index,
                    f"jobs[{job.id}].after[{i}].job",
                    f"unknown job '{follows.job}'",
                )
        state: dict[str, int] = {}  # 1: on the path being walked, 2: done

        def walk(jid: str) -> None:
            state[jid] = 1
            for i, follows in enumerate(self.jobs[index[jid]].after):
                mark = state.get(follows.job, 0)
                require(
                    mark != 1,
                    f"jobs[{jid}].after[{i}].job",
                    f"'{follows.job}' follows '{jid}' through other jobs (a cycle)",
                )
                if mark == 0:
                    walk(follows.job)
            state[jid] = 2

        for job in self.jobs:
            if job.after and job.id not in state:
                walk(job.id)

    def _check_location_kinds(self) -> None:
        want_geo = self.travel.location_kind == "geo"
        label = "lat/lon" if want_geo else "x/y"
        for path, loc in self.located():
            require(
                isinstance(loc, GeoPoint) == want_geo,
                path,
                f"must be given as {label} for travel kind '{self.travel.kind}'",
            )
        if isinstance(self.travel, MatrixTravel):
            located = self.located()
            rows = self.travel.indices_of([loc for _, loc in located])
            for (path, _), row in zip(located, rows, strict=True):
                require(row is not None, path, "is not one of travel.points (matched exactly)")

    def located(self) -> list[tuple[str, Location]]:
        """Every location in the problem with its JSON path."""
        out: list[tuple[str, Location]] = []
        for e in self.engineers:
            out += [(f"engineers[{e.id}].start", e.start), (f"engineers[{e.id}].end", e.end)]
        out += [(f"jobs[{j.id}].site", j.site) for j in self.jobs]
        out += [(f"depots[{d.id}].location", d.location) for d in self.depots]
        return out

    @cached_property
    def network(self) -> Network:
        """Travel matrices over the problem's distinct locations (computed once)."""
        return Network.build(self)

    @cached_property
    def lendable_tools(self) -> frozenset[str]:
        """Tools some depot lends."""
        return frozenset(t for d in self.depots for t in d.tools)

    @cached_property
    def depot_stock_totals(self) -> dict[str, int]:
        """Units of each part over all depots."""
        totals: dict[str, int] = {}
        for d in self.depots:
            for part, units in d.stock.items():
                totals[part] = totals.get(part, 0) + units
        return totals

    @cached_property
    def engineer_index(self) -> dict[str, int]:
        """Engineer id -> its first shift's index in ``engineers``."""
        out: dict[str, int] = {}
        for i, e in enumerate(self.engineers):
            out.setdefault(e.id, i)
        return out

    @cached_property
    def slots_of(self) -> dict[str, tuple[int, ...]]:
        """Engineer id -> the indices in ``engineers`` of each of their shifts, in order."""
        out: dict[str, list[int]] = {}
        for i, e in enumerate(self.engineers):
            out.setdefault(e.id, []).append(i)
        return {eid: tuple(slots) for eid, slots in out.items()}

    def slot(self, engineer: str, shift: int | None = 0) -> int:
        """Index in ``engineers`` of an engineer's shift (KeyError if there is none)."""
        return self.slot_index[(engineer, shift or 0)]

    @cached_property
    def slot_index(self) -> dict[tuple[str, int], int]:
        """(engineer id, shift index) -> index in ``engineers``."""
        return {(e.id, e.shift_index): i for i, e in enumerate(self.engineers)}

    @cached_property
    def several_days(self) -> bool:
        """Whether the problem uses a form of contract 1.1 (shifts, periods, ``after``, callouts)."""
        return (
            any(e.in_shifts for e in self.engineers)
            or any(d.periods for d in self.depots)
            or any(j.after for j in self.jobs)
            or self.objective.callout_cost > 0
        )

    def service_min(self, job: int, slot: int) -> float:
        """Minutes engineer shift ``slot`` takes on job ``job`` (contract 1.2): the job's
        duration times the engineer's ``duration_factor``, rounded up to whole minutes
        when times are clock strings."""
        duration = self.jobs[job].duration_min
        factor = self.engineers[slot].duration_factor
        if factor == 1.0:
            return duration
        scaled = duration * factor
        return float(math.ceil(scaled - 1e-9)) if self.clock.epoch is not None else scaled

    def crew_service_min(self, job: int, slots: Sequence[int]) -> float:
        """How long a crew job lasts: as long as its slowest member needs."""
        return max((self.service_min(job, v) for v in slots), default=self.jobs[job].duration_min)

    @cached_property
    def has_crews(self) -> bool:
        """Whether some job needs several engineers together (contract 1.2)."""
        return any(j.crew > 1 for j in self.jobs)

    @cached_property
    def has_speeds(self) -> bool:
        """Whether some engineer works at another speed than the job's duration (1.2)."""
        return any(e.duration_factor != 1.0 for e in self.engineers)

    @cached_property
    def job_index(self) -> dict[str, int]:
        return {j.id: i for i, j in enumerate(self.jobs)}

    @cached_property
    def depot_index(self) -> dict[str, int]:
        return {d.id: i for i, d in enumerate(self.depots)}


@dataclass(frozen=True)
class Network:
    """Distinct locations of a problem, where each entity sits, and the travel between them."""

    locations: tuple[Location, ...]
    engineer_start: tuple[int, ...]
    engineer_end: tuple[int, ...]
    job_site: tuple[int, ...]
    depot_site: tuple[int, ...]
    travel: TravelMatrices

    @classmethod
    def build(cls, problem: Problem) -> Network:
        index: dict[Location, int] = {}

        def at(loc: Location) -> int:
            return index.setdefault(loc, len(index))

        starts = tuple(at(e.start) for e in problem.engineers)
        ends = tuple(at(e.end) for e in problem.engineers)
        sites = tuple(at(j.site) for j in problem.jobs)
        depots = tuple(at(d.location) for d in problem.depots)
        locations = tuple(index)
        try:
            travel = problem.travel.matrices(locations)
        except LocationError as exc:
            names: dict[Location, str] = {}
            for path, loc in problem.located():
                names.setdefault(loc, path)
            raise exc.naming(lambda loc: names.get(loc, "travel")) from None
        return cls(locations, starts, ends, sites, depots, travel)

    def minutes(self, a: int, b: int) -> float:
        return float(self.travel.minutes[a, b])

    def km(self, a: int, b: int) -> float:
        return float(self.travel.km[a, b])


def _unique(ids: Sequence[str], collection: str) -> None:
    seen: set[str] = set()
    for i in ids:
        require(i not in seen, f"{collection}[{i}].id", "is used twice")
        seen.add(i)
