"""The sentence walk: every sentence of both texts states the events that cite it, or says why none.

The fixture ``tests/fixtures/sentence_walk.yaml`` was written by reading both texts
sentence by sentence. These tests keep the record and the walk in step: a sentence added
to the walk needs events or a reason, an event may cite only the sentences that list it,
and a date written without a convention must be one its passages state.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parley.record import dates
from parley.record.load import load_record
from parley.record.provenance import paragraphs, read_source, sentences

FIXTURE = Path(__file__).parent / "fixtures" / "sentence_walk.yaml"


@pytest.fixture(scope="module")
def walk() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
    return rows


@pytest.fixture(scope="module")
def texts(corpus: Path) -> dict[str, str]:
    return {source.id: read_source(corpus, source) for source in load_record().sources}


def _overlaps(passage: Any, source: str, span: list[int]) -> bool:
    return bool(passage.source == source and passage.start < span[1] and span[0] < passage.end)


def test_the_walk_covers_every_sentence_of_both_texts(walk, texts) -> None:
    expected = [
        (source, [start, end]) for source, text in texts.items() for start, end in sentences(text)
    ]
    assert [(row["source"], row["span"]) for row in walk] == expected


def test_every_sentence_states_events_or_gives_a_reason(walk) -> None:
    for row in walk:
        where = f"{row['source']}{row['span']}"
        has_events, has_reason = bool(row.get("events")), bool(str(row.get("reason", "")).strip())
        assert has_events != has_reason, f"{where}: give events or a reason, not both or neither"


def test_each_listed_event_cites_its_sentence(walk) -> None:
    events = {event.id: event for event in load_record().events}
    for row in walk:
        for event_id in row.get("events") or []:
            assert event_id in events, f"{row['span']}: unknown event {event_id}"
            passages = events[event_id].passages
            assert any(_overlaps(p, row["source"], row["span"]) for p in passages), (
                f"{event_id} is listed at {row['source']}{row['span']} but does not cite it"
            )


def test_each_event_cites_only_sentences_that_state_it(walk) -> None:
    for event in load_record().events:
        for passage in event.passages:
            touched = [row for row in walk if _overlaps(passage, row["source"], row["span"])]
            assert touched, f"{event.id}: {passage.key} covers no sentence"
            for row in touched:
                assert event.id in (row.get("events") or []), (
                    f"{event.id} cites {row['source']}{row['span']}, which does not state it"
                )


def test_a_date_without_a_convention_is_stated_by_its_passages(texts) -> None:
    for event in load_record().events:
        if event.date_convention is not None:
            continue
        cited = " ".join(texts[p.source][p.start : p.end] for p in event.passages)
        year = event.date[:4]
        assert re.search(rf"(?<!\d){year}(?!\d)", cited), f"{event.id}: {year} not in its passages"
        if len(event.date) >= 7:
            month = dates.describe(event.date[:7]).split()[0]
            assert month in cited or event.date[5:7] in cited, f"{event.id}: no month {month}"


def test_every_convention_in_use_is_documented() -> None:
    page = (Path(__file__).parents[1] / "docs" / "reference" / "record.md").read_text("utf-8")
    for name, convention in dates.CONVENTIONS.items():
        assert f"| `{name}` | {convention.says} | {convention.writes} |" in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.\nThree", [(0, 4), (5, 9), (10, 15)]),
        ("Mikhail S. Gorbachev spoke. Dr. Tagirova wrote.", [(0, 27), (28, 47)]),
        ("Title\n\nSplit by a page,\n\n\n\nbreak here.", [(0, 5), (7, 23), (27, 38)]),
    ],
)
def test_sentence_rules(text: str, expected: list[tuple[int, int]]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One line.\nNext para\nwraps.\n", [(0, 9), (10, 26)]),
        ("Title\n\nBody one. Body two.\n\n\nLast", [(0, 5), (7, 26), (29, 33)]),
        ("No break at a wrapped\nline inside.", [(0, 34)]),
    ],
)
def test_paragraph_rules(text: str, expected: list[tuple[int, int]]) -> None:
    assert paragraphs(text) == expected
