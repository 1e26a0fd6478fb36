"""Result tables on disk: Parquet, written atomically (a temporary file, then a rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from parley.errors import InputError, Location

__all__ = ["write_tables"]


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write each table to ``out/NAME.parquet``; refuse to overwrite an earlier result."""
    out.mkdir(parents=True, exist_ok=True)
    targets = {name: out / f"{name}.parquet" for name in tables}
    existing = [path for path in targets.values() if path.exists()]
    if existing:
        raise InputError(
            "results are already there", Location(str(existing[0])), "a new --out folder"
        )
    for name, frame in tables.items():
        handle, temporary = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
        os.close(handle)
        try:
            frame.to_parquet(temporary, index=False)
            os.replace(temporary, targets[name])
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return list(targets.values())
