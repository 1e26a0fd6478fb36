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
    from parley.api import Evaluation, Forecast

__all__ = ["bargain"]

CYCLES_SHOWN = 5
"""The table names at most this many cycling forecasts."""


class ModelChoice(enum.StrEnum):
    eu = "eu"
    compromise = "compromise"
    median = "median"
    nash = "nash"
    exchange = "exchange"
    all = "all"


class InputFormatChoice(enum.StrEnum):
    ktab = "ktab"
    tidy = "tidy"
    bdm = "bdm"


class SalienceScaleChoice(enum.StrEnum):
    one = "1"
    hundred = "100"


def bargain(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A CSV in KTAB, tidy (actor,capability,dimension,position,salience) "
            "or BDM (Actor,Capability,Position,Salience) format, "
            "e.g. src/parley/data/examples/ec_emissions.csv.",
        ),
    ],
    model: Annotated[
        ModelChoice,
        typer.Option(
            case_sensitive=False,
            help="The model to forecast with, or all of them, e.g. --model compromise.",
        ),
    ] = ModelChoice.all,
    rounds: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Rounds of the EU model, e.g. --rounds 20."),
    ] = 10,
    runs: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="EU runs; above 1 a stochastic EU gives a distribution, e.g. --runs 100.",
        ),
    ] = 1,
    seed: Annotated[
        int,
        typer.Option(
            min=0,
            metavar="SEED",
            help="The seed of a stochastic EU's runs and of the outcomes --train-fraction "
            "draws, e.g. --seed 7.",
        ),
    ] = 0,
    trace: Annotated[
        bool,
        typer.Option(
            "--trace/--no-trace",
            metavar="",
            help="Add every actor's position per round of the EU model, e.g. --trace.",
        ),
    ] = False,
    format: Annotated[
        TableFormat,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="A table for people, or CSV or JSON for programs, e.g. --format csv.",
        ),
    ] = TableFormat.table,
    input_format: Annotated[
        InputFormatChoice | None,
        typer.Option(
            case_sensitive=False,
            help="The file's format, to skip detecting it, e.g. --input-format tidy.",
        ),
    ] = None,
    salience_scale: Annotated[
        SalienceScaleChoice | None,
        typer.Option(
            help="The saliences' scale, 0-1 or 0-100 (default: the header's 'salience (0-100)', "
            "else 0-100 if any salience is above 1), e.g. --salience-scale 100."
        ),
    ] = None,
    outcomes: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Known outcomes, a CSV of dimension,outcome[,reference]: score every model "
            "(mean absolute error, RMSE, share of dimensions closest), beside the reference "
            "point; the Nash solution needs the reference, "
            "e.g. --outcomes src/parley/data/examples/ec_emissions_outcome.csv.",
        ),
    ] = None,
    link: Annotated[
        list[str] | None,
        typer.Option(
            help="Dimensions the exchange model trades between, joined by commas, or 'all'; "
            "repeat for separate groups, e.g. --link tax,budget --link all.",
            metavar="DIMS",
        ),
    ] = None,
    combine: Annotated[
        str | None,
        typer.Option(
            metavar="HOW",
            help="Add a weighted mean of the models' forecasts: 'mean', 'fit' (weights fitted "
            "on --train-fraction of the outcomes), or weights per model, "
            "e.g. --combine compromise=0.6,eu=0.4.",
        ),
    ] = None,
    train_fraction: Annotated[
        float | None,
        typer.Option(
            metavar="SHARE",
            help="Fit on this share of the outcomes (drawn by --seed) and score every model "
            "on the rest only, e.g. --train-fraction 0.5.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="A folder for the forecasts, scores and trace (Parquet and CSV) and a "
            "figure of positions by round, positions.png, e.g. --out results/ec.",
        ),
    ] = None,
    probability: Annotated[
        str,
        typer.Option(
            metavar="RULE",
            help="EU win probability: net, share or share-without-challenger, "
            "e.g. --probability share.",
        ),
    ] = "net",
    mu: Annotated[
        str,
        typer.Option(
            metavar="STAT", help="EU reference position: mean or median, e.g. --mu median."
        ),
    ] = "mean",
    last_term: Annotated[
        str,
        typer.Option(
            metavar="SIGN",
            help="EU sign of the (1-Q) term: minus or plus, e.g. --last-term plus.",
        ),
    ] = "minus",
    offer_order: Annotated[
        str,
        typer.Option(
            metavar="ORDER",
            help="EU offer choice: utility-first or move-first, e.g. --offer-order move-first.",
        ),
    ] = "utility-first",
    resolution: Annotated[
        str,
        typer.Option(
            metavar="RULE",
            help="EU conflicts: deterministic or stochastic, e.g. --resolution stochastic.",
        ),
    ] = "deterministic",
    salience: Annotated[
        str,
        typer.Option(
            metavar="RULE",
            help="EU saliences: fixed, or redraw each round, e.g. --salience redraw.",
        ),
    ] = "fixed",
    q: Annotated[
        float,
        typer.Option(
            "--q",
            min=0,
            max=1,
            metavar="P",
            help="EU probability that the status quo holds, e.g. --q 0.5.",
        ),
    ] = 1.0,
    t: Annotated[
        float,
        typer.Option(
            "--t",
            min=0,
            max=1,
            metavar="P",
            help="EU probability that change is for the better, e.g. --t 0.5.",
        ),
    ] = 1.0,
) -> None:
    """Forecast a negotiated outcome: median voter, compromise, expected utility, Nash,
    exchange."""
    if trace and format is TableFormat.csv:
        raise api.InputError(
            "a CSV holds one table, and --trace would replace the forecasts",
            api.Location("--trace"),
            "--out DIR for the forecasts and the trace as two tables, or --format json",
        )
    combination = None if combine is None else api.parse_combination(combine)
    if out is not None:
        api.require_extra("plots", "parley bargain --out", "the figure of positions by round")
        api.output_folder(out)
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
    scale = None if salience_scale is None else int(salience_scale.value)
    problem = api.read_problem(
        file,
        None if input_format is None else input_format.value,
        scale,  # type: ignore[arg-type]
    )
    known = None if outcomes is None else api.read_outcomes(outcomes, problem)
    references = {d: o.reference for d, o in (known or {}).items() if o.reference is not None}
    found = api.forecast(
        problem,
        model.value,
        rounds=rounds,
        runs=runs,
        seed=seed,
        trace=trace or out is not None,
        options=options,
        references=references,
        links=[group.split(",") for group in link or []],
    )
    evaluation = api.evaluate(found.rows, known, combination, train_fraction, seed)
    if out is not None:
        api.write_bargain(out, found, evaluation, known)
    _show_bargain(found, evaluation, format, trace, known is not None)


