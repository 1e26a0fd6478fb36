"""Domestic politics (M3, M9, M10): the pull of factions, the leader's own stances, and the
pressure that pushes a government toward an all-or-nothing tactic.

Each function is pure: it takes arrays and returns new ones. Shapes: R runs, A actors,
I issues, S states.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from parley.model.inputs import Array, BoolArray, Inputs
from parley.model.params import Params

__all__ = ["compromise", "leader_pull", "nonzero", "pressure"]


def nonzero(total: Array) -> Array:
    """A denominator: the total itself, or 1 where it is 0 (the numerator is 0 there too)."""
    safe: Array = np.where(total > 0, total, 1.0)
    return safe


def compromise(x: Array, weight: Array, member: BoolArray, state_of: npt.NDArray[np.intp]) -> Array:
    """Each state's compromise on each issue, for each of its actors: (R, A, I).

    The compromise is the capability x salience weighted mean of the state's actors (the
    ``compromise`` model of ``parley bargain``), or their plain mean where no one weighs.
    """
    mean = np.empty((x.shape[0], len(member), x.shape[2]))
    for state, inside in enumerate(member):  # a handful of states, each a few actors
        chosen = np.flatnonzero(inside)
        w, own = weight[:, chosen, :], x[:, chosen, :]
        total = w.sum(axis=1)
        plain = own.sum(axis=1) / max(len(chosen), 1)
        mean[:, state] = np.where(total > 0, (w * own).sum(axis=1) / nonzero(total), plain)
    result: Array = mean[:, state_of, :]
    return result


def leader_pull(x: Array, governments: npt.NDArray[np.intp], stance: Array, p: Params) -> Array:
    """Governments move toward their leaders' stances on the issues tied to leaders.

    ``stance`` is (R, S, I): the position of each state's leader, NaN where none.
    """
    pulled = x.copy()
    own = x[:, governments, :]
    pulled[:, governments, :] = np.where(
        np.isnan(stance), own, own + p.leader_pull * (np.nan_to_num(stance) - own)
    )
    return pulled


def pressure(
    x: Array,
    weight: Array,
    member: BoolArray,
    inputs: Inputs,
    consolidation: Array,
    holds: BoolArray,
    active: BoolArray,
) -> Array:
    """How hard each side's factions pull its government on the border, times its leader's
    weakness (1 - consolidation): (R, 2). The other side's is the highest among the
    counterparts that exist."""

    def of_state(state: int, issues: BoolArray) -> Array:
        g = inputs.speaker[state]
        others = member[state] & (np.arange(len(inputs.actors)) != g)
        w = weight[:, others, :] * (inputs.border & issues)
        pull = (w * np.abs(x[:, others, :] - x[:, g : g + 1, :]) / 100).sum(axis=(1, 2))
        total = nonzero(weight[:, member[state], :].sum(axis=(1, 2)))
        result: Array = pull / total * (1 - consolidation[:, state])
        return result

    every = np.ones(holds.shape[1], dtype=bool)
    sides = [
        of_state(int(state), holds[d]) for d, state in enumerate(inputs.counterparts) if active[d]
    ]
    return np.stack([of_state(inputs.focal, every), np.max(sides, axis=0)], axis=1)
