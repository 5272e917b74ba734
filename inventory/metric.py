"""Two-echelon evaluation: METRIC, VARI-METRIC and the exact model for Poisson demand.

Notation (Sherbrooke 2004, ch. 4; Graves 1985): a central warehouse (index
0) with demand ``λ0 = Σ_j (1 - r_j) λ_j`` and resupply time ``T0`` holds
``s0``; its outstanding orders ``X0`` have mean ``λ0 T0`` and variance
``vtm · λ0 T0``. Region ``j`` holds ``s_j``; a share ``f_j = (1 - r_j) λ_j / λ0``
of the central warehouse's demand is its own. Its outstanding orders are
its own pipeline ``μ_j = (1-r_j) λ_j T_j + r_j λ_j T_rep`` plus its share of
the central backorders ``B0 = (X0 - s0)+``:

- METRIC (Sherbrooke 1968): mean ``μ_j + f_j EBO0(s0)``; the distribution
  keeps the demand's variance-to-mean ratio (Poisson when it is 1).
- VARI-METRIC (Sherbrooke 1986; Graves 1985 two-moment approximation): the
  same mean and variance ``vtm μ_j + f_j (1 - f_j) EBO0(s0) + f_j² VBO0(s0)``,
  fitted by a negative binomial (Sherbrooke 2004, eq. 4.6).
- exact (Graves 1985, Poisson demand, deterministic transit, first come
  first served at the central warehouse): each central backorder belongs to
  region ``j`` with probability ``f_j`` independently, so the region's share
  of ``B0`` is binomially thinned and independent of the Poisson
  ``μ_j`` part; the pipeline is their convolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from inventory.model import Model
from inventory.pipeline import (
    backorder_table,
    second_moment_table,
    support_bound,
    survival_table,
)

if TYPE_CHECKING:
    from inventory.network import Network


@dataclass(frozen=True, slots=True)
class Central:
    """Backorder tables of the central warehouse: ``[..., s0]`` for ``s0 = 0 .. K0-1``."""

    mean: np.ndarray
    survival: np.ndarray
    ebo: np.ndarray
    vbo: np.ndarray


def central_tables(net: Network, min_size: int = 1) -> Central:
    """Survival, EBO and VBO of the central pipeline for every part."""
    mean = net.central_demand * net.central_lead_time
    var = mean * net.variance_to_mean
    size = max(support_bound(mean, var), min_size)
    sf = survival_table(mean, var, size)
    ebo = backorder_table(sf)
    vbo = np.maximum(second_moment_table(sf) - ebo * ebo, 0.0)
    return Central(mean=mean, survival=sf, ebo=ebo, vbo=vbo)


@dataclass(frozen=True, slots=True)
class Regional:
    """Pipelines of the regions for given central levels.

    ``survival[p, c, j, k] = P(X_j > k)`` when part ``p``'s central level is
    ``s0[p, c]``; ``mean`` is indexed the same way.
    """

    survival: np.ndarray
    mean: np.ndarray


def regional_pipelines(
    net: Network,
    model: Model,
    s0: np.ndarray,
    min_size: int = 1,
    central: Central | None = None,
    size: int | None = None,
) -> Regional:
    """Distributions of regional outstanding orders for central levels ``s0`` of shape ``(P, C)``.

    ``size`` caps the survival tables of the two-moment models at the levels a
    caller needs (their tails stay exact); None sizes them to the support.
    """
    s0 = np.asarray(s0, dtype=int)
    if central is None:
        central = central_tables(net, min_size=int(s0.max(initial=0)) + 2)
    index = np.minimum(s0, central.ebo.shape[1] - 1)
    ebo0 = np.take_along_axis(central.ebo, index, axis=1)
    share = net.share[:, None, :]
    own = net.own_pipeline[:, None, :]
    mean = own + share * ebo0[:, :, None]
    if model is Model.EXACT:
        sf = _exact_survival(net, central, index, min_size)
        return Regional(survival=sf, mean=mean)
    vtm = net.variance_to_mean[:, None, None]
    if model is Model.METRIC:
        var = vtm * mean
    else:
        vbo0 = np.take_along_axis(central.vbo, index, axis=1)[:, :, None]
        var = vtm * own + share * (1 - share) * ebo0[:, :, None] + share**2 * vbo0
    if size is not None:
        sf = survival_table(mean, var, max(size, min_size), with_tail=True)
        return Regional(survival=sf, mean=mean)
    full = max(support_bound(mean, var), min_size)
    return Regional(survival=survival_table(mean, var, full), mean=mean)


def _exact_survival(net: Network, central: Central, s0: np.ndarray, min_size: int) -> np.ndarray:
    """Graves (1985): binomially thinned central backorders convolved with the own pipeline."""
    k0 = central.survival.shape[1]
    parts = np.arange(len(net.skus))[:, None]
    # B0 = (X0 - s0)+: P(B0 = 0) = P(X0 <= s0), P(B0 = n) = P(X0 = s0 + n)
    pmf0 = np.empty_like(central.survival)
    pmf0[:, 0] = 1.0 - central.survival[:, 0]
    pmf0[:, 1:] = central.survival[:, :-1] - central.survival[:, 1:]
    n = np.arange(k0)
    shifted = s0[:, :, None] + n[None, None, :]
    backorders = np.where(shifted < k0, pmf0[parts[:, :, None], np.minimum(shifted, k0 - 1)], 0.0)
    backorders[:, :, 0] = 1.0 - central.survival[parts, s0]
    # thinning matrix M[p, j, n, k] = C(n, k) f^k (1 - f)^(n - k)
    share = net.share[:, :, None, None]
    thin = stats.binom.pmf(n[None, None, None, :], n[None, None, :, None], share)
    mine = np.einsum("pcn,pjnk->pcjk", backorders, thin)
    own_size = support_bound(net.own_pipeline, net.own_pipeline)
    size = max(k0 + own_size, min_size)
    own_pmf = stats.poisson.pmf(np.arange(size), net.own_pipeline[:, :, None])
    length = 2 * size
    total = np.fft.irfft(
        np.fft.rfft(mine, n=length, axis=-1) * np.fft.rfft(own_pmf, n=length, axis=-1)[:, None],
        n=length,
        axis=-1,
    )[..., :size]
    total = np.clip(total, 0.0, None)
    return np.clip(1.0 - np.cumsum(total, axis=-1), 0.0, None)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Figures of base-stock levels, per part and region, central included.

    ``ebo``, ``fill``, ``ready`` and ``pipeline`` are ``(P, R)``; ``central_*``
    are ``(P,)``. Fill rates of regions without demand are 1 by convention
    and carry no weight in any average.
    """

    levels: np.ndarray
    ebo: np.ndarray
    fill: np.ndarray
    ready: np.ndarray
    pipeline: np.ndarray
    central_ebo: np.ndarray
    central_fill: np.ndarray
    central_pipeline: np.ndarray
    demand: np.ndarray
    unit_cost: np.ndarray

    @property
    def investment(self) -> np.ndarray:
        """``(P,)`` unit cost times the units held at every location."""
        return self.unit_cost * self.levels.sum(axis=1)

    def region_fill(self) -> np.ndarray:
        """``(R,)`` demand-weighted fill rate of each region over all parts."""
        return _weighted(self.fill, self.demand, axis=0)

    def part_fill(self) -> np.ndarray:
        """``(P,)`` demand-weighted fill rate of each part over all regions."""
        return _weighted(self.fill, self.demand, axis=1)

    def total_fill(self) -> float:
        return float(_weighted(self.fill.ravel(), self.demand.ravel(), axis=0))


