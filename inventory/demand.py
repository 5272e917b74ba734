"""Demand rates for the model from what a service organisation records.

Two sources (Sherbrooke 2004, §1.3): the installed base times a failure
rate (new products, no history yet), or the history of units demanded per
period (the rate is the mean; the variance-to-mean ratio of the counts
says whether a Poisson model fits or a negative binomial is needed).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rate_from_installed_base(units: float, failure_rate: float, replace_share: float = 1.0) -> float:
    """Expected demand per time unit: ``units x failures per unit and time unit x share needing the part``."""
    if units < 0 or failure_rate < 0 or not 0 <= replace_share <= 1:
        raise ValueError("installed base, failure rate and share must be non-negative (share <= 1)")
    return units * failure_rate * replace_share


def rate_from_history(counts: Sequence[float], period: float = 1.0) -> float:
    """Mean demand per time unit from counts per period of ``period`` time units."""
    values = np.asarray(counts, dtype=float)
    if values.size == 0 or period <= 0 or (values < 0).any():
        raise ValueError("history needs at least one non-negative count and a positive period")
    return float(values.mean() / period)


def variance_to_mean_from_history(counts: Sequence[float]) -> float:
    """Sample variance over mean of the counts, at least 1 (the model has no under-dispersed case)."""
    values = np.asarray(counts, dtype=float)
    if values.size < 2 or values.mean() <= 0:
        return 1.0
    return max(1.0, float(values.var(ddof=1) / values.mean()))
