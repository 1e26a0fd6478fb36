"""Counterfactuals: the same runs with and without an intervention, compared run by run.

Both ensembles use the same seeds, so run ``k`` of the baseline and run ``k`` of the
intervention share every random number; the difference of a metric is taken per run and
reported with its mean and a normal 95% confidence interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import counterpart_name, first_clash_years, settlement_years

__all__ = ["paired_differences"]


def _per_run(ensemble: Ensemble) -> dict[str, np.ndarray[Any, Any]]:
    years = np.array([day.year for day in ensemble.inputs.steps])
    metrics: dict[str, np.ndarray[Any, Any]] = {}
    for d in range(len(ensemble.inputs.counterparts)):
        exists = ensemble.inputs.active[:, d]
        if not exists.any():  # a counterpart that splits at the first step
            continue
        relation = ensemble.outputs.relation[:, :, d]
        with_whom = f"mean relation with {counterpart_name(ensemble, d)}"
        metrics[f"{with_whom}, whole period"] = relation[:, exists].mean(axis=1)
        for decade in range(int(years.min()) // 10 * 10, int(years.max()) + 1, 10):
            chosen = (years >= decade) & (years < decade + 10) & exists
            if chosen.any():
                metrics[f"{with_whom}, {decade}s"] = relation[:, chosen].mean(axis=1)
    metrics["armed clash by the end"] = (first_clash_years(ensemble) > 0).astype(float)
    for n, issue in enumerate(ensemble.inputs.issues):
        if ensemble.inputs.agenda[:, n].any():
            metrics[f"{issue} settled by the end"] = (settlement_years(ensemble, issue) > 0).astype(
                float
            )
    return metrics


def paired_differences(baseline: Ensemble, intervention: Ensemble) -> list[dict[str, Any]]:
    """Per metric: the baseline and intervention means, their paired difference and its CI."""
    before, after = _per_run(baseline), _per_run(intervention)
    rows = []
    for name, base in before.items():
        diff = after[name] - base
        half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        rows.append(
            {
                "metric": name,
                "baseline": round(float(base.mean()), 4),
                "intervention": round(float(after[name].mean()), 4),
                "difference": round(float(diff.mean()), 4),
                "ci95": [round(float(diff.mean() - half), 4), round(float(diff.mean() + half), 4)],
            }
        )
    return rows
