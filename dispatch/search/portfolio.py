"""Several searches at once, one per core, each with its own seed; the best plan wins.

OR-Tools routing and PyVRP each search on one core. On a machine with more, the
same engine runs in ``workers`` processes with seeds ``seed``, ``seed + 1``, ...
and the plan with the lowest contract objective (recomputed from its routes)
is kept; ties go to the lowest seed, so the outcome stays deterministic under
a solution limit.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from dispatch.evaluate.timing import evaluate
from dispatch.model.entities import Engine
from dispatch.search.ortools_engine import solve_routes as ortools_routes
from dispatch.search.pickups import trim
from dispatch.search.pyvrp_engine import solve_routes as pyvrp_routes
from dispatch.search.types import EngineResult, ProgressCallback

if TYPE_CHECKING:
    from dispatch.model.entities import SolveOptions
    from dispatch.model.problem import Problem


def run_engine(
    problem: Problem,
    options: SolveOptions,
    engine: Engine,
    progress: ProgressCallback | None = None,
) -> EngineResult:
    if engine is Engine.PYVRP:
        return pyvrp_routes(problem, options, progress)
    return ortools_routes(problem, options, progress)


def _worker(problem: Problem, options: SolveOptions, engine: Engine, began: float) -> EngineResult:
    # CLOCK_MONOTONIC is shared by all processes: the worker keeps the caller's deadline.
    left = options.time_limit_s - (time.monotonic() - began)
    return run_engine(problem, replace(options, time_limit_s=max(left, 0.1)), engine)


def objective_of(problem: Problem, result: EngineResult) -> float:
    return evaluate(problem, trim(problem, result.drafts), []).kpis.objective


def run_portfolio(
    problem: Problem,
    options: SolveOptions,
    engine: Engine,
    progress: ProgressCallback | None = None,
) -> EngineResult:
    """Run ``options.workers`` searches (this process included) and keep the best."""
    began = time.monotonic()
    if options.workers <= 1:
        return run_engine(problem, options, engine, progress)
    context = multiprocessing.get_context("spawn")
    seeds = [options.seed + k for k in range(options.workers)]
    with ProcessPoolExecutor(max_workers=len(seeds) - 1, mp_context=context) as pool:
        futures = [
            pool.submit(_worker, problem, replace(options, seed=s, workers=1), engine, began)
            for s in seeds[1:]
        ]
        results = [run_engine(problem, replace(options, workers=1), engine, progress)]
        results += [f.result() for f in futures]
    scored = [(objective_of(problem, r), k) for k, r in enumerate(results)]
    best = min(scored)[1]
    total = sum(r.solutions for r in results)
    chosen = results[best]
    return replace(
        chosen,
        solutions=total,
        wall_s=time.monotonic() - began,
        status=f"{chosen.status} (seed {seeds[best]} of {len(seeds)})",
    )
