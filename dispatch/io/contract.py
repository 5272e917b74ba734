"""Builders of the contract's JSON entities, for everyone who writes a problem.

The service, the co-simulation, the generator and the benchmark readers all
write engineers, jobs and depots in the dispatch contract's form; they build
them here, so the form has one definition outside the reader. Required fields
come first and are always written; an optional field is written only when it
is given (``None`` leaves it out, so the reader's default applies). Times are
whatever the problem's clock reads: ISO 8601 strings, or numbers on a numeric
horizon.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

#: A time as written in a problem: an ISO 8601 string with offset, or minutes.
Time = str | float | int

#: The default objective weights in the contract's form: an emergency left out
#: costs as much as 100 km of driving x 1000, one minute late past its SLA as 1 km x 1000.
DEFAULT_OBJECTIVE: Mapping[str, Any] = {
    "unassigned_penalty": {"1": 100000, "2": 20000, "3": 5000},
    "late_penalty_per_min": {"1": 1000, "2": 100, "3": 10},
    "overtime_cost_per_min": 5,
    "travel_cost_per_km": 1,
    "working_cost_per_min": 0,
}


def default_objective() -> dict[str, Any]:
    """A fresh copy of :data:`DEFAULT_OBJECTIVE`, safe to change."""
    return copy.deepcopy(dict(DEFAULT_OBJECTIVE))


def geo(lat: float, lon: float) -> dict[str, float]:
    return {"lat": lat, "lon": lon}


def plane(x: float, y: float) -> dict[str, float]:
    return {"x": x, "y": y}


def period(start: Time, end: Time) -> dict[str, Time]:
    """A shift, a window or depot hours: ``{"start", "end"}``."""
    return {"start": start, "end": end}


def break_dict(earliest: Time, latest: Time, duration_min: float) -> dict[str, Any]:
    return {"earliest": earliest, "latest": latest, "duration_min": duration_min}


def _optional(out: dict[str, Any], **fields: Any) -> dict[str, Any]:
    for key, value in fields.items():
        if value is None:
            continue
        out[key] = dict(value) if isinstance(value, Mapping) else value
    return out


def engineer_dict(
    id: str,
    start: Mapping[str, float],
    shift: Mapping[str, Time],
    *,
    end: Mapping[str, float] | None = None,
    max_overtime_min: float | None = None,
    breaks: Iterable[Mapping[str, Any]] | None = None,
    skills: Mapping[str, int] | None = None,
    van_stock: Mapping[str, int] | None = None,
    tools: Iterable[str] | None = None,
    capacity: int | None = None,
    duration_factor: float | None = None,
) -> dict[str, Any]:
    """An ``engineers[]`` entry; ``end`` left out means the engineer returns to ``start``."""
    out: dict[str, Any] = {"id": id, "start": dict(start)}
    return _optional(
        out,
        end=end,
        shift=shift,
        max_overtime_min=max_overtime_min,
        breaks=None if breaks is None else [dict(b) for b in breaks],
        skills=skills,
        van_stock=van_stock,
        tools=None if tools is None else list(tools),
        capacity=capacity,
        duration_factor=duration_factor,
    )


def job_dict(
    id: str,
    site: Mapping[str, float],
    duration_min: float,
    windows: Iterable[Mapping[str, Time]],
    *,
    kind: str | None = None,
    priority: int | None = None,
    sla_deadline: Time | None = None,
    skills: Mapping[str, int] | None = None,
    parts: Mapping[str, int] | None = None,
    tools: Iterable[str] | None = None,
    demand: int | None = None,
    pinned_engineer: str | None = None,
    excluded_engineers: Iterable[str] | None = None,
    preferred_engineers: Iterable[str] | None = None,
    crew: int | None = None,
) -> dict[str, Any]:
    """A ``jobs[]`` entry; ``kind`` left out reads as ``normal``, ``priority`` as 3."""
    out: dict[str, Any] = {"id": id, "site": dict(site)}
    _optional(out, kind=kind, priority=priority)
    out["duration_min"] = duration_min
    out["windows"] = [dict(w) for w in windows]
    return _optional(
        out,
        sla_deadline=sla_deadline,
        skills=skills,
        parts=parts,
        tools=None if tools is None else list(tools),
        demand=demand,
        pinned_engineer=pinned_engineer,
        excluded_engineers=None if excluded_engineers is None else list(excluded_engineers),
        preferred_engineers=None if preferred_engineers is None else list(preferred_engineers),
        crew=crew,
    )


def depot_dict(
    id: str,
    location: Mapping[str, float],
    hours: Mapping[str, Time] | Iterable[Mapping[str, Time]],
    *,
    pickup_min: float | None = None,
    stock: Mapping[str, int] | None = None,
    tools: Iterable[str] | None = None,
) -> dict[str, Any]:
    """A ``depots[]`` entry; ``hours`` one period, or (1.1) a list of periods."""
    opening = dict(hours) if isinstance(hours, Mapping) else [dict(h) for h in hours]
    out: dict[str, Any] = {"id": id, "location": dict(location), "hours": opening}
    return _optional(
        out, pickup_min=pickup_min, stock=stock, tools=None if tools is None else list(tools)
    )
