"""How many engineers does this demand need? The smallest team that keeps a study's promises.

A team size meets the target when, simulated over the study's days with the
baseline's demand, its emergencies are reached in time at least
``emergency_on_time_pct`` per cent of the time and its backlog stays level:
the open jobs at the end of each week grow by at most ``backlog_growth`` days
of arrivals a week (:func:`backlog_growth`). The search starts from the
team the workload implies (service and driving minutes over shift minutes at
:data:`PLANNED_UTILISATION`), widens until one size fails and a larger one
meets the target, then halves the gap; more engineers are assumed never to
keep fewer promises, so each size is simulated once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from scenarios.study.cosim import run_variant
from scenarios.study.scenario_file import StudyError
from scenarios.study.world import build_world

if TYPE_CHECKING:
    from collections.abc import Callable

    from scenarios.study.results import VariantResult
    from scenarios.study.scenario_file import Study

#: The share of a shift a planner expects in service and driving.
PLANNED_UTILISATION = 0.8
#: Mean minutes of driving to a job, a first guess before any simulation.
DRIVE_MIN = 35.0
#: Mean minutes on site of a job, a first guess.
SERVICE_MIN = 75.0
#: The largest team the search tries.
MOST = 500


@dataclass(frozen=True)
class Target:
    emergency_on_time_pct: float = 90.0
    backlog_growth: float = 0.1


@dataclass(frozen=True)
class Trial:
    """One team size simulated."""

    engineers: int
    emergency_on_time_pct: float | None
    backlog_growth: float
    backlog_end: int
    utilisation_pct: float | None
    overtime_hours: float
    meets: bool


@dataclass
class Sizing:
    target: Target
    estimate: int
    trials: list[Trial] = field(default_factory=list)

    @property
    def smallest(self) -> int | None:
        """The smallest size that met the target (None if none tried did)."""
        met = [t.engineers for t in self.trials if t.meets]
        return min(met) if met else None


def estimate(study: Study) -> int:
    """The team the workload implies, before any simulation."""
    s = study.variants[0].settings
    world = build_world(s, s, {}, study.seed, "baseline")
    shift = sum(e.shift[1] - e.shift[0] - e.break_min for e in world.engineers) / len(
        world.engineers
    )
    minutes = float(s["jobs_per_day"]) * (SERVICE_MIN + DRIVE_MIN)
    return max(1, round(minutes / (shift * PLANNED_UTILISATION)))


def backlog_growth(result: VariantResult) -> float:
    """How fast the open jobs grow, in days of arrivals a week: the least-squares slope of
    the backlog at the end of each week (every fifth working day; each day for a study
    shorter than two weeks, scaled to five days), over the mean arrivals a working day.
    Weekly points, so that a Monday's weekend arrivals weigh alike at both ends."""
    days = result.days
    if len(days) < 4:
        raise StudyError("days", "sizing needs a study of at least 4 days")
    if len(days) >= 10:
        points = [(d.day, float(d.backlog)) for d in days[4::5]]
    else:
        points = [(d.day, float(d.backlog)) for d in days]
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points])
    slope = float(np.polyfit(xs, ys, 1)[0]) * 5.0
    per_day = sum(d.arrived for d in days) / len(days)
    return slope / per_day if per_day > 0 else 0.0


def size_staff(
    study: Study,
    target: Target,
    low: int | None = None,
    high: int | None = None,
    tried: Callable[[Trial], None] | None = None,
) -> Sizing:
    """The smallest team meeting ``target`` for the baseline's demand, between ``low`` and
    ``high`` when given (see the module docstring)."""
    guess = estimate(study)
    sizing = Sizing(target, guess)
    cache: dict[int, Trial] = {}

    def trial(n: int) -> Trial:
        if n not in cache:
            cache[n] = _simulate(study, n, target)
            sizing.trials.append(cache[n])
            if tried is not None:
                tried(cache[n])
        return cache[n]

    floor, cap = max(1, low or 1), min(MOST, high or MOST)
    lo = max(floor, guess // 2 if low is None else floor)
    hi = max(lo, min(cap, guess if high is None else cap))
    while not trial(hi).meets:  # a size that keeps the promises
        if hi >= cap:
            return sizing  # even the largest team allowed does not
        lo, hi = hi, min(cap, hi * 2)
    while trial(lo).meets:  # and a smaller one that does not
        if lo <= floor:
            return sizing
        hi, lo = lo, max(floor, lo // 2)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if trial(mid).meets:
            hi = mid
        else:
            lo = mid
    return sizing


def _simulate(study: Study, engineers: int, target: Target) -> Trial:
    base = study.variants[0]
    settings = copy.deepcopy(base.settings)
    settings["engineers"] = engineers
    settings["on_call"]["engineers"] = min(settings["on_call"]["engineers"], engineers)
    world = build_world(base.settings, settings, {}, study.seed, "baseline")
    result = run_variant(world, study.days, study.seed, f"{engineers} engineers")
    on_time = result.kpis["on_time_by"].get("emergency")
    growth = round(backlog_growth(result), 3)
    meets = (
        on_time is not None
        and on_time >= target.emergency_on_time_pct
        and growth <= target.backlog_growth
    )
    return Trial(
        engineers=engineers,
        emergency_on_time_pct=on_time,
        backlog_growth=growth,
        backlog_end=int(result.kpis["backlog_end"]),
        utilisation_pct=result.kpis["utilisation_pct"],
        overtime_hours=float(result.kpis["overtime_hours"]),
        meets=meets,
    )


def sizing_markdown(study: Study, sizing: Sizing) -> str:
    """The trials as a Markdown section: each size, its figures, and the answer."""
    target = sizing.target
    lines = [
        f"Target: emergencies on time >= {target.emergency_on_time_pct:g} %, backlog growth"
        f" <= {target.backlog_growth:g} days of arrivals a week, over {study.days} working days"
        f" (seed {study.seed}). Workload estimate: {sizing.estimate} engineers.",
        "",
        "| engineers | emergencies on time % | backlog growth (days a week) | backlog at the end"
        " | utilisation % | overtime h | meets |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in sorted(sizing.trials, key=lambda t: t.engineers):
        lines.append(
            f"| {t.engineers} | {t.emergency_on_time_pct} | {t.backlog_growth:+.2f}"
            f" | {t.backlog_end} | {t.utilisation_pct} | {t.overtime_hours} |"
            f" {'yes' if t.meets else 'no'} |"
        )
    answer = sizing.smallest
    lines += [
        "",
        f"Smallest team: **{answer} engineers**."
        if answer is not None
        else "No team size tried meets the target.",
    ]
    return "\n".join(lines) + "\n"
