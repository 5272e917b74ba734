"""A region's local clock: its working calendar and local times of day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dispatch.model.sla import WorkingCalendar

if TYPE_CHECKING:
    from api.models import Region


def clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def working_calendar(region: Region) -> WorkingCalendar:
    return WorkingCalendar(
        timezone=region.timezone,
        opens=clock_time(region.opens),
        closes=clock_time(region.closes),
        weekdays=frozenset(int(d) for d in region.weekdays),
        holidays=frozenset(date.fromisoformat(d) for d in region.holidays),
    )


def local(region: Region, day: date, text: str) -> datetime:
    """``text`` ("HH:MM", "24:00" allowed) on ``day`` in the region's time zone."""
    zone = ZoneInfo(region.timezone)
    if text == "24:00":
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, clock_time(text), tzinfo=zone)


def day_bounds(region: Region, day: date) -> tuple[datetime, datetime]:
    return local(region, day, "00:00"), local(region, day, "24:00")


def today(region: Region, now: datetime) -> date:
    return now.astimezone(ZoneInfo(region.timezone)).date()
