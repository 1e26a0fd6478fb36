"""Each kind of malformed record file: one clear line, with the file and the location."""

from __future__ import annotations

from pathlib import Path

import pytest


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` by ``new``; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1


CASES = {
    "broken YAML": ("events.yaml", "date: 1949/1950", "date: 1949/1950: oops", "broken YAML"),
    "bad EDTF date": ("events.yaml", "date: 1949/1950", "date: 1949-13", "not a bounded EDTF date"),
    "unknown actor": (
        "events.yaml",
        "source_actor: khrushchev",
        "source_actor: krushchev",
        "unknown actor 'krushchev'",
    ),
    "unknown issue": (
        "events.yaml",
        "issues: [treaty-1950]",
        "issues: [treaty-1905]",
        "unknown issue 'treaty-1905'",
    ),
    "unknown CAMEO code": (
        "events.yaml",
        "cameo: '0312'",
        "cameo: '0399'",
        "unknown CAMEO code '0399'",
    ),
    "duplicate id": (
        "events.yaml",
        "id: ev-1950-treaty-signed",
        "id: ev-1949-mao-visits-moscow",
        "duplicate id",
    ),
    "passage outside its text": (
        "events.yaml",
        "start: 647, end: 813",
        "start: 647, end: 98130",
        "ends beyond the text",
    ),
    "date without its convention": (
        "events.yaml",
        "date: '../1949-22'\n    date_convention: by",
        "date: '../1949-22'",
        "name its date_convention",
    ),
    "date not of its convention's form": (
        "events.yaml",
        "date: '../1949-22'",
        "date: 1949-05/1949-08",
        "is not of the form 'by' gives",
    ),
    "event outside a leader's tenure": (
        "events.yaml",
        "date: '../1949-22'",
        "date: '../1940'",
        "falls outside the tenure of 'mao' (1943-03-20/1976-09-09)",
    ),
    "claim alternative on a passage no event of the claim cites": (
        "claims.yaml",
        "start: 4858, end: 5011",
        "start: 4858, end: 5012",
        "which no event of the claim cites",
    ),
    "unknown state of an actor": (
        "actors.yaml",
        "state: prc",
        "state: china",
        "unknown actor 'china'",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_file_gives_one_located_line(record_copy: Path, parley_cli, case: str) -> None:
    name, old, new, message = CASES[case]
    line = _edit(record_copy / name, old, new)

    result = parley_cli("record", "events", "--record", record_copy)

    assert result.code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{record_copy / name}:{line}:" in lines[0]
    assert message in lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_check_lists_the_problem_and_exits_1(record_copy: Path, parley_cli, case: str) -> None:
    name, old, new, message = CASES[case]
    line = _edit(record_copy / name, old, new)

    result = parley_cli("record", "check", "--record", record_copy)

    assert result.code == 1
    problems = [row for row in result.stdout.splitlines() if message in row]
    assert problems, result.stdout
    assert f"{record_copy / name}:{line}:" in problems[0]


def test_problem_names_entry_and_field(record_copy: Path, parley_cli) -> None:
    line = _edit(record_copy / "events.yaml", "date: 1949/1950", "date: 1949-13")
    result = parley_cli("record", "check", "--record", record_copy)
    assert f"events.yaml:{line}:5: ev-1949-mao-visits-moscow: date:" in result.stdout


def test_missing_record_file(record_copy: Path, parley_cli) -> None:
    (record_copy / "claims.yaml").unlink()
    result = parley_cli("record", "claims", "--record", record_copy)
    assert result.code == 2
    assert "claims.yaml: missing record file" in result.stderr


def test_usage_error_is_one_line(parley_cli) -> None:
    result = parley_cli("record", "index", "--by", "fortnight")
    assert result.code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "--by" in result.stderr
