"""Background runs: plans, stock plans and scenario studies never block a request.

A request stores a queued :class:`~api.models.Run` and hands its id to an
:class:`Executor`. Whoever executes it first *claims* it (one conditional
UPDATE from queued to running), so a run is never executed twice, whichever
process or machine picks it up; that is the seam where a distributed task
engine plugs in. Each run uses its own database session. A run that was
running when its process died is marked failed by :func:`recover` when the
service starts again; queued runs are picked up again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select, update

from api.models import Run, RunKind, RunStatus, utcnow

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

#: Progress is written at most this often (seconds) so a solve does not hammer the database.
PROGRESS_EVERY_S = 0.5
INTERRUPTED = "the service stopped while this run was in progress; start it again"


class Executor(Protocol):
    """Runs stored runs somewhere; ``submit`` must return at once."""

    def submit(self, run_id: int) -> None: ...

    def shutdown(self) -> None: ...


class ThreadExecutor:
    """The embedded default: worker threads in this process."""

    def __init__(self, sessions: sessionmaker[Session], workers: int = 1) -> None:
        self._sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fieldplan-run")

    def submit(self, run_id: int) -> None:
        self._pool.submit(execute, self._sessions, run_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


class InlineExecutor:
    """Runs at once in the caller's thread (scripts and tests; the request waits)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def submit(self, run_id: int) -> None:
        execute(self._sessions, run_id)

    def shutdown(self) -> None:
        pass


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim(s: Session, run_id: int) -> bool:
    """Take a queued run; False when someone else already did."""
    now = utcnow()
    taken = s.execute(
        update(Run)
        .where(Run.id == run_id, Run.status == RunStatus.QUEUED.value)
        .values(
            status=RunStatus.RUNNING.value, started_at=now, heartbeat_at=now, worker=worker_name()
        )
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def execute(sessions: sessionmaker[Session], run_id: int) -> None:
    """Claim and carry out one run, storing its result or its failure."""
    with sessions() as s, s.begin():
        if not claim(s, run_id):
            return
    with sessions() as s:
        run = s.get(Run, run_id)
        assert run is not None
        kind, params, problem = run.kind, dict(run.params), run.problem
    reporter = _Reporter(sessions, run_id)
    try:
        result = RUNNERS[RunKind(kind)](params, problem, reporter)
    except Exception as exc:  # a run's failure is stored, never lost in a thread
        log.exception("run %s failed", run_id)
        _finish(sessions, run_id, RunStatus.FAILED, None, f"{type(exc).__name__}: {exc}")
        return
    _finish(sessions, run_id, RunStatus.DONE, result, None)


def _finish(
    sessions: sessionmaker[Session],
    run_id: int,
    status: RunStatus,
    result: dict[str, Any] | None,
    error: str | None,
) -> None:
    with sessions() as s, s.begin():
        run = s.get(Run, run_id)
        assert run is not None
        run.status = status.value
        run.result = result
        run.error = error
        run.finished_at = utcnow()
        if status is RunStatus.DONE:
            run.progress = {**run.progress, "fraction": 1.0}


class _Reporter:
    """Writes a run's progress to its row, throttled; also the heartbeat."""

    def __init__(self, sessions: sessionmaker[Session], run_id: int) -> None:
        self._sessions = sessions
        self._run_id = run_id
        self._last = 0.0

    def __call__(self, progress: dict[str, Any], force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY_S:
            return
        self._last = now
        with self._sessions() as s, s.begin():
            s.execute(
                update(Run)
                .where(Run.id == self._run_id)
                .values(progress=progress, heartbeat_at=utcnow())
                .execution_options(synchronize_session=False)
            )


def queued_runs(s: Session) -> list[int]:
    return list(
        s.scalars(select(Run.id).where(Run.status == RunStatus.QUEUED.value).order_by(Run.id))
    )


def recover(s: Session) -> int:
    """After a restart, runs left running by a dead process are failed; returns how many.

    Call it once per service start, before any worker executes runs (with
    several worker processes, in the parent before they start).
    """
    failed = s.execute(
        update(Run)
        .where(Run.status == RunStatus.RUNNING.value)
        .values(status=RunStatus.FAILED.value, error=INTERRUPTED, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return int(failed)


def _plan(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: _Reporter
) -> dict[str, Any]:
    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import plan_to_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.solve import solve

    assert problem_data is not None
    if "replan_of" in params:
        return _replan(params, problem_data, report)
    problem = problem_from_json(problem_data)
    limit = problem.options.time_limit_s

    def progress(seconds: float, objective: float, solutions: int) -> None:
        report(
            {
                "seconds": round(seconds, 2),
                "time_limit_s": limit,
                "fraction": round(min(1.0, seconds / limit), 3) if limit else None,
                "objective": round(objective, 2),
                "solutions": solutions,
            }
        )

    plan = solve(problem, problem.options, progress)
    violations = check(problem, plan)
    if violations:
        raise RuntimeError(f"the plan breaks {len(violations)} rule(s): {violations[0]}")
    return {"plan": plan_to_json(plan, problem.clock)}


def _replan(params: dict[str, Any], bundle: dict[str, Any], report: _Reporter) -> dict[str, Any]:
    """The rest of the day from the stored state; the result carries the rest-of-day problem."""
    from dispatch.evaluate.check import check
    from dispatch.io.plan_json import plan_from_json, plan_to_json
    from dispatch.io.problem_json import problem_from_json
    from dispatch.io.state_json import state_from_json
    from dispatch.model.entities import SolveOptions
    from dispatch.replanning.changes import changes_to_json
    from dispatch.replanning.rest_of_day import replan

    problem = problem_from_json(bundle["problem"])
    published = plan_from_json(bundle["plan"], problem.clock)
    state = state_from_json(bundle["state"], problem)
    report({"fraction": 0.0, "time_limit_s": params["time_limit_s"]}, force=True)
    result = replan(
        problem,
        published,
        state,
        SolveOptions(time_limit_s=params["time_limit_s"], seed=params["seed"]),
    )
    violations = check(result.problem, result.plan)
    if violations:
        raise RuntimeError(f"the new plan breaks {len(violations)} rule(s): {violations[0]}")
    return {
        "plan": plan_to_json(result.plan, result.problem.clock),
        "changes": changes_to_json(result.changes, result.unchanged, problem),
        "problem": result.problem_data,
    }


def _stock(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: _Reporter
) -> dict[str, Any]:
    from inventory.json_io import problem_from_json
    from inventory.planner import plan_stock

    problem = problem_from_json(problem_data)

    def progress(done: int, total: int) -> None:
        report(
            {
                "parts_done": done,
                "parts": total,
                "fraction": round(done / total, 3) if total else None,
            }
        )

    return {"plan": plan_stock(problem, progress=progress).to_json()}


def _scenario(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: _Reporter
) -> dict[str, Any]:
    from scenarios.day_whatif import compare

    def progress(done: int, total: int) -> None:
        report(
            {"variants_done": done, "variants": total, "fraction": round(done / total, 3)},
            force=True,
        )

    assert problem_data is not None
    return compare(problem_data, params["variants"], progress)


def _study(
    params: dict[str, Any], problem_data: dict[str, Any] | None, report: _Reporter
) -> dict[str, Any]:
    from dataclasses import asdict

    from scenarios.study.report import table_rows
    from scenarios.study.runner import run_study
    from scenarios.study.scenario_file import study_from_data

    study = study_from_data(params["study"])
    finished: list[str] = []

    def done(name: str) -> None:
        finished.append(name)
        report(
            {
                "variants_done": len(finished),
                "variants": len(study.variants),
                "fraction": round(len(finished) / len(study.variants), 3),
            },
            force=True,
        )

    results = run_study(study, workers=1, done=done)
    return {
        "name": study.name,
        "days": study.days,
        "seed": study.seed,
        "table": table_rows(results),
        "variants": [asdict(r) for r in results],
    }


RUNNERS: dict[
    RunKind, Callable[[dict[str, Any], dict[str, Any] | None, _Reporter], dict[str, Any]]
] = {
    RunKind.PLAN: _plan,
    RunKind.STOCK: _stock,
    RunKind.SCENARIO: _scenario,
    RunKind.STUDY: _study,
}


def make_executor(kind: str, sessions: sessionmaker[Session], workers: int = 1) -> Executor:
    if kind == "inline":
        return InlineExecutor(sessions)
    if kind == "thread":
        return ThreadExecutor(sessions, workers)
    raise ValueError(f"RUN_EXECUTOR must be 'thread' or 'inline', not {kind!r}")
