"""Global sensitivity of a scenario's outputs to its parameters, with SALib.

Parameters vary over their documented ranges (``parley.scenario.parameters.SPECS``).
Every sample is an ensemble of ``runs`` runs from the same seed (common random numbers),
so differences between samples come from the parameters, not from the draws. What is
measured on each sample is the caller's ``measure`` (``parley.scoring.fit.sample_metrics``
for the record's measures): a function of the ensemble, which must pickle so that a
sample can run in another process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parley.budget import require
from parley.errors import InputError, Location
from parley.experiments.ensemble import Ensemble, ensemble_cost, run_ensemble
from parley.experiments.executors import Executor, Task, gather
from parley.model.simulate import compile_inputs
from parley.scenario.parameters import SPECS
from parley.scenario.schema import Scenario

__all__ = [
    "METHODS",
    "Measure",
    "Sensitivity",
    "metrics_for",
    "parameter_problem",
    "sensitivity",
    "with_parameters",
]

METHODS = ("morris", "sobol")


Measure = Callable[[Ensemble], dict[str, float]]
"""What a sample's ensemble is scored by: metric name -> value."""


def with_parameters(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with some parameters set (each within its documented range)."""
    return scenario.model_copy(
        update={"parameters": {**scenario.parameters, **{k: float(v) for k, v in values.items()}}}
    )


def metrics_for(
    scenario: Scenario, values: dict[str, float], runs: int, seed: int, measure: Measure
) -> dict[str, float]:
    """The metrics of one sample: ``runs`` runs of the scenario with these parameter values."""
    return measure(run_ensemble(with_parameters(scenario, values), runs, seed))


@dataclass(frozen=True)
class Sensitivity:
    """Samples, their metrics, and the indices per metric and parameter."""

    method: str
    parameters: tuple[str, ...]
    samples: pd.DataFrame  # one row per sample: parameter values, then metrics
    indices: pd.DataFrame  # tidy: metric, parameter, then the method's indices


def parameter_problem(names: Sequence[str]) -> dict[str, Any]:
    """A SALib problem over the named parameters' documented ranges."""
    unknown = [name for name in names if name not in SPECS]
    if unknown:
        raise InputError(
            f"no parameter {unknown[0]!r}",
            Location("--params"),
            "parameter names (parley scenario parameters), comma-separated",
        )
    return {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [[SPECS[name].low, SPECS[name].high] for name in names],
    }


def sensitivity(
    scenario: Scenario,
    measure: Measure,
    method: str = "morris",
    names: Sequence[str] | None = None,
    samples: int = 10,
    runs: int = 50,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Sample the parameters (``samples`` Morris trajectories, or Sobol base samples), run
    each sample, and analyse every metric. Parameters left out keep their values."""
    from SALib.analyze import morris as analyze_morris
    from SALib.analyze import sobol as analyze_sobol
    from SALib.sample import morris as sample_morris
    from SALib.sample import sobol as sample_sobol

    if method not in METHODS:
        raise InputError(f"no method {method!r}", Location("--method"), "morris or sobol")
    chosen = tuple(names or SPECS)
    problem = parameter_problem(chosen)
    count = samples * (len(chosen) + (1 if method == "morris" else 2))
    cost = ensemble_cost(compile_inputs(scenario), runs).times(count)
    require(f"--samples {samples} --runs {runs}, {count} samples", cost)
    if method == "morris":
        points = sample_morris.sample(problem, samples, num_levels=4, seed=seed)
    else:
        points = sample_sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    values = [dict(zip(chosen, map(float, row), strict=True)) for row in points]
    tasks = [Task(metrics_for, (scenario, one, runs, seed, measure)) for one in values]
    outputs = pd.DataFrame(gather(executor, tasks, progress))
    rows = []
    for metric in outputs.columns:
        y = outputs[metric].to_numpy(dtype=float)
        if not np.isfinite(y).all() or y.std() == 0:
            continue  # undefined, or the same in every sample: nothing to apportion
        if method == "morris":
            found = analyze_morris.analyze(problem, points, y, num_levels=4, seed=seed)
            keys = {"mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
        else:
            found = analyze_sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            keys = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
        for n, name in enumerate(chosen):
            rows.append(
                {"metric": metric, "parameter": name}
                | {column: float(found[key][n]) for column, key in keys.items()}
            )
    frame = pd.DataFrame(points, columns=list(chosen))
    return Sensitivity(method, chosen, pd.concat([frame, outputs], axis=1), pd.DataFrame(rows))
