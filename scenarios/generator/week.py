"""A generated week: the day generator's team and open work spread over working
days, with preventive visits movable within the week and an on-call rota for
the weekend (contract 1.1).

The team, sites, skills and parts are those of
:func:`scenarios.generator.day.generate_dispatch`; what changes is *when*:

- every engineer works each working day with the day's hours and lunch break;
- a preventive visit may go on any working day (its daily windows repeated on
  each) and is due by the end of a day drawn in the second half of the week,
  its ``sla_deadline``: it may move, but not past its due day without a cost;
- every other job is reported on one day, drawn at random (emergencies on any
  day of the horizon, weekend included; the rest on working days), its
  deadline moved to that day; it stays open until done, with the same daily
  windows on each later working day (an emergency also on the on-call
  weekend), except a two-hour appointment, which keeps its day;
- on weekend days a share of the engineers is on call (08:00-20:00), for
  emergencies only, at ``objective.callout_cost`` per call-out;
- depots open on working days, and their stock lasts the whole week.
"""

from __future__ import annotations

import json
from datetime import date as Date
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from scenarios.generator.day import generate_dispatch

#: Share of the engineers on call on each weekend day (at least one).
ON_CALL_SHARE = 0.1
#: What each on-call shift that serves a job costs (a call-out allowance).
CALLOUT_COST = 300.0
#: Hours of an on-call shift on a weekend day.
ON_CALL_HOURS = ("08:00", "20:00")
#: Stream of the week's draws, apart from the day generator's.
WEEK_STREAM = 7


