"""What the views that start background runs share: the executor, and the 202 answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, url_for

if TYPE_CHECKING:
    from api.models import Run
    from api.runs.executor import Executor


def executor() -> Executor:
    """The app's executor, which the runs a request starts are handed to."""
    found: Executor = current_app.extensions["fieldplan.executor"]
    return found


def accepted(run: Run) -> tuple[Run, int, dict[str, str]]:
    """202 Accepted with the queued run, ``Location`` naming where to watch it.

    The watching view is ``<kind>_run`` of the blueprint that started the run.
    """
    return run, 202, {"Location": url_for(f".{run.kind}_run", run_id=run.id)}
