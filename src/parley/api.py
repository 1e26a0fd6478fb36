"""parley's one facade: the functions that the command line and the web app call.

Each returns plain data (DataFrames, lists, dicts); formatting belongs to the caller.

Importing this module is quick (the command line starts in a fraction of a second): it
loads nothing but the standard library and :mod:`parley.errors`. Each function imports
what it needs (NumPy, pandas, DuckDB, pydantic, the simulator, SALib, matplotlib,
FastAPI) when it is called, and the names re-exported from other modules (``bargain``,
``EUOptions``, ``Scenario``, ``apply_overrides``...) are loaded on first use.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_type_hints

from parley import __version__
from parley.errors import (
    CorpusError,
    InputError,
    Location,
    MissingExtraError,
    OutputError,
    ParleyError,
    QueryError,
)

if TYPE_CHECKING:
    import pandas as pd

    from parley.experiments.bargain import (
        MODELS,
        BargainResult,
        Forecast,
        bargain,
        forecast,
        trace_frame,
    )
    from parley.experiments.ensemble import Ensemble, apply_overrides
    from parley.experiments.sensitivity import Sensitivity
    from parley.model.bargaining import EUOptions
    from parley.record.load import Problem
    from parley.record.provenance import Match
    from parley.record.query import Period, RecordTables
    from parley.report.bargain import write_bargain
    from parley.scenario.schema import Scenario
    from parley.scenario.spatial import Outcome, SpatialProblem, read_outcomes, read_problem
    from parley.scoring.outcomes import Evaluation, evaluate, parse_combination, score_outcomes
    from parley.scoring.placebo import Placebo
    from parley.scoring.record import SCORE_NAMES, SCORES, score_rows
    from parley.yamlfile import Problem as YamlProblem
else:
    # Re-exported from heavier modules, and loaded on first use (PEP 562).
    _LAZY = {
        "MODELS": "parley.experiments.bargain",
        "BargainResult": "parley.experiments.bargain",
        "Forecast": "parley.experiments.bargain",
        "bargain": "parley.experiments.bargain",
        "forecast": "parley.experiments.bargain",
        "trace_frame": "parley.experiments.bargain",
        "EUOptions": "parley.model.bargaining",
        "Outcome": "parley.scenario.spatial",
        "SpatialProblem": "parley.scenario.spatial",
        "read_outcomes": "parley.scenario.spatial",
        "read_problem": "parley.scenario.spatial",
        "score_outcomes": "parley.scoring.outcomes",
        "Evaluation": "parley.scoring.outcomes",
        "evaluate": "parley.scoring.outcomes",
        "parse_combination": "parley.scoring.outcomes",
        "write_bargain": "parley.report.bargain",
        "SCORES": "parley.scoring.record",
        "SCORE_NAMES": "parley.scoring.record",
        "score_rows": "parley.scoring.record",
        "apply_overrides": "parley.experiments.ensemble",
        "Sensitivity": "parley.experiments.sensitivity",
        "RecordTables": "parley.record.query",
        "Scenario": "parley.scenario.schema",
    }

    def __getattr__(name: str) -> Any:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "EXTRAS",
    "MODELS",
    "PLACEBO_YEARS",
    "SCORES",
    "SCORE_NAMES",
    "BargainResult",
    "Calibration",
    "CheckReport",
    "EUOptions",
    "Evaluation",
    "Execution",
    "Forecast",
    "InputError",
    "Location",
    "MissingExtraError",
    "Outcome",
    "OutputError",
    "ParleyError",
    "RecordTables",
    "Scenario",
    "Sensitivity",
    "SpatialProblem",
    "__version__",
    "apply_overrides",
    "bargain",
    "calibrate",
    "check_output_file",
    "check_record",
    "check_scenario",
    "cite",
    "compare",
    "corpus_texts",
    "counterfactual",
    "describe_date",
    "describe_source",
    "eu_options",
    "evaluate",
    "forecast",
    "frame_records",
    "index_lines",
    "json_ready",
    "list_scenarios",
    "load_record",
    "load_scenario",
    "new_scenario",
    "output_folder",
    "parameters",
    "parse_combination",
    "placebo_runs",
    "query_claims",
    "query_events",
    "read_index",
    "read_outcomes",
    "read_params",
    "read_problem",
    "record_claims",
    "record_events",
    "record_index",
    "record_timeline",
    "report",
    "require_extra",
    "run",
    "run_summary",
    "scenario_record",
    "scenario_schema",
    "score_outcomes",
    "score_rows",
    "sensitivity",
    "trace_frame",
    "write_bargain",
    "write_report",
]

PathLike = Path | str

EXTRAS: dict[str, tuple[str, ...]] = {
    "web": ("fastapi", "uvicorn"),
    "plots": ("matplotlib",),
    "sensitivity": ("SALib",),
    "dask": ("distributed",),
}
"""The optional extras (``pip install 'parley[NAME]'``) and the packages each brings:
the web app, figures (the report, the sensitivity plot), SALib's sampling (sensitivity
and calibration), and Dask clusters. ``all`` installs every one of them."""


def require_extra(extra: str, command: str, what: str) -> None:
    """Raise MissingExtraError (``COMMAND: WHAT needs the 'EXTRA' extra: pip install
    'parley[EXTRA]'``) unless every package of the optional ``extra`` is installed.
    Nothing is imported: the check is quick."""
    if any(importlib.util.find_spec(package) is None for package in EXTRAS[extra]):
        raise MissingExtraError(
            f"{what} needs the '{extra}' extra: pip install 'parley[{extra}]'", Location(command)
        )


def load_record(directory: PathLike | None = None) -> RecordTables:
    """The record as DataFrames (``.events``, ``.claims``, ``.actors``, ...).

    ``directory`` is a record folder or a built-in record's name; with none, the first
    built-in record. Raises RecordError if any file is malformed.
    """
    from parley.record import load, query

    return query.tables(load.load_record(directory))


def scenario_record(scenario: Scenario) -> RecordTables | None:
    """The record a scenario is scored against, or None if it names none."""
    return None if scenario.record is None else load_record(scenario.record)


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
    from parley.record import load, provenance

    record, problems = load.read_record(directory)
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
    from parley.record import query

    data = load_record(directory)
    return query.query_events(data, start=start, end=end, actor=actor, issue=issue)


def query_events(
    record: RecordTables,
    start: str | None = None,
    end: str | None = None,
    actor: str | None = None,
    issue: str | None = None,
) -> pd.DataFrame:
    """As ``record_events``, over a record already loaded by ``load_record``."""
    from parley.record import query

    return query.query_events(record, start=start, end=end, actor=actor, issue=issue)


def query_claims(record: RecordTables) -> list[dict[str, Any]]:
    """As ``record_claims``, over a record already loaded by ``load_record``."""
    from parley.record import query

    return query.claims_list(record)


def describe_date(date: str) -> str:
    """An EDTF date in words: ``March 1969``, ``c. 1969``, ``the 1960s``, ``by summer 1964``."""
    from parley.record.dates import describe

    return describe(date)


def record_index(by: Period = "year", directory: PathLike | None = None) -> pd.DataFrame:
    """The record's index per year, quarter or month, between the dyad its ``record.yaml``
    names, over the years it covers."""
    from parley.record import query

    return query.record_index(load_record(directory), by=by)


def record_claims(directory: PathLike | None = None) -> list[dict[str, Any]]:
    """Contested claims, each with its alternatives, holders and passages."""
    from parley.record import query

    return query.claims_list(load_record(directory))


def record_timeline(directory: PathLike | None = None) -> dict[str, Any]:
    """The record as TimelineJS JSON."""
    from parley.record import query

    return query.timeline(load_record(directory))


def cite(
    corpus: PathLike,
    source_id: str,
    words: str,
    *,
    sentence: bool = True,
    directory: PathLike | None = None,
) -> list[Match]:
    """Where ``words`` occur in a source of a record, as passages to cite."""
    from parley.record import load, provenance

    record, _problems = load.read_record(directory)
    sources = {source.id: source for source in record.sources}
    if source_id not in sources:
        known = ", ".join(sorted(sources))
        raise QueryError(f"unknown source {source_id!r}", hint=f"one of {known}")
    text = provenance.read_source(Path(corpus), sources[source_id])
    return provenance.find_spans(text, source_id, words, sentence=sentence)


def describe_source(path: PathLike) -> dict[str, Any]:
    """A text's file name, sha256 and length in code points: the fields of a source entry
    that come from the text itself."""
    import hashlib

    file = Path(path)
    if not file.is_file():
        raise InputError("no such file", Location(str(file)), "a UTF-8 text file")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", Location(str(file))) from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {"file": file.name, "sha256": digest, "length": len(text)}


def new_scenario(path: PathLike) -> Path:
    """Write a small, commented, runnable scenario of a two-state dispute to ``path``
    (which must not exist yet), to edit into one's own."""
    from importlib.resources import files

    from parley.files import atomic_text

    target = Path(path)
    if target.exists():
        raise InputError("the file is already there", Location(str(target)), "a new file")
    text = files("parley").joinpath("data", "templates", "new-scenario.yaml").read_text("utf-8")
    atomic_text(target, text)
    return target


