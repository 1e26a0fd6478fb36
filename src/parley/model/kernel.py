"""The dynamic model compiled with Numba: one run at a time, plain loops, runs in parallel.

This is the engine :func:`parley.model.simulate.simulate` uses when Numba is installed.
It follows the plain-loop reference (``tests/reference_simulate.py``) step by step and
formula by formula, in the same order of operations, with the same random numbers
(drawn in Python by :func:`parley.model.simulate._draws` before any step), and returns
the same :class:`~parley.model.simulate.Outputs`. The tests hold it to the reference and
to the NumPy engine on every output.

:func:`scenario_arrays` turns :class:`~parley.model.inputs.Inputs` into plain arrays (the
shocks as parallel arrays, ``inherit`` padded with -1), :func:`kernel_params` turns
:class:`~parley.model.params.Params` into a tuple of floats, and :func:`simulate` runs the
compiled loop over runs. The loop releases the GIL, and :func:`simulate` splits the runs
into contiguous blocks over :func:`threads` threads (``PARLEY_THREADS``, by default the
cores this process may use); each run writes only its own rows, so the results are the
same however the runs are split. The machine code is cached on disk (``cache=True``, in
``__pycache__`` beside this file, or Numba's user-wide cache when that is not writable),
so only the first call after an install or a change here compiles, for about 20 s.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from typing import Any, NamedTuple, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from parley.errors import InputError, Location
from parley.model.events import CODES, GOLDSTEIN
from parley.model.inputs import Inputs
from parley.model.params import Params
from parley.model.simulate import MILESTONES, Outputs, _draws

__all__ = [
    "KernelParams",
    "ScenarioArrays",
    "kernel_params",
    "scenario_arrays",
    "simulate",
    "threads",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]
_F = TypeVar("_F", bound=Callable[..., Any])

# Shock kinds, as the kernel reads them.
KINDS = ("position", "salience", "capability", "consolidation", "leader", "talks")
_POSITION, _SALIENCE, _CAPABILITY, _CONSOLIDATION, _LEADER, _TALKS = range(len(KINDS))


def _jit(nogil: bool = False) -> Callable[[_F], _F]:
    """``numba.njit(cache=True)``, typed for mypy (older Numbas have no type hints).

    NumPy's error model: a division by zero gives inf or NaN, as in the NumPy engine,
    rather than an exception (the model divides by no parameter that can be 0)."""
    return cast("Callable[[_F], _F]", numba.njit(cache=True, nogil=nogil, error_model="numpy"))


class KernelParams(NamedTuple):
    """:class:`~parley.model.params.Params` as a tuple of floats the kernel can read.

    The fields are listed here, not taken from ``Params``, so that the cached machine
    code always agrees with this file; :func:`kernel_params` checks both lists agree.
    """

    behaviour_inertia: float
    reciprocity: float
    behaviour_base: float
    strain_scale: float
    third_party: float
    behaviour_noise: float
    grievance_rate: float
    grievance_decay: float
    grievance_fade: float
    domestic_pull: float
    leader_pull: float
    political_inertia: float
    party_break: float
    gate_cap: float
    normalize_level: float
    treaty_lapse: float
    treaty_steps: float
    functional_rate: float
    functional_spillover: float
    talks_open: float
    talks_urge: float
    talks_need: float
    talks_suspend: float
    war_scare: float
    war_scare_steps: float
    concession_rate: float
    reservation_reach: float
    belief_error: float
    belief_learning: float
    miscalculation_cost: float
    breakdown_probability: float
    breakdown_cooldown: float
    agreement_gain: float
    tactic_pressure: float
    ratification_share: float
    ratification_radius: float
    incident_hazard: float
    clash_slope: float
    force_weight: float
    excitation: float
    memory_decay: float
    deadly_share: float
    crisis_share: float
    clash_drop: float
    clash_salience: float
    event_rate: float


class ScenarioArrays(NamedTuple):
    """:class:`~parley.model.inputs.Inputs` as plain arrays (and three scalars).

    Shapes as in ``Inputs``; J shocks, P the most successions on one step.
    """

    starts: I64  # (T,)
    position: F64  # (A, I)
    salience: F64  # (A, I)
    capability: F64  # (T, A)
    state_of: I64  # (T, A)
    speaker: I64  # (S,)
    third: int
    focal: int
    counterparts: I64  # (D,)
    active: B  # (T, D)
    holder: I64  # (T, I)
    inherit: I64  # (T, P, 2): (successor, predecessor), -1 for none
    leader_of: I64  # (T, S)
    leader_state: I64  # (L,)
    leader_consolidation: F64  # (L,)
    leader_until: I64  # (L,)
    leader_stance: F64  # (L, I)
    gates: B  # (I, I)
    gating: B  # (I,)
    border: B  # (I,)
    forces: B  # (I,)
    leader_tied: B  # (I,)
    functional: B  # (I,)
    treaty: bool
    agenda: B  # (K, I)
    tolerance: F64  # (K,)
    tactic: I64  # (K, 2)
    goldstein: F64  # (C,) the Goldstein value of each event code
    # The shocks, in the order of Inputs.shocks: one entry each.
    kind: I64  # (J,) an index into KINDS
    first: I64  # (J,) the first day of the shock's range (proleptic ordinal)
    days: I64  # (J,) the days in the range
    slot: I64  # (J,) the uniform the shock draws its day with
    actor: I64  # (J,)
    issue: I64  # (J,)
    delta: B  # (J,) mode "delta" (else "value")
    amount: F64  # (J,)
    leader: I64  # (J,)
    talks: I64  # (J,)
    tactic_side: I64  # (J, 2) the side of each (side, tactic) pair, -1 for none
    tactic_value: I64  # (J, 2) 1 for comprehensive
    lock: B  # (J,)


class _Out(NamedTuple):
    relation: F64
    behaviour: F64
    goldstein: F64
    rung: I8
    political: F64
    functional: F64
    running: B
    suspended: B
    breakdown: B
    miscalculation: I64
    settled_at: I64
    milestones: I64
    positions: F64
    events: I64


def kernel_params(p: Params) -> KernelParams:
    """The parameters as floats, in the kernel's order."""
    names = {field.name for field in fields(Params)}
    if names != set(KernelParams._fields):
        raise RuntimeError("parley.model.kernel.KernelParams does not list Params' fields")
    return KernelParams(*(float(getattr(p, name)) for name in KernelParams._fields))


