"""The planned day's clock: minutes after its local midnight, and its working days.

The generator works in whole minutes after local midnight of the planned day
and writes them as ISO 8601 times with the region's UTC offset on that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True, slots=True)
class DayClock:
    """Minutes after local midnight of the planned day, written as ISO 8601 with offset."""

    day: Date
    offset_min: int

    def iso(self, minutes: int) -> str:
        tz = timezone(timedelta(minutes=self.offset_min))
        midnight = datetime(self.day.year, self.day.month, self.day.day, tzinfo=tz)
        return (midnight + timedelta(minutes=int(minutes))).isoformat()

    def working_day(self, n: int) -> int:
        """Minutes to local midnight of the n-th working day (Mon-Fri) after the planned day."""
        d = self.day
        while n > 0:
            d += timedelta(days=1)
            if d.weekday() < 5:
                n -= 1
        return (d - self.day).days * 1440
