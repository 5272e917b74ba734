"""Appointment slots for a new job: the arrival windows the hotline may offer.

The customer's availability (the job's ``windows``) is cut into slots of a
fixed length (two hours by default). For each slot, the job is given that slot
as its only window and inserted where it adds least into the published plan
as it stands, over every shift that overlaps the slot (the same insertion as
"who should go?", on the part of the plan around the job: see
:mod:`dispatch.replanning.around`), each broken promise of
the plan costing ``change_penalty``: nothing else moves, no re-plan runs. A
slot is offered when some engineer's shift can take the job inside it; it says
who, the planned start, what it adds to the objective, and whether every job
already promised keeps its engineer and its start (within the tolerance).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatch.errors import require
from dispatch.io.problem_json import problem_to_json
from dispatch.model.day_state import DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN
from dispatch.model.entities import Window
from dispatch.replanning.around import problem_around
from dispatch.replanning.rest_of_day import published_orders
from dispatch.replanning.who import with_new_job
from dispatch.search.construct import Builder
from dispatch.search.layout import layout_around

if TYPE_CHECKING:
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

#: A slot offered to a customer: two hours, as service organisations usually promise.
DEFAULT_SLOT_MIN = 120.0


@dataclass(frozen=True)
class Slot:
    """One arrival window that can be offered, and how the plan would take it."""

    start: float
    end: float
    engineer: str
    shift: int
    planned_start: float
    added_cost: float
    keeps_promises: bool
    #: How long after the job's SLA deadline it would start (0 when on time or none).
    late_min: float = 0.0


def offer_slots(
    problem: Problem,
    plan: Plan,
    job: dict[str, Any],
    *,
    length_min: float = DEFAULT_SLOT_MIN,
    earliest: float | None = None,
    latest: float | None = None,
    change_penalty: float = DEFAULT_CHANGE_PENALTY,
    tolerance_min: float = DEFAULT_TOLERANCE_MIN,
    whole_plan: bool = False,
    hold: Collection[str] = (),
) -> list[Slot]:
    """The slots of ``length_min`` inside the job's windows, between ``earliest`` and
    ``latest`` (minutes of the problem's clock), that some shift can take, in time order.

    ``whole_plan`` looks at every engineer's plan rather than the part around the
    job: slower on a big plan, and the answer the quick one is measured against.
    ``hold``: jobs of the problem not in the plan that must keep their place all
    the same (appointments booked since it was made); each goes where it adds
    least before any slot is tried."""
    require(length_min > 0, "length_min", "must be > 0")
    data = problem_to_json(problem)
    if whole_plan:
        day = with_new_job(data, job)
    else:
        day = problem_around(problem, data, plan, job, hold)
    j = day.job_index[str(job["id"])]
    orders, _ = published_orders(day, plan)
    held = [day.job_index[h] for h in sorted(hold) if h in day.job_index]
    layout = layout_around(day, orders, [*held, j])
    if j not in layout.allowed:
        return []  # no engineer's shift could serve it even alone (skills, parts, reach)
    builder = Builder(day, layout)
    builder.follow(orders)
    if held:
        # booked since the plan was made: placed keeping the plan's promises if they can
        builder.keep_promises(_as_timed(builder), change_penalty, tolerance_min)
        builder.insert_all([h for h in held if h in layout.allowed])
    # Each planned job's promise is its start as the search times the plan (which
    # may place a break elsewhere than the plan did): a slot breaks a promise only
    # by moving a job, never because the two timings differ.
    promised = _as_timed(builder)
    builder.keep_promises(promised, change_penalty, tolerance_min)
    offered = []
    for slot in _cut(day.jobs[j].windows, length_min, earliest, latest):
        builder.windows[j] = (slot,)
        found = _cheapest(builder, j, slot)
        if found is None:
            continue
        delta, route, position, depot, _, _ = found
        # timed as the search times them, with the job's window narrowed to the slot
        order = [*route.jobs[:position], j, *route.jobs[position:]]
        after = builder.time_route(route.v, depot, order)
        assert after is not None
        ends = dict(zip(order, after.ends, strict=True))
        engineer = day.engineers[route.v]
        planned_start = ends[j] - day.jobs[j].duration_min
        deadline = day.jobs[j].sla_deadline
        offered.append(
            Slot(
                start=slot.start,
                end=slot.end,
                engineer=engineer.id,
                shift=engineer.shift_index,
                planned_start=planned_start,
                added_cost=delta,
                keeps_promises=not _broken(day, promised, route.v, ends, tolerance_min),
                late_min=0.0 if deadline is None else max(0.0, planned_start - deadline),
            )
        )
    return offered


def _cheapest(
    builder: Builder, j: int, slot: Window
) -> tuple[float, Any, int, int | None, dict[str, int], set[str]] | None:
    """The cheapest insertion of ``j`` over every shift that overlaps ``slot``."""
    best = None
    for v in builder.layout.allowed[j]:
        shift = builder.problem.engineers[v].shift
        if shift.start > slot.end or builder.problem.engineers[v].latest_return < slot.start:
            continue
        found = builder.insertion_into(v, j)
        if found is not None and (best is None or found[0] < best[0] - 1e-9):
            best = found
    return best


def _cut(
    windows: tuple[Window, ...], length: float, earliest: float | None, latest: float | None
) -> list[Window]:
    """Consecutive slots of ``length`` from each window's start, whole ones only."""
    low = -math.inf if earliest is None else earliest
    high = math.inf if latest is None else latest
    out = []
    for window in windows:
        start = window.start
        while start + length <= window.end + 1e-9:
            if start >= low - 1e-9 and start + length <= high + 1e-9:
                out.append(Window(start, start + length))
            start += length
    return out


def _broken(
    day: Problem,
    promised: dict[int, tuple[int, float]],
    v: int,
    ends: dict[int, float],
    tolerance_min: float,
) -> set[int]:
    """The jobs of a route, timed to end at ``ends``, whose start is not the one promised."""
    return {
        k
        for k, end in ends.items()
        if k in promised
        and (
            promised[k][0] != v
            or abs(end - day.jobs[k].duration_min - promised[k][1]) > tolerance_min + 1e-6
        )
    }


def _as_timed(builder: Builder) -> dict[int, tuple[int, float]]:
    """Job -> (engineer's shift, start) as the builder times the routes it follows."""
    out: dict[int, tuple[int, float]] = {}
    for route in builder.routes:
        if not route.jobs:
            continue
        timing = builder.time_route(route.v, route.depot, route.jobs)
        if timing is None:
            continue  # a route the search cannot time as published: no promise to keep
        for k, end in zip(route.jobs, timing.ends, strict=True):
            out[k] = (route.v, end - builder.problem.jobs[k].duration_min)
    return out
