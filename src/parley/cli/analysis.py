"""The commands that vary the parameters: sensitivity and calibrate."""

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from parley import api
from parley.cli.shared import (
    Format,
    Overrides,
    Quiet,
    ScenarioArg,
    Scheduler,
    TableFormat,
    TableOrJson,
    TableOrJsonFormat,
    Workers,
    console,
    execution,
    frame_table,
    print_json,
    progress_bar,
)

__all__ = ["calibrate", "sensitivity"]

Names = Annotated[
    str | None,
    typer.Option(
        metavar="NAME,...",
        help="The parameters to vary, comma-separated (default: all; parley scenario "
        "parameters lists them), e.g. --params incident-hazard,strain-scale.",
    ),
]


def _names(params: str | None) -> list[str] | None:
    """Parameter names from a comma-separated option, or None for all of them."""
    return [name.strip() for name in params.split(",")] if params else None


class MethodChoice(enum.StrEnum):
    morris = "morris"
    sobol = "sobol"


def sensitivity(
    scenario: ScenarioArg,
    method: Annotated[
        MethodChoice,
        typer.Option(
            case_sensitive=False,
            help="Morris screening (cheaper; ranks the parameters) or Sobol indices (shares "
            "of the variance, with interactions), e.g. --method sobol.",
        ),
    ] = MethodChoice.morris,
    params: Names = None,
    samples: Annotated[
        int,
        typer.Option(
            min=2,
            metavar="N",
            help="Morris trajectories, or Sobol base samples: N x (parameters + 1) samples "
            "for Morris, N x (parameters + 2) for Sobol, e.g. --samples 20.",
        ),
    ] = 10,
    runs: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Runs per sample, each sample from the same seed, e.g. --runs 100.",
        ),
    ] = 50,
    seed: Annotated[
        int,
        typer.Option(
            min=0,
            metavar="SEED",
            help="The seed of the samples and of every sample's runs, e.g. --seed 7.",
        ),
    ] = 0,
    set_: Overrides = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Write samples.parquet, indices.parquet and the figure sensitivity.png to "
            "this new or empty folder, e.g. --out results/sensitivity.",
        ),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    format: Format = TableFormat.table,
) -> None:
    """Which parameters move the outputs most: Morris screening or Sobol indices (SALib)."""
    api.require_extra("sensitivity", "parley sensitivity", "sensitivity analysis")
    if out is not None:
        api.require_extra("plots", "parley sensitivity", "the plot written to --out")
    sets, names = tuple(set_ or ()), _names(params)
    then = "analysing the samples" + (" and drawing the figure" if out is not None else "")
    with progress_bar(quiet, ("samples",), runs, then) as progress:
        how = execution("sensitivity", workers, scheduler, progress)
        result = api.sensitivity(scenario, method.value, names, samples, runs, seed, sets, out, how)
    if format is TableFormat.json:
        print_json({"method": result.method, "indices": result.indices.to_dict("records")})
        return
    if format is TableFormat.csv:
        result.indices.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    order = "mu_star" if result.method == "morris" else "ST"
    for metric, rows in result.indices.groupby("metric", sort=False):
        top = rows.sort_values(order, ascending=False).head(TOP).drop(columns="metric")
        console().print(
            frame_table(top.round(4), title=_top_title(str(metric), len(top), len(rows), order))
        )


TOP = 5
"""The sensitivity table shows at most this many parameters per metric."""


def _top_title(metric: str, shown: int, varied: int, order: str) -> str:
    """The heading of a metric's table, with the number of parameters it shows."""
    if shown < varied:
        return f"{metric}: the {shown} of {varied} parameters that matter most, by {order}"
    every = "the parameter varied" if varied == 1 else f"all {varied} parameters varied"
    return f"{metric}: {every}, by {order}"


def calibrate(
    scenario: ScenarioArg,
    until: Annotated[
        int,
        typer.Option(
            metavar="YEAR",
            help="Fit to the record up to this year and no later; the years after it score "
            "the fit, e.g. --until 1979.",
        ),
    ],
    budget: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Parameter sets to try (a Latin hypercube), besides the scenario's own, "
            "e.g. --budget 100.",
        ),
    ] = 40,
    params: Annotated[
        str | None,
        typer.Option(
            metavar="NAME,...",
            help="The parameters to fit, comma-separated (default: all; parley scenario "
            "parameters lists them), e.g. --params incident-hazard,strain-scale.",
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Runs per parameter set, each set from the same seed, e.g. --runs 100.",
        ),
    ] = 50,
    seed: Annotated[
        int,
        typer.Option(
            min=0,
            metavar="SEED",
            help="The seed of the search and of every set's runs, e.g. --seed 7.",
        ),
    ] = 0,
    set_: Overrides = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Write the fitted parameters to this new YAML file, an overlay for "
            "--params, e.g. --out fitted.yaml.",
        ),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    format: TableOrJsonFormat = TableOrJson.table,
) -> None:
    """Fit parameters to the record up to --until; score the fit before and after it."""
    import pandas as pd

    api.require_extra("sensitivity", "parley calibrate", "calibration")
    sets, names = tuple(set_ or ()), _names(params)
    then = f"scoring the fit before and after {until}"
    with progress_bar(quiet, ("parameter sets",), runs, then) as progress:
        how = execution("calibrate", workers, scheduler, progress)
        found = api.calibrate(scenario, until, budget, names, runs, seed, sets, out, how)
    result = found.summary
    if format is TableOrJson.json:
        print_json(result)
        return
    rows = [
        {"": label, "fit to " + str(until): result["in_sample_fit"][label]["fit"],
         "spearman to " + str(until): result["in_sample"][label]["spearman"],
         "spearman after": result["out_of_sample"][label]["spearman"],
         "sign agreement after": result["out_of_sample"][label]["sign_agreement"]}
        for label in ("before", "after")
    ]  # fmt: skip
    console().print(frame_table(pd.DataFrame(rows).round(3), title=f"Calibrated to {until}"))
    changed = pd.DataFrame(
        [
            {"parameter": k, "before": result["before"][k], "after": v}
            for k, v in result["parameters"].items()
        ]
    )
    console().print(frame_table(changed.round(4), title="Parameters"))
