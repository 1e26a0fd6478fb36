"""Bargaining inputs: three formats read, and every malformed file gets one clear line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.errors import InputError
from parley.scenario.spatial import detect_format, read_problem

KTAB_OK = """Test, a test scenario, 3, 2,
Actor,Description,Influence,Pol Position,Pol Salience,Eco Position,Eco Salience,
A, first,  10, 20, 50, 80, 10,
B, second, 20, 40, 60, 30, 20,
C, third,  30, 90, 70, 50, 30,
"""
TIDY_OK = """actor,capability,dimension,position,salience
A,1,pol,2,0.5
A,1,eco,7,0.1
B,2,pol,4,0.6
B,2,eco,3,0.2
"""
BDM_OK = "Actor,Capability,Position,Salience\nA,0.5,4,80\nB,0.5,10,20\n"


def _write(tmp_path: Path, text: str | bytes, name: str = "input.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(("text", "kind"), [(KTAB_OK, "ktab"), (TIDY_OK, "tidy"), (BDM_OK, "bdm")])
def test_formats_are_detected_and_read(tmp_path: Path, text: str, kind: str) -> None:
    path = _write(tmp_path, text)
    assert detect_format(path) == kind
    problem = read_problem(path)
    assert len(problem.actors) >= 2
    assert problem.positions.shape == (len(problem.actors), len(problem.dimensions))
    assert ((problem.salience >= 0) & (problem.salience <= 1)).all()


def test_ktab_reads_names_scales_and_crlf(tmp_path: Path) -> None:
    problem = read_problem(_write(tmp_path, KTAB_OK.replace("\n", "\r\n")))
    assert problem.dimensions == ("Pol", "Eco")
    assert problem.scales == ((0.0, 100.0), (0.0, 100.0))
    assert problem.salience[0].tolist() == [0.5, 0.1]


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    problem = read_problem(_write(tmp_path, b"\xef\xbb\xbf" + BDM_OK.encode()))
    assert problem.actors == ("A", "B")


MALFORMED = {
    "missing column": ("Actor,Capability,Position\nA,1,4\nB,1,5\n", 1, "cannot tell the file's format"),
    "extra column": ("Actor,Capability,Position,Salience,Other\nA,1,4,5,6\nB,1,5,5,6\n", 1, "cannot tell"),
    "tidy missing column": ("actor,capability,dimension,position\nA,1,x,2\nB,1,x,3\n", 1, "cannot tell"),
    "not a number": (BDM_OK.replace("A,0.5,4,80", "A,0.5,four,80"), 2, "'four' is not a number"),
    "negative capability": (BDM_OK.replace("B,0.5,10", "B,-0.5,10"), 3, "negative capability"),
    "salience out of range": (BDM_OK.replace("A,0.5,4,80", "A,0.5,4,180"), 2, "salience 180 is out of range"),
    "tidy salience above its declared scale": (TIDY_OK.replace("salience", "salience (0-1)").replace("A,1,pol,2,0.5", "A,1,pol,2,5"), 2, "salience 5 is above the declared scale 0-1"),
    "wrong KTAB actor count": (KTAB_OK.replace(" 3, 2,", " 4, 2,", 1), 1, "declares 4 actors, the file has 3"),
    "empty file": ("", None, "the file is empty"),
    "UTF-16 byte-order mark": (b"\xff\xfe" + BDM_OK.encode("utf-16-le"), 1, "UTF-16"),
    "ragged row": (BDM_OK.replace("B,0.5,10,20", "B,0.5,10"), 3, "3 fields where the header has 4"),
    "ragged KTAB row": (KTAB_OK.replace("B, second, 20, 40, 60, 30, 20,", "B, second, 20, 40,"), 4, "fields where the header has 7"),
    "single actor": ("Actor,Capability,Position,Salience\nA,1,4,50\n", None, "nothing to bargain"),
    "tidy dimension with one actor": (TIDY_OK.replace("B,2,eco,3,0.2\n", ""), None, "dimension 'eco' has one actor"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_input_is_one_located_line(tmp_path: Path, parley_cli, case: str) -> None:
    text, line, message = MALFORMED[case]
    path = _write(tmp_path, text)
    result = parley_cli("bargain", path)
    assert result.code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    where = f"{path}:{line}:" if line is not None else f"{path}"
    assert where in lines[0]


@pytest.mark.parametrize(
    ("text", "declared", "scale"),
    [
        (TIDY_OK, None, 1),  # every salience at most 1: 0-1
        (TIDY_OK.replace(",0.5\n", ",50\n"), None, 100),  # one above 1: 0-100
        (TIDY_OK.replace("salience", "Salience (0-100)"), None, 100),  # the header says so
        (TIDY_OK, 100, 100),  # the caller says so
        (BDM_OK.replace(",80\n", ",0.8\n").replace(",20\n", ",0.2\n"), None, 1),
        (KTAB_OK, 100, 100),
    ],
)
def test_saliences_are_read_on_the_stated_or_detected_scale(
    tmp_path: Path, text: str, declared: int | None, scale: int
) -> None:
    problem = read_problem(_write(tmp_path, text), salience_scale=declared)  # type: ignore[arg-type]
    assert problem.salience_scale == scale
    raw = read_problem(_write(tmp_path, text), salience_scale=scale)  # type: ignore[arg-type]
    assert (problem.salience == raw.salience).all()
    assert problem.salience.max() <= 1


def test_ktab_saliences_on_0_1_give_the_forecast_of_0_100(tmp_path: Path) -> None:
    """A KTAB file whose saliences are on 0-1 is read as such, not as 0-100: its forecast
    is that of the same file written on 0-100."""
    hundred = read_problem(_write(tmp_path, KTAB_OK))
    ones = """Test, a test scenario, 3, 2,
Actor,Description,Influence,Pol Position,Pol Salience,Eco Position,Eco Salience,
A, first,  10, 20, 0.5, 80, 0.1,
B, second, 20, 40, 0.6, 30, 0.2,
C, third,  30, 90, 0.7, 50, 0.3,
"""
    one = read_problem(_write(tmp_path, ones, "ones.csv"))
    assert one.salience_scale == 1
    assert np.allclose(one.salience, hundred.salience)


def test_a_contradicting_declaration_is_one_line(tmp_path: Path, parley_cli) -> None:
    path = _write(tmp_path, TIDY_OK.replace("salience", "salience (0-1)"))
    result = parley_cli("bargain", path, "--salience-scale", "100")
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert f"{path}:1:5" in result.stderr
    assert "declares saliences on 0-1, --salience-scale says 0-100" in result.stderr


def test_missing_file(tmp_path: Path, parley_cli) -> None:
    result = parley_cli("bargain", tmp_path / "nope.csv")
    assert result.code == 2
    assert "no such file" in result.stderr


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("Actor,Capability,Position,Salience\n0123456789.-e ")),
        max_size=200,
    )
)
def test_any_text_reads_or_fails_cleanly(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text, "fuzz.csv")
    try:
        problem = read_problem(path)
    except InputError as exc:
        message = str(exc)
    else:
        assert len(problem.actors) >= 2
        return
    assert "\n" not in message
    assert str(path) in message