def generate_week(
    engineers: int,
    jobs: int,
    seed: int = 0,
    *,
    region: str = "shanghai",
    start_date: str = "2026-11-23",
    working_days: int = 5,
    weekend: bool = True,
    time_limit_s: float = 120.0,
    start: str = "home",
) -> dict[str, Any]:
    """A several-day problem in the contract's JSON form (1.1): ``jobs`` open jobs
    over ``working_days`` days from ``start_date`` (a Monday, say), and with
    ``weekend`` two days of on-call cover after them.

    Raises
    ------
    ValueError
        For a bad date or day count (and whatever the day generator refuses).
    """
    if not isinstance(working_days, int) or not 1 <= working_days <= 7:
        raise ValueError(f"working_days: must be an integer from 1 to 7, got {working_days!r}")
    try:
        first = Date.fromisoformat(start_date)
    except ValueError:
        raise ValueError(f"start_date: '{start_date}' is not an ISO date (YYYY-MM-DD)") from None
    data = generate_dispatch(
        engineers,
        jobs,
        seed,
        region=region,
        date=first.isoformat(),
        time_limit_s=time_limit_s,
        start=start,
    )
    rng = np.random.default_rng([seed, WEEK_STREAM])
    days = working_days + (2 if weekend else 0)
    work = list(range(working_days))
    off = list(range(working_days, days))

    for engineer in data["engineers"]:
        shift, breaks = engineer.pop("shift"), engineer.pop("breaks", [])
        engineer["shifts"] = [
            {**_moved(shift, d), "breaks": [_moved(b, d) for b in breaks]} for d in work
        ]
    for d in off:
        for k in _rota(data["engineers"], rng):
            engineer = data["engineers"][k]
            engineer["shifts"].append(_on_call(shift_day=engineer["shifts"][0], day=d))

    for job in data["jobs"]:
        if job["kind"] == "preventive":
            due = int(rng.integers(working_days // 2, working_days))
            base = job["windows"]
            job["windows"] = [_moved(w, d) for d in work for w in base]
            job["sla_deadline"] = _shift_iso(base[-1]["end"], due)
            continue
        day = int(rng.choice(days if job["kind"] == "emergency" else working_days))
        if day >= working_days:
            # a weekend emergency: reported at a random hour the on-call shift covers,
            # with the same time to its deadline as on a weekday
            opens = datetime.fromisoformat(job["windows"][0]["start"])
            reported = datetime.fromisoformat(_at(job["windows"][0]["start"], day, "08:00"))
            reported += timedelta(minutes=int(rng.integers(0, 8 * 60)))
            job["windows"] = [
                {
                    "start": reported.isoformat(),
                    "end": _at(job["windows"][0]["start"], day, ON_CALL_HOURS[1]),
                }
            ]
            if job.get("sla_deadline") is not None:
                to_deadline = datetime.fromisoformat(job["sla_deadline"]) - opens
                job["sla_deadline"] = (reported + to_deadline).isoformat()
            continue
        # reported on its day and open until done: the same hours on each later working
        # day (late against its deadline), or for an emergency the on-call weekend too;
        # a two-hour appointment stays on its day
        base = job["windows"]
        later = [day] if _appointment(base) else list(range(day, working_days))
        job["windows"] = [_moved(w, k) for k in later for w in base]
        if job["kind"] == "emergency":
            job["windows"] += [
                {"start": _at(base[0]["start"], k, ON_CALL_HOURS[0]),
                 "end": _at(base[0]["start"], k, ON_CALL_HOURS[1])}
                for k in off
            ]  # fmt: skip
        if job.get("sla_deadline") is not None:
            job["sla_deadline"] = _shift_iso(job["sla_deadline"], day)

    for depot in data["depots"]:
        depot["hours"] = [_moved(depot["hours"], d) for d in work]
    data["objective"]["callout_cost"] = CALLOUT_COST
    data["horizon"] = {
        "start": data["horizon"]["start"],
        "end": _shift_iso(data["horizon"]["start"], days),
    }
    data["meta"].update(
        generator="scenarios.generator.week", working_days=working_days, weekend=weekend
    )
    return data


def write_week(path: str | Path, **kwargs: Any) -> None:
    """Write :func:`generate_week` (same keyword arguments) as indented JSON."""
    text = json.dumps(generate_week(**kwargs), indent=2, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _rota(engineers: list[dict[str, Any]], rng: np.random.Generator) -> list[int]:
    """Who is on call on one weekend day: for each skill, one of the engineers who
    hold it at the team's best level (so any emergency has someone who can go),
    then others at random up to the share; as sorted indices."""
    best: dict[str, int] = {}
    for e in engineers:
        for skill, level in e["skills"].items():
            best[skill] = max(best.get(skill, 0), level)
    chosen: set[int] = set()
    for skill in sorted(best):
        if any(engineers[k]["skills"].get(skill, 0) >= best[skill] for k in chosen):
            continue
        able = [k for k, e in enumerate(engineers) if e["skills"].get(skill, 0) >= best[skill]]
        chosen.add(int(rng.choice(able)))
    wanted = max(1, round(ON_CALL_SHARE * len(engineers)))
    others = [k for k in range(len(engineers)) if k not in chosen]
    extra = max(0, wanted - len(chosen))
    chosen.update(int(k) for k in rng.choice(others, size=min(extra, len(others)), replace=False))
    return sorted(chosen)


def _appointment(windows: list[dict[str, str]]) -> bool:
    """A single two-hour window: a slot booked with the customer."""
    if len(windows) != 1:
        return False
    span = datetime.fromisoformat(windows[0]["end"]) - datetime.fromisoformat(windows[0]["start"])
    return span == timedelta(hours=2)


def _shift_iso(value: str, days: int) -> str:
    return (datetime.fromisoformat(value) + timedelta(days=days)).isoformat()


def _moved(item: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy with every ISO time in it ``days`` later (other fields kept)."""
    return {
        k: _shift_iso(v, days) if isinstance(v, str) and "T" in v else v for k, v in item.items()
    }


def _at(reference: str, days: int, hhmm: str) -> str:
    """``hhmm`` local time, ``days`` after the day of ``reference`` (same offset)."""
    moment = datetime.fromisoformat(reference) + timedelta(days=days)
    hour, minute = (int(x) for x in hhmm.split(":"))
    return moment.replace(hour=hour, minute=minute, second=0).isoformat()


def _on_call(shift_day: dict[str, Any], day: int) -> dict[str, Any]:
    return {
        "start": _at(shift_day["start"], day, ON_CALL_HOURS[0]),
        "end": _at(shift_day["start"], day, ON_CALL_HOURS[1]),
        "max_overtime_min": 60,
        "on_call": True,
    }
