"""The simulator's commands: run, counterfactual, compare, sensitivity, report, calibrate."""

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from parley import api
from parley.cli.shared import (
    Chunk,
    Quiet,
    Scheduler,
    TableOrJson,
    Workers,
    console,
    execution,
    frame_table,
    print_json,
    progress_bar,
    text,
)

__all__ = ["calibrate", "compare", "counterfactual", "report", "run", "sensitivity"]

Overrides = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="Override an input: PATH=VALUE, e.g. parameters.incident-hazard=0.02."
    ),
]


ParamsFile = Annotated[
    Path | None,
    typer.Option("--params", help="A parameter overlay, as written by parley calibrate."),
]


def _model(
    scenario: str, params: Path | None, set_: list[str] | None
) -> tuple[Any, tuple[str, ...]]:
    """The scenario, and its overrides: the overlay's parameters, then each --set."""
    model = api.load_scenario(scenario)
    overlay = api.read_params(params) if params is not None else ()
    return model, overlay + tuple(set_ or ())


def _names(params: str | None) -> list[str] | None:
    """Parameter names from a comma-separated option, or None for all of them."""
    return [name.strip() for name in params.split(",")] if params else None


def run(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    runs: Annotated[int, typer.Option(min=1)] = 100,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    set_: Overrides = None,
    params: ParamsFile = None,
    out: Annotated[
        Path | None, typer.Option(help="Keep Parquet tables, chunks and a run catalog here.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Go on with an interrupted run in --out.")
    ] = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Run a scenario: the relation by year, clashes, agreements and talks."""
    if resume and out is None:
        raise api.InputError(
            "--resume needs the --out folder to go on with", api.Location("--resume")
        )
    model, overrides = _model(scenario, params, set_)
    with progress_bar(quiet, "chunks") as progress:
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
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    set_: Overrides = None,
    runs: Annotated[int, typer.Option(min=1)] = 100,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Baseline against intervention on paired seeds: differences with 95% intervals."""
    import pandas as pd

    with progress_bar(quiet, "chunks") as progress:
        how = execution("counterfactual", workers, scheduler, progress)
        result = api.counterfactual(scenario, tuple(set_ or ()), runs, seed, chunk, how)
    if format is TableOrJson.json:
        print_json(result)
        return
    frame = pd.DataFrame(result["differences"])
    frame["ci95"] = frame["ci95"].map(lambda pair: f"{pair[0]:+.3f} to {pair[1]:+.3f}")
    interventions = "; ".join(result["interventions"])
    title = f"{result['scenario']}, {result['runs']} paired runs: {interventions}"
    console().print(frame_table(frame, title=title))


def compare(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    runs: Annotated[int, typer.Option(min=1)] = 100,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    set_: Overrides = None,
    params: ParamsFile = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk: Chunk = 500,
    quiet: Quiet = False,
    index: Annotated[
        Path | None, typer.Option(help="Your own yearly index: a CSV of period,value.")
    ] = None,
    calibrate_until: Annotated[
        int | None,
        typer.Option(
            help="The cut: in sample up to it, out of sample after; baselines from it "
            "(default: the scenario's scoring.calibrate_until, or the middle of its period)."
        ),
    ] = None,
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Score a scenario's runs against the record, beside naive baselines and a placebo
    (every shock moved five years earlier, then later)."""
    model, overrides = _model(scenario, params, set_)
    with progress_bar(quiet, "chunks") as progress:
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


class MethodChoice(enum.StrEnum):
    morris = "morris"
    sobol = "sobol"


def sensitivity(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    method: Annotated[MethodChoice, typer.Option(case_sensitive=False)] = MethodChoice.morris,
    params: Annotated[
        str | None, typer.Option(help="Parameters to vary, comma-separated (default: all).")
    ] = None,
    samples: Annotated[
        int, typer.Option(min=2, help="Morris trajectories, or Sobol base samples.")
    ] = 10,
    runs: Annotated[int, typer.Option(min=1, help="Runs per sample.")] = 50,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    set_: Overrides = None,
    out: Annotated[
        Path | None, typer.Option(help="Write samples, indices (Parquet) and a plot here.")
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Which parameters move the outputs most: Morris screening or Sobol indices (SALib)."""
    api.require_extra("sensitivity", "parley sensitivity", "sensitivity analysis")
    if out is not None:
        api.require_extra("plots", "parley sensitivity", "the plot written to --out")
    sets, names = tuple(set_ or ()), _names(params)
    with progress_bar(quiet, "samples") as progress:
        how = execution("sensitivity", workers, scheduler, progress)
        result = api.sensitivity(scenario, method.value, names, samples, runs, seed, sets, out, how)
    if format is TableOrJson.json:
        print_json({"method": result.method, "indices": result.indices.to_dict("records")})
        return
    order = "mu_star" if result.method == "morris" else "ST"
    for metric, rows in result.indices.groupby("metric", sort=False):
        top = rows.sort_values(order, ascending=False).head(5).drop(columns="metric")
        console().print(
            frame_table(top.round(4), title=f"{metric}: the 5 parameters that matter most")
        )


def report(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    out: Annotated[Path, typer.Option(help="The HTML file to write.")],
    runs: Annotated[int, typer.Option(min=1)] = 100,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    set_: Overrides = None,
    params: ParamsFile = None,
    index: Annotated[
        Path | None, typer.Option(help="Your own yearly index: a CSV of period,value.")
    ] = None,
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
    with progress_bar(quiet, "chunks") as progress:
        how = execution("report", workers, scheduler, progress)
        page = api.report(model, runs, seed, tuple(set_ or ()), index, chunk, how)
    api.write_report(page, out)
    typer.echo(f"report written: {out} ({len(page) // 1024} KiB)")


def calibrate(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    until: Annotated[int, typer.Option(help="Fit to the record up to this year, and no later.")],
    budget: Annotated[int, typer.Option(min=1, help="Parameter sets to try.")] = 40,
    params: Annotated[
        str | None, typer.Option(help="Parameters to fit, comma-separated (default: all).")
    ] = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs per parameter set.")] = 50,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    set_: Overrides = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the fitted parameters here, for --params.")
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Fit parameters to the record up to --until; score the fit before and after it."""
    import pandas as pd

    api.require_extra("sensitivity", "parley calibrate", "calibration")
    sets, names = tuple(set_ or ()), _names(params)
    with progress_bar(quiet, "parameter sets") as progress:
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
