"""Passages against their texts: hashes, the corpus check, and finding spans to cite.

Offsets count Unicode code points of the text decoded as UTF-8, newlines kept as they
are in the file. A passage's hash is the sha256 of its span encoded as UTF-8.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from parley.errors import CorpusError, Location
from parley.record.load import Problem, Record
from parley.record.schema import Passage, Source

__all__ = [
    "Match",
    "check_corpus",
    "find_spans",
    "make_passage",
    "paragraphs",
    "read_source",
    "sentences",
    "sha256_text",
]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_source(corpus: Path, source: Source) -> str:
    """The text of ``source`` from a corpus folder, exactly as stored."""
    path = corpus / source.file
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CorpusError(
            f"no text for source {source.id!r}", Location(str(path)), "the file named in sources"
        ) from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"not UTF-8 text: {exc.reason}", Location(str(path))) from None


def make_passage(source_id: str, text: str, start: int, end: int) -> Passage:
    """A passage for ``text[start:end]``, with its hash."""
    return Passage(source=source_id, start=start, end=end, sha256=sha256_text(text[start:end]))


def check_corpus(record: Record, corpus: Path) -> list[Problem]:
    """Recompute every source and passage hash from the texts in ``corpus``.

    A changed source is reported once, and so is each passage whose span changed, so a
    single corrupted character names exactly the passages that cover it.
    """
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for source in record.sources:
        try:
            text = read_source(corpus, source)
        except CorpusError as exc:
            problems.append(Problem(record.locate("sources", source.id, ("file",)), str(exc)))
            continue
        texts[source.id] = text
        if len(text) != source.length:
            problems.append(
                Problem(
                    record.locate("sources", source.id, ("length",)),
                    f"the text has {len(text)} characters, the record says {source.length}",
                )
            )
        if sha256_text(text) != source.sha256:
            problems.append(
                Problem(
                    record.locate("sources", source.id, ("sha256",)),
                    f"the text of {source.file} does not match its sha256",
                )
            )
    for citation in record.citations():
        passage = citation.passage
        full = texts.get(passage.source)
        if full is None or passage.end > len(full):
            continue  # reported above, or by the record's own check
        if sha256_text(full[passage.start : passage.end]) != passage.sha256:
            problems.append(
                Problem(
                    record.locate(citation.kind, citation.entry_id, (*citation.path, "sha256")),
                    f"passage {passage.key} does not match its sha256",
                )
            )
    return problems


@dataclass(frozen=True)
class Match:
    """Where a few words were found, and the span worth citing around them."""

    source: str
    start: int
    end: int
    passage: Passage


# A full stop after an initial ("Mikhail S."), "fig." or "Dr." does not end a sentence.
_SENTENCE_END = re.compile(r"""(?<!\b[A-Z])(?<!\bfig)(?<!\bDr)[.!?]["'”’)]*(?=\s)|\n\s*\n""")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to the sentence or sentences that contain it."""
    begin = 0
    for found in _SENTENCE_END.finditer(text, 0, start):
        begin = found.end()
    while begin < start and text[begin].isspace():
        begin += 1
    after = _SENTENCE_END.search(text, max(end - 1, begin))
    finish = after.end() if after else len(text)
    while finish > end and text[finish - 1].isspace():
        finish -= 1
    return begin, finish


def find_spans(text: str, source_id: str, words: str, *, sentence: bool = True) -> list[Match]:
    """Every place ``words`` occur in ``text``, ignoring case and line breaks.

    With ``sentence`` (the default) each match is widened to its whole sentence, which is
    what a record entry usually cites.
    """
    tokens = words.split()
    if not tokens:
        return []
    pattern = re.compile(r"\s+".join(re.escape(token) for token in tokens), re.IGNORECASE)
    matches = []
    for found in pattern.finditer(text):
        start, end = found.span()
        if sentence:
            start, end = _sentence(text, start, end)
        matches.append(Match(source_id, start, end, make_passage(source_id, text, start, end)))
    return matches


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The paragraphs of a source text, as spans without their surrounding white space.

    A blank line ends a paragraph, and so does a line break right after the end of a
    sentence: the country study wraps its lines and marks paragraphs no other way.
    """
    spans = []
    for block in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        begin = block.start()
        for line_end in re.finditer(r"""[.!?:]["'”’)]*\n""", block.group()):
            spans.append((begin, block.start() + line_end.end() - 1))
            begin = block.start() + line_end.end()
        spans.append((begin, block.end()))
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            trimmed.append((start, end))
    return trimmed


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a source text, as spans, none crossing a paragraph's end.

    A line with no full stop (a title, an author's name) is a sentence of its own, and so
    is each part of a sentence that a page break splits into two paragraphs.
    """
    spans = []
    for start, end in paragraphs(text):
        begin = start
        for found in _SENTENCE_END.finditer(text, start, end):
            spans.append((begin, found.end()))
            begin = found.end()
            while begin < end and text[begin].isspace():
                begin += 1
        if begin < end:
            spans.append((begin, end))
    return spans
