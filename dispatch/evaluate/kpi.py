"""KPIs and the contract objective, computed from timed routes alone."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dispatch.model.plan import JobOutcome, Kpis
from dispatch.model.reasons import SlaState, StopType
from dispatch.model.units import TIME_EPS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatch.model.plan import Route, Stop, Unassigned
    from dispatch.model.problem import Problem


def job_outcome(problem: Problem, engineer: str, stop: Stop) -> JobOutcome:
    """SLA status of a served job: met when service starts by the deadline."""
    job = problem.jobs[problem.job_index[str(stop.id)]]
    late = 0.0 if job.sla_deadline is None else max(0.0, stop.start - job.sla_deadline)
    if late <= TIME_EPS:
        late = 0.0
    return JobOutcome(job.id, engineer, stop.start, SlaState.of(late == 0.0), late)


def job_outcomes(problem: Problem, routes: Sequence[Route]) -> list[JobOutcome]:
    """One outcome per served job, in route order; a crew job's at its lead's stop,
    naming every member, lead first (a crew job without a lead counts at its first stop)."""
    members: dict[str, list[tuple[str, Stop]]] = {}
    for route in routes:
        for stop in route.stops:
            if stop.type is StopType.JOB:
                members.setdefault(str(stop.id), []).append((route.engineer, stop))
    out: list[JobOutcome] = []
    for route in routes:
        for stop in route.stops:
            if stop.type is not StopType.JOB:
                continue
            crew = members[str(stop.id)]
            if len(crew) == 1 and problem.jobs[problem.job_index[str(stop.id)]].crew == 1:
                out.append(job_outcome(problem, route.engineer, stop))
                continue
            lead = next((m for m in crew if m[1].lead), crew[0])
            if stop is not lead[1]:
                continue
            names = (lead[0], *(name for name, s in crew if s is not lead[1]))
            out.append(replace(job_outcome(problem, lead[0], stop), engineers=names))
    return out


def working_minutes(problem: Problem, routes: Sequence[Route]) -> dict[str, float]:
    """Engineer id -> minutes worked over all their routes, ``depart`` to ``return``;
    every engineer of the problem is listed, 0 without a route."""
    out = dict.fromkeys(problem.slots_of, 0.0)
    for route in routes:
        if route.engineer in out:
            out[route.engineer] += route.return_at - route.depart
    return out


def balance_deviation(worked: Mapping[str, float]) -> float:
    """Sum over engineers of the absolute difference from the mean working minutes."""
    if not worked:
        return 0.0
    mean = sum(worked.values()) / len(worked)
    return sum(abs(w - mean) for w in worked.values())


def unpreferred_count(problem: Problem, outcomes: Sequence[JobOutcome]) -> int:
    """Served jobs with preferred engineers whose lead is none of them."""
    count = 0
    for o in outcomes:
        preferred = problem.jobs[problem.job_index[o.id]].preferred_engineers
        if preferred and o.engineer not in preferred:
            count += 1
    return count


def compute_kpis(
    problem: Problem,
    routes: Sequence[Route],
    outcomes: Sequence[JobOutcome],
    unassigned: Sequence[Unassigned],
) -> Kpis:
    """Contract KPIs plus per-priority SLA counts, reasons and the cost breakdown."""
    objective = problem.objective
    served = {o.id for o in outcomes}
    jobs_by_id = {j.id: j for j in problem.jobs}
    by_priority: dict[str, dict[str, int]] = {}
    for job in problem.jobs:
        row = by_priority.setdefault(str(job.priority), {"jobs": 0, "assigned": 0, "sla_met": 0})
        row["jobs"] += 1
    late_cost = 0.0
    for o in outcomes:
        job = jobs_by_id[o.id]
        row = by_priority[str(job.priority)]
        row["assigned"] += 1
        row["sla_met"] += int(o.sla_met)
        late_cost += o.late_min * objective.late(job.priority)
    unassigned_cost = sum(
        objective.unassigned(j.priority) for j in problem.jobs if j.id not in served
    )
    km = sum(r.km for r in routes)
    travel_min = sum(r.travel_min for r in routes)
    overtime_min = sum(r.overtime_min for r in routes)
    working_min = sum(r.return_at - r.depart for r in routes)
    cost = {
        "unassigned": unassigned_cost,
        "lateness": late_cost,
        "overtime": overtime_min * objective.overtime_cost_per_min,
        "travel": km * objective.travel_cost_per_km,
        "working": working_min * objective.working_cost_per_min,
    }
    if objective.unpreferred_cost > 0:
        cost["unpreferred"] = unpreferred_count(problem, outcomes) * objective.unpreferred_cost
    if objective.balance_cost_per_min > 0:
        deviation = balance_deviation(working_minutes(problem, routes))
        cost["balance"] = deviation * objective.balance_cost_per_min
    callouts = None
    if problem.several_days:
        callouts = sum(
            1
            for r in routes
            if r.job_ids and problem.engineers[problem.slot(r.engineer, r.shift)].on_call
        )
        cost["callouts"] = callouts * objective.callout_cost
    reasons: dict[str, int] = {}
    for u in unassigned:
        reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
    assigned = len(outcomes)
    met = sum(1 for o in outcomes if o.sla_met)
    return Kpis(
        jobs=len(problem.jobs),
        assigned=assigned,
        sla_met=met,
        sla_met_pct=round(100.0 * met / assigned, 1) if assigned else 0.0,
        km=round(km, 3),
        travel_min=round(travel_min, 3),
        overtime_min=round(overtime_min, 3),
        objective=round(sum(cost.values()), 3),
        late_min=round(sum(o.late_min for o in outcomes), 3),
        engineers_used=len({r.engineer for r in routes}),
        sla_met_by_priority=by_priority,
        unassigned_by_reason=reasons,
        cost={k: round(v, 3) for k, v in cost.items()},
        callouts=callouts,
    )
