"""Scenarios: the schema keeps shocks to inputs, and every bad file gets located lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from parley.api import load_scenario
from parley.scenario import schema
from parley.scenario.load import builtin_scenarios, read_scenario

INPUTS = {"id", "kind", "date", "event", "enabled", "note", "actor", "issue", "value", "delta", "factor", "lock",
          "state", "leader", "talks", "available", "tactics", "successors"}  # fmt: skip


def _copy(tmp_path: Path, name: str = "sino-soviet") -> Path:
    target = tmp_path / "scenario.yaml"
    shutil.copy(builtin_scenarios()[name], target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def test_builtin_scenario_checks(parley_cli) -> None:
    result = parley_cli("scenario", "check", "sino-soviet")
    assert result.code == 0, result.stderr
    assert "scenario OK: sino-soviet" in result.stdout
    scenario = load_scenario("sino-soviet")
    assert scenario.dyad == ("prc", "ussr")
    assert {actor.role for actor in scenario.actors} >= {"government", "military", "regional", "public", "third-party"}  # fmt: skip
    assert {t.id for t in scenario.talks} == {"border-talks", "normalization-talks"}


def test_scenarios_lists_the_builtins(parley_cli) -> None:
    result = parley_cli("scenarios", "--format", "csv")
    assert result.code == 0
    names = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert names[:2] == ["post-soviet-border", "sino-soviet"]
    table = parley_cli("scenarios")  # a table by default
    assert table.code == 0
    assert "sino-soviet" in table.stdout


SUCCESSION_CASES = {
    "the wrong state splits": ("state: ussr\n    note:", "state: prc\n    note:", "'prc' cannot split"),
    "a successor that exists": ("{id: kazakhstan,", "{id: prc,", "'prc' already exists"),
    "an issue given twice": ("issues: [border-kyrgyzstan]", "issues: [border-kazakhstan]", "'border-kazakhstan' already goes to another successor"),
    "an unknown issue": ("issues: [border-tajikistan]", "issues: [border-pamir]", "unknown issue 'border-pamir'"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(SUCCESSION_CASES))
def test_bad_successions_are_located(tmp_path: Path, parley_cli, case: str) -> None:
    old, new, message = SUCCESSION_CASES[case]
    path = _copy(tmp_path, "post-soviet-border")
    line = _edit(path, old, new)
    result = parley_cli("scenario", "check", path)
    assert result.code == 2, result.stdout
    hits = [row for row in result.stderr.splitlines() if message in row]
    assert hits, result.stderr
    assert int(hits[0].split(":")[1]) == line


def test_no_shock_field_can_set_an_outcome() -> None:
    for model in (schema.PositionShock, schema.SalienceShock, schema.CapabilityShock,
                  schema.LeaderShock, schema.ConsolidationShock, schema.TalksShock,
                  schema.SuccessionShock):  # fmt: skip
        assert set(model.model_fields) <= INPUTS, model.__name__
        assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("kind: position\n", "kind: position\n    relation: 5\n", "Extra inputs are not permitted"),
        ("kind: capability", "kind: clash", "does not match any of the expected tags"),
        ("kind: consolidation", "kind: agreement", "does not match any of the expected tags"),
    ],
)
def test_schema_refuses_an_outcome_setting_shock(
    tmp_path: Path, parley_cli, old: str, new: str, message: str
) -> None:
    path = _copy(tmp_path)
    line = _edit(path, old, new)
    result = parley_cli("scenario", "check", path)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert message in first
    assert f"{path}:" in first
    assert int(first.split(":")[1]) in (line - 1, line, line + 1)


CASES = {
    "broken YAML": ("step: quarter", "step: [quarter", "broken YAML"),
    "bad step": ("step: quarter", "step: fortnight", "Input should be 'month', 'quarter' or 'year'"),
    "salience out of range": ("ideology: {position: 65, salience: 0.6}", "ideology: {position: 65, salience: 1.6}", "less than or equal to 1"),
    "unknown actor in a shock": ("actor: ussr-government\n    issue: cambodia", "actor: ussr-govt\n    issue: cambodia", "unknown actor 'ussr-govt'"),
    "unknown record event": ("event: ev-1958-great-leap-forward", "event: ev-1958-great-leap", "unknown record event 'ev-1958-great-leap'"),
    "shock outside its event's dates": ("date: '1958'\n    event: ev-1958-great-leap-forward", "date: '1962'\n    event: ev-1958-great-leap-forward", "outside the dates the record gives"),
    "missing stance": ("      normalization: {position: 100, salience: 0.3}\n    record_actor: prc\n", "    record_actor: prc\n", "no stance on issue 'normalization'"),
    "duplicate id": ("id: normalization-talks", "id: border-talks", "duplicate id 'border-talks'"),
    "bad EDTF date": ("date: 1968-08", "date: 1968-13", "not a bounded EDTF date"),
    "leader stance on an issue not tied to leaders": ("stances: {ideology: 70,", "stances: {economic-model: 70,", "not an issue tied to leaders"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_scenario_lines(tmp_path: Path, parley_cli, case: str) -> None:
    old, new, message = CASES[case]
    path = _copy(tmp_path)
    line = _edit(path, old, new)
    if case == "missing stance":  # the problem is the mapping that lacks the key
        before = path.read_text(encoding="utf-8").splitlines()[:line]
        line = max(i for i, text in enumerate(before, start=1) if text.strip() == "stances:")
    result = parley_cli("scenario", "check", path)
    assert result.code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    hits = [row for row in result.stderr.splitlines() if message in row]
    assert hits, result.stderr
    where = hits[0].split(": ")[0]
    assert where.startswith(f"{path}:")
    assert int(where.split(":")[1]) in (line, line + 1)


def test_schema_command_prints_json_schema(parley_cli) -> None:
    result = parley_cli("scenario", "schema")
    assert result.code == 0
    data = json.loads(result.stdout)
    assert data["title"] == "Scenario"
    assert {"issues", "actors", "shocks", "parameters"} <= set(data["properties"])


def test_unknown_scenario_is_one_line(parley_cli) -> None:
    result = parley_cli("scenario", "check", "no-such-scenario")
    assert result.code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "sino-soviet" in result.stderr


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _scalars(node: object, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _scalars(value, (*path, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _scalars(value, (*path, i))]
    return [path]


@FUZZ
@given(data=st.data())
def test_fuzzed_scenarios_fail_with_line_numbers(tmp_path: Path, data: st.DataObject) -> None:
    yaml = YAML(typ="rt")
    root = yaml.load(builtin_scenarios()["sino-soviet"].read_text(encoding="utf-8"))
    paths = _scalars(root)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        node = root
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = data.draw(
            st.one_of(
                st.integers(-500, 500), st.floats(allow_nan=False), st.text(max_size=8), st.none()
            )
        )
    target = tmp_path / "fuzzed.yaml"
    with target.open("w", encoding="utf-8") as handle:
        yaml.dump(root, handle)
    scenario, problems = read_scenario(target)
    for problem in problems:
        assert problem.location.line is not None, str(problem)
        assert "\n" not in str(problem)
    if not problems:
        assert scenario is not None


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_is_a_clean_error(tmp_path: Path, text: str) -> None:
    target = tmp_path / "text.yaml"
    target.write_text(text, encoding="utf-8")
    scenario, problems = read_scenario(target)
    assert problems or scenario is not None
    assert all("\n" not in str(problem) for problem in problems)
