"""Read a record folder, and say precisely what is wrong with it.

A record folder holds five YAML files, each a list of entries: ``sources.yaml``,
``actors.yaml``, ``issues.yaml``, ``events.yaml`` and ``claims.yaml``. :func:`read_record`
validates every entry and every cross-reference and returns all the problems it found,
each with its file, line, column, entry id and field. :func:`load_record` returns the
record or raises :class:`~parley.errors.RecordError` naming the first problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from parley.errors import Location, RecordError
from parley.record import dates
from parley.record.schema import Actor, Claim, Event, Issue, Passage, RecordInfo, Source
from parley.yamlfile import Document, FieldPath, Problem, field_name, plain, read_yaml

__all__ = [
    "Citation",
    "Problem",
    "Record",
    "builtin_records",
    "load_record",
    "read_record",
    "record_folder",
]

FILES: dict[str, type[BaseModel]] = {
    "sources": Source,
    "actors": Actor,
    "issues": Issue,
    "events": Event,
    "claims": Claim,
}
M = TypeVar("M", bound=BaseModel)


def builtin_records() -> dict[str, Path]:
    """The records that ship inside the package, by name (folder names with ``-``)."""
    root = Path(str(files("parley").joinpath("data")))
    return {
        folder.name.replace("_", "-"): folder / "record"
        for folder in sorted(root.iterdir())
        if (folder / "record").is_dir()
    }


def record_folder(record: Path | str | None = None, base: Path | None = None) -> Path:
    """A record's folder: a built-in record's name, or a folder (relative to ``base``).

    With no record, the first built-in record.
    """
    builtin = builtin_records()
    if record is None:
        return next(iter(builtin.values()))
    if isinstance(record, str) and record in builtin:
        return builtin[record]
    folder = Path(record)
    return folder if base is None or folder.is_absolute() else base / folder


@dataclass(frozen=True)
class Citation:
    """One passage as cited by one entry: ``events.yaml``, ``ev-x``, ``passages[0]``."""

    kind: str
    entry_id: str
    path: FieldPath
    passage: Passage


@dataclass(frozen=True)
class Record:
    """A validated record. Its entries are frozen models; see :mod:`parley.record.query`."""

    directory: Path
    info: RecordInfo
    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    events: tuple[Event, ...]
    claims: tuple[Claim, ...]
    _documents: Mapping[str, Document] = field(default_factory=dict, repr=False, compare=False)
    _index: Mapping[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)

    def citations(self) -> Iterator[Citation]:
        """Every passage the record cites, with the entry and field that cite it."""
        for actor in self.actors:
            for i, passage in enumerate(actor.passages):
                yield Citation("actors", actor.id, ("passages", i), passage)
        for issue in self.issues:
            for j, state in enumerate(issue.states):
                for i, passage in enumerate(state.passages):
                    yield Citation("issues", issue.id, ("states", j, "passages", i), passage)
        for event in self.events:
            for i, passage in enumerate(event.passages):
                yield Citation("events", event.id, ("passages", i), passage)
        for claim in self.claims:
            for j, alternative in enumerate(claim.alternatives):
                for i, passage in enumerate(alternative.passages):
                    path = ("alternatives", j, "passages", i)
                    yield Citation("claims", claim.id, path, passage)

    def locate(self, kind: str, entry_id: str, path: FieldPath = ()) -> Location:
        """The file, line and field of an entry (or of a field inside it)."""
        document = self._documents.get(kind)
        if document is None:
            return Location(f"{kind}.yaml", field=": ".join(filter(None, [entry_id])))
        index = self._index.get((kind, entry_id))
        full: FieldPath = (index, *path) if index is not None else ()
        return document.locate(full, entry_id)


def _parse_entries(
    model: type[M], document: Document, problems: list[Problem]
) -> list[tuple[int, M]]:
    entries: list[tuple[int, M]] = []
    for index, raw in enumerate(document.root):
        entry_id = raw.get("id") if isinstance(raw, dict) else None
        entry_id = entry_id if isinstance(entry_id, str) else None
        if not isinstance(raw, dict):
            location = document.locate((index,), entry_id)
            problems.append(Problem(location, "expected a mapping of fields"))
            continue
        try:
            entries.append((index, model.model_validate(plain(raw))))
        except ValidationError as exc:
            for error in exc.errors():
                path: FieldPath = (index, *(step for step in error["loc"]))
                message = str(error["msg"]).removeprefix("Value error, ")
                problems.append(Problem(document.locate(path, entry_id), message))
    return entries


_NOT_EMPTY = ("sources", "actors", "events")  # a record with none of these says nothing


def read_record(directory: Path | str | None = None) -> tuple[Record, list[Problem]]:
    """Read and validate a record folder; return what could be read and every problem."""
    folder = record_folder(directory)
    problems: list[Problem] = []
    if not folder.is_dir():
        names = ", ".join(builtin_records())
        problems.append(
            Problem(Location(str(folder)), f"no such record folder (or built-in record: {names})")
        )
    info = _read_info(folder, problems)
    documents: dict[str, Document] = {}
    parsed: dict[str, list[tuple[int, Any]]] = {}
    for kind, model in FILES.items():
        document = (
            read_yaml(folder / f"{kind}.yaml", problems, what="record file")
            if folder.is_dir()
            else None
        )
        if document is None:
            parsed[kind] = []
            continue
        documents[kind] = document
        parsed[kind] = _parse_entries(model, document, problems)
        if kind in _NOT_EMPTY and not document.root:
            problems.append(Problem(Location(str(document.path), 1, 1), f"no {kind} in the file"))

    index: dict[tuple[str, str], int] = {}
    for kind, entries in parsed.items():
        first_line: dict[str, int | None] = {}
        unique = []
        for position, entry in entries:
            if entry.id in first_line:
                location = documents[kind].locate((position, "id"), entry.id)
                problems.append(
                    Problem(location, f"duplicate id (first at line {first_line[entry.id]})")
                )
                continue
            first_line[entry.id] = documents[kind].position((position,))[0]
            index[(kind, entry.id)] = position
            unique.append((position, entry))
        parsed[kind] = unique

    by_kind = {kind: tuple(entry for _, entry in parsed[kind]) for kind in FILES}
    record = Record(
        folder,
        info=info,
        sources=by_kind["sources"],
        actors=by_kind["actors"],
        issues=by_kind["issues"],
        events=by_kind["events"],
        claims=by_kind["claims"],
        _documents=documents,
        _index=index,
    )
    problems.extend(_cross_reference(record))
    return record, problems


def _read_info(folder: Path, problems: list[Problem]) -> RecordInfo:
    """The record's ``record.yaml``, or a title from the folder's name if it has none."""
    default = RecordInfo(title=f"The record in {folder.name}")
    path = folder / "record.yaml"
    if not path.is_file():
        return default
    document = read_yaml(path, problems, expect=dict, what="record description")
    if document is None:
        return default
    try:
        return RecordInfo.model_validate(plain(document.root))
    except ValidationError as exc:
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            loc = tuple(error["loc"])
            line, column = document.position(loc)
            where = Location(str(path), line, column, field_name(loc) or None)
            problems.append(Problem(where, message))
        return default


def _cross_reference(record: Record) -> Iterator[Problem]:
    actors = {actor.id: actor for actor in record.actors}
    issues = {issue.id for issue in record.issues}
    claims = {claim.id for claim in record.claims}
    sources = {source.id: source for source in record.sources}

    def missing(kind: str, entry: str, path: FieldPath, what: str, value: str) -> Problem:
        return Problem(record.locate(kind, entry, path), f"unknown {what} {value!r}")

    for actor in record.actors:
        if actor.state is not None:
            if actor.state not in actors:
                yield missing("actors", actor.id, ("state",), "actor", actor.state)
            elif actors[actor.state].kind != "state":
                yield Problem(
                    record.locate("actors", actor.id, ("state",)),
                    f"{actor.state!r} is not an actor of kind 'state'",
                )
    for issue in record.issues:
        if issue.part_of is not None and issue.part_of not in issues:
            yield missing("issues", issue.id, ("part_of",), "issue", issue.part_of)
    for event in record.events:
        for name in ("source_actor", "target_actor"):
            value = getattr(event, name)
            if value is not None and value not in actors:
                yield missing("events", event.id, (name,), "actor", value)
        for i, issue_id in enumerate(event.issues):
            if issue_id not in issues:
                yield missing("events", event.id, ("issues", i), "issue", issue_id)
        if event.claim is not None and event.claim not in claims:
            yield missing("events", event.id, ("claim",), "claim", event.claim)
    for claim in record.claims:
        for i, issue_id in enumerate(claim.issues):
            if issue_id not in issues:
                yield missing("claims", claim.id, ("issues", i), "issue", issue_id)
    yield from _conventions(record)
    yield from _tenures(record, actors)
    yield from _claim_passages(record)
    for citation in record.citations():
        passage = citation.passage
        source = sources.get(passage.source)
        path = (*citation.path, "source")
        if source is None:
            yield missing(citation.kind, citation.entry_id, path, "source", passage.source)
        elif passage.end > source.length:
            yield Problem(
                record.locate(citation.kind, citation.entry_id, (*citation.path, "end")),
                f"passage {passage.key} ends beyond the text of {source.id!r}, "
                f"which is {source.length} characters long",
            )


def _possible_days(text: str) -> tuple[dt.date, dt.date]:
    """The days an event may fall on: an open end reaches as far as the calendar does."""
    first, last = dates.bounds(text)
    start, _, end = text.partition("/")
    return (dt.date.min if start == ".." else first, dt.date.max if end == ".." else last)


def _conventions(record: Record) -> Iterator[Problem]:
    """A date is plain, or of the form of the convention it names (see ``dates.CONVENTIONS``)."""
    known = ", ".join(dates.CONVENTIONS)
    for event in record.events:
        name, date = event.date_convention, event.date
        if name is None:
            message = (
                None
                if dates.is_exact(date)
                else f"{date!r} is not a plain year, month or day: name its date_convention "
                f"(one of {known})"
            )
        elif name not in dates.CONVENTIONS:
            message = f"unknown date_convention {name!r} (expected one of {known})"
        elif not dates.CONVENTIONS[name].matches(date):
            message = (
                f"{date!r} is not of the form {name!r} gives: {dates.CONVENTIONS[name].writes}"
            )
        elif name == "context" and not event.coding_note:
            message = "a date by context needs a coding_note that names the dated sentences"
        else:
            message = None
        if message is not None:
            yield Problem(record.locate("events", event.id, ("date",)), message)


def _tenures(record: Record, actors: Mapping[str, Actor]) -> Iterator[Problem]:
    """An event whose actor is a leader must be able to fall within the leader's tenure."""
    for event in record.events:
        first, last = _possible_days(event.date)
        for name in ("source_actor", "target_actor"):
            leader = actors.get(getattr(event, name) or "")
            if leader is None or leader.kind != "leader":
                continue
            since = dates.bounds(leader.since)[0] if leader.since else dt.date.min
            until = dates.bounds(leader.until)[1] if leader.until else dt.date.max
            if last < since or first > until:
                tenure = f"{leader.since or '..'}/{leader.until or '..'}"
                yield Problem(
                    record.locate("events", event.id, ("date",)),
                    f"{event.date} falls outside the tenure of {leader.id!r} ({tenure})",
                )


def _claim_passages(record: Record) -> Iterator[Problem]:
    """Each alternative of a claim rests on passages that the claim's events cite."""
    for claim in record.claims:
        cited = [p for e in record.events if e.claim == claim.id for p in e.passages]
        for j, alternative in enumerate(claim.alternatives):
            for i, passage in enumerate(alternative.passages):
                if passage not in cited:
                    yield Problem(
                        record.locate("claims", claim.id, ("alternatives", j, "passages", i)),
                        f"alternative {alternative.id!r} cites {passage.key}, which no event "
                        f"of the claim cites",
                    )


def load_record(directory: Path | str | None = None) -> Record:
    """Load a record: a built-in record's name or a folder (the first built-in by default).

    Raises RecordError, naming the first problem, if anything is wrong.
    """
    record, problems = read_record(directory)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'parley record check')"
        first = problems[0]
        raise RecordError(first.message + (more if len(problems) > 1 else ""), first.location)
    return record
