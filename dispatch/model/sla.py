"""SLA clocks: from a contract's tier and a fault level to the deadline a job must meet.

Service contracts promise a response (engineer on site) and a repair within a
time that depends on the fault level, counted in one of two ways:

- ``7x24``: every minute counts, nights, weekends and holidays included
  (elapsed time, so a summer-time change does not stretch or shrink it);
- ``business_hours``: only working minutes count, those inside the working
  hours of working days of a :class:`WorkingCalendar` (weekends and public
  holidays excluded). A fault reported on Friday evening with "one working day"
  to respond is due on Monday evening, not on Saturday.

The dispatch problem receives the resulting ``sla_deadline``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pathcheck import PathError

#: Monday to Friday (``date.weekday()`` numbers).
WEEKDAYS = frozenset(range(5))


class Coverage(StrEnum):
    """How a contract's SLA clock runs."""

    ALWAYS = "7x24"
    BUSINESS_HOURS = "business_hours"


class SlaError(PathError):
    """A calendar or commitment that cannot be used; ``path`` names the culprit."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Working hours (local time) on working weekdays, less public holidays."""

    timezone: str
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    weekdays: frozenset[int] = WEEKDAYS
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SlaError("calendar.timezone", f"unknown time zone '{self.timezone}'") from None
        if self.closes <= self.opens:
            raise SlaError("calendar.closes", "must be after calendar.opens")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise SlaError("calendar.weekdays", "must be a non-empty set of 0 (Monday) .. 6")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def working_period(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's working hours as aware datetimes, or None on a day off."""
        if not self.is_working_day(day):
            return None
        zone = self.zone
        return (
            datetime.combine(day, self.opens, tzinfo=zone),
            datetime.combine(day, self.closes, tzinfo=zone),
        )


#: How far ahead a business-hours clock looks for working time before giving up.
MAX_DAYS = 400


def add_sla_minutes(
    reported: datetime,
    minutes: float,
    coverage: Coverage,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """The moment ``minutes`` of SLA time have run after ``reported``.

    The result is in the calendar's time zone (``reported``'s own for ``7x24``
    without a calendar).

    Raises
    ------
    SlaError
        ``reported`` without a time zone, negative minutes, a business-hours
        clock without a calendar, or a calendar with no working time ahead.
    """
    if reported.tzinfo is None or reported.utcoffset() is None:
        raise SlaError("reported", "must carry a time zone or UTC offset")
    if minutes < 0:
        raise SlaError("minutes", "must be >= 0")
    if coverage is Coverage.ALWAYS:
        zone = calendar.zone if calendar is not None else reported.tzinfo
        utc = reported.astimezone(ZoneInfo("UTC")) + timedelta(minutes=minutes)
        return utc.astimezone(zone)
    if calendar is None:
        raise SlaError("calendar", "a business-hours SLA needs a working calendar")
    left = timedelta(minutes=minutes)
    now = reported.astimezone(calendar.zone)
    day = now.date()
    for _ in range(MAX_DAYS):
        period = calendar.working_period(day)
        if period is not None:
            opens, closes = period
            begin = max(now, opens)
            if begin < closes:
                available = closes - begin
                if left <= available:
                    return begin + left
                left -= available
        day += timedelta(days=1)
    raise SlaError("calendar", f"no working time within {MAX_DAYS} days of {reported.isoformat()}")


@dataclass(frozen=True)
class Commitment:
    """What a contract tier promises for one fault level (minutes of SLA time)."""

    response_min: float
    repair_min: float | None = None


@dataclass(frozen=True)
class Deadlines:
    response: datetime
    repair: datetime | None


def deadlines(
    reported: datetime,
    commitment: Commitment,
    coverage: Coverage,
    calendar: WorkingCalendar | None = None,
) -> Deadlines:
    """Response and repair deadlines of a fault reported at ``reported``."""
    response = add_sla_minutes(reported, commitment.response_min, coverage, calendar)
    repair = (
        None
        if commitment.repair_min is None
        else add_sla_minutes(reported, commitment.repair_min, coverage, calendar)
    )
    return Deadlines(response, repair)
