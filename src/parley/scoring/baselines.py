"""Naive forecasts of a yearly index, made at a cut year, to score a model against.

Conflict-forecasting evaluations put every score of a model beside forecasts that need
no model. Each baseline here is a forecast made at the end of the cut year ``C`` from the
index itself:

- ``persistence``: up to ``C``, last year's value (a one-year-ahead forecast, as a
  model calibrated to ``C`` could have made); after ``C``, the value of ``C`` carried
  forward;
- ``trend``: a least-squares line through the scored years up to ``C``; its fitted
  values up to ``C``, its extrapolation after;
- ``mean``: the mean of the scored years up to ``C``, every year.

A baseline is one number per year: scored as an ensemble of one, its CRPS is its
absolute error. The ``mean`` baseline is constant, so it has no ranks: its correlations
are undefined (None), and ``persistence`` after ``C`` is constant too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["BASELINES", "baselines"]

BASELINES = ("persistence", "trend", "mean")


def baselines(
    observed: Mapping[int, float], years: Sequence[int], cut: int
) -> dict[str, dict[int, float]]:
    """Each baseline's forecast for ``years``, from ``observed`` as known at the end of
    ``cut``: name -> year -> value.

    ``years`` are the scored years; the trend and the mean are fitted to those up to
    ``cut``. A year whose forecast needs a value the index lacks (persistence needs the
    year before) is left out of that baseline. With no scored year up to ``cut`` there
    is nothing to forecast from, and every baseline is empty.
    """
    known = [year for year in years if year <= cut]
    if not known:
        return {name: {} for name in BASELINES}
    values = np.array([observed[year] for year in known], dtype=float)
    persistence = {}
    for year in years:
        source = year - 1 if year <= cut else cut
        if source in observed:
            persistence[year] = float(observed[source])
    centre = float(np.mean(known))
    slope, level = (
        np.polyfit(np.array(known, dtype=float) - centre, values, 1)
        if len(known) >= 2
        else (0.0, float(values[0]))
    )
    trend = {year: float(level + slope * (year - centre)) for year in years}
    mean = float(values.mean())
    return {
        "persistence": persistence,
        "trend": trend,
        "mean": dict.fromkeys(years, mean),
    }
