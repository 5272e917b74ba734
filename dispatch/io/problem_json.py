"""The schema-versioned JSON form of a dispatch problem (docs/contracts.md), both ways.

Reading validates as it goes: every refusal is a :class:`ProblemError` naming
the JSON path and the rule, never a traceback.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from dispatch.errors import ProblemError, require
from dispatch.io.reader import Obj, number, point_from_json, read_json
from dispatch.io.travel_json import travel_from_json
from dispatch.model.entities import (
    Break,
    Depot,
    Engine,
    Engineer,
    Follows,
    Job,
    JobKind,
    Objective,
    SolveOptions,
    Window,
)
from dispatch.model.problem import Problem
from dispatch.model.units import Clock, parse_iso
from dispatch.travel.locations import GeoPoint, Location
from dispatch.travel.providers import MatrixTravel

if TYPE_CHECKING:
    from collections.abc import Callable

PROBLEM_SCHEMA = "fieldplan.dispatch.problem/1"
PLAN_SCHEMA = "fieldplan.dispatch.plan/1"


# ---------------------------------------------------------------- problem --


def load_problem(path: str | Path) -> Problem:
    """Read and validate a problem file."""
    return problem_from_json(read_json(path))


def problem_from_text(text: str) -> Problem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(
            "(root)", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    return problem_from_json(data)


def problem_from_json(data: object) -> Problem:
    """Build a validated :class:`Problem` from the contract's JSON form."""
    root = Obj(data, "")
    schema = root.string("schema")
    require(schema == PROBLEM_SCHEMA, "schema", f"must be '{PROBLEM_SCHEMA}'")
    horizon_obj = root.obj("horizon")
    start_raw = horizon_obj.raw("start")
    if isinstance(start_raw, str):
        clock = Clock(parse_iso(start_raw, "horizon.start"))
    else:
        number(start_raw, "horizon.start")
        clock = Clock(None)
    horizon = _window(horizon_obj, clock)
    travel = travel_from_json(root.obj("travel"))
    geo = travel.location_kind == "geo"
    engineers = tuple(
        shift
        for i, item in enumerate(root.array("engineers"))
        for shift in _engineer(Obj(item, f"engineers[{i}]"), clock, geo)
    )
    jobs = tuple(
        _job(Obj(item, f"jobs[{i}]"), clock, geo, horizon)
        for i, item in enumerate(root.array("jobs"))
    )
    depots = tuple(
        _depot(Obj(item, f"depots[{i}]"), clock, geo)
        for i, item in enumerate(root.array("depots", required=False))
    )
    objective = _objective(Obj(root.data.get("objective") or {}, "objective"))
    options = _options(Obj(root.data.get("options") or {}, "options"))
    return Problem(horizon, travel, engineers, jobs, depots, objective, options, clock)


def _entity(obj: Obj, collection: str) -> Obj:
    """Re-path an entity by its id (``jobs[J17]``) once the id is known."""
    ident = obj.string("id")
    return Obj(obj.data, f"{collection}[{ident}]")


def _window(obj: Obj, clock: Clock) -> Window:
    start = clock.parse(obj.raw("start"), obj.at("start"))
    end = clock.parse(obj.raw("end"), obj.at("end"))
    window = Window(start, end)
    window.check(obj.path)
    return window


def _location(obj: Obj, key: str, geo: bool) -> Location:
    return point_from_json(obj.obj(key), geo)


def _breaks(obj: Obj, clock: Clock) -> tuple[Break, ...]:
    breaks = []
    for i, item in enumerate(obj.array("breaks", required=False)):
        b = Obj(item, obj.at(f"breaks[{i}]"))
        breaks.append(
            Break(
                clock.parse(b.raw("earliest"), b.at("earliest")),
                clock.parse(b.raw("latest"), b.at("latest")),
                b.number("duration_min"),
            )
        )
    return tuple(breaks)


def _engineer(raw: Obj, clock: Clock, geo: bool) -> list[Engineer]:
    """One :class:`Engineer` per shift: the one ``shift``, or each of ``shifts``."""
    obj = _entity(raw, "engineers")
    start = _location(obj, "start", geo)
    common = {
        "id": obj.string("id"),
        "start": start,
        "end": _location(obj, "end", geo) if obj.has("end") else start,
        "skills": obj.counts("skills"),
        "van_stock": obj.counts("van_stock"),
        "tools": obj.names("tools"),
        "capacity": obj.integer("capacity", 0),
        "duration_factor": obj.number("duration_factor", 1.0),
    }
    overtime = obj.number("max_overtime_min", 0.0)
    if not obj.has("shifts"):
        return [
            Engineer(
                shift=_window(obj.obj("shift"), clock),
                max_overtime_min=overtime,
                breaks=_breaks(obj, clock),
                **common,  # type: ignore[arg-type]
            )
        ]
    require(not obj.has("shift"), obj.at("shift"), "give either 'shift' or 'shifts', not both")
    require(
        not obj.array("breaks", required=False),
        obj.at("breaks"),
        "with 'shifts', give breaks in each shift",
    )
    items = obj.array("shifts")
    require(
        bool(items),
        obj.at("shifts"),
        "must hold at least one shift (leave out an engineer who works none)",
    )
    windows = [_window(Obj(item, obj.at(f"shifts[{k}]")), clock) for k, item in enumerate(items)]
    out = []
    for k, item in enumerate(items):
        shift = Obj(item, obj.at(f"shifts[{k}]"))
        on_call = shift.data.get("on_call", False)
        require(isinstance(on_call, bool), shift.at("on_call"), "must be true or false")
        out.append(
            Engineer(
                shift=windows[k],
                max_overtime_min=shift.number("max_overtime_min", overtime),
                breaks=_breaks(shift, clock),
                shift_index=k,
                on_call=on_call,
                in_shifts=True,
                next_shift_start=windows[k + 1].start if k + 1 < len(windows) else math.inf,
                **common,  # type: ignore[arg-type]
            )
        )
    return out


