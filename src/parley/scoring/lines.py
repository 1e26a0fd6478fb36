"""The lines of a chart of the yearly index: what the model draws, what the record says, and
the forecasts that need no model, on one scale.

One measure per axis: the model's yearly index (``yearly_model_index``, net Goldstein of
the events it draws) is the record's own measure, so the two share an axis; the
baselines are the ones the scores stand beside (``baselines``), made at the scenario's
calibration year from the record's index.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import counterpart_name, yearly_model_index
from parley.record.query import RecordTables
from parley.scenario.load import full_years
from parley.scoring.baselines import baselines
from parley.scoring.record import calibration_year, yearly_index

__all__ = ["index_lines"]


def index_lines(ensemble: Ensemble, record: RecordTables | None) -> dict[str, Any]:
    """Per year of the scenario's full years: the model's median index and its 5-95% of
    runs (with the dyad's counterpart), the record's index, and the persistence and trend
    baselines made at the calibration year ``cut``; a value the series lacks is None.
    ``record`` None (a scenario with no record) leaves the record and the baselines out."""
    scenario = ensemble.scenario
    cut = calibration_year(scenario)
    first, last = full_years(scenario)
    model = yearly_model_index(ensemble)
    observed = yearly_index(record, scenario) if record is not None else {}
    years = list(range(first, last + 1))
    naive = baselines(observed, [y for y in years if y in observed], cut)
    rows = []
    for year in years:
        runs = model.get(year)
        rows.append(
            {
                "year": year,
                "median": None if runs is None else _round(np.median(runs)),
                "p05": None if runs is None else _round(np.quantile(runs, 0.05)),
                "p95": None if runs is None else _round(np.quantile(runs, 0.95)),
                "record": _maybe(observed.get(year)),
                "persistence": _maybe(naive["persistence"].get(year)),
                "trend": _maybe(naive["trend"].get(year)),
            }
        )
    return {"counterpart": counterpart_name(ensemble, 0), "cut": cut, "rows": rows}


def _round(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else round(number, 4)


def _maybe(value: float | None) -> float | None:
    return None if value is None else _round(value)
