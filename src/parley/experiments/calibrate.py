"""Fit a scenario's parameters to a score, such as the record up to a year.

The search is plain: ``budget`` Latin-hypercube samples over the documented ranges, plus
the scenario's own values, each an ensemble of ``runs`` runs from the same seed; the best
fit wins. What a fit is comes from the caller (``parley.scoring.fit.fit`` on the record
cut at a year, ``Targets``), so that calibration sees nothing after the cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parley.budget import require
from parley.errors import InputError, Location
from parley.experiments.ensemble import ensemble_cost, run_ensemble
from parley.experiments.executors import Executor, Task, gather
from parley.experiments.sensitivity import Measure, parameter_problem, with_parameters
from parley.model.simulate import compile_inputs
from parley.scenario.parameters import SPECS
from parley.scenario.schema import Scenario
from parley.yamlfile import Problem, plain, read_yaml

__all__ = ["calibrate", "read_overlay", "write_overlay"]


def _fit_sample(
    scenario: Scenario, values: dict[str, float], runs: int, seed: int, score: Measure
) -> dict[str, float]:
    return score(run_ensemble(with_parameters(scenario, values), runs, seed))


def calibrate(
    scenario: Scenario,
    score: Measure,
    names: Sequence[str] | None = None,
    budget: int = 40,
    runs: int = 50,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Search the parameters for the best fit, by ``score``'s ``"fit"`` (higher is better:
    ``parley.scoring.fit.fit`` on the record cut at a year); report every candidate tried."""
    from SALib.sample import latin

    if budget < 1:
        raise InputError("the budget must be 1 or more", Location("--budget"), "N >= 1")
    cost = ensemble_cost(compile_inputs(scenario), runs).times(budget + 3)
    require(f"--budget {budget} --runs {runs}", cost)
    chosen = list(names or SPECS)
    problem = parameter_problem(chosen)
    own = [scenario.parameters.get(name, SPECS[name].default) for name in chosen]
    points = np.vstack([own, latin.sample(problem, budget, seed=seed)])
    candidates = [dict(zip(chosen, map(float, row), strict=True)) for row in points]
    tasks = [Task(_fit_sample, (scenario, values, runs, seed, score)) for values in candidates]
    fits: list[dict[str, float]] = gather(executor, tasks, progress)
    best = max(range(len(fits)), key=lambda n: (fits[n]["fit"], -n))
    return {
        "parameters": candidates[best],
        "fit": fits[best],
        "baseline_fit": fits[0],
        "tried": [values | fit for values, fit in zip(candidates, fits, strict=True)],
    }


def write_overlay(path: Path, values: dict[str, float], header: Sequence[str]) -> None:
    """A parameter overlay that ``--params FILE`` applies: comments, then ``parameters``."""
    from parley.files import atomic_text

    lines = [f"# {line}" for line in header] + ["parameters:"]
    lines += [f"  {name}: {value!r}" for name, value in values.items()]
    atomic_text(path, "\n".join(lines) + "\n")


def read_overlay(path: Path) -> dict[str, float]:
    """A parameter overlay's values, each checked against its documented range."""
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
        if name not in SPECS:
            raise InputError(f"no parameter {name!r}", where, "parley scenario parameters")
        low, high = SPECS[name].low, SPECS[name].high
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise InputError(f"{value!r} is not a number in [{low}, {high}]", where)
        result[str(name)] = float(value)
    return result
