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
    from numpy.typing import NDArray

    from dispatch.model.problem import Problem

#: Weight of waiting (arriving before the next window opens) in the closeness of two jobs.
WAIT_WEIGHT = 0.2
#: Weight of lateness (arriving after the next window closes).
LATE_WEIGHT = 1.0
#: Jobs whose neighbours are worked out at once: bounds memory to a few blocks of
#: this many rows by all jobs, whatever the day's size.
ROWS_AT_ONCE = 256


def nearest_jobs(problem: Problem, jobs: list[int], k: int) -> dict[int, list[int]]:
    """For each of ``jobs``, the ``k`` others closest to it, closest first."""
    if len(jobs) < 2:
        return {j: [] for j in jobs}
    net = problem.network
    sites = np.array([net.job_site[j] for j in jobs], dtype=np.intp)
    opens = np.array([problem.jobs[j].windows[0].start for j in jobs])
    closes = np.array([problem.jobs[j].windows[-1].end for j in jobs])
    service = np.array([problem.jobs[j].duration_min for j in jobs])
    count = min(k, len(jobs) - 1)
    near: list[list[int]] = []
    for first in range(0, len(jobs), ROWS_AT_ONCE):
        block = slice(first, first + ROWS_AT_ONCE)
        mine = (sites[block], opens[block], closes[block], service[block])
        every = (sites, opens, closes, service)
        closeness = np.minimum(
            _follow(net.travel.minutes, mine, every), _follow(net.travel.minutes, every, mine).T
        )
        size = closeness.shape[0]
        # a job is not its own neighbour, even beside a twin
        closeness[np.arange(size), np.arange(first, first + size)] = np.inf
        nearest = np.argpartition(closeness, count - 1, axis=1)[:, :count]
        order = np.take_along_axis(closeness, nearest, axis=1).argsort(axis=1, kind="stable")
        near += np.take_along_axis(nearest, order, axis=1).tolist()
    return {jobs[i]: [jobs[c] for c in row] for i, row in enumerate(near)}


_Jobs = tuple["NDArray[np.intp]", "NDArray[np.float64]", "NDArray[np.float64]", "NDArray[np.float64]"]


def _follow(minutes: NDArray[np.float64], first: _Jobs, then: _Jobs) -> NDArray[np.float64]:
    """How close each job of ``first`` is to each job of ``then`` served right after it.

    Each side is (sites, window opens, window closes, service minutes). Leaving the
    first job at its latest end, one may still wait for the next window to open;
    leaving at its earliest end, one may still arrive after it closes.
    """
    sites_a, opens_a, closes_a, service_a = first
    sites_b, opens_b, closes_b, _ = then
    travel = minutes[np.ix_(sites_a, sites_b)]
    wait = np.maximum(opens_b[None, :] - (closes_a + service_a)[:, None] - travel, 0.0)
    late = np.maximum((opens_a + service_a)[:, None] + travel - closes_b[None, :], 0.0)
    return travel + WAIT_WEIGHT * wait + LATE_WEIGHT * late
