"""Who could do a job at all: skills, exclusions, pinning, tools, parts and reach.

Shared by the engine (to restrict each job to engineers who can possibly do it)
and by the diagnosis of unassigned jobs, so both reason from the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dispatch.model.entities import JobKind

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from dispatch.model.entities import Engineer, Job
    from dispatch.model.problem import Problem


def skill_shortfall(engineer: Engineer, job: Job) -> list[tuple[str, int, int]]:
    """(skill, level needed, engineer's level) for every skill the engineer falls short in."""
    return [
        (skill, need, engineer.skills.get(skill, 0))
        for skill, need in sorted(job.skills.items())
        if engineer.skills.get(skill, 0) < need
    ]


def is_permitted(engineer: Engineer, job: Job) -> bool:
    """Skills suffice, not excluded, the pinned engineer when pinned (for a crew
    job: anyone, as the pinned engineer is one of the crew), and an on-call shift
    only for an emergency."""
    if engineer.on_call and job.kind is not JobKind.EMERGENCY:
        return False
    if job.pinned_engineer is not None and job.crew == 1 and job.pinned_engineer != engineer.id:
        return False  # a crew job pinned to one engineer takes others beside them
    return engineer.id not in job.excluded_engineers and not skill_shortfall(engineer, job)


def missing_tools(problem: Problem, engineer: Engineer, job: Job) -> list[str]:
    """Tools the job needs that the engineer neither carries nor can borrow anywhere."""
    lendable = problem.lendable_tools
    return sorted(t for t in job.tools if t not in engineer.tools and t not in lendable)


def missing_parts(problem: Problem, engineer: Engineer, job: Job) -> list[tuple[str, int, int]]:
    """(part, needed, van + all depot stock) where even everything would not be enough."""
    out = []
    for part, need in sorted(job.parts.items()):
        held = engineer.van_stock.get(part, 0) + problem.depot_stock_totals.get(part, 0)
        if held < need:
            out.append((part, need, held))
    return out


def needs_depot(problem: Problem, engineer: Engineer, job: Job) -> bool:
    """The job cannot be served from the engineer's own van and tools alone."""
    if any(engineer.van_stock.get(p, 0) < n for p, n in job.parts.items()):
        return True
    return any(t not in engineer.tools for t in job.tools)


def earliest_starts(problem: Problem, job_index: int) -> NDArray[np.float64]:
    """Per engineer: the earliest service start on a route home -> (depot) -> site -> end.

    ``inf`` where no window can be met within shift plus overtime. Ignores breaks
    and other jobs, so it is a bound: no real plan starts the job earlier.
    """
    job = problem.jobs[job_index]
    net = problem.network
    minutes = net.travel.minutes
    site = net.job_site[job_index]
    starts = np.array(net.engineer_start, dtype=np.intp)
    ends = np.array(net.engineer_end, dtype=np.intp)
    shift_start = np.array([e.shift.start for e in problem.engineers])
    latest = np.array([e.latest_return for e in problem.engineers])
    back = minutes[site, ends]
    direct = shift_start + minutes[starts, site]
    via_depot = np.full(len(problem.engineers), np.inf)
    for d_index, depot in enumerate(problem.depots):
        loc = net.depot_site[d_index]
        reach_depot = shift_start + minutes[starts, loc]
        leave = np.full(len(problem.engineers), np.inf)
        for period in reversed(depot.opening):  # the first period that fits wins
            done = np.maximum(reach_depot, period.start) + depot.pickup_min
            leave = np.where(done <= period.end + 1e-9, done, leave)
        via_depot = np.minimum(via_depot, leave + minutes[loc, site])
    # a crew member beside the lead carries nothing for the job: no depot on the way
    needs = np.array([job.crew == 1 and needs_depot(problem, e, job) for e in problem.engineers])
    arrive = np.where(needs, via_depot, direct)
    service = np.array([problem.service_min(job_index, v) for v in range(len(problem.engineers))])
    result = np.full(len(problem.engineers), np.inf)
    for window in reversed(job.windows):
        begin = np.maximum(arrive, window.start)
        fits = (begin <= window.end + 1e-9) & (begin + service + back <= latest + 1e-9)
        result = np.where(fits, begin, result)
    return result


def reachable_alone(problem: Problem, job_index: int) -> NDArray[np.bool_]:
    """Per engineer: can a route home -> (depot) -> site -> end serve this job on its own?"""
    return np.isfinite(earliest_starts(problem, job_index))


def candidates(problem: Problem, job_index: int) -> list[int]:
    """Indices of engineers who could serve the job alone, by every rule checked here.

    For a crew job, those who could be members: parts and tools are the lead's
    to carry, so they count only in that one of the members must be able to.
    """
    job = problem.jobs[job_index]
    reach = reachable_alone(problem, job_index)
    permitted = [i for i, e in enumerate(problem.engineers) if reach[i] and is_permitted(e, job)]
    equipped = [
        i
        for i in permitted
        if not missing_tools(problem, problem.engineers[i], job)
        and not missing_parts(problem, problem.engineers[i], job)
    ]
    if job.crew == 1:
        return equipped
    return permitted if equipped else []
