"""The names a report shows for a scenario's ids: issues, states, dated outcomes.

A reader sees names, never ids: every label, title and sentence of the report takes its
words from here, and each name comes from the scenario (or, for an outcome, from what the
scenario declares it to be).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parley.scenario.schema import Outcome, Scenario

__all__ = [
    "MILESTONE_NAMES",
    "issue_name",
    "listing",
    "metric_name",
    "outcome_name",
    "state_name",
]

MILESTONE_NAMES = {
    "party-ties-broken": "Party ties broken off",
    "treaty-ended": "The alliance treaty ended",
    "normalization-talks": "Talks on normalization opened",
    "normalized": "Relations normalized",
}
"""The turns of the political track (``MILESTONES``), in words."""


def listing(items: Sequence[str]) -> str:
    """Items in a sentence: ``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def issue_name(scenario: Scenario, issue: str) -> str:
    """The name the scenario gives an issue."""
    return next((spec.name for spec in scenario.issues if spec.id == issue), issue)


def state_name(scenario: Scenario, state: str) -> str:
    """The name the scenario gives a state, or a successor that a succession creates."""
    names = {spec.id: spec.name for spec in scenario.states}
    for shock in scenario.shocks:
        if shock.kind == "succession":
            names.update({new.id: new.name for new in shock.successors})
    return names.get(state, state)


def outcome_name(scenario: Scenario, outcome: Outcome) -> str:
    """A dated outcome in words, from what it is: the first clash, a turn of the
    political track, or an issue settled."""
    if outcome.what == "clash":
        return "The first deadly clash"
    if outcome.what in MILESTONE_NAMES:
        return MILESTONE_NAMES[outcome.what]
    return f"{issue_name(scenario, outcome.what)} settled"


def metric_name(scenario: Scenario, metric: str) -> str:
    """A counterfactual's metric (``paired_differences``) with names for its ids:
    "mean relation with south, 2000s" gives "Mean relation index R with the Southern
    Republic, 2000s" (the state's name from the scenario), and "river-border settled by
    the end" gives the issue's name, then "settled by the end"."""
    if found := re.fullmatch(r"mean relation with (\S+), (.+)", metric):
        return f"Mean relation index R with {state_name(scenario, found[1])}, {found[2]}"
    if found := re.fullmatch(r"(\S+) settled by the end", metric):
        return f"{issue_name(scenario, found[1])} settled by the end"
    if metric == "armed clash by the end":
        return "A deadly clash by the end"
    return metric
