"""Events (the measure): what the model's history looks like as event data.

Each step, events are drawn per direction with CAMEO codes, and their Goldstein values
add up to the model's index exactly as the record's events add up to the record's index:
net Goldstein per period between the dyad, in either direction, a mutual event counted
once. Drawn events happen with probability ``1 - exp(-event_rate * intensity)``:

- ``040`` consult, per direction, with cooperative behaviour (b / 10);
- ``111`` criticize, per direction, with hostile behaviour (-b / 10);
- ``130`` threaten, per direction, with behaviour below -5 ((-b - 5) / 5);
- ``042`` a visit, per direction, with the political track, when no precondition is open;
- ``046`` negotiation, once per dyad, while a format meets;
- ``061`` economic cooperation, once per dyad, with the functional track.

Others are the model's own outcomes, one event each when they happen: ``057`` an
agreement, ``164`` talks suspended or broken down, ``161`` party ties broken, ``160`` a
treaty ended, ``15`` a border incident, ``190`` a deadly clash.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from parley.model.inputs import Array, BoolArray
from parley.model.params import Params
from parley.record.coding import cameo_table

__all__ = ["CODES", "DRAWN", "GOLDSTEIN", "draw"]

DRAWN = ("040", "111", "130", "042", "046", "061")
"""Codes drawn each step; the first four per direction, the last two once per dyad."""
CODES = (*DRAWN, "057", "164", "161", "160", "15", "190")
"""Every code the model emits, in the order of its event arrays."""
GOLDSTEIN = np.array([cameo_table()[code].goldstein for code in CODES])
_DIRECTED = 4


def intensity(
    b: Array, political: Array, blocked: BoolArray, meeting: BoolArray, functional: Array
) -> Array:
    """The intensity (R, D, 2, len(DRAWN)) of each drawn code; ``blocked`` (R, D) says that
    a precondition is still open, which stops visits and summits."""
    runs, sides = political.shape
    out = np.zeros((runs, sides, 2, len(DRAWN)))
    out[..., 0] = np.maximum(b, 0) / 10
    out[..., 1] = np.maximum(-b, 0) / 10
    out[..., 2] = np.maximum(-b - 5, 0) / 5
    out[..., 3] = (political * ~blocked)[..., None]
    out[:, :, 0, 4] = meeting
    out[:, :, 0, 5] = functional
    return out


def draw(level: Array, uniforms: Array, p: Params) -> npt.NDArray[np.int64]:
    """Counts (R, D, 2, len(DRAWN)): 1 where a uniform falls below the event's chance."""
    chance = 1 - np.exp(-p.event_rate * level)
    counts: npt.NDArray[np.int64] = (uniforms < chance).astype(np.int64)
    return counts
