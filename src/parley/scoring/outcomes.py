"""Forecasts scored against known outcomes, as papers on data sets of decisions print them,
and combinations of the models' forecasts.

For each model, over the dimensions with a known outcome: the mean absolute error, the
root mean squared error, and the share of dimensions on which the model is closest to the
outcome (a tie shares the dimension equally). The reference point (the status quo), when
the outcomes give one, is scored beside the models as a baseline: a model that does not
beat it has learnt nothing from the actors. The compromise model is the other baseline,
and the one to beat on such data.

A combination is a weighted mean of the models' forecasts: equal weights (``mean``),
weights fixed in advance (``compromise=0.6,eu=0.4``), or weights fitted (``fit``) on a
training part of the outcomes, drawn by a seed, and then scored with every model on the
rest only, the outcomes it was not fitted to.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.errors import InputError, Location
from parley.experiments.bargain import forecast_row
from parley.scenario.spatial import Outcome

__all__ = [
    "COMBINED",
    "REFERENCE",
    "Evaluation",
    "combine",
    "evaluate",
    "fit_weights",
    "parse_combination",
    "score_outcomes",
    "split_dimensions",
]

REFERENCE = "reference"
"""The name the reference point is scored under."""
COMBINED = "combined"
"""The name a combination of models is forecast and scored under."""


def score_outcomes(
    rows: Sequence[Mapping[str, Any]], outcomes: Mapping[str, Outcome]
) -> list[dict[str, Any]]:
    """One row per model (and the reference point, if every scored dimension has one):
    ``model, dimensions, mae, rmse, closest``, over the dimensions with a known outcome.
    ``rows`` are forecast rows (``model, dimension, forecast``), as ``forecast`` gives
    them; a model is scored on the dimensions it forecasts."""
    known = {d: o for d, o in outcomes.items() if o.outcome is not None}
    models = list(dict.fromkeys(row["model"] for row in rows))
    dimensions = [d for d in dict.fromkeys(row["dimension"] for row in rows) if d in known]
    if dimensions and all(known[d].reference is not None for d in dimensions):
        models.append(REFERENCE)
    predicted = np.full((len(models), len(dimensions)), np.nan)
    for row in rows:
        if row["dimension"] in known:
            predicted[models.index(row["model"]), dimensions.index(row["dimension"])] = row[
                "forecast"
            ]
    if REFERENCE in models:
        predicted[-1] = [known[d].reference for d in dimensions]
    truth = np.array([known[d].outcome for d in dimensions], dtype=float)
    error = np.abs(predicted - truth)
    best = error == np.nanmin(error, axis=0, initial=np.inf)
    closest = (best / np.maximum(best.sum(axis=0), 1)).sum(axis=1) / max(len(dimensions), 1)
    scored = []
    for m, model in enumerate(models):
        mine = error[m][~np.isnan(error[m])]
        scored.append(
            {
                "model": model,
                "dimensions": len(mine),
                "mae": float(mine.mean()) if len(mine) else None,
                "rmse": float(np.sqrt((mine**2).mean())) if len(mine) else None,
                "closest": float(closest[m]) if len(mine) else None,
            }
        )
    return scored


def parse_combination(text: str) -> str | dict[str, float]:
    """``--combine``: ``mean``, ``fit``, or fixed weights ``model=weight,...`` (0 or more,
    not all 0; they are scaled to sum to 1)."""
    if text in ("mean", "fit"):
        return text
    weights: dict[str, float] = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not name.strip() or not weight >= 0 or not np.isfinite(weight):
            raise InputError(
                f"cannot read {part!r}",
                Location("--combine"),
                "mean, fit, or model=weight pairs such as compromise=0.6,eu=0.4",
            )
        weights[name.strip()] = weight
    total = sum(weights.values())
    if total <= 0:
        raise InputError("every weight is 0", Location("--combine"), "some weight above 0")
    return {name: weight / total for name, weight in weights.items()}


def split_dimensions(
    dimensions: Sequence[str], fraction: float, seed: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The dimensions in a training part of ``fraction`` (rounded, at least one) and the
    rest, drawn by ``seed``; each part keeps the dimensions' order."""
    if not 0 < fraction < 1:
        raise InputError(f"train fraction {fraction:g}", Location("--train-fraction"), "0 < f < 1")
    n = len(dimensions)
    size = min(max(round(fraction * n), 1), n - 1)
    if n < 2:
        raise InputError(
            f"{n} dimension(s) with a known outcome",
            Location("--train-fraction"),
            "two or more, to train on some and score on the rest",
        )
    chosen = set(np.random.default_rng(seed).permutation(n)[:size].tolist())
    train = tuple(d for k, d in enumerate(dimensions) if k in chosen)
    return train, tuple(d for k, d in enumerate(dimensions) if k not in chosen)


def _table(
    rows: Sequence[Mapping[str, Any]], models: Sequence[str], dimensions: Sequence[str]
) -> np.ndarray[Any, Any]:
    """Forecasts shaped (dimensions, models), NaN where a model has none."""
    table = np.full((len(dimensions), len(models)), np.nan)
    where = {d: k for k, d in enumerate(dimensions)}
    for row in rows:
        if row["dimension"] in where and row["model"] in models:
            table[where[row["dimension"]], list(models).index(row["model"])] = row["forecast"]
    return table


