"""parley's one facade: the functions that the command line and the web app call.

Each returns plain data (DataFrames, lists, dicts); formatting belongs to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

import numpy as np
import pandas as pd

from parley.compare import metrics
from parley.errors import CorpusError, InputError, Location, QueryError
from parley.experiments.counterfactual import paired_differences
from parley.experiments.ensemble import Ensemble, apply_overrides, run_ensemble
from parley.experiments.summary import (
    first_clash_years,
    settlement_years,
    summarize,
    yearly_relation,
)
from parley.model import bargaining
from parley.model.bargaining import EUOptions
from parley.record import dates as _dates
from parley.record import load as _load
from parley.record import provenance, query
from parley.record.load import Problem
from parley.record.query import Period, RecordTables
from parley.scenario import load as _scenario
from parley.scenario.schema import Scenario
from parley.scenario.spatial import InputFormat, SpatialProblem, read_problem
from parley.yamlfile import Problem as YamlProblem

__all__ = [
    "MODELS",
    "BargainResult",
    "CheckReport",
    "EUOptions",
    "bargain",
    "check_record",
    "check_scenario",
    "cite",
    "compare_scenario",
    "counterfactual",
    "eu_options",
    "list_scenarios",
    "load_record",
    "load_scenario",
    "record_claims",
    "record_events",
    "record_index",
    "record_timeline",
    "run_scenario",
    "scenario_schema",
]

PathLike = Path | str


def load_record(directory: PathLike | None = None) -> RecordTables:
    """The record as DataFrames (``.events``, ``.claims``, ``.actors``, ...).

    With no ``directory``, the built-in Sino-Soviet record. Raises RecordError if any
    file is malformed.
    """
    return query.tables(_load.load_record(directory))


@dataclass(frozen=True)
class CheckReport:
    """What ``parley record check`` found."""

    problems: tuple[Problem, ...]
    counts: dict[str, int]
    hashes_checked: bool

    @property
    def ok(self) -> bool:
        return not self.problems


def check_record(directory: PathLike | None = None, corpus: PathLike | None = None) -> CheckReport:
    """Validate a record folder; with ``corpus``, recompute every hash from the texts."""
    record, problems = _load.read_record(directory)
    if corpus is not None:
        folder = Path(corpus)
        if not folder.is_dir():
            raise CorpusError("no such corpus folder", Location(str(folder)), "a folder of texts")
        problems = problems + provenance.check_corpus(record, folder)
    counts = {
        "sources": len(record.sources),
        "actors": len(record.actors),
        "issues": len(record.issues),
        "events": len(record.events),
        "claims": len(record.claims),
        "passages": sum(1 for _ in record.citations()),
    }
    return CheckReport(tuple(problems), counts, corpus is not None)


def record_events(
    start: str | None = None,
    end: str | None = None,
    actor: str | None = None,
    issue: str | None = None,
    directory: PathLike | None = None,
) -> pd.DataFrame:
    """Events overlapping ``[start, end]`` (EDTF), optionally by actor and issue."""
    data = load_record(directory)
    return query.query_events(data, start=start, end=end, actor=actor, issue=issue)


def record_index(by: Period = "year", directory: PathLike | None = None) -> pd.DataFrame:
    """The record's PRC-USSR index per year, quarter or month, 1949-1991."""
    return query.record_index(load_record(directory), by=by)


def record_claims(directory: PathLike | None = None) -> list[dict[str, Any]]:
    """Contested claims, each with its alternatives, holders and passages."""
    return query.claims_list(load_record(directory))


def record_timeline(directory: PathLike | None = None) -> dict[str, Any]:
    """The record as TimelineJS JSON."""
    return query.timeline(load_record(directory))


def cite(
    corpus: PathLike, source_id: str, words: str, *, sentence: bool = True
) -> list[provenance.Match]:
    """Where ``words`` occur in a source of the built-in record, as passages to cite."""
    record = _load.load_record()
    sources = {source.id: source for source in record.sources}
    if source_id not in sources:
        known = ", ".join(sorted(sources))
        raise QueryError(f"unknown source {source_id!r}", hint=f"one of {known}")
    text = provenance.read_source(Path(corpus), sources[source_id])
    return provenance.find_spans(text, source_id, words, sentence=sentence)


MODELS = ("median", "compromise", "eu")
ModelName = Literal["median", "compromise", "eu", "all"]


@dataclass(frozen=True)
class BargainResult:
    """Forecasts per model and dimension, and (on request) the EU model's trace.

    ``forecasts`` has the columns ``model, dimension, forecast, weighted_mean, runs,
    mean, median, p05, p95``: for the EU model, ``forecast`` is the median over runs of
    each run's final Condorcet median, and the last four describe its distribution. The
    trace has ``dimension, run, round, actor, position, risk``, one row per actor and
    round (round 0 is the input); ``risk`` is the exponent the actor used in that round.
    Positions are on the input's scale.
    """

    problem: SpatialProblem
    forecasts: pd.DataFrame
    trace: pd.DataFrame | None
    options: EUOptions
    rounds: int
    runs: int
    seed: int


