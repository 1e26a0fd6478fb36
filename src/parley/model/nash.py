"""The Nash bargaining solution on one dimension, relative to a reference point.

Each actor ``i`` has a quadratic loss ``u_i(y) = -(y - x_i)^2`` around its position and
gains ``g_i(y) = (r - x_i)^2 - (y - x_i)^2`` from an agreement at ``y`` rather than the
reference point ``r`` (the status quo, where talks end if they fail). The asymmetric
Nash bargaining solution (Nash 1950; in the form used on data sets of EU decisions,
Achen 2006) is the agreement that maximises ``sum_i w_i log g_i(y)`` over the agreements
that every actor prefers to the reference point, with bargaining weights ``w_i`` (parley
uses capability x salience, as the compromise model does). When no agreement is better
for every actor with a weight above 0 (the reference point lies between their
positions, or on one of them), the reference point stands.

The objective is strictly concave on that interval and its derivative falls from plus
to minus infinity across it, so the solution is the one root of the derivative, found by
bisection: vectorized over runs, to the last bit of a float.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["nash"]

Array = npt.NDArray[np.float64]

_STEPS = 64
"""Bisection steps: each halves the interval, so 64 reach the spacing of floats in [0, 1]."""


def nash(x: Array, w: Array, reference: Array) -> Array:
    """The Nash bargaining solution for positions ``x`` and weights ``w``, both shaped
    ``(runs, actors)``, relative to ``reference`` shaped ``(runs,)``: shaped ``(runs,)``.

    Actors with a weight of 0 take no part. Where no agreement is better than the
    reference point for every actor who takes part, the result is the reference point.
    """
    r = reference[:, None]
    active = w > 0
    reach = np.abs(r - x)  # an agreement nearer than this to x_i is better for i
    low = np.where(active, x - reach, -np.inf).max(axis=1)
    high = np.where(active, x + reach, np.inf).min(axis=1)
    feasible = (low < high) & active.any(axis=1)
    lo, hi = np.where(feasible, low, 0.0), np.where(feasible, high, 0.0)
    for _ in range(_STEPS):
        mid = (lo + hi) / 2
        y = mid[:, None]
        gain = reach**2 - (y - x) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(active, -2 * w * (y - x) / gain, 0.0).sum(axis=1)
        rising = slope > 0
        lo, hi = np.where(rising, mid, lo), np.where(rising, hi, mid)
    result: Array = np.where(feasible, (lo + hi) / 2, reference)
    return result
