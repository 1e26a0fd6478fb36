"""Talks (M5, M6, M7) and ratification (M9).

A format meets when both sides are willing: on some item, each side's behaviour toward
the other, plus a war scare, plus ``talks_urge`` times what is at stake for it there (its
salience times the gap), is above ``talks_open``, or, for talks under way, above
``talks_suspend``. An item is discussed only when it is worth it to one side at least
(salience times gap of ``talks_need`` or more).
Talks under way that a side stops are suspended; they meet again when both are willing.
No date opens or closes them.

When a format first discusses an item, each side's position there is its anchor. A side
concedes toward the other each step (``concession_rate`` times its leader's
consolidation) but never past its **reservation point**: ``reservation_reach`` times one
minus its salience, of the way from its anchor to the other's. A side **offers** a deal at
its current position when it believes the other can accept it: it sees the other's
reservation point with an error whose spread shrinks with every step of talks. The other
accepts an offer within ``tolerance`` of what it can concede. An offer refused is a
**miscalculation**: it costs the side that made it, and may break the talks down.

Under a partial tactic items settle one by one; when either side insists on a
comprehensive deal, all open items of the format go together or not at all. An accepted
deal holds only if each state's factions, weighted by capability x salience, accept it
(the win-set).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parley.model.domestic import nonzero
from parley.model.inputs import Array, BoolArray
from parley.model.params import Params

__all__ = ["Round", "meet", "ratified", "round_of_talks"]


def meet(
    willingness: Array, items: BoolArray, meeting: BoolArray, cooldown: Array, p: Params
) -> tuple[BoolArray, BoolArray]:
    """Which items each side will discuss (R, I), and whether the format meets (R,).

    ``willingness`` (R, I) is the lower of the two sides' readiness on each item's dyad.
    """
    bar = np.where(meeting, p.talks_suspend, p.talks_open)[:, None]
    willing = items & (willingness > bar)
    held = np.asarray(willing.any(axis=1) & (cooldown <= 0))
    return willing & held[:, None], held


@dataclass(frozen=True)
class Round:
    """What one step of one format did. ``own`` and ``other`` are the two governments'
    positions on every issue after it (R, I)."""

    own: Array
    other: Array
    anchor: Array  # (R, I, 2)
    agreed: BoolArray  # (R, I) deals accepted, before ratification
    point: Array  # (R, I) where each accepted item settles
    miscalculated: BoolArray  # (R, 2) a side's offer was refused


def _toward(a: Array, b: Array) -> Array:
    result: Array = np.sign(b - a)
    return result


def round_of_talks(
    on: BoolArray,
    own: Array,
    other: Array,
    salience: Array,
    consolidation: Array,
    anchor: Array,
    error: Array,
    package: BoolArray,
    tolerance: float,
    p: Params,
) -> Round:
    """One step of talks on the items ``on`` (R, I).

    ``salience`` and ``consolidation`` are per side (R, 2, I); ``error`` (R, 2) is each
    side's error about the other's reservation point this step, and ``package`` (R,) says
    that one side insists on a comprehensive deal.
    """
    if not on.any():  # no run talks this step: nothing moves
        idle = np.zeros(on.shape, dtype=bool)
        return Round(own, other, anchor, idle, own, np.zeros((len(on), 2), dtype=bool))
    fresh = on & np.isnan(anchor[..., 0])
    anchor = np.where(fresh[..., None], np.stack([own, other], axis=2), anchor)
    a_own, a_other = anchor[..., 0], anchor[..., 1]
    up_own, up_other = _toward(a_own, a_other), _toward(a_other, a_own)
    reach = p.reservation_reach * (1 - salience) * np.abs(a_other - a_own)[:, None, :]
    moved = p.concession_rate * consolidation
    step_own = np.clip((own + moved[:, 0] * (other - own) - a_own) * up_own, 0, reach[:, 0])
    step_other = np.clip((other + moved[:, 1] * (own - other) - a_other) * up_other, 0, reach[:, 1])
    own = np.where(on, a_own + up_own * step_own, own)
    other = np.where(on, a_other + up_other * step_other, other)
    limit_own, limit_other = a_own + up_own * reach[:, 0], a_other + up_other * reach[:, 1]

    # How far an offer lies beyond what the receiver can concede (<= tolerance: acceptable).
    beyond_for_other = (own - limit_other) * up_other
    beyond_for_own = (other - limit_own) * up_own
    believed_other = beyond_for_other - error[:, 0:1] * up_other
    believed_own = beyond_for_own - error[:, 1:2] * up_own
    offers = (
        np.stack([believed_other <= tolerance, believed_own <= tolerance], axis=1) & on[:, None]
    )
    fits = np.stack([beyond_for_other <= tolerance, beyond_for_own <= tolerance], axis=1)

    any_on = np.asarray(on.any(axis=1))
    whole_offer = (offers | ~on[:, None]).all(axis=2) & any_on[:, None]  # (R, 2)
    whole_fits = (fits | ~on[:, None]).all(axis=2)
    offered = np.where(package[:, None, None], whole_offer[..., None] & on[:, None], offers)
    accepted = np.where(
        package[:, None, None], (whole_offer & whole_fits)[..., None] & on[:, None], offers & fits
    )
    miscalculated = np.where(
        package[:, None], whole_offer & ~whole_fits, (offered & ~fits).any(axis=2)
    )
    agreed = np.asarray(accepted.any(axis=1))
    point = np.where(accepted[:, 0], own, other)
    return Round(own, other, anchor, agreed, point, miscalculated)


def ratified(
    x: Array,
    weight: Array,
    member: BoolArray,
    point: Array,
    agreed: BoolArray,
    sides: list[tuple[int, BoolArray]],
    p: Params,
) -> BoolArray:
    """Deals (R, I) that hold: for each state and the items it is party to (``sides``:
    state index and its items (R, I)), the factions holding ``ratification_share`` of the
    state's capability x salience on those items are within ``ratification_radius`` of
    every settlement point. A package fails whole if any state refuses."""
    ok = np.ones(x.shape[0], dtype=bool)
    for state, items in sides:
        mine = agreed & items
        w = (weight[:, member[state], :] * mine[:, None, :]).sum(axis=2)  # (R, F)
        far = (np.abs(x[:, member[state], :] - point[:, None, :]) * mine[:, None, :]).max(axis=2)
        share = (w * (far <= p.ratification_radius)).sum(axis=1) / nonzero(w.sum(axis=1))
        ok &= (share >= p.ratification_share) | ~mine.any(axis=1)
    result: npt.NDArray[np.bool_] = ok[:, None] & agreed
    return result
