"""Tables of the record, and the queries over them, run in DuckDB.

:class:`RecordTables` is the record as pandas DataFrames, one row per entry (one row per
alternative for claims). The functions below answer the questions a historian asks:
which events, in what period, involving whom; how the relationship stood year by year;
where the sources disagree.

How approximate dates count in the index: an event whose date is a range (``1982/1985``,
``196X``, ``1977/1979``, ``1969`` when the index is by month) is spread evenly over the
days of that range, and each period receives the share of the event's days that fall in
it. An event dated ``1982/1985`` thus adds a quarter of an event, and a quarter of its
Goldstein value, to each of 1982, 1983, 1984 and 1985. Qualifiers ``~`` and ``?`` do not
widen the range.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd

from parley.errors import QueryError
from parley.record import dates
from parley.record.load import Record
from parley.record.schema import Actor, Event

__all__ = [
    "Period",
    "RecordTables",
    "claims_list",
    "headline",
    "query_events",
    "record_index",
    "tables",
    "timeline",
]

Period = Literal["year", "quarter", "month"]
Sides = tuple[Sequence[str], Sequence[str]]
"""The two sides of a dyad, each one or more record state ids (a state and its successors)."""


@dataclass(frozen=True)
class RecordTables:
    """The record as DataFrames. ``record`` keeps the frozen entries they came from."""

    record: Record
    sources: pd.DataFrame
    actors: pd.DataFrame
    issues: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame


def _keys(passages: Sequence[Any]) -> list[str]:
    return [passage.key for passage in passages]


def tables(record: Record) -> RecordTables:
    """Build the DataFrames of a record."""
    actors = {actor.id: actor for actor in record.actors}

    def state_of(actor_id: str | None) -> str | None:
        if actor_id is None:
            return None
        actor = actors[actor_id]
        return actor.id if actor.kind == "state" else actor.state

    event_rows = []
    for event in record.events:
        start, end = dates.bounds(event.date)
        event_rows.append(
            {
                "id": event.id,
                "date": event.date,
                "start": start,
                "end": end,
                "approximate": dates.is_approximate(event.date),
                "source_actor": event.source_actor,
                "target_actor": event.target_actor,
                "source_state": state_of(event.source_actor),
                "target_state": state_of(event.target_actor),
                "mutual": event.mutual,
                "cameo": event.cameo,
                "goldstein": event.goldstein,
                "plover": event.plover,
                "issues": list(event.issues),
                "passages": _keys(event.passages),
                "claim": event.claim,
                "headline": headline(event, actors),
                "summary": event.summary,
                "date_convention": event.date_convention,
                "coding_note": event.coding_note,
            }
        )
    claim_rows = [
        {
            "claim": claim.id,
            "question": claim.question,
            "issues": list(claim.issues),
            "alternative": alternative.id,
            "statement": alternative.statement,
            "held_by": alternative.held_by,
            "passages": _keys(alternative.passages),
        }
        for claim in record.claims
        for alternative in claim.alternatives
    ]
    return RecordTables(
        record=record,
        sources=pd.DataFrame([source.model_dump() for source in record.sources]),
        actors=pd.DataFrame(
            [actor.model_dump(exclude={"passages"}) for actor in record.actors]
        ).astype({"cow": "Int64", "gw": "Int64"}),
        issues=pd.DataFrame([issue.model_dump(exclude={"states"}) for issue in record.issues]),
        events=pd.DataFrame(event_rows),
        claims=pd.DataFrame(claim_rows),
    )


_EVENT_TYPES = {
    "id": "VARCHAR",
    "date": "VARCHAR",
    "start": "DATE",
    "end": "DATE",
    "approximate": "BOOLEAN",
    "source_actor": "VARCHAR",
    "target_actor": "VARCHAR",
    "source_state": "VARCHAR",
    "target_state": "VARCHAR",
    "mutual": "BOOLEAN",
    "cameo": "VARCHAR",
    "goldstein": "DOUBLE",
    "plover": "VARCHAR",
    "issues": "VARCHAR[]",
    "passages": "VARCHAR[]",
    "claim": "VARCHAR",
    "headline": "VARCHAR",
    "summary": "VARCHAR",
    "date_convention": "VARCHAR",
    "coding_note": "VARCHAR",
}


_DATABASES: dict[int, duckdb.DuckDBPyConnection] = {}  # by id of the events table
_BUILDING = threading.Lock()


def _connect(events: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """A connection (a cursor of its own, safe to use in one thread) to an in-memory
    database of ``events``, built once per events table and kept as long as the table."""
    key = id(events)
    with _BUILDING:
        database = _DATABASES.get(key)
        if database is None:
            database = _DATABASES[key] = _database(events)
            weakref.finalize(events, _DATABASES.pop, key, None)
    return database.cursor()


def _database(events: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    declared = ", ".join(f'"{name}" {kind}' for name, kind in _EVENT_TYPES.items())
    con.execute(f"CREATE TABLE events ({declared})")
    columns = list(_EVENT_TYPES)
    # pandas stores a missing string as NaN; DuckDB must see NULL, not the text 'nan'.
    plain = events[columns].astype(object)
    plain = plain.where(plain.notna(), None)
    rows = [tuple(row) for row in plain.itertuples(index=False)]
    if rows:
        con.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(columns))})", rows)
    return con


def _date_bound(text: str | None, which: int, name: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dates.bounds(text)[which]
    except ValueError:
        raise QueryError(
            f"{name}: {text!r} is not an EDTF date", hint="e.g. 1969, 1969-03 or 196X"
        ) from None


def query_events(
    data: RecordTables,
    *,
    start: str | None = None,
    end: str | None = None,
    actor: str | None = None,
    issue: str | None = None,
) -> pd.DataFrame:
    """Events whose dates overlap ``[start, end]`` (EDTF), in date order.

    ``actor`` matches an event's source or target, or the state they act for, so a
    state's id also finds its leaders' acts.
    ``issue`` matches an issue or any issue that is part of it.
    """
    first = _date_bound(start, 0, "--from")
    last = _date_bound(end, 1, "--to")
    if first is not None and last is not None and last < first:
        raise QueryError(f"--to: {end!r} is before --from {start!r}", hint="--to after --from")
    known_actors = set(data.actors["id"])
    if actor is not None and actor not in known_actors:
        raise QueryError(f"--actor: unknown actor {actor!r}", hint="an id from actors.yaml")
    issue_ids = _issue_family(data, issue)
    sql = "SELECT * FROM events WHERE TRUE"
    params: list[Any] = []
    if first is not None:
        sql += ' AND "end" >= ?'
        params.append(first)
    if last is not None:
        sql += " AND start <= ?"
        params.append(last)
    if actor is not None:
        sql += " AND ? IN (source_actor, target_actor, source_state, target_state)"
        params.append(actor)
    if issue_ids is not None:
        sql += " AND len(list_intersect(issues, ?)) > 0"
        params.append(issue_ids)
    sql += ' ORDER BY start, "end", id'
    with _connect(data.events) as con:
        return con.execute(sql, params).df()


def _issue_family(data: RecordTables, issue: str | None) -> list[str] | None:
    if issue is None:
        return None
    parents = dict(zip(data.issues["id"], data.issues["part_of"], strict=True))
    if issue not in parents:
        raise QueryError(f"--issue: unknown issue {issue!r}", hint="an id from issues.yaml")
    family = {issue}
    grew = True
    while grew:
        children = {child for child, parent in parents.items() if parent in family}
        grew = not children <= family
        family |= children
    return sorted(family)


_STEPS = {"year": "1 YEAR", "quarter": "3 MONTH", "month": "1 MONTH"}


def record_index(
    data: RecordTables,
    by: Period = "year",
    sides: Sides | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The record index: per period, events between the two sides of a dyad (either way).

    ``sides`` defaults to the dyad of the record's ``record.yaml``, or to its two states if
    it has exactly two; ``years`` (first and last) to the years the record covers.
    Columns: ``period``, ``events`` (a count, fractional where dates are spread),
    ``net_goldstein`` (their summed Goldstein values) and ``mean_goldstein`` (empty for a
    period with no events). See the module's docstring for how ranges are spread.
    """
    left, right = _sides(data) if sides is None else sides
    first_year, last_year = _years(data) if years is None else years
    if by not in _STEPS:
        raise QueryError(f"--by: unknown period {by!r}", hint="year, quarter or month")
    sql = f"""
        WITH periods AS (
            SELECT p::DATE AS period_start,
                   (p + INTERVAL {_STEPS[by]} - INTERVAL 1 DAY)::DATE AS period_end
            FROM range(DATE '{first_year}-01-01', DATE '{last_year + 1}-01-01',
                       INTERVAL {_STEPS[by]}) AS t(p)
        ),
        dyad AS (
            SELECT start, "end", goldstein FROM events
            WHERE goldstein IS NOT NULL
              AND ((list_contains(?, source_state) AND list_contains(?, target_state))
                OR (list_contains(?, source_state) AND list_contains(?, target_state)))
        ),
        shares AS (
            SELECT period_start, goldstein,
                   (date_diff('day', greatest(start, period_start), least("end", period_end)) + 1)
                   / (date_diff('day', start, "end") + 1) AS share
            FROM periods JOIN dyad ON dyad.start <= period_end AND dyad."end" >= period_start
        )
        SELECT period_start,
               coalesce(sum(share), 0) AS events,
               coalesce(sum(share * goldstein), 0) AS net_goldstein
        FROM periods LEFT JOIN shares USING (period_start)
        GROUP BY period_start ORDER BY period_start
    """
    a, b = list(left), list(right)
    with _connect(data.events) as con:
        frame = con.execute(sql, [a, b, b, a]).df()
    starts = pd.to_datetime(frame.pop("period_start"))
    if by == "year":
        labels = starts.dt.strftime("%Y")
    elif by == "quarter":
        labels = starts.dt.year.astype(str) + "-Q" + starts.dt.quarter.astype(str)
    else:
        labels = starts.dt.strftime("%Y-%m")
    frame.insert(0, "period", labels)
    frame["events"] = frame["events"].astype(float).round(4)
    frame["net_goldstein"] = frame["net_goldstein"].astype(float).round(4)
    mean = (frame["net_goldstein"] / frame["events"]).where(frame["events"] > 0)
    frame["mean_goldstein"] = mean.round(4)
    return frame


