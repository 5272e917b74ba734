"""Where runs are carried out: the executor seam and the two executors built in.

An :class:`Executor` takes the id of a stored, queued run and has
:func:`api.runs.worker.execute` carry it out somewhere; ``submit`` returns at
once (the request that queued the run has committed it by then). Carrying a
run out twice is harmless: whoever executes it first claims it. So a
task-queue executor only needs ``submit`` to enqueue the id, and a worker
process that calls ``execute(sessions, run_id)`` with its own session factory.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from api.runs.worker import execute

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class Executor(Protocol):
    """Carries out stored runs somewhere; ``submit`` must return at once."""

    def submit(self, run_id: int) -> None: ...

    def shutdown(self) -> None:
        """Finish what was submitted; called once when the service stops."""
        ...


class ThreadExecutor:
    """The embedded default: worker threads in this process."""

    def __init__(self, sessions: sessionmaker[Session], workers: int = 1) -> None:
        self._sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fieldplan-run")

    def submit(self, run_id: int) -> None:
        self._pool.submit(execute, self._sessions, run_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


log = logging.getLogger(__name__)


def run_in_process(database_url: str, run_id: int) -> None:
    """Carry out one run in this process, which ends when it does or is cancelled."""
    from api.db import make_engine, session_factory

    engine = make_engine(database_url)
    try:
        execute(session_factory(engine), run_id, on_cancel=lambda: os._exit(0))
    finally:
        engine.dispose()


class ProcessExecutor:
    """The embedded default: each run in a process of its own, at most ``workers`` at once.

    A solve holds a core and Python's GIL for its whole time limit; in a process
    of its own it leaves the web process free to answer, and a cancelled run's
    process simply ends. Runs wait their turn in this process's queue.
    """

    def __init__(self, database_url: str, workers: int = 1) -> None:
        self._url = database_url
        self._waiting: queue.Queue[int | None] = queue.Queue()
        self._slots = threading.Semaphore(workers)
        self._context = multiprocessing.get_context("spawn")
        self._children: set[multiprocessing.process.BaseProcess] = set()
        self._lock = threading.Lock()
        self._dispatcher = threading.Thread(
            target=self._dispatch, daemon=True, name="fieldplan-runs"
        )
        self._dispatcher.start()

    def submit(self, run_id: int) -> None:
        self._waiting.put(run_id)

    def _dispatch(self) -> None:
        while True:
            run_id = self._waiting.get()
            if run_id is None:
                return
            self._slots.acquire()
            child = self._context.Process(
                target=run_in_process, args=(self._url, run_id), name=f"fieldplan-run-{run_id}"
            )
            child.start()
            with self._lock:
                self._children.add(child)
            threading.Thread(target=self._wait_for, args=(child,), daemon=True).start()

    def _wait_for(self, child: multiprocessing.process.BaseProcess) -> None:
        child.join()
        with self._lock:
            self._children.discard(child)
        self._slots.release()
        if child.exitcode not in (0, None):
            log.warning("run process %s ended with exit code %s", child.name, child.exitcode)

    def shutdown(self) -> None:
        """Stop taking runs and end those under way (the next start fails them)."""
        self._waiting.put(None)
        with self._lock:
            children = list(self._children)
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=10)


class InlineExecutor:
    """Runs at once in the caller's thread (scripts and tests; the request waits)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def submit(self, run_id: int) -> None:
        execute(self._sessions, run_id)

    def shutdown(self) -> None:
        pass


def make_executor(
    kind: str,
    sessions: sessionmaker[Session],
    workers: int = 1,
    database_url: str = "",
    broker_url: str = "",
) -> Executor:
    """The executor ``RUN_EXECUTOR`` names, on the service's database; with a broker,
    Celery workers (the web process then executes nothing itself)."""
    if broker_url and kind != "inline":
        from api.runs.celery_tasks import CeleryExecutor

        return CeleryExecutor(broker_url, sessions)
    if kind == "inline":
        return InlineExecutor(sessions)
    if kind == "thread":
        return ThreadExecutor(sessions, workers)
    if kind == "process":
        return ProcessExecutor(database_url, workers)
    raise ValueError(f"RUN_EXECUTOR must be 'process', 'thread' or 'inline', not {kind!r}")
