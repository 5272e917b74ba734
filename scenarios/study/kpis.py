"""The figures a planner compares, computed from what happened in a simulation.

- on-time response: jobs whose deadline fell within the study, reached by it
  (the first visit started no later), by fault level and contract tier;
- first-time fix: faults visited whose first visit fixed them;
- time to repair: report to fix of the faults fixed, in hours (mean, 95th percentile);
- backlog: open jobs at the end of each day and of the study;
- utilisation: an engineer's service and driving minutes over their shift minutes;
- stock: investment at the stock plan's levels (depots, central warehouse, vans),
  fill rate per depot (units asked of it, for pickups and van refills, that it had);
- cost per job: engineers' time, overtime, km and a year's holding cost pro rata,
  over the jobs done.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

from scenarios.study.cosim import DAY, REPAIR_KINDS, VariantResult, reached_in_time

if TYPE_CHECKING:
    from scenarios.study.cosim import Simulation


def variant_kpis(sim: Simulation) -> VariantResult:
    horizon = sim.calendar_days * DAY
    jobs = list(sim.jobs.values())
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
    c = sim.settings["costs"]
    shift_min = sum(e.shift[1] - e.shift[0] for e in sim.world.engineers) * sim.days_worked
    holding = sim.investment * c["holding_rate_year"] * sim.calendar_days / 365.0
    cost = (
        sim.work_min / 60.0 * c["engineer_hour"]
        + sim.overtime / 60.0 * c["overtime_hour"]
        + sim.km * c["km"]
        + holding
    )
    total_due = len(due)
    met_total = sum(1 for j in due if reached_in_time(j))
    fill = {
        d: round(100.0 * sim.filled[d] / sim.requests[d], 1)
        for d in sorted(sim.requests)
        if sim.requests[d]
    }
    in_transit = sum(units for _a, place, _p, units in sim.pipeline if place != "central")
    kpis: dict[str, Any] = {
        "on_time_pct": round(100.0 * met_total / total_due, 1) if total_due else None,
        "on_time_by": on_time,
        "first_time_fix_pct": round(100.0 * first_fix / len(visited), 1) if visited else None,
        "repair_hours_mean": round(float(np.mean(repair_h)), 1) if repair_h else None,
        "repair_hours_p95": round(float(np.percentile(repair_h, 95)), 1) if repair_h else None,
        "backlog_end": len(sim.open),
        "utilisation_pct": round(100.0 * sim.work_min / shift_min, 1) if shift_min else None,
        "overtime_hours": round(sim.overtime / 60.0, 1),
        "km": round(sim.km, 0),
        "stock_investment": round(sim.investment, 0),
        "depot_fill_pct": round(100.0 * sum(sim.filled.values()) / sum(sim.requests.values()), 1)
        if sum(sim.requests.values())
        else None,
        "cost_per_job": round(cost / done, 2) if done else None,
        "jobs_done": done,
        "engineers": len(sim.world.engineers),
    }
    utilisation = {
        e.id: round(
            100.0 * sim.busy_total.get(e.id, 0.0) / ((e.shift[1] - e.shift[0]) * sim.days_worked), 1
        )
        for e in sim.world.engineers
        if sim.days_worked
    }
    on_hand = sim._total_on_hand()
    conservation = {
        "initial": sim.initial,
        "received": sim.received,
        "consumed": sim.consumed,
        "on_hand": on_hand,
        "in_transit": in_transit,
    }
    counts = {
        "arrived": len(jobs),
        "done": done,
        "backlog": len(sim.open),
        "cancelled": 0,
        "repairs": sum(1 for j in jobs if j.kind in REPAIR_KINDS),
    }
    return VariantResult(
        name="",
        days=sim.figures,
        kpis=kpis,
        utilisation=utilisation,
        depot_fill=fill,
        conservation=conservation,
        jobs=counts,
        settings={"engineers": len(sim.world.engineers)},
    )
