"""Preventive visits due from maintenance cycles, checked against dates worked out
by hand on the calendar of late 2026 (2026-11-23 is a Monday)."""

from __future__ import annotations

import json
from datetime import date as Date
from datetime import time
from pathlib import Path

import pytest

from dispatch.errors import ProblemError
from dispatch.io.problem_json import problem_from_json
from dispatch.maintenance import Asset, Horizon, read_assets, visits_due
from fieldplan.cli import main
from scenarios.generator.week import generate_week

SITE = {"lat": 31.23, "lon": 121.47}
#: Two weeks from Monday 2026-11-23, in Shanghai time.
TWO_WEEKS = Horizon(Date(2026, 11, 23), 14, utc_offset_min=480)


def unit(ident: str, cycle: int, last: str, tolerance: int = 0, **fields: object) -> Asset:
    return Asset(ident, SITE, cycle, Date.fromisoformat(last), 60.0, tolerance, **fields)  # type: ignore[arg-type]


def days_of(job: dict[str, object]) -> list[str]:
    return [w["start"][:10] for w in job["windows"]]  # type: ignore[attr-defined, index]


def test_a_visit_may_go_on_any_working_day_of_its_tolerance_and_is_due_on_its_day() -> None:
    # last visit 1 Sep + 90 days: due Monday 30 Nov; +/- 10 days reaches the whole horizon
    (job,) = visits_due([unit("A", 90, "2026-09-01", tolerance=10)], TWO_WEEKS)
    assert job["id"] == "PM-A-2026-11-30"
    assert job["kind"] == "preventive" and job["priority"] == 3
    assert days_of(job) == [
        "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27",
        "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04",
    ]  # fmt: skip
    assert job["windows"][0] == {
        "start": "2026-11-23T08:00:00+08:00",
        "end": "2026-11-23T17:00:00+08:00",
    }
    assert job["sla_deadline"] == "2026-11-30T17:00:00+08:00"


def test_a_short_cycle_gives_a_visit_per_cycle_and_weekends_are_left_out() -> None:
    # every 7 days +/- 1 from Friday 20 Nov: due Fri 27 Nov (Thu-Fri, not Sat) and Fri 4 Dec
    jobs = visits_due([unit("D", 7, "2026-11-20", tolerance=1)], TWO_WEEKS)
    assert [j["id"] for j in jobs] == ["PM-D-2026-11-27", "PM-D-2026-12-04"]
    assert [days_of(j) for j in jobs] == [
        ["2026-11-26", "2026-11-27"],
        ["2026-12-03", "2026-12-04"],
    ]


def test_a_visit_due_on_a_day_off_with_no_tolerance_is_not_made_up() -> None:
    assert visits_due([unit("S", 10, "2026-11-18")], TWO_WEEKS) == []  # due Saturday 28 Nov
    holiday = Horizon(Date(2026, 11, 23), 14, 480, holidays={Date(2026, 12, 1)})
    assert visits_due([unit("H", 30, "2026-11-01")], holiday) == []  # due on the holiday


def test_an_overdue_visit_may_go_on_any_working_day_and_is_due_on_the_first() -> None:
    # due 1 Oct, tolerance 3 days: overdue since 4 Oct
    (job,) = visits_due([unit("C", 30, "2026-09-01", tolerance=3, priority=2)], TWO_WEEKS)
    assert job["id"] == "PM-C-2026-10-01"
    assert len(job["windows"]) == 10
    assert job["sla_deadline"] == "2026-11-23T17:00:00+08:00"
    assert job["priority"] == 2


