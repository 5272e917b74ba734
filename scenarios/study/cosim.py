"""Multi-day co-simulation: faults arrive, the dispatch engine plans and re-plans, engineers
work the plan, parts are used and replenished, unserved jobs carry over.

A :class:`Simulation` composes three parts, each with its own state:

- :class:`~scenarios.study.arrivals.Arrivals`: the faults and planned visits
  arriving, their deadlines, follow-ups;
- :class:`~scenarios.study.logistics.Logistics`: the stock plan, vans, depots,
  evening refills, orders and deliveries;
- :class:`~scenarios.study.execution.Execution`: each working day planned,
  re-planned and worked;
- :class:`~scenarios.study.on_call.OnCall`: nights and weekends, the duty
  engineers called out for the emergencies that cannot wait.

The study runs seven days a week. Each day deliveries are put on the shelves
and the day's jobs arrive (faults at any hour, every day); on a working day
the rota covers the night until the team starts, the team works the day, vans
are refilled and stock reordered, and the rota takes the evening; a day off is
the rota's all day. Times are minutes after the first day's local midnight at the
region's UTC offset on that day (summer-time changes within a study are
ignored). Seeded and reproducible: the searches stop after a number of steps,
not a time, so the same study and seed give the same figures on any machine.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from scenarios.study.arrivals import Arrivals
from scenarios.study.execution import Execution
from scenarios.study.kpis import variant_kpis
from scenarios.study.logistics import Logistics
from scenarios.study.on_call import OnCall
from scenarios.study.results import DAY, DayFigures, VariantResult, reached_in_time

if TYPE_CHECKING:
    from collections.abc import Callable

    from scenarios.study.execution import WorkedDay
    from scenarios.study.world import World


class Simulation:
    """One variant of a study, day by day."""

    def __init__(self, world: World, days: int, seed: int) -> None:
        self.world = world
        self.days = days
        self.arrivals = Arrivals(world, seed)
        self.logistics = Logistics(world)
        self.execution = Execution(world, seed, self.arrivals, self.logistics)
        self.on_call = OnCall(world, self.arrivals, self.logistics)
        self.figures: list[DayFigures] = []

    def run(self, progress: Callable[[int], None] | None = None) -> VariantResult:
        """Simulate calendar days until ``days`` working days are done; the variant's figures.

        A working day's figures count the jobs that arrived and the call-outs made since
        the last one (the weekend's with Monday's)."""
        worked, day, arrived, callouts = 0, 0, 0, 0
        while worked < self.days:
            self.logistics.receive(day)
            working = self.on_call.working(day)
            arrived += self.arrivals.arrive(day, working)
            self.on_call.cover_day(day)
            if working:
                done = self.execution.work_day(day)
                self.logistics.refill_and_order(day, self.arrivals.parts_waiting())
                self.on_call.cover_evening(day)
                worked += 1
                figures = self._day_figures(day, worked, arrived, done)
                figures.callouts = len(self.on_call.callouts) - callouts
                callouts = len(self.on_call.callouts)
                self.figures.append(figures)
                arrived = 0
                if progress is not None:
                    progress(worked)
            day += 1
        return variant_kpis(
            self.world,
            self.arrivals,
            self.logistics,
            self.execution,
            self.on_call,
            self.figures,
            day,
        )

    def _day_figures(self, day: int, worked: int, arrived: int, done: WorkedDay) -> DayFigures:
        end = (day + 1) * DAY
        due = [
            j
            for j in self.arrivals.jobs.values()
            if j.deadline is not None and day * DAY <= j.deadline < end
        ]
        shift = sum(e.shift[1] - e.shift[0] for e in self.world.engineers)
        return DayFigures(
            day=worked,
            date=(self.world.start + timedelta(days=day)).isoformat(),
            arrived=arrived,
            visits=done.visits,
            backlog=len(self.arrivals.open),
            due=len(due),
            on_time=sum(1 for j in due if reached_in_time(j)),
            km=round(done.km, 1),
            overtime_min=round(done.overtime_min, 1),
            utilisation=round(done.busy_min / shift, 4) if shift else 0.0,
        )


def run_variant(
    world: World, days: int, seed: int, name: str, progress: Callable[[int], None] | None = None
) -> VariantResult:
    """Simulate one variant; the result carries every figure the report shows."""
    began = time.perf_counter()
    result = Simulation(world, days, seed).run(progress)
    return replace(result, name=name, seconds=round(time.perf_counter() - began, 2))