def bargain(
    problem: SpatialProblem | PathLike,
    model: ModelName = "all",
    *,
    rounds: int = 10,
    runs: int = 1,
    seed: int = 0,
    trace: bool = False,
    options: EUOptions | None = None,
    input_format: InputFormat | None = None,
) -> BargainResult:
    """Forecast a bargaining problem with the median, compromise and/or EU models.

    ``problem`` is a :class:`SpatialProblem` or a CSV file (KTAB, tidy or BDM). Each
    dimension is bargained on its own. Runs draw their random numbers from
    ``numpy.random.SeedSequence(seed).spawn(runs)``, so a run's result does not depend
    on how many runs there are.
    """
    spatial = (
        problem if isinstance(problem, SpatialProblem) else read_problem(problem, input_format)
    )
    if model not in (*MODELS, "all"):
        raise InputError(
            f"unknown model {model!r}", Location("--model"), "eu, compromise, median or all"
        )
    if rounds < 1 or runs < 1:
        raise InputError("rounds and runs must be 1 or more", Location("--rounds/--runs"), "N >= 1")
    opts = options or EUOptions()
    chosen = MODELS if model == "all" else (model,)
    rows: list[dict[str, Any]] = []
    traces: list[pd.DataFrame] = []
    c = spatial.capability
    n = len(spatial.actors)
    randomness = _draws(seed, runs, len(spatial.dimensions), rounds, n) if opts.stochastic else None
    for d, dimension in enumerate(spatial.dimensions):
        low, high = spatial.scales[d]
        x0 = (spatial.positions[:, d] - low) / (high - low)
        s = spatial.salience[:, d]
        w = (c * s)[None, :]

        outer = _to_scale(low, high)
        if "median" in chosen:
            rows.append(_row("median", dimension, outer(bargaining.median(x0[None], w))))
        if "compromise" in chosen:
            rows.append(_row("compromise", dimension, outer(bargaining.compromise(x0[None], w))))
        if "eu" in chosen:
            draws = saliences = None
            if randomness is not None:
                draws = randomness[:, d, 0] if opts.resolution == "stochastic" else None
                saliences = randomness[:, d, 1] if opts.salience == "redraw" else None
            result = bargaining.run_eu(
                np.repeat(x0[None], runs, axis=0),
                np.repeat(c[None], runs, axis=0),
                np.repeat(s[None], runs, axis=0),
                rounds,
                opts,
                draws,
                saliences,
            )
            final = result.positions[:, -1, :]
            weights = np.repeat(w, runs, axis=0)
            rows.append(
                _row(
                    "eu",
                    dimension,
                    outer(bargaining.median(final, weights)),
                    outer(bargaining.compromise(final, weights)),
                )
            )
            if trace:
                traces.append(
                    _trace_frame(spatial, dimension, outer(result.positions), result.risk)
                )
    forecasts = pd.DataFrame(rows)
    return BargainResult(
        spatial,
        forecasts,
        pd.concat(traces, ignore_index=True) if trace and traces else None,
        opts,
        rounds,
        runs,
        seed,
    )


