"""Which jobs are near each job, in space and in time: the granular neighbourhood of the search.

Two jobs are close when one can follow the other on a route with little
driving, little waiting and no window missed: the correlation measure of
Vidal et al. (2013, the neighbourhood of HGS), on travel minutes. With tight
windows, jobs a street apart but hours apart in time are not neighbours, and
jobs a little further but due one after the other are; construction offers a
job to the routes serving its neighbours, and ruin and recreate takes strings
from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dispatch.model.problem import Problem

#: Weight of waiting (arriving before the next window opens) in the closeness of two jobs.
WAIT_WEIGHT = 0.2
#: Weight of lateness (arriving after the next window closes).
LATE_WEIGHT = 1.0


def nearest_jobs(problem: Problem, jobs: list[int], k: int) -> dict[int, list[int]]:
    """For each of ``jobs``, the ``k`` others closest to it, closest first."""
    if len(jobs) < 2:
        return {j: [] for j in jobs}
    net = problem.network
    sites = np.array([net.job_site[j] for j in jobs], dtype=np.intp)
    travel = net.travel.minutes[np.ix_(sites, sites)]
    opens = np.array([problem.jobs[j].windows[0].start for j in jobs])
    closes = np.array([problem.jobs[j].windows[-1].end for j in jobs])
    service = np.array([problem.jobs[j].duration_min for j in jobs])
    # i then j: leave i at its earliest end (opens_i + service_i) or its latest start
    # plus service (closes_i + service_i), arrive after travel_ij
    earliest_arrival = opens[:, None] + service[:, None] + travel
    latest_arrival = closes[:, None] + service[:, None] + travel
    wait = np.maximum(opens[None, :] - latest_arrival, 0.0)
    late = np.maximum(earliest_arrival - closes[None, :], 0.0)
    follow = travel + WAIT_WEIGHT * wait + LATE_WEIGHT * late
    closeness = np.minimum(follow, follow.T)
    np.fill_diagonal(closeness, np.inf)  # a job is not its own neighbour, even beside a twin
    count = min(k, len(jobs) - 1)
    near = np.argsort(closeness, axis=1, kind="stable")[:, :count]
    return {jobs[i]: [jobs[c] for c in row] for i, row in enumerate(near.tolist())}
