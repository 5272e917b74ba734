"""The contract's JSON form of a plan, both ways.

Reading a plan validates its shape with paths in the errors; whether the plan
obeys the rules is :mod:`dispatch.evaluate.check`'s business.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatch.errors import ProblemError, require
from dispatch.io.problem_json import PLAN_SCHEMA
from dispatch.io.reader import Obj, read_json
from dispatch.model.plan import JobOutcome, Kpis, Plan, Route, SolverInfo, Stop, Unassigned
from dispatch.model.reasons import SlaState, StopType, UnassignedReason

if TYPE_CHECKING:
    from dispatch.model.units import Clock


def plan_to_json(plan: Plan, clock: Clock) -> dict[str, Any]:
    """Plan -> contract JSON (times as ISO strings, or numbers with a numeric clock)."""
    fmt = clock.format

    def stop_json(s: Stop) -> dict[str, Any]:
        out: dict[str, Any] = {"type": s.type.value}
        if s.id is not None:
            out["id"] = s.id
        if s.arrival is not None:
            out["arrival"] = fmt(s.arrival)
        out["start"] = fmt(s.start)
        out["end"] = fmt(s.end)
        if s.type is StopType.DEPOT:
            out["pickup"] = dict(s.pickup)
            out["borrow"] = list(s.borrow)
        if s.lead:
            out["lead"] = True
        return out

    k = plan.kpis
    out: dict[str, Any] = {
        "schema": PLAN_SCHEMA,
        "routes": [
            {
                "engineer": r.engineer,
                **({} if r.shift is None else {"shift": r.shift}),
                "stops": [stop_json(s) for s in r.stops],
                "depart": fmt(r.depart),
                "return": fmt(r.return_at),
                "km": round(r.km, 6),
                "travel_min": round(r.travel_min, 6),
                "overtime_min": round(r.overtime_min, 6),
            }
            for r in plan.routes
        ],
        "jobs": [
            {
                "id": o.id,
                "engineer": o.engineer,
                **({"engineers": list(o.engineers)} if o.engineers else {}),
                "start": fmt(o.start),
                "sla_met": o.sla_met,
                "late_min": round(o.late_min, 6),
            }
            for o in plan.jobs
        ],
        "unassigned": [
            {"id": u.id, "reason": u.reason.value, "detail": u.detail} for u in plan.unassigned
        ],
        "kpis": {
            "jobs": k.jobs,
            "assigned": k.assigned,
            "sla_met": k.sla_met,
            "sla_met_pct": k.sla_met_pct,
            "km": k.km,
            "travel_min": k.travel_min,
            "overtime_min": k.overtime_min,
            "objective": k.objective,
            "late_min": k.late_min,
            "engineers_used": k.engineers_used,
            "sla_met_by_priority": {p: dict(v) for p, v in k.sla_met_by_priority.items()},
            "unassigned_by_reason": dict(k.unassigned_by_reason),
            "cost": dict(k.cost),
            **({} if k.callouts is None else {"callouts": k.callouts}),
        },
    }
    if plan.solver is not None:
        s = plan.solver
        out["solver"] = {
            "engine": s.engine,
            "time_limit_s": s.time_limit_s,
            "seed": s.seed,
            "wall_s": round(s.wall_s, 3),
            "status": s.status,
            "solutions": s.solutions,
            "first_solution_s": None
            if s.first_solution_s is None
            else round(s.first_solution_s, 3),
        }
    return out


def write_plan(plan: Plan, clock: Clock, path: str | Path) -> None:
    """Write atomically: a half-written plan file never appears."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(plan_to_json(plan, clock), indent=2) + "\n", encoding="utf-8")
    tmp.replace(target)


def load_plan(path: str | Path, clock: Clock) -> Plan:
    return plan_from_json(read_json(path), clock)


def _flag(obj: Obj, key: str) -> bool:
    value = obj.data.get(key, False)
    require(isinstance(value, bool), obj.at(key), "must be true or false")
    return bool(value)


def plan_from_json(data: object, clock: Clock) -> Plan:
    """Contract JSON -> Plan; shape errors name the JSON path."""
    root = Obj(data, "")
    require(root.string("schema") == PLAN_SCHEMA, "schema", f"must be '{PLAN_SCHEMA}'")

    def time_of(obj: Obj, key: str) -> float:
        return clock.parse(obj.raw(key), obj.at(key))

    routes = []
    for i, item in enumerate(root.array("routes")):
        r = Obj(item, f"routes[{i}]")
        stops = []
        for k, raw in enumerate(r.array("stops")):
            s = Obj(raw, r.at(f"stops[{k}]"))
            kind = s.string("type")
            require(
                kind in {t.value for t in StopType}, s.at("type"), "must be job, depot or break"
            )
            stype = StopType(kind)
            stops.append(
                Stop(
                    type=stype,
                    id=None if stype is StopType.BREAK else s.string("id"),
                    start=time_of(s, "start"),
                    end=time_of(s, "end"),
                    arrival=time_of(s, "arrival") if s.has("arrival") else None,
                    pickup=s.counts("pickup"),
                    borrow=tuple(sorted(s.names("borrow"))),
                    lead=_flag(s, "lead"),
                )
            )
        routes.append(
            Route(
                engineer=r.string("engineer"),
                stops=tuple(stops),
                depart=time_of(r, "depart"),
                return_at=time_of(r, "return"),
                km=r.number("km"),
                travel_min=r.number("travel_min"),
                overtime_min=r.number("overtime_min"),
                shift=r.integer("shift") if r.has("shift") else None,
            )
        )
    jobs = []
    for i, item in enumerate(root.array("jobs", required=False)):
        o = Obj(item, f"jobs[{i}]")
        met = o.raw("sla_met")
        require(isinstance(met, bool), o.at("sla_met"), "must be true or false")
        jobs.append(
            JobOutcome(
                o.string("id"),
                o.string("engineer"),
                time_of(o, "start"),
                SlaState.of(met),
                o.number("late_min"),
                tuple(o.strings("engineers")) if o.has("engineers") else (),
            )
        )
    unassigned = []
    for i, item in enumerate(root.array("unassigned", required=False)):
        u = Obj(item, f"unassigned[{i}]")
        reason = u.string("reason")
        if reason not in {r.value for r in UnassignedReason}:
            raise ProblemError(u.at("reason"), f"unknown reason '{reason}'")
        unassigned.append(
            Unassigned(u.string("id"), UnassignedReason(reason), str(u.data.get("detail", "")))
        )
    figures = root.obj("kpis")
    kpis = Kpis(
        jobs=figures.integer("jobs"),
        assigned=figures.integer("assigned"),
        sla_met=figures.integer("sla_met"),
        sla_met_pct=figures.number("sla_met_pct"),
        km=figures.number("km"),
        travel_min=figures.number("travel_min"),
        overtime_min=figures.number("overtime_min"),
        objective=figures.number("objective"),
        callouts=figures.integer("callouts") if figures.has("callouts") else None,
    )
    solver = None
    if root.has("solver"):
        s = root.obj("solver")
        solver = SolverInfo(
            engine=s.string("engine", "unknown"),
            time_limit_s=s.number("time_limit_s", 0.0),
            seed=s.integer("seed", 0),
            wall_s=s.number("wall_s", 0.0),
        )
    return Plan(tuple(routes), tuple(jobs), tuple(unassigned), kpis, solver)
