"""Starting and reading background runs: day plans, stock plans and scenario studies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, url_for
from sqlalchemy import select

from api.auth import current_user
from api.errors import not_found
from api.models import Run, RunStatus
from api.resources.crud import filtered, page
from api.session import session

if TYPE_CHECKING:
    from datetime import date

    from api.models import RunKind
    from api.runs import Executor


def start(
    kind: RunKind,
    params: dict[str, Any],
    problem: dict[str, Any] | None,
    region: str | None = None,
    day: date | None = None,
) -> tuple[Run, int, dict[str, str]]:
    """Store a queued run, commit, hand it to the executor: the 202 response."""
    s = session()
    run = Run(
        kind=kind.value,
        status=RunStatus.QUEUED.value,
        region_id=region,
        day=day,
        params=params,
        problem=problem,
        created_by=current_user().id,
    )
    s.add(run)
    s.commit()
    executor: Executor = current_app.extensions["fieldplan.executor"]
    executor.submit(run.id)
    s.refresh(run)
    return run, 202, {"Location": url_for(f".{kind.value}_run", run_id=run.id)}


def get(kind: RunKind, run_id: int) -> Run:
    run = session().get(Run, run_id)
    if run is None or run.kind != kind.value:
        raise not_found(f"{kind.value} run", run_id, "run_id")
    return run


def listing(kind: RunKind, args: dict[str, Any]) -> dict[str, Any]:
    query = filtered(
        select(Run).where(Run.kind == kind.value),
        args,
        {
            "status": lambda v: Run.status == v,
            "region": lambda v: Run.region_id == v,
            "date": lambda v: Run.day == v,
        },
    )
    return page(session(), query, args, Run.id.desc())
