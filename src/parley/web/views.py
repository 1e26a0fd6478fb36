"""What the pages show of the record and of the scenarios, as the API answers it: names
beside ids, dates in words, and each quote with its source.

Nothing here computes a result: the rows come from :mod:`parley.api` (the record's
tables, ``describe_date``, ``parameters``), and are only labelled for people.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from parley import api

if TYPE_CHECKING:
    from parley.api import RecordTables, Scenario

__all__ = ["claim_rows", "event_rows", "in_words", "record_choices", "scenario_listing"]

_KINDS = ("state", "leader", "party", "faction", "organization")


def in_words(date: str) -> str:
    """An EDTF date in words, as the record's readers say it: ``about 1950`` for
    ``1950~`` (``describe_date`` writes the scholar's "c. 1950")."""
    return re.sub(r"\bc\. ", "about ", api.describe_date(date))


def record_choices(record: RecordTables) -> dict[str, Any]:
    """The lists a query of the record chooses from: its actors (by kind) and issues (each
    sub-issue after the issue it belongs to), its named periods, its decades, its sources."""
    info = record.record.info
    kind = {name: n for n, name in enumerate(_KINDS)}
    actors = sorted(record.record.actors, key=lambda a: (kind.get(a.kind, 9), a.name.casefold()))
    issues = [i for i in record.record.issues if i.part_of is None]
    ordered = []
    for issue in issues:
        ordered.append(issue)
        ordered.extend(i for i in record.record.issues if i.part_of == issue.id)
    first = int(record.events["start"].min().year)
    last = int(record.events["end"].max().year)
    return {
        "title": info.title if info else "The record",
        "from": first,
        "to": last,
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind} for a in actors],
        "issues": [{"id": i.id, "name": i.name, "part_of": i.part_of} for i in ordered],
        "periods": [
            {"id": p.id, "name": p.name, "from": str(p.start), "to": str(p.end)}
            for p in (info.periods if info else ())
        ],
        "decades": [f"{d}s" for d in range(first // 10 * 10, last + 1, 10)],
        "sources": [_source(s) for s in record.record.sources],
    }


def _source(source: Any) -> dict[str, Any]:
    return {
        "id": source.id,
        "name": source.label,
        "title": source.title,
        "author": source.author,
        "publisher": source.publisher,
        "date": in_words(source.date),
        "address_at": source.address_at,
    }


def event_rows(
    record: RecordTables, rows: list[dict[str, Any]], texts: dict[str, str]
) -> list[dict[str, Any]]:
    """The API's event rows (``frame_records`` of a query), each with its date in words
    (``when``), the names of its actors and issues, the question of its claim, and its
    citations: each run of adjacent passages of one source as one citation, with the
    source's name and, when the corpus is at hand, the quoted words."""
    actors = {a.id: a.name for a in record.record.actors}
    issues = {i.id: i.name for i in record.record.issues}
    claims = {c.id: c.question for c in record.record.claims}
    sources = {s.id: s for s in record.record.sources}
    for row in rows:
        row["when"] = in_words(row["date"])
        row["source_name"] = actors.get(row["source_actor"], row["source_actor"])
        target = row.get("target_actor")
        row["target_name"] = None if target is None else actors.get(target, target)
        row["issue_names"] = [issues.get(i, i) for i in row["issues"]]
        row["claim_question"] = claims.get(row["claim"]) if row.get("claim") else None
        spans = [_span(key) for key in row["passages"]]
        row["quotes"] = [_text(texts, s) for s in spans] if texts else None
        row["citations"] = _citations(spans, sources, texts)
    return rows


def claim_rows(
    record: RecordTables, claims: list[dict[str, Any]], texts: dict[str, str]
) -> list[dict[str, Any]]:
    """The record's claims, each alternative with its citations as events have them."""
    sources = {s.id: s for s in record.record.sources}
    for claim in claims:
        for alternative in claim["alternatives"]:
            spans = [(p["source"], p["start"], p["end"]) for p in alternative["passages"]]
            alternative["citations"] = _citations(spans, sources, texts)
    return claims


def _span(key: str) -> tuple[str, int, int]:
    source, _, span = key.partition("[")
    start, _, end = span.rstrip("]").partition(":")
    return source, int(start), int(end)


def _text(texts: dict[str, str], span: tuple[str, int, int]) -> str:
    source, start, end = span
    return texts[source][start:end]


def _citations(
    spans: list[tuple[str, int, int]], sources: dict[str, Any], texts: dict[str, str]
) -> list[dict[str, Any]]:
    """Adjacent spans of one source (at most two characters apart) as one citation."""
    merged: list[list[Any]] = []
    for source, start, end in spans:
        last = merged[-1] if merged else None
        if last is not None and last[0] == source and 0 <= start - last[2] <= 2:
            last[2] = end
            last[3].append((start, end))
        else:
            merged.append([source, start, end, [(start, end)]])
    citations = []
    for source, start, end, parts in merged:
        known = sources.get(source)
        quote = None
        if texts:
            quote = " ".join(" ".join(texts[source][a:b].split()) for a, b in parts)
        citations.append(
            {
                "source": source,
                "name": known.label if known is not None else source,
                "title": None if known is None else known.title,
                "start": start,
                "end": end,
                "quote": quote,
            }
        )
    return citations


def scenario_listing(scenario: Scenario, record: RecordTables | None) -> dict[str, Any]:
    """What the scenario and what-if pages offer of a scenario: its period in words, its
    issues and states by name, its shocks with the record events they stand for, the
    interventions it invites, the documented parameters with its values, and its
    outcomes."""
    headlines: dict[str, tuple[str, str]] = {}
    if record is not None:
        headlines = {
            e.id: (str(h), str(s))
            for e, h, s in zip(
                record.record.events, record.events["headline"], record.events["summary"],
                strict=True,
            )
        }  # fmt: skip
    states = {s.id: s.name for s in scenario.states}
    for shock in scenario.shocks:
        for successor in getattr(shock, "successors", ()):
            states[successor.id] = successor.name
    parameters = api.parameters()
    return {
        "name": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        "period": f"{in_words(scenario.start)} to {in_words(scenario.end)}, by {scenario.step}",
        "record": record is not None,
        "issues": [
            {"id": i.id, "name": i.name, "zero": i.zero, "hundred": i.hundred}
            for i in scenario.issues
        ],
        "states": states,
        "shocks": [
            {
                "id": k.id,
                "kind": k.kind,
                "date": str(k.date),
                "when": in_words(str(k.date)),
                "event": k.event,
                "headline": headlines.get(k.event or "", (None, None))[0],
                "summary": headlines.get(k.event or "", (None, None))[1],
                "note": k.note,
                "enabled": k.enabled,
            }
            for k in scenario.shocks
        ],
        "interventions": [
            {"id": i.id, "name": i.name, "set": list(i.set), "note": i.note}
            for i in scenario.interventions
        ],
        "parameters": [
            {**row, "value": scenario.parameters.get(row["name"], row["default"])}
            for row in api.frame_records(parameters)
        ],
        "outcomes": [
            {
                "id": o.id,
                "what": o.what,
                "event": o.event,
                "headline": headlines.get(o.event, (o.id, None))[0],
            }
            for o in scenario.scoring.outcomes
        ],
    }
