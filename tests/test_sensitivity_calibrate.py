"""Sensitivity analysis with SALib, and calibration that never sees the years after its cut."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.api import load_record, load_scenario
from parley.errors import InputError
from parley.experiments import calibrate as cal
from parley.experiments.sensitivity import sensitivity
from parley.record import dates
from parley.scenario.parameters import SPECS
from parley.scoring import fit as fitting
from parley.scoring.record import yearly_index

from .conftest import run_parley

SCENARIO = load_scenario("sino-soviet")


def _measure():  # type: ignore[no-untyped-def]
    """The record's measures of a sample, as the API builds them."""
    return functools.partial(fitting.sample_metrics, observed=yearly_index(load_record(), SCENARIO))


def test_morris_finds_a_parameter_without_effect() -> None:
    # The event rate only sets how many events are drawn: it moves the model's index, made
    # of those events, and so record.spearman, but no dated outcome.
    names = ("incident-hazard", "strain-scale", "event-rate")
    result = sensitivity(SCENARIO, _measure(), "morris", names, samples=2, runs=8, seed=1)
    assert len(result.samples) == 2 * (len(names) + 1)
    assert set(result.indices["parameter"]) == set(names)
    assert {"mu_star", "sigma", "mu_star_conf"} <= set(result.indices.columns)
    indices = result.indices
    rate = indices[
        (indices["parameter"] == "event-rate") & (indices["metric"] != "record.spearman")
    ]
    assert len(rate) == 10  # probability and year of five outcomes
    assert (rate["mu_star"] == 0).all()
    hazard = result.indices[
        (result.indices["parameter"] == "incident-hazard")
        & (result.indices["metric"] == "first-armed-clash.probability")
    ]
    assert float(hazard["mu_star"].iloc[0]) > 0


def test_sobol_reports_first_and_total_order() -> None:
    names = ("incident-hazard", "event-rate")
    result = sensitivity(SCENARIO, _measure(), "sobol", names, samples=4, runs=4)
    assert len(result.samples) == 4 * (2 + 2)
    assert {"S1", "ST", "S1_conf", "ST_conf"} <= set(result.indices.columns)


def test_sensitivity_command_writes_tables_and_a_plot(tmp_path: Path) -> None:
    out = tmp_path / "sa"
    args = ["sensitivity", "sino-soviet", "--params", "incident-hazard,strain-scale",
            "--samples", "2", "--runs", "4", "--workers", "1", "--quiet"]  # fmt: skip
    result = run_parley(*args, "--out", out)
    assert result.code == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {
        "samples.parquet",
        "indices.parquet",
        "sensitivity.png",
    }
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(pd.read_parquet(out / "samples.parquet")) == 2 * 3
    again = run_parley(*args, "--out", out)
    assert again.code == 2
    assert "already there" in again.stderr
    unknown = run_parley("sensitivity", "sino-soviet", "--params", "clash-hazzard", "--quiet")
    assert unknown.code == 2
    assert "no parameter 'clash-hazzard'" in unknown.stderr


def _cut(record, until: int):  # type: ignore[no-untyped-def]
    """The record without any event that starts after ``until``."""
    kept = [e for e in record.record.events if dates.bounds(e.date)[0].year <= until]
    events = record.events[record.events["id"].isin({e.id for e in kept})]
    return dataclasses.replace(
        record, record=dataclasses.replace(record.record, events=tuple(kept)), events=events
    )


def test_calibration_never_sees_the_years_after_its_cut() -> None:
    record = load_record()
    full, cut = (
        fitting.targets_until(SCENARIO, record, 1979),
        fitting.targets_until(SCENARIO, _cut(record, 1979), 1979),
    )
    assert full == cut
    assert max(full.index) == 1979
    assert [name for name, *_ in full.outcomes] == [
        "party-ties-broken", "first-armed-clash", "treaty-ended"
    ]  # fmt: skip
    names = ("incident-hazard", "strain-scale")
    a = cal.calibrate(
        SCENARIO, functools.partial(fitting.fit, targets=full), names, budget=3, runs=6, seed=2
    )
    b = cal.calibrate(
        SCENARIO, functools.partial(fitting.fit, targets=cut), names, budget=3, runs=6, seed=2
    )
    assert a == b
    assert a["fit"]["fit"] >= a["baseline_fit"]["fit"]
    assert len(a["tried"]) == 4  # the scenario's own values, then the budget


def _negated_after(ensemble, year: int):  # type: ignore[no-untyped-def]
    """The ensemble with the model's index negated in every step after ``year``."""
    after = np.array([d.year > year for d in ensemble.inputs.steps])[None, :, None]
    goldstein = np.where(after, -ensemble.outputs.goldstein, ensemble.outputs.goldstein)
    outputs = dataclasses.replace(ensemble.outputs, goldstein=goldstein)
    return dataclasses.replace(ensemble, outputs=outputs)


def test_the_fit_ignores_model_years_after_the_cut() -> None:
    from parley.api import run

    targets = fitting.targets_until(SCENARIO, load_record(), 1965)
    ensemble = run(SCENARIO, 10, 3)
    assert fitting.fit(ensemble, targets) == fitting.fit(_negated_after(ensemble, 1965), targets)
    # ... and does see the years up to it: the same change from 1955 on moves the fit.
    assert fitting.fit(ensemble, targets) != fitting.fit(_negated_after(ensemble, 1955), targets)


def test_an_overlay_round_trips_and_bad_ones_are_located(tmp_path: Path) -> None:
    path = tmp_path / "fit.yaml"
    cal.write_overlay(path, {"incident-hazard": 0.02, "strain-scale": 7.5}, ["a test"])
    assert cal.read_overlay(path) == {"incident-hazard": 0.02, "strain-scale": 7.5}
    bad = tmp_path / "bad.yaml"
    bad.write_text("parameters:\n  incident-hazard: 0.02\n  strain-scale: 99\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"99 is not a number in \[0.0, 30.0\]") as caught:
        cal.read_overlay(bad)
    assert caught.value.location.line == 3
    result = run_parley("run", "sino-soviet", "--runs", "2", "--params", bad)
    assert result.code == 2
    assert f"{bad}:3:" in result.stderr


def test_calibrate_command_writes_an_overlay_that_run_applies(tmp_path: Path) -> None:
    out = tmp_path / "fit.yaml"
    result = run_parley(
        "calibrate", "sino-soviet", "--until", "1979", "--budget", "2", "--runs", "5",
        "--params", "incident-hazard", "--workers", "1", "--quiet", "--out", out, "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("# Fitted by parley calibrate")
    applied = run_parley("run", "sino-soviet", "--runs", "5", "--params", out, "--quiet")
    assert applied.code == 0, applied.stderr


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=200)
    | st.builds(lambda body: f"parameters:\n{body}", st.text(max_size=120))
)
def test_any_overlay_text_is_read_or_refused_in_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    values: dict[str, float] = {}
    message = ""
    try:
        values = cal.read_overlay(path)
    except InputError as error:
        message = str(error)
    if message:
        assert "\n" not in message
        assert message.startswith(str(path))
    for name, value in values.items():
        low, high = SPECS[name].low, SPECS[name].high
        assert low <= value <= high
