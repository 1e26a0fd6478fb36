"""Fit a scenario's free parameters to the record up to a year, and to nothing after it.

The record is cut at the year before fitting starts: the fit sees only the yearly index
up to that year and the dated outcomes that happened by then (``Targets``), so a score
after it cannot leak in. The search is plain: ``budget`` Latin-hypercube samples over the
documented ranges, plus the scenario's own values, each an ensemble of ``runs`` runs from
the same seed; the best in-sample fit wins.

The fit is the Spearman correlation of the model's yearly index (the median over runs of
the net Goldstein value of its events, the record's own measure) with the record's yearly
index, minus half the mean Brier score of the outcomes (both then lie in [-1, 1]).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parley.compare import metrics
from parley.compare.record import OUTCOMES, yearly_index
from parley.errors import InputError, Location
from parley.experiments.ensemble import Ensemble, run_ensemble
from parley.experiments.executors import Executor, Task, gather
from parley.experiments.sensitivity import parameter_problem, with_parameters
from parley.experiments.summary import outcome_years, yearly_model_index
from parley.record import dates
from parley.record.query import RecordTables
from parley.scenario.schema import Scenario
from parley.yamlfile import Problem, plain, read_yaml

__all__ = ["Targets", "calibrate", "fit", "read_overlay", "targets_until", "write_overlay"]


@dataclass(frozen=True)
class Targets:
    """What the record says up to ``until``: the yearly index and the dated outcomes."""

    until: int
    index: dict[int, float]
    outcomes: tuple[tuple[str, str, int, int], ...]  # name, what, first and last year


def targets_until(scenario: Scenario, record: RecordTables, until: int) -> Targets:
    """The record cut at the end of ``until``."""
    index = {year: value for year, value in yearly_index(record).items() if year <= until}
    events = {event.id: event for event in record.record.events}
    outcomes = []
    for name, (what, event_id) in OUTCOMES.get(scenario.name, {}).items():
        if event_id in events:
            first, last = (day.year for day in dates.bounds(events[event_id].date))
            if last <= until:
                outcomes.append((name, what, first, last))
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


def _fit_sample(
    scenario: Scenario, values: dict[str, float], runs: int, seed: int, targets: Targets
) -> dict[str, float]:
    return fit(run_ensemble(with_parameters(scenario, values), runs, seed), targets)


def calibrate(
    scenario: Scenario,
    targets: Targets,
    names: Sequence[str] | None = None,
    budget: int = 40,
    runs: int = 50,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Search the parameters for the best in-sample fit; report every candidate tried."""
    from SALib.sample import latin

    if budget < 1:
        raise InputError("the budget must be 1 or more", Location("--budget"), "N >= 1")
    chosen = list(names or scenario.parameters)
    problem = parameter_problem(scenario, chosen)
    own = [scenario.parameters[name].value for name in chosen]
    points = np.vstack([own, latin.sample(problem, budget, seed=seed)])
    candidates = [dict(zip(chosen, map(float, row), strict=True)) for row in points]
    tasks = [Task(_fit_sample, (scenario, values, runs, seed, targets)) for values in candidates]
    fits: list[dict[str, float]] = gather(executor, tasks, progress)
    best = max(range(len(fits)), key=lambda n: (fits[n]["fit"], -n))
    return {
        "until": targets.until,
        "parameters": candidates[best],
        "fit": fits[best],
        "baseline_fit": fits[0],
        "tried": [values | fit for values, fit in zip(candidates, fits, strict=True)],
    }


def write_overlay(path: Path, values: dict[str, float], header: Sequence[str]) -> None:
    """A parameter overlay that ``--params FILE`` applies: comments, then ``parameters``."""
    from parley.experiments.store import atomic_write

    lines = [f"# {line}" for line in header] + ["parameters:"]
    lines += [f"  {name}: {value!r}" for name, value in values.items()]
    text = "\n".join(lines) + "\n"

    def write(temporary: str) -> None:
        Path(temporary).write_text(text, encoding="utf-8")

    atomic_write(path, write)


def read_overlay(path: Path, scenario: Scenario) -> dict[str, float]:
    """A parameter overlay's values, each checked against the scenario's ranges."""
    problems: list[Problem] = []
    document = read_yaml(path, problems, expect=dict, what="parameter file")
    if document is None:
        raise InputError(str(problems[0].message), problems[0].location, "a --params file")
    data = plain(document.root)
    values = data.get("parameters")
    if set(data) != {"parameters"} or not isinstance(values, dict):
        raise InputError(
            "expected only a mapping called parameters",
            Location(str(path), 1, 1),
            "parameters: {NAME: VALUE}",
        )
    result = {}
    for name, value in values.items():
        line, column = document.position(("parameters", name))
        where = Location(str(path), line, column, f"parameters.{name}")
        if name not in scenario.parameters:
            raise InputError(f"no parameter {name!r} in {scenario.name}", where)
        low, high = scenario.parameters[name].range
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise InputError(f"{value!r} is not a number in [{low}, {high}]", where)
        result[str(name)] = float(value)
    return result
