"""Scores against the record: CRPS, baselines, the placebo, and `parley compare`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.api import load_scenario, run
from parley.experiments.summary import yearly_model_index, yearly_relation
from parley.scoring import metrics
from parley.scoring.baselines import baselines
from parley.scoring.placebo import shift_date, shift_shocks
from parley.scoring.record import beats, score_rows

from .conftest import run_parley
from .strategies import ensemble_values, year_distributions

# --- CRPS ------------------------------------------------------------------------------


def plain_crps(samples: list[float], observed: float) -> float:
    """The definition, term by term: mean|X - y| - 0.5 mean|X - X'|, over all n^2 pairs."""
    n = len(samples)
    error = sum(abs(x - observed) for x in samples) / n
    spread = sum(abs(x - z) for x in samples for z in samples) / n**2
    return error - 0.5 * spread


@settings(max_examples=200, deadline=None)
@given(ensemble_values, st.floats(min_value=-1e3, max_value=1e3, allow_nan=False))
def test_crps_is_the_plain_definition(samples: list[float], observed: float) -> None:
    assert metrics.crps_ensemble(samples, observed) == pytest.approx(
        plain_crps(samples, observed), abs=1e-9
    )
    assert metrics.crps_ensemble(samples, observed) >= 0


def test_crps_of_one_value_is_its_absolute_error() -> None:
    assert metrics.crps_ensemble([3.0], -1.5) == 4.5
    assert metrics.crps_ensemble([2.0, 2.0, 2.0], 2.0) == 0.0


def plain_crps_years(predicted: dict[int, float], first: int, last: int, never: int) -> float:
    """Runs as a weighted ensemble (never at ``never``), scored at the best year of the span."""
    runs = [*predicted.items(), (never, 1 - sum(predicted.values()))]
    spread = sum(wa * wb * abs(a - b) for a, wa in runs for b, wb in runs)
    return min(
        sum(w * abs(v - year) for v, w in runs) - 0.5 * spread
        for year in range(min(first, never), min(last, never) + 1)
    )


@settings(max_examples=200, deadline=None)
@given(year_distributions(), st.integers(1950, 1991), st.integers(0, 30))
def test_crps_in_years_is_the_plain_definition(
    predicted: dict[int, float], first: int, width: int
) -> None:
    last = first + width
    expected = plain_crps_years(predicted, first, last, 1992)
    assert metrics.crps_years(predicted, first, last, 1992) == pytest.approx(expected, abs=1e-9)


def test_crps_in_years() -> None:
    assert metrics.crps_years({1969: 1.0}, 1969, 1969, 1992) == 0
    assert metrics.crps_years({1972: 1.0}, 1969, 1969, 1992) == 3
    assert metrics.crps_years({}, 1969, 1969, 1992) == 23  # never: counted at 1992
    # Anywhere in a span is right; a span past the period counts up to the year after it.
    assert metrics.crps_years({2002: 1.0}, 1991, 2017, 2006) == 0
    assert metrics.crps_years({}, 1991, 2017, 2006) == 0
    assert metrics.crps_years({1999: 1.0}, 2001, 2003, 2006) == 2
    # Half the runs in 1969, half in 1971: 0.5 * 1 + 0.5 * 1 - 0.5 * (2 * 0.25 * 2) = 0.5.
    assert metrics.crps_years({1969: 0.5, 1971: 0.5}, 1970, 1970, 1992) == pytest.approx(0.5)


def test_pearson_and_spearman_of_a_constant_are_undefined() -> None:
    assert math.isnan(metrics.pearson([2.1627] * 12, list(range(12))))
    assert math.isnan(metrics.spearman([1.0] * 5, list(range(5))))
    assert metrics.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1)


# --- Baselines ------------------------------------------------------------------------

SERIES = {2000: 1.0, 2001: 3.0, 2002: 2.0, 2003: 4.0, 2004: 10.0, 2005: 0.0}
YEARS = [2001, 2002, 2003, 2004, 2005]


def test_baselines_on_a_hand_made_series() -> None:
    found = baselines(SERIES, YEARS, cut=2003)
    # Up to the cut, last year's value; after it, the cut's value carried forward.
    assert found["persistence"] == {2001: 1, 2002: 3, 2003: 2, 2004: 4, 2005: 4}
    # The line through (2001, 3), (2002, 2), (2003, 4): slope 0.5, 3 at 2002.
    assert found["trend"] == pytest.approx({2001: 2.5, 2002: 3, 2003: 3.5, 2004: 4, 2005: 4.5})
    assert found["mean"] == dict.fromkeys(YEARS, 3.0)


def test_a_baseline_needs_years_before_the_cut() -> None:
    assert baselines(SERIES, YEARS, cut=1999) == {"persistence": {}, "trend": {}, "mean": {}}
    one = baselines(SERIES, YEARS, cut=2001)
    assert one["trend"] == dict.fromkeys(YEARS, 3.0)  # a flat line through one point