def scenario_arrays(inputs: Inputs) -> ScenarioArrays:
    """The inputs as contiguous arrays of three dtypes (float64, int64, bool)."""

    def f64(value: npt.ArrayLike) -> F64:
        return np.ascontiguousarray(value, dtype=np.float64)

    def i64(value: npt.ArrayLike) -> I64:
        return np.ascontiguousarray(value, dtype=np.int64)

    def b(value: npt.ArrayLike) -> B:
        return np.ascontiguousarray(value, dtype=np.bool_)

    steps = len(inputs.steps)
    pairs = max([len(row) for row in inputs.inherit] + [1])
    inherit = np.full((steps, pairs, 2), -1, dtype=np.int64)
    for t, row in enumerate(inputs.inherit):
        for q, (new, old) in enumerate(row):
            inherit[t, q] = new, old
    shocks = inputs.shocks
    tactic_side = np.full((len(shocks), 2), -1, dtype=np.int64)
    tactic_value = np.zeros((len(shocks), 2), dtype=np.int64)
    for j, shock in enumerate(shocks):
        if len(shock.tactics) > 2:
            raise ValueError("a talks shock sets the tactics of two sides at most")
        for q, (side, chosen) in enumerate(shock.tactics):
            tactic_side[j, q], tactic_value[j, q] = side, chosen
    return ScenarioArrays(
        starts=i64(inputs.starts),
        position=f64(inputs.position),
        salience=f64(inputs.salience),
        capability=f64(inputs.capability),
        state_of=i64(inputs.state_of),
        speaker=i64(inputs.speaker),
        third=int(inputs.third),
        focal=int(inputs.focal),
        counterparts=i64(inputs.counterparts),
        active=b(inputs.active),
        holder=i64(inputs.holder),
        inherit=inherit,
        leader_of=i64(inputs.leader_of),
        leader_state=i64(inputs.leader_state).reshape(-1),
        leader_consolidation=f64(inputs.leader_consolidation).reshape(-1),
        leader_until=i64(inputs.leader_until).reshape(-1),
        leader_stance=f64(inputs.leader_stance).reshape(len(inputs.leaders), len(inputs.issues)),
        gates=b(inputs.gates),
        gating=b(inputs.gating),
        border=b(inputs.border),
        forces=b(inputs.forces),
        leader_tied=b(inputs.leader_tied),
        functional=b(inputs.functional),
        treaty=bool(inputs.treaty),
        agenda=b(inputs.agenda).reshape(len(inputs.talks), len(inputs.issues)),
        tolerance=f64(inputs.tolerance).reshape(-1),
        tactic=i64(inputs.tactic).reshape(len(inputs.talks), 2),
        goldstein=f64(GOLDSTEIN),
        kind=i64([KINDS.index(s.kind) for s in shocks]),
        first=i64([s.first for s in shocks]),
        days=i64([s.days for s in shocks]),
        slot=i64([s.slot for s in shocks]),
        actor=i64([s.actor for s in shocks]),
        issue=i64([s.issue for s in shocks]),
        delta=b([s.mode == "delta" for s in shocks]),
        amount=f64([s.amount for s in shocks]),
        leader=i64([s.leader for s in shocks]),
        talks=i64([s.talks for s in shocks]),
        tactic_side=tactic_side,
        tactic_value=tactic_value,
        lock=b([s.lock for s in shocks]),
    )


# Python's min, max and the reference's clip, with the same choice between equal values.
@_jit()
def _min(a: float, b: float) -> float:
    return b if b < a else a


@_jit()
def _max(a: float, b: float) -> float:
    return b if b > a else a


@_jit()
def _clip(value: float, low: float, high: float) -> float:
    return _min(_max(value, low), high)


@_jit()
def _sign(value: float) -> float:
    return float(int(value > 0) - int(value < 0))


