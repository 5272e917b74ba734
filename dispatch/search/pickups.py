"""Trim depot pickups and borrowed tools to what a route really uses.

An engine may pick up more than needed (any amount within stock is feasible);
a dispatcher should see exactly what to take. Trimming only lowers amounts, so
depot stock stays within bounds, and a depot visit left with nothing to take
is dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatch.model.problem import Problem


def trim_route(problem: Problem, draft: RouteDraft) -> RouteDraft:
    """Least pickups (taken from the latest depot visits first) and needed borrows only."""
    engineer = problem.engineers[problem.slot(draft.engineer, draft.shift)]
    visits = list(draft.visits)
    parts = sorted({p for v in visits for p in v.pickup})
    pickups = [dict(v.pickup) for v in visits]
    for part in parts:
        levels = _carry_levels(problem, visits, pickups, part, engineer.van_stock.get(part, 0))
        for k in range(len(visits) - 1, -1, -1):
            amount = pickups[k].get(part, 0)
            if visits[k].type is not StopType.DEPOT or amount == 0:
                continue
            spare = min(amount, min(levels[k:]))
            if spare > 0:
                pickups[k][part] = amount - spare
                levels[k:] = [level - spare for level in levels[k:]]
            if pickups[k][part] == 0:
                del pickups[k][part]
    have = set(engineer.tools)
    out: list[Visit] = []
    for k, visit in enumerate(visits):
        if visit.type is not StopType.DEPOT:
            out.append(visit)
            continue
        depot = problem.depots[problem.depot_index[str(visit.ref)]]
        later = {
            t
            for v in visits[k + 1 :]
            if v.type is StopType.JOB
            for t in problem.jobs[problem.job_index[str(v.ref)]].tools
        }
        borrow = tuple(sorted(t for t in later if t not in have and t in depot.tools))
        have.update(borrow)
        if pickups[k] or borrow:
            out.append(replace(visit, pickup=pickups[k], borrow=borrow))
    return replace(draft, visits=tuple(out))


def _carry_levels(
    problem: Problem, visits: list[Visit], pickups: list[dict[str, int]], part: str, van: int
) -> list[int]:
    """Units of ``part`` carried right after each visit."""
    level, out = van, []
    for visit, pickup in zip(visits, pickups, strict=True):
        if visit.type is StopType.DEPOT:
            level += pickup.get(part, 0)
        elif visit.type is StopType.JOB:
            level -= problem.jobs[problem.job_index[str(visit.ref)]].parts.get(part, 0)
        out.append(level)
    return out


def trim(problem: Problem, drafts: Sequence[RouteDraft]) -> list[RouteDraft]:
    return [trim_route(problem, d) for d in drafts]
