"""Results on disk: Parquet tables, chunk files and a DuckDB run catalog.

An ``--out`` folder holds one ensemble:

- ``NAME.parquet``: the tidy tables, with nothing from the clock or the host in them;
- ``chunks/NNNNNN.npz``: each finished chunk's arrays, so that ``--resume`` can go on
  from them;
- ``catalog.duckdb``: the attempts (scenario sha256, overrides, seed, runs, chunk size,
  executor, parley version, status, start and end) and the chunks (runs, file, sha256,
  seconds, host, when).

Every file is written to a temporary name and then renamed. A chunk is trusted only if
the catalog lists it and its file still has the sha256 the catalog holds; anything else
is computed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from parley.errors import InputError, Location, OutputError
from parley.files import atomic_write, new_output_folder, output_folder
from parley.model.simulate import Outputs

__all__ = ["CATALOG", "RunMeta", "RunStore", "write_tables"]

CATALOG = "catalog.duckdb"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    attempt INTEGER, scenario TEXT, scenario_sha256 TEXT, overrides TEXT, seed BIGINT,
    runs INTEGER, chunk_size INTEGER, executor TEXT, parley_version TEXT, status TEXT,
    started TIMESTAMPTZ, finished TIMESTAMPTZ);
CREATE TABLE IF NOT EXISTS chunks (
    chunk INTEGER, first_run INTEGER, runs INTEGER, file TEXT, sha256 TEXT,
    seconds DOUBLE, host TEXT, attempt INTEGER, finished TIMESTAMPTZ);
"""


def write_tables(tables: dict[str, pd.DataFrame], out: Path, overwrite: bool = False) -> list[Path]:
    """Write each table to ``out/NAME.parquet``; refuse to overwrite an earlier result."""
    output_folder(out)
    targets = {name: out / f"{name}.parquet" for name in tables}
    existing = [path for path in targets.values() if path.exists()]
    if existing and not overwrite:
        raise InputError(
            "results are already there", Location(str(existing[0])), "a new --out folder"
        )
    for name, frame in tables.items():

        def write(path: str, frame: pd.DataFrame = frame) -> None:
            frame.to_parquet(path, index=False)

        atomic_write(targets[name], write)
    return list(targets.values())


@dataclass(frozen=True)
class RunMeta:
    """What identifies an ensemble: resuming must not mix two different ones."""

    scenario: str
    scenario_sha256: str
    overrides: tuple[str, ...]
    seed: int
    runs: int
    chunk_size: int


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RunStore:
    """An ``--out`` folder for one ensemble, new or (with ``resume``) interrupted."""

    def __init__(self, folder: Path, resume: bool = False) -> None:
        self.folder = Path(folder)
        self.resume = resume
        self.catalog = self.folder / CATALOG
        self.attempt = 1

    def start(self, meta: RunMeta, executor: str) -> None:
        """Create the folder and catalog, or check that a resumed one holds this ensemble."""
        where = Location(str(self.folder))
        if self.resume:
            if not self.catalog.is_file():
                raise InputError("nothing to resume here", where, "a folder written by --out")
            self._check_same(meta)
        else:
            new_output_folder(self.folder)
        output_folder(self.folder / "chunks")
        for leftover in self.folder.glob("**/.*.tmp"):  # half-written by an interrupted run
            leftover.unlink()
        with self._catalog() as con:
            con.execute(_SCHEMA)
            self.attempt = 1 + int(con.execute("SELECT count(*) FROM attempts").fetchone()[0])  # type: ignore[index]
            con.execute(
                "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, NULL)",
                [
                    self.attempt, meta.scenario, meta.scenario_sha256, json.dumps(meta.overrides),
                    meta.seed, meta.runs, meta.chunk_size, executor, version("parley"), _now(),
                ],
            )  # fmt: skip

    @contextmanager
    def _catalog(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the catalog; a damaged or unwritable one is an error that says so."""
        try:
            with duckdb.connect(str(self.catalog), read_only=read_only) as con:
                yield con
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise OutputError(
                f"the run catalog cannot be used: {first}",
                Location(str(self.catalog)),
                "a catalog written by parley; start again in a new --out folder",
            ) from None

    def _check_same(self, meta: RunMeta) -> None:
        with self._catalog(read_only=True) as con:
            row = con.execute(
                "SELECT scenario_sha256, seed, runs, chunk_size FROM attempts "
                "ORDER BY attempt LIMIT 1"
            ).fetchone()
        if row is None:
            return
        ours = (meta.scenario_sha256, meta.seed, meta.runs, meta.chunk_size)
        names = ("scenario and overrides", "--seed", "--runs", "--chunk")
        for name, theirs, mine in zip(names, row, ours, strict=True):
            if theirs != mine:
                raise InputError(
                    f"this folder holds a different run ({name} differ)",
                    Location(str(self.catalog)),
                    "the same command as the interrupted run, with --resume",
                )

    def finished(self, sizes: dict[int, int]) -> dict[int, Outputs]:
        """The chunks a resumed run can trust: listed, present, with their sha256 and size."""
        if not self.resume:
            return {}
        with self._catalog(read_only=True) as con:
            rows = con.execute("SELECT chunk, file, sha256 FROM chunks").fetchall()
        trusted = {}
        for chunk, name, digest in rows:
            path = self.folder / name
            if chunk not in sizes or not path.is_file() or _sha256(path) != digest:
                continue
            try:
                with np.load(path, allow_pickle=False) as data:
                    arrays = {field: data[field] for field in Outputs.__dataclass_fields__}
            except (OSError, ValueError, KeyError):
                continue
            if all(len(array) == sizes[chunk] for array in arrays.values()):
                trusted[chunk] = Outputs(**arrays)
        return trusted

    def save(self, chunk: int, first_run: int, outputs: Outputs, seconds: float) -> None:
        """Write a chunk's arrays, then list it in the catalog."""
        name = f"chunks/{chunk:06d}.npz"
        target = self.folder / name
        arrays = {field: getattr(outputs, field) for field in Outputs.__dataclass_fields__}

        def write(path: str) -> None:
            with open(path, "wb") as handle:
                np.savez(handle, **arrays)

        atomic_write(target, write)
        with self._catalog() as con:
            con.execute("DELETE FROM chunks WHERE chunk = ?", [chunk])
            con.execute(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    chunk, first_run, len(outputs.relation), name, _sha256(target), seconds,
                    socket.gethostname(), self.attempt, _now(),
                ],
            )  # fmt: skip

    def finish(self, tables: dict[str, pd.DataFrame]) -> None:
        """Write the tables (again, when resuming) and mark the attempt done."""
        write_tables(tables, self.folder, overwrite=self.resume)
        with self._catalog() as con:
            con.execute(
                "UPDATE attempts SET status = 'done', finished = ? WHERE attempt = ?",
                [_now(), self.attempt],
            )
