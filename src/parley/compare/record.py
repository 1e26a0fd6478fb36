"""A scenario's runs scored against the record (DESIGN.md, "Validation")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parley.compare import metrics
from parley.errors import InputError, Location
from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import first_clash_years, settlement_years, yearly_relation
from parley.record import dates as _dates
from parley.record import query
from parley.record.query import RecordTables

__all__ = ["OUTCOMES", "compare_to_record", "read_external_index", "yearly_index"]

# The dated outcomes the record gives for each built-in scenario, and the record events
# that date them: (issue settled, or "clash"; event id).
OUTCOMES = {
    "sino-soviet": {
        "first-armed-clash": ("clash", "ev-1969-03-zhenbao-clashes"),
        "eastern-border-agreement": ("border-eastern", "ev-1991-05-16-eastern-agreement"),
    },
    "post-soviet-border": {
        "kazakhstan-border-agreement": ("border-kazakhstan", "ev-kazakh-border-agreement"),
        "kyrgyzstan-border-agreement": ("border-kyrgyzstan", "ev-kyrgyz-border-agreement"),
        "tajikistan-border-agreement": ("border-tajikistan", "ev-tajik-border-agreement"),
    },
}


def yearly_index(record: RecordTables) -> dict[int, float]:
    """The record's net Goldstein index by year."""
    frame = query.record_index(record, by="year")
    return {int(p): float(v) for p, v in zip(frame["period"], frame["net_goldstein"], strict=True)}


def compare_to_record(
    ensemble: Ensemble,
    record: RecordTables,
    calibrate_until: int = 1979,
    index: Path | str | None = None,
    first_year: int = 1950,
    last_year: int = 1991,
    observed: dict[int, float] | None = None,
) -> dict[str, Any]:
    """Score an ensemble against the record: rank and sign of yearly R, Brier of outcomes.

    ``observed`` is the record's yearly index, if already at hand (``yearly_index``).
    """
    observed = yearly_index(record) if observed is None else observed
    yearly = {year: float(np.median(values)) for year, values in yearly_relation(ensemble).items()}
    years = [y for y in range(first_year, last_year + 1) if y in yearly and y in observed]

    def scores(span: list[int], series: dict[int, float]) -> dict[str, Any]:
        model = [yearly[y] for y in span]
        truth = [series[y] for y in span]
        return {
            "spearman": _number(metrics.spearman(model, truth)),
            "sign_agreement": _number(metrics.sign_agreement(model, truth)),
            "years": len(span),
        }

    events = {event.id: event for event in record.record.events}
    outcomes: list[dict[str, Any]] = []
    for name, (what, event_id) in OUTCOMES.get(ensemble.scenario.name, {}).items():
        first, last = (day.year for day in _dates.bounds(events[event_id].date))
        values = (
            first_clash_years(ensemble) if what == "clash" else settlement_years(ensemble, what)
        )
        predicted = {int(y): float((values == y).mean()) for y in np.unique(values[values > 0])}
        outcomes.append(
            {
                "name": name,
                "observed": first if first == last else f"{first}-{last}",
                "record_event": event_id,
                "predicted": predicted,
                "probability": float((values > 0).mean()),
                "brier": metrics.brier(predicted, first, last),
            }
        )
    inside = [y for y in years if y <= calibrate_until]
    outside = [y for y in years if y > calibrate_until]
    result: dict[str, Any] = {
        "scenario": ensemble.scenario.name,
        "runs": int(ensemble.outputs.relation.shape[0]),
        "seed": ensemble.seed,
        "record": scores(years, observed),
        "outcomes": outcomes,
        "calibrate_until": calibrate_until,
        "in_sample": {
            **scores(inside, observed),
            "outcomes": [o["name"] for o in outcomes if _year(o) <= calibrate_until],
        },
        "out_of_sample": {
            **scores(outside, observed),
            "outcomes": [o["name"] for o in outcomes if _year(o) > calibrate_until],
        },
    }
    if index is not None:
        external = read_external_index(Path(index))
        common = [y for y in range(first_year, last_year + 1) if y in yearly and y in external]
        result["external"] = scores(common, external)
    return result


def _number(value: float) -> float | None:
    """A score, or None where it is undefined (JSON has no NaN)."""
    return None if np.isnan(value) else value


def _year(outcome: dict[str, Any]) -> int:
    """The last year an outcome may have happened in."""
    return int(str(outcome["observed"])[-4:])


def read_external_index(path: Path) -> dict[int, float]:
    """A user's yearly index: a CSV of ``period,value`` rows."""
    if not path.is_file():
        raise InputError("no such file", Location(str(path)), "a CSV of period,value")
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # pandas raises many kinds on a bad CSV
        raise InputError(f"unreadable CSV: {exc}", Location(str(path), 1), "period,value") from None
    if list(frame.columns) != ["period", "value"]:
        raise InputError("wrong columns", Location(str(path), 1), "period,value")
    result = {}
    for number, (period, value) in enumerate(
        zip(frame["period"], frame["value"], strict=True), start=2
    ):
        try:
            result[int(str(period)[:4])] = float(value)
        except ValueError:
            raise InputError(
                f"bad row {period!r},{value!r}", Location(str(path), number), "a year and a number"
            ) from None
    return result