def _show_bargain(
    found: "Forecast",
    evaluation: "Evaluation",
    format: TableFormat,
    trace: bool,
    scored: bool,
) -> None:
    """The forecasts, one row per model and dimension (the columns of
    ``BargainResult.forecasts``), the scores, and the EU trace if asked for. Only the trace
    needs pandas."""
    rows = evaluation.rows
    scores = evaluation.scores if scored else None
    traced = api.trace_frame(found) if trace and found.paths else None
    columns = list(rows[0]) if rows else []
    if format is TableFormat.json:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
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
                entry["cycles"] = {
                    row["dimension"]: [float(v) for v in row["cycle"].split(";")]
                    for row in group
                    if row["cycle"] is not None
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
            "salience_scale": found.problem.salience_scale,
            "models": models,
        }
        if evaluation.weights is not None:
            data["combination"] = {
                "weights": evaluation.weights,
                "fitted": evaluation.fitted,
                "train": list(evaluation.train),
            }
        if traced is not None:
            data["trace"] = api.frame_records(traced)
        if scores is not None:
            data["scores"] = scores
            data["scored_dimensions"] = list(evaluation.test)
        print_json(data)
        return
    if format is TableFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row[column] for column in columns] for row in rows)
        return
    hidden = {"cycle"}  # said in words below the table
    if found.runs == 1:  # one run has no distribution to show
        hidden |= {"runs", "mean", "median", "p05", "p95"}
    columns = [c for c in columns if c not in hidden]
    rounded = ([_round(row[column], 4) for column in columns] for row in rows)
    title = (
        f"Forecasts for {found.problem.name} (saliences read on 0-{found.problem.salience_scale})"
    )
    console().print(table(columns, rounded, title=title))
    cycles = [row for row in rows if row["cycle"] is not None]
    for row in cycles[:CYCLES_SHOWN]:
        values = row["cycle"].replace(";", ", ")
        console().print(
            f"{row['model']} on {row['dimension']}: the forecast cycles through {values} "
            "in its last rounds; the one shown is the last round's.",
            highlight=False,
        )
    if len(cycles) > CYCLES_SHOWN:
        console().print(
            f"... and on {len(cycles) - CYCLES_SHOWN} more dimensions: the cycle column of "
            "--format csv lists them all.",
            highlight=False,
        )
    if evaluation.weights is not None:
        weights = ", ".join(f"{m} {w:.3f}" for m, w in evaluation.weights.items())
        fitted = f", fitted on {len(evaluation.train)} dimensions" if evaluation.fitted else ""
        console().print(f"combined: {weights}{fitted}", highlight=False)
    if scores is not None:
        shown = ([_round(value, 4) for value in row.values()] for row in scores)
        held = f" on the {len(evaluation.test)} held-out dimensions" if evaluation.train else ""
        title = (
            f"Against the known outcomes{held} (closest: share of dimensions; "
            "lower errors are better)"
        )
        console().print(table(list(scores[0]), shown, title=title))
    if traced is not None:
        first = traced[traced["run"] == 0]
        for dimension, rounds in first.groupby("dimension", sort=False):
            wide = rounds.pivot(index="actor", columns="round", values="position")
            wide = wide.loc[list(found.problem.actors)].round(3).reset_index()
            title = f"EU positions by round, {dimension} (run 0)"
            console().print(frame_table(wide, title=title))


def _round(value: Any, decimals: int) -> Any:
    """A float rounded as pandas rounds a column (NumPy's rounding); anything else as is."""
    import numpy as np

    return np.round(value, decimals) if isinstance(value, float) else value
