"""``parley record``: check the cited record, query it, export it."""

import csv
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from parley import api
from parley.cli.shared import (
    Command,
    Format,
    Group,
    TableFormat,
    console,
    frame_table,
    print_json,
    text,
)

__all__ = ["app"]

app = typer.Typer(
    cls=Group,
    help="The cited record: check, query, export.",
    no_args_is_help=True,
)


class TimelineFormat(enum.StrEnum):
    table = "table"
    timelinejs = "timelinejs"


class By(enum.StrEnum):
    year = "year"
    quarter = "quarter"
    month = "month"


RecordDir = Annotated[
    Path | None,
    typer.Option(
        "--record",
        metavar="DIR",
        help="A record folder to use instead of the built-in one, e.g. --record my-record.",
    ),
]


@app.command("check", cls=Command)
def record_check(
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="A folder of source texts: also check every passage's hash against them, "
            "e.g. --corpus ../shared/corpus.",
        ),
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


@app.command("events", cls=Command)
def record_events(
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATE",
            help="Events ending on or after this EDTF date: a year, a month, a day or a "
            "decade such as 196X, e.g. --from 1969-03.",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DATE",
            help="Events starting on or before this EDTF date, e.g. --to 1969.",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            metavar="ID",
            help="Events of an actor (an id of actors.yaml); a state matches the actors "
            "that act for it too, e.g. --actor north.",
        ),
    ] = None,
    issue: Annotated[
        str | None,
        typer.Option(
            metavar="ID",
            help="Events on an issue (an id of issues.yaml), its parts included, "
            "e.g. --issue river-border.",
        ),
    ] = None,
    format: Format = TableFormat.table,
    record: RecordDir = None,
) -> None:
    """Events of the record, in date order, filtered by period, actor and issue."""
    from rich.table import Table

    frame = api.record_events(start, end, actor, issue, record)
    if format is TableFormat.json:
        frame = frame.assign(start=frame["start"].astype(str), end=frame["end"].astype(str))
        print_json(api.frame_records(frame))
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
        source, target = text(row.source_actor), text(row.target_actor)
        who = f"{source} -> {target}" if target else source
        when, headline = api.describe_date(str(row.date)), text(row.headline)
        table.add_row(when, headline, who, *map(text, (row.cameo, row.plover, row.goldstein)))
        table.add_row("", f"[dim]{text(row.summary)}[/dim]", "", "", "", "", text(row.claim))
    console().print(table)


@app.command("index", cls=Command)
def record_index(
    by: Annotated[
        By, typer.Option(case_sensitive=False, help="The length of a period, e.g. --by quarter.")
    ] = By.year,
    format: Format = TableFormat.table,
    record: RecordDir = None,
) -> None:
    """The record index: events between its dyad per period, net and mean Goldstein."""
    frame = api.record_index(by.value, record)
    if format is TableFormat.json:
        print_json(api.frame_records(frame))
    elif format is TableFormat.csv:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        shown = frame.round(2)
        console().print(frame_table(shown, title="Record index (both directions)"))


@app.command("claims", cls=Command)
def record_claims(
    format: Format = TableFormat.table,
    record: RecordDir = None,
) -> None:
    """Where the sources disagree: each claim, its alternatives and who holds each."""
    from rich.table import Table

    claims = api.record_claims(record)
    if format is TableFormat.json:
        print_json(claims)
        return
    rows = [
        (
            claim["id"],
            claim["question"],
            alternative["id"],
            alternative["statement"],
            alternative["held_by"],
            ";".join(f"{p['source']}[{p['start']}:{p['end']}]" for p in alternative["passages"]),
        )
        for claim in claims
        for alternative in claim["alternatives"]
    ]
    if format is TableFormat.csv:  # one row per alternative, its claim repeated
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["claim", "question", "alternative", "statement", "held_by", "passages"])
        writer.writerows(rows)
        return
    table = Table(title=f"{len(claims)} contested claims", show_lines=True)
    for column in ("claim", "alternative", "held by", "passages"):
        table.add_column(column, overflow="fold")
    shown = None
    for claim, question, _, statement, held_by, cites in rows:
        first = claim != shown
        table.add_row(question if first else "", statement, held_by, cites.replace(";", "; "))
        shown = claim
    console().print(table)


@app.command("timeline", cls=Command)
def record_timeline(
    format: Annotated[
        TimelineFormat,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="A table for people, or TimelineJS JSON for a timeline page, "
            "e.g. --format timelinejs.",
        ),
    ] = TimelineFormat.table,
    record: RecordDir = None,
) -> None:
    """The record as a timeline: a table, or TimelineJS JSON."""
    from rich.table import Table

    if format is TimelineFormat.timelinejs:
        print_json(api.record_timeline(record))
        return
    frame = api.record_events(directory=record)
    table = Table(title=f"The record: {len(frame)} events", show_lines=False)
    for column in ("when", "what", "contested"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        what = f"[bold]{text(row.headline)}[/bold]: {text(row.summary)}"
        table.add_row(api.describe_date(str(row.date)), what, text(row.claim))
    console().print(table)


@app.command("cite", cls=Command)
def record_cite(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE", help="A source id from the record's sources.yaml, e.g. chronicle."
        ),
    ],
    words: Annotated[
        str,
        typer.Argument(
            metavar="WORDS", help="A few words of the passage to find, e.g. 'exchanged fire'."
        ),
    ],
    corpus: Annotated[
        Path,
        typer.Option(
            metavar="DIR",
            help="The folder of source texts to search, e.g. --corpus ../shared/corpus.",
        ),
    ],
    exact: Annotated[
        bool,
        typer.Option(
            "--exact/--no-exact",
            metavar="",
            help="Cite just the words, not their whole sentence, e.g. --exact.",
        ),
    ] = False,
    record: RecordDir = None,
) -> None:
    """Find a passage and print its span and hash, ready to paste into a record file."""
    matches = api.cite(corpus, source, words, sentence=not exact, directory=record)
    if not matches:
        typer.echo(f"no match for {words!r} in {source}", err=True)
        raise typer.Exit(1)
    for match in matches:
        p = match.passage
        typer.echo(f"- {{source: {p.source}, start: {p.start}, end: {p.end}, sha256: {p.sha256}}}")


@app.command("source", cls=Command)
def record_source(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A source text (UTF-8) in a corpus folder, e.g. corpus/chronicle.txt.",
        ),
    ],
) -> None:
    """Print a text's file name, sha256 and length, ready to paste into sources.yaml."""
    found = api.describe_source(file)
    typer.echo(f"file: {found['file']}\nsha256: {found['sha256']}\nlength: {found['length']}")