def test_an_undefined_correlation_counts_as_zero() -> None:
    model = {"spearman": 0.1, "pearson": -0.2, "crps": 2.0, "sign_agreement": 0.5}
    constant = {"spearman": None, "pearson": None, "crps": 3.0, "sign_agreement": 0.5}
    assert beats(model, constant) == {
        "spearman": True, "pearson": False, "crps": True, "sign_agreement": False,
    }  # fmt: skip
    assert beats({**model, "crps": None}, constant)["crps"] is None


# --- The placebo ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "years", "moved"),
    [
        ("1969-03", -5, "1964-03"),
        ("1991-12-25", 5, "1996-12-25"),
        ("1978", 5, "1983"),
        ("1982/1985", -5, "1977/1980"),
        ("196X", 5, "1965/1974"),
        ("1964/197X", -5, "1959/1974"),
        ("../1964-22", -5, "../1959-22"),
        ("1950~", -5, "1945~"),
        ("1980-02-29", -5, "1975-02-28"),
        ("1980-02-29", 4, "1984-02-29"),
    ],
)
def test_shift_date(date: str, years: int, moved: str) -> None:
    assert shift_date(date, years) == moved


def test_the_placebo_moves_every_shock_and_drops_those_past_the_period() -> None:
    scenario = load_scenario("sino-soviet")
    later = shift_shocks(scenario, 5)
    assert later.dropped == ("separatism", "separatism-regions", "gorbachev-president")
    assert len(later.moved) + len(later.dropped) == len(scenario.shocks)
    original = {shock.id: shock for shock in scenario.shocks}
    for shock in later.scenario.shocks:
        assert shock.date == shift_date(original[shock.id].date, 5)
        assert shock.model_dump(exclude={"date"}) == original[shock.id].model_dump(exclude={"date"})
    assert later.scenario.model_dump(exclude={"shocks"}) == scenario.model_dump(exclude={"shocks"})
    earlier = shift_shocks(scenario, -5)
    assert earlier.dropped == ()
    assert len(earlier.moved) == len(scenario.shocks)


def test_the_placebo_moves_successions_too() -> None:
    scenario = load_scenario("post-soviet-border")
    later = shift_shocks(scenario, 5)
    assert later.problem is None
    assert {shock.date for shock in later.scenario.shocks} == {"1996-12-25"}
    assert later.scenario.shocks[0].kind == "succession"


def test_a_placebo_that_drops_a_needed_succession_says_so() -> None:
    scenario = load_scenario("post-soviet-border")
    earlier = shift_shocks(scenario, -5)  # before the period starts: dropped
    assert earlier.dropped[0] == "end-of-the-soviet-union"
    assert earlier.scenario.shocks == ()  # the rest name the states it would have made
    assert earlier.problem is not None
    assert "end-of-the-soviet-union" in earlier.problem
    assert "kazakhstan" in earlier.problem


# --- The model's index ----------------------------------------------------------------


def test_the_model_index_has_each_run_for_each_year_of_the_counterpart() -> None:
    ensemble = run("sino-soviet", runs=4, seed=2)
    index = yearly_model_index(ensemble)
    assert list(index) == list(yearly_relation(ensemble))
    assert all(values.shape == (4,) and np.isfinite(values).all() for values in index.values())
    again = yearly_model_index(run("sino-soviet", runs=4, seed=2))
    assert all(np.array_equal(again[year], values) for year, values in index.items())


# --- parley compare -------------------------------------------------------------------

SCORE_KEYS = {"from", "to", "years", "spearman", "pearson", "crps", "sign_agreement"}
SERIES_KEYS = SCORE_KEYS | {"eras", "in_sample", "out_of_sample"}


def _numbers(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [n for value in data.values() for n in _numbers(value)]
    if isinstance(data, list):
        return [n for value in data for n in _numbers(value)]
    return [data] if isinstance(data, int | float) and not isinstance(data, bool) else []


def _refuse(constant: str) -> None:
    raise AssertionError(f"{constant} in the JSON")


@pytest.fixture(scope="module")
def scores() -> dict[str, Any]:
    result = run_parley(
        "compare", "sino-soviet", "--runs", "20", "--seed", "1", "--format", "json", "--quiet"
    )
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout, parse_constant=_refuse)
    return data


def _check_series(series: dict[str, Any]) -> None:
    assert set(series) >= SERIES_KEYS
    assert (series["from"], series["to"], series["years"]) == (1950, 1991, 42)
    assert [(era["from"], era["to"]) for era in series["eras"]] == [
        (1950, 1965), (1966, 1979), (1980, 1991)
    ]  # fmt: skip
    assert (series["in_sample"]["from"], series["in_sample"]["to"]) == (1950, 1979)
    assert (series["out_of_sample"]["from"], series["out_of_sample"]["to"]) == (1980, 1991)
    for era in (*series["eras"], series["in_sample"], series["out_of_sample"]):
        assert set(era) == SCORE_KEYS


