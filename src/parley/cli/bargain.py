"""``parley bargain``: forecast a negotiation with the static bargaining models."""

import csv
import dataclasses
import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parley import api
from parley.cli.shared import TableFormat, console, frame_table, print_json, table

if TYPE_CHECKING:
    from parley.api import Forecast

__all__ = ["bargain"]


class ModelChoice(enum.StrEnum):
    eu = "eu"
    compromise = "compromise"
    median = "median"
    all = "all"


class InputFormatChoice(enum.StrEnum):
    ktab = "ktab"
    tidy = "tidy"
    bdm = "bdm"


def bargain(
    file: Annotated[
        Path,
        typer.Argument(
            help="A CSV in KTAB, tidy (actor,capability,dimension,position,salience) "
            "or BDM (Actor,Capability,Position,Salience) format."
        ),
    ],
    model: Annotated[ModelChoice, typer.Option(case_sensitive=False)] = ModelChoice.all,
    rounds: Annotated[int, typer.Option(min=1, help="EU rounds.")] = 10,
    runs: Annotated[
        int, typer.Option(min=1, help="EU runs; above 1 a stochastic EU gives a distribution.")
    ] = 1,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    trace: Annotated[
        bool, typer.Option("--trace", help="Add every actor's position per round.")
    ] = False,
    format: Annotated[
        TableFormat, typer.Option("--format", case_sensitive=False)
    ] = TableFormat.table,
    input_format: Annotated[
        InputFormatChoice | None, typer.Option(case_sensitive=False, help="Skip format detection.")
    ] = None,
    outcomes: Annotated[
        Path | None,
        typer.Option(
            help="Known outcomes, a CSV of dimension,outcome[,reference]: score every model "
            "(mean absolute error, RMSE, share of dimensions closest), beside the reference "
            "point."
        ),
    ] = None,
    probability: Annotated[
        str, typer.Option(help="EU win probability: net, share or share-without-challenger.")
    ] = "net",
    mu: Annotated[str, typer.Option(help="EU reference position: mean or median.")] = "mean",
    last_term: Annotated[
        str, typer.Option(help="EU sign of the (1-Q) term: minus or plus.")
    ] = "minus",
    offer_order: Annotated[
        str, typer.Option(help="EU offer choice: utility-first or move-first.")
    ] = "utility-first",
    resolution: Annotated[
        str, typer.Option(help="EU conflicts: deterministic or stochastic.")
    ] = "deterministic",
    salience: Annotated[
        str, typer.Option(help="EU saliences: fixed or redraw each round.")
    ] = "fixed",
    q: Annotated[
        float, typer.Option("--q", min=0, max=1, help="EU probability that the status quo holds.")
    ] = 1.0,
    t: Annotated[
        float,
        typer.Option("--t", min=0, max=1, help="EU probability that change is for the better."),
    ] = 1.0,
) -> None:
    """Forecast a negotiated outcome: median voter, compromise, expected utility."""
    options = api.eu_options(
        probability=probability,
        mu=mu,
        last_term=last_term,
        offer_order=offer_order,
        resolution=resolution,
        salience=salience,
        q=q,
        t=t,
    )
    problem = api.read_problem(file, None if input_format is None else input_format.value)
    known = None if outcomes is None else api.read_outcomes(outcomes, problem)
    found = api.forecast(
        problem,
        model.value,
        rounds=rounds,
        runs=runs,
        seed=seed,
        trace=trace,
        options=options,
    )
    scores = None if known is None else api.score_outcomes(found.rows, known)
    _show_bargain(found, format, scores)


def _show_bargain(
    found: "Forecast", format: TableFormat, scores: list[dict[str, Any]] | None = None
) -> None:
    """The forecasts, one row per model and dimension (the columns of
    ``BargainResult.forecasts``), and the EU trace if there is one. Only the trace needs
    pandas."""
    trace = api.trace_frame(found) if found.paths else None
    columns = list(found.rows[0]) if found.rows else []
    if format is TableFormat.json:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in found.rows:
            groups.setdefault(row["model"], []).append(row)
        models = []
        for name, group in groups.items():
            entry: dict[str, Any] = {
                "model": name,
                "forecast": {row["dimension"]: row["forecast"] for row in group},
            }
            if name == "eu":
                entry["weighted_mean"] = {row["dimension"]: row["weighted_mean"] for row in group}
                entry["distribution"] = {
                    row["dimension"]: {key: row[key] for key in ("mean", "median", "p05", "p95")}
                    for row in group
                }
                entry.update(
                    rounds=found.rounds,
                    runs=found.runs,
                    seed=found.seed,
                    options=dataclasses.asdict(found.options),
                )
            models.append(entry)
        data: dict[str, Any] = {
            "problem": found.problem.name,
            "dimensions": list(found.problem.dimensions),
            "models": models,
        }
        if trace is not None:
            data["trace"] = api.frame_records(trace)
        if scores is not None:
            data["scores"] = scores
        print_json(data)
        return
    if format is TableFormat.csv:
        if trace is not None:
            trace.to_csv(sys.stdout, index=False, lineterminator="\n")
            return
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row[column] for column in columns] for row in found.rows)
        return
    if found.runs == 1:  # one run has no distribution to show
        columns = [c for c in columns if c not in ("runs", "mean", "median", "p05", "p95")]
    rounded = ([_round(row[column], 4) for column in columns] for row in found.rows)
    console().print(table(columns, rounded, title=f"Forecasts for {found.problem.name}"))
    if scores is not None:
        shown = ([_round(value, 4) for value in row.values()] for row in scores)
        title = "Against the known outcomes (closest: share of dimensions; lower errors are better)"
        console().print(table(list(scores[0]), shown, title=title))
    if trace is not None:
        first = trace[trace["run"] == 0]
        for dimension, rounds in first.groupby("dimension", sort=False):
            wide = rounds.pivot(index="actor", columns="round", values="position")
            wide = wide.loc[list(found.problem.actors)].round(3).reset_index()
            title = f"EU positions by round, {dimension} (run 0)"
            console().print(frame_table(wide, title=title))


def _round(value: Any, decimals: int) -> Any:
    """A float rounded as pandas rounds a column (NumPy's rounding); anything else as is."""
    import numpy as np

    return np.round(value, decimals) if isinstance(value, float) else value
