"""parley's one facade: the functions that the command line and the web app call.

Each returns plain data (DataFrames, lists, dicts); formatting belongs to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parley.errors import CorpusError, Location, QueryError
from parley.record import load as _load
from parley.record import provenance, query
from parley.record.load import Problem
from parley.record.query import Period, RecordTables

__all__ = [
    "CheckReport",
    "check_record",
    "cite",
    "load_record",
    "record_claims",
    "record_events",
    "record_index",
    "record_timeline",
]

PathLike = Path | str


def load_record(directory: PathLike | None = None) -> RecordTables:
    """The record as DataFrames (``.events``, ``.claims``, ``.actors``, ...).

    With no ``directory``, the built-in Sino-Soviet record. Raises RecordError if any
    file is malformed.
    """
    return query.tables(_load.load_record(directory))


@dataclass(frozen=True)
class CheckReport:
    """What ``parley record check`` found."""

    problems: tuple[Problem, ...]
    counts: dict[str, int]
    hashes_checked: bool

    @property
    def ok(self) -> bool:
        return not self.problems


def check_record(directory: PathLike | None = None, corpus: PathLike | None = None) -> CheckReport:
    """Validate a record folder; with ``corpus``, recompute every hash from the texts."""
    record, problems = _load.read_record(directory)
    if corpus is not None:
        folder = Path(corpus)
        if not folder.is_dir():
            raise CorpusError("no such corpus folder", Location(str(folder)), "a folder of texts")
        problems = problems + provenance.check_corpus(record, folder)
    counts = {
        "sources": len(record.sources),
        "actors": len(record.actors),
        "issues": len(record.issues),
        "events": len(record.events),
        "claims": len(record.claims),
        "passages": sum(1 for _ in record.citations()),
    }
    return CheckReport(tuple(problems), counts, corpus is not None)


def record_events(
    start: str | None = None,
    end: str | None = None,
    actor: str | None = None,
    issue: str | None = None,
    directory: PathLike | None = None,
) -> pd.DataFrame:
    """Events overlapping ``[start, end]`` (EDTF), optionally by actor and issue."""
    data = load_record(directory)
    return query.query_events(data, start=start, end=end, actor=actor, issue=issue)


def record_index(by: Period = "year", directory: PathLike | None = None) -> pd.DataFrame:
    """The record's PRC-USSR index per year, quarter or month, 1949-1991."""
    return query.record_index(load_record(directory), by=by)


def record_claims(directory: PathLike | None = None) -> list[dict[str, Any]]:
    """Contested claims, each with its alternatives, holders and passages."""
    return query.claims_list(load_record(directory))


def record_timeline(directory: PathLike | None = None) -> dict[str, Any]:
    """The record as TimelineJS JSON."""
    return query.timeline(load_record(directory))


def cite(
    corpus: PathLike, source_id: str, words: str, *, sentence: bool = True
) -> list[provenance.Match]:
    """Where ``words`` occur in a source of the built-in record, as passages to cite."""
    record = _load.load_record()
    sources = {source.id: source for source in record.sources}
    if source_id not in sources:
        known = ", ".join(sorted(sources))
        raise QueryError(f"unknown source {source_id!r}", hint=f"one of {known}")
    text = provenance.read_source(Path(corpus), sources[source_id])
    return provenance.find_spans(text, source_id, words, sentence=sentence)
