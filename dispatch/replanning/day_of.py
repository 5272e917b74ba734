"""The day under way of a several-day plan, as a one-day problem and plan of its own.

A week's plan is re-planned a day at a time: the day that holds ``now`` is
what engineers are working through, and later days are still tentative. The
contract gives an engineer one ``start`` for all shifts, so "where they are
now" cannot be said for today without moving every later day's start too;
the day is therefore cut out whole:

- each engineer's working shift on that day, in the one-``shift`` form (with
  its own overtime and breaks); engineers without one, and on-call shifts,
  stay out (their routes stand as published);
- the jobs no route of another shift holds, with a window on that day (or
  none); a job that follows one planned on another shift starts no earlier
  than that one ends as published, plus the lag; one that follows work no
  route holds (or no window of the day allows) stays out;
- depot stock less what the routes of the other shifts take.

The horizon stays the week's, so every time means the same in both problems.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from dispatch.evaluate.timing import evaluate
from dispatch.io.problem_json import problem_from_json, problem_to_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType

if TYPE_CHECKING:
    from dispatch.model.day_state import DayState
    from dispatch.model.plan import Plan, Route
    from dispatch.model.problem import Problem
    from dispatch.model.units import Clock

DAY_MIN = 1440.0


def day_start(clock: Clock, minutes: float) -> float:
    """Minutes from the horizon start to the local midnight that begins ``minutes``' day
    (the horizon's own UTC offset; a numeric clock counts days of 1,440 minutes from 0)."""
    if clock.epoch is None:
        return math.floor(minutes / DAY_MIN) * DAY_MIN
    moment = clock.epoch + timedelta(seconds=round(minutes * 60.0))
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - clock.epoch).total_seconds() / 60.0


def day_shifts(problem: Problem, now: float) -> dict[str, int]:
    """Engineer -> index of their first working (not on-call) shift that begins on ``now``'s day."""
    first = day_start(problem.clock, now)
    out: dict[str, int] = {}
    for e in problem.engineers:
        if e.on_call or e.id in out:
            continue
        if day_start(problem.clock, e.shift.start) == first:
            out[e.id] = e.shift_index
    return out


def _visits(route: Route) -> tuple[Visit, ...]:
    visits: list[Visit] = []
    breaks = 0
    for stop in route.stops:
        if stop.type is StopType.BREAK:
            visits.append(Visit(StopType.BREAK, breaks))
            breaks += 1
        else:
            visits.append(Visit(stop.type, str(stop.id), dict(stop.pickup), stop.borrow))
    return tuple(visits)


def _one_shift(raw: dict[str, Any], k: int) -> dict[str, Any]:
    shift = raw["shifts"][k]
    out = {key: value for key, value in raw.items() if key not in ("shifts", "breaks")}
    out["shift"] = {"start": shift["start"], "end": shift["end"]}
    out["max_overtime_min"] = shift.get("max_overtime_min", raw.get("max_overtime_min", 0))
    out["breaks"] = list(shift.get("breaks", []))
    return out


def day_of_plan(
    problem: Problem, data: dict[str, Any], plan: Plan, now: float
) -> tuple[dict[str, Any], Plan]:
    """The day holding ``now`` cut out of a several-day problem (its JSON ``data``) and
    ``plan``: the one-day problem (JSON) and today's routes as a plan of it."""

    today = day_shifts(problem, now)
    first = day_start(problem.clock, now)
    parse = problem.clock.parse
    mine = [r for r in plan.routes if today.get(r.engineer) == (r.shift or 0)]
    others = [r for r in plan.routes if today.get(r.engineer) != (r.shift or 0)]
    ends = {str(s.id): s.end for r in others for s in r.stops if s.type is StopType.JOB}
    taken: dict[str, dict[str, int]] = {}
    for route in others:
        for stop in route.stops:
            if stop.type is StopType.DEPOT:
                into = taken.setdefault(str(stop.id), {})
                for part, units in stop.pickup.items():
                    into[part] = into.get(part, 0) + units

    def on_the_day(raw: dict[str, Any]) -> bool:
        windows = raw.get("windows") or []
        return not windows or any(
            parse(w["end"], "window") >= first and parse(w["start"], "window") < first + DAY_MIN
            for w in windows
        )

    by_id = {str(j["id"]): j for j in data["jobs"] if str(j["id"]) not in ends and on_the_day(j)}
    jobs: dict[str, dict[str, Any]] = {}
    while True:  # a job that follows one left out is left out too, down the chain
        jobs = {
            jid: job
            for jid, raw in by_id.items()
            if (job := _follows_earlier(raw, set(by_id), ends, problem.clock)) is not None
        }
        if len(jobs) == len(by_id):
            break
        by_id = {jid: by_id[jid] for jid in jobs}
    day = {
        **data,
        "name": f"{data.get('name', 'plan')}, the day under way",
        "engineers": [
            _one_shift(raw, today[raw["id"]]) if "shifts" in raw else raw
            for raw in data["engineers"]
            if raw["id"] in today
        ],
        "jobs": list(jobs.values()),
        "depots": [
            {
                **raw,
                "stock": {
                    p: max(0, q - taken.get(raw["id"], {}).get(p, 0))
                    for p, q in raw["stock"].items()
                },
            }
            for raw in data["depots"]
        ],
    }
    cut = problem_from_json(day)
    in_day = set(cut.job_index)
    drafts = [
        RouteDraft(
            r.engineer,
            tuple(v for v in _visits(r) if v.type is not StopType.JOB or str(v.ref) in in_day),
        )
        for r in mine
    ]
    return day, evaluate(cut, drafts, [])


def _follows_earlier(
    raw: dict[str, Any], kept: set[str], ends: dict[str, float], clock: Clock
) -> dict[str, Any] | None:
    """``raw`` with each ``after`` on a job of another shift turned into a window start
    (its published end plus the lag); None when it follows a job no route holds."""
    if not raw.get("after"):
        return raw
    still, release = [], -math.inf
    for follows in raw["after"]:
        jid = str(follows["job"])
        if jid in kept:
            still.append(follows)
        elif jid in ends:
            release = max(release, ends[jid] + follows.get("min_lag_min", 0.0))
        else:
            return None
    out = {k: v for k, v in raw.items() if k != "after"}
    if still:
        out["after"] = still
    if release == -math.inf:
        return out
    windows = []
    for w in raw.get("windows") or []:
        if clock.parse(w["end"], "window") >= release:
            start = max(clock.parse(w["start"], "window"), release)
            windows.append({"start": clock.format(start), "end": w["end"]})
    if not windows:
        return None
    out["windows"] = windows
    return out


def day_under_way(problem: Problem, plan: Plan, state: DayState) -> tuple[Problem, Plan, DayState]:
    """``problem`` and ``plan`` cut to the day that holds ``state.now`` when they span
    several shifts of an engineer (else as they are); reports of other days' jobs set aside."""
    if all(len(shifts) == 1 for shifts in problem.slots_of.values()):
        return problem, plan, state
    data, day_plan = day_of_plan(problem, problem_to_json(problem), plan, state.now)
    day = problem_from_json(data)
    jobs = {jid: report for jid, report in state.jobs.items() if jid in day.job_index}
    return day, day_plan, replace(state, jobs=jobs)
