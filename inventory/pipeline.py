"""Pipeline distributions of one-for-one base stock: Poisson or negative binomial, vectorised.

Under (S-1, S) control a location with base-stock level ``s`` and ``X`` units
outstanding (ordered, not yet received) has ``(X - s)+`` backorders. With
the survival function ``G(k) = P(X > k)``:

- expected backorders ``EBO(s) = E[(X - s)+] = sum_{k>=s} G(k)``
  (Sherbrooke 2004, eq. 2.7);
- ``E[(X - s)+^2] = sum_{k>=s} (2(k - s) + 1) G(k)``, whence the variance of
  backorders ``VBO(s)`` (Sherbrooke 2004, eq. 2.9);
- fill rate ``P(X <= s - 1) = 1 - G(s - 1)``: the share of demands met at once;
- ready rate (availability) ``P(X <= s) = 1 - G(s)``: the share of time with
  no backorder outstanding.

A pipeline of mean ``m`` and variance ``v`` is Poisson when ``v <= m`` and
otherwise the negative binomial with the same two moments: ``p = m / v``,
``r = m^2 / (v - m)`` (Sherbrooke 2004, §2.4; scipy's ``nbinom(r, p)``).
Every function broadcasts over arrays of means and variances.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

# Relative tail mass beyond the truncation of a distribution's support.
TAIL = 1e-13


def _is_negative_binomial(mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    return var > mean * (1.0 + 1e-12) + 1e-15


def survival(mean: np.ndarray, var: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``P(X > k)`` of the two-moment pipeline fit, broadcast over ``mean``, ``var`` and ``k``."""
    mean, var, k = np.broadcast_arrays(
        np.asarray(mean, dtype=float), np.asarray(var, dtype=float), np.asarray(k)
    )
    nb = _is_negative_binomial(mean, var)
    out = np.empty(mean.shape, dtype=float)
    pois = ~nb
    out[pois] = stats.poisson.sf(k[pois], mean[pois])
    if nb.any():
        m, v = mean[nb], var[nb]
        out[nb] = stats.nbinom.sf(k[nb], m * m / (v - m), m / v)
    return out


def support_size(mean: np.ndarray, var: np.ndarray, tail: float = TAIL) -> int:
    """Smallest ``K`` with ``P(X >= K) <= tail`` for every pipeline given."""
    mean = np.atleast_1d(np.asarray(mean, dtype=float))
    var = np.atleast_1d(np.asarray(var, dtype=float))
    if mean.size == 0:
        return 1
    nb = _is_negative_binomial(mean, var)
    top = 0.0
    if (~nb).any():
        top = max(top, float(np.max(stats.poisson.isf(tail, mean[~nb]))))
    if nb.any():
        m, v = mean[nb], var[nb]
        top = max(top, float(np.max(stats.nbinom.isf(tail, m * m / (v - m), m / v))))
    return int(top) + 2


def survival_table(
    mean: np.ndarray, var: np.ndarray, size: int, with_tail: bool = False
) -> np.ndarray:
    """``G[..., k] = P(X > k)`` for ``k = 0 .. size-1``.

    With ``with_tail`` the table may stop where mass remains: the mass beyond
    (``1 - P(X < size)``) is added to every entry, so a caller that needs the
    first levels only pays for those.

    The probabilities come from the recurrence ``p(k) = p(k-1) x ratio(k)``
    (Poisson ``m / k``; negative binomial ``(k - 1 + r)(1 - p) / k``) in
    logarithms, a cumulative sum instead of a special function per cell;
    tails are summed from the far end so small survival values keep their
    relative precision. Callers size the table with :func:`support_bound`,
    beyond which the mass is negligible.
    """
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    mean, var = np.broadcast_arrays(mean, var)
    nb = _is_negative_binomial(mean, var)
    k = np.arange(1, size, dtype=float)
    log_k = np.log(k)
    safe_mean = np.where(mean > 0, mean, 1.0)
    log_pmf = np.empty((*mean.shape, size), dtype=float)
    ratio = log_pmf[..., 1:]  # log p(k) - log p(k-1), k >= 1, before the running sum
    log_first = -safe_mean
    if nb.any():
        safe_var = np.where(nb, var, 2.0 * safe_mean)
        p = safe_mean / safe_var
        r = safe_mean * p / (1.0 - p)
        np.log(k - 1.0 + r[..., None], out=ratio)
        ratio += (np.log1p(-p))[..., None]
        ratio -= log_k
        log_first = np.where(nb, r * np.log(p), -safe_mean)
        poisson = ~nb
        if poisson.any():
            ratio[poisson] = np.log(safe_mean[poisson])[:, None] - log_k
    else:
        np.subtract(np.log(safe_mean)[..., None], log_k, out=ratio)
    np.cumsum(ratio, axis=-1, out=ratio)
    ratio += log_first[..., None]
    log_pmf[..., 0] = log_first
    pmf = np.exp(log_pmf, out=log_pmf)
    zero = mean <= 0
    if zero.any():
        pmf[zero] = 0.0
        pmf[zero, 0] = 1.0
    out: np.ndarray = np.empty_like(pmf)
    # G(k) = sum_{j > k} p(j), summed from the far end into a reversed view.
    np.cumsum(pmf[..., :0:-1], axis=-1, out=out[..., -2::-1])
    out[..., -1] = 0.0
    if with_tail:
        beyond = np.clip(1.0 - (out[..., 0] + pmf[..., 0]), 0.0, None)
        out += beyond[..., None]
    return out


