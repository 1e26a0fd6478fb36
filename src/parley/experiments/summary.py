"""What an ensemble says, in a few tables: the relation by year, clashes, agreements, talks."""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.experiments.ensemble import Ensemble

__all__ = ["first_clash_years", "settlement_years", "summarize", "yearly_relation"]


def _years(ensemble: Ensemble) -> np.ndarray[Any, Any]:
    return np.array([day.year for day in ensemble.inputs.steps])


def yearly_relation(ensemble: Ensemble) -> dict[int, np.ndarray[Any, Any]]:
    """Each run's mean R per calendar year: year -> (runs,)."""
    years = _years(ensemble)
    relation = ensemble.outputs.relation
    return {int(y): relation[:, years == y].mean(axis=1) for y in np.unique(years)}


def first_clash_years(ensemble: Ensemble) -> np.ndarray[Any, Any]:
    """The year of each run's first clash, or 0 for a run with none."""
    clash = ensemble.outputs.clash
    years = _years(ensemble)
    return np.where(clash.any(axis=1), years[clash.argmax(axis=1)], 0)


def settlement_years(ensemble: Ensemble, issue: str) -> np.ndarray[Any, Any]:
    """The year each run settles ``issue``, or 0 for a run where it never settles."""
    index = ensemble.inputs.issues.index(issue)
    at = ensemble.outputs.settled_at[:, index]
    return np.where(at >= 0, _years(ensemble)[np.maximum(at, 0)], 0)


def _distribution(values: np.ndarray[Any, Any]) -> dict[str, Any]:
    happened = values[values > 0]
    by_year = {int(y): round(float((values == y).mean()), 4) for y in np.unique(happened)}
    summary: dict[str, Any] = {"probability": round(float((values > 0).mean()), 4)}
    if happened.size:
        summary.update(
            most_likely_year=max(by_year, key=lambda y: (by_year[y], -y)),
            median_year=float(np.median(happened)),
            p05_year=float(np.quantile(happened, 0.05)),
            p95_year=float(np.quantile(happened, 0.95)),
        )
    summary["by_year"] = by_year
    return summary


def summarize(ensemble: Ensemble) -> dict[str, Any]:
    """The summary that ``parley run`` prints, as plain data."""
    relation = [
        {
            "year": year,
            "median": round(float(np.median(values)), 4),
            "p05": round(float(np.quantile(values, 0.05)), 4),
            "p95": round(float(np.quantile(values, 0.95)), 4),
        }
        for year, values in yearly_relation(ensemble).items()
    ]
    inputs = ensemble.inputs
    agreements = [
        {"issue": issue, **_distribution(settlement_years(ensemble, issue))}
        for n, issue in enumerate(inputs.issues)
        if inputs.agenda[:, n].any()
    ]
    years = _years(ensemble)
    talks = []
    for k, name in enumerate(inputs.talks):
        held = ensemble.outputs.running[:, :, k]
        for year in np.unique(years):
            share = float(held[:, years == year].any(axis=1).mean())
            if share > 0:
                talks.append({"talks": name, "year": int(year), "share_of_runs": round(share, 4)})
    return {
        "scenario": ensemble.scenario.name,
        "runs": int(ensemble.outputs.relation.shape[0]),
        "seed": ensemble.seed,
        "relation": relation,
        "first_clash": _distribution(first_clash_years(ensemble)),
        "agreements": agreements,
        "talks": talks,
    }
