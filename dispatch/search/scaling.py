"""Integer ticks and cost units for engines that only take integers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dispatch.model.problem import Problem


class Scale:
    """Integer ticks for times and integer cost units for money.

    Rounding is conservative: travel and service round up, window ends down, so
    a schedule feasible in ticks is feasible in exact minutes.
    """

    def __init__(self, problem: Problem) -> None:
        self.per_min = 1000 if problem.clock.epoch is None else 60
        times = [problem.horizon.start]
        times += [e.shift.start for e in problem.engineers]
        times += [w.start for j in problem.jobs for w in j.windows]
        times += [d.hours.start for d in problem.depots]
        times += [b.earliest for e in problem.engineers for b in e.breaks]
        self.base = min(times)
        #: cost units per unit of money; makes per-tick time costs whole numbers
        self.money = 100 * self.per_min

    def up(self, minutes: float) -> int:
        return math.ceil((minutes - self.base) * self.per_min - 1e-6)

    def down(self, minutes: float) -> int:
        return math.floor((minutes - self.base) * self.per_min + 1e-6)

    def span(self, minutes: float) -> int:
        return math.ceil(minutes * self.per_min - 1e-6)

    def minutes(self, ticks: int) -> float:
        return ticks / self.per_min + self.base

    def per_minute_cost(self, money_per_min: float) -> int:
        return round(money_per_min * self.money / self.per_min)

    def cost(self, money: float) -> int:
        return round(money * self.money)