def _weighted(values: np.ndarray, weights: np.ndarray, axis: int) -> np.ndarray:
    total = weights.sum(axis=axis)
    summed = (values * weights).sum(axis=axis)
    return np.divide(summed, total, out=np.ones_like(summed, dtype=float), where=total > 0)


# Parts evaluated together: similar sizes share one array shape.
EVALUATE_CHUNK = 256


def evaluate(net: Network, levels: np.ndarray, model: Model) -> Evaluation:
    """Expected backorders, fill and ready rates of ``levels`` ``(P, 1 + R)``, central first.

    Parts are evaluated in chunks of similar pipeline size, so one fast
    mover does not widen the arrays of ten thousand slow ones.
    """
    levels = np.asarray(levels, dtype=int)
    if len(levels) <= EVALUATE_CHUNK:
        return _evaluate(net, levels, model)
    size = levels.max(axis=1) + net.central_demand * net.central_lead_time + net.own_pipeline.max(axis=1)
    order = np.argsort(size, kind="stable")
    pieces = [
        (rows, _evaluate(net.subset(rows), levels[rows], model))
        for rows in np.array_split(order, -(-len(order) // EVALUATE_CHUNK))
    ]
    fields = ("ebo", "fill", "ready", "pipeline", "central_ebo", "central_fill", "central_pipeline")
    merged: dict[str, np.ndarray] = {}
    for name in fields:
        first = getattr(pieces[0][1], name)
        out = np.empty((len(levels), *first.shape[1:]), dtype=first.dtype)
        for rows, piece in pieces:
            out[rows] = getattr(piece, name)
        merged[name] = out
    return Evaluation(levels=levels, demand=net.demand, unit_cost=net.unit_cost, **merged)


def _evaluate(net: Network, levels: np.ndarray, model: Model) -> Evaluation:
    top = int(levels.max(initial=0)) + 2
    central = central_tables(net, min_size=top)
    s0 = levels[:, :1]
    regional = regional_pipelines(net, model, s0, min_size=top, central=central)
    sf = regional.survival[:, 0]
    s = levels[:, 1:]
    ebo = np.take_along_axis(backorder_table(sf), s[:, :, None], axis=2)[:, :, 0]
    below = np.take_along_axis(sf, np.maximum(s - 1, 0)[:, :, None], axis=2)[:, :, 0]
    fill = np.where(s > 0, 1.0 - below, 0.0)
    at = np.take_along_axis(sf, s[:, :, None], axis=2)[:, :, 0]
    ready = 1.0 - at
    no_demand = net.demand <= 0
    fill = np.where(no_demand, 1.0, fill)
    ready = np.where(no_demand, 1.0, ready)
    ebo = np.where(no_demand, 0.0, ebo)
    idx = np.arange(len(levels))
    c_sf = central.survival
    central_fill = np.where(levels[:, 0] > 0, 1.0 - c_sf[idx, np.maximum(levels[:, 0] - 1, 0)], 0.0)
    central_fill = np.where(net.central_demand <= 0, 1.0, central_fill)
    return Evaluation(
        levels=levels,
        ebo=ebo,
        fill=fill,
        ready=ready,
        pipeline=regional.mean[:, 0],
        central_ebo=central.ebo[idx, levels[:, 0]],
        central_fill=central_fill,
        central_pipeline=central.mean,
        demand=net.demand,
        unit_cost=net.unit_cost,
    )
