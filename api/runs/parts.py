"""A study fanned out: one part per variant, each a task any worker may take.

With a task engine, a study of several variants is not one long task: each
variant is a part (a :class:`~api.models.RunPart` row and a task), so several
workers share the study. A part is claimed like a run (one conditional
UPDATE), beats its heartbeat and the study's, and stores its variant's
figures; the part that finds all others done assembles the study's result, in
a transaction that holds the run's row, so the result is written once. A
cancelled or failed study stops its parts at their next beat; a part whose
worker died fails the study (:func:`reap_stale_parts`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from api.db import transaction
from api.models import Run, RunPart, RunStatus, utcnow
from api.runs.runners import study_progress, study_result
from api.runs.worker import beat, end_runs, failure_message, stale_message, worker_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def parts_of(s: Session, run: Run) -> list[int]:
    """The parts of study ``run`` not yet done, creating them on first call."""
    from scenarios.study.scenario_file import study_from_data

    existing = {p.part: p for p in s.scalars(select(RunPart).where(RunPart.run_id == run.id))}
    if not existing:
        count = len(study_from_data(run.params["study"]).variants)
        with transaction(s):
            for k in range(count):
                s.add(RunPart(run_id=run.id, part=k, status=RunStatus.QUEUED.value))
        return list(range(count))
    return sorted(k for k, p in existing.items() if p.status == RunStatus.QUEUED.value)


def execute_part(
    sessions: sessionmaker[Session],
    run_id: int,
    part: int,
    on_cancel: Callable[[], None] | None = None,
) -> None:
    """Claim and carry out one part of a study; the last one done finishes the study."""
    now = utcnow()
    with sessions() as s, transaction(s):
        claimed = s.execute(
            update(RunPart)
            .where(
                RunPart.run_id == run_id,
                RunPart.part == part,
                RunPart.status == RunStatus.QUEUED.value,
            )
            .values(
                status=RunStatus.RUNNING.value,
                started_at=now,
                heartbeat_at=now,
                worker=worker_name(),
            )
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            return
        s.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == RunStatus.QUEUED.value)
            .values(status=RunStatus.RUNNING.value, started_at=now, heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        run = s.get(Run, run_id)
        assert run is not None
        if run.status != RunStatus.RUNNING.value:  # cancelled or failed meanwhile
            _end_part(s, run_id, part, RunStatus.CANCELLED, None, f"the study is {run.status}")
            return
        params = dict(run.params)
    stop = threading.Event()

    def part_beats(s: Session, now: datetime) -> None:
        s.execute(
            update(RunPart)
            .where(RunPart.run_id == run_id, RunPart.part == part)
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )

    threading.Thread(
        target=beat, args=(sessions, run_id, stop, on_cancel, part_beats), daemon=True
    ).start()
    try:
        from scenarios.study.runner import run_part
        from scenarios.study.scenario_file import study_from_data

        figures = asdict(run_part(study_from_data(params["study"]), part))
    except Exception as exc:  # the study fails with the part's reason
        log.exception("part %s of run %s failed", part, run_id)
        stop.set()
        _fail(sessions, run_id, part, failure_message(exc))
        return
    stop.set()
    _store(sessions, run_id, part, figures)


def _store(
    sessions: sessionmaker[Session], run_id: int, part: int, figures: dict[str, object]
) -> None:
    """Store a part's figures; with every part done, the study's result."""
    from scenarios.study.results import VariantResult
    from scenarios.study.scenario_file import study_from_data

    with sessions() as s, transaction(s):
        run = s.get(Run, run_id, with_for_update=True)
        assert run is not None
        if run.status != RunStatus.RUNNING.value:
            return
        parts = list(
            s.scalars(select(RunPart).where(RunPart.run_id == run_id).order_by(RunPart.part))
        )
        mine = next(p for p in parts if p.part == part)
        mine.status, mine.result, mine.finished_at = RunStatus.DONE.value, figures, utcnow()
        done = [p for p in parts if p.status == RunStatus.DONE.value]
        run.progress = study_progress(len(done), len(parts))
        run.heartbeat_at = utcnow()
        if len(done) == len(parts):
            scenario = study_from_data(run.params["study"])
            results = [VariantResult.from_dict(dict(p.result or {})) for p in parts]
            run.result = study_result(scenario, results)
            run.status = RunStatus.DONE.value
            run.finished_at = utcnow()


def _fail(sessions: sessionmaker[Session], run_id: int, part: int, error: str) -> None:
    with sessions() as s, transaction(s):
        _end_part(s, run_id, part, RunStatus.FAILED, None, error)
        end_runs(
            s, RunStatus.FAILED, error, Run.id == run_id, Run.status == RunStatus.RUNNING.value
        )


def _end_part(
    s: Session, run_id: int, part: int, status: RunStatus, result: object, error: str | None
) -> None:
    s.execute(
        update(RunPart)
        .where(RunPart.run_id == run_id, RunPart.part == part)
        .values(status=status.value, result=result, error=error, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def reap_stale_parts(s: Session, limit_s: float) -> list[int]:
    """Fail the studies of running parts whose heartbeat is older than ``limit_s``."""
    cutoff = utcnow() - timedelta(seconds=limit_s)
    stale = list(
        s.scalars(
            select(RunPart).where(
                RunPart.status == RunStatus.RUNNING.value, RunPart.heartbeat_at < cutoff
            )
        )
    )
    failed: list[int] = []
    for p in stale:
        p.status, p.error, p.finished_at = RunStatus.FAILED.value, stale_message(limit_s), utcnow()
        error = f"part {p.part}: {stale_message(limit_s)}"
        if end_runs(
            s, RunStatus.FAILED, error, Run.id == p.run_id, Run.status == RunStatus.RUNNING.value
        ):
            failed.append(p.run_id)
    return failed
