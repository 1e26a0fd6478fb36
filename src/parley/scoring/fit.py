"""How well an ensemble fits the record: the measures calibration and sensitivity use.

Calibration fits to the record cut at a year (``Targets``): the yearly index up to that
year and the dated outcomes that happened by then, so a score after it cannot leak in.
The fit is the Spearman correlation of the model's yearly index (the median over runs) with
the record's, minus half the mean Brier score of the outcomes (both then lie in [-1, 1]).

Sensitivity measures each sample (``sample_metrics``): the Spearman of the model's yearly
index against the record's over the scenario's full years (0 where it is undefined,
because the model's series is constant), and for each dated outcome of the scenario its
``probability`` in the period and its median ``year``, where a run in which it never
happens counts as the year after the scenario ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import outcome_years, yearly_model_index
from parley.record import dates
from parley.record.query import RecordTables
from parley.scenario.load import full_years
from parley.scenario.schema import Scenario
from parley.scoring import metrics
from parley.scoring.record import span_scores, yearly_index

__all__ = ["Targets", "fit", "sample_metrics", "targets_until"]


@dataclass(frozen=True)
class Targets:
    """What the record says up to ``until``: the yearly index and the dated outcomes."""

    until: int
    index: dict[int, float]
    outcomes: tuple[tuple[str, str, int, int], ...]  # name, what, first and last year


def targets_until(scenario: Scenario, record: RecordTables, until: int) -> Targets:
    """The record cut at the end of ``until``."""
    index = {y: v for y, v in yearly_index(record, scenario).items() if y <= until}
    events = {event.id: event for event in record.record.events}
    outcomes = []
    for spec in scenario.scoring.outcomes:
        if spec.event not in events:  # a record cut short: the event comes later
            continue
        first, last = (day.year for day in dates.bounds(events[spec.event].date))
        if last <= until:
            outcomes.append((spec.id, spec.what, first, last))
    return Targets(until, index, tuple(outcomes))


def fit(ensemble: Ensemble, targets: Targets) -> dict[str, float]:
    """How well an ensemble fits the targets (years after ``targets.until`` play no part)."""
    yearly = {year: float(np.median(runs)) for year, runs in yearly_model_index(ensemble).items()}
    years = sorted(year for year in targets.index if year in yearly and year <= targets.until)
    spearman = metrics.spearman([yearly[y] for y in years], [targets.index[y] for y in years])
    briers = []
    for _name, what, first, last in targets.outcomes:
        values = outcome_years(ensemble, what)
        # Runs in which it happens only after the cut count as "not by then".
        values = np.where(values <= targets.until, values, 0)
        predicted = {int(y): float((values == y).mean()) for y in np.unique(values[values > 0])}
        briers.append(metrics.brier(predicted, first, last))
    spearman = -1.0 if np.isnan(spearman) else spearman
    brier = float(np.mean(briers)) if briers else 0.0
    return {"spearman": spearman, "brier": brier, "fit": spearman - brier / 2}


def sample_metrics(ensemble: Ensemble, observed: Mapping[int, float]) -> dict[str, float]:
    """The metrics of one sensitivity sample against the record's yearly index."""
    scenario = ensemble.scenario
    model: Mapping[int, Any] = yearly_model_index(ensemble)
    spearman = span_scores(model, observed, full_years(scenario))["spearman"]
    result = {"record.spearman": 0.0 if spearman is None else float(spearman)}
    never = ensemble.inputs.steps[-1].year + 1
    for spec in scenario.scoring.outcomes:
        years = outcome_years(ensemble, spec.what)
        result[f"{spec.id}.probability"] = float((years > 0).mean())
        result[f"{spec.id}.year"] = float(np.median(np.where(years > 0, years, never)))
    return result