def _job(raw: Obj, clock: Clock, geo: bool, horizon: Window) -> Job:
    obj = _entity(raw, "jobs")
    windows = tuple(
        _window(Obj(item, obj.at(f"windows[{i}]")), clock)
        for i, item in enumerate(obj.array("windows", required=False))
    ) or (horizon,)
    pinned = obj.data.get("pinned_engineer")
    require(
        pinned is None or isinstance(pinned, str),
        obj.at("pinned_engineer"),
        "must be an engineer id or null",
    )
    preferred = obj.names("preferred_engineers")
    return Job(
        id=obj.string("id"),
        site=_location(obj, "site", geo),
        # Job checks the kind in its own order of checks and stores it as a JobKind.
        kind=cast(JobKind, obj.string("kind", "normal")),
        priority=obj.integer("priority", 3),
        duration_min=obj.number("duration_min"),
        windows=windows,
        sla_deadline=clock.parse(obj.raw("sla_deadline"), obj.at("sla_deadline"))
        if obj.has("sla_deadline")
        else None,
        skills=obj.counts("skills"),
        parts=obj.counts("parts"),
        tools=obj.names("tools"),
        demand=obj.integer("demand", 0),
        pinned_engineer=pinned,
        excluded_engineers=obj.names("excluded_engineers"),
        preferred_engineers=tuple(sorted(preferred)),
        after=_follows(obj),
        crew=obj.integer("crew", 1),
    )


def _follows(obj: Obj) -> tuple[Follows, ...]:
    out = []
    for i, item in enumerate(obj.array("after", required=False)):
        follows = Obj(item, obj.at(f"after[{i}]"))
        out.append(Follows(follows.string("job"), follows.number("min_lag_min", 0.0)))
    return tuple(out)


def _depot(raw: Obj, clock: Clock, geo: bool) -> Depot:
    obj = _entity(raw, "depots")
    periods: tuple[Window, ...] = ()
    if isinstance(obj.data.get("hours"), list):
        periods = tuple(
            _window(Obj(item, obj.at(f"hours[{i}]")), clock)
            for i, item in enumerate(obj.array("hours"))
        )
        require(bool(periods), obj.at("hours"), "must hold at least one period")
        hours = Window(periods[0].start, max(p.end for p in periods))
    else:
        hours = _window(obj.obj("hours"), clock)
    return Depot(
        id=obj.string("id"),
        location=_location(obj, "location", geo),
        hours=hours,
        periods=periods,
        pickup_min=obj.number("pickup_min", 0.0),
        stock=obj.counts("stock"),
        tools=obj.names("tools"),
    )


def _priority_map(obj: Obj, key: str) -> dict[int, float]:
    if not obj.has(key):
        return {}
    inner = obj.obj(key)
    out: dict[int, float] = {}
    for name in inner.data:
        require(name.isdigit(), inner.at(name), "keys must be priorities (1, 2, ...)")
        out[int(name)] = inner.number(name)
    return out


def _objective(obj: Obj) -> Objective:
    return Objective(
        unassigned_penalty=_priority_map(obj, "unassigned_penalty"),
        late_penalty_per_min=_priority_map(obj, "late_penalty_per_min"),
        overtime_cost_per_min=obj.number("overtime_cost_per_min", 0.0),
        travel_cost_per_km=obj.number("travel_cost_per_km", 1.0),
        working_cost_per_min=obj.number("working_cost_per_min", 0.0),
        callout_cost=obj.number("callout_cost", 0.0),
        unpreferred_cost=obj.number("unpreferred_cost", 0.0),
        balance_cost_per_min=obj.number("balance_cost_per_min", 0.0),
    )


def _options(obj: Obj) -> SolveOptions:
    engine = obj.string("engine", "auto")
    require(
        engine in {e.value for e in Engine},
        obj.at("engine"),
        f"must be one of {', '.join(e.value for e in Engine)}",
    )
    return SolveOptions(
        time_limit_s=obj.number("time_limit_s", 30.0),
        seed=obj.integer("seed", 0),
        solution_limit=obj.integer("solution_limit") if obj.has("solution_limit") else None,
        workers=obj.integer("workers", 1),
        engine=Engine(engine),
    )