@_jit()
def _nz(total: float) -> float:
    return total if total > 0 else 1.0


@_jit()
def _pressure(
    speaker: I64,
    border: B,
    weight: F64,
    member: B,
    x: F64,
    hold: F64,
    holder: I64,
    st: int,
    d: int,
) -> float:
    """How hard a state's factions pull its government on the border sections held by
    counterpart ``d`` (every section for ``d = -1``)."""
    n_a, n_i = x.shape
    g = speaker[st]
    pull = 0.0
    for a in range(n_a):
        if not member[st, a] or a == g:
            continue
        for i in range(n_i):
            flag = 1.0 if border[i] and (d < 0 or holder[i] == d) else 0.0
            pull += weight[a, i] * flag * abs(x[a, i] - x[g, i]) / 100
    total = 0.0
    for a in range(n_a):
        if member[st, a]:
            for i in range(n_i):
                total += weight[a, i]
    return float(pull / _nz(total) * (1 - hold[st]))


@_jit()
def _ratifies(
    p: KernelParams,
    weight: F64,
    member: B,
    x: F64,
    agreed: B,
    point: F64,
    holder: I64,
    st: int,
    d: int,
) -> bool:
    """Whether state ``st``'s factions accept the deals on the agreed items held by
    counterpart ``d`` (every agreed item for ``d = -1``); True when it has none."""
    n_a, n_i = x.shape
    mine = np.zeros(n_i, dtype=np.bool_)
    some = False
    for i in range(n_i):
        mine[i] = agreed[i] and (d < 0 or holder[i] == d)
        some = some or mine[i]
    if not some:
        return True
    inside = 0.0
    total = 0.0
    for a in range(n_a):
        if not member[st, a]:
            continue
        w = 0.0
        for i in range(n_i):
            if mine[i]:
                w += weight[a, i]
        far = 0.0
        started = False
        for i in range(n_i):
            if mine[i]:
                value = abs(x[a, i] - point[i])
                if not started:
                    far, started = value, True
                elif value > far:
                    far = value
        if far <= p.ratification_radius:
            inside += w
        total += w
    return inside / _nz(total) >= p.ratification_share


