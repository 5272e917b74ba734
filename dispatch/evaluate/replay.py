"""A plan's routes driven again on other travel times: what its promises are worth.

A plan made on great-circle estimates promises arrival times; driven on real
road times the same routes arrive later (or earlier), miss windows and SLA
deadlines, and run into overtime. :func:`replay` re-times a plan's visit order
on another problem (the same jobs and engineers, other travel), and
:func:`compare` sets each promised start against the one that really happens.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType, ViolationCause

if TYPE_CHECKING:
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

#: Minutes after the promised start that a customer would still call on time.
ON_TIME_TOLERANCE_MIN = 5.0


def drafts_of(problem: Problem, plan: Plan) -> list[RouteDraft]:
    """The visit order of ``plan``'s routes; breaks map to the engineer's breaks in time order."""
    drafts = []
    for route in plan.routes:
        engineer = problem.engineers[problem.slot(route.engineer, route.shift)]
        by_time = sorted(range(len(engineer.breaks)), key=lambda k: engineer.breaks[k].earliest)
        breaks = iter(by_time)
        visits = []
        for stop in route.stops:
            if stop.type is StopType.BREAK:
                visits.append(Visit(StopType.BREAK, next(breaks)))
            elif stop.type is StopType.DEPOT:
                visits.append(Visit(StopType.DEPOT, str(stop.id), dict(stop.pickup), stop.borrow))
            else:
                visits.append(Visit(StopType.JOB, str(stop.id)))
        drafts.append(RouteDraft(route.engineer, tuple(visits), shift=route.shift or 0))
    return drafts


def replay(problem: Problem, plan: Plan) -> Plan:
    """``plan``'s routes, in the same order, timed on ``problem``'s travel."""
    return evaluate(problem, drafts_of(problem, plan), plan.unassigned)


@dataclass(frozen=True)
class Comparison:
    """Promised against real: each assigned job's start, windows, SLA and overtime."""

    jobs: int
    started_late: int  # more than ON_TIME_TOLERANCE_MIN after the promise
    median_delay_min: float
    p90_delay_min: float
    max_delay_min: float
    windows_missed: int
    sla_promised: int
    sla_kept: int
    overtime_promised_min: float
    overtime_real_min: float
    routes_past_shift: int


def compare(promised: Plan, real_problem: Problem) -> Comparison:
    """Replay ``promised`` on ``real_problem`` and count what it would really do."""
    real = replay(real_problem, promised)
    start_of = {o.id: o.start for o in real.jobs}
    delays = sorted(start_of[o.id] - o.start for o in promised.jobs)
    violations = check(real_problem, real)
    windows = {v.path for v in violations if v.cause is ViolationCause.WINDOW}
    past_shift = {v.path for v in violations if v.cause is ViolationCause.SHIFT_END}
    return Comparison(
        jobs=len(delays),
        started_late=sum(d > ON_TIME_TOLERANCE_MIN for d in delays),
        median_delay_min=statistics.median(delays) if delays else 0.0,
        p90_delay_min=delays[int(0.9 * (len(delays) - 1))] if delays else 0.0,
        max_delay_min=delays[-1] if delays else 0.0,
        windows_missed=len(windows),
        sla_promised=promised.kpis.sla_met,
        sla_kept=real.kpis.sla_met,
        overtime_promised_min=promised.kpis.overtime_min,
        overtime_real_min=real.kpis.overtime_min,
        routes_past_shift=len(past_shift),
    )
