"""Cancelling a run: queued ones never start, running ones stop and store nothing.

The run's row says so at once, with one conditional UPDATE (a run that ends
meanwhile keeps its outcome). A running run's worker notices at its next
heartbeat and stops (:func:`api.runs.worker.execute`); an executor that can
stop a task itself is told as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.db import transaction
from api.errors import ApiError, forbidden, not_found
from api.models import Role, Run, RunStatus
from api.runs.worker import end_runs

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from api.models import User
    from api.runs.executor import Executor


def cancel_run(s: Session, executor: Executor, user: User, run_id: int) -> Run:
    """Cancel run ``run_id`` for ``user`` (its requester or an admin)."""
    run = s.get(Run, run_id)
    if run is None:
        raise not_found("run", run_id, "run_id")
    if run.status not in (RunStatus.QUEUED.value, RunStatus.RUNNING.value):
        raise _ended(run)
    if user.role != Role.ADMIN.value and run.created_by != user.id:
        raise forbidden()
    with transaction(s):
        stopped = end_runs(s, RunStatus.CANCELLED, f"cancelled by {user.name}", Run.id == run_id)
    s.refresh(run)
    if not stopped:  # it ended meanwhile
        raise _ended(run)
    stop = getattr(executor, "stop", None)
    if stop is not None:
        stop(run_id)
    return run


def _ended(run: Run) -> ApiError:
    return ApiError(409, f"run {run.id} is {run.status}; only a queued or running run stops")
