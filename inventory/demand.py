"""Demand rates for the model from what a service organisation records.

Two sources (Sherbrooke 2004, §1.3): the installed base times a failure
rate (new products, no history yet), or the history of units demanded per
time unit (the rate is the mean).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rate_from_installed_base(units: float, failure_rate: float) -> float:
    """Expected demand per time unit: ``units x failures per unit and time unit``."""
    if units < 0 or failure_rate < 0:
        raise ValueError("installed base and failure rate must be non-negative")
    return units * failure_rate


def rate_from_history(counts: Sequence[float]) -> float:
    """Mean demand per time unit from counts per time unit."""
    values = np.asarray(counts, dtype=float)
    if values.size == 0 or (values < 0).any():
        raise ValueError("history needs at least one non-negative count")
    return float(values.mean())
