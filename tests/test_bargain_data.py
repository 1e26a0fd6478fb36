"""Bargaining on a researcher's data set: many issues in one call, the Nash solution,
combinations fitted on part of the outcomes, cycles, and the --out folder."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley import api
from parley.experiments.bargain import find_cycle
from parley.model.nash import nash
from parley.scenario.spatial import Outcome, read_outcomes, read_problem
from parley.scoring.outcomes import evaluate, fit_weights, split_dimensions
from tests.decisions import write_decisions

EC = Path(api.__file__).parent / "data" / "examples" / "ec_emissions.csv"


@pytest.fixture(scope="module")
def decisions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_decisions(tmp_path_factory.mktemp("decisions"))


def _plain_median(x: list[float], w: list[float]) -> float:
    """The Condorcet winner among the positions, by plain loops (ties: nearest the weighted
    mean, then the lower position)."""
    total = {
        j: sum(wi * abs(xi - x[j]) for xi, wi in zip(x, w, strict=True)) for j in range(len(x))
    }
    best = min(total.values())
    tied = [j for j in total if total[j] <= best + 1e-12 * max(1.0, abs(best))]
    mean = sum(wi * xi for xi, wi in zip(x, w, strict=True)) / sum(w)
    gap = min(abs(x[j] - mean) for j in tied)
    return min(x[j] for j in tied if abs(x[j] - mean) <= gap + 1e-12)


def test_a_data_set_of_350_issues_is_scored_in_one_command(parley_cli, decisions) -> None:
    """The tidy file of 350 issues with 2 to 30 actors each, saliences on 0-100, in one
    call; the median's, compromise's and reference point's scores against plain loops
    over the CSV itself."""
    problem_file, outcomes_file = decisions
    done = parley_cli(
        "bargain", problem_file, "--outcomes", outcomes_file, "--model", "all", "--format", "json"
    )
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["salience_scale"] == 100
    assert len(data["dimensions"]) == 350

    issues: dict[str, list[tuple[float, float]]] = {}
    with problem_file.open() as handle:
        for row in csv.DictReader(handle):
            weight = float(row["capability"]) * float(row["salience"]) / 100
            issues.setdefault(row["dimension"], []).append((float(row["position"]), weight))
    sizes = {len(actors) for actors in issues.values()}
    assert min(sizes) == 2
    assert max(sizes) == 30
    with outcomes_file.open() as handle:
        known = {
            r["dimension"]: (float(r["outcome"]), float(r["reference"]))
            for r in csv.DictReader(handle)
        }
    errors: dict[str, list[float]] = {"median": [], "compromise": [], "reference": []}
    for issue, actors in issues.items():
        x, w = [a[0] for a in actors], [a[1] for a in actors]
        outcome, reference = known[issue]
        errors["median"].append(abs(_plain_median(x, w) - outcome))
        compromise = sum(xi * wi for xi, wi in zip(x, w, strict=True)) / sum(w)
        errors["compromise"].append(abs(compromise - outcome))
        errors["reference"].append(abs(reference - outcome))
    scores = {row["model"]: row for row in data["scores"]}
    assert set(scores) == {"median", "compromise", "eu", "nash", "reference"}
    for model, found in errors.items():
        assert scores[model]["dimensions"] == 350
        assert scores[model]["mae"] == pytest.approx(sum(found) / 350, rel=1e-12)
        rmse = math.sqrt(sum(e * e for e in found) / 350)
        assert scores[model]["rmse"] == pytest.approx(rmse, rel=1e-12)


def test_each_issue_is_forecast_as_if_alone(decisions, tmp_path: Path) -> None:
    """One call over many issues gives each issue the forecast of its own file."""
    problem = read_problem(decisions[0])
    together = {(r["model"], r["dimension"]): r["forecast"] for r in api.forecast(problem).rows}
    for dimension in ("issue-007", "issue-123"):
        alone = tmp_path / f"{dimension}.csv"
        with decisions[0].open() as source:
            lines = source.read().splitlines()
        alone.write_text("\n".join([lines[0], *[x for x in lines if f",{dimension}," in x]]) + "\n")
        for row in api.forecast(read_problem(alone)).rows:
            # the same, up to the order in which actors are summed (file order differs)
            assert row["forecast"] == pytest.approx(together[(row["model"], dimension)], rel=1e-12)


def _plain_nash(x: list[float], w: list[float], r: float) -> float:
    """The Nash bargaining solution by golden-section search on the Nash product's log."""
    taking_part = [(xi, wi) for xi, wi in zip(x, w, strict=True) if wi > 0]
    low = max(xi - abs(r - xi) for xi, _ in taking_part)
    high = min(xi + abs(r - xi) for xi, _ in taking_part)
    if not low < high:
        return r

    def log_product(y: float) -> float:
        gains = [((r - xi) ** 2 - (y - xi) ** 2, wi) for xi, wi in taking_part]
        if min(g for g, _ in gains) <= 0:  # rounding at the ends of a tiny interval
            return -math.inf
        return sum(wi * math.log(g) for g, wi in gains)

    ratio = (math.sqrt(5) - 1) / 2
    a, b = low, high
    for _ in range(200):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if log_product(c) < log_product(d):
            a = c
        else:
            b = d
    return (a + b) / 2


