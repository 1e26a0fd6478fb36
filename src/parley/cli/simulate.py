"""The simulator's commands: run, counterfactual, compare and report."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from parley import api
from parley.cli.shared import (
    Chunk,
    Format,
    Index,
    Overrides,
    ParamsFile,
    Quiet,
    Runs,
    ScenarioArg,
    Scheduler,
    Seed,
    TableFormat,
    TableOrJson,
    TableOrJsonFormat,
    Workers,
    console,
    execution,
    frame_table,
    print_json,
    progress_bar,
    text,
)

__all__ = ["compare", "counterfactual", "report", "run"]

Intervention = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="The intervention: an input to change, as PATH=VALUE, repeatable, "
        "e.g. --set shocks.south-new-line.enabled=false.",
    ),
]

_PLACEBOS = tuple(
    f"placebo, shocks {abs(years)} years {'earlier' if years < 0 else 'later'}"
    for years in api.PLACEBO_YEARS
)
"""The progress bar's names for the placebo runs of compare and report, in their order."""


def _model(
    scenario: str, params: Path | None, set_: list[str] | None
) -> tuple[Any, tuple[str, ...]]:
    """The scenario, and its overrides: the overlay's parameters, then each --set."""
    model = api.load_scenario(scenario)
    overlay = api.read_params(params) if params is not None else ()
    return model, overlay + tuple(set_ or ())


def run(
    scenario: ScenarioArg,
    runs: Runs = 100,
    seed: Seed = 0,
    set_: Overrides = None,
    params: ParamsFile = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Keep Parquet tables, every chunk and a run catalog in this folder (a new "
            "one, or one to --resume), e.g. --out results/run-1.",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--no-resume",
            metavar="",
            help="Go on with an interrupted run in --out, keeping the chunks it finished, "
            "e.g. --out results/run-1 --resume.",
        ),
    ] = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
    format: TableOrJsonFormat = TableOrJson.table,
) -> None:
    """Run a scenario: the relation by year, clashes, agreements and talks."""
    if resume and out is None:
        raise api.InputError(
            "--resume needs the --out folder to go on with", api.Location("--resume")
        )
    model, overrides = _model(scenario, params, set_)
    with progress_bar(quiet, (model.name,)) as progress:
        how = execution("run", workers, scheduler, progress, out, resume)
        ensemble = api.run(model, runs, seed, overrides, chunk, how)
    summary = api.run_summary(ensemble)
    if format is TableOrJson.json:
        print_json(summary)
        return
    _show_run(summary)


def _show_run(summary: dict[str, Any]) -> None:
    import numpy as np
    import pandas as pd

    title = f"{summary['scenario']}: {summary['runs']} runs, seed {summary['seed']}"
    relation = pd.DataFrame(summary["relation"]).round(2)
    if relation["counterpart"].nunique() > 1:  # one column per counterpart: median [5-95%]
        relation["value"] = relation.apply(
            lambda row: f"{row['median']:.2f} [{row['p05']:.2f}, {row['p95']:.2f}]", axis=1
        )
        relation = relation.pivot(index="year", columns="counterpart", values="value")
        order = dict.fromkeys(row["counterpart"] for row in summary["relation"])
        relation = relation[list(order)].reset_index()
        relation.columns.name = None
    else:
        relation = relation.drop(columns="counterpart")
    console().print(
        frame_table(relation, title=f"Relation index by year (median and 5-95%), {title}")
    )
    outcomes = [("first deadly clash", summary["first_clash"])]
    outcomes += [(name.replace("-", " "), dist) for name, dist in summary["milestones"].items()]
    outcomes += [(f"{item['issue']} settled", item) for item in summary["agreements"]]
    rows = [
        {
            "outcome": name,
            "by the end": f"{dist['probability']:.0%}",
            "most likely": dist.get("most_likely_year", ""),
            "median": dist.get("median_year", ""),
            "5-95%": f"{dist['p05_year']:.0f}-{dist['p95_year']:.0f}" if "p05_year" in dist else "",
        }
        for name, dist in outcomes
    ]
    console().print(frame_table(pd.DataFrame(rows), title="When things happen, across the runs"))
    talks = pd.DataFrame(summary["talks"])
    if not talks.empty:
        talks["decade"] = talks["year"] // 10 * 10
        wide = talks.pivot_table(
            index="talks", columns="decade", values="share_of_runs", aggfunc="mean"
        )
        wide = wide.round(2).reset_index()
        wide.columns = [
            str(c) + ("s" if isinstance(c, int | np.integer) else "") for c in wide.columns
        ]
        console().print(
            frame_table(wide, title="Talks held: mean share of runs per year, by decade")
        )


def counterfactual(
    scenario: ScenarioArg,
    set_: Intervention = None,
    runs: Runs = 100,
    seed: Seed = 0,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
    format: Format = TableFormat.table,
) -> None:
    """Baseline against intervention on paired seeds: differences with 95% intervals."""
    import pandas as pd

    with progress_bar(quiet, ("baseline", "intervention")) as progress:
        how = execution("counterfactual", workers, scheduler, progress)
        result = api.counterfactual(scenario, tuple(set_ or ()), runs, seed, chunk, how)
    if format is TableFormat.json:
        print_json(result)
        return
    frame = pd.DataFrame(result["differences"])
    if format is TableFormat.csv:  # the interval as two columns
        low, high = zip(*frame.pop("ci95"), strict=True) if len(frame) else ((), ())
        frame = frame.assign(ci95_low=list(low), ci95_high=list(high))
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    frame["ci95"] = frame["ci95"].map(lambda pair: f"{pair[0]:+.3f} to {pair[1]:+.3f}")
    interventions = "; ".join(result["interventions"])
    title = f"{result['scenario']}, {result['runs']} paired runs: {interventions}"
    console().print(frame_table(frame, title=title))


