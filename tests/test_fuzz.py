"""Hypothesis against the loaders: any input gives problems or a record, never a crash."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.errors import RecordError
from parley.record import dates
from parley.record.load import load_record, read_record, record_folder

from .strategies import event_entries, yaml_values

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _fresh(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(record_folder(), target)
    return target


@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_as_events_file(tmp_path: Path, text: str) -> None:
    folder = _fresh(tmp_path, "text")
    (folder / "events.yaml").write_text(text, encoding="utf-8")
    _record, problems = read_record(folder)
    for problem in problems:
        assert problem.location.file
        assert "\n" not in str(problem)
    if problems:
        with pytest.raises(RecordError) as caught:
            load_record(folder)
        assert "\n" not in str(caught.value)


@FUZZ
@given(data=st.lists(yaml_values, max_size=4))
def test_any_yaml_structure_as_events_file(tmp_path: Path, data: list[object]) -> None:
    from ruamel.yaml import YAML

    folder = _fresh(tmp_path, "structure")
    with (folder / "events.yaml").open("w", encoding="utf-8") as handle:
        YAML(typ="safe").dump(data, handle)
    _, problems = read_record(folder)
    # Garbage in events.yaml is reported there; claims then lose the events they rest on.
    for problem in problems:
        where = problem.location.file
        assert where.endswith("events.yaml") or "no event of the claim" in problem.message


@FUZZ
@given(entries=st.lists(event_entries(), max_size=5))
def test_generated_events_are_accepted_or_located(
    tmp_path: Path, entries: list[dict[str, object]]
) -> None:
    from ruamel.yaml import YAML

    folder = _fresh(tmp_path, "events")
    with (folder / "events.yaml").open("w", encoding="utf-8") as handle:
        YAML(typ="safe").dump(entries, handle)
    record, problems = read_record(folder)
    for problem in problems:
        assert problem.location.line is not None, str(problem)
    if not problems:
        assert len(record.events) == len(entries)


@given(text=st.text(max_size=20))
def test_dates_either_parse_or_say_why(text: str) -> None:
    try:
        first, last = dates.bounds(text)
    except ValueError as exc:
        message = str(exc)
    else:
        assert isinstance(first, dt.date)
        assert first <= last
        return
    assert repr(text) in message


simple_dates = st.builds(
    lambda y, m, d, q, form: (
        {
            "year": f"{y:04d}",
            "month": f"{y:04d}-{m:02d}",
            "day": f"{y:04d}-{m:02d}-{d:02d}",
            "decade": f"{y // 10:03d}X",
            "century": f"{y // 100:02d}XX",
        }[form]
        + q
    ),
    st.integers(1, 2999),
    st.integers(0, 14),
    st.integers(0, 32),
    st.sampled_from(["", "~", "?", "%"]),
    st.sampled_from(["year", "month", "day", "decade", "century"]),
)


@settings(max_examples=80, deadline=None)
@given(first=simple_dates, second=st.one_of(st.none(), simple_dates))
def test_fast_date_path_agrees_with_the_edtf_package(first: str, second: str | None) -> None:
    text = first if second is None else f"{first}/{second}"
    try:
        expected: object = dates._edtf_bounds(text)
    except ValueError:
        expected = ValueError
    try:
        got: object = dates.bounds(text)
    except ValueError:
        got = ValueError
    assert got == expected


# --- every other loader, and the overrides ---------------------------------------------


def _refused_in_one_line(problem: object, where: object) -> None:
    """A refusal is one line that names where the problem is."""
    assert "\n" not in str(problem)
    assert str(where) in str(problem)


_CSV_CELLS = st.one_of(
    st.sampled_from(["", "1", "-1", "0.5", "1e308", "inf", "nan", "1e12", "A", '"', "\r", "\n"]),
    st.text(max_size=8),
)


@FUZZ
@given(rows=st.lists(st.lists(_CSV_CELLS, min_size=1, max_size=5), max_size=6))
def test_any_bargaining_csv_is_read_or_refused_in_one_line(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    from parley.errors import ParleyError
    from parley.scenario.spatial import read_problem

    path = tmp_path / "problem.csv"
    lines = ["Actor,Capability,Position,Salience", *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        problem = read_problem(path)
    except ParleyError as exc:
        _refused_in_one_line(exc, path)
        return
    import numpy as np

    assert np.isfinite(problem.positions).all()
    assert np.isfinite(problem.capability).all()


@FUZZ
@given(rows=st.lists(st.tuples(_CSV_CELLS, _CSV_CELLS), max_size=6))
def test_any_index_csv_is_read_or_refused_in_one_line(
    tmp_path: Path, rows: list[tuple[str, str]]
) -> None:
    import math

    from parley.errors import ParleyError
    from parley.scoring.record import read_external_index

    path = tmp_path / "index.csv"
    path.write_text("\n".join(["period,value", *map(",".join, rows)]), encoding="utf-8")
    try:
        found = read_external_index(path)
    except ParleyError as exc:
        _refused_in_one_line(exc, path)
        return
    assert all(math.isfinite(value) for value in found.values())


@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_as_scenario_file(tmp_path: Path, text: str) -> None:
    from parley.scenario.load import read_scenario

    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    model, problems = read_scenario(path)
    assert model is not None or problems
    for problem in problems:
        _refused_in_one_line(problem, path)


_PATHS = st.sampled_from([
    "end", "start", "dyad", "step", "issues", "states.prc.speaker", "actors.prc-government.state",
    "shocks.militant-line.actor", "shocks.militant-line.date", "shocks.militant-line.value",
    "leaders.mao.until", "leaders.mao.since", "issues.normalization.preconditions",
    "talks", "parameters.incident-hazard", "parameters.nothing", "actors.prc-government.capability",
])  # fmt: skip
_VALUES = st.one_of(
    st.sampled_from([
        "1800", "9999-12", "1969", "1969-02-30", "nobody", "[prc, prc]", "[]", "{}", ".nan",
        ".inf", "-1", "1e999", "0", "[normalization]", "null", "&a [*a]", "[{since: '1950', value: .inf}]",
    ]),
    st.text(max_size=12),
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(path=_PATHS, value=_VALUES)
def test_an_override_is_refused_in_one_line_or_runs(path: str, value: str) -> None:
    """The override is validated as a whole scenario again; what passes must run."""
    from parley.errors import ParleyError
    from parley.experiments.ensemble import apply_overrides, run_ensemble
    from parley.scenario.load import load_scenario

    base = load_scenario("sino-soviet")
    try:
        changed = apply_overrides(base, [f"{path}={value}"])
    except ParleyError as exc:
        _refused_in_one_line(exc, "--set")
        return
    run_ensemble(changed, 1, 0)
