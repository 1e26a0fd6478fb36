"""What the commands share: output formats, the console, JSON, tables and the progress bar."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

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

from parley import api

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

console = Console()
if not console.is_terminal:  # piped or captured: a page-wide table rather than 80 columns
    console.width = 140


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def frame_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(text(value) for value in row))
    return table


def text(value: Any) -> str:
    """A table cell: empty for a missing value (None, NaN, pandas NA)."""
    return "" if value is None or bool(pd.isna(value)) else str(value)


@contextmanager
def progress_bar(quiet: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
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


def execution(
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    out: Path | None = None,
    resume: bool = False,
) -> api.Execution:
    return api.Execution(workers, scheduler, out, resume, progress)
