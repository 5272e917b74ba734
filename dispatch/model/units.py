"""The only place units change: ISO 8601 times <-> minutes from the horizon start.

Inside the library a time is a float number of minutes after ``horizon.start``
(the *clock epoch*). Problems with an ISO horizon write times back as ISO 8601
strings in the horizon's UTC offset; problems whose horizon is given as plain
numbers (public VRPTW benchmarks) keep numbers throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.errors import ProblemError

#: Tolerance in minutes when comparing recomputed float times.
TIME_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Clock:
    """Maps library minutes to wall-clock time.

    With an ISO horizon, minutes count from ``epoch`` (``horizon.start``);
    ``epoch`` is None when the problem speaks in plain minutes, which are then
    taken as they are.
    """

    epoch: datetime | None

    def parse(self, value: object, path: str) -> float:
        """Read a time field (ISO string or, with a numeric clock, minutes) as minutes."""
        if isinstance(value, bool):
            raise ProblemError(path, "must be an ISO 8601 time")
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise ProblemError(path, "must be a finite number of minutes")
            return float(value)
        if not isinstance(value, str):
            raise ProblemError(path, "must be an ISO 8601 time with a UTC offset")
        if self.epoch is None:
            raise ProblemError(path, "must be a number of minutes, as horizon.start is a number")
        moment = parse_iso(value, path)
        return (moment - self.epoch).total_seconds() / 60.0

    def format(self, minutes: float) -> str | float:
        """Write minutes as an ISO 8601 string (ISO clock) or a rounded number."""
        if self.epoch is None:
            return round(minutes, 6)
        seconds = round(minutes * 60.0)
        return (self.epoch + timedelta(seconds=seconds)).isoformat()

    def label(self, minutes: float) -> str:
        """Short human form for messages: ``HH:MM`` (with the day when not the first)."""
        if self.epoch is None:
            return f"{minutes:g}"
        moment = self.epoch + timedelta(seconds=round(minutes * 60.0))
        if moment.date() == self.epoch.date():
            return moment.strftime("%H:%M")
        return moment.strftime("%Y-%m-%d %H:%M")


def parse_iso(value: str, path: str) -> datetime:
    """Parse an ISO 8601 time that carries a UTC offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(path, f"'{value}' is not an ISO 8601 time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ProblemError(path, f"'{value}' has no UTC offset")
    return moment
