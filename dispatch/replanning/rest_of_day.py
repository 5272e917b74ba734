"""Re-planning during the day: the rest of the day re-optimised, changing as little as it can.

From the published plan and the state of the day (:mod:`dispatch.model.day_state`)
comes the *rest-of-day problem*: each engineer starts where they are (at the
job in progress, when it ends; at a reported position; else at the last job
done, or home), no earlier than now; van stock less the parts used, plus the
parts picked up; depots less what was taken; breaks already taken dropped;
an engineer unavailable from some time works until then. Jobs done, in
progress or cancelled leave the problem; new jobs join it.

The published plan's order is the starting point. Every promise it made for a
job not yet started (this engineer, this start, within a tolerance) costs
``change_penalty`` when broken, so the search moves a job only when that earns
more than the penalty: new emergencies go in by SLA priority, and the rest
changes as little as it can. The result is a plan of the rest-of-day problem
(checkable against it) and a list of what changed against the published plan,
and why.

A plan of several days is re-planned on the day that holds ``now``: that day is
cut out as a one-day problem and plan first (:mod:`dispatch.replanning.day_of`),
and the routes of other days stand as published.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dispatch.evaluate.check import check
from dispatch.model.day_state import DayState, ReportedStatus
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.plan import SolverInfo
from dispatch.model.reasons import StopType
from dispatch.replanning.changes import Change, changes_between
from dispatch.replanning.day_of import day_under_way
from dispatch.replanning.residual import load_residual, residual_problem
from dispatch.search.construct import Builder
from dispatch.search.improve import improve
from dispatch.search.layout import plan_layout
from dispatch.solve import plan_from_drafts

if TYPE_CHECKING:
    from collections.abc import Container

    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem

#: A re-plan answers while the dispatcher waits: seconds when no options say otherwise.
DEFAULT_TIME_LIMIT_S = 2.0
#: Share of the time limit the search may use; the rest times and diagnoses the plan.
SEARCH_SHARE = 0.85


@dataclass(frozen=True)
class Replan:
    """The rest-of-day problem (JSON and model), its plan, and the changes."""

    problem_data: dict[str, Any]
    problem: Problem
    plan: Plan
    changes: tuple[Change, ...]
    unchanged: int


# ------------------------------------------------------------ residual --


def _kept_routes(
    rest: Problem, plan: Plan, state: DayState, every: bool = False
) -> dict[str, RouteDraft]:
    """The rest of published routes that visit a depot after a job, kept as they are
    (with ``every``, the rest of every published route).

    The search sends an engineer to a depot only at the start of their day; a
    published route with a pickup later on cannot be followed by it, and
    rebuilding it would move every job after the pickup for nothing.
    """
    out: dict[str, RouteDraft] = {}
    for route in plan.routes:
        report = state.engineers.get(route.engineer)
        if route.engineer not in rest.engineer_index or (
            report is not None and report.unavailable_from is not None
        ):
            continue
        visits: list[Visit] = []
        breaks_left = 0
        # Breaks the rest of the day no longer has (one due while the engineer is on
        # the road at ``now``) are not kept: skip the earliest published ones beyond it.
        ahead = sum(1 for s in route.stops if s.type is StopType.BREAK and s.start >= state.now)
        skip = max(0, ahead - len(rest.engineers[rest.engineer_index[route.engineer]].breaks))
        for stop in route.stops:
            if stop.type is StopType.JOB:
                if state.status(str(stop.id)) is None and str(stop.id) in rest.job_index:
                    visits.append(Visit(StopType.JOB, str(stop.id)))
            elif stop.type is StopType.DEPOT:
                if stop.end > state.now:
                    visits.append(
                        Visit(StopType.DEPOT, str(stop.id), dict(stop.pickup), stop.borrow)
                    )
            elif stop.start >= state.now:
                if skip:
                    skip -= 1
                    continue
                visits.append(Visit(StopType.BREAK, breaks_left))
                breaks_left += 1
        located = [v.type for v in visits if v.type is not StopType.BREAK]
        depots = [k for k, kind in enumerate(located) if kind is StopType.DEPOT]
        if every or any(k > 0 for k in depots):
            out[route.engineer] = RouteDraft(route.engineer, tuple(visits))
    return out


def _nothing_happened(plan: Plan, state: DayState) -> bool:
    """Whether the day went exactly as published: no new, cancelled or late work,
    nobody off sick or elsewhere, every job done or started when the plan said."""
    if state.new_jobs or state.picked_up is not None or state.engineers:
        return False
    now = state.now
    for route in plan.routes:
        for stop in route.stops:
            if stop.type is not StopType.JOB:
                continue
            report = state.jobs.get(str(stop.id))
            if stop.end <= now:
                expected = ReportedStatus.DONE
            elif stop.start <= now:
                expected = ReportedStatus.IN_PROGRESS
            else:
                expected = None
            got = None if report is None else report.status
            if got is not expected:
                return False
            if got is ReportedStatus.IN_PROGRESS and (
                report is None or report.started is None or abs(report.started - stop.start) > 1e-6
            ):
                return False
    listed = {str(s.id) for r in plan.routes for s in r.stops if s.type is StopType.JOB}
    return all(jid in listed for jid in state.jobs)


def published_orders(
    day: Problem, plan: Plan, skip: Container[str] = ()
) -> tuple[dict[int, list[int]], dict[int, tuple[int, float]]]:
    """Each published route's jobs still in ``day``, in order, and the promise of
    each (engineer's shift, start), by ``day``'s indices; engineers in ``skip`` left out."""
    orders: dict[int, list[int]] = {}
    promised: dict[int, tuple[int, float]] = {}
    for route in plan.routes:
        v = day.slot_index.get((route.engineer, route.shift or 0))
        if v is None or route.engineer in skip:
            continue  # an engineer (or a shift) the day no longer has
        for stop in route.stops:
            if stop.type is StopType.JOB and str(stop.id) in day.job_index:
                j = day.job_index[str(stop.id)]
                if j not in promised or stop.lead:  # a crew's promise is its lead's
                    promised[j] = (v, stop.start)
                orders.setdefault(v, []).append(j)
    return orders, promised


def replan(
    problem: Problem,
    plan: Plan,
    state: DayState,
    options: SolveOptions | None = None,
) -> Replan:
    """Re-optimise the rest of the day from ``state`` (see the module docstring).

    ``options`` as for :func:`dispatch.solve.solve`, with a time limit of
    :data:`DEFAULT_TIME_LIMIT_S` when left out. With ``solution_limit`` the search
    stops after that many improvement steps, and the same input and seed give the
    same plan (unless the time limit comes first).
    """
    options = options or SolveOptions(time_limit_s=DEFAULT_TIME_LIMIT_S)
    time_limit_s, seed, max_steps = options.time_limit_s, options.seed, options.solution_limit
    began = time.monotonic()
    problem, plan, state = day_under_way(problem, plan, state)
    data = residual_problem(problem, plan, state)
    rest = load_residual(data, state)
    new_plan, steps = None, 0
    if _nothing_happened(plan, state):
        # The published plan still holds: keep it exactly, if it is valid as it stands.
        same = _kept_routes(rest, plan, state, every=True)
        candidate = plan_from_drafts(rest, list(same.values()))
        if not check(rest, candidate):
            new_plan = candidate
    kept = _kept_routes(rest, plan, state)
    if new_plan is None:
        new_plan, steps = _search(rest, plan, state, kept, began, time_limit_s, seed, max_steps)
    if kept and check(rest, new_plan):
        # a kept route no longer holds (its stock or times moved): search them too
        new_plan, steps = _search(rest, plan, state, {}, began, time_limit_s, seed, max_steps)
    new_plan = replace(
        new_plan,
        solver=SolverInfo(
            engine="replan",
            time_limit_s=time_limit_s,
            seed=seed,
            wall_s=time.monotonic() - began,
            status="success",
            solutions=steps + 1,
        ),
    )
    changes, unchanged = changes_between(problem, plan, state, new_plan)
    return Replan(data, rest, new_plan, tuple(changes), unchanged)


def _search(
    rest: Problem,
    plan: Plan,
    state: DayState,
    kept: dict[str, RouteDraft],
    began: float,
    time_limit_s: float,
    seed: int,
    max_steps: int | None = None,
) -> tuple[Plan, int]:
    """Search the rest of the day around the kept routes; the plan and steps taken."""
    layout = plan_layout(rest)
    kept_engineers = {rest.engineer_index[e] for e in kept}
    kept_jobs = {rest.job_index[j] for d in kept.values() for j in d.job_ids}
    if kept:
        layout.jobs = [j for j in layout.jobs if j not in kept_jobs]
        layout.allowed = {
            j: [v for v in who if v not in kept_engineers]
            for j, who in layout.allowed.items()
            if j not in kept_jobs
        }
        layout.jobs = [j for j in layout.jobs if layout.allowed.get(j)]
    builder = Builder(rest, layout)
    for draft in kept.values():
        for visit in draft.visits:
            if visit.type is StopType.DEPOT:
                stock = builder.stock[rest.depot_index[str(visit.ref)]]
                for part, units in visit.pickup.items():
                    stock[part] = stock.get(part, 0) - units
    orders, promised = published_orders(rest, plan, skip=kept)
    builder.keep_promises(promised, state.change_penalty, state.tolerance_min)
    builder.count_idle_routes()
    for v in kept_engineers:
        builder.routes[v].cost = 0.0  # not searched
    builder.follow(orders)
    # New emergencies may take the place of the last jobs of a full day, as "who" offers.
    builder.insert_all(
        sorted((j for j in layout.jobs if j not in builder.where), key=builder.urgency),
        displace=True,
    )
    deadline = began + SEARCH_SHARE * time_limit_s
    steps = (
        improve(builder, seed, deadline=deadline, max_steps=max_steps)
        if time.monotonic() < deadline
        else 0
    )
    return plan_from_drafts(rest, [*builder.drafts(), *kept.values()]), steps
