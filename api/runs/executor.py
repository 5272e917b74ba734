"""Where runs are carried out: the executor seam and the two executors built in.

An :class:`Executor` takes the id of a stored, queued run and has
:func:`api.runs.worker.execute` carry it out somewhere; ``submit`` returns at
once (the request that queued the run has committed it by then). Carrying a
run out twice is harmless: whoever executes it first claims it. So a
task-queue executor only needs ``submit`` to enqueue the id, and a worker
process that calls ``execute(sessions, run_id)`` with its own session factory.
"""

from __future__ import annotations

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


class InlineExecutor:
    """Runs at once in the caller's thread (scripts and tests; the request waits)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def submit(self, run_id: int) -> None:
        execute(self._sessions, run_id)

    def shutdown(self) -> None:
        pass


def make_executor(kind: str, sessions: sessionmaker[Session], workers: int = 1) -> Executor:
    """The executor ``RUN_EXECUTOR`` names, on the session factory of the service's database."""
    if kind == "inline":
        return InlineExecutor(sessions)
    if kind == "thread":
        return ThreadExecutor(sessions, workers)
    raise ValueError(f"RUN_EXECUTOR must be 'thread' or 'inline', not {kind!r}")