def _sides(data: RecordTables) -> Sides:
    info = data.record.info
    if info.dyad is not None:
        return [info.dyad[0]], [info.dyad[1]]
    states = [actor.id for actor in data.record.actors if actor.kind == "state"]
    if len(states) != 2:
        raise QueryError(
            "the record names no dyad for its index",
            hint="give 'dyad: [STATE, STATE]' in its record.yaml, or use a scenario's dyad",
        )
    return [states[0]], [states[1]]


def _years(data: RecordTables) -> tuple[int, int]:
    info = data.record.info
    spans = [dates.bounds(event.date) for event in data.record.events]
    first = info.start if info.start is not None else min((a.year for a, _ in spans), default=0)
    last = info.end if info.end is not None else max((b.year for _, b in spans), default=0)
    if not spans and (info.start is None or info.end is None):
        raise QueryError("the record has no events to index", hint="add events to events.yaml")
    return first, last


def claims_list(data: RecordTables) -> list[dict[str, Any]]:
    """Each claim with its alternatives, who holds each, their passages, and its events."""
    events = data.events
    result = []
    for claim in data.record.claims:
        result.append(
            {
                "id": claim.id,
                "question": claim.question,
                "issues": list(claim.issues),
                "note": claim.note,
                "alternatives": [
                    {
                        "id": alternative.id,
                        "statement": alternative.statement,
                        "held_by": alternative.held_by,
                        "passages": [p.model_dump() for p in alternative.passages],
                    }
                    for alternative in claim.alternatives
                ],
                "events": sorted(events.loc[events["claim"] == claim.id, "id"]),
            }
        )
    return result


