"""``solve(problem, options) -> Plan``: the one entry point of the dispatch solver."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from dispatch.errors import ProblemError
from dispatch.evaluate.check import check
from dispatch.evaluate.diagnose import diagnose
from dispatch.evaluate.timing import evaluate, schedule_all
from dispatch.model.entities import Engine
from dispatch.model.plan import Plan, SolverInfo
from dispatch.search.pickups import trim
from dispatch.search.portfolio import run_portfolio
from dispatch.search.pyvrp_engine import fits as pyvrp_fits
from dispatch.search.types import EngineResult, ProgressCallback

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatch.model.draft import RouteDraft
    from dispatch.model.entities import SolveOptions
    from dispatch.model.problem import Problem

log = logging.getLogger(__name__)

#: The least search time an engine is given, when a fallback finds the limit spent:
#: enough for a constructed plan, which is always returned.
MIN_SEARCH_S = 0.05
#: Below this many seconds left, a fallback searches in this process alone.
PORTFOLIO_MIN_S = 5.0


class SolverDefect(RuntimeError):
    """The engine returned routes that break a rule: a bug, never the user's input."""


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan the day: routes, SLA status per job, unassigned jobs with reasons, KPIs.

    Parameters
    ----------
    problem
        A validated problem.
    options
        Time limit, seed and solution limit; the problem's own ``options`` if None.
        With ``solution_limit`` set, the same input and seed give the same plan.
    progress
        Called with (seconds, objective, solutions) at every improving solution.

    Returns
    -------
    Plan
        Every figure recomputed from the routes; checked by :func:`dispatch.evaluate.check.check`.

    Raises
    ------
    SolverDefect
        If the routes found break a rule (never expected; reported, not hidden).
    """
    options = options or problem.options
    began = time.monotonic()
    engine = choose_engine(problem, options.engine)
    # Leave time to time, diagnose and check the plan within the caller's limit.
    reserve = min(0.25 * options.time_limit_s, 0.3 + 0.001 * len(problem.jobs))
    search = replace(options, time_limit_s=options.time_limit_s - reserve)
    result = None
    if not problem.engineers or not problem.jobs:
        result = EngineResult((), "nothing to plan", 0, 0.0, 0.0)
    elif engine is Engine.PYVRP:
        result = run_portfolio(problem, search, engine, progress)
        if not result.status.startswith("success"):
            # PyVRP found no feasible solution in time (a required job it cannot fit,
            # say); OR-Tools, which may leave jobs out, takes over.
            log.warning("pyvrp found no feasible plan; solving with ortools")
            engine, result = Engine.ORTOOLS, None
    if result is None:
        # A fallback shares what is left of the limit; it never starts a new one.
        left = search.time_limit_s - (time.monotonic() - began)
        workers = search.workers if left >= PORTFOLIO_MIN_S else 1  # processes take time to start
        search = replace(search, time_limit_s=max(left, MIN_SEARCH_S), workers=workers)
        result = run_portfolio(problem, search, Engine.ORTOOLS, progress)
    info = SolverInfo(
        engine=engine.value,
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        wall_s=0.0,
        status=result.status,
        solutions=result.solutions,
        first_solution_s=result.first_solution_s,
    )
    plan = _plan_from(problem, result.drafts, info, began)
    violations = check(problem, plan)
    if violations and result.fallback is not None:
        # The local search's routes break a rule the model should have enforced:
        # report it, and return the routes of the step before, checked the same way.
        log.error("search returned an invalid plan (%s); using its starting plan", violations[0])
        plan = _plan_from(problem, result.fallback, replace(info, status="fallback"), began)
        violations = check(problem, plan)
    if violations:
        raise SolverDefect("; ".join(str(v) for v in violations[:5]))
    return plan


def _plan_from(
    problem: Problem, found: Sequence[RouteDraft], info: SolverInfo, began: float
) -> Plan:
    plan = plan_from_drafts(problem, found)
    return replace(plan, solver=replace(info, wall_s=time.monotonic() - began))


def plan_from_drafts(problem: Problem, found: Sequence[RouteDraft]) -> Plan:
    """Trim pickups, time the routes, diagnose the unserved jobs, recompute every figure."""
    drafts = trim(problem, found)
    routes = schedule_all(problem, [d for d in drafts if d.job_ids])
    served = {job_id for r in routes for job_id in r.job_ids}
    unserved = [j.id for j in problem.jobs if j.id not in served]
    unassigned = diagnose(problem, routes, unserved)
    return evaluate(problem, drafts, unassigned)


def choose_engine(problem: Problem, wanted: Engine) -> Engine:
    """``auto`` takes PyVRP where it models every rule of the problem, else OR-Tools."""
    if wanted is Engine.PYVRP and not pyvrp_fits(problem):
        raise ProblemError(
            "options.engine",
            "pyvrp cannot model this problem (it has breaks, overtime, parts, tools, skills, crews, "
            "pins, exclusions, several windows or SLA deadlines); use ortools or auto",
        )
    if wanted is Engine.AUTO:
        return Engine.PYVRP if pyvrp_fits(problem) else Engine.ORTOOLS
    return wanted
