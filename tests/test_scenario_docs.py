"""The built-in scenarios' reference pages name every actor, shock and parameter."""

from __future__ import annotations

from pathlib import Path

from parley.api import load_scenario
from parley.scenario.parameters import SPECS

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "sino-soviet-scenario.md"


def _stances(scenario, actor) -> str:  # type: ignore[no-untyped-def]
    return " | ".join(
        f"{actor.stances[i.id].position:g} / {actor.stances[i.id].salience:g}"
        for i in scenario.issues
    )


def test_every_input_is_documented() -> None:
    text = PAGE.read_text(encoding="utf-8")
    scenario = load_scenario("sino-soviet")
    for actor in scenario.actors:
        assert f"| `{actor.id}` | {_stances(scenario, actor)} |" in text
    for shock in scenario.shocks:
        assert f"| `{shock.id}` | {shock.date} | `{shock.event}` |" in text
    for talks in scenario.talks:
        assert f"| `{talks.id}` |" in text
    for leader in scenario.leaders:
        assert f"| `{leader.id}` | {leader.state} | {leader.since} |" in text


def test_the_post_soviet_forecast_is_documented() -> None:
    page = PAGE.with_name("post-soviet-border-scenario.md").read_text(encoding="utf-8")
    scenario = load_scenario("post-soviet-border")
    for actor in scenario.actors:
        stances = " | ".join(
            f"{actor.stances[i.id].position:g} / {actor.stances[i.id].salience:g}"
            for i in scenario.issues
        )
        assert (
            f"| `{actor.id}` | {actor.state} | {actor.capability[0].value:g} | {stances} |" in page
        )
    for shock in scenario.shocks:
        assert f"| `{shock.id}` | {shock.date} | `{shock.event}` |" in page
    for leader in scenario.leaders:
        assert f"| `{leader.id}` | {leader.state} | {leader.since} |" in page


def test_every_parameter_is_documented_with_its_default_and_range() -> None:
    page = PAGE.with_name("parameters.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == len(SPECS)
    for name, spec in SPECS.items():
        assert (
            f"| `{name}` | {spec.default:g} | {spec.low:g} to {spec.high:g} | {spec.meaning} |"
            in page
        )


def test_the_built_in_scenarios_write_no_parameter() -> None:
    assert not load_scenario("sino-soviet").parameters
    assert not load_scenario("post-soviet-border").parameters
