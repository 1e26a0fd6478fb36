"""``parley scenarios`` and ``parley scenario``: the built-in scenarios, checks, the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley import api
from parley.cli.shared import TableOrJson, console, frame_table, print_json

__all__ = ["app", "scenarios"]

app = typer.Typer(
    help="Scenarios: write a new one, check a file, list the parameters, print the JSON Schema.",
    no_args_is_help=True,
)


def scenarios() -> None:
    """The built-in scenarios, one line each."""
    for row in api.list_scenarios():
        typer.echo(f"{row['name']:<22} {row['period']:<34} {row['title']}")


@app.command("new")
def scenario_new(
    file: Annotated[Path, typer.Argument(help="The scenario file to write (must not exist).")],
) -> None:
    """Write a small, commented, runnable scenario of a two-state dispute, to edit."""
    written = api.new_scenario(file)
    typer.echo(f"scenario written: {written} (check it: parley scenario check {written})")


@app.command("parameters")
def scenario_parameters(
    format: Annotated[
        TableOrJson, typer.Option("--format", case_sensitive=False)
    ] = TableOrJson.table,
) -> None:
    """Every parameter of the model, with its default, range, meaning and source."""
    frame = api.parameters()
    if format is TableOrJson.json:
        print_json(api.frame_records(frame))
        return
    console().print(frame_table(frame, title=f"{len(frame)} parameters, with their defaults"))


@app.command("check")
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
    counts += f"{len(scenario.shocks)} shocks, {len(scenario.parameters)} parameters changed"
    counts += f", record: {scenario.record or 'none'}"
    typer.echo(f"scenario OK: {scenario.name} ({counts})")


@app.command("schema")
def scenario_schema() -> None:
    """Print the JSON Schema of scenario files."""
    print_json(api.scenario_schema())
