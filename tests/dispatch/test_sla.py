"""SLA clocks: 7x24 counts every minute, business hours only working time of a calendar."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dispatch.model.sla import (
    Commitment,
    Coverage,
    SlaError,
    WorkingCalendar,
    add_sla_minutes,
    deadlines,
)

BERLIN = WorkingCalendar("Europe/Berlin", holidays=frozenset({date(2026, 12, 25)}))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_friday_evening_report_runs_on_into_monday() -> None:
    # 30 working minutes left on Friday, the other 3.5 h from Monday 08:00
    due = add_sla_minutes(at("2026-11-27T17:30:00+01:00"), 240, Coverage.BUSINESS_HOURS, BERLIN)
    assert due == at("2026-11-30T11:30:00+01:00")


def test_weekend_report_starts_the_clock_on_monday_morning() -> None:
    due = add_sla_minutes(at("2026-11-28T10:00:00+01:00"), 240, Coverage.BUSINESS_HOURS, BERLIN)
    assert due == at("2026-11-30T12:00:00+01:00")


def test_eve_of_a_holiday_skips_the_holiday_and_the_weekend() -> None:
    # "one working day" (10 h): Thursday 16-18, Christmas Friday off, Monday 08-16
    due = add_sla_minutes(at("2026-12-24T16:00:00+01:00"), 600, Coverage.BUSINESS_HOURS, BERLIN)
    assert due == at("2026-12-28T16:00:00+01:00")


def test_a_report_at_closing_time_waits_for_the_next_morning() -> None:
    due = add_sla_minutes(at("2026-11-24T18:00:00+01:00"), 60, Coverage.BUSINESS_HOURS, BERLIN)
    assert due == at("2026-11-25T09:00:00+01:00")


def test_seven_by_twenty_four_counts_nights_and_elapsed_time_across_summer_time() -> None:
    due = add_sla_minutes(at("2026-11-27T17:30:00+01:00"), 240, Coverage.ALWAYS, BERLIN)
    assert due == at("2026-11-27T21:30:00+01:00")
    # the night clocks go forward (2026-03-29 02:00 -> 03:00): one hour elapsed
    due = add_sla_minutes(at("2026-03-29T01:30:00+01:00"), 60, Coverage.ALWAYS, BERLIN)
    assert due == at("2026-03-29T03:30:00+02:00")
    assert due.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]


def test_other_time_zone_of_the_report_is_converted_to_the_calendar() -> None:
    # 16:30 UTC is 17:30 in Berlin on a Friday in November
    due = add_sla_minutes(at("2026-11-27T16:30:00+00:00"), 240, Coverage.BUSINESS_HOURS, BERLIN)
    assert due == at("2026-11-30T11:30:00+01:00")


def test_response_and_repair_deadlines_of_a_commitment() -> None:
    result = deadlines(
        at("2026-11-27T17:30:00+01:00"),
        Commitment(response_min=240, repair_min=1200),
        Coverage.BUSINESS_HOURS,
        BERLIN,
    )
    assert result.response == at("2026-11-30T11:30:00+01:00")
    # 20 working hours: Fri 0.5 h, Mon 10 h, Tue 9.5 h -> Tue 17:30
    assert result.repair == at("2026-12-01T17:30:00+01:00")
    assert (
        deadlines(at("2026-11-27T17:30:00+01:00"), Commitment(60), Coverage.ALWAYS).repair is None
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: add_sla_minutes(datetime(2026, 11, 27, 17), 60, Coverage.ALWAYS), "reported"),
        (lambda: add_sla_minutes(at("2026-11-27T17:00:00+01:00"), -1, Coverage.ALWAYS), "minutes"),
        (
            lambda: add_sla_minutes(at("2026-11-27T17:00:00+01:00"), 60, Coverage.BUSINESS_HOURS),
            "calendar",
        ),
        (lambda: WorkingCalendar("Mars/Olympus"), "calendar.timezone"),
        (lambda: WorkingCalendar("UTC", opens=time(18), closes=time(8)), "calendar.closes"),
        (lambda: WorkingCalendar("UTC", weekdays=frozenset({7})), "calendar.weekdays"),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(SlaError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.path == field