def test_the_next_cycle_counts_from_the_visit_actually_made() -> None:
    # done late on 5 Oct instead of 1 Oct: the next visit is due 4 Nov, then 4 Dec
    before = visits_due([unit("L", 30, "2026-09-01")], TWO_WEEKS)
    after = visits_due([unit("L", 30, "2026-11-04")], TWO_WEEKS)
    assert [j["id"] for j in before] == ["PM-L-2026-10-01"]
    assert [j["id"] for j in after] == ["PM-L-2026-12-04"]


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"cycle_days": 0}, "assets[X].cycle_days"),
        ({"tolerance_days": 30}, "assets[X].tolerance_days"),
        ({"opens": time(18, 0)}, "assets[X].closes"),
        ({"duration_min": 0}, "assets[X].duration_min"),
    ],
)
def test_a_unit_that_breaks_a_rule_is_refused_by_field(
    fields: dict[str, object], path: str
) -> None:
    base: dict[str, object] = {
        "id": "X", "site": SITE, "cycle_days": 30, "last_visit": Date(2026, 11, 1),
        "duration_min": 60.0, "tolerance_days": 2,
    }  # fmt: skip
    with pytest.raises(ProblemError) as caught:
        Asset(**{**base, **fields})  # type: ignore[arg-type]
    assert caught.value.path == path


def test_a_spreadsheet_row_with_a_bad_value_is_named_by_row_and_column(tmp_path: Path) -> None:
    table = tmp_path / "units.csv"
    table.write_text(
        "id,lat,lon,cycle_days,tolerance_days,last_visit,duration_min,skills\n"
        "U1,31.2,121.4,90,10,2026-09-01,45,hvac:2;elec:1\n"
        "U2,31.3,121.5,ninety,10,2026-09-01,45,hvac:1\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemError) as caught:
        read_assets(table)
    assert caught.value.path == "row 3.cycle_days"
    assert "whole number" in caught.value.rule
    table.write_text(table.read_text().replace("ninety", "120"), encoding="utf-8")
    first, second = read_assets(table)
    assert first.skills == {"hvac": 2, "elec": 1}
    assert (second.cycle_days, second.site) == (120, {"lat": 31.3, "lon": 121.5})


def test_the_command_adds_the_visits_to_a_week_and_again_without_doubling(tmp_path: Path) -> None:
    units = tmp_path / "units.json"
    units.write_text(
        json.dumps(
            [
                {
                    "id": "U1",
                    "site": {"lat": 31.23, "lon": 121.47},
                    "cycle_days": 90,
                    "tolerance_days": 10,
                    "last_visit": "2026-09-01",
                    "duration_min": 60,
                },
                {
                    "id": "U2",
                    "lat": 31.25,
                    "lon": 121.5,
                    "cycle_days": 7,
                    "tolerance_days": 1,
                    "last_visit": "2026-11-20",
                    "duration_min": 30,
                },
            ]
        ),
        encoding="utf-8",
    )
    week = tmp_path / "week.json"
    week.write_text(json.dumps(generate_week(6, 30, seed=2, start_date="2026-11-23")))
    out = tmp_path / "with-pm.json"
    args = ["pm", "generate", str(units), "--from", "2026-11-23", "--days", "7"]
    assert main([*args, "--problem", str(week), "-o", str(out)]) == 0
    assert main([*args, "--problem", str(out), "-o", str(out)]) == 0  # again: same ids
    data = json.loads(out.read_text())
    ids = [j["id"] for j in data["jobs"]]
    assert [i for i in ids if i.startswith("PM-")] == ["PM-U1-2026-11-30", "PM-U2-2026-11-27"]
    assert len(ids) == len(set(ids)) == 32
    # times in the week's own offset (Shanghai)
    u1 = next(j for j in data["jobs"] if j["id"] == "PM-U1-2026-11-30")
    assert u1["windows"][0]["start"] == "2026-11-23T08:00:00+08:00"
    assert problem_from_json(data).several_days
    alone = tmp_path / "visits.json"
    assert main([*args, "--utc-offset", "+01:00", "-o", str(alone)]) == 0
    assert json.loads(alone.read_text())["jobs"][0]["sla_deadline"] == "2026-11-30T17:00:00+01:00"
    assert main([*args, "--working-days", "mon-fri", "-o", str(alone)]) == 2
