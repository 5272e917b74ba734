"""What a re-plan changed against the published plan, job by job, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from dispatch.model.day_state import DayState, ReportedStatus
from dispatch.model.reasons import StopType

if TYPE_CHECKING:
    from dispatch.model.plan import Plan
    from dispatch.model.problem import Problem


class ChangeKind(StrEnum):
    MOVED = "moved"  # same engineer, start moved by more than the tolerance
    REASSIGNED = "reassigned"
    UNASSIGNED = "unassigned"  # planned before, left out now
    INSERTED = "inserted"  # a new job given an engineer
    NOT_INSERTED = "not_inserted"  # a new job left out


@dataclass(frozen=True)
class Change:
    job: str
    kind: ChangeKind
    before_engineer: str | None
    before_start: float | None
    after_engineer: str | None
    after_start: float | None
    reason: str


def changes_between(
    problem: Problem, before: Plan, state: DayState, after: Plan
) -> tuple[list[Change], int]:
    label = problem.clock.label
    planned = {str(s.id) for r in before.routes for s in r.stops if s.type is StopType.JOB}
    old = {
        o.id: (o.engineer, o.start)
        for o in before.jobs
        if o.id in planned and state.status(o.id) is None
    }
    new = {o.id: (o.engineer, o.start) for o in after.jobs}
    # a crew job changes hands when any member changes, not only its lead
    crews_before = {o.id: frozenset(o.engineers) for o in before.jobs if o.engineers}
    crews_after = {o.id: frozenset(o.engineers) for o in after.jobs if o.engineers}
    why_out = {u.id: u.detail for u in after.unassigned}
    new_ids = {str(j["id"]) for j in state.new_jobs}
    inserted_on: dict[str, list[str]] = {}
    for jid in sorted(new_ids & set(new)):
        inserted_on.setdefault(new[jid][0], []).append(jid)
    cancelled_on: dict[str, list[str]] = {}
    for r in before.routes:
        for jid in r.job_ids:
            if state.status(jid) is ReportedStatus.CANCELLED:
                cancelled_on.setdefault(r.engineer, []).append(jid)

    def reason(engineer: str, to: str | None) -> str:
        report = state.engineers.get(engineer)
        if report is not None and report.unavailable_from is not None:
            return f"{engineer} is unavailable from {label(report.unavailable_from)}"
        room = inserted_on.get(to or engineer) or inserted_on.get(engineer)
        if room:
            return f"made room for new job {', '.join(room)}"
        freed = cancelled_on.get(to or engineer)
        if freed:
            return f"time freed by cancelled {', '.join(freed)}"
        return "the rest of the day re-optimised"

    changes: list[Change] = []
    unchanged = 0
    for jid, (engineer, start) in sorted(old.items()):
        if jid not in new:
            detail = why_out.get(jid, "left out")
            changes.append(Change(jid, ChangeKind.UNASSIGNED, engineer, start, None, None, detail))
        elif new[jid][0] != engineer or crews_before.get(jid) != crews_after.get(jid):
            changes.append(
                Change(
                    jid,
                    ChangeKind.REASSIGNED,
                    engineer,
                    start,
                    *new[jid],
                    reason(engineer, new[jid][0]),
                )
            )
        elif abs(new[jid][1] - start) > state.tolerance_min + 1e-6:
            changes.append(
                Change(
                    jid, ChangeKind.MOVED, engineer, start, *new[jid], reason(engineer, engineer)
                )
            )
        else:
            unchanged += 1
    for jid in sorted(new_ids):
        if jid in new:
            outcome = next(o for o in after.jobs if o.id == jid)
            sla = "SLA met" if outcome.sla_met else f"{outcome.late_min:.0f} min past its SLA"
            changes.append(
                Change(jid, ChangeKind.INSERTED, None, None, *new[jid], f"new job, {sla}")
            )
        else:
            changes.append(
                Change(jid, ChangeKind.NOT_INSERTED, None, None, None, None, why_out.get(jid, ""))
            )
    return changes, unchanged


def changes_to_json(
    changes: tuple[Change, ...], unchanged: int, problem: Problem
) -> dict[str, Any]:
    """The ``changes`` section written beside a re-planned plan."""
    fmt = problem.clock.format
    return {
        "unchanged": unchanged,
        "changed": [
            {
                "job": c.job,
                "kind": c.kind.value,
                "before": None
                if c.before_engineer is None
                else {"engineer": c.before_engineer, "start": fmt(c.before_start or 0.0)},
                "after": None
                if c.after_engineer is None
                else {"engineer": c.after_engineer, "start": fmt(c.after_start or 0.0)},
                "reason": c.reason,
            }
            for c in changes
        ],
    }
