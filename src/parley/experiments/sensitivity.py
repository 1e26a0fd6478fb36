"""Global sensitivity of a scenario's outputs to its parameters, with SALib.

Parameters vary over the ranges the scenario documents. Every sample is an ensemble of
``runs`` runs from the same seed (common random numbers), so differences between samples
come from the parameters, not from the draws. For each sample, the metrics are:

- ``record.spearman``: the model's yearly index (``yearly_model_index``, the median of
  the runs) against the record's yearly index (0, no association, where it is undefined
  because the model's series is constant);
- for each dated outcome of the scenario (``parley.compare.record.OUTCOMES``), its
  ``probability`` in the scenario's period and its median ``year``, where a run in which
  it never happens counts as the year after the scenario ends.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parley.compare.record import OUTCOMES, compare_to_record, yearly_index
from parley.errors import InputError, Location
from parley.experiments.ensemble import run_ensemble
from parley.experiments.executors import Executor, Task, gather
from parley.experiments.summary import outcome_years
from parley.record.query import RecordTables
from parley.scenario.schema import Scenario

__all__ = [
    "METHODS",
    "Sensitivity",
    "metrics_for",
    "parameter_problem",
    "plot",
    "sensitivity",
    "with_parameters",
]

METHODS = ("morris", "sobol")


def with_parameters(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with some parameters' values replaced (each within its range)."""
    parameters = dict(scenario.parameters)
    for name, value in values.items():
        parameters[name] = parameters[name].model_copy(update={"value": float(value)})
    return scenario.model_copy(update={"parameters": parameters})


@functools.cache
def _record() -> tuple[RecordTables, dict[int, float]]:
    from parley.api import load_record

    record = load_record()
    return record, yearly_index(record)


def metrics_for(
    scenario: Scenario, values: dict[str, float], runs: int, seed: int
) -> dict[str, float]:
    """The metrics of one sample: ``runs`` runs of the scenario with these parameter values."""
    ensemble = run_ensemble(with_parameters(scenario, values), runs, seed)
    record, observed = _record()
    scores = compare_to_record(ensemble, record, observed=observed)
    spearman = scores["record"]["spearman"]
    result = {"record.spearman": 0.0 if spearman is None else float(spearman)}
    never = ensemble.inputs.steps[-1].year + 1
    for name, (what, _event) in OUTCOMES.get(scenario.name, {}).items():
        years = outcome_years(ensemble, what)
        result[f"{name}.probability"] = float((years > 0).mean())
        result[f"{name}.year"] = float(np.median(np.where(years > 0, years, never)))
    return result


@dataclass(frozen=True)
class Sensitivity:
    """Samples, their metrics, and the indices per metric and parameter."""

    method: str
    parameters: tuple[str, ...]
    samples: pd.DataFrame  # one row per sample: parameter values, then metrics
    indices: pd.DataFrame  # tidy: metric, parameter, then the method's indices


def parameter_problem(scenario: Scenario, names: Sequence[str]) -> dict[str, Any]:
    """A SALib problem over the named parameters' documented ranges."""
    unknown = [name for name in names if name not in scenario.parameters]
    if unknown:
        raise InputError(
            f"no parameter {unknown[0]!r}",
            Location("--params"),
            "names from the scenario's parameters, comma-separated",
        )
    return {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [list(scenario.parameters[name].range) for name in names],
    }


def sensitivity(
    scenario: Scenario,
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
    chosen = tuple(names or scenario.parameters)
    problem = parameter_problem(scenario, chosen)
    if method == "morris":
        points = sample_morris.sample(problem, samples, num_levels=4, seed=seed)
    else:
        points = sample_sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    tasks = [
        Task(metrics_for, (scenario, dict(zip(chosen, map(float, row), strict=True)), runs, seed))
        for row in points
    ]
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


def plot(result: Sensitivity, path: str) -> None:
    """One panel per metric: Morris mu* against sigma, or Sobol total-order indices."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = list(dict.fromkeys(result.indices["metric"]))
    figure, axes = plt.subplots(
        len(metrics), 1, figsize=(8, 3.2 * max(1, len(metrics))), squeeze=False
    )
    for axis, metric in zip(axes[:, 0], metrics, strict=True):
        rows = result.indices[result.indices["metric"] == metric]
        if result.method == "morris":
            axis.scatter(rows["mu_star"], rows["sigma"])
            top = rows.nlargest(5, "mu_star")
            for _, row in top.iterrows():
                axis.annotate(row["parameter"], (row["mu_star"], row["sigma"]), fontsize=8)
            axis.set_xlabel("mu* (mean absolute elementary effect)")
            axis.set_ylabel("sigma")
        else:
            ordered = rows.sort_values("ST", ascending=False).head(10)
            axis.barh(ordered["parameter"], ordered["ST"], label="total order")
            axis.barh(ordered["parameter"], ordered["S1"], label="first order")
            axis.invert_yaxis()
            axis.legend(fontsize=8)
        axis.set_title(metric)
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=110)
    plt.close(figure)