@_jit()
def _run(
    r: int,
    sc: ScenarioArrays,
    p: KernelParams,
    u_shock: F64,
    noise: F64,
    belief: F64,
    breakdown: F64,
    ladder: F64,
    drawn: F64,
    out: _Out,
) -> None:
    """Run ``r``: its rows of the draws in, its rows of ``out`` written. The steps and
    their comments are those of ``tests/reference_simulate.py``."""
    steps = sc.starts.shape[0]
    n_a, n_i = sc.position.shape
    n_k = sc.agenda.shape[0]
    n_s = sc.speaker.shape[0]
    n_d = sc.counterparts.shape[0]
    n_j = sc.kind.shape[0]
    n_c = sc.goldstein.shape[0]
    n_drawn = drawn.shape[4]  # not events.DRAWN: cached code would keep a stale constant
    nan = np.nan
    focal_state = sc.focal
    focal = sc.speaker[focal_state]
    cps = sc.counterparts
    every = int(np.int64(-1))  # "every counterpart" to _pressure and _ratifies (not a literal)

    # The step of each shock in this run.
    when = np.empty(n_j, dtype=np.int64)
    for j in range(n_j):
        day = sc.first[j] + int(u_shock[r, sc.slot[j]] * sc.days[j])
        count = 0
        while count < steps and sc.starts[count] <= day:
            count += 1
        when[j] = max(0, count - 1)
    is_speaker = np.zeros(n_a, dtype=np.bool_)
    for st in range(n_s):
        is_speaker[sc.speaker[st]] = True
    has_gates = np.zeros(n_i, dtype=np.bool_)
    for i in range(n_i):
        for q in range(n_i):
            has_gates[i] = has_gates[i] or sc.gates[i, q]

    # The state of the run.
    x = sc.position.copy()
    s = sc.salience.copy()
    factor = np.ones(n_a)
    cons = sc.leader_consolidation.copy()
    stance_of = sc.leader_stance.copy()
    override = np.full(n_s, -1, dtype=np.int64)
    leader = sc.leader_of[0].copy()
    last = np.full(n_s, -2, dtype=np.int64)
    tactic = sc.tactic.copy()
    locked = np.zeros((n_k, 2), dtype=np.bool_)
    b = np.full((n_d, 2), nan)
    grievance = np.zeros((n_d, 2))
    political = np.full(n_d, nan)
    functional = np.zeros(n_d)
    dormant = np.zeros(n_d)
    bound = np.full(n_d, sc.treaty, dtype=np.bool_)
    memory = np.zeros(n_d)
    scare = np.zeros(n_d)
    meeting = np.zeros(n_k, dtype=np.bool_)
    cooldown = np.zeros(n_k)
    exposure = np.zeros(n_k)
    anchor = np.full((n_i, 2), nan)
    settled = np.zeros(n_i, dtype=np.bool_)
    settled_at = out.settled_at[r]
    marks = out.milestones[r]

    # Scratch, per step.
    changed = np.zeros(n_s, dtype=np.bool_)
    hold = np.zeros(n_s)
    cap = np.zeros(n_a)
    exists = np.zeros(n_a, dtype=np.bool_)
    other = np.zeros(n_i, dtype=np.int64)
    other_state = np.zeros(n_i, dtype=np.int64)
    weight = np.zeros((n_a, n_i))
    member = np.zeros((n_s, n_a), dtype=np.bool_)
    mean = np.zeros((n_s, n_i))
    gap = np.zeros(n_i)
    sal = np.zeros((2, n_i))
    strain = np.zeros((n_d, 2))
    dist = np.zeros(n_s)
    goal = np.zeros(2)
    prev = np.zeros(2)
    worth = np.zeros(n_i, dtype=np.bool_)
    gated = np.zeros(n_i, dtype=np.bool_)
    blocked = np.zeros(n_d, dtype=np.bool_)
    lapsed = np.zeros(n_d, dtype=np.bool_)
    readiness = np.zeros((n_d, 2))
    willingness = np.zeros(n_i)
    agreed_now = np.zeros(n_i, dtype=np.bool_)
    stopped = np.zeros(n_d, dtype=np.bool_)
    miscost = np.zeros((n_d, 2))
    willing = np.zeros(n_i, dtype=np.bool_)
    on = np.zeros(n_i, dtype=np.bool_)
    error = np.zeros(2)
    own = np.zeros(n_i)
    theirs = np.zeros(n_i)
    offers = np.zeros((2, n_i), dtype=np.bool_)
    fits = np.zeros((2, n_i), dtype=np.bool_)
    accepted = np.zeros((2, n_i), dtype=np.bool_)
    miscalc = np.zeros(2, dtype=np.bool_)
    agreed = np.zeros(n_i, dtype=np.bool_)
    point = np.zeros(n_i)
    touched = np.zeros(n_d, dtype=np.bool_)
    agreement = np.zeros(n_d, dtype=np.bool_)
    incident = np.zeros(n_d, dtype=np.bool_)
    deadly = np.zeros(n_d, dtype=np.bool_)
    crisis = np.zeros(n_d, dtype=np.bool_)
    count_c = np.zeros(n_c, dtype=np.int64)
    level = np.zeros(n_drawn)

    for t in range(steps):
        holder = sc.holder[t]
        state_of = sc.state_of[t]
        active = sc.active[t]

        # 1. Shocks.
        for q in range(sc.inherit.shape[1]):
            new, old = sc.inherit[t, q, 0], sc.inherit[t, q, 1]
            if new < 0:
                continue
            ng, og = sc.speaker[cps[new]], sc.speaker[cps[old]]
            for i in range(n_i):
                x[ng, i] = x[og, i]
                s[ng, i] = s[og, i]
            for side in range(2):
                b[new, side] = b[old, side]
                grievance[new, side] = grievance[old, side]
            political[new], functional[new] = political[old], functional[old]
            dormant[new], bound[new] = dormant[old], bound[old]
            memory[new], scare[new] = memory[old], scare[old]
        for j in range(n_j):
            if when[j] != t:
                continue
            kind = sc.kind[j]
            if kind == _POSITION or kind == _SALIENCE:  # noqa: SIM109 - plain for Numba
                table = x if kind == _POSITION else s
                high = 100.0 if kind == _POSITION else 1.0
                a, i = sc.actor[j], sc.issue[j]
                old_value = table[a, i]
                value = _clip(old_value + sc.amount[j], 0.0, high) if sc.delta[j] else sc.amount[j]
                table[a, i] = value
                if kind == _POSITION and is_speaker[a]:
                    mine = leader[state_of[a]]
                    if mine >= 0 and sc.leader_tied[i] and not math.isnan(stance_of[mine, i]):
                        stance_of[mine, i] = value
            elif kind == _CAPABILITY:
                factor[sc.actor[j]] *= sc.amount[j]
            elif kind == _CONSOLIDATION:
                cons[sc.leader[j]] = sc.amount[j]
            elif kind == _LEADER:
                override[sc.leader_state[sc.leader[j]]] = sc.leader[j]
            elif kind == _TALKS:
                k = sc.talks[j]
                for q in range(2):
                    side = sc.tactic_side[j, q]
                    if side < 0:
                        continue
                    tactic[k, side] = sc.tactic_value[j, q]
                    locked[k, side] = locked[k, side] or sc.lock[j]

        # 2. Leaders and domestic politics.
        for st in range(n_s):
            if override[st] >= 0 and t >= sc.leader_until[override[st]]:
                override[st] = -1
        for st in range(n_s):
            leader[st] = override[st] if override[st] >= 0 else sc.leader_of[t, st]
        for st in range(n_s):
            changed[st] = leader[st] != last[st] and last[st] != -2
            last[st] = leader[st]
        for st in range(n_s):
            hold[st] = cons[leader[st]] if leader[st] >= 0 else 0.5
        for a in range(n_a):
            cap[a] = sc.capability[t, a] * factor[a]
            exists[a] = sc.capability[t, a] > 0
        for i in range(n_i):
            other_state[i] = cps[holder[i]]
            other[i] = sc.speaker[other_state[i]]
        for a in range(n_a):
            for i in range(n_i):
                weight[a, i] = cap[a] * s[a, i]
        for st in range(n_s):
            for a in range(n_a):
                member[st, a] = state_of[a] == st and exists[a]
        for st in range(n_s):
            for i in range(n_i):
                total = 0.0
                for a in range(n_a):
                    if member[st, a]:
                        total += weight[a, i]
                if total > 0:
                    num = 0.0
                    for a in range(n_a):
                        if member[st, a]:
                            num += weight[a, i] * x[a, i]
                    mean[st, i] = num / total
                else:
                    plain = 0.0
                    size = 0
                    for a in range(n_a):
                        if member[st, a]:
                            plain += x[a, i]
                            size += 1
                    mean[st, i] = plain / (size if size > 0 else 1.0)
        for a in range(n_a):
            own_hold = hold[state_of[a]] if is_speaker[a] else 0.0
            for i in range(n_i):
                x[a, i] += p.domestic_pull * (1 - own_hold) * (mean[state_of[a], i] - x[a, i])
        for st in range(n_s):
            g = sc.speaker[st]
            for i in range(n_i):
                if leader[st] >= 0 and not math.isnan(stance_of[leader[st], i]):
                    x[g, i] += p.leader_pull * (stance_of[leader[st], i] - x[g, i])

        # 3. Behaviour.
        for i in range(n_i):
            gap[i] = abs(x[focal, i] - x[other[i], i])
            sal[0, i] = s[focal, i]
            sal[1, i] = s[other[i], i]
        for d in range(n_d):
            for side in range(2):
                total = 0.0
                for i in range(n_i):
                    if holder[i] == d and not settled[i] and not sc.gating[i]:
                        total += sal[side, i] * (gap[i] / 100)
                strain[d, side] = total
        for st in range(n_s):
            dist[st] = 0.0
        if sc.third >= 0:
            for st in range(n_s):
                g = sc.speaker[st]
                num = 0.0
                for i in range(n_i):
                    num += s[g, i] * abs(x[g, i] - x[sc.third, i]) / 100
                total = 0.0
                for i in range(n_i):
                    total += s[g, i]
                dist[st] = num / _nz(total)
        for d in range(n_d):
            for side in range(2):
                mine_d = dist[focal_state] if side == 0 else dist[cps[d]]
                theirs_d = dist[cps[d]] if side == 0 else dist[focal_state]
                tri = p.third_party * (_min(mine_d, theirs_d) - _max(0.0, mine_d - theirs_d))
                goal[side] = (
                    p.behaviour_base
                    - p.strain_scale * strain[d, side]
                    - grievance[d, side]
                    + tri
                    + p.functional_spillover * functional[d]
                )
            if math.isnan(b[d, 0]):
                b[d, 0] = _clip(goal[0], -10.0, 10.0)
                b[d, 1] = _clip(goal[1], -10.0, 10.0)
            rest = _max(0.0, 1.0 - p.behaviour_inertia - p.reciprocity)
            prev[0], prev[1] = b[d, 0], b[d, 1]
            for side in range(2):
                value = (
                    p.behaviour_inertia * prev[side]
                    + p.reciprocity * prev[1 - side]
                    + rest * goal[side]
                    + p.behaviour_noise * noise[r, t, d, side]
                )
                b[d, side] = _clip(value, -10.0, 10.0)

        # 4. Two tracks.
        for i in range(n_i):
            worth[i] = _max(sal[0, i] * gap[i] / 100, sal[1, i] * gap[i] / 100) >= p.talks_need
        for i in range(n_i):
            gated[i] = False
            for q in range(n_i):
                if sc.gates[i, q] and not settled[q] and worth[q]:
                    gated[i] = True
        for d in range(n_d):
            blocked[d] = False
            for i in range(n_i):
                if has_gates[i] and gated[i] and holder[i] == d:
                    blocked[d] = True
        for d in range(n_d):
            level_p = _clip(((b[d, 0] + b[d, 1]) / 2 + 10) / 20, 0.0, 1.0)
            if math.isnan(political[d]):
                political[d] = level_p
            goal_p = _min(level_p, p.gate_cap) if blocked[d] else level_p
            political[d] = p.political_inertia * political[d] + (1 - p.political_inertia) * goal_p
            econ = 0.0
            held_f = 0
            for i in range(n_i):
                if holder[i] == d and sc.functional[i]:
                    econ += gap[i] / 100
                    held_f += 1
            econ = econ / max(held_f, 1)
            openness = _clip((_min(b[d, 0], b[d, 1]) + 5) / 10, 0.0, 1.0) * (1 - econ)
            functional[d] += p.functional_rate * (openness - functional[d])
        broke_ties = political[0] < p.party_break and marks[0] < 0
        if broke_ties:
            marks[0] = t
        for d in range(n_d):
            dormant[d] = dormant[d] + 1 if political[d] < p.treaty_lapse else 0.0
            lapsed[d] = bound[d] and dormant[d] >= p.treaty_steps
            bound[d] = bound[d] and not lapsed[d]
        ended = lapsed[0] and marks[1] < 0
        if ended:
            marks[1] = t
        if marks[0] >= 0 and marks[3] < 0 and political[0] >= p.normalize_level:
            marks[3] = t

        # 5. Talks and 6. ratification.
        for d in range(n_d):
            for side in range(2):
                readiness[d, side] = b[d, side] + p.war_scare * scare[d] / p.war_scare_steps
        for i in range(n_i):
            first_w = readiness[holder[i], 0] + p.talks_urge * sal[0, i] * (gap[i] / 100)
            second_w = readiness[holder[i], 1] + p.talks_urge * sal[1, i] * (gap[i] / 100)
            willingness[i] = _min(first_w, second_w)
        push_own = _pressure(
            sc.speaker, sc.border, weight, member, x, hold, holder, focal_state, every
        )
        push_other = 0.0
        started = False
        for d in range(n_d):
            if not active[d]:
                continue
            value = _pressure(sc.speaker, sc.border, weight, member, x, hold, holder, cps[d], d)
            if not started:
                push_other, started = value, True
            elif value > push_other:
                push_other = value
        for i in range(n_i):
            agreed_now[i] = False
        for d in range(n_d):
            stopped[d] = False
            miscost[d, 0] = 0.0
            miscost[d, 1] = 0.0
        for k in range(n_k):
            package = False
            for side in range(2):
                push = push_own if side == 0 else push_other
                if tactic[k, side] == 1 or (push > p.tactic_pressure and not locked[k, side]):
                    package = True
            bar = p.talks_suspend if meeting[k] else p.talks_open
            any_willing = False
            any_item = False
            for i in range(n_i):
                item = sc.agenda[k, i] and not settled[i] and not gated[i] and worth[i]
                any_item = any_item or item
                willing[i] = item and willingness[i] > bar
                any_willing = any_willing or willing[i]
            held = any_willing and cooldown[k] <= 0
            any_on = False
            for i in range(n_i):
                on[i] = willing[i] and held
                any_on = any_on or on[i]
            # Suspended: talks under way stop while something is still there to discuss.
            suspended = meeting[k] and not held and cooldown[k] <= 0 and any_item
            out.suspended[r, t, k] = suspended
            out.running[r, t, k] = held
            gates_agenda = False
            for i in range(n_i):
                if sc.agenda[k, i] and has_gates[i]:
                    gates_agenda = True
            if gates_agenda and held and marks[0] >= 0 and marks[2] < 0:
                marks[2] = t
            spread = p.belief_error * (1 - p.belief_learning) ** exposure[k]
            for side in range(2):
                error[side] = spread * belief[r, t, k, side]
            for i in range(n_i):
                own[i] = x[focal, i]
                theirs[i] = x[other[i], i]
                offers[0, i] = offers[1, i] = False
                fits[0, i] = fits[1, i] = False
            tolerance = sc.tolerance[k]
            for i in range(n_i):
                if not on[i]:
                    continue
                if math.isnan(anchor[i, 0]):
                    anchor[i, 0], anchor[i, 1] = own[i], theirs[i]
                a0, a1 = anchor[i, 0], anchor[i, 1]
                up0, up1 = _sign(a1 - a0), _sign(a0 - a1)
                reach0 = p.reservation_reach * (1 - sal[0, i]) * abs(a1 - a0)
                reach1 = p.reservation_reach * (1 - sal[1, i]) * abs(a1 - a0)
                m0 = p.concession_rate * hold[focal_state]
                m1 = p.concession_rate * hold[other_state[i]]
                step0 = _clip((own[i] + m0 * (theirs[i] - own[i]) - a0) * up0, 0.0, reach0)
                step1 = _clip((theirs[i] + m1 * (own[i] - theirs[i]) - a1) * up1, 0.0, reach1)
                own[i], theirs[i] = a0 + up0 * step0, a1 + up1 * step1
                limit0, limit1 = a0 + up0 * reach0, a1 + up1 * reach1
                beyond_other = (own[i] - limit1) * up1
                beyond_own = (theirs[i] - limit0) * up0
                offers[0, i] = beyond_other - error[0] * up1 <= 1.0 * tolerance
                offers[1, i] = beyond_own - error[1] * up0 <= 1.0 * tolerance
                fits[0, i] = beyond_other <= tolerance
                fits[1, i] = beyond_own <= tolerance
            for side in range(2):
                whole_offer = any_on
                whole_fits = True
                for i in range(n_i):
                    if not (offers[side, i] or not on[i]):
                        whole_offer = False
                    if not (fits[side, i] or not on[i]):
                        whole_fits = False
                miscalc[side] = False
                for i in range(n_i):
                    if package:
                        accepted[side, i] = whole_offer and whole_fits and on[i]
                    else:
                        accepted[side, i] = offers[side, i] and fits[side, i]
                        if offers[side, i] and not fits[side, i]:
                            miscalc[side] = True
                if package:
                    miscalc[side] = whole_offer and not whole_fits
            for i in range(n_i):
                agreed[i] = accepted[0, i] or accepted[1, i]
                point[i] = own[i] if accepted[0, i] else theirs[i]
            for i in range(n_i):
                x[focal, i] = own[i]
            for i in range(n_i):
                x[other[i], i] = theirs[i]
            ok = _ratifies(p, weight, member, x, agreed, point, holder, focal_state, every)
            for d in range(n_d):
                if active[d] and ok:
                    ok = _ratifies(p, weight, member, x, agreed, point, holder, cps[d], d)
            for i in range(n_i):
                if ok and agreed[i]:
                    x[focal, i] = point[i]
                    x[other[i], i] = point[i]
                    agreed_now[i] = True
            for d in range(n_d):
                touched[d] = False
                for i in range(n_i):
                    if on[i] and holder[i] == d:
                        touched[d] = True
            for d in range(n_d):
                for side in range(2):
                    if miscalc[side] and touched[d]:
                        miscost[d, side] += p.miscalculation_cost
            down = (miscalc[0] or miscalc[1]) and breakdown[r, t, k] < p.breakdown_probability
            out.miscalculation[r, t, k] = int(miscalc[0]) + int(miscalc[1])
            out.breakdown[r, t, k] = down
            for d in range(n_d):
                with_d = False
                for i in range(n_i):
                    if sc.agenda[k, i] and holder[i] == d:
                        with_d = True
                if (down and touched[d]) or (suspended and with_d):
                    stopped[d] = True
            if down:
                for i in range(n_i):
                    if sc.agenda[k, i]:
                        anchor[i, 0] = anchor[i, 1] = nan
            cooldown[k] = p.breakdown_cooldown if down else cooldown[k] - 1
            exposure[k] += 1.0 if held else 0.0
            meeting[k] = held and not down
        for i in range(n_i):
            if agreed_now[i] and settled_at[i] < 0:
                settled_at[i] = t
            settled[i] = settled[i] or agreed_now[i]
        for d in range(n_d):
            agreement[d] = False
            for i in range(n_i):
                if agreed_now[i] and holder[i] == d:
                    agreement[d] = True
        for d in range(n_d):
            gain = p.agreement_gain * (1.0 if agreement[d] else 0.0)
            for side in range(2):
                b[d, side] = _clip(b[d, side] + gain - miscost[d, side], -10.0, 10.0)

        # 7. Clashes.
        any_deadly = False
        for d in range(n_d):
            border_gap = 0.0
            for i in range(n_i):
                if holder[i] == d and sc.border[i] and not settled[i]:
                    border_gap += (sal[0, i] + sal[1, i]) / 2 * gap[i] / 100
            massed = 0.0
            for i in range(n_i):
                if holder[i] == d and sc.forces[i]:
                    massed += (100 - x[other[i], i]) / 100
            massed = _clip(massed, 0.0, 1.0)
            hazard = (
                p.incident_hazard
                * math.exp(p.clash_slope * -(b[d, 0] + b[d, 1]) / 2)
                * border_gap
                * (1 + p.force_weight * massed)
                * (1 + p.excitation * memory[d])
            )
            chance = _clip(0.0 if math.isnan(hazard) else hazard, 0.0, 0.9)
            incident[d] = ladder[r, t, d, 0] < chance
            deadly[d] = incident[d] and (
                ladder[r, t, d, 1] < _clip(p.deadly_share * (1 + memory[d]), 0.0, 1.0)
            )
            crisis[d] = deadly[d] and ladder[r, t, d, 2] < p.crisis_share
            memory[d] = p.memory_decay * memory[d] + (1.0 if incident[d] else 0.0)
            drop = p.clash_drop * (1.0 if deadly[d] else 0.0)
            for side in range(2):
                b[d, side] = _clip(b[d, side] - drop, -10.0, 10.0)
            any_deadly = any_deadly or deadly[d]
        for i in range(n_i):
            bump = p.clash_salience * (1.0 if sc.border[i] else 0.0)
            s[focal, i] = _clip(s[focal, i] + bump * (1.0 if any_deadly else 0.0), 0.0, 1.0)
        for i in range(n_i):
            bump = p.clash_salience * (1.0 if sc.border[i] else 0.0)
            hit = 1.0 if deadly[holder[i]] else 0.0
            s[other[i], i] = _clip(s[other[i], i] + bump * hit, 0.0, 1.0)
        for d in range(n_d):
            scare[d] = p.war_scare_steps if crisis[d] else _max(scare[d] - 1, 0.0)
            gone = changed[focal_state] or changed[cps[d]]
            for side in range(2):
                kept = grievance[d, side] * (1 - p.grievance_decay)
                kept *= (1 - p.grievance_fade) if gone else 1.0
                grievance[d, side] = kept + p.grievance_rate * _max(0.0, -b[d, 1 - side])

        # 8. Events.
        for d in range(n_d):
            if not active[d]:
                continue
            meets = False
            for k in range(n_k):
                if out.running[r, t, k]:
                    for i in range(n_i):
                        if sc.agenda[k, i] and holder[i] == d:
                            meets = True
            for c in range(n_c):
                count_c[c] = 0
            for side in range(2):
                level[0] = _max(b[d, side], 0.0) / 10
                level[1] = _max(-b[d, side], 0.0) / 10
                level[2] = _max(-b[d, side] - 5, 0.0) / 5
                level[3] = political[d] * (0.0 if blocked[d] else 1.0)
                level[4] = (1.0 if meets else 0.0) if side == 0 else 0.0
                level[5] = functional[d] if side == 0 else 0.0
                for c in range(n_drawn):
                    chance = 1 - math.exp(-p.event_rate * level[c])
                    if drawn[r, t, d, side, c] < chance:
                        count_c[c] += 1
            count_c[n_drawn] = int(agreement[d])
            count_c[n_drawn + 1] = int(stopped[d])
            count_c[n_drawn + 2] = int(broke_ties and d == 0)
            count_c[n_drawn + 3] = int(ended and d == 0)
            count_c[n_drawn + 4] = int(incident[d] and not deadly[d])
            count_c[n_drawn + 5] = int(deadly[d])
            net = 0.0
            for c in range(n_c):
                net += count_c[c] * sc.goldstein[c]
            out.goldstein[r, t, d] = net
            for c in range(n_c):
                out.events[r, t, c] += count_c[c]
            out.behaviour[r, t, d, 0] = b[d, 0]
            out.behaviour[r, t, d, 1] = b[d, 1]
            out.relation[r, t, d] = (b[d, 0] + b[d, 1]) / 2
            out.rung[r, t, d] = int(incident[d]) + int(deadly[d]) + int(crisis[d])
            out.political[r, t, d] = political[d]
            out.functional[r, t, d] = functional[d]
        for st in range(n_s):
            alive = False
            for a in range(n_a):
                if member[st, a]:
                    alive = True
            for i in range(n_i):
                out.positions[r, t, st, i] = x[sc.speaker[st], i] if alive else nan


