"""Scores of model runs against the record (DESIGN.md, "Validation").

Free functions over plain arrays and the ensemble's summaries:

- ``spearman``: rank correlation of two yearly series; ``pearson``: their linear
  correlation (both NaN where a series is constant: a constant forecast has no ranks);
- ``sign_agreement``: the share of years in which both series have the same sign (years
  where the record's value is 0 are left out);
- ``brier``: the Brier score of a predicted distribution over years (and "never") against
  the observed year or span of years: the sum of squared differences between predicted and observed
  probabilities, from 0 (certain and right) to 2 (certain and wrong);
- ``crps_ensemble``: the continuous ranked probability score of an ensemble of values
  against an observed value, in the value's units (0 for a certain, right forecast; for
  a single value, the absolute error);
- ``crps_years``: the CRPS of a predicted distribution over the year of a dated outcome,
  where the record may date it only to a span of years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["brier", "crps_ensemble", "crps_years", "pearson", "sign_agreement", "spearman"]


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation, ties ranked by their mean; NaN for fewer than 3 pairs."""
    if len(a) < 3:
        return float("nan")
    ranks_a = pd.Series(a, dtype=float).rank().to_numpy()
    ranks_b = pd.Series(b, dtype=float).rank().to_numpy()
    if ranks_a.std() == 0 or ranks_b.std() == 0:
        return float("nan")
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson's correlation; NaN for fewer than 3 pairs or a constant series."""
    if len(a) < 3:
        return float("nan")
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:  # exact, where a constant's std may not be 0
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def sign_agreement(model: Sequence[float], record: Sequence[float]) -> float:
    """Share of years with a nonzero record value where the two signs agree."""
    m, r = np.asarray(model, dtype=float), np.asarray(record, dtype=float)
    counted = r != 0
    if not counted.any():
        return float("nan")
    return float((np.sign(m[counted]) == np.sign(r[counted])).mean())


def brier(predicted: Mapping[int, float], observed: int, last: int | None = None) -> float:
    """Brier score over years; ``observed`` 0 means "did not happen in the period".

    When the record dates the outcome only to a span of years (``observed`` to ``last``,
    say a decade), the predicted years inside it count as one category.
    """
    last = observed if last is None else last
    inside = sum(p for year, p in predicted.items() if observed <= year <= last)
    never = max(0.0, 1.0 - sum(predicted.values()))
    score = sum(p**2 for year, p in predicted.items() if not observed <= year <= last)
    if observed == 0:
        return float(score + (never - 1.0) ** 2)
    return float(score + (inside - 1.0) ** 2 + never**2)


def crps_ensemble(samples: Sequence[float] | np.ndarray[Any, Any], observed: float) -> float:
    """The empirical CRPS of an ensemble: ``mean|X - y| - 0.5 mean|X - X'|``.

    ``X`` and ``X'`` are drawn independently from the samples, so the second mean runs
    over all n^2 ordered pairs (a sample paired with itself included). It is computed
    exactly in O(n log n): with the samples sorted, x_(1) <= ... <= x_(n), the sum of
    ``|x_i - x_j|`` over all pairs is ``2 * sum_i (2i - n - 1) x_(i)``. For a single
    sample the score is the absolute error.
    """
    x = np.sort(np.asarray(samples, dtype=float).ravel())
    n = x.size
    if n == 0:
        raise ValueError("CRPS needs at least one sample")
    error = float(np.abs(x - observed).mean())
    ranks = 2 * np.arange(1, n + 1) - n - 1
    spread = float(ranks @ x) / n**2  # 0.5 * mean|X - X'|
    return max(0.0, error - spread)


def crps_years(
    predicted: Mapping[int, float], observed_first: int, observed_last: int, never_year: int
) -> float:
    """The CRPS, in years, of a predicted distribution over the year of an outcome.

    ``predicted`` gives the share of runs per year in which the outcome first happens;
    the rest of the runs, where it never happens in the period, count at ``never_year``
    (the year after the period). The record dates the outcome to the years
    ``observed_first`` to ``observed_last`` (one year when they are equal); a span that
    reaches past the period counts up to ``never_year``, since a run cannot tell those
    years apart.

    Against a span, the observed year is the year of the span nearest to the forecast:
    the one that gives the lowest score, so that a span never counts against a forecast
    (as in ``brier``). Any forecast certain of one year inside the span scores 0. (Taking
    each run's own distance to the span instead would reward a forecast for spreading
    itself over the span, and could go below 0.)
    """
    years = [int(y) for y, p in predicted.items() if p > 0]
    weights = [float(predicted[y]) for y in years]
    never = max(0.0, 1.0 - sum(weights))
    if never > 0:
        years.append(never_year)
        weights.append(never)
    x, w = np.asarray(years, dtype=float), np.asarray(weights, dtype=float)
    w = w / w.sum()
    spread = 0.5 * float(w @ np.abs(x[:, None] - x[None, :]) @ w)
    first, last = min(observed_first, never_year), min(observed_last, never_year)
    error = min(float(w @ np.abs(x - year)) for year in range(first, last + 1))
    return max(0.0, error - spread)
