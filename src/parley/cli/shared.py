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

from parley import api

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table


__all__ = [
    "Chunk",
    "Quiet",
    "Scheduler",
    "TableFormat",
    "TableOrJson",
    "Workers",
    "console",
    "execution",
    "frame_table",
    "print_json",
    "progress_bar",
    "table",
    "text",
]


class TableFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class TableOrJson(enum.StrEnum):
    table = "table"
    json = "json"


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
def progress_bar(quiet: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar with an ETA on stderr, fed with (done, total); None if quiet or
    if stderr is not a terminal (a pipe or a file gets no bar)."""
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