def corpus_texts(record: RecordTables, corpus: PathLike) -> dict[str, str]:
    """The text of each of the record's sources, by source id, read from the ``corpus``
    folder once every passage's hash has been checked against it; the first problem
    found (a missing text, a hash that does not match) is raised as a ParleyError."""
    from parley.record import provenance

    folder = Path(corpus)
    problems = provenance.check_corpus(record.record, folder)
    if problems:
        raise ParleyError(str(problems[0].message), problems[0].location)
    return {source.id: provenance.read_source(folder, source) for source in record.record.sources}


def eu_options(**choices: Any) -> EUOptions:
    """EUOptions from keyword choices, with a one-line error naming a bad value."""
    from parley.model.bargaining import EUOptions

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
    """A built-in scenario by name (``parley scenarios`` lists them) or a scenario file,
    validated."""
    from parley.scenario import load

    return load.load_scenario(scenario)


def check_scenario(scenario: PathLike) -> tuple[Scenario | None, list[YamlProblem]]:
    """Every problem of a scenario, each located in its file."""
    from parley.scenario import load

    return load.read_scenario(scenario)


def list_scenarios() -> list[dict[str, str]]:
    """The built-in scenarios: name, title and period."""
    from parley.scenario import load

    rows = []
    for name in load.builtin_scenarios():
        scenario = load.load_scenario(name)
        period = f"{scenario.start} to {scenario.end}, by {scenario.step}"
        rows.append({"name": name, "title": scenario.title, "period": period})
    return rows


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors."""
    from parley.scenario.schema import Scenario

    schema: dict[str, Any] = Scenario.model_json_schema()
    return schema


@dataclass(frozen=True)
class Execution:
    """Where and how an ensemble runs; none of it changes a result.

    ``workers`` local processes (1: this process), or the Dask scheduler at
    ``scheduler``; ``out`` a folder for the tables, chunk files and run catalog, which
    ``resume`` continues; ``progress`` is called with (runs done, runs in all).
    """

    workers: int | None = 1
    scheduler: str | None = None
    out: Path | None = None
    resume: bool = False
    progress: Callable[[int, int], None] | None = None


def run(
    scenario: PathLike | Scenario,
    runs: int = 100,
    seed: int = 0,
    overrides: tuple[str, ...] = (),
    chunk: int | None = None,
    execution: Execution | None = None,
) -> Ensemble:
    """Run a scenario (a built-in name, a file, or a Scenario) ``runs`` times from ``seed``."""
    from parley.experiments.ensemble import apply_overrides, run_ensemble
    from parley.experiments.executors import open_executor
    from parley.experiments.store import RunStore
    from parley.scenario.schema import Scenario

    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if overrides:
        model = apply_overrides(model, overrides)
    how = execution or Execution()
    store = None if how.out is None else RunStore(how.out, how.resume)
    with open_executor(how.workers, how.scheduler) as executor:
        return run_ensemble(model, runs, seed, chunk, executor, store, overrides, how.progress)


def run_summary(ensemble: Ensemble) -> dict[str, Any]:
    """The summary of an ensemble: relation by year, first clash, agreements, talks."""
    from parley.experiments.summary import summarize

    return summarize(ensemble)


PLACEBO_YEARS = (-5, 5)
"""How far the placebo moves every shock, each way."""


def compare(
    ensemble: Ensemble,
    calibrate_until: int | None = None,
    index: PathLike | None = None,
    placebo: bool = True,
    chunk: int | None = None,
    execution: Execution | None = None,
) -> dict[str, Any]:
    """Score an ensemble against its scenario's record, beside naive baselines and (unless
    ``placebo`` is False) the placebo: the scenario with every shock moved five years
    earlier and later, run with the same runs and seed (``chunk`` and ``execution`` as
    for ``run``). The model's yearly index per era, in and out of sample (split
    at ``calibrate_until``, by default the scenario's), and the dated outcomes; with
    ``index``, against the user's series too. A scenario with no record has ``"record"``
    None, and only ``index`` is scored."""
    from parley.scoring.record import compare_to_record

    record = scenario_record(ensemble.scenario)
    placebos = placebo_runs(ensemble, chunk, execution) if placebo else []
    return compare_to_record(ensemble, record, calibrate_until, index, placebos=placebos)


def read_index(path: PathLike) -> dict[int, float]:
    """A user's yearly index (a CSV of ``period,value``), by year; a bad row is an
    InputError naming its line. Read it before running anything, to fail early."""
    from parley.scoring.record import read_external_index

    return read_external_index(Path(path))


def placebo_runs(
    ensemble: Ensemble, chunk: int | None = None, execution: Execution | None = None
) -> list[tuple[Placebo, Ensemble | None]]:
    """The ensemble's scenario with every shock moved by each of ``PLACEBO_YEARS``, each
    run with the ensemble's runs and seed (None for a placebo that cannot run: see
    ``Placebo.problem``). Nothing is stored: ``execution.out`` is not used."""
    from parley.scoring.placebo import shift_shocks

    how = dataclasses.replace(execution or Execution(), out=None, resume=False)
    runs = int(ensemble.outputs.relation.shape[0])
    found: list[tuple[Placebo, Ensemble | None]] = []
    for years in PLACEBO_YEARS:
        shifted = shift_shocks(ensemble.scenario, years)
        if shifted.problem is not None:
            found.append((shifted, None))
            continue
        found.append((shifted, run(shifted.scenario, runs, ensemble.seed, (), chunk, how)))
    return found


def report(
    scenario: PathLike | Scenario,
    runs: int = 100,
    seed: int = 0,
    overrides: tuple[str, ...] = (),
    index: PathLike | None = None,
    chunk: int | None = None,
    execution: Execution | None = None,
) -> str:
    """The self-contained HTML report of a scenario: its runs against the record and, with
    ``overrides``, the counterfactual on paired seeds."""
    from parley.experiments.counterfactual import paired_differences
    from parley.experiments.summary import summarize
    from parley.report.html import ReportInputs, render
    from parley.scoring.record import (
        compare_to_record,
        read_external_index,
        yearly_index,
    )

    external = None if index is None else read_external_index(Path(index))
    base = run(scenario, runs, seed, (), chunk, execution)
    record = scenario_record(base.scenario)
    scores = None
    if record is not None or index is not None:
        placebos = placebo_runs(base, chunk, execution) if record is not None else []
        scores = compare_to_record(base, record, index=index, placebos=placebos)
    intervention = differences = None
    if overrides:
        intervention = run(base.scenario, runs, seed, overrides, chunk, execution)
        differences = paired_differences(base, intervention)
    return render(
        ReportInputs(
            ensemble=base,
            summary=summarize(base),
            scores=scores,
            record=record,
            record_index=None if record is None else yearly_index(record, base.scenario),
            external=external,
            intervention=intervention,
            overrides=overrides,
            differences=differences or (),
        )
    )


def counterfactual(
    scenario: PathLike | Scenario,
    overrides: tuple[str, ...],
    runs: int = 100,
    seed: int = 0,
    chunk: int | None = None,
    execution: Execution | None = None,
) -> dict[str, Any]:
    """The scenario with and without ``overrides``, on paired seeds, and the differences;
    ``no_change`` is None, or, when no measure moved in any run, a sentence saying so and
    why."""
    from parley.experiments.counterfactual import no_change, paired_differences
    from parley.experiments.summary import summarize

    if not overrides:
        raise InputError(
            "a counterfactual needs at least one --set", Location("--set"), "PATH=VALUE"
        )
    base = run(scenario, runs, seed, (), chunk, execution)
    changed = run(base.scenario, runs, seed, overrides, chunk, execution)
    return {
        "scenario": base.scenario.name,
        "runs": runs,
        "seed": seed,
        "interventions": list(overrides),
        "differences": paired_differences(base, changed),
        "no_change": no_change(base, changed, overrides),
        "baseline": summarize(base),
        "intervention": summarize(changed),
    }


def index_lines(ensemble: Ensemble) -> dict[str, Any]:
    """The yearly lines of a chart of the index, on one scale: the model's median and 5-95%
    of runs, the record's index, and the persistence and trend baselines, per year."""
    from parley.scoring.lines import index_lines as lines

    return lines(ensemble, scenario_record(ensemble.scenario))


