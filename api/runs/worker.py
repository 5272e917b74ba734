"""Carrying out one run, wherever that happens: claim it, run it with a heartbeat, store the outcome.

Whoever executes a run first *claims* it (one conditional UPDATE from queued
to running), so a run is never carried out twice, whichever thread, process or
machine picks it up. Each run uses sessions of its own. While it runs, a
thread beats its heartbeat every few seconds (a solve may find nothing new
for a minute); a run whose heartbeat stops is failed by :func:`reap_stale`,
wherever its worker died. The beat also notices a run cancelled meanwhile.
A run's outcome is stored only while it is still running, so a cancelled or
reaped run stays so; a failure is stored with its message, never lost in a
thread, and a result that cannot be stored fails the run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from api.db import transaction
from api.errors import travel_unavailable
from api.models import Run, RunKind, RunPart, RunStatus, utcnow
from api.runs.runners import runner_for
from dispatch.travel.providers import TravelServiceError
from pathcheck import PathError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

#: Progress is written at most this often (seconds) so a solve does not hammer the database.
PROGRESS_EVERY_S = 0.5
#: The heartbeat of a running run, whatever its solve reports (seconds).
HEARTBEAT_EVERY_S = 5.0
INTERRUPTED = "the service stopped while this run was in progress; start it again"


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


def execute(
    sessions: sessionmaker[Session],
    run_id: int,
    on_cancel: Callable[[], None] | None = None,
) -> None:
    """Claim and carry out one run, storing its result or its failure.

    ``on_cancel`` is called (from the heartbeat thread) when the run stops being
    running meanwhile, cancelled or reaped: a process that runs only this run
    ends itself there; elsewhere the outcome is simply not stored.
    """
    with sessions() as s, transaction(s):
        if not claim(s, run_id):
            return
    with sessions() as s:
        run = s.get(Run, run_id)
        assert run is not None
        kind, params, problem = run.kind, dict(run.params), run.problem
    heartbeat = Heartbeat(sessions, run_id)
    stop = threading.Event()
    threading.Thread(
        target=beat, args=(sessions, run_id, stop, on_cancel), daemon=True, name="run-beat"
    ).start()
    try:
        result = runner_for(RunKind(kind), params)(params, problem, heartbeat)
    except Exception as exc:  # a run's failure is stored, never lost in a thread
        log.exception("run %s failed", run_id)
        stop.set()
        _finish(sessions, run_id, RunStatus.FAILED, None, failure_message(exc))
        return
    stop.set()
    try:
        _finish(sessions, run_id, RunStatus.DONE, result, None)
    except Exception as exc:  # a result that cannot be stored fails the run
        log.exception("the result of run %s could not be stored", run_id)
        _finish(
            sessions,
            run_id,
            RunStatus.FAILED,
            None,
            f"the result could not be stored ({type(exc).__name__}); the detail is in the "
            "service log",
        )


def beat(
    sessions: sessionmaker[Session],
    run_id: int,
    stop: threading.Event,
    on_cancel: Callable[[], None] | None,
    also: Callable[[Session, datetime], None] | None = None,
) -> None:
    """Beat the run's heartbeat until ``stop`` (``also`` beats more in the same
    transaction, a study part's own); when the run is no longer running
    (cancelled, or reaped), call ``on_cancel`` and end."""
    while not stop.wait(HEARTBEAT_EVERY_S):
        try:
            with sessions() as s, transaction(s):
                now = utcnow()
                beating = s.execute(
                    update(Run)
                    .where(Run.id == run_id, Run.status == RunStatus.RUNNING.value)
                    .values(heartbeat_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount  # type: ignore[attr-defined]
                if also is not None:
                    also(s, now)
        except Exception:  # the database may be away for a moment
            log.warning("heartbeat of run %s not written", run_id, exc_info=True)
            continue
        if not beating:
            log.info("run %s is no longer running (cancelled or reaped); stopping", run_id)
            if on_cancel is not None:
                on_cancel()
            return


def failure_message(exc: Exception) -> str:
    """What a failed run records for its users: a road server down says so, input refused
    names its field; anything else only its type (the detail goes to the service log,
    never to a client)."""
    if isinstance(exc, TravelServiceError):
        return travel_unavailable(exc)
    if isinstance(exc, PathError):
        return str(exc)
    return f"internal error ({type(exc).__name__}); the detail is in the service log"


def _finish(
    sessions: sessionmaker[Session],
    run_id: int,
    status: RunStatus,
    result: dict[str, Any] | None,
    error: str | None,
) -> None:
    """Store the outcome while the run is still running (a cancelled or reaped one stays so)."""
    with sessions() as s, transaction(s):
        run = s.get(Run, run_id, with_for_update=True)
        assert run is not None
        if run.status != RunStatus.RUNNING.value:
            log.info("run %s is %s: its outcome is not stored", run_id, run.status)
            return
        run.status = status.value
        run.result = result
        run.error = error
        run.finished_at = utcnow()
        if status is RunStatus.DONE:
            run.progress = {**run.progress, "fraction": 1.0}


class Heartbeat:
    """Writes a run's progress to its row, throttled; each write is also the heartbeat."""

    def __init__(self, sessions: sessionmaker[Session], run_id: int) -> None:
        self._sessions = sessions
        self._run_id = run_id
        self._last = 0.0

    def __call__(self, progress: dict[str, Any], force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY_S:
            return
        self._last = now
        with self._sessions() as s, transaction(s):
            s.execute(
                update(Run)
                .where(Run.id == self._run_id, Run.status == RunStatus.RUNNING.value)
                .values(progress=progress, heartbeat_at=utcnow())
                .execution_options(synchronize_session=False)
            )


def queued_runs(s: Session) -> list[int]:
    """Runs waiting for an executor, oldest first."""
    return list(
        s.scalars(select(Run.id).where(Run.status == RunStatus.QUEUED.value).order_by(Run.id))
    )


def end_runs(s: Session, status: RunStatus, error: str, *where: Any) -> int:
    """Move the runs ``where`` selects, still queued or running, to ``status`` with
    ``error``, in one conditional UPDATE (a run that ended meanwhile keeps its
    outcome); how many moved."""
    moved = s.execute(
        update(Run)
        .where(Run.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]), *where)
        .values(status=status.value, error=error, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return int(moved)


def recover(s: Session) -> int:
    """After a restart, runs left running by a dead process are failed; returns how many.

    Call it once per service start, before any worker executes runs (with
    several worker processes, in the parent before they start).
    """
    return end_runs(s, RunStatus.FAILED, INTERRUPTED, Run.status == RunStatus.RUNNING.value)


def stale_message(limit_s: float) -> str:
    return (
        f"its worker sent no heartbeat for over {limit_s:g} s (the process or machine "
        "stopped); start it again"
    )


def reap_stale(s: Session, limit_s: float) -> list[int]:
    """Fail running runs whose heartbeat is older than ``limit_s``; their ids.

    Safe from any process, as often as wanted: a run beats every
    :data:`HEARTBEAT_EVERY_S`, so only a run whose worker died goes stale.
    """
    cutoff = utcnow() - timedelta(seconds=limit_s)
    stale = list(
        s.scalars(
            select(Run.id).where(
                Run.status == RunStatus.RUNNING.value,
                Run.heartbeat_at < cutoff,
                # a study in parts may wait for a worker: its parts' heartbeats count
                Run.id.not_in(select(RunPart.run_id)),
            )
        )
    )
    if stale:
        end_runs(
            s,
            RunStatus.FAILED,
            stale_message(limit_s),
            Run.id.in_(stale),
            Run.status == RunStatus.RUNNING.value,
            Run.heartbeat_at < cutoff,
        )
        log.warning("runs %s had no heartbeat for %s s: failed", stale, limit_s)
    return stale
