"""Forecasts scored against known outcomes, as papers on data sets of decisions print them.

For each model, over the dimensions with a known outcome: the mean absolute error, the
root mean squared error, and the share of dimensions on which the model is closest to the
outcome (a tie shares the dimension equally). The reference point (the status quo), when
the outcomes give one, is scored beside the models as a baseline: a model that does not
beat it has learnt nothing from the actors. The compromise model is the other baseline,
and the one to beat on such data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from parley.scenario.spatial import Outcome

__all__ = ["REFERENCE", "score_outcomes"]

REFERENCE = "reference"
"""The name the reference point is scored under."""


def score_outcomes(
    rows: Sequence[Mapping[str, Any]], outcomes: Mapping[str, Outcome]
) -> list[dict[str, Any]]:
    """One row per model (and the reference point, if every scored dimension has one):
    ``model, dimensions, mae, rmse, closest``. ``rows`` are forecast rows (``model,
    dimension, forecast``), as ``forecast`` gives them."""
    models = list(dict.fromkeys(row["model"] for row in rows))
    dimensions = [d for d in dict.fromkeys(row["dimension"] for row in rows) if d in outcomes]
    if dimensions and all(outcomes[d].reference is not None for d in dimensions):
        models.append(REFERENCE)
    predicted = np.full((len(models), len(dimensions)), np.nan)
    for row in rows:
        if row["dimension"] in outcomes:
            predicted[models.index(row["model"]), dimensions.index(row["dimension"])] = row[
                "forecast"
            ]
    if REFERENCE in models:
        predicted[-1] = [outcomes[d].reference for d in dimensions]
    truth = np.array([outcomes[d].outcome for d in dimensions])
    error = np.abs(predicted - truth)
    best = error == error.min(axis=0, initial=np.inf)
    closest = (best / best.sum(axis=0)).sum(axis=1) / max(len(dimensions), 1)
    return [
        {
            "model": model,
            "dimensions": len(dimensions),
            "mae": float(error[m].mean()) if dimensions else None,
            "rmse": float(np.sqrt((error[m] ** 2).mean())) if dimensions else None,
            "closest": float(closest[m]) if dimensions else None,
        }
        for m, model in enumerate(models)
    ]
