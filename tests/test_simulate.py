"""The dynamic model: reproducible, independent of chunking, in range, inputs only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.api import load_scenario, run
from parley.errors import InputError
from parley.experiments.ensemble import apply_overrides
from parley.model import behaviour
from parley.model.params import PARAMETERS, SPECS, Params
from parley.model.simulate import Outputs, compile_inputs, engine_of, simulate
from parley.scenario.load import builtin_scenarios

SCENARIO = load_scenario("sino-soviet")


def test_same_seed_gives_identical_json(parley_cli) -> None:
    first = parley_cli("run", "sino-soviet", "--runs", "20", "--seed", "5", "--format", "json")
    second = parley_cli("run", "sino-soviet", "--runs", "20", "--seed", "5", "--format", "json")
    assert first.code == 0, first.stderr
    assert first.stdout == second.stdout
    other = parley_cli("run", "sino-soviet", "--runs", "20", "--seed", "6", "--format", "json")
    assert other.stdout != first.stdout


def test_one_chunk_equals_four_chunks() -> None:
    whole = run(SCENARIO, runs=40, seed=3)
    split = run(SCENARIO, runs=40, seed=3, chunk=10)
    for name in whole.outputs.__dataclass_fields__:
        assert np.array_equal(getattr(whole.outputs, name), getattr(split.outputs, name)), name


def test_a_run_does_not_depend_on_the_number_of_runs() -> None:
    few = run(SCENARIO, runs=5, seed=9)
    many = run(SCENARIO, runs=30, seed=9)
    assert np.array_equal(few.outputs.relation, many.outputs.relation[:5])


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_outputs_stay_in_range_for_any_documented_parameters(data: st.DataObject) -> None:
    chosen = data.draw(st.lists(st.sampled_from(PARAMETERS), min_size=1, max_size=4, unique=True))
    overrides = []
    for name in chosen:
        value = data.draw(st.floats(SPECS[name].low, SPECS[name].high, allow_nan=False))
        overrides.append(f"parameters.{name}={value!r}")
    out = run(SCENARIO, runs=4, seed=1, overrides=tuple(overrides)).outputs
    for name in ("relation", "behaviour", "political", "functional", "goldstein"):
        assert np.isfinite(getattr(out, name)).all(), name
    for name, low, high in (
        ("behaviour", -10, 10),
        ("political", 0, 1),
        ("functional", 0, 1),
        ("positions", 0, 100),
    ):
        assert low <= getattr(out, name).min(), name
        assert getattr(out, name).max() <= high, name
    assert set(np.unique(out.rung)) <= {0, 1, 2, 3}


@settings(max_examples=25, deadline=None)
@given(
    position=st.floats(0, 100),
    saliences=st.lists(st.floats(0, 1), min_size=2, max_size=6),
)
def test_identical_stances_give_no_strain(position: float, saliences: list[float]) -> None:
    n = len(saliences) // 2 or 1
    gap = np.zeros((3, n))  # identical positions: no gap on any issue
    sal = np.tile(np.array(saliences[: 2 * n]).reshape(2, n), (3, 1, 1))
    holds = np.ones((1, n), dtype=bool)
    assert (behaviour.strain(gap, sal, np.ones((3, n), dtype=bool), holds) == 0).all()
    # In the model: every actor on one position gives no strain, no incident, no talks.
    overrides = []
    for actor in SCENARIO.actors:
        for issue in SCENARIO.issues:
            overrides.append(f"actors.{actor.id}.stances.{issue.id}.position={position!r}")
    for leader in SCENARIO.leaders:
        for issue in leader.stances:
            overrides.append(f"leaders.{leader.id}.stances.{issue}={position!r}")
    scenario = apply_overrides(SCENARIO, overrides).model_copy(update={"shocks": ()})
    out = run(scenario, runs=3, seed=2).outputs
    assert not out.rung.any()
    assert not out.running.any()
    assert (out.settled_at < 0).all()


@settings(max_examples=25, deadline=None)
@given(
    b=st.lists(st.floats(-10, 10), min_size=4, max_size=4),
    other=st.floats(-10, 10),
    inertia=st.floats(0, 0.95),
)
def test_without_reciprocity_a_direction_ignores_the_other(
    b: list[float], other: float, inertia: float
) -> None:
    p = Params.from_values({"reciprocity": 0.0, "behaviour-inertia": inertia})
    now = np.array(b).reshape(1, 1, 2, 2)[..., 0]
    changed = now.copy()
    changed[..., 1] = other
    target, noise = np.array(b[2:]).reshape(1, 1, 2), np.zeros((1, 1, 2))
    first = behaviour.update(now, target, noise, p)
    second = behaviour.update(changed, target, noise, p)
    assert first[..., 0] == second[..., 0]


def test_without_reciprocity_or_coupling_the_directions_are_independent() -> None:
    """With reciprocity off, and every other channel between the two sides closed
    (grievances, spillover, the third party, domestic pull, talks, clashes) and no shocks,
    the Soviet government's saliences change only the Soviet side's behaviour."""
    off = {
        "reciprocity": 0, "grievance-rate": 0, "functional-spillover": 0, "talks-urge": 0,
        "talks-open": 5, "incident-hazard": 0, "third-party": 0, "domestic-pull": 0,
    }  # fmt: skip
    overrides = [f"parameters.{name}={value}" for name, value in off.items()]
    calm = apply_overrides(SCENARIO, overrides).model_copy(
        update={"shocks": (), "interventions": ()}
    )
    moved = apply_overrides(calm, ["actors.ussr-government.stances.ideology.salience=0.05"])
    first = run(calm, runs=5, seed=3).outputs.behaviour
    second = run(moved, runs=5, seed=3).outputs.behaviour
    assert np.array_equal(first[..., 0], second[..., 0])
    assert not np.array_equal(first[..., 1], second[..., 1])


def test_overrides_change_inputs(parley_cli) -> None:
    calm = run(SCENARIO, runs=50, seed=1, overrides=("parameters.incident-hazard=0",))
    assert not calm.outputs.rung.any()
    moved = apply_overrides(SCENARIO, ["shocks.mao-remarks-1964.value=60"])
    assert next(s for s in moved.shocks if s.id == "mao-remarks-1964").value == 60


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("relation=5", "no field 'relation'"),
        ("shocks.no-such-shock.value=1", "no entry 'no-such-shock'"),
        ("parameters.incident-hazard=9", "outside"),
        ("parameters.incident-hazard", "PATH=VALUE"),
        ("parameters.no-such-thing=1", "unknown parameter"),
        ("shocks.mao-remarks-1964.actor=nobody", "unknown actor 'nobody'"),
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
    assert set(relation.columns) == {
        "run", "step", "date", "counterpart", "relation", "behaviour_out", "behaviour_in",
        "goldstein", "rung", "clash", "political", "functional",
    }  # fmt: skip
    assert len(relation) == 3 * 169  # quarters from 1949-10 to 1991-12
    assert {p.name for p in out.iterdir()} == {
        "relation.parquet", "agreements.parquet", "talks.parquet", "events.parquet", "positions.parquet",
        "catalog.duckdb", "chunks",
    }  # fmt: skip
    again = parley_cli("run", "sino-soviet", "--runs", "3", "--out", out)
    assert again.code == 2
    assert "already there" in again.stderr


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


def _assert_same_outputs(fast: Outputs, slow: dict[str, np.ndarray]) -> None:
    """Every output alike: floats within 1e-9 (NaN where NaN), everything else exactly,
    with the same dtypes and shapes."""
    assert set(slow) == set(fast.__dataclass_fields__)
    for name in fast.__dataclass_fields__:
        value, other = getattr(fast, name), np.asarray(slow[name])
        assert value.dtype == other.dtype, name
        assert value.shape == other.shape, name
        if value.dtype.kind == "f":
            assert np.allclose(value, other, rtol=0, atol=1e-9, equal_nan=True), name
        else:
            assert np.array_equal(value, other), name


def _as_dict(outputs: Outputs) -> dict[str, np.ndarray]:
    return {name: getattr(outputs, name) for name in outputs.__dataclass_fields__}


@pytest.mark.parametrize("engine", ["numpy", "compiled"])
@pytest.mark.parametrize(
    ("scenario", "seed"),
    [(SCENARIO, 1), (SCENARIO, 7), (_split("1975"), 3), (load_scenario("post-soviet-border"), 5)],
    ids=["sino-soviet-1", "sino-soviet-7", "split-1975", "post-soviet-border"],
)
def test_vectorized_model_matches_the_plain_loop_reference(
    scenario, seed: int, engine: str
) -> None:
    """Both engines, the NumPy one vectorized over runs and the compiled kernel, match the
    plain-loop reference on every output."""
    from .reference_simulate import ref_simulate

    inputs = compile_inputs(scenario)
    params = Params.from_scenario(scenario)
    seeds = np.random.SeedSequence(seed).spawn(4)
    fast = simulate(inputs, params, seeds, engine=engine)
    slow = ref_simulate(inputs, params, seeds)
    _assert_same_outputs(fast, slow)


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_compiled_kernel_matches_the_numpy_engine(name: str) -> None:
    scenario = load_scenario(name)
    inputs, params = compile_inputs(scenario), Params.from_scenario(scenario)
    seeds = np.random.SeedSequence(11).spawn(50)
    compiled = simulate(inputs, params, seeds, engine="compiled")
    _assert_same_outputs(compiled, _as_dict(simulate(inputs, params, seeds, engine="numpy")))


def test_a_compiled_run_alone_equals_the_same_run_in_a_batch(monkeypatch) -> None:
    """Run k of a batch, split over threads or not, is the run alone, bit for bit."""
    inputs, params = compile_inputs(SCENARIO), Params.from_scenario(SCENARIO)
    seeds = np.random.SeedSequence(5).spawn(9)
    k = 6
    alone = simulate(inputs, params, seeds[k : k + 1], engine="compiled")
    for threads in ("1", "3"):
        monkeypatch.setenv("PARLEY_THREADS", threads)
        batch = simulate(inputs, params, seeds, engine="compiled")
        for name in alone.__dataclass_fields__:
            assert np.array_equal(
                getattr(alone, name)[0], getattr(batch, name)[k], equal_nan=True
            ), name


def test_the_engine_is_chosen_by_keyword_or_environment(monkeypatch) -> None:
    monkeypatch.delenv("PARLEY_ENGINE", raising=False)
    assert engine_of() == "compiled"  # numba is a dependency
    monkeypatch.setenv("PARLEY_ENGINE", "numpy")
    assert engine_of() == "numpy"
    assert engine_of("compiled") == "compiled"
    monkeypatch.setenv("PARLEY_ENGINE", "fortran")
    with pytest.raises(InputError, match="unknown engine"):
        engine_of()


def test_a_leader_shock_brings_the_leaders_stances_from_its_date() -> None:
    from parley.scenario.schema import LeaderShock

    shock = LeaderShock(
        id="early-gorbachev", kind="leader", date="1982-01", event="ev-1982-soviet-leadership-changes",
        state="ussr", leader="gorbachev",
    )  # fmt: skip
    changed = SCENARIO.model_copy(update={"shocks": (*SCENARIO.shocks, shock)})
    before, after = run(SCENARIO, runs=5, seed=1), run(changed, runs=5, seed=1)
    years = np.array([d.year for d in before.inputs.steps])
    ussr, ideology = before.inputs.states.index("ussr"), before.inputs.issues.index("ideology")
    was, now = before.outputs.positions, after.outputs.positions
    # Nothing differs before the shock; from 1983 the Soviet line on ideology is Gorbachev's.
    assert np.array_equal(was[:, years < 1982], now[:, years < 1982])
    early = (years >= 1983) & (years < 1985)
    assert (now[:, early, ussr, ideology] < was[:, early, ussr, ideology] - 5).all()
    assert abs(now[:, early, ussr, ideology].mean() - 15) < 10


def test_shock_days_are_drawn_within_their_range_per_run() -> None:
    inputs = compile_inputs(SCENARIO)
    outputs = simulate(inputs, Params.from_scenario(SCENARIO), np.random.SeedSequence(4).spawn(60))
    years = np.array([d.year for d in inputs.steps])
    ussr = inputs.states.index("ussr")
    # The Soviet treaty with Vietnam is dated 1975/1979 in the record and 1978 in the scenario:
    # each run moves the Soviet stance on Cambodia in a quarter of 1978 of its own.
    cambodia = inputs.issues.index("cambodia")
    first = [int(np.argmax(outputs.positions[r, :, ussr, cambodia] < 20)) for r in range(60)]
    assert {years[t] for t in first} == {1978}
    assert len(set(first)) > 1


def test_no_date_opens_talks_or_sets_an_outcome() -> None:
    """Talks formats carry no dates, shocks change inputs only, and no shock opens,
    suspends or closes talks, in every built-in scenario."""
    from parley.scenario.schema import TalksSpec

    assert not {"available_from", "available_until"} & set(TalksSpec.model_fields)
    for name in ("sino-soviet", "post-soviet-border"):
        for shock in load_scenario(name).shocks:
            fields = set(type(shock).model_fields)
            assert not fields & {"relation", "clash", "agreement", "available", "outcome"}
            if shock.kind == "talks":
                assert fields <= {"id", "date", "event", "enabled", "note", "kind", "talks",
                                  "tactics", "lock"}  # fmt: skip


def test_successors_inherit_positions_issues_and_the_relation() -> None:
    from parley.model.simulate import compile_inputs

    whole, split = (
        run(SCENARIO, runs=20, seed=4),
        run(_split("1975"), runs=20, seed=4),
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