def compare(
    scenario: ScenarioArg,
    runs: Runs = 100,
    seed: Seed = 0,
    set_: Overrides = None,
    params: ParamsFile = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
    index: Index = None,
    calibrate_until: Annotated[
        int | None,
        typer.Option(
            metavar="YEAR",
            help="The cut: in sample up to this year, out of sample after it, and the "
            "baselines forecast from it (default: the scenario's scoring.calibrate_until, "
            "or the middle of its period), e.g. --calibrate-until 1979.",
        ),
    ] = None,
    format: TableOrJsonFormat = TableOrJson.table,
) -> None:
    """Score a scenario's runs against the record, beside naive baselines and a placebo
    (every shock moved five years earlier, then later)."""
    model, overrides = _model(scenario, params, set_)
    with progress_bar(quiet, (model.name, *_PLACEBOS)) as progress:
        how = execution("compare", workers, scheduler, progress)
        if index is not None:
            api.read_index(index)  # a bad file fails now, not after the runs
        ensemble = api.run(model, runs, seed, overrides, chunk, how)
        scores = api.compare(ensemble, calibrate_until, index, True, chunk, how)
    if format is TableOrJson.json:
        print_json(scores)
        return
    title = f"{scores['scenario']}: {scores['runs']} runs, seed {scores['seed']}"
    for key, against in (("record", "the record's"), ("external", "your")):
        if scores.get(key) is not None:
            _show_eras(scores[key], f"{title}. The model's yearly index against {against}")
    if scores["record"] is None:
        console().print(f"{title}. The scenario names no record: nothing to score it against.")
        return
    relation = scores["record"]["relation"]
    if relation["years"]:
        console().print(
            f"The model's yearly median R against the record's index: Spearman "
            f"{_score(relation['spearman'])}, sign agreement {_score(relation['sign_agreement'])}"
            f" ({relation['years']} years; R has its own scale, so no CRPS)."
        )
    _show_outcomes(scores["record"], scores["calibrate_until"])
    for label, placebo in scores["record"]["placebo"].items():
        if placebo["skipped"]:
            console().print(f"Placebo {label} not run: {placebo['skipped']}.")


def _score(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _show_eras(scores: dict[str, Any], title: str) -> None:
    """For each era, and in and out of sample, each score of the model beside the
    baselines' and the placebos', and how many of them the model beats."""
    from rich.table import Table

    rows = api.score_rows(scores)
    if not rows:
        console().print(f"{title}: no year of the index falls in the scenario's period.")
        return
    rivals = list(rows[0]["others"])
    table = Table(title=f"{title}, beside baselines forecast at the cut and placebos")
    for column in ("era", "score", "model", *rivals, "model beats"):
        table.add_column(column, justify="left" if column in ("era", "score") else "right")
    for row in rows:
        place = api.SCORES.index(row["score"])
        label = {0: row["span"], 1: f"  ({row['years']} years)"}.get(place, "")
        table.add_row(
            label,
            api.SCORE_NAMES[row["score"]],
            _score(row["model"]),
            *(_score(value) for value in row["others"].values()),
            f"{row['beats']} of {row['rivals']}",
            end_section=place == len(api.SCORES) - 1,
        )
    console().print(table)


def _show_outcomes(record: dict[str, Any], cut: int) -> None:
    """The dated outcomes: the share of runs by the end, the most likely year, Brier and
    CRPS (in years), and the placebos' CRPS."""
    from rich.table import Table

    table = Table(title=f"Dated outcomes, in or out of sample at {cut} (CRPS in years; a run "
                  "where it never happens counts at the year after the period)")  # fmt: skip
    columns = ["outcome", "record", "sample", "by the end", "most likely", "Brier", "CRPS"]
    columns += [f"placebo {k} CRPS" for k in record["placebo"]]
    for column in columns:
        table.add_column(column, justify="left" if column in ("outcome", "sample") else "right")
    for n, outcome in enumerate(record["outcomes"]):
        table.add_row(
            outcome["name"],
            str(outcome["observed"]),
            "in" if outcome["in_sample"] else "out",
            f"{outcome['probability_by_end']:.0%}",
            text(outcome["mode_year"]),
            _score(outcome["brier"], 3),
            _score(outcome["crps"]),
            *(_score(p["outcomes"][n]["crps"]) for p in record["placebo"].values()),
        )
    console().print(table)


def report(
    scenario: ScenarioArg,
    out: Annotated[
        Path,
        typer.Option(
            metavar="FILE",
            help="The HTML file to write, replaced only once the new report is complete, "
            "e.g. --out report.html.",
        ),
    ],
    runs: Runs = 100,
    seed: Seed = 0,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="PATH=VALUE",
            help="Add the counterfactual of this change, on paired seeds, repeatable, "
            "e.g. --set shocks.south-new-line.enabled=false.",
        ),
    ] = None,
    params: ParamsFile = None,
    index: Index = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
) -> None:
    """Write one self-contained HTML report: runs against the record, and --set's effect.

    The file is replaced only once the new report is complete."""
    api.require_extra("plots", "parley report", "the report")
    api.check_output_file(out)
    model, overrides = _model(scenario, params, None)
    model = api.apply_overrides(model, overrides) if overrides else model
    stages = (model.name, *(_PLACEBOS if model.record is not None else ()))
    stages += ("intervention",) if set_ else ()
    then = "scoring the runs and drawing the report's figures"
    with progress_bar(quiet, stages, then=then) as progress:
        how = execution("report", workers, scheduler, progress)
        page = api.report(model, runs, seed, tuple(set_ or ()), index, chunk, how)
    api.write_report(page, out)
    typer.echo(f"report written: {out} ({len(page) // 1024} KiB)")