def test_compare_json_has_every_score(scores: dict[str, Any]) -> None:
    assert {"scenario", "runs", "seed", "calibrate_until", "record"} <= set(scores)
    assert (scores["runs"], scores["seed"], scores["calibrate_until"]) == (20, 1, 1979)
    record = scores["record"]
    _check_series(record)
    assert set(record["baselines"]) == {"persistence", "trend", "mean"}
    for baseline in record["baselines"].values():
        _check_series(baseline)
    # The mean is constant: it has no ranks. Persistence is constant after the cut.
    assert record["baselines"]["mean"]["spearman"] is None
    assert record["baselines"]["mean"]["pearson"] is None
    assert record["baselines"]["persistence"]["out_of_sample"]["spearman"] is None
    assert set(record["placebo"]) == {"-5", "+5"}
    for placebo in record["placebo"].values():
        _check_series(placebo)
        assert len(placebo["outcomes"]) == len(record["outcomes"])
        assert placebo["skipped"] is None
    assert record["placebo"]["+5"]["shocks_dropped"] == [
        "separatism", "separatism-regions", "gorbachev-president"
    ]  # fmt: skip
    names = [outcome["name"] for outcome in record["outcomes"]]
    assert names == [
        "party-ties-broken", "first-armed-clash", "treaty-ended", "normalization-talks",
        "eastern-border-agreement",
    ]  # fmt: skip
    for outcome in record["outcomes"]:
        assert {"name", "observed", "probability_by_end", "mode_year", "brier", "crps"} <= set(
            outcome
        )
        assert 0 <= outcome["brier"] <= 2
        assert outcome["crps"] >= 0
    assert [o["in_sample"] for o in record["outcomes"]] == [True, True, True, False, False]
    assert "external" not in scores


def test_every_number_is_finite_or_null(scores: dict[str, Any]) -> None:
    numbers = _numbers(scores)
    assert numbers
    assert all(math.isfinite(n) for n in numbers)
    for row in score_rows(scores["record"]):
        assert row["model"] is None or math.isfinite(row["model"])


def test_compare_against_an_external_index(tmp_path: Any) -> None:
    index = tmp_path / "index.csv"
    index.write_text("period,value\n" + "".join(f"{y},{(y % 7) - 3}\n" for y in range(1950, 1992)))
    result = run_parley(
        "compare", "sino-soviet", "--runs", "6", "--seed", "1", "--index", index,
        "--format", "json", "--quiet",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    external = json.loads(result.stdout, parse_constant=_refuse)["external"]
    _check_series(external)
    assert set(external["baselines"]) == {"persistence", "trend", "mean"}
    assert set(external["placebo"]) == {"-5", "+5"}
    assert "outcomes" not in external


def test_compare_prints_tables() -> None:
    result = run_parley("compare", "sino-soviet", "--runs", "6", "--seed", "1", "--quiet")
    assert result.code == 0, result.stderr
    for words in ("persistence", "trend", "placebo -5", "placebo +5", "model beats",
                  "1980-1991 out of sample", "Dated outcomes", "first-armed-clash"):  # fmt: skip
        assert words in result.stdout


def test_a_forecast_past_the_record_gets_only_its_outcomes() -> None:
    result = run_parley(
        "compare", "post-soviet-border", "--runs", "4", "--seed", "1", "--format", "json",
        "--quiet",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    record = json.loads(result.stdout, parse_constant=_refuse)["record"]
    assert record["years"] == 0
    assert record["eras"] == []
    assert record["spearman"] is None
    assert len(record["outcomes"]) == 3
    assert all(outcome["crps"] is not None for outcome in record["outcomes"])
    # Five years earlier the Soviet Union ends before the period: that placebo cannot run.
    skipped = record["placebo"]["-5"]
    assert "end-of-the-soviet-union" in skipped["skipped"]
    assert [outcome["crps"] for outcome in skipped["outcomes"]] == [None, None, None]
    assert record["placebo"]["+5"]["skipped"] is None
    assert all(o["crps"] is not None for o in record["placebo"]["+5"]["outcomes"])
    table = run_parley("compare", "post-soviet-border", "--runs", "4", "--seed", "1", "--quiet")
    assert table.code == 0, table.stderr
    assert "no year of the index" in table.stdout
    assert "kazakhstan-border-agreement" in table.stdout
    assert "Placebo -5 not run" in table.stdout


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("period,value\n1969,\n1970,2\n", 2, "bad row"),
        ("period,value\n1969,1\n1969,2\n", 3, "year 1969 again"),
        ("period,value\n1969junk,1\n", 2, "bad row"),
        ("period,value\n1969,nan\n", 2, "bad row"),
    ],
)
def test_a_bad_external_index_is_refused_on_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    from parley.errors import InputError
    from parley.scoring.record import read_external_index

    path = tmp_path / "index.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_external_index(path)
    assert f"{path}:{line}:" in str(caught.value.location) + ":"
