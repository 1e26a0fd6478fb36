"""Clashes on the border (M4, M7): a ladder of incident, deadly clash and crisis.

The hazard of an incident with a counterpart, per step, is::

    incident_hazard * exp(clash_slope * hostility) * border_gap
        * (1 + force_weight * forces) * (1 + excitation * memory)

``hostility`` is minus the mean behaviour of the two sides, ``border_gap`` the salience-
weighted gap on the unsettled border sections the counterpart holds, ``forces`` how much
force stands massed at the border (0-1, an input: the build-up is a shock), and
``memory`` the decaying count of recent incidents (a self-exciting process). An incident
turns deadly with probability ``deadly_share * (1 + memory)``, and a deadly clash becomes
a crisis with probability ``crisis_share``; a crisis ends in a war scare, which makes both
sides readier to talk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parley.model.inputs import Array, BoolArray
from parley.model.params import Params

__all__ = ["Ladder", "ladder"]


@dataclass(frozen=True)
class Ladder:
    """One step of the ladder, per run and counterpart (R, D)."""

    incident: BoolArray
    deadly: BoolArray
    crisis: BoolArray
    memory: Array

    @property
    def rung(self) -> np.ndarray[tuple[int, ...], np.dtype[np.int8]]:
        """0 none, 1 incident, 2 deadly clash, 3 crisis."""
        total = self.incident.astype(np.int8) + self.deadly + self.crisis
        return total.astype(np.int8)


def ladder(
    b: Array, border_gap: Array, forces: Array, memory: Array, draws: Array, p: Params
) -> Ladder:
    """Climb the ladder with uniform draws (R, D, 3) for the three rungs."""
    hostility = -b.mean(axis=2)
    hazard = (
        p.incident_hazard
        * np.exp(p.clash_slope * hostility)
        * border_gap
        * (1 + p.force_weight * forces)
        * (1 + p.excitation * memory)
    )
    incident = draws[..., 0] < np.clip(np.nan_to_num(hazard), 0.0, 0.9)
    deadly = incident & (draws[..., 1] < np.clip(p.deadly_share * (1 + memory), 0.0, 1.0))
    crisis = deadly & (draws[..., 2] < p.crisis_share)
    return Ladder(incident, deadly, crisis, p.memory_decay * memory + incident)
