"""The ``parley`` command: parse, call :mod:`parley.api`, format. No logic of its own."""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.exceptions import Abort, TyperException

from parley import api
from parley.errors import InputError, Location, ParleyError
from parley.record import dates

__all__ = ["app", "main"]

app = typer.Typer(
    name="parley",
    help="Model how states negotiate and how their relations rise and fall, "
    "held against the cited record.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
record_app = typer.Typer(
    help="The cited record of Sino-Soviet relations: check, query, export.",
    no_args_is_help=True,
)
app.add_typer(record_app, name="record")
scenario_app = typer.Typer(
    help="Scenarios: check a file, print the JSON Schema.", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")

console = Console()
if not console.is_terminal:  # piped or captured: a page-wide table rather than 80 columns
    console.width = 140


class TableFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class TableOrJson(enum.StrEnum):
    table = "table"
    json = "json"


class TimelineFormat(enum.StrEnum):
    table = "table"
    timelinejs = "timelinejs"


class By(enum.StrEnum):
    year = "year"
    quarter = "quarter"
    month = "month"


RecordDir = Annotated[
    Path | None,
    typer.Option("--record", help="A record folder to use instead of the built-in one."),
]


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _rich_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(_text(value) for value in row))
    return table


def _text(value: Any) -> str:
    """A table cell: empty for a missing value (None, NaN, pandas NA)."""
    return "" if value is None or bool(pd.isna(value)) else str(value)


@record_app.command("check")
def record_check(
    corpus: Annotated[
        Path | None, typer.Option(help="Folder of source texts: also verify every passage hash.")
    ] = None,
    record: RecordDir = None,
) -> None:
    """Validate the record and every cross-reference; with --corpus, every hash."""
    report = api.check_record(record, corpus)
    for problem in report.problems:
        typer.echo(str(problem))
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts.items())
    hashes = (
        f"passage hashes checked against {corpus}"
        if report.hashes_checked
        else "passage hashes NOT checked (give --corpus DIR to check them)"
    )
    if report.ok:
        typer.echo(f"record OK: {counts}; {hashes}")
        return
    typer.echo(f"{len(report.problems)} problem(s) in the record ({counts}); {hashes}")
    raise typer.Exit(1)


EVENT_COLUMNS = [
    "id",
    "date",
    "source_actor",
    "target_actor",
    "cameo",
    "goldstein",
    "issues",
    "passages",
    "plover",
    "headline",
]


@record_app.command("events")
def record_events(
    start: Annotated[
        str | None, typer.Option("--from", help="EDTF date: events ending on or after it.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="EDTF date: events starting on or before it.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="An actor id; matches the state it acts for too.")
    ] = None,
    issue: Annotated[str | None, typer.Option(help="An issue id; matches its parts too.")] = None,
    format: Annotated[
        TableFormat, typer.Option("--format", case_sensitive=False)
    ] = TableFormat.table,
    record: RecordDir = None,
) -> None:
    """Events of the record, in date order, filtered by period, actor and issue."""
    frame = api.record_events(start, end, actor, issue, record)
    if format is TableFormat.json:
        frame = frame.assign(start=frame["start"].astype(str), end=frame["end"].astype(str))
        _json(api.frame_records(frame))
        return
    columns = [*EVENT_COLUMNS, "claim", "summary"]
    out = frame[columns].copy()
    out["issues"] = out["issues"].map(";".join)
    out["passages"] = out["passages"].map(";".join)
    out = out.astype(object).where(out.notna(), "")
    if format is TableFormat.csv:
        out.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    table = Table(title=f"{len(out)} events")
    for column in ("when", "headline", "who", "cameo", "plover", "goldstein", "contested"):
        table.add_column(column, overflow="fold")
    for row in out.itertuples(index=False):
        source, target = _text(row.source_actor), _text(row.target_actor)
        who = f"{source} -> {target}" if target else source
        when, headline = dates.describe(str(row.date)), _text(row.headline)
        table.add_row(when, headline, who, *map(_text, (row.cameo, row.plover, row.goldstein)))
        table.add_row("", f"[dim]{_text(row.summary)}[/dim]", "", "", "", "", _text(row.claim))
    console.print(table)


