"""The provenance check: every hash recomputed, and a corrupted text caught precisely."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from parley.api import check_record
from parley.record.load import load_record

KEY = re.compile(r"passage (\S+\[\d+:\d+\]) does not match its sha256")


def test_builtin_record_checks_against_the_corpus(corpus: Path, parley_cli) -> None:
    result = parley_cli("record", "check", "--corpus", corpus)
    assert result.code == 0, result.stdout + result.stderr
    assert "record OK" in result.stdout
    assert "hashes checked" in result.stdout


def test_check_without_corpus_says_hashes_were_not_checked(parley_cli) -> None:
    result = parley_cli("record", "check")
    assert result.code == 0
    assert "NOT checked" in result.stdout


def _covering(offset: int, source: str) -> set[str]:
    record = load_record()
    return {
        c.passage.key
        for c in record.citations()
        if c.passage.source == source and c.passage.start <= offset < c.passage.end
    }


@pytest.mark.parametrize(
    ("source", "file", "anchor"),
    [
        ("lcs-china-1987", "lcs-china-1987-sino-soviet-relations.txt", "Zhenbao"),
        ("tagirova-2017", "tagirova-2017-negotiating-sino-soviet-border.txt", "May 16, 1991"),
        ("lcs-china-1987", "lcs-china-1987-sino-soviet-relations.txt", "Data as of July"),
    ],
)
def test_one_corrupted_character_names_exactly_the_passages_over_it(
    corpus: Path, tmp_path: Path, parley_cli, source: str, file: str, anchor: str
) -> None:
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    offset = text.index(anchor) + 1
    flipped = "x" if text[offset] != "x" else "y"
    path.write_text(text[:offset] + flipped + text[offset + 1 :], encoding="utf-8", newline="")

    result = parley_cli("record", "check", "--corpus", copy)

    assert result.code == 1
    named = set(KEY.findall(result.stdout))
    assert named == _covering(offset, source)
    assert f"the text of {file} does not match its sha256" in result.stdout


def test_the_last_anchor_is_covered_by_no_passage() -> None:
    # Keeps the third case above honest: there, only the whole-text hash can fail.
    assert _covering(8770, "lcs-china-1987") == set()


def test_missing_corpus_folder_is_a_clear_error(tmp_path: Path, parley_cli) -> None:
    result = parley_cli("record", "check", "--corpus", tmp_path / "nowhere")
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "nowhere" in result.stderr


def test_check_reports_counts(corpus: Path) -> None:
    report = check_record(corpus=corpus)
    assert report.ok
    assert report.counts["events"] >= 70
    assert report.counts["claims"] >= 2