@settings(max_examples=200, deadline=None)
@given(
    actors=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from([0.0, 0.1, 0.5, 1.0, 3.0])),
        min_size=2,
        max_size=12,
    ),
    reference=st.floats(-0.5, 1.5),
)
def test_nash_matches_a_plain_search(actors: list[tuple[float, float]], reference: float) -> None:
    x = [a[0] for a in actors]
    w = [a[1] for a in actors]
    found = float(nash(np.array([x]), np.array([w]), np.array([reference]))[0])
    expected = _plain_nash(x, w, reference) if any(w) else reference
    assert found == pytest.approx(expected, abs=1e-6)


def test_nash_properties() -> None:
    x = np.array([[0.2, 0.5, 0.9]])
    w = np.array([[1.0, 2.0, 1.0]])
    # A reference between the positions: no agreement is better for everyone.
    assert nash(x, w, np.array([0.6]))[0] == 0.6
    # Far from everyone, the Nash solution nears the weighted mean (the compromise).
    far = nash(x, w, np.array([-1000.0]))[0]
    assert far == pytest.approx(float((x * w).sum() / w.sum()), abs=1e-3)
    # Every actor gains from the agreement.
    y = nash(x, w, np.array([0.0]))[0]
    assert (np.abs(y - x) < np.abs(0.0 - x)).all()


def test_nash_needs_a_reference(parley_cli) -> None:
    done = parley_cli("bargain", EC, "--model", "nash")
    assert done.code == 2
    assert "needs a reference point" in done.stderr


@settings(max_examples=40, deadline=None)
@given(
    forecasts=st.lists(st.tuples(*[st.floats(0, 100)] * 3), min_size=3, max_size=10),
    truth=st.lists(st.floats(0, 100), min_size=10, max_size=10),
)
def test_fitted_weights_are_the_best_on_a_grid(
    forecasts: list[tuple[float, float, float]], truth: list[float]
) -> None:
    """No weights on a 0.01 grid of the simplex fit the training outcomes better."""
    models = ("median", "compromise", "eu")
    rows = [
        {"model": m, "dimension": f"d{k}", "forecast": value}
        for k, values in enumerate(forecasts)
        for m, value in zip(models, values, strict=True)
    ]
    dims = [f"d{k}" for k in range(len(forecasts))]
    outcomes = {d: Outcome(truth[k]) for k, d in enumerate(dims)}
    weights = fit_weights(rows, outcomes, models, dims)
    assert all(w >= 0 for w in weights.values())
    assert sum(weights.values()) == pytest.approx(1.0)

    def error(w: tuple[float, float, float]) -> float:
        return sum(
            (sum(wm * f for wm, f in zip(w, values, strict=True)) - truth[k]) ** 2
            for k, values in enumerate(forecasts)
        )

    grid = [(a / 100, b / 100, (100 - a - b) / 100) for a in range(101) for b in range(101 - a)]
    best = min(error(w) for w in grid)
    assert error(tuple(weights[m] for m in models)) <= best + 1e-9 * max(1.0, best)