def with_matrix_travel(data: object) -> dict[str, Any]:
    """The same problem JSON with its travel replaced by explicit ``matrix`` travel.

    The matrices are the ones the solver would use (for ``osrm``: fetched from
    the server now), over the problem's distinct locations, so a plan can be
    checked later, and the problem solved again, without the server. Every
    other field is kept as it was. A ``matrix`` problem comes back unchanged
    in meaning.
    """
    if not isinstance(data, dict):
        raise ProblemError("(root)", "must be a JSON object")
    problem = problem_from_json(data)
    net = problem.network
    travel = MatrixTravel(
        net.locations,
        net.travel.minutes,
        net.travel.km,
        location_kind=problem.travel.location_kind,
    ).to_json()
    minutes = net.travel.minutes
    if bool((minutes == np.round(minutes)).all()):
        travel["minutes"] = minutes.astype(np.int64).tolist()  # whole minutes, written as such
    return {**data, "travel": travel}


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The contract's JSON form of a problem (used by generators and travel caching)."""
    fmt = problem.clock.format

    def loc(p: Location) -> dict[str, float]:
        return {"lat": p.lat, "lon": p.lon} if isinstance(p, GeoPoint) else {"x": p.x, "y": p.y}

    def win(w: Window) -> dict[str, Any]:
        return {"start": fmt(w.start), "end": fmt(w.end)}

    return {
        "schema": PROBLEM_SCHEMA,
        "horizon": win(problem.horizon),
        "travel": problem.travel.to_json(),
        "engineers": [
            _engineer_to_json(problem, slots, loc, win) for slots in problem.slots_of.values()
        ],
        "jobs": [
            {
                "id": j.id,
                "site": loc(j.site),
                "kind": j.kind.value,
                "priority": j.priority,
                "duration_min": j.duration_min,
                "windows": [win(w) for w in j.windows],
                "sla_deadline": None if j.sla_deadline is None else fmt(j.sla_deadline),
                "skills": dict(j.skills),
                "parts": dict(j.parts),
                "tools": sorted(j.tools),
                "demand": j.demand,
                "pinned_engineer": j.pinned_engineer,
                "excluded_engineers": sorted(j.excluded_engineers),
                "preferred_engineers": list(j.preferred_engineers),
                **(
                    {"after": [{"job": f.job, "min_lag_min": f.min_lag_min} for f in j.after]}
                    if j.after
                    else {}
                ),
                **({"crew": j.crew} if j.crew != 1 else {}),
            }
            for j in problem.jobs
        ],
        "depots": [
            {
                "id": d.id,
                "location": loc(d.location),
                "hours": [win(p) for p in d.periods] if d.periods else win(d.hours),
                "pickup_min": d.pickup_min,
                "stock": dict(d.stock),
                "tools": sorted(d.tools),
            }
            for d in problem.depots
        ],
        "objective": {
            "unassigned_penalty": {
                str(k): v for k, v in problem.objective.unassigned_penalty.items()
            },
            "late_penalty_per_min": {
                str(k): v for k, v in problem.objective.late_penalty_per_min.items()
            },
            "overtime_cost_per_min": problem.objective.overtime_cost_per_min,
            "travel_cost_per_km": problem.objective.travel_cost_per_km,
            "working_cost_per_min": problem.objective.working_cost_per_min,
            **{
                name: getattr(problem.objective, name)
                for name in ("callout_cost", "unpreferred_cost", "balance_cost_per_min")
                if getattr(problem.objective, name)
            },
        },
        "options": {
            "time_limit_s": problem.options.time_limit_s,
            "seed": problem.options.seed,
            **(
                {"solution_limit": problem.options.solution_limit}
                if problem.options.solution_limit
                else {}
            ),
        },
    }


def _engineer_to_json(
    problem: Problem,
    slots: tuple[int, ...],
    loc: Callable[[Location], dict[str, float]],
    win: Callable[[Window], dict[str, Any]],
) -> dict[str, Any]:
    """One engineer's entry: the one ``shift`` form, or ``shifts`` as it was given."""
    fmt = problem.clock.format
    first = problem.engineers[slots[0]]

    def breaks(e: Engineer) -> list[dict[str, Any]]:
        return [
            {"earliest": fmt(b.earliest), "latest": fmt(b.latest), "duration_min": b.duration_min}
            for b in e.breaks
        ]

    out: dict[str, Any] = {"id": first.id, "start": loc(first.start), "end": loc(first.end)}
    if first.in_shifts:
        out["max_overtime_min"] = first.max_overtime_min
        out["shifts"] = [
            {
                **win(e.shift),
                "max_overtime_min": e.max_overtime_min,
                "breaks": breaks(e),
                **({"on_call": True} if e.on_call else {}),
            }
            for e in (problem.engineers[v] for v in slots)
        ]
    else:
        out["shift"] = win(first.shift)
        out["max_overtime_min"] = first.max_overtime_min
        out["breaks"] = breaks(first)
    out.update(
        {
            "skills": dict(first.skills),
            "van_stock": dict(first.van_stock),
            "tools": sorted(first.tools),
            "capacity": first.capacity,
            **({"duration_factor": first.duration_factor} if first.duration_factor != 1 else {}),
        }
    )
    return out