def support_bound(mean: np.ndarray, var: np.ndarray) -> int:
    """A support size past which the two-moment fit has (far) less than ``TAIL`` mass; no special functions."""
    mean = np.atleast_1d(np.asarray(mean, dtype=float))
    var = np.atleast_1d(np.asarray(var, dtype=float))
    if mean.size == 0:
        return 1
    ratio = np.where(mean > 0, var / np.where(mean > 0, mean, 1.0), 1.0)
    top = mean + 9.0 * np.sqrt(np.maximum(var, 0.0)) + 6.0 + 25.0 * (np.maximum(ratio, 1.0) - 1.0)
    return int(np.ceil(top.max())) + 2


def backorder_table(sf: np.ndarray) -> np.ndarray:
    """``EBO[..., s] = sum_{k>=s} G(k)`` for ``s = 0 .. K-1`` (reverse cumulative sum)."""
    return np.cumsum(sf[..., ::-1], axis=-1)[..., ::-1]


def second_moment_table(sf: np.ndarray) -> np.ndarray:
    """``E[(X - s)+^2] = sum_{k>=s} (2k + 1) G(k) - 2 s EBO(s)``."""
    k = np.arange(sf.shape[-1])
    weighted = np.cumsum(((2 * k + 1) * sf)[..., ::-1], axis=-1)[..., ::-1]
    return weighted - 2 * k * backorder_table(sf)


def fill_table(sf: np.ndarray) -> np.ndarray:
    """``FR[..., s] = P(X <= s - 1)`` for ``s = 0 .. K-1``; no stock fills nothing."""
    fill = np.empty_like(sf)
    fill[..., 0] = 0.0
    fill[..., 1:] = 1.0 - sf[..., :-1]
    return fill


def expected_backorders(level: int, mean: float, variance_to_mean: float = 1.0) -> float:
    """EBO of one location: ``E[(X - s)+]`` for a pipeline of ``mean`` and that variance-to-mean ratio."""
    return float(_single(level, mean, variance_to_mean)[0])


def backorder_variance(level: int, mean: float, variance_to_mean: float = 1.0) -> float:
    """VBO of one location: ``Var[(X - s)+]``."""
    return float(_single(level, mean, variance_to_mean)[1])


def fill_rate(level: int, mean: float, variance_to_mean: float = 1.0) -> float:
    """Share of demands met from stock at once: ``P(X <= s - 1)``."""
    if level <= 0:
        return 0.0
    return 1.0 - float(survival(np.array(mean), np.array(mean * variance_to_mean), np.array(level - 1)))


def ready_rate(level: int, mean: float, variance_to_mean: float = 1.0) -> float:
    """Share of time with no backorder outstanding (availability): ``P(X <= s)``."""
    if level < 0:
        return 0.0
    return 1.0 - float(survival(np.array(mean), np.array(mean * variance_to_mean), np.array(level)))


def _single(level: int, mean: float, variance_to_mean: float) -> tuple[float, float]:
    if level < 0:
        raise ValueError("level: must be >= 0")
    var = np.array(mean * variance_to_mean)
    size = max(support_size(np.array(mean), var), level + 2)
    sf = survival_table(np.array(mean), var, size)
    ebo = backorder_table(sf)[level]
    second = second_moment_table(sf)[level]
    return float(ebo), float(max(second - ebo * ebo, 0.0))
