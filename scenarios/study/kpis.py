"""The figures a planner compares, computed from what happened in a simulation.

- on-time response: jobs whose deadline fell within the study, reached by it
  (the first visit started no later), by fault level and contract tier;
- first-time fix: faults visited whose first visit fixed them;
- time to repair: report to fix of the faults fixed, in hours (mean, 95th percentile);
- backlog: open jobs at the end of each day and of the study;
- utilisation: an engineer's service and driving minutes over their shift minutes;
- stock: investment at the stock plan's levels (depots, central warehouse, vans),
  fill rate per depot (units asked of it, for pickups and van refills, that it had);
- cost per job: engineers' time, overtime, km, a year's holding cost pro rata,
  call-outs and on-call duty days, over the jobs done;
- nights and weekends: call-outs, on-call hours, and the emergencies of 7x24
  contracts reported off hours (nights, weekends) and on weekends reached in
  time;
- preventive maintenance compliance: visits whose tolerance band ended within
  the study done inside it;
- workload spread: each engineer's driving and service hours (day and on
  call), max minus min, and their coefficient of variation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

from scenarios.study.results import (
    DAY,
    REPAIR_KINDS,
    DayFigures,
    VariantResult,
    reached_in_time,
)

if TYPE_CHECKING:
    from scenarios.study.arrivals import Arrivals
    from scenarios.study.execution import Execution
    from scenarios.study.logistics import Logistics
    from scenarios.study.on_call import OnCall
    from scenarios.study.world import World


def variant_kpis(
    world: World,
    arrivals: Arrivals,
    stock: Logistics,
    work: Execution,
    on_call: OnCall,
    figures: list[DayFigures],
    calendar_days: int,
) -> VariantResult:
    """The variant's result (its name left empty) after ``calendar_days`` simulated days."""
    horizon = calendar_days * DAY
    jobs = list(arrivals.jobs.values())
    due = [j for j in jobs if j.deadline is not None and j.deadline < horizon]
    met_by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for j in due:
        met = reached_in_time(j)
        for key in (f"{j.kind}", f"{j.kind}/{j.tier}"):
            met_by[key][0] += int(met)
            met_by[key][1] += 1
    on_time = {k: round(100.0 * m / n, 1) for k, (m, n) in sorted(met_by.items()) if n}
    faults = [j for j in jobs if j.root == j.id and j.kind in ("emergency", "normal")]
    visited = [j for j in faults if j.first_visit is not None]
    first_fix = sum(1 for j in visited if j.fixed)
    repair_h = [(j.fixed_at - j.reported) / 60.0 for j in faults if j.fixed_at is not None]
    done = sum(1 for j in jobs if j.closed_at is not None)
    c = world.settings["costs"]
    shift_min = sum(e.shift[1] - e.shift[0] for e in world.engineers) * work.days_worked
    holding = stock.investment * c["holding_rate_year"] * calendar_days / 365.0
    cost = (
        work.work_min / 60.0 * c["engineer_hour"]
        + (work.overtime + on_call.work_min) / 60.0 * c["overtime_hour"]
        + (work.km + on_call.km) * c["km"]
        + holding
        + len(on_call.callouts) * c["callout"]
        + on_call.duty_days * c["on_call_day"]
    )
    urgent = [
        j
        for j in due
        if j.kind == "emergency"
        and j.tier is not None
        and world.settings["coverage"][j.tier] == "7x24"
    ]
    off_hours = [j for j in urgent if _off_hours(world, on_call, j.reported)]
    weekend = [j for j in urgent if not on_call.working(int(j.reported // DAY))]
    preventive = [j for j in due if j.kind == "preventive"]
    hours = {
        e.id: (work.busy_total.get(e.id, 0.0) + on_call.busy.get(e.id, 0.0)) / 60.0
        for e in world.engineers
    }
    spread = list(hours.values())
    total_due = len(due)
    met_total = sum(1 for j in due if reached_in_time(j))
    fill = {
        d: round(100.0 * stock.filled[d] / stock.requests[d], 1)
        for d in sorted(stock.requests)
        if stock.requests[d]
    }
    kpis: dict[str, Any] = {
        "on_time_pct": round(100.0 * met_total / total_due, 1) if total_due else None,
        "on_time_by": on_time,
        "first_time_fix_pct": round(100.0 * first_fix / len(visited), 1) if visited else None,
        "repair_hours_mean": round(float(np.mean(repair_h)), 1) if repair_h else None,
        "repair_hours_p95": round(float(np.percentile(repair_h, 95)), 1) if repair_h else None,
        "backlog_end": len(arrivals.open),
        "utilisation_pct": round(100.0 * work.work_min / shift_min, 1) if shift_min else None,
        "overtime_hours": round(work.overtime / 60.0, 1),
        "km": round(work.km + on_call.km, 0),
        "stock_investment": round(stock.investment, 0),
        "depot_fill_pct": round(
            100.0 * sum(stock.filled.values()) / sum(stock.requests.values()), 1
        )
        if sum(stock.requests.values())
        else None,
        "cost_per_job": round(cost / done, 2) if done else None,
        "jobs_done": done,
        "engineers": len(world.engineers),
        "callouts": len(on_call.callouts),
        "on_call_hours": round(on_call.work_min / 60.0, 1),
        "off_hours_on_time_pct": _pct(off_hours),
        "weekend_on_time_pct": _pct(weekend),
        "pm_compliance_pct": _pct(preventive),
        "workload_spread_h": round(max(spread) - min(spread), 1) if spread else None,
        "workload_cv_pct": round(100.0 * float(np.std(spread)) / float(np.mean(spread)), 1)
        if spread and np.mean(spread) > 0
        else None,
    }
    utilisation = {
        e.id: round(
            100.0 * work.busy_total.get(e.id, 0.0) / ((e.shift[1] - e.shift[0]) * work.days_worked),
            1,
        )
        for e in world.engineers
        if work.days_worked
    }
    conservation = {
        "initial": stock.initial,
        "received": stock.received,
        "consumed": stock.consumed,
        "on_hand": stock.total_on_hand(),
        "in_transit": stock.in_transit_to_depots(),
    }
    counts = {
        "arrived": len(jobs),
        "done": done,
        "backlog": len(arrivals.open),
        "cancelled": 0,
        "repairs": sum(1 for j in jobs if j.kind in REPAIR_KINDS),
    }
    return VariantResult(
        name="",
        days=figures,
        kpis=kpis,
        utilisation=utilisation,
        depot_fill=fill,
        conservation=conservation,
        jobs=counts,
        settings={"engineers": len(world.engineers)},
    )


def _pct(jobs: list[Any]) -> float | None:
    """Share of ``jobs`` reached in time, in per cent (None when there are none)."""
    if not jobs:
        return None
    return round(100.0 * sum(1 for j in jobs if reached_in_time(j)) / len(jobs), 1)


def _off_hours(world: World, on_call: OnCall, at: float) -> bool:
    """Whether ``at`` falls outside the day team's hours (a night, a day off)."""
    day, minute = int(at // DAY), at % DAY
    if not on_call.working(day):
        return True
    return minute < on_call.morning or minute >= on_call.evening
