"""What an ensemble says, in a few tables: the relation by year, clashes, agreements, talks."""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.experiments.ensemble import Ensemble
from parley.model.simulate import MILESTONES

__all__ = [
    "counterpart_name",
    "first_clash_years",
    "milestone_years",
    "outcome_years",
    "settlement_years",
    "summarize",
    "yearly_model_index",
    "yearly_relation",
]


def _years(ensemble: Ensemble) -> np.ndarray[Any, Any]:
    return np.array([day.year for day in ensemble.inputs.steps])


def yearly_relation(ensemble: Ensemble, counterpart: int = 0) -> dict[int, np.ndarray[Any, Any]]:
    """Each run's mean R with a counterpart (the dyad's second state by default) per
    calendar year in which the counterpart exists: year -> (runs,)."""
    years = _years(ensemble)
    relation = ensemble.outputs.relation[:, :, counterpart]
    exists = ensemble.inputs.active[:, counterpart]
    return {
        int(y): relation[:, (years == y) & exists].mean(axis=1) for y in np.unique(years[exists])
    }


def yearly_model_index(ensemble: Ensemble, counterpart: int = 0) -> dict[int, np.ndarray[Any, Any]]:
    """Each run's net Goldstein index per calendar year in which the counterpart exists:
    year -> (runs,), the same measure as the record's yearly index.

    It is the sum, over the year's steps in which the counterpart exists, of the Goldstein
    values of the events the model drew between the focal state and that counterpart, in
    either direction (``outputs.goldstein``). Every score of the model's index goes through
    this one function.
    """
    per_step = ensemble.outputs.goldstein[:, :, counterpart]  # (runs, steps)
    years = _years(ensemble)
    exists = ensemble.inputs.active[:, counterpart]
    return {
        int(y): per_step[:, (years == y) & exists].sum(axis=1) for y in np.unique(years[exists])
    }


def first_clash_years(ensemble: Ensemble) -> np.ndarray[Any, Any]:
    """The year of each run's first clash with any counterpart, or 0 for a run with none."""
    clash = np.any(ensemble.outputs.clash, axis=2)
    years = _years(ensemble)
    return np.where(clash.any(axis=1), years[clash.argmax(axis=1)], 0)


def settlement_years(ensemble: Ensemble, issue: str) -> np.ndarray[Any, Any]:
    """The year each run settles ``issue``, or 0 for a run where it never settles."""
    index = ensemble.inputs.issues.index(issue)
    at = ensemble.outputs.settled_at[:, index]
    return np.where(at >= 0, _years(ensemble)[np.maximum(at, 0)], 0)


def milestone_years(ensemble: Ensemble, name: str) -> np.ndarray[Any, Any]:
    """The year each run reaches a turn of the political track (``MILESTONES``), or 0."""
    at = ensemble.outputs.milestones[:, MILESTONES.index(name)]
    return np.where(at >= 0, _years(ensemble)[np.maximum(at, 0)], 0)


def outcome_years(ensemble: Ensemble, what: str) -> np.ndarray[Any, Any]:
    """The year of an outcome in each run, or 0 where it never comes: ``"clash"`` (the first
    deadly clash), a turn of the political track (``MILESTONES``), or an issue settling."""
    if what == "clash":
        return first_clash_years(ensemble)
    if what in MILESTONES:
        return milestone_years(ensemble, what)
    return settlement_years(ensemble, what)


def counterpart_name(ensemble: Ensemble, counterpart: int) -> str:
    """The state id of a counterpart."""
    return ensemble.inputs.states[int(ensemble.inputs.counterparts[counterpart])]


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
    inputs = ensemble.inputs
    relation = [
        {
            "counterpart": counterpart_name(ensemble, d),
            "year": year,
            "median": round(float(np.median(values)), 4),
            "p05": round(float(np.quantile(values, 0.05)), 4),
            "p95": round(float(np.quantile(values, 0.95)), 4),
        }
        for d in range(len(inputs.counterparts))
        for year, values in yearly_relation(ensemble, d).items()
    ]
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
        "milestones": {name: _distribution(milestone_years(ensemble, name)) for name in MILESTONES},
        "agreements": agreements,
        "talks": talks,
    }
