"""Upper concave hulls of many sequences at once, the heart of marginal analysis.

Marginal analysis is optimal only on concave returns (Fox 1966). Fill rate
is S-shaped in the stock level, and a part's best value for a number of
units is not concave in it either, so the optimiser walks the upper
concave hull of each sequence: its vertices are the allocations a greedy
step can stop at, and between them it moves along chords.
"""

from __future__ import annotations

import numpy as np

# Relative tolerance for slopes that count as equal (then the farther point wins).
SLOPE_TOLERANCE = 1e-12


def upper_hull(values: np.ndarray) -> np.ndarray:
    """Vertices of the upper concave hull of each row of ``values`` over ``x = 0, 1, ...``.

    Returns a boolean array of the same shape, ``True`` at hull vertices; the
    first and last points always are. A point on or under the chord of its
    nearest remaining neighbours is no vertex, so every such point of every
    row is dropped at once, pass after pass, until none is left to drop;
    the passes are few because each removes whole runs.
    """
    rows, size = values.shape
    alive = np.ones((rows, size), dtype=bool)
    if size <= 2:
        return alive
    x = np.arange(size)
    scale = (np.abs(values).max(axis=1) + 1e-300)[:, None]
    row = np.arange(rows)[:, None]
    while True:
        prev = np.maximum.accumulate(np.where(alive, x, -1), axis=1)
        prev = np.concatenate([np.full((rows, 1), -1), prev[:, :-1]], axis=1)
        nxt = np.minimum.accumulate(np.where(alive, x, size)[:, ::-1], axis=1)[:, ::-1]
        nxt = np.concatenate([nxt[:, 1:], np.full((rows, 1), size)], axis=1)
        inner = alive & (prev >= 0) & (nxt < size)
        p = np.clip(prev, 0, size - 1)
        n = np.clip(nxt, 0, size - 1)
        # value of the chord prev -> next at x, compared without division
        chord = values[row, p] * (n - x) + values[row, n] * (x - p)
        here = values * (n - p)
        drop = inner & (here <= chord + SLOPE_TOLERANCE * scale * (n - p))
        if not drop.any():
            return alive
        alive &= ~drop


def hull_increments(values: np.ndarray) -> np.ndarray:
    """Per-unit slope of the hull segment each step ``x-1 -> x`` lies on; non-increasing along a row.

    Stock returns are concave (backorders) or convex-then-concave (fill
    rate of a unimodal pipeline): their hull is a chord from 0 to the
    steepest point, then the row itself. That shape is tried first for
    every row; rows it does not fit go through :func:`upper_hull`.
    """
    size = values.shape[1]
    steps = np.diff(values, axis=1)
    x = np.arange(1, size)
    chord = (values[:, 1:] - values[:, :1]) / x
    best = chord.max(axis=1, keepdims=True)
    scale = np.abs(values).max(axis=1, keepdims=True) + 1e-300
    near = chord >= best - SLOPE_TOLERANCE * scale
    tangent = size - 1 - np.argmax(near[:, ::-1], axis=1)  # farthest steepest point, in 1..size-1
    out = np.where(x[None, :] <= tangent[:, None], np.take_along_axis(chord, tangent[:, None] - 1, axis=1), steps)
    bad = np.any(np.diff(out, axis=1) > SLOPE_TOLERANCE * scale, axis=1)
    if bad.any():
        out[bad] = _general_increments(values[bad])
    return out


def _general_increments(values: np.ndarray) -> np.ndarray:
    vertex = upper_hull(values)
    size = values.shape[1]
    x = np.arange(size)
    nxt = np.where(vertex, x, size)
    nxt = np.minimum.accumulate(nxt[:, ::-1], axis=1)[:, ::-1][:, 1:]
    prev = np.where(vertex, x, -1)
    prev = np.maximum.accumulate(prev, axis=1)[:, :-1]
    rows = np.arange(values.shape[0])[:, None]
    return (values[rows, nxt] - values[rows, prev]) / (nxt - prev)
