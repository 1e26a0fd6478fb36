"""``parley bargain``: forecast a negotiation with the static bargaining models."""

from __future__ import annotations

import dataclasses
import enum
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from parley import api
from parley.cli.shared import TableFormat, console, frame_table, print_json

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
    result = api.bargain(
        file,
        model.value,
        rounds=rounds,
        runs=runs,
        seed=seed,
        trace=trace,
        options=options,
        input_format=None if input_format is None else input_format.value,
    )
    _show_bargain(result, format)


def _show_bargain(result: api.BargainResult, format: TableFormat) -> None:
    frame = result.forecasts
    if format is TableFormat.json:
        models = []
        for name, group in frame.groupby("model", sort=False):
            entry: dict[str, Any] = {
                "model": name,
                "forecast": dict(zip(group["dimension"], group["forecast"], strict=True)),
            }
            if name == "eu":
                entry["weighted_mean"] = dict(
                    zip(group["dimension"], group["weighted_mean"], strict=True)
                )
                entry["distribution"] = {
                    row.dimension: {
                        "mean": row.mean,
                        "median": row.median,
                        "p05": row.p05,
                        "p95": row.p95,
                    }
                    for row in group.itertuples()
                }
                entry.update(
                    rounds=result.rounds,
                    runs=result.runs,
                    seed=result.seed,
                    options=dataclasses.asdict(result.options),
                )
            models.append(entry)
        data: dict[str, Any] = {
            "problem": result.problem.name,
            "dimensions": list(result.problem.dimensions),
            "models": models,
        }
        if result.trace is not None:
            data["trace"] = api.frame_records(result.trace)
        print_json(data)
        return
    if format is TableFormat.csv:
        shown = result.trace if result.trace is not None else frame
        shown.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    console.print(frame_table(frame.round(4), title=f"Forecasts for {result.problem.name}"))
    if result.trace is not None:
        first = result.trace[result.trace["run"] == 0]
        for dimension, group in first.groupby("dimension", sort=False):
            wide = group.pivot(index="actor", columns="round", values="position")
            wide = wide.loc[list(result.problem.actors)].round(3).reset_index()
            console.print(frame_table(wide, title=f"EU positions by round, {dimension} (run 0)"))
