"""A scenario's runs scored against its record (DESIGN.md, "Validation").

The model's yearly index (``yearly_model_index``: net Goldstein per year, the record's
own measure) is scored against the record's yearly index between the scenario's dyad,
over the full years of the scenario's period and per era of its ``scoring`` block, each
score beside naive baselines (``baselines``) and a placebo (``placebo``): Spearman and
Pearson of the runs' median, the mean CRPS of the runs over the years, and sign
agreement. The scenario's dated outcomes get a Brier score and a CRPS in years. The
split at ``calibrate_until`` gives the in-sample and out-of-sample scores.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parley.errors import InputError, Location
from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import (
    outcome_years,
    yearly_model_index,
    yearly_relation,
)
from parley.record import dates as _dates
from parley.record import query
from parley.record.query import RecordTables
from parley.scenario.load import full_years
from parley.scenario.schema import Scenario
from parley.scoring import metrics
from parley.scoring.baselines import BASELINES, baselines
from parley.scoring.placebo import Placebo

__all__ = [
    "SCORES",
    "SCORE_NAMES",
    "beats",
    "calibration_year",
    "compare_to_record",
    "dyad_sides",
    "read_external_index",
    "score_rows",
    "span_scores",
    "yearly_index",
]

SCORE_NAMES = {
    "spearman": "Spearman",
    "pearson": "Pearson",
    "crps": "CRPS",
    "sign_agreement": "sign agreement",
}
"""How the scores are named for readers, in tables and reports."""


def dyad_sides(scenario: Scenario) -> query.Sides:
    """The scenario's dyad as record state ids: each state's ``record_actor`` (or its id),
    the second side with every state that succeeds it (only the counterpart and its
    successors may split: ``scenario check`` sees to it)."""
    record_id = {state.id: state.record_actor or state.id for state in scenario.states}
    successors = [
        new.record_actor or new.id
        for shock in scenario.shocks
        if shock.kind == "succession"
        for new in shock.successors
    ]
    first, second = scenario.dyad
    return [record_id[first]], [record_id[second], *successors]


def calibration_year(scenario: Scenario) -> int:
    """The last in-sample year: the scenario's ``scoring.calibrate_until``, or the middle
    of its full years."""
    cut = scenario.scoring.calibrate_until
    first, last = full_years(scenario)
    return cut if cut is not None else (first + last) // 2


def yearly_index(record: RecordTables, scenario: Scenario) -> dict[int, float]:
    """The record's net Goldstein index by year between the scenario's dyad, over the
    scenario's full years and the year before (which the persistence baseline needs)."""
    first, last = full_years(scenario)
    if last < first:
        return {}
    frame = query.record_index(record, "year", dyad_sides(scenario), (first - 1, last))
    return {int(p): float(v) for p, v in zip(frame["period"], frame["net_goldstein"], strict=True)}


Forecast = Mapping[int, np.ndarray[Any, Any]]
"""Values per year: each run's, or a single number for a deterministic forecast."""


def compare_to_record(
    ensemble: Ensemble,
    record: RecordTables | None,
    calibrate_until: int | None = None,
    index: Path | str | None = None,
    placebos: Sequence[tuple[Placebo, Ensemble | None]] = (),
) -> dict[str, Any]:
    """Score an ensemble against its scenario's record, beside the baselines and placebos.

    ``record`` is None for a scenario with no record: ``"record"`` is then None, and only
    ``index`` (a user's yearly index) is scored. ``calibrate_until`` defaults to the
    scenario's (``calibration_year``). ``placebos`` are runs of the scenario with its
    shocks moved (``shift_shocks``), on the ensemble's seeds, or None for a placebo that
    cannot run (its scores are then null, and ``skipped`` says why).
    """
    scenario = ensemble.scenario
    cut = calibration_year(scenario) if calibrate_until is None else calibrate_until
    spans = _spans(scenario, cut)
    model = yearly_model_index(ensemble)
    moved = [
        (placebo, runs, {} if runs is None else yearly_model_index(runs))
        for placebo, runs in placebos
    ]

    def scored(series: Mapping[int, float], with_outcomes: bool) -> dict[str, Any]:
        years = [y for y in range(spans.whole[0], spans.whole[1] + 1) if y in series]
        naive = baselines(series, years, cut)
        result = {
            **_scores(model, series, spans),
            "baselines": {
                key: _scores(_deterministic(naive[key]), series, spans) for key in BASELINES
            },
            "placebo": {
                f"{placebo.years:+d}": {
                    **_scores(shifted, series, spans),
                    "shocks_moved": len(placebo.moved),
                    "shocks_dropped": list(placebo.dropped),
                    "skipped": placebo.problem,
                    **(
                        {"outcomes": _outcomes(runs, record, cut, scenario)}
                        if with_outcomes and record is not None
                        else {}
                    ),
                }
                for placebo, runs, shifted in moved
            },
        }
        if with_outcomes and record is not None:
            result["relation"] = _relation(ensemble, series, spans.whole)
            result["outcomes"] = _outcomes(ensemble, record, cut, scenario)
        return result

    scores: dict[str, Any] = {
        "scenario": scenario.name,
        "runs": int(ensemble.outputs.relation.shape[0]),
        "seed": ensemble.seed,
        "calibrate_until": cut,
        "record": (
            None if record is None else scored(yearly_index(record, scenario), with_outcomes=True)
        ),
    }
    if index is not None:
        scores["external"] = scored(read_external_index(Path(index)), with_outcomes=False)
    return scores