@record_app.command("index")
def record_index(
    by: Annotated[By, typer.Option(case_sensitive=False, help="Period length.")] = By.year,
    format: Annotated[
        TableFormat, typer.Option("--format", case_sensitive=False)
    ] = TableFormat.table,
    record: RecordDir = None,
) -> None:
    """The record index: PRC-USSR events per period, net and mean Goldstein."""
    frame = api.record_index(by.value, record)
    if format is TableFormat.json:
        _json(api.frame_records(frame))
    elif format is TableFormat.csv:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        shown = frame.round(2)
        console.print(_rich_table(shown, title="Record index, PRC-USSR (both directions)"))


@record_app.command("claims")
def record_claims(
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
    record: RecordDir = None,
) -> None:
    """Where the sources disagree: each claim, its alternatives and who holds each."""
    claims = api.record_claims(record)
    if format is TableOrJson.json:
        _json(claims)
        return
    table = Table(title=f"{len(claims)} contested claims", show_lines=True)
    for column in ("claim", "alternative", "held by", "passages"):
        table.add_column(column, overflow="fold")
    for claim in claims:
        for i, alternative in enumerate(claim["alternatives"]):
            cites = "; ".join(
                f"{p['source']}[{p['start']}:{p['end']}]" for p in alternative["passages"]
            )
            table.add_row(
                claim["question"] if i == 0 else "",
                alternative["statement"],
                alternative["held_by"],
                cites,
            )
    console.print(table)


