"""Stored runs as requests see them: queue one and hand it over, read one of a kind, list a kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context
from sqlalchemy import select

from api.db import transaction
from api.errors import not_found
from api.models import Run, RunKind, RunStatus, User
from api.paging import filtered, page
from api.runs.caps import check_caps

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from sqlalchemy.orm import Session

    from api.runs.executor import Executor


def start(
    s: Session,
    executor: Executor,
    kind: RunKind,
    params: dict[str, Any],
    problem: dict[str, Any] | None,
    created_by: int | None,
    region: str | None = None,
    day: date | None = None,
) -> Run:
    """Store a queued run and commit it before the executor is told, so any worker finds it.

    Within a request, the requester's caps are checked first (:mod:`api.runs.caps`).
    """
    if created_by is not None and has_request_context():
        check_caps(s, current_app.config["RUN_CAPS"], s.get(User, created_by), kind, params)
    run = Run(
        kind=kind.value,
        status=RunStatus.QUEUED.value,
        region_id=region,
        day=day,
        params=params,
        problem=problem,
        created_by=created_by,
    )
    with transaction(s):
        s.add(run)
    executor.submit(run.id)
    s.refresh(run)
    return run


def run_of_kind(s: Session, kind: RunKind, run_id: int) -> Run:
    """The run, or 404 when there is none of this kind with that id."""
    run = s.get(Run, run_id)
    if run is None or run.kind != kind.value:
        raise not_found(f"{kind.value} run", run_id, "run_id")
    return run


def run_page(s: Session, kind: RunKind, args: Mapping[str, Any]) -> dict[str, Any]:
    """Runs of a kind, newest first, filtered by status, region or date."""
    query = filtered(
        select(Run).where(Run.kind == kind.value),
        args,
        {
            "status": lambda v: Run.status == v,
            "region": lambda v: Run.region_id == v,
            "date": lambda v: Run.day == v,
        },
    )
    return page(s, query, args, Run.id.desc())