def _timeline_date(day: dt.date, precision: str) -> dict[str, Any]:
    date: dict[str, Any] = {"year": day.year}
    if precision in ("month", "day"):
        date["month"] = day.month
    if precision == "day":
        date["day"] = day.day
    return date


def _precision(text: str) -> str:
    core = text.rstrip("~?%")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", core):
        return "day"
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", core):
        return "month"
    return "year"


def headline(event: Event, actors: Mapping[str, Actor]) -> str:
    """A short headline: the words of the event's id, with the summary's proper nouns.

    ``ev-1949-x-visits-moscow`` gives "X visits Moscow": a word takes the capitals that a
    word of the summary or of an actor's name beginning with it has ("Kyrgyz" from
    "Kyrgyzstan's"), and a capitalised compound keeps its hyphen. The
    summary's first word counts only if an actor's name has it too.
    """
    names = " ".join(actors[a].name for a in (event.source_actor, event.target_actor) if a)
    first, _, rest = event.summary.partition(" ")
    found = re.findall(r"[A-Z]\w*(?:-\w+)*", f"{rest} {names}")
    if first in names.split():
        found.append(first)
    proper = [word for word in found if word.lower() not in _COMMON]
    words = []
    for word in event.id.removeprefix("ev-").split("-"):
        if re.fullmatch(r"\d+s?", word):
            continue
        match = next((p for p in proper if p.lower().startswith(word)), None)
        words.append(match[: len(word)] if match and "-" not in match[: len(word)] else word)
    text = " ".join(words)
    for compound in (p for p in proper if "-" in p):
        spaced = r"\b" + re.escape(compound).replace(r"\-", " ") + r"\b"
        text = re.sub(spaced, compound, text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


_COMMON = {"the", "a", "an", "in", "at", "by", "after", "for", "from", "this", "some", "as"}


def timeline(data: RecordTables) -> dict[str, Any]:
    """The record as TimelineJS JSON.

    Ranges get a start and an end date; approximate dates carry a ``display_date`` such as
    "c. 1969" or "the 1960s" and say so in the text; contested events are marked in the
    headline and list the claim's alternatives.
    """
    claims = {claim.id: claim for claim in data.record.claims}
    actors = {actor.id: actor for actor in data.record.actors}
    entries = []
    for event in data.record.events:
        start, end = dates.bounds(event.date)
        parts = event.date.split("/")
        approximate = dates.is_approximate(event.date)
        item: dict[str, Any] = {
            "unique_id": event.id,
            "start_date": _timeline_date(start, _precision(parts[0])),
            "group": event.issues[0] if event.issues else "other",
            "display_date": dates.describe(event.date),
        }
        if start != end and (len(parts) == 2 or approximate):
            item["end_date"] = _timeline_date(end, _precision(parts[-1]))
        text = f"<p>{event.summary}</p>"
        if approximate:
            text += f"<p><em>Approximate date: {dates.describe(event.date)}.</em></p>"
        title = headline(event, actors)
        if event.claim is not None:
            claim = claims[event.claim]
            title = f"Contested: {title}"
            options = "".join(
                f"<li>{alt.statement} <small>({alt.held_by})</small></li>"
                for alt in claim.alternatives
            )
            text += f"<p><strong>Contested:</strong> {claim.question}</p><ul>{options}</ul>"
        cites = ", ".join(_keys(event.passages))
        text += f"<p><small>Sources: {cites}</small></p>"
        item["text"] = {"headline": title, "text": text}
        entries.append(item)
    return {
        "title": {
            "text": {
                "headline": data.record.info.title,
                "text": "<p>Every datable happening in the record's sources, with "
                "citations by character span.</p>",
            }
        },
        "events": entries,
    }