def test_held_out_dimensions_are_drawn_by_the_seed() -> None:
    dims = [f"d{k}" for k in range(20)]
    train, test = split_dimensions(dims, 0.3, seed=5)
    assert len(train) == 6
    assert len(test) == 14
    assert not set(train) & set(test)
    assert split_dimensions(dims, 0.3, seed=5) == (train, test)
    assert split_dimensions(dims, 0.3, seed=6) != (train, test)


def test_a_fitted_combination_is_scored_only_where_it_was_not_fitted(decisions) -> None:
    problem = read_problem(decisions[0])
    outcomes = read_outcomes(decisions[1], problem)
    references = {d: o.reference for d, o in outcomes.items() if o.reference is not None}
    rows = api.forecast(problem, references=references).rows
    found = evaluate(list(rows), outcomes, "fit", 0.5, seed=3)
    assert len(found.train) == 175
    assert set(found.test) == set(outcomes) - set(found.train)
    assert found.weights is not None
    assert sum(found.weights.values()) == pytest.approx(1)
    scores = {row["model"]: row for row in found.scores}
    assert all(row["dimensions"] == 175 for row in found.scores)
    # The combination's held-out error, by plain loops from the weights and the rows.
    forecast = {(r["model"], r["dimension"]): r["forecast"] for r in rows}
    errors = [
        abs(sum(w * forecast[(m, d)] for m, w in found.weights.items()) - outcomes[d].outcome)
        for d in found.test
    ]
    assert scores["combined"]["mae"] == pytest.approx(sum(errors) / len(errors), rel=1e-12)


def test_fit_without_held_out_outcomes_is_refused(parley_cli, decisions) -> None:
    done = parley_cli("bargain", decisions[0], "--outcomes", decisions[1], "--combine", "fit")
    assert done.code == 2
    assert "--train-fraction" in done.stderr


def test_fixed_weights_combine_forecasts(parley_cli) -> None:
    done = parley_cli(
        "bargain", EC, "--combine", "compromise=3,median=1", "--format", "json", "--rounds", "1"
    )
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    forecast = {m["model"]: m["forecast"]["position"] for m in data["models"]}
    assert data["combination"]["weights"] == {"compromise": 0.75, "median": 0.25}
    assert data["combination"]["fitted"] is False
    expected = 0.75 * forecast["compromise"] + 0.25 * forecast["median"]
    assert forecast["combined"] == pytest.approx(expected, rel=1e-12)
    refused = parley_cli("bargain", EC, "--combine", "exchange=1", "--model", "median")
    assert refused.code == 2
    assert "no forecasts from exchange" in refused.stderr


def test_find_cycle() -> None:
    assert find_cycle(np.array([7.0, 10, 7.12, 10, 7.15, 10, 7.18]), 1e-9) == (7.15, 10.0, 7.18)[1:]
    assert find_cycle(np.array([1.0, 2, 3, 1, 2, 3, 1, 2, 3]), 1e-9) == (1.0, 2.0, 3.0)
    assert find_cycle(np.array([5.0, 6, 6.5, 6.75, 6.875, 6.9375]), 1e-9) is None  # converging
    assert find_cycle(np.array([7.0, 7, 7, 7, 7]), 1e-9) is None  # settled


def test_the_ec_forecast_is_reported_as_a_cycle(parley_cli) -> None:
    done = parley_cli("bargain", EC, "--model", "eu")
    assert done.code == 0, done.stderr
    assert "eu on position: the forecast cycles through 10, 7.22499" in done.stdout
    data = json.loads(parley_cli("bargain", EC, "--model", "eu", "--format", "json").stdout)
    assert data["models"][0]["cycles"] == {"position": [10.0, 7.22499]}


def test_csv_with_a_trace_is_refused_rather_than_dropping_the_forecasts(parley_cli) -> None:
    done = parley_cli("bargain", EC, "--trace", "--format", "csv")
    assert done.code == 2
    assert "--out DIR" in done.stderr


