"""What the commands share: output formats, the console, JSON, tables and the progress bar.

Nothing heavy is imported here: Rich and pandas are loaded only by the helpers that need
them, when a command calls them, so that ``parley --help`` and ``parley --version`` start
quickly (importing :mod:`parley.api` costs next to nothing).
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from parley import api

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table
    from typer._click.core import Context


__all__ = [
    "Chunk",
    "Command",
    "Format",
    "Group",
    "Index",
    "Overrides",
    "ParamsFile",
    "Quiet",
    "Runs",
    "ScenarioArg",
    "Scheduler",
    "Seed",
    "TableFormat",
    "TableOrJson",
    "TableOrJsonFormat",
    "Workers",
    "console",
    "execution",
    "frame_table",
    "print_json",
    "progress_bar",
    "table",
    "text",
]


class Command(TyperCommand):
    """A command whose ``--help`` row shows no ``<bool>``: Typer gives the help option no
    metavar, so its rich help prints the flag's type."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        found = super().get_help_option(ctx)
        if found is not None:
            found.metavar = ""
        return found


class Group(TyperGroup):
    """A group of commands whose ``--help`` row shows no ``<bool>``, as :class:`Command`."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        found = super().get_help_option(ctx)
        if found is not None:
            found.metavar = ""
        return found


class TableFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class TableOrJson(enum.StrEnum):
    table = "table"
    json = "json"


# Every option says what it does and gives an example ("e.g."): tests/test_cli_help.py
# checks them all. A flag is a --name/--no-name switch, and metavar="" keeps Typer from
# printing <bool> beside it.
Runs = Annotated[
    int,
    typer.Option(
        min=1,
        metavar="N",
        help="Runs in the ensemble; more runs give tighter bands, e.g. --runs 500.",
    ),
]
Seed = Annotated[
    int,
    typer.Option(
        min=0,
        metavar="SEED",
        help="The seed the runs' own seeds are drawn from; the same seed gives the same "
        "results, e.g. --seed 7.",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        min=1,
        metavar="N",
        help="Local processes to run chunks in (default: the number of cores; 1 runs in "
        "this process alone), e.g. --workers 4.",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        metavar="ADDRESS",
        help="Run chunks on a Dask cluster instead (the 'dask' extra), "
        "e.g. --scheduler tcp://127.0.0.1:8786.",
    ),
]
Chunk = Annotated[
    int,
    typer.Option(
        min=1,
        metavar="N",
        help="Runs per chunk, the unit of work sent to a process and kept by --out; it "
        "changes no result, e.g. --chunk 250.",
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet/--no-quiet",
        metavar="",
        help="No progress bar or status on stderr (there is none either when stderr is "
        "not a terminal), e.g. --quiet.",
    ),
]
ScenarioArg = Annotated[
    str,
    typer.Argument(
        metavar="SCENARIO",
        help="A built-in scenario (parley scenarios lists them) or a scenario file, "
        "e.g. my-dispute.yaml.",
    ),
]
Overrides = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override an input of the scenario, repeatable; a path walks its fields and "
        "names list entries by id, e.g. --set parameters.incident-hazard=0.02.",
    ),
]
ParamsFile = Annotated[
    Path | None,
    typer.Option(
        "--params",
        metavar="FILE",
        help="A parameter overlay (YAML, as parley calibrate --out writes it), applied "
        "before any --set, e.g. --params fitted.yaml.",
    ),
]
Index = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="Also score against your own yearly index, a CSV of period,value, "
        "e.g. --index my-index.csv.",
    ),
]
Format = Annotated[
    TableFormat,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="A table for people, or CSV or JSON for programs, e.g. --format csv.",
    ),
]
TableOrJsonFormat = Annotated[
    TableOrJson,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="A table for people, or JSON for programs, e.g. --format json.",
    ),
]


@cache
def console() -> Console:
    """The Rich console on stdout, made on first use."""
    from rich.console import Console

    found = Console()
    if not found.is_terminal:  # piped or captured: a page-wide table rather than 80 columns
        found.width = 140
    return found


def print_json(data: Any) -> None:
    """``data`` as strict JSON: a NaN or an infinity is printed as null."""
    strict = json.dumps(
        api.json_ready(data), indent=2, ensure_ascii=False, default=str, allow_nan=False
    )
    sys.stdout.write(strict + "\n")


def table(columns: Iterable[Any], rows: Iterable[Sequence[Any]], title: str | None = None) -> Table:
    """A Rich table of ``rows`` under ``columns``, each cell as ``text`` shows it."""
    from rich.table import Table

    shown = Table(title=title, show_lines=False)
    for column in columns:
        shown.add_column(str(column), overflow="fold")
    for row in rows:
        shown.add_row(*(text(value) for value in row))
    return shown


def frame_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    return table(frame.columns, frame.itertuples(index=False), title)


def text(value: Any) -> str:
    """A table cell: empty for a missing value (None, NaN, pandas NA or NaT)."""
    if value is None:
        return ""
    try:
        missing = bool(value != value)  # NaN and NaT are not equal to themselves
    except TypeError:  # pandas NA is neither equal nor unequal to anything
        missing = True
    return "" if missing else str(value)


@contextmanager
def progress_bar(
    quiet: bool,
    stages: Sequence[str] = ("runs",),
    runs_per_step: int = 1,
    then: str | None = None,
) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr that counts runs, with an ETA; None if quiet or if
    stderr is not a terminal (a pipe or a file gets no bar, and stdout never gets one).

    The callback is fed (done, total) by each of ``stages`` in turn, ensembles of the same
    size one after the other (a stage ends when done reaches total), and each unit it
    counts is ``runs_per_step`` runs: 1 for an ensemble, which counts runs, or the runs
    per sample where the steps are samples. The bar shows the stage's name and the runs
    done of every stage's runs. After the last stage, ``then`` (what the command does
    next, such as drawing figures) is shown with a spinner until the command is done.
    """
    from rich.console import Console

    terminal = Console(stderr=True)
    if quiet or not terminal.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.status import Status

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    status: Status | None = None
    stage, before, size, ended = 0, 0, 0, False
    with Progress(*columns, console=terminal, transient=True) as bar:
        task = bar.add_task(stages[0], total=None)

        def update(done: int, total: int) -> None:
            nonlocal status, stage, before, size, ended
            if ended:  # the stage before has finished: this is the next one
                stage, before, ended = stage + 1, before + size, False
            size = total * runs_per_step
            left = max(len(stages) - stage, 1)  # this stage and those still to come
            bar.update(
                task,
                description=stages[min(stage, len(stages) - 1)],
                completed=before + done * runs_per_step,
                total=before + size * left,
            )
            ended = done >= total
            if ended and stage >= len(stages) - 1 and then is not None and status is None:
                bar.stop()
                status = terminal.status(then)
                status.start()

        try:
            yield update
        finally:
            if status is not None:
                status.stop()


def execution(
    command: str,
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    out: Path | None = None,
    resume: bool = False,
) -> api.Execution:
    """Where ``parley COMMAND`` runs its ensembles; a Dask ``scheduler`` needs the 'dask'
    extra."""
    if scheduler is not None:
        api.require_extra("dask", f"parley {command}", "a Dask cluster (--scheduler)")
    return api.Execution(workers, scheduler, out, resume, progress)