def _to_scale(low: float, high: float) -> Any:
    """Map normalised positions back onto the input's scale."""

    def outer(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.asarray(low + values * (high - low), dtype=float)

    return outer


def _draws(seed: int, runs: int, dims: int, rounds: int, n: int) -> np.ndarray[Any, Any]:
    """Per run: U(0, 1) numbers shaped (dims, 2, rounds, actors), from the run's own seed."""
    children = np.random.SeedSequence(seed).spawn(runs)
    return np.stack(
        [
            np.random.Generator(np.random.PCG64(child)).random((dims, 2, rounds, n))
            for child in children
        ]
    )


def _row(
    model: str,
    dimension: str,
    per_run: np.ndarray[Any, Any],
    weighted_mean: np.ndarray[Any, Any] | None = None,
) -> dict[str, Any]:
    middle = float(np.median(per_run))
    return {
        "model": model,
        "dimension": dimension,
        "forecast": middle,
        "weighted_mean": float(np.mean(weighted_mean)) if weighted_mean is not None else None,
        "runs": len(per_run),
        "mean": float(np.mean(per_run)),
        "median": middle,
        "p05": float(np.quantile(per_run, 0.05)),
        "p95": float(np.quantile(per_run, 0.95)),
    }


def _trace_frame(
    problem: SpatialProblem,
    dimension: str,
    positions: np.ndarray[Any, Any],
    risk: np.ndarray[Any, Any],
) -> pd.DataFrame:
    runs, steps, n = positions.shape
    padded = np.concatenate([risk, np.full((runs, 1, n), np.nan)], axis=1)
    run, step, actor = np.meshgrid(np.arange(runs), np.arange(steps), np.arange(n), indexing="ij")
    return pd.DataFrame(
        {
            "dimension": dimension,
            "run": run.ravel(),
            "round": step.ravel(),
            "actor": np.asarray(problem.actors, dtype=object)[actor.ravel()],
            "position": positions.ravel(),
            "risk": padded.ravel(),
        }
    )


def eu_options(**choices: Any) -> EUOptions:
    """EUOptions from keyword choices, with a one-line error naming a bad value."""
    hints = get_type_hints(EUOptions)
    for name, value in choices.items():
        if name not in hints:
            raise InputError(f"unknown EU option {name!r}", Location(name), ", ".join(hints))
        allowed = get_args(hints[name])
        if allowed and value not in allowed:
            flag = "--" + name.replace("_", "-")
            raise InputError(
                f"{value!r} is not a choice", Location(flag), " or ".join(map(str, allowed))
            )
    return EUOptions(**choices)


def load_scenario(scenario: PathLike) -> Scenario:
    """A built-in scenario by name (``sino-soviet``) or a scenario file, validated."""
    return _scenario.load_scenario(scenario)


def check_scenario(scenario: PathLike) -> tuple[Scenario | None, list[YamlProblem]]:
    """Every problem of a scenario, each located in its file."""
    return _scenario.read_scenario(scenario)


def list_scenarios() -> list[dict[str, str]]:
    """The built-in scenarios: name, title and period."""
    rows = []
    for name in _scenario.builtin_scenarios():
        scenario = _scenario.load_scenario(name)
        period = f"{scenario.start} to {scenario.end}, by {scenario.step}"
        rows.append({"name": name, "title": scenario.title, "period": period})
    return rows


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors."""
    schema: dict[str, Any] = Scenario.model_json_schema()
    return schema


def run_scenario(
    scenario: PathLike | Scenario,
    runs: int = 100,
    seed: int = 0,
    overrides: tuple[str, ...] = (),
    chunk: int | None = None,
) -> Ensemble:
    """Run a scenario (a built-in name, a file, or a Scenario) ``runs`` times from ``seed``."""
    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if overrides:
        model = apply_overrides(model, overrides)
    return run_ensemble(model, runs, seed, chunk)


def run_summary(ensemble: Ensemble) -> dict[str, Any]:
    """The summary of an ensemble: relation by year, first clash, agreements, talks."""
    return summarize(ensemble)


# The dated outcomes the record gives, and the record events that date them.
OUTCOMES = {
    "first-armed-clash": ("clash", "ev-1969-03-zhenbao-clashes"),
    "eastern-border-agreement": ("border-eastern", "ev-1991-05-16-eastern-agreement"),
}


def compare_scenario(
    ensemble: Ensemble,
    calibrate_until: int = 1979,
    index: PathLike | None = None,
    first_year: int = 1950,
    last_year: int = 1991,
) -> dict[str, Any]:
    """Score an ensemble against the record: rank and sign of yearly R, Brier of outcomes."""
    record = load_record()
    observed_index = query.record_index(record, by="year")
    observed = {
        int(p): float(v)
        for p, v in zip(observed_index["period"], observed_index["net_goldstein"], strict=True)
    }
    yearly = {year: float(np.median(values)) for year, values in yearly_relation(ensemble).items()}
    years = [y for y in range(first_year, last_year + 1) if y in yearly and y in observed]

    def scores(span: list[int], series: dict[int, float]) -> dict[str, float]:
        model = [yearly[y] for y in span]
        truth = [series[y] for y in span]
        return {
            "spearman": metrics.spearman(model, truth),
            "sign_agreement": metrics.sign_agreement(model, truth),
            "years": len(span),
        }

    events = {event.id: event for event in record.record.events}
    outcomes: list[dict[str, Any]] = []
    for name, (what, event_id) in OUTCOMES.items():
        observed_year = _dates.bounds(events[event_id].date)[0].year
        values = (
            first_clash_years(ensemble) if what == "clash" else settlement_years(ensemble, what)
        )
        predicted = {int(y): float((values == y).mean()) for y in np.unique(values[values > 0])}
        outcomes.append(
            {
                "name": name,
                "observed": observed_year,
                "record_event": event_id,
                "predicted": predicted,
                "probability_by_1991": float((values > 0).mean()),
                "brier": metrics.brier(predicted, observed_year),
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
            "outcomes": [o["name"] for o in outcomes if o["observed"] <= calibrate_until],
        },
        "out_of_sample": {
            **scores(outside, observed),
            "outcomes": [o["name"] for o in outcomes if o["observed"] > calibrate_until],
        },
    }
    if index is not None:
        external = _external_index(Path(index))
        common = [y for y in range(first_year, last_year + 1) if y in yearly and y in external]
        result["external"] = scores(common, external)
    return result


def _external_index(path: Path) -> dict[int, float]:
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


def counterfactual(
    scenario: PathLike | Scenario, overrides: tuple[str, ...], runs: int = 100, seed: int = 0
) -> dict[str, Any]:
    """The scenario with and without ``overrides``, on paired seeds, and the differences."""
    if not overrides:
        raise InputError(
            "a counterfactual needs at least one --set", Location("--set"), "PATH=VALUE"
        )
    base = run_scenario(scenario, runs, seed)
    changed = run_scenario(base.scenario, runs, seed, overrides)
    return {
        "scenario": base.scenario.name,
        "runs": runs,
        "seed": seed,
        "interventions": list(overrides),
        "differences": paired_differences(base, changed),
    }