@record_app.command("timeline")
def record_timeline(
    format: Annotated[
        TimelineFormat, typer.Option("--format", case_sensitive=False)
    ] = TimelineFormat.table,
    record: RecordDir = None,
) -> None:
    """The record as a timeline: a table, or TimelineJS JSON."""
    if format is TimelineFormat.timelinejs:
        _json(api.record_timeline(record))
        return
    frame = api.record_events(directory=record)
    table = Table(title=f"Sino-Soviet record: {len(frame)} events", show_lines=False)
    for column in ("when", "what", "contested"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        what = f"[bold]{_text(row.headline)}[/bold]: {_text(row.summary)}"
        table.add_row(dates.describe(str(row.date)), what, _text(row.claim))
    console.print(table)


@record_app.command("cite")
def record_cite(
    source: Annotated[str, typer.Argument(help="A source id, e.g. lcs-china-1987.")],
    words: Annotated[str, typer.Argument(help="A few words of the passage to find.")],
    corpus: Annotated[Path, typer.Option(help="Folder of source texts.")],
    exact: Annotated[
        bool, typer.Option(help="Cite just the words, not their whole sentence.")
    ] = False,
) -> None:
    """Find a passage and print its span and hash, ready to paste into a record file."""
    matches = api.cite(corpus, source, words, sentence=not exact)
    if not matches:
        typer.echo(f"no match for {words!r} in {source}", err=True)
        raise typer.Exit(1)
    for match in matches:
        p = match.passage
        typer.echo(f"- {{source: {p.source}, start: {p.start}, end: {p.end}, sha256: {p.sha256}}}")


@app.command("scenarios")
def scenarios() -> None:
    """The built-in scenarios, one line each."""
    for row in api.list_scenarios():
        typer.echo(f"{row['name']:<22} {row['period']:<34} {row['title']}")


@scenario_app.command("check")
def scenario_check(
    file: Annotated[str, typer.Argument(help="A scenario file or a built-in name.")],
) -> None:
    """Validate a scenario: every problem on one line, exit 2 if there is any."""
    scenario, problems = api.check_scenario(file)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems or scenario is None:
        raise typer.Exit(2)
    counts = f"{len(scenario.actors)} actors, {len(scenario.issues)} issues, "
    counts += f"{len(scenario.shocks)} shocks, {len(scenario.parameters)} parameters"
    typer.echo(f"scenario OK: {scenario.name} ({counts})")


@scenario_app.command("schema")
def scenario_schema() -> None:
    """Print the JSON Schema of scenario files."""
    _json(api.scenario_schema())


Overrides = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="Override an input: PATH=VALUE, e.g. parameters.incident-hazard.value=0.02."
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
    from parley.experiments.calibrate import read_overlay

    model = api.load_scenario(scenario)
    overlay = read_overlay(params, model) if params is not None else {}
    overrides = tuple(f"parameters.{name}.value={value!r}" for name, value in overlay.items())
    return model, overrides + tuple(set_ or ())


def _applied(scenario: str, set_: list[str] | None) -> Any:
    """The scenario with its --set overrides applied."""
    model, overrides = _model(scenario, None, set_)
    return api.apply_overrides(model, overrides) if overrides else model


def _names(params: str | None) -> list[str] | None:
    """Parameter names from a comma-separated option, or None for all of them."""
    return [name.strip() for name in params.split(",")] if params else None


Workers = Annotated[
    int | None,
    typer.Option(min=1, help="Local processes to run chunks in (default: the number of cores)."),
]
Scheduler = Annotated[
    str | None,
    typer.Option(help="Run chunks on a Dask cluster instead: tcp://HOST:PORT."),
]
Chunk = Annotated[int, typer.Option(min=1, help="Runs per chunk (a task).")]
Quiet = Annotated[bool, typer.Option("--quiet", help="No progress bar.")]


@contextmanager
def _progress(quiet: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar with an ETA on stderr, fed with (done, total); None if quiet or
    if stderr is not a terminal (a pipe or a file gets no bar)."""
    terminal = Console(stderr=True)
    if quiet or not terminal.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=terminal, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _execution(
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    out: Path | None = None,
    resume: bool = False,
) -> api.Execution:
    return api.Execution(workers, scheduler, out, resume, progress)


@app.command("run")
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
        raise InputError("--resume needs the --out folder to go on with", Location("--resume"))
    model, overrides = _model(scenario, params, set_)
    with _progress(quiet, "chunks") as progress:
        how = _execution(workers, scheduler, progress, out, resume)
        ensemble = api.run_scenario(model, runs, seed, overrides, chunk, how)
    summary = api.run_summary(ensemble)
    if format is TableOrJson.json:
        _json(summary)
        return
    _show_run(summary)


def _show_run(summary: dict[str, Any]) -> None:
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
    console.print(
        _rich_table(relation, title=f"Relation index by year (median and 5-95%), {title}")
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
    console.print(_rich_table(pd.DataFrame(rows), title="When things happen, across the runs"))
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
        console.print(_rich_table(wide, title="Talks held: mean share of runs per year, by decade"))


@app.command("counterfactual")
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
    with _progress(quiet, "chunks") as progress:
        how = _execution(workers, scheduler, progress)
        result = api.counterfactual(scenario, tuple(set_ or ()), runs, seed, chunk, how)
    if format is TableOrJson.json:
        _json(result)
        return
    frame = pd.DataFrame(result["differences"])
    frame["ci95"] = frame["ci95"].map(lambda pair: f"{pair[0]:+.3f} to {pair[1]:+.3f}")
    interventions = "; ".join(result["interventions"])
    title = f"{result['scenario']}, {result['runs']} paired runs: {interventions}"
    console.print(_rich_table(frame, title=title))


@app.command("compare")
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
        int,
        typer.Option(help="The cut: in sample up to it, out of sample after; baselines from it."),
    ] = 1979,
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Score a scenario's runs against the record, beside naive baselines and a placebo
    (every shock moved five years earlier, then later)."""
    model, overrides = _model(scenario, params, set_)
    with _progress(quiet, "chunks") as progress:
        how = _execution(workers, scheduler, progress)
        ensemble = api.run_scenario(model, runs, seed, overrides, chunk, how)
        scores = api.compare_scenario(ensemble, calibrate_until, index, True, chunk, how)
    if format is TableOrJson.json:
        _json(scores)
        return
    title = f"{scores['scenario']}: {scores['runs']} runs, seed {scores['seed']}"
    for key, against in (("record", "the record's"), ("external", "your")):
        if key in scores:
            _show_eras(scores[key], f"{title}. The model's yearly index against {against}")
    relation = scores["record"]["relation"]
    if relation["years"]:
        console.print(
            f"The model's yearly median R against the record's index: Spearman "
            f"{_score(relation['spearman'])}, sign agreement {_score(relation['sign_agreement'])}"
            f" ({relation['years']} years; R has its own scale, so no CRPS)."
        )
    _show_outcomes(scores["record"], scores["calibrate_until"])
    for label, placebo in scores["record"]["placebo"].items():
        if placebo["skipped"]:
            console.print(f"Placebo {label} not run: {placebo['skipped']}.")


def _score(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _show_eras(scores: dict[str, Any], title: str) -> None:
    """For each era, and in and out of sample, each score of the model beside the
    baselines' and the placebos', and how many of them the model beats."""
    from parley.compare.record import SCORE_NAMES, SCORES, score_rows

    rows = score_rows(scores)
    if not rows:
        console.print(f"{title}: no year of the index falls in the scenario's period.")
        return
    rivals = list(rows[0]["others"])
    table = Table(title=f"{title}, beside baselines forecast at the cut and placebos")
    for column in ("era", "score", "model", *rivals, "model beats"):
        table.add_column(column, justify="left" if column in ("era", "score") else "right")
    for row in rows:
        place = SCORES.index(row["score"])
        label = {0: row["span"], 1: f"  ({row['years']} years)"}.get(place, "")
        table.add_row(
            label,
            SCORE_NAMES[row["score"]],
            _score(row["model"]),
            *(_score(value) for value in row["others"].values()),
            f"{row['beats']} of {row['rivals']}",
            end_section=place == len(SCORES) - 1,
        )
    console.print(table)


def _show_outcomes(record: dict[str, Any], cut: int) -> None:
    """The dated outcomes: the share of runs by the end, the most likely year, Brier and
    CRPS (in years), and the placebos' CRPS."""
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
            _text(outcome["mode_year"]),
            _score(outcome["brier"], 3),
            _score(outcome["crps"]),
            *(_score(p["outcomes"][n]["crps"]) for p in record["placebo"].values()),
        )
    console.print(table)


class MethodChoice(enum.StrEnum):
    morris = "morris"
    sobol = "sobol"


@app.command("sensitivity")
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
    from parley.experiments import sensitivity as sa
    from parley.experiments.executors import open_executor
    from parley.experiments.store import atomic_write, write_tables

    if out is not None and out.exists() and any(out.iterdir()):
        raise InputError("results are already there", Location(str(out)), "a new --out folder")
    model, names = _applied(scenario, set_), _names(params)
    with _progress(quiet, "samples") as progress, open_executor(workers, scheduler) as executor:
        result = sa.sensitivity(model, method.value, names, samples, runs, seed, executor, progress)
    if out is not None:
        write_tables({"samples": result.samples, "indices": result.indices}, out)
        atomic_write(out / "sensitivity.png", lambda path: sa.plot(result, path))
    if format is TableOrJson.json:
        _json({"method": result.method, "indices": result.indices.to_dict("records")})
        return
    order = "mu_star" if result.method == "morris" else "ST"
    for metric, rows in result.indices.groupby("metric", sort=False):
        top = rows.sort_values(order, ascending=False).head(5).drop(columns="metric")
        console.print(
            _rich_table(top.round(4), title=f"{metric}: the 5 parameters that matter most")
        )


@app.command("report")
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
    from parley.experiments.store import atomic_write

    model, overrides = _model(scenario, params, None)
    model = api.apply_overrides(model, overrides) if overrides else model
    with _progress(quiet, "chunks") as progress:
        how = _execution(workers, scheduler, progress)
        page = api.report(model, runs, seed, tuple(set_ or ()), index, chunk, how)

    def write(path: str) -> None:
        Path(path).write_text(page, encoding="utf-8")

    atomic_write(out, write)
    typer.echo(f"report written: {out} ({len(page) // 1024} KiB)")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    corpus: Annotated[
        Path | None, typer.Option(help="The source texts, to quote passages in the pages.")
    ] = None,
    scenarios: Annotated[
        Path | None, typer.Option(help="A folder of scenario files to serve beside the built-ins.")
    ] = None,
    max_runs: Annotated[int, typer.Option(min=1, help="Runs allowed per request.")] = 5000,
) -> None:
    """Serve the web app: the record explorer, the scenario explorer and the what-if page."""
    import uvicorn

    from parley.web.app import Limits, create_app

    app_ = create_app(corpus, scenarios, Limits(max_runs=max_runs))
    typer.echo(f"parley serves http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.command("calibrate")
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
    from parley.experiments import calibrate as cal
    from parley.experiments.executors import open_executor

    if out is not None and out.exists():
        raise InputError("the file is already there", Location(str(out)), "a new --out file")
    model, names = _applied(scenario, set_), _names(params)
    targets = cal.targets_until(model, api.load_record(), until)
    with _progress(quiet, "parameter sets") as progress, open_executor(workers, scheduler) as ex:
        found = cal.calibrate(model, targets, names, budget, runs, seed, ex, progress)
    # Only now, with the fit done, are the years after --until looked at.
    overrides = tuple(f"parameters.{k}.value={v!r}" for k, v in found["parameters"].items())
    scores = {
        label: api.compare_scenario(api.run_scenario(model, runs, seed, sets), until, placebo=False)
        for label, sets in (("before", ()), ("after", overrides))
    }
    result = {
        "scenario": model.name,
        "until": until,
        "parameters": found["parameters"],
        "in_sample_fit": {"before": found["baseline_fit"], "after": found["fit"]},
        "out_of_sample": {k: v["record"]["out_of_sample"] for k, v in scores.items()},
        "in_sample": {k: v["record"]["in_sample"] for k, v in scores.items()},
    }
    if out is not None:
        header = [
            f"Fitted by parley calibrate {model.name} --until {until} --budget {budget} "
            f"--runs {runs} --seed {seed}",
            f"In-sample fit (to {until}): {found['baseline_fit']['fit']:.3f} before, "
            f"{found['fit']['fit']:.3f} after.",
        ]
        cal.write_overlay(out, found["parameters"], header)
    if format is TableOrJson.json:
        _json(result)
        return
    rows = [
        {"": label, "fit to " + str(until): result["in_sample_fit"][label]["fit"],
         "spearman to " + str(until): result["in_sample"][label]["spearman"],
         "spearman after": result["out_of_sample"][label]["spearman"],
         "sign agreement after": result["out_of_sample"][label]["sign_agreement"]}
        for label in ("before", "after")
    ]  # fmt: skip
    console.print(_rich_table(pd.DataFrame(rows).round(3), title=f"Calibrated to {until}"))
    changed = pd.DataFrame(
        [
            {"parameter": k, "before": model.parameters[k].value, "after": v}
            for k, v in found["parameters"].items()
        ]
    )
    console.print(_rich_table(changed.round(4), title="Parameters"))


class ModelChoice(enum.StrEnum):
    eu = "eu"
    compromise = "compromise"
    median = "median"
    all = "all"


class InputFormatChoice(enum.StrEnum):
    ktab = "ktab"
    tidy = "tidy"
    bdm = "bdm"


@app.command("bargain")
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
        _json(data)
        return
    if format is TableFormat.csv:
        shown = result.trace if result.trace is not None else frame
        shown.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    console.print(_rich_table(frame.round(4), title=f"Forecasts for {result.problem.name}"))
    if result.trace is not None:
        first = result.trace[result.trace["run"] == 0]
        for dimension, group in first.groupby("dimension", sort=False):
            wide = group.pivot(index="actor", columns="round", values="position")
            wide = wide.loc[list(result.problem.actors)].round(3).reset_index()
            console.print(_rich_table(wide, title=f"EU positions by round, {dimension} (run 0)"))


def main(argv: list[str] | None = None) -> None:
    """Run the command line; a ParleyError or a usage error is one line and exit status 2."""
    try:
        code = app(args=argv, prog_name="parley", standalone_mode=False)
    except ParleyError as exc:
        typer.echo(f"parley: error: {exc}", err=True)
        raise SystemExit(2) from None
    except TyperException as exc:  # a usage error: unknown option, bad value
        typer.echo(f"parley: error: {exc.format_message()}", err=True)
        raise SystemExit(2) from None
    except Abort:
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)
