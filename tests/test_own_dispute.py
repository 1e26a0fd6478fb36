"""A user's own dispute, written from the tutorial, through every step: scenario check,
run, compare against its own small record, counterfactual, report and the web app. Nothing
it shows may come from the built-in case."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import start_server, stop_server

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial" / "own-dispute"
BUILT_IN = ("sino", "soviet", "ussr", "prc", "mao", "kosygin", "lcs-china", "tagirova")


def _clean(text: str) -> None:
    lowered = text.lower()
    found = [word for word in BUILT_IN if word in lowered]
    assert not found, f"the built-in case shows through: {found}"


@pytest.fixture(scope="module")
def dispute(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tutorial's folder, copied where a user would keep it."""
    folder = tmp_path_factory.mktemp("dispute") / "own-dispute"
    shutil.copytree(TUTORIAL, folder)
    return folder


def test_the_tutorial_scenario_writes_no_parameter(dispute: Path) -> None:
    assert "\nparameters:" not in (dispute / "scenario.yaml").read_text(encoding="utf-8")


def test_scenario_new_writes_a_scenario_that_checks_and_runs(tmp_path: Path, parley_cli) -> None:
    target = tmp_path / "mine.yaml"
    assert parley_cli("scenario", "new", target).code == 0
    again = parley_cli("scenario", "new", target)
    assert again.code == 2
    assert "already there" in again.stderr
    checked = parley_cli("scenario", "check", target)
    assert checked.code == 0, checked.stderr
    ran = parley_cli("run", target, "--runs", "5", "--seed", "1", "--format", "json")
    assert ran.code == 0, ran.stderr
    _clean(ran.stdout)


def test_the_record_checks_against_its_own_text(dispute: Path, parley_cli) -> None:
    result = parley_cli(
        "record", "check", "--record", dispute / "record", "--corpus", dispute / "corpus"
    )
    assert result.code == 0, result.stderr
    assert "6 events" in result.stdout


def test_run_compare_counterfactual_and_report(dispute: Path, parley_cli) -> None:
    scenario = dispute / "scenario.yaml"
    assert parley_cli("scenario", "check", scenario).code == 0
    ran = parley_cli("run", scenario, "--runs", "20", "--seed", "1", "--format", "json")
    assert ran.code == 0, ran.stderr
    compared = parley_cli("compare", scenario, "--runs", "20", "--seed", "1", "--format", "json")
    assert compared.code == 0, compared.stderr
    scores = json.loads(compared.stdout)
    assert scores["calibrate_until"] == 2010
    assert (scores["record"]["from"], scores["record"]["to"]) == (2000, 2020)
    assert [o["record_event"] for o in scores["record"]["outcomes"]] == [
        "ev-2006-river-clash",
        "ev-2015-06-border-agreement",
    ]
    _clean(compared.stdout)
    what_if = parley_cli(
        "counterfactual", scenario, "--set", "shocks.south-new-line.value=40",
        "--runs", "20", "--seed", "1", "--format", "json",
    )  # fmt: skip
    assert what_if.code == 0, what_if.stderr
    _clean(what_if.stdout)
    out = dispute / "report.html"
    reported = parley_cli("report", scenario, "--runs", "20", "--seed", "1", "--out", out)
    assert reported.code == 0, reported.stderr
    page = out.read_text(encoding="utf-8")
    _clean(page)
    assert "The river dispute" in page or "river border" in page
    assert "exchanged fire" not in page  # cited by span, never quoted


def test_a_scenario_without_a_record_says_so(dispute: Path, parley_cli) -> None:
    text = (dispute / "scenario.yaml").read_text(encoding="utf-8")
    bare = dispute / "bare.yaml"
    bare.write_text(
        text.replace("record: record\n", "")
        .replace("    event: ev-2010-islands-offer\n", "")
        .split("\nscoring:")[0]
        + "\n",
        encoding="utf-8",
    )
    assert parley_cli("scenario", "check", bare).code == 0
    compared = parley_cli("compare", bare, "--runs", "5", "--format", "json")
    assert compared.code == 0, compared.stderr
    assert json.loads(compared.stdout)["record"] is None
    out = dispute / "bare.html"
    assert parley_cli("report", bare, "--runs", "5", "--out", out).code == 0
    page = out.read_text(encoding="utf-8")
    _clean(page)
    assert "names no record" in page


def test_a_shock_must_cite_a_record_event_that_exists(dispute: Path, parley_cli) -> None:
    text = (dispute / "scenario.yaml").read_text(encoding="utf-8")
    wrong = dispute / "wrong.yaml"
    wrong.write_text(text.replace("ev-2010-islands-offer", "ev-2010-nothing"), encoding="utf-8")
    missing = dispute / "missing.yaml"
    missing.write_text(text.replace("    event: ev-2010-islands-offer\n", ""), encoding="utf-8")
    for path, message in ((wrong, "unknown record event 'ev-2010-nothing'"),
                          (missing, "name the event this shock stands for")):  # fmt: skip
        result = parley_cli("scenario", "check", path)
        assert result.code == 2
        assert message in result.stderr
        assert f"{path}:" in result.stderr


def test_the_web_app_serves_the_dispute_alone(dispute: Path) -> None:
    folder = dispute.parent / "served"
    folder.mkdir(exist_ok=True)
    shutil.copy(dispute / "scenario.yaml", folder / "river.yaml")
    shutil.copytree(dispute / "record", folder / "record", dirs_exist_ok=True)
    server = start_server("--scenarios", folder)
    try:
        body = json.dumps({"scenario": "river-dispute", "runs": 10, "seed": 1}).encode()
        request = urllib.request.Request(
            f"{server.url}/api/compare", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            text = response.read().decode()
        scores = json.loads(text)["scores"]
        assert [o["name"] for o in scores["record"]["outcomes"]] == [
            "first-clash",
            "border-agreement",
        ]
        _clean(text)
    finally:
        stop_server(server)
