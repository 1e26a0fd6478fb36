"""The dynamic model: reproducible, independent of chunking, in range, inputs only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.api import compare_scenario, load_scenario, run_scenario
from parley.experiments.ensemble import apply_overrides
from parley.model.simulate import PARAMETERS

SCENARIO = load_scenario("sino-soviet")


def test_same_seed_gives_identical_json(parley_cli) -> None:
    first = parley_cli("run", "sino-soviet", "--runs", "20", "--seed", "5", "--format", "json")
    second = parley_cli("run", "sino-soviet", "--runs", "20", "--seed", "5", "--format", "json")
    assert first.code == 0, first.stderr
    assert first.stdout == second.stdout
    other = parley_cli("run", "sino-soviet", "--runs", "20", "--seed", "6", "--format", "json")
    assert other.stdout != first.stdout


def test_one_chunk_equals_four_chunks() -> None:
    whole = run_scenario(SCENARIO, runs=40, seed=3)
    split = run_scenario(SCENARIO, runs=40, seed=3, chunk=10)
    for name in whole.outputs.__dataclass_fields__:
        assert np.array_equal(getattr(whole.outputs, name), getattr(split.outputs, name)), name


def test_a_run_does_not_depend_on_the_number_of_runs() -> None:
    few = run_scenario(SCENARIO, runs=5, seed=9)
    many = run_scenario(SCENARIO, runs=30, seed=9)
    assert np.array_equal(few.outputs.relation, many.outputs.relation[:5])


PARAM_RANGES = {name: SCENARIO.parameters[name].range for name in PARAMETERS}


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_outputs_stay_in_range_for_any_documented_parameters(data: st.DataObject) -> None:
    chosen = data.draw(st.lists(st.sampled_from(PARAMETERS), min_size=1, max_size=4, unique=True))
    overrides = []
    for name in chosen:
        low, high = PARAM_RANGES[name]
        value = data.draw(st.floats(low, high, allow_nan=False))
        overrides.append(f"parameters.{name}.value={value!r}")
    result = run_scenario(SCENARIO, runs=4, seed=1, overrides=tuple(overrides))
    out = result.outputs
    assert np.isfinite(out.relation).all()
    assert out.relation.min() >= -10
    assert out.relation.max() <= 10
    assert out.positions.min() >= 0
    assert out.positions.max() <= 100


@settings(max_examples=10, deadline=None)
@given(position=st.floats(0, 100), salience=st.floats(0, 1))
def test_identical_positions_give_no_strain(position: float, salience: float) -> None:
    overrides = ["parameters.relation-noise.value=0"]
    for actor in SCENARIO.actors:
        for issue in SCENARIO.issues:
            stem = f"actors.{actor.id}.stances.{issue.id}"
            overrides += [f"{stem}.position={position!r}", f"{stem}.salience={salience!r}"]
    scenario = apply_overrides(SCENARIO, overrides).model_copy(update={"shocks": ()})
    out = run_scenario(scenario, runs=3, seed=2).outputs
    # No strain and no noise: R starts at its maximum and never falls below it (agreements
    # on the bilateral issues, where the sides already agree, may lift it for a while).
    top = SCENARIO.parameters["relation-max"].value
    assert out.relation[:, 0] == pytest.approx(top)
    assert (out.relation >= top - 1e-9).all()
    assert not out.clash.any()


def test_overrides_change_inputs(parley_cli) -> None:
    calm = run_scenario(SCENARIO, runs=50, seed=1, overrides=("parameters.clash-hazard.value=0",))
    assert not calm.outputs.clash.any()
    moved = apply_overrides(SCENARIO, ["shocks.mao-remarks-1964.value=60"])
    assert next(s for s in moved.shocks if s.id == "mao-remarks-1964").value == 60


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("relation=5", "no field 'relation'"),
        ("shocks.no-such-shock.value=1", "no entry 'no-such-shock'"),
        ("parameters.clash-hazard.value=9", "outside its range"),
        ("parameters.clash-hazard.value", "PATH=VALUE"),
    ],
)
def test_bad_overrides_are_one_line(parley_cli, override: str, message: str) -> None:
    result = parley_cli("run", "sino-soviet", "--runs", "2", "--set", override)
    assert result.code == 2
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr


def test_out_writes_parquet_once(tmp_path: Path, parley_cli) -> None:
    import pandas as pd

    out = tmp_path / "results"
    result = parley_cli("run", "sino-soviet", "--runs", "3", "--out", out, "--format", "json")
    assert result.code == 0, result.stderr
    relation = pd.read_parquet(out / "relation.parquet")
    assert set(relation.columns) == {"run", "step", "date", "counterpart", "relation", "clash"}
    assert len(relation) == 3 * 169  # quarters from 1949-10 to 1991-12
    assert {p.name for p in out.iterdir()} == {
        "relation.parquet", "agreements.parquet", "talks.parquet", "events.parquet", "positions.parquet",
        "catalog.duckdb", "chunks",
    }  # fmt: skip
    again = parley_cli("run", "sino-soviet", "--runs", "3", "--out", out)
    assert again.code == 2
    assert "already there" in again.stderr


def test_compare_reports_every_metric(parley_cli) -> None:
    result = parley_cli("compare", "sino-soviet", "--runs", "30", "--seed", "1")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"spearman", "sign_agreement"} <= set(data["record"])
    for part in ("in_sample", "out_of_sample"):
        assert {"spearman", "sign_agreement"} <= set(data[part])
    names = {o["name"] for o in data["outcomes"]}
    assert names == {"first-armed-clash", "eastern-border-agreement"}
    for outcome in data["outcomes"]:
        assert 0 <= outcome["brier"] <= 2
        assert outcome["observed"] in (1969, 1991)


def test_compare_with_an_external_index(tmp_path: Path) -> None:
    index = tmp_path / "index.csv"
    index.write_text("period,value\n" + "".join(f"{y},{(y % 7) - 3}\n" for y in range(1950, 1992)))
    ensemble = run_scenario(SCENARIO, runs=10, seed=1)
    scores = compare_scenario(ensemble, index=index)
    assert scores["external"]["years"] == 42
    assert -1 <= scores["external"]["spearman"] <= 1


def test_counterfactual_pairs_seeds_and_reports_intervals(parley_cli) -> None:
    result = parley_cli(
        "counterfactual", "sino-soviet", "--runs", "30", "--seed", "2",
        "--set", "shocks.gorbachev-president.enabled=false", "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    rows = {row["metric"]: row for row in data["differences"]}
    # Paired seeds: before the intervention's date nothing can differ.
    assert rows["mean relation with ussr, 1950s"]["difference"] == 0
    for row in rows.values():
        low, high = row["ci95"]
        assert low <= row["difference"] <= high


def test_counterfactual_needs_an_intervention(parley_cli) -> None:
    result = parley_cli("counterfactual", "sino-soviet", "--runs", "2")
    assert result.code == 2
    assert "--set" in result.stderr


def _split(year: str) -> object:
    """The sino-soviet scenario with the Soviet Union splitting in ``year`` (a test)."""
    from parley.scenario.schema import SuccessionShock, Successor

    shock = SuccessionShock(
        id="split", kind="succession", date=year, event="ev-1991-soviet-union-ends", state="ussr",
        successors=(
            Successor(id="russia", name="Russia", share=0.8),
            Successor(id="kazakhstan", name="Kazakhstan", share=0.1, issues=("border-western",)),
        ),
    )  # fmt: skip
    return SCENARIO.model_copy(update={"shocks": (*SCENARIO.shocks, shock)})


@pytest.mark.parametrize(
    ("scenario", "seed"),
    [(SCENARIO, 1), (SCENARIO, 7), (_split("1975"), 3), (load_scenario("post-soviet-border"), 5)],
    ids=["sino-soviet-1", "sino-soviet-7", "split-1975", "post-soviet-border"],
)
def test_vectorized_model_matches_the_plain_loop_reference(scenario, seed: int) -> None:
    from parley.model.simulate import Params, compile_inputs, simulate

    from .reference_simulate import ref_simulate

    inputs = compile_inputs(scenario)
    params = Params.from_scenario(scenario)
    seeds = np.random.SeedSequence(seed).spawn(4)
    fast = simulate(inputs, params, seeds)
    slow = ref_simulate(inputs, params, seeds)
    for name in ("relation", "positions"):
        assert np.allclose(getattr(fast, name), slow[name], rtol=0, atol=1e-9, equal_nan=True)
    for name in ("clash", "running", "breakdown", "settled_at", "events"):
        assert np.array_equal(getattr(fast, name), slow[name]), name


def test_a_leader_shock_changes_consolidation_from_its_date() -> None:
    from parley.model.simulate import compile_inputs
    from parley.scenario.schema import LeaderShock

    shock = LeaderShock(
        id="early-gorbachev", kind="leader", date="1982", event="ev-1982-soviet-leadership-changes",
        state="ussr", leader="gorbachev",
    )  # fmt: skip
    changed = SCENARIO.model_copy(update={"shocks": (*SCENARIO.shocks, shock)})
    before, after = compile_inputs(SCENARIO), compile_inputs(changed)
    years = np.array([d.year for d in before.steps])
    ussr = SCENARIO.states.index(next(s for s in SCENARIO.states if s.id == "ussr"))
    early = (years >= 1982) & (years < 1985)
    assert (after.consolidation[early, ussr] == 0.5).all()
    assert (before.consolidation[early, ussr] != 0.5).any()
    assert (after.consolidation[years < 1982] == before.consolidation[years < 1982]).all()


def test_successors_inherit_positions_issues_and_the_relation() -> None:
    from parley.model.simulate import compile_inputs

    whole, split = (
        run_scenario(SCENARIO, runs=20, seed=4),
        run_scenario(_split("1975"), runs=20, seed=4),
    )
    inputs = compile_inputs(_split("1975"))
    t = [d.year for d in inputs.steps].index(1975)
    ussr, russia, kazakhstan = (
        inputs.states.index(name) for name in ("ussr", "russia", "kazakhstan")
    )
    # Before the split, the runs are the same; after it, the Soviet Union is gone.
    assert np.array_equal(whole.outputs.relation[:, :t], split.outputs.relation[:, :t, :1])
    assert np.isnan(split.outputs.relation[:, t:, 0]).all()
    assert not np.isnan(split.outputs.relation[:, t:, 1:]).any()
    assert np.isnan(split.outputs.positions[:, :t, [russia, kazakhstan]]).all()
    assert np.isnan(split.outputs.positions[:, t:, ussr]).all()
    # Kazakhstan holds the Western section; Russia, the continuing state, everything else.
    western = inputs.issues.index("border-western")
    assert (inputs.holder[t:, western] == 2).all()
    assert (np.delete(inputs.holder[t:], western, axis=1) == 1).all()
    # Issues settled before the split stay settled with the same date.
    before = (whole.outputs.settled_at >= 0) & (whole.outputs.settled_at < t)
    assert np.array_equal(split.outputs.settled_at[before], whole.outputs.settled_at[before])
    # Russia's factions are the Soviet factions, with their capability scaled by its share.
    far_east = inputs.actors.index("ussr-far-east")
    assert inputs.state_of[t, far_east] == russia
    assert inputs.capability[t, far_east] == pytest.approx(0.8 * inputs.capability[t - 1, far_east])


def test_post_soviet_border_uses_the_sino_soviet_parameters() -> None:
    later = load_scenario("post-soviet-border")
    assert later.parameters == SCENARIO.parameters
