"""``parley scenarios`` and ``parley scenario``: the built-in scenarios, checks, the schema."""

from __future__ import annotations

import csv
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
    table,
)

__all__ = ["app", "scenarios"]

app = typer.Typer(
    cls=Group,
    help="Scenarios: write a new one, check a file, list the parameters, print the JSON Schema.",
    no_args_is_help=True,
)


def scenarios(format: Format = TableFormat.table) -> None:
    """The built-in scenarios: name, period and title."""
    rows = api.list_scenarios()
    if format is TableFormat.json:
        print_json(rows)
        return
    columns = ["name", "period", "title"]
    if format is TableFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row[column] for column in columns] for row in rows)
        return
    shown = [[row[column] for column in columns] for row in rows]
    console().print(table(columns, shown, title=f"{len(rows)} built-in scenarios"))


@app.command("new", cls=Command)
def scenario_new(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The scenario file to write, which must not exist yet, e.g. my-dispute.yaml.",
        ),
    ],
) -> None:
    """Write a small, commented, runnable scenario of a two-state dispute, to edit."""
    written = api.new_scenario(file)
    typer.echo(f"scenario written: {written} (check it: parley scenario check {written})")


@app.command("parameters", cls=Command)
def scenario_parameters(format: Format = TableFormat.table) -> None:
    """Every parameter of the model, with its default, range, meaning and source."""
    frame = api.parameters()
    if format is TableFormat.json:
        print_json(api.frame_records(frame))
        return
    if format is TableFormat.csv:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    console().print(frame_table(frame, title=f"{len(frame)} parameters, with their defaults"))


@app.command("check", cls=Command)
def scenario_check(
    file: Annotated[
        str,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file or a built-in name, e.g. my-dispute.yaml.",
        ),
    ],
) -> None:
    """Validate a scenario: every problem on one line, exit 2 if there is any."""
    scenario, problems = api.check_scenario(file)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems or scenario is None:
        raise typer.Exit(2)
    counts = f"{len(scenario.actors)} actors, {len(scenario.issues)} issues, "
    counts += f"{len(scenario.shocks)} shocks, {len(scenario.parameters)} parameters changed"
    counts += f", record: {scenario.record or 'none'}"
    typer.echo(f"scenario OK: {scenario.name} ({counts})")


@app.command("schema", cls=Command)
def scenario_schema() -> None:
    """Print the JSON Schema of scenario files."""
    print_json(api.scenario_schema())
