"""The periodic check that fails runs whose worker died (their heartbeat stopped)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from api.db import transaction
from api.runs.parts import reap_stale_parts
from api.runs.worker import reap_stale

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


class Reaper:
    """A daemon thread that fails runs (and studies' parts) whose heartbeat stopped,
    every half heartbeat limit."""

    def __init__(self, sessions: sessionmaker[Session], limit_s: float) -> None:
        self._sessions = sessions
        self._limit_s = limit_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="fieldplan-reaper")
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._limit_s / 2):
            try:
                with self._sessions() as s, transaction(s):
                    reap_stale(s, self._limit_s)
                    reap_stale_parts(s, self._limit_s)
            except Exception:  # the database may be away for a moment: try again later
                log.warning("checking for stale runs failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