def parameters() -> pd.DataFrame:
    """Every parameter of the dynamic model: name, default, low, high, meaning, source."""
    import pandas as pd

    from parley.scenario.parameters import SPECS

    return pd.DataFrame(
        [{"name": name, **dataclasses.asdict(spec)} for name, spec in SPECS.items()]
    )


def read_params(path: PathLike) -> tuple[str, ...]:
    """A parameter overlay (as ``calibrate`` writes it), each value checked against its
    documented range, as overrides: ``parameters.NAME=VALUE``, one per parameter."""
    from parley.experiments.calibrate import read_overlay

    return tuple(f"parameters.{k}={v!r}" for k, v in read_overlay(Path(path)).items())


def check_output_file(path: PathLike) -> Path:
    """``path`` as a file to write, checked before the work that makes it: its folder
    exists and it is not itself a folder (an OutputError otherwise)."""
    from parley.files import check_target

    return check_target(Path(path))


def output_folder(path: PathLike) -> Path:
    """``path`` as a folder for results, made if need be, checked before the work that
    fills it (an OutputError if a file is in its place or it cannot be made)."""
    from parley.files import output_folder as folder

    return folder(Path(path))


def write_report(page: str, out: PathLike) -> None:
    """Write a report's page to ``out``; the file is replaced only once it is complete."""
    from parley.files import atomic_text

    atomic_text(Path(out), page)


