"""Every paragraph that reports a datable happening is cited by at least one event."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from parley.record.load import load_record
from parley.record.provenance import paragraphs, read_source

FIXTURE = Path(__file__).parent / "fixtures" / "uncited_paragraphs.yaml"


def _uncited_allowed() -> dict[tuple[str, int], str]:
    rows = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
    return {(row["source"], row["start"]): row["reason"] for row in rows}


def _walk(corpus: Path) -> list[tuple[str, int, int, bool]]:
    record = load_record()
    cited = [p for event in record.events for p in event.passages]
    rows = []
    for source in record.sources:
        text = read_source(corpus, source)
        for start, end in paragraphs(text):
            hit = any(p.source == source.id and p.start < end and p.end > start for p in cited)
            rows.append((source.id, start, end, hit))
    return rows


def test_every_paragraph_is_cited_or_explained(corpus: Path) -> None:
    allowed = _uncited_allowed()
    missing = [
        (source, start)
        for source, start, _, hit in _walk(corpus)
        if not hit and (source, start) not in allowed
    ]
    assert missing == [], "paragraphs with no event and no reason in the fixture"


def test_fixture_lists_only_real_uncited_paragraphs(corpus: Path) -> None:
    walked = {(source, start): hit for source, start, _, hit in _walk(corpus)}
    for key, reason in _uncited_allowed().items():
        assert key in walked, f"{key} is not the start of a paragraph"
        assert not walked[key], f"{key} is cited by an event; drop it from the fixture"
        assert reason.strip()


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
