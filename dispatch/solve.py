"""``solve(problem, options) -> Plan``: the one entry point of the dispatch solver."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import TYPE_CHECKING

from dispatch.check import check
from dispatch.diagnose import diagnose
from dispatch.evaluate import evaluate, schedule
from dispatch.ortools_engine import ProgressCallback, solve_routes
from dispatch.pickups import trim
from dispatch.plan import Plan, SolverInfo

if TYPE_CHECKING:
    from dispatch.model import SolveOptions
    from dispatch.problem import Problem

log = logging.getLogger(__name__)


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
        Every figure recomputed from the routes; checked by :func:`dispatch.check.check`.

    Raises
    ------
    SolverDefect
        If the routes found break a rule (never expected; reported, not hidden).
    """
    options = options or problem.options
    began = time.monotonic()
    result = solve_routes(problem, options, progress, tidy=partial(trim, problem))
    drafts = trim(problem, result.drafts)
    routes = [schedule(problem, d) for d in drafts if d.job_ids]
    served = {job_id for r in routes for job_id in r.job_ids}
    unserved = [j.id for j in problem.jobs if j.id not in served]
    unassigned = diagnose(problem, routes, unserved)
    info = SolverInfo(
        engine="ortools",
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        wall_s=time.monotonic() - began,
        status=result.status,
        solutions=result.solutions,
        first_solution_s=result.first_solution_s,
    )
    plan = evaluate(problem, drafts, unassigned, info)
    violations = check(problem, plan)
    if violations:
        raise SolverDefect("; ".join(str(v) for v in violations[:5]))
    return plan