def sensitivity(
    scenario: PathLike | Scenario,
    method: str = "morris",
    names: Sequence[str] | None = None,
    samples: int = 10,
    runs: int = 50,
    seed: int = 0,
    overrides: Sequence[str] = (),
    out: PathLike | None = None,
    execution: Execution | None = None,
) -> Sensitivity:
    """Which parameters (``names``, or all) move the outputs most: Morris screening or
    Sobol indices (SALib) over the parameters' documented ranges, ``runs`` runs per
    sample, each measured against the scenario's record (``compare.fit.sample_metrics``).
    With ``out`` (a new or empty folder), the samples and indices are written there as
    Parquet, and a figure as ``sensitivity.png``."""
    from parley.experiments import sensitivity as sa
    from parley.experiments.executors import open_executor
    from parley.experiments.store import write_tables
    from parley.files import atomic_write, new_output_folder
    from parley.scoring.fit import sample_metrics
    from parley.scoring.record import yearly_index

    model = _scenario_with(scenario, overrides)
    record = scenario_record(model)
    folder = None if out is None else new_output_folder(Path(out))
    observed = {} if record is None else yearly_index(record, model)
    measure = functools.partial(sample_metrics, observed=observed)
    how = execution or Execution()
    with open_executor(how.workers, how.scheduler) as executor:
        result = sa.sensitivity(
            model, measure, method, names, samples, runs, seed, executor, how.progress
        )
    if folder is not None:
        from parley.report.figures import sensitivity_figure

        write_tables({"samples": result.samples, "indices": result.indices}, folder)
        atomic_write(folder / "sensitivity.png", lambda path: sensitivity_figure(result, path))
    return result


