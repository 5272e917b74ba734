"""Single-site figures against hand computation and published tables."""

from __future__ import annotations

import math

import pytest

from inventory import backorder_variance, expected_backorders, fill_rate, ready_rate


def test_poisson_mean_two_by_hand() -> None:
    # EBO(s) = EBO(s-1) - P(X > s-1); P(X=0) = e^-2, P(X=1) = 2 e^-2
    p0, p1 = math.exp(-2), 2 * math.exp(-2)
    assert expected_backorders(0, 2.0) == pytest.approx(2.0, abs=1e-12)
    assert expected_backorders(1, 2.0) == pytest.approx(1.0 + p0, abs=1e-12)
    assert expected_backorders(2, 2.0) == pytest.approx(1.0 + p0 - (1 - p0 - p1), abs=1e-12)
    assert fill_rate(0, 2.0) == 0.0
    assert fill_rate(1, 2.0) == pytest.approx(p0, abs=1e-12)
    assert ready_rate(1, 2.0) == pytest.approx(p0 + p1, abs=1e-12)
    # with no stock the backorders are the pipeline itself: variance = mean for Poisson
    assert backorder_variance(0, 2.0) == pytest.approx(2.0, abs=1e-9)


@pytest.mark.parametrize(
    ("level", "printed_cost"),
    [
        # Rossetti, Analysis of Inventory Systems, ch. 8, table "optimize-cs":
        # Poisson(7.5) lead-time demand, h = 950, b = 8550, C(S) = h E[on hand] + b EBO(S)
        (8, 8654.01),
        (9, 6392.69),
        (10, 5218.57),
        (11, 4859.83),  # the optimum
        (12, 5057.03),
        (13, 5601.71),
        (16, 8105.59),
    ],
)
def test_rossetti_base_stock_cost_table(level: int, printed_cost: float) -> None:
    ebo = expected_backorders(level, 7.5)
    on_hand = level - 7.5 + ebo
    assert 950 * on_hand + 8550 * ebo == pytest.approx(printed_cost, abs=0.005)


def test_negative_binomial_matches_its_two_moments() -> None:
    # NB with mean 23 and sd 8 (variance-to-mean 64/23): Zipkin's loss function n(14) (stockpyl's docstring)
    assert expected_backorders(14, 23.0, 64 / 23) == pytest.approx(9.326459980156931, abs=1e-9)
    # r = 10, p = 0.3: mean 70/3, variance mean/p
    mean = 10 * 0.7 / 0.3
    assert expected_backorders(28, mean, 1 / 0.3) == pytest.approx(1.805486, abs=1e-5)


def test_negative_level_is_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        expected_backorders(-1, 1.0)
