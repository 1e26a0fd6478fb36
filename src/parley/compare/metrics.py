"""Scores of model runs against the record (DESIGN.md, "Validation").

Free functions over plain arrays and the ensemble's summaries:

- ``spearman``: rank correlation of two yearly series;
- ``sign_agreement``: the share of years in which both series have the same sign (years
  where the record's value is 0 are left out);
- ``brier``: the Brier score of a predicted distribution over years (and "never") against
  the observed year or span of years: the sum of squared differences between predicted and observed
  probabilities, from 0 (certain and right) to 2 (certain and wrong).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["brier", "sign_agreement", "spearman"]


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation, ties ranked by their mean; NaN for fewer than 3 pairs."""
    if len(a) < 3:
        return float("nan")
    ranks_a = pd.Series(a, dtype=float).rank().to_numpy()
    ranks_b = pd.Series(b, dtype=float).rank().to_numpy()
    if ranks_a.std() == 0 or ranks_b.std() == 0:
        return float("nan")
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


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