@dataclass(frozen=True)
class Calibration:
    """What ``calibrate`` found: ``scenario`` is the scenario it fitted, with its
    parameters as they were; ``summary`` holds ``scenario``, ``until``, the fitted
    ``parameters`` and their values ``before``, the ``in_sample_fit`` before and after,
    and the ``in_sample`` and ``out_of_sample`` scores against the record before and
    after."""

    scenario: Scenario
    summary: dict[str, Any]


def calibrate(
    scenario: PathLike | Scenario,
    until: int,
    budget: int = 40,
    names: Sequence[str] | None = None,
    runs: int = 50,
    seed: int = 0,
    overrides: Sequence[str] = (),
    out: PathLike | None = None,
    execution: Execution | None = None,
) -> Calibration:
    """Fit parameters (``names``, or all) to the scenario's record up to ``until`` only:
    ``budget`` Latin-hypercube samples of ``runs`` runs each, scored by
    ``compare.fit.fit`` on the record cut at ``until``. Only once the fit is done are the
    years after ``until`` looked at, to score the scenario before and after the fit.
    With ``out`` (a new file), the fitted parameters are written there as an overlay
    that ``read_params`` reads."""
    from parley.experiments import calibrate as cal
    from parley.experiments.executors import open_executor
    from parley.scoring.fit import fit, targets_until

    file = None if out is None else check_output_file(out)
    if file is not None and file.exists():
        raise InputError("the file is already there", Location(str(file)), "a new --out file")
    model = _scenario_with(scenario, overrides)
    record = scenario_record(model)
    if record is None:
        raise InputError(
            "the scenario names no record to calibrate to", Location(model.name, field="record")
        )
    score = functools.partial(fit, targets=targets_until(model, record, until))
    how = execution or Execution()
    with open_executor(how.workers, how.scheduler) as executor:
        found = cal.calibrate(model, score, names, budget, runs, seed, executor, how.progress)
    fitted = tuple(f"parameters.{k}={v!r}" for k, v in found["parameters"].items())
    scores = {
        label: compare(run(model, runs, seed, sets), until, placebo=False)
        for label, sets in (("before", ()), ("after", fitted))
    }
    from parley.model.params import Params

    before = Params.from_scenario(model).values()
    summary = {
        "scenario": model.name,
        "until": until,
        "parameters": found["parameters"],
        "before": {name: before[name] for name in found["parameters"]},
        "in_sample_fit": {"before": found["baseline_fit"], "after": found["fit"]},
        "out_of_sample": {k: v["record"]["out_of_sample"] for k, v in scores.items()},
        "in_sample": {k: v["record"]["in_sample"] for k, v in scores.items()},
    }
    if file is not None:
        header = [
            f"Fitted by parley calibrate {model.name} --until {until} --budget {budget} "
            f"--runs {runs} --seed {seed}",
            f"In-sample fit (to {until}): {found['baseline_fit']['fit']:.3f} before, "
            f"{found['fit']['fit']:.3f} after.",
        ]
        cal.write_overlay(file, found["parameters"], header)
    return Calibration(model, summary)


def _scenario_with(scenario: PathLike | Scenario, overrides: Sequence[str]) -> Scenario:
    """A scenario (a built-in name, a file, or a Scenario) with ``overrides`` applied."""
    from parley.experiments.ensemble import apply_overrides
    from parley.scenario.schema import Scenario

    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return apply_overrides(model, overrides) if overrides else model


def json_ready(data: Any) -> Any:
    """``data`` with every NaN or infinite number as None, and tuples as lists: what
    strict JSON (``allow_nan=False``) can hold. The faces call it on everything they
    print or send as JSON."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: json_ready(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [json_ready(value) for value in data]
    return data


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready records (dates as ISO strings, NaN as None)."""
    rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", date_format="iso"))
    return rows
