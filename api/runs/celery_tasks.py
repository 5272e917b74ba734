"""Runs on Celery workers: any number of processes on any number of machines.

With ``FIELDPLAN_BROKER_URL`` (Redis) set, the web process only queues: each
run becomes a task on the ``plans`` queue (plans and re-plans, a dispatcher
is waiting) or the ``analysis`` queue (what-ifs, stock plans, studies), and a
``fieldplan worker`` takes it and carries it out with
:func:`api.runs.worker.execute` on the database ``DATABASE_URL`` names.

A study is one task per variant (:mod:`api.runs.parts`), so several workers
share it, and it is done when its parts are.

Tasks are acknowledged late and handed to another worker when the one running
them dies (``task_reject_on_worker_lost``); the claim in ``execute`` makes a
second delivery harmless, and the heartbeat check fails a run whose worker
died mid-run. A worker takes one task at a time per process (prefetch 1), so
a long study never sits in front of a plan in one process's buffer.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from celery import Celery
from celery.signals import worker_process_init

from api.models import Run, RunKind
from api.runs.parts import execute_part, parts_of
from api.runs.worker import execute

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

#: Queue per kind of run: plans before everything else.
PLANS, ANALYSIS = "plans", "analysis"
QUEUES = (PLANS, ANALYSIS)
TASK = "fieldplan.execute_run"
PART_TASK = "fieldplan.execute_part"


def queue_of(kind: str) -> str:
    return PLANS if kind == RunKind.PLAN.value else ANALYSIS


def make_celery(broker_url: str) -> Celery:
    """The Celery app on ``broker_url``: late acknowledgement, one task at a time."""
    app = Celery("fieldplan", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=PLANS,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # a run longer than this is handed to another worker (whose claim then fails)
        broker_transport_options={"visibility_timeout": 6 * 3600},
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK)(_execute_run)
    app.task(name=PART_TASK)(_execute_part)
    return app


_sessions: sessionmaker[Session] | None = None


@worker_process_init.connect
def _connect(**_: Any) -> None:
    """Each worker process opens the database of its own after the fork."""
    global _sessions
    from api.db import make_engine, session_factory

    _sessions = session_factory(make_engine(os.environ["DATABASE_URL"]))


def _worker_sessions() -> sessionmaker[Session]:
    if _sessions is None:
        _connect()
    assert _sessions is not None
    return _sessions


def _execute_run(run_id: int) -> None:
    # a cancelled (or reaped) run's process ends; Celery starts a fresh one
    execute(_worker_sessions(), run_id, on_cancel=lambda: os._exit(0))


def _execute_part(run_id: int, part: int) -> None:
    execute_part(_worker_sessions(), run_id, part, on_cancel=lambda: os._exit(0))


class CeleryExecutor:
    """Hands each run to the broker, on the queue of its kind; executes nothing here."""

    def __init__(self, broker_url: str, sessions: sessionmaker[Session]) -> None:
        self._app = make_celery(broker_url)
        self._sessions = sessions

    def submit(self, run_id: int) -> None:
        """One task for a run; for a study, one per variant (its parts)."""
        with self._sessions() as s:
            run = s.get(Run, run_id)
            if run is None:
                return
            if run.kind == RunKind.STUDY.value:
                for part in parts_of(s, run):
                    self._app.send_task(PART_TASK, args=[run_id, part], queue=ANALYSIS)
                return
            kind = run.kind
        self._app.send_task(TASK, args=[run_id], queue=queue_of(kind))

    def shutdown(self) -> None:
        self._app.close()
