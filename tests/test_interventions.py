"""A scenario's interventions (the counterfactuals it invites, which the web app offers one
click away) are checked when the scenario is read; and a counterfactual that changes
nothing says so, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley import api
from parley.api import ParleyError

BUILT_IN = Path(__file__).resolve().parents[1] / "src" / "parley" / "data" / "sino_soviet"


def test_every_built_in_intervention_applies() -> None:
    scenario = api.load_scenario("sino-soviet")
    assert [i.id for i in scenario.interventions] == [
        "soviet-partial-tactic-kept", "no-mao-remarks", "gorbachev-not-consolidated",
    ]  # fmt: skip
    for intervention in scenario.interventions:
        assert api.apply_overrides(scenario, list(intervention.set)) != scenario
    assert api.load_scenario("post-soviet-border").interventions == ()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("shocks.no-such-shock.enabled=false", "the scenario has no 'shocks.no-such-shock'"),
        ("parameters.no-such-parameter=1", "the scenario has no 'parameters.no-such-parameter'"),
        ("shocks.gorbachev-president.colour=red", "no 'shocks.gorbachev-president.colour'"),
    ],
)
def test_an_intervention_that_names_a_missing_field_is_refused_where_it_is(
    tmp_path: Path, override: str, message: str
) -> None:
    text = (BUILT_IN / "scenario.yaml").read_text(encoding="utf-8")
    good = "set: [shocks.gorbachev-president.enabled=false]"
    assert text.count(good) == 1
    line = text[: text.index(good)].count("\n") + 1
    (tmp_path / "scenario.yaml").write_text(
        text.replace("record: sino-soviet", f"record: {BUILT_IN / 'record'}").replace(
            good, f"set: [{override}]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ParleyError) as caught:
        api.load_scenario(tmp_path / "scenario.yaml")
    assert message in str(caught.value)
    assert f"scenario.yaml:{line}:" in str(caught.value)
    assert "interventions" in str(caught.value)


def test_an_override_that_cannot_act_says_why() -> None:
    scenario = api.load_scenario("post-soviet-border")
    assert not scenario.treaty
    found = api.counterfactual(scenario, ("parameters.treaty-lapse=0.3",), 3, 1)
    assert found["no_change"] == (
        "Nothing changed: in each of the 3 paired runs every measure is the same, because the "
        "dyad starts bound by no alliance treaty (treaty: false), so treaty-lapse is never used."
    )
    off = api.apply_overrides(scenario, ["shocks.kazakhstan-border-salience.enabled=false"])
    found = api.counterfactual(off, ("shocks.kazakhstan-border-salience.value=0.9",), 3, 1)
    assert found["no_change"] == (
        "Nothing changed: in each of the 3 paired runs every measure is the same, because the "
        "shock kazakhstan-border-salience is switched off, so nothing of it applies."
    )


def test_a_change_that_moves_something_gets_no_such_sentence() -> None:
    scenario = api.load_scenario("sino-soviet")
    found = api.counterfactual(scenario, ("shocks.mao-remarks-1964.enabled=false",), 5, 1)
    assert found["no_change"] is None
    assert any(row["difference"] != 0 for row in found["differences"])
