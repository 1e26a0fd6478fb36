"""``parley scenarios`` and ``parley scenario``: the built-in scenarios, checks, the schema."""

from typing import Annotated

import typer

from parley import api
from parley.cli.shared import print_json

__all__ = ["app", "scenarios"]

app = typer.Typer(help="Scenarios: check a file, print the JSON Schema.", no_args_is_help=True)


def scenarios() -> None:
    """The built-in scenarios, one line each."""
    for row in api.list_scenarios():
        typer.echo(f"{row['name']:<22} {row['period']:<34} {row['title']}")


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
    counts += f"{len(scenario.shocks)} shocks, {len(scenario.parameters)} parameters"
    typer.echo(f"scenario OK: {scenario.name} ({counts})")


@app.command("schema")
def scenario_schema() -> None:
    """Print the JSON Schema of scenario files."""
    print_json(api.scenario_schema())