def fit_weights(
    rows: Sequence[Mapping[str, Any]],
    outcomes: Mapping[str, Outcome],
    models: Sequence[str],
    dimensions: Sequence[str],
) -> dict[str, float]:
    """The weights, 0 or more and summing to 1, whose weighted mean of ``models``'
    forecasts has the least squared error on ``dimensions``.

    Exact: for every subset of the models, the least-squares weights that sum to 1 (from
    the Lagrange conditions); the best subset whose weights are all 0 or more wins. With
    five models that is 31 small solves. Dimensions where a model has no forecast are
    left out of the fit.
    """
    table = _table(rows, models, dimensions)
    truth = np.array([outcomes[d].outcome for d in dimensions], dtype=float)
    usable = ~np.isnan(table).any(axis=1)
    f, y = table[usable], truth[usable]
    best: tuple[float, np.ndarray[Any, Any]] | None = None
    for size in range(1, len(models) + 1):
        for subset in itertools.combinations(range(len(models)), size):
            a = f[:, subset]
            k = len(subset)
            system = np.zeros((k + 1, k + 1))
            system[:k, :k] = 2 * a.T @ a
            system[:k, k] = system[k, :k] = 1.0
            target = np.append(2 * a.T @ y, 1.0)
            solved = np.linalg.lstsq(system, target, rcond=None)[0][:k]
            if (solved < -1e-12).any():
                continue
            weights = np.zeros(len(models))
            weights[list(subset)] = np.clip(solved, 0, None) / np.clip(solved, 0, None).sum()
            error = float(((f @ weights - y) ** 2).sum())
            if best is None or error < best[0] - 1e-12 * max(1.0, error):
                best = (error, weights)
    assert best is not None  # every single model is a feasible subset
    return {model: float(w) for model, w in zip(models, best[1], strict=True)}


def combine(
    rows: Sequence[Mapping[str, Any]], weights: Mapping[str, float]
) -> list[dict[str, Any]]:
    """Rows of the ``combined`` model: the weighted mean of the forecasts of the models in
    ``weights``, on each dimension where every one of them has a forecast."""
    dimensions = list(dict.fromkeys(row["dimension"] for row in rows))
    models = list(weights)
    table = _table(rows, models, dimensions)
    w = np.array([weights[m] for m in models])
    return [
        forecast_row(COMBINED, dimension, np.array([table[k] @ w]))
        for k, dimension in enumerate(dimensions)
        if not np.isnan(table[k]).any()
    ]


@dataclass(frozen=True)
class Evaluation:
    """The forecasts (with the combination's, if any) scored against known outcomes.

    ``weights`` are the combination's (None without one), ``fitted`` whether they were
    fitted; ``train`` is the training part (the dimensions weights are fitted on, held
    out of the scores; empty unless ``train_fraction``), and ``test`` the dimensions
    scored (every dimension with a known outcome when nothing was held out).
    """

    rows: tuple[dict[str, Any], ...]
    scores: list[dict[str, Any]]
    weights: dict[str, float] | None
    train: tuple[str, ...]
    test: tuple[str, ...]
    fitted: bool = False


def evaluate(
    rows: Sequence[dict[str, Any]],
    outcomes: Mapping[str, Outcome] | None,
    combination: str | Mapping[str, float] | None = None,
    train_fraction: float | None = None,
    seed: int = 0,
) -> Evaluation:
    """Combine the models' forecasts as asked, and score everything on the outcomes that
    were not used to fit it."""
    models = list(dict.fromkeys(row["model"] for row in rows))
    known = [
        d
        for d in dict.fromkeys(row["dimension"] for row in rows)
        if outcomes is not None and d in outcomes and outcomes[d].outcome is not None
    ]
    if (train_fraction is not None or combination == "fit") and outcomes is None:
        raise InputError(
            "fitting and holding out need known outcomes", Location("--outcomes"), "a CSV file"
        )
    train: tuple[str, ...] = ()
    test = tuple(known)
    if train_fraction is not None:
        train, test = split_dimensions(known, train_fraction, seed)
    weights: dict[str, float] | None = None
    if combination == "fit":
        if train_fraction is None:
            raise InputError(
                "weights fitted on every outcome would be scored on the outcomes they fit",
                Location("--combine"),
                "--train-fraction F with --combine fit",
            )
        assert outcomes is not None
        weights = fit_weights(rows, outcomes, models, train)
    elif combination == "mean":
        weights = {model: 1 / len(models) for model in models}
    elif isinstance(combination, Mapping):
        unknown = sorted(set(combination) - set(models))
        if unknown:
            raise InputError(
                f"no forecasts from {', '.join(unknown)}",
                Location("--combine"),
                f"weights for models that were run: {', '.join(models)}",
            )
        weights = dict(combination)
    everything = list(rows) + (combine(rows, weights) if weights else [])
    scores = [] if outcomes is None else score_outcomes(everything, {d: outcomes[d] for d in test})
    return Evaluation(tuple(everything), scores, weights, train, test, combination == "fit")
