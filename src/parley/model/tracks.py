"""Two tracks of a relationship (M1, M8): political and functional.

The **political track** ``P`` (0-1) is the level of political ties: party relations,
summits, an alliance. It follows the two sides' behaviour slowly. Party-to-party ties
break the first time it falls below ``party_break``; an alliance treaty lapses when it
stays below ``treaty_lapse`` for ``treaty_steps`` steps; relations count as normalized
again when, after ties broke, it climbs back to ``normalize_level``. While a precondition
of an issue is open, the level cannot rise above ``gate_cap``, and there are no summits or
visits: a precondition is a gate on this track, counted once, and never a strain.

The **functional track** ``F`` (0-1) is trade, exchanges, border crossings and technical
cooperation. It grows where the two economic stances are close and the behaviour is not
hostile, whatever the preconditions, and feeds cooperation back into behaviour.
"""

from __future__ import annotations

import numpy as np

from parley.model.inputs import Array, BoolArray
from parley.model.params import Params

__all__ = ["functional", "political"]


def political(level: Array, b: Array, blocked: BoolArray, p: Params) -> Array:
    """The political level (R, D) after a step, from the behaviour (R, D, 2); while a
    precondition is open (``blocked``) it cannot rise above ``gate_cap``."""
    goal = np.clip((b.mean(axis=2) + 10) / 20, 0.0, 1.0)
    goal = np.where(blocked, np.minimum(goal, p.gate_cap), goal)
    result: Array = p.political_inertia * level + (1 - p.political_inertia) * goal
    return result


def functional(level: Array, b: Array, economic_gap: Array, p: Params) -> Array:
    """The functional level (R, D) after a step: ``economic_gap`` (R, D) is the distance
    on the functional issues, 0-1 (0 where a scenario declares none)."""
    openness = np.clip((b.min(axis=2) + 5) / 10, 0.0, 1.0) * (1 - economic_gap)
    result: Array = level + p.functional_rate * (openness - level)
    return result


def lapse(dormant: Array, level: Array, bound: BoolArray, p: Params) -> tuple[Array, BoolArray]:
    """Steps of dormancy (R, D) and whether a bound treaty lapses this step (R, D)."""
    steps: Array = np.where(level < p.treaty_lapse, dormant + 1, 0.0)
    return steps, bound & (steps >= p.treaty_steps)