def test_out_writes_tables_and_a_figure(parley_cli, tmp_path: Path) -> None:
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("dimension,outcome,reference\nposition,8.83,4\n")
    out = tmp_path / "results"
    done = parley_cli("bargain", EC, "--outcomes", outcomes, "--out", out, "--rounds", "4")
    assert done.code == 0, done.stderr
    names = sorted(path.name for path in out.iterdir())
    tables = [f"{t}.{e}" for t in ("forecasts", "scores", "trace") for e in ("csv", "parquet")]
    assert names == sorted([*tables, "positions.png"])
    forecasts = pd.read_parquet(out / "forecasts.parquet")
    assert set(forecasts["model"]) == {"median", "compromise", "eu", "nash"}
    assert pd.read_csv(out / "forecasts.csv")["forecast"].tolist() == forecasts["forecast"].tolist()
    trace = pd.read_parquet(out / "trace.parquet")
    assert len(trace) == 10 * 5  # ten actors, rounds 0 to 4
    assert set(pd.read_csv(out / "scores.csv")["model"]) == {
        "median",
        "compromise",
        "eu",
        "nash",
        "reference",
    }
    assert (out / "positions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_blank_outcome_with_a_reference_is_forecast_not_scored(tmp_path: Path) -> None:
    problem = read_problem(EC)
    path = tmp_path / "outcomes.csv"
    path.write_text("dimension,outcome,reference\nposition,,4\n")
    outcomes = read_outcomes(path, problem)
    assert outcomes == {"position": Outcome(None, 4.0)}
    rows = api.forecast(problem, references={"position": 4.0}).rows
    assert [row["model"] for row in rows] == ["median", "compromise", "nash", "eu"]
    assert evaluate(list(rows), outcomes).scores[0]["dimensions"] == 0


def test_every_json_field_is_documented(parley_cli, tmp_path: Path) -> None:
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("dimension,outcome,reference\nposition,8.83,4\n")
    done = parley_cli(
        "bargain", EC, "--outcomes", outcomes, "--combine", "mean", "--trace", "--format", "json"
    )
    assert done.code == 0, done.stderr
    data = json.loads(done.stdout)
    fields = set(data)
    for model in data["models"]:
        fields |= set(model) | set(model.get("options", {}))
        for per_dimension in model.get("distribution", {}).values():
            fields |= set(per_dimension)
    fields |= set(data["combination"]) | set(data["trace"][0]) | set(data["scores"][0])
    docs = Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md"
    text = docs.read_text(encoding="utf-8")
    section = text[text.index("## parley bargain") :]
    missing = sorted(
        f for f in fields if f"`{f}`" not in section and f"`models[].{f}`" not in section
    )
    assert not missing, f"JSON fields not in docs/reference/cli.md: {missing}"


def test_linked_dimensions_are_traded_by_the_exchange_model(parley_cli) -> None:
    """`--link all` runs the exchange model over the file's dimensions: its forecasts are
    the model's last voting outcomes on the input's scale; the others stay as they were."""
    from parley.model.exchange import run_exchange

    ktab = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab" / "dummyData_3Dim.csv"
    problem = read_problem(ktab)
    done = parley_cli("bargain", ktab, "--link", "all", "--rounds", "4", "--format", "json")
    assert done.code == 0, done.stderr
    models = {m["model"]: m["forecast"] for m in json.loads(done.stdout)["models"]}
    direct = run_exchange(
        problem.capability,
        problem.positions,
        problem.salience,
        scales=problem.scales,
        rounds=4,
    )
    assert models["exchange"] == dict(zip(problem.dimensions, direct.outcome.tolist(), strict=True))
    alone = parley_cli("bargain", ktab, "--rounds", "4", "--format", "json")
    unlinked = {m["model"]: m["forecast"] for m in json.loads(alone.stdout)["models"]}
    assert "exchange" not in unlinked
    assert all(unlinked[m] == models[m] for m in unlinked)
    refused = parley_cli("bargain", ktab, "--link", "dim1,nowhere")
    assert refused.code == 2
    assert "no dimension 'nowhere'" in refused.stderr
