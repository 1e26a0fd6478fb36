"""Directed behaviour with reciprocity (M2, M4): how each government treats the other.

Behaviour is a level on the Goldstein scale, -10 (war) to +10 (the closest cooperation),
one per direction: ``b[:, d, 0]`` is the focal government toward counterpart ``d``,
``b[:, d, 1]`` the counterpart toward the focal government. Each step (Goldstein and
Freeman 1990; Goldstein 1991; Ward and Rajmaira 1992)::

    b_ij(t) = a b_ij(t-1) + r b_ji(t-1) + (1 - a - r) target_ij + noise

where ``target_ij = base - strain_ij - grievance_ij + triangle_ij + spillover F`` is what
i's interests alone would make of the relation: ``strain_ij`` weighs the distance on the
unsettled issues by i's own saliences (issues that only gate another count as gates, not
here), ``grievance_ij`` is the hostility i has received and not yet forgotten,
``triangle_ij`` is the third party's pull (Richardson: a common rival draws two states
together; a rival's friend is a threat), and ``F`` the functional track.
"""

from __future__ import annotations

import numpy as np

from parley.model.domestic import nonzero
from parley.model.inputs import Array, BoolArray, IntArray
from parley.model.params import Params

__all__ = ["grievances", "strain", "third_distance", "triangle", "update"]


def strain(gap: Array, saliences: Array, open_issue: BoolArray, holds: BoolArray) -> Array:
    """Directed strain (R, D, 2) from per-issue gaps (R, I) and each side's saliences
    (R, 2, I), over the open issues (R, I) that each counterpart holds (D, I)."""
    per_issue = saliences * (gap / 100 * open_issue)[:, None, :]  # (R, 2, I)
    total: Array = (per_issue[:, None, :, :] * holds[None, :, None, :]).sum(axis=3)
    return total


def triangle(distance: Array, p: Params) -> Array:
    """The third party's pull (R, D, 2) from each side's distance to it, on 0-1: (R, D, 2).

    ``distance[..., 0]`` is the focal government's, ``distance[..., 1]`` the other's.
    """
    own, other = distance, distance[..., ::-1]
    common = np.minimum(own, other)
    threat = np.maximum(0.0, own - other)  # the other stands nearer to the third party
    result: Array = p.third_party * (common - threat)
    return result


def grievances(grievance: Array, received: Array, changed: BoolArray, p: Params) -> Array:
    """Grievances (R, D, 2) after a step: they fade, grow with the hostility received
    (R, D, 2), and lose ``grievance_fade`` of their weight where a leader changed."""
    kept = grievance * (1 - p.grievance_decay) * np.where(changed, 1 - p.grievance_fade, 1.0)
    result: Array = kept + p.grievance_rate * np.maximum(0.0, -received)
    return result


def update(b: Array, target: Array, noise: Array, p: Params) -> Array:
    """One step of directed behaviour (R, D, 2), with reciprocity, kept in [-10, 10]."""
    rest = max(0.0, 1.0 - p.behaviour_inertia - p.reciprocity)
    new = (
        p.behaviour_inertia * b
        + p.reciprocity * b[..., ::-1]
        + rest * target
        + p.behaviour_noise * noise
    )
    result: Array = np.clip(new, -10.0, 10.0)
    return result


def third_distance(x: Array, s: Array, governments: IntArray, third: int) -> Array:
    """Each government's salience-weighted distance to the third party, 0-1: (R, G)."""
    if third < 0:
        return np.zeros((x.shape[0], len(governments)))
    own = s[:, governments, :]
    gap = np.abs(x[:, governments, :] - x[:, third : third + 1, :]) / 100
    result: Array = (own * gap).sum(axis=2) / nonzero(own.sum(axis=2))
    return result
