"""Why each unserved job is unserved: a pass over the rules, one job at a time.

The first rule that no engineer can get past names the reason; a job every
rule allows for some engineer, alone, is reported as ``capacity``: the days of
the engineers who could do it had no room left (time, load, or depot stock).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from dispatch.evaluate.eligibility import (
    earliest_starts,
    is_permitted,
    missing_parts,
    missing_tools,
    reachable_alone,
    skill_shortfall,
)
from dispatch.model.plan import Unassigned
from dispatch.model.reasons import StopType, UnassignedReason

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dispatch.model.entities import Engineer, Job
    from dispatch.model.plan import Route, Stop
    from dispatch.model.problem import Problem

R = UnassignedReason


def diagnose(problem: Problem, routes: Sequence[Route], job_ids: Iterable[str]) -> list[Unassigned]:
    """A reason and a human detail for each job id given (jobs not in any route)."""
    taken = _depot_draws(routes)
    timed = {str(s.id): s for r in routes for s in r.stops if s.type is StopType.JOB}
    out = []
    for job_id in job_ids:
        found = _diagnose_one(problem, problem.job_index[job_id], taken)
        if found.reason is R.CAPACITY:
            waiting = _dependency(problem, problem.jobs[problem.job_index[job_id]], timed)
            if waiting is not None:
                found = Unassigned(job_id, R.DEPENDENCY, waiting)
        out.append(found)
    return out


def _dependency(problem: Problem, job: Job, timed: dict[str, Stop]) -> str | None:
    """Why the jobs ``job`` follows keep it out: one is not served, or it could
    only start after its last window closes; None if neither."""
    release = -math.inf
    for follows in job.after:
        first = timed.get(follows.job)
        if first is None:
            return f"follows {follows.job}, which is not served"
        release = max(release, first.end + follows.min_lag_min)
    if job.after and release > job.windows[-1].end:
        return (
            f"may start only from {problem.clock.label(release)} (after {_names_of(job)} "
            f"plus the lag), after its last window closes at "
            f"{problem.clock.label(job.windows[-1].end)}"
        )
    return None


def _names_of(job: Job) -> str:
    return ", ".join(f.job for f in job.after)


def _names(engineers: Sequence[Engineer], limit: int = 4) -> str:
    ids = list(dict.fromkeys(e.id for e in engineers))  # an engineer once, for all shifts
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def _count(engineers: Sequence[Engineer]) -> int:
    return len({e.id for e in engineers})


def _diagnose_one(problem: Problem, j: int, taken: dict[str, int]) -> Unassigned:
    """The first rule no engineer's shift gets past (each shift is an entry of
    ``problem.engineers``; an engineer counts once in the details)."""
    job = problem.jobs[j]
    if not problem.engineers:
        return Unassigned(job.id, R.NO_SKILLED_ENGINEER, "the problem has no engineers")
    slots = list(range(len(problem.engineers)))
    reach = reachable_alone(problem, j)
    if job.pinned_engineer is not None:
        mine = problem.slots_of[job.pinned_engineer]
        pinned = problem.engineers[mine[0]]
        problem_with_pin = _pin_problem(problem, pinned, job, any(reach[i] for i in mine))
        if problem_with_pin:
            return Unassigned(job.id, R.PINNED_CONFLICT, problem_with_pin)
        if job.crew == 1:
            slots = list(mine)
    shifts = problem.engineers
    skilled = [i for i in slots if not skill_shortfall(shifts[i], job)]
    if not skilled:
        return Unassigned(job.id, R.NO_SKILLED_ENGINEER, _skill_detail(problem, job))
    if _count([shifts[i] for i in skilled]) < job.crew:
        return Unassigned(
            job.id,
            R.NO_SKILLED_ENGINEER,
            f"needs a crew of {job.crew}; only {_count([shifts[i] for i in skilled])} "
            f"engineer(s) have the skills ({_names([shifts[i] for i in skilled])})",
        )
    permitted = [i for i in skilled if is_permitted(shifts[i], job)]
    if not permitted:
        with_skills = [shifts[i] for i in skilled]
        if all(e.on_call for e in with_skills):
            detail = (
                f"the {_count(with_skills)} engineers with the skills are on call "
                f"({_names(with_skills)}), which serves emergencies only"
            )
        else:
            detail = (
                f"all {_count(with_skills)} engineers with the skills are excluded "
                f"({_names(with_skills)})"
            )
        return Unassigned(job.id, R.EXCLUDED, detail)
    equipped = [i for i in permitted if not missing_tools(problem, shifts[i], job)]
    if not equipped:
        tools = ", ".join(missing_tools(problem, shifts[permitted[0]], job))
        return Unassigned(
            job.id,
            R.NO_PARTS,
            f"needs tool {tools}; no skilled engineer carries it and no depot lends it",
        )
    stocked_slots = [i for i in equipped if not missing_parts(problem, shifts[i], job)]
    if not stocked_slots:
        part, need, held = missing_parts(problem, shifts[equipped[0]], job)[0]
        return Unassigned(
            job.id,
            R.NO_PARTS,
            f"needs {need} x {part}; at most {held} held in a van and all depots together",
        )
    stocked = [shifts[i] for i in stocked_slots]
    able = [shifts[i] for i in stocked_slots if reach[i]]
    if job.crew > 1 and able:  # members beside the lead need no parts or tools
        able = [shifts[i] for i in permitted if reach[i]]
    if able and _count(able) < job.crew:
        return Unassigned(
            job.id,
            R.WINDOW_UNREACHABLE,
            f"needs a crew of {job.crew}; only {_count(able)} qualified engineer(s) can "
            f"reach it inside a window ({_names(able)})",
        )
    if not able:
        windows = ", ".join(
            f"{problem.clock.label(w.start)}-{problem.clock.label(w.end)}" for w in job.windows
        )
        return Unassigned(
            job.id,
            R.WINDOW_UNREACHABLE,
            f"no qualified engineer ({_count(stocked)}) can start inside {windows} "
            "and be back within shift plus overtime",
        )
    return Unassigned(job.id, R.CAPACITY, _capacity_detail(problem, job, able, taken))


def _pin_problem(problem: Problem, pinned: Engineer, job: Job, reachable: bool) -> str | None:
    short = skill_shortfall(pinned, job)
    if short:
        skill, need, have = short[0]
        return f"pinned to {pinned.id}, who has {skill} level {have}, needs {need}"
    if pinned.id in job.excluded_engineers:
        return f"pinned to {pinned.id}, who is also excluded"
    if missing_tools(problem, pinned, job) or missing_parts(problem, pinned, job):
        return f"pinned to {pinned.id}, who cannot get the parts or tools it needs"
    if not reachable:
        return f"pinned to {pinned.id}, who cannot reach the site inside a window within shift plus overtime"
    if not is_permitted(pinned, job):
        return f"pinned to {pinned.id}, who may not do it"
    return None


def _skill_detail(problem: Problem, job: Job) -> str:
    worst = None
    for skill, need in sorted(job.skills.items()):
        best = max((e.skills.get(skill, 0) for e in problem.engineers), default=0)
        if best < need and (worst is None or need - best > worst[1] - worst[2]):
            worst = (skill, need, best)
    if worst is None:  # every skill is held, but never all by one engineer
        needs = ", ".join(f"{s} level {n}" for s, n in sorted(job.skills.items()))
        return f"needs {needs}; no engineer holds all of them"
    skill, need, best = worst
    return f"needs {skill} level {need}; best available level {best}"


def _depot_draws(routes: Sequence[Route]) -> dict[str, int]:
    """Units of each part the plan takes from depots."""
    taken: dict[str, int] = {}
    for route in routes:
        for stop in route.stops:
            if stop.type is StopType.DEPOT:
                for part, units in stop.pickup.items():
                    taken[part] = taken.get(part, 0) + units
    return taken


def _capacity_detail(
    problem: Problem, job: Job, able: Sequence[Engineer], taken: dict[str, int]
) -> str:
    for part, need in sorted(job.parts.items()):
        left = problem.depot_stock_totals.get(part, 0) - taken.get(part, 0)
        if all(e.van_stock.get(part, 0) < need for e in able) and left < need:
            return (
                f"needs {need} x {part}; the plan already takes the depots' stock of it "
                f"for other jobs ({left} left)"
            )
    penalty = problem.objective.unassigned(job.priority)
    net = problem.network
    j = problem.job_index[job.id]
    site = net.job_site[j]
    starts = earliest_starts(problem, j)
    late_rate = problem.objective.late(job.priority)
    cheapest, late_by = math.inf, 0.0
    for e in able:
        i = problem.slot_index[(e.id, e.shift_index)]
        late = 0.0 if job.sla_deadline is None else max(0.0, float(starts[i]) - job.sla_deadline)
        cost = (
            problem.objective.travel_cost_per_km
            * (net.km(net.engineer_start[i], site) + net.km(site, net.engineer_end[i]))
            + late * late_rate
        )
        if cost < cheapest:
            cheapest, late_by = cost, late
    if cheapest > penalty:
        late_note = f", {late_by:g} min late at best" if late_by > 0 else ""
        return (
            f"serving it costs at least {cheapest:,.2f}{late_note}, more than its "
            f"unassigned penalty of {penalty:,.2f}"
        )
    if job.crew > 1:
        return (
            f"a crew of {job.crew} could come from {_count(able)} engineers ({_names(able)}), "
            "but their days had no room left for it at one time"
        )
    return (
        f"{_count(able)} engineer(s) could do it alone ({_names(able)}), "
        "but their days had no room left for it"
    )