SCORES = tuple(SCORE_NAMES)
"""The scores of a yearly series, in the order tables show them."""


def beats(model: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, bool | None]:
    """Whether the model beats another forecast over the same years, score by score.

    Correlations and sign agreement: higher is better, and an undefined one counts as 0
    (a constant forecast has no ranks, and earns no credit for them). CRPS: lower is
    better; None where either is undefined.
    """
    verdict: dict[str, bool | None] = {
        key: (model[key] or 0.0) > (other[key] or 0.0)
        for key in ("spearman", "pearson", "sign_agreement")
    }
    defined = model["crps"] is not None and other["crps"] is not None
    verdict["crps"] = model["crps"] < other["crps"] if defined else None
    return verdict


def score_rows(scores: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scores of ``compare_to_record``'s ``record`` (or ``external``) as table rows:
    per span (the whole period, each era, in and out of sample) and score, the model's
    value, each baseline's and placebo's, and how many of those the model beats.

    Each row: ``span`` (``"1950-1991 whole period"``), ``from``, ``to``, ``years``,
    ``score`` (a key of ``SCORES``), ``model``, ``others`` (each baseline's and
    placebo's value, by name: ``"mean"``, ``"placebo -5"``), ``beats`` (how many of
    those the model beats) and ``rivals`` (how many there are, leaving out a placebo that
    could not run). Empty when no year of the index falls in the scenario's period.
    """
    if not scores["years"]:
        return []
    others = {**scores["baselines"], **{f"placebo {k}": v for k, v in scores["placebo"].items()}}
    spans: list[tuple[str, Any]] = [("whole period", ())]
    spans += [("", ("eras", n)) for n in range(len(scores["eras"]))]
    spans += [(key.replace("_", " "), (key,)) for key in ("in_sample", "out_of_sample")]
    rows = []
    for name, where in spans:
        model = _at(scores, where)
        rivals = {label: _at(series, where) for label, series in others.items()}
        ran = [label for label, series in others.items() if not series.get("skipped")]
        verdicts = [beats(model, rivals[label]) for label in ran]
        label = f"{model['from']}-{model['to']}" + (f" {name}" if name else "")
        for key in SCORES:
            rows.append(
                {
                    "span": label,
                    "from": model["from"],
                    "to": model["to"],
                    "years": model["years"],
                    "score": key,
                    "model": model[key],
                    "others": {rival: series[key] for rival, series in rivals.items()},
                    "beats": sum(bool(verdict[key]) for verdict in verdicts),
                    "rivals": len(verdicts),
                }
            )
    return rows


def _at(series: Mapping[str, Any], where: tuple[Any, ...]) -> Mapping[str, Any]:
    for step in where:
        series = series[step]
    return series


class _Spans:
    """The spans of years a scenario is scored over: the whole period, the eras that
    lie inside the scenario's full years, and the split at the cut."""

    def __init__(self, whole: tuple[int, int], eras: list[tuple[int, int]], cut: int) -> None:
        self.whole, self.eras = whole, eras
        self.in_sample = (whole[0], min(cut, whole[1]))
        self.out_of_sample = (max(cut + 1, whole[0]), whole[1])


def _spans(scenario: Scenario, cut: int) -> _Spans:
    whole = full_years(scenario)
    eras = [(a, b) for a, b in scenario.scoring.eras if whole[0] <= a and b <= whole[1]]
    return _Spans(whole, eras, cut)


def _deterministic(values: Mapping[int, float]) -> dict[int, np.ndarray[Any, Any]]:
    return {year: np.array([value]) for year, value in values.items()}


def _scores(forecast: Forecast, observed: Mapping[int, float], spans: _Spans) -> dict[str, Any]:
    """Scores over the whole period, then per era and in and out of sample."""
    return {
        **span_scores(forecast, observed, spans.whole),
        "eras": [span_scores(forecast, observed, era) for era in spans.eras],
        "in_sample": span_scores(forecast, observed, spans.in_sample),
        "out_of_sample": span_scores(forecast, observed, spans.out_of_sample),
    }


def span_scores(
    forecast: Forecast, observed: Mapping[int, float], span: tuple[int, int]
) -> dict[str, Any]:
    """Spearman, Pearson and sign agreement of the forecast's median per year, and the
    mean over the years of its CRPS; None where a score is undefined."""
    years = [y for y in range(span[0], span[1] + 1) if y in forecast and y in observed]
    centre = [float(np.median(forecast[y])) for y in years]
    truth = [float(observed[y]) for y in years]
    crps = [metrics.crps_ensemble(forecast[y], observed[y]) for y in years]
    return {
        "from": span[0],
        "to": span[1],
        "years": len(years),
        "spearman": _number(metrics.spearman(centre, truth)),
        "pearson": _number(metrics.pearson(centre, truth)),
        "crps": float(np.mean(crps)) if crps else None,
        "sign_agreement": _number(metrics.sign_agreement(centre, truth)),
    }


def _relation(
    ensemble: Ensemble, observed: Mapping[int, float], span: tuple[int, int]
) -> dict[str, Any]:
    """The model's yearly median relation index R against the record's index: its rank
    and sign only, since R is on another scale."""
    scores = span_scores(yearly_relation(ensemble), observed, span)
    return {key: scores[key] for key in ("years", "spearman", "pearson", "sign_agreement")}


def _outcomes(
    ensemble: Ensemble | None, record: RecordTables, cut: int, scenario: Scenario
) -> list[dict[str, Any]]:
    """Each dated outcome of the scenario: the share of runs in which it happens by the
    end, the most likely year, and the Brier score and CRPS (in years) of its year; all
    None without runs (a placebo that cannot run)."""
    events = {event.id: event for event in record.record.events}
    outcomes: list[dict[str, Any]] = []
    for spec in scenario.scoring.outcomes:
        first, last = (day.year for day in _dates.bounds(events[spec.event].date))
        outcome: dict[str, Any] = {
            "name": spec.id,
            "observed": first if first == last else f"{first}-{last}",
            "record_event": spec.event,
            "in_sample": last <= cut,
            "probability_by_end": None,
            "mode_year": None,
            "brier": None,
            "crps": None,
        }
        if ensemble is not None:
            values = outcome_years(ensemble, spec.what)
            by_year = {int(y): float((values == y).mean()) for y in np.unique(values[values > 0])}
            never = ensemble.inputs.steps[-1].year + 1
            outcome.update(
                probability_by_end=float((values > 0).mean()),
                mode_year=max(by_year, key=lambda y: (by_year[y], -y)) if by_year else None,
                brier=metrics.brier(by_year, first, last),
                crps=metrics.crps_years(by_year, first, last, never),
            )
        outcomes.append(outcome)
    return outcomes


def _number(value: float) -> float | None:
    """A score, or None where it is undefined (JSON has no NaN)."""
    return None if np.isnan(value) else value


def read_external_index(path: Path) -> dict[int, float]:
    """A user's yearly index: a CSV of ``period,value`` rows, one per year.

    A period is a year (``1969``); a value is a finite number. A blank cell, a repeated
    year or anything else is refused with the line it stands on.
    """
    if not path.is_file():
        raise InputError("no such file", Location(str(path)), "a CSV of period,value")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", Location(str(path)), "UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=None))  # \r, \n or \r\n ends a line
    result: dict[int, float] = {}
    try:
        if [cell.strip() for cell in next(reader, [])] != ["period", "value"]:
            raise InputError("wrong columns", Location(str(path), 1), "period,value")
        for row in reader:
            where = Location(str(path), reader.line_num)
            year = row[0].strip() if len(row) == 2 else ""
            try:
                number_value = float(row[1]) if len(row) == 2 else float("nan")
            except ValueError:
                number_value = float("nan")
            if not (len(year) == 4 and year.isdigit()) or not np.isfinite(number_value):
                shown = ",".join(row)
                raise InputError(f"bad row {shown!r}", where, "a year and a finite number")
            if int(year) in result:
                raise InputError(f"year {year} again", where, "one row per year")
            result[int(year)] = number_value
    except csv.Error as exc:
        raise InputError(
            f"unreadable CSV: {exc}", Location(str(path), reader.line_num), "period,value"
        ) from None
    return result