@_jit(nogil=True)
def _runs(
    first: int,
    last: int,
    sc: ScenarioArrays,
    p: KernelParams,
    u_shock: F64,
    noise: F64,
    belief: F64,
    breakdown: F64,
    ladder: F64,
    drawn: F64,
    out: _Out,
) -> None:
    """Runs ``first`` to ``last - 1``, without the GIL, so that threads share the runs."""
    for r in range(first, last):
        _run(r, sc, p, u_shock, noise, belief, breakdown, ladder, drawn, out)


def threads() -> int:
    """How many threads the compiled engine uses: ``PARLEY_THREADS``, or else the number
    of cores this process may use."""
    chosen = os.environ.get("PARLEY_THREADS", "").strip()
    if chosen:
        if not chosen.isdigit() or int(chosen) < 1:
            raise InputError(
                f"not a number of threads: {chosen!r}", Location("PARLEY_THREADS"), "1 or more"
            )
        return int(chosen)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def simulate(inputs: Inputs, p: Params, seeds: list[np.random.SeedSequence]) -> Outputs:
    """Run the model once per seed with the compiled kernel: the same outputs as
    :func:`parley.model.simulate.simulate` with the NumPy engine."""
    runs, steps = len(seeds), len(inputs.steps)
    n_i = inputs.position.shape[1]
    n_k, n_s, n_d = len(inputs.talks), len(inputs.states), len(inputs.counterparts)
    draws = _draws(seeds, steps, n_k, n_d, inputs.slots)
    out = _Out(
        relation=np.full((runs, steps, n_d), np.nan),
        behaviour=np.full((runs, steps, n_d, 2), np.nan),
        goldstein=np.zeros((runs, steps, n_d)),
        rung=np.zeros((runs, steps, n_d), dtype=np.int8),
        political=np.full((runs, steps, n_d), np.nan),
        functional=np.full((runs, steps, n_d), np.nan),
        running=np.zeros((runs, steps, n_k), dtype=np.bool_),
        suspended=np.zeros((runs, steps, n_k), dtype=np.bool_),
        breakdown=np.zeros((runs, steps, n_k), dtype=np.bool_),
        miscalculation=np.zeros((runs, steps, n_k), dtype=np.int64),
        settled_at=np.full((runs, n_i), -1, dtype=np.int64),
        milestones=np.full((runs, len(MILESTONES)), -1, dtype=np.int64),
        positions=np.zeros((runs, steps, n_s, n_i)),
        events=np.zeros((runs, steps, len(CODES)), dtype=np.int64),
    )
    arrays, values = scenario_arrays(inputs), kernel_params(p)
    u = [
        np.ascontiguousarray(a, dtype=np.float64)
        for a in (draws.shock, draws.noise, draws.belief, draws.breakdown, draws.ladder)
    ]
    drawn = np.ascontiguousarray(draws.events, dtype=np.float64)
    arguments = (arrays, values, u[0], u[1], u[2], u[3], u[4], drawn, out)
    count = min(threads(), runs)
    if count <= 1:
        _runs(0, runs, *arguments)
    else:  # contiguous blocks of runs; each run writes only its own rows
        bounds = [runs * n // count for n in range(count + 1)]
        with ThreadPoolExecutor(max_workers=count) as pool:
            done = [pool.submit(_runs, a, z, *arguments) for a, z in itertools.pairwise(bounds)]
            for future in done:
                future.result()
    return Outputs(clash=out.rung >= 2, **out._asdict())
