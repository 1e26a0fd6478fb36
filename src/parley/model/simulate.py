"""The dynamic model of a bilateral system, time-stepped and vectorized over runs.

Dated inputs (shocks) change what actors want, can do, or who leads them; everything else
is decided inside the model. Each step (DESIGN.md, "The dynamic simulator"):

1. **Shocks** apply (:mod:`.inputs`); each run draws each shock's day within its range.
2. **Domestic politics** (:mod:`.domestic`): factions pull toward their state's
   compromise, governments toward their leader's stances on issues tied to leaders;
   consolidation weakens the factions' pull.
3. **Behaviour** (:mod:`.behaviour`): each government's cooperation or conflict toward
   the other, with inertia, reciprocity, strain, grievances and the third party.
4. **Two tracks** (:mod:`.tracks`): political (party ties, the treaty, summits) and
   functional (trade, exchanges).
5. **Talks** and 6. **ratification** (:mod:`.talks`): formats meet, concede, offer,
   miscalculate, break down and settle, by the model's own dynamics.
7. **Clashes** (:mod:`.clashes`): incident, deadly clash, crisis and war scare.
8. **Events** (:mod:`.events`), from which the model's index is computed exactly as the
   record's.
9. **Succession**: a counterpart splits into successors (compiled in :mod:`.inputs`).

All random numbers are drawn per run, before the first step, from the run's own seed, so
a run's result does not depend on how runs are grouped.

Two engines run these steps and give the same outputs (the tests hold both to the
plain-loop reference in ``tests/reference_simulate.py``):

- ``"compiled"``: :mod:`.kernel`, the reference's loops compiled with Numba, one run at a
  time, the runs shared over threads. It is the default when Numba can be imported. Its
  first call after an install compiles it (about 20 s, then cached on disk); it uses
  ``PARLEY_THREADS`` threads (by default, the cores the process may use).
- ``"numpy"``: the array code below, vectorized over runs; equal to the compiled engine
  within rounding (its sums run in another order), and used where Numba is missing.

Choose one with ``simulate(..., engine="numpy")`` or the environment variable
``PARLEY_ENGINE=numpy`` (or ``compiled``); the keyword wins over the variable.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from parley.errors import InputError, Location
from parley.model import behaviour, clashes, domestic, events, talks, tracks
from parley.model.inputs import Array, BoolArray, Inputs, compile_inputs, step_dates, step_of
from parley.model.params import PARAMETERS, Params
from parley.scenario.schema import MILESTONES

__all__ = [
    "ENGINES",
    "MILESTONES",
    "PARAMETERS",
    "Inputs",
    "Outputs",
    "Params",
    "compile_inputs",
    "engine_of",
    "simulate",
    "step_dates",
]

_PARTY, _TREATY, _TALKS, _NORMAL = range(len(MILESTONES))
_SHOCK_STREAM = 1 << 20  # a spawn key no ensemble gives a run
Engine = Literal["compiled", "numpy"]
ENGINES: tuple[Engine, ...] = ("compiled", "numpy")
Int = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Outputs:
    """What a set of runs produced. Shapes: R runs, T steps, D counterparts, K talks,
    I issues, S states, C event codes. Values where a counterpart or state does not exist
    are NaN (or 0 for counts)."""

    relation: Array  # (R, T, D) the mean of the two directions' behaviour
    behaviour: Array  # (R, T, D, 2) focal -> counterpart, counterpart -> focal
    goldstein: Array  # (R, T, D) net Goldstein of the step's events with the counterpart
    rung: npt.NDArray[np.int8]  # (R, T, D) 0 none, 1 incident, 2 deadly clash, 3 crisis
    clash: BoolArray  # (R, T, D) a deadly clash (rung 2 or more)
    political: Array  # (R, T, D) the political track
    functional: Array  # (R, T, D) the functional track
    running: BoolArray  # (R, T, K) a format met
    suspended: BoolArray  # (R, T, K) talks under way stopped by a side
    breakdown: BoolArray  # (R, T, K) talks broke down after a miscalculation
    miscalculation: npt.NDArray[np.int64]  # (R, T, K) refused offers
    settled_at: Int  # (R, I) step of agreement, -1 if none
    milestones: Int  # (R, len(MILESTONES)) step, -1 if none
    positions: Array  # (R, T, S, I) the governments' positions
    events: Int  # (R, T, C) event counts with every counterpart


@dataclass(frozen=True)
class _Draws:
    shock: Array  # (R, n_shocks) uniforms for the day of each shock
    noise: Array  # (R, T, D, 2)
    belief: Array  # (R, T, K, 2)
    breakdown: Array  # (R, T, K)
    ladder: Array  # (R, T, D, 3)
    events: Array  # (R, T, D, 2, len(DRAWN))


def _draws(seeds: list[np.random.SeedSequence], t: int, k: int, d: int, slots: int) -> _Draws:
    parts = []
    for seed in seeds:  # set-up, once per run, before any step
        rng = np.random.Generator(np.random.PCG64(seed))
        # The days of shocks come from a stream of their own, one uniform per shock in the
        # scenario's order, so that switching a shock off or adding one at the end leaves
        # every other random number of the run as it was (paired counterfactuals).
        key = (*seed.spawn_key, _SHOCK_STREAM)
        days = np.random.SeedSequence(seed.entropy, spawn_key=key)
        shock = np.random.Generator(np.random.PCG64(days)).random(slots)
        first = (
            rng.standard_normal((t, 1, 2)),
            rng.random((t, 1, 3)),
            rng.random((t, 1, 2, len(events.DRAWN))),
        )
        belief, breakdown = rng.standard_normal((t, k, 2)), rng.random((t, k))
        # Successors draw last, so that a scenario with a succession shares every random
        # number with the same scenario without it until the split.
        rest = (
            rng.standard_normal((t, d - 1, 2)),
            rng.random((t, d - 1, 3)),
            rng.random((t, d - 1, 2, len(events.DRAWN))),
        )
        noise, ladder, drawn = (
            np.concatenate(pair, axis=1) for pair in zip(first, rest, strict=True)
        )
        parts.append((shock, noise, belief, breakdown, ladder, drawn))
    return _Draws(*(np.stack(column) for column in zip(*parts, strict=True)))


def _per_counterpart(values: Array, holds: BoolArray) -> Array:
    """Per-issue values (R, I) summed over the issues each counterpart holds: (R, D).

    A plain sum, not a matrix product, whose rounding could depend on the number of runs.
    """
    total: Array = (values[:, None, :] * holds[None]).sum(axis=2, dtype=np.float64)
    return total


def engine_of(engine: str | None = None) -> Engine:
    """The engine to use: ``engine`` if given, else ``PARLEY_ENGINE``, else ``"compiled"``
    when Numba can be imported and ``"numpy"`` when not."""
    chosen = engine or os.environ.get("PARLEY_ENGINE", "").strip().lower() or None
    if chosen is None:
        return "compiled" if importlib.util.find_spec("numba") is not None else "numpy"
    for name in ENGINES:
        if chosen == name:
            return name
    raise InputError(
        f"unknown engine {chosen!r}", Location("PARLEY_ENGINE"), f"one of {', '.join(ENGINES)}"
    )


def simulate(
    inputs: Inputs, p: Params, seeds: list[np.random.SeedSequence], engine: str | None = None
) -> Outputs:
    """Run the model once per seed, with the engine ``engine`` (see :func:`engine_of`).

    Every array of the outputs is shaped (runs, ...); both engines give the same outputs.
    """
    if engine_of(engine) == "compiled":
        from parley.model import kernel  # imports Numba, which takes a moment

        return kernel.simulate(inputs, p, seeds)
    return _simulate_numpy(inputs, p, seeds)


def _simulate_numpy(inputs: Inputs, p: Params, seeds: list[np.random.SeedSequence]) -> Outputs:
    """The NumPy engine. Every array is shaped (runs, ...); no loop over runs."""
    runs, steps = len(seeds), len(inputs.steps)
    n_actors, n_issues = inputs.position.shape
    n_talks, n_states, n_sides = len(inputs.talks), len(inputs.states), len(inputs.counterparts)
    every = np.arange(n_issues)
    rows = np.arange(runs)
    focal = int(inputs.speaker[inputs.focal])
    draws = _draws(seeds, steps, n_talks, n_sides, inputs.slots)
    shock_day = np.array(
        [[s.first + int(row[s.slot] * s.days) for s in inputs.shocks] for row in draws.shock]
    ).reshape(runs, len(inputs.shocks))
    shock_step = step_of(shock_day, inputs.starts)  # (R, n_shocks)

    # The state of every run.
    x = np.repeat(inputs.position[None], runs, axis=0)  # (R, A, I)
    s = np.repeat(inputs.salience[None], runs, axis=0)
    factor = np.ones((runs, n_actors))  # capability shocks
    # One leader more than the scenario names, never chosen, so that "leader 0 where there
    # is none" indexes something even in a scenario with no leaders.
    consolidation = np.repeat(
        np.append(inputs.leader_consolidation, 0.5)[None], runs, axis=0
    )  # (R, L + 1)
    leader_until = np.append(inputs.leader_until, np.iinfo(np.intp).max)
    override = np.full((runs, n_states), -1, dtype=np.intp)  # a leader put in by a shock
    no_stance = np.full((1, inputs.leader_stance.shape[1]), np.nan)
    leader_stance = np.repeat(
        np.vstack([inputs.leader_stance, no_stance])[None], runs, axis=0
    )  # (R, L + 1, I)
    leader = np.repeat(inputs.leader_of[:1], runs, axis=0)  # (R, S), -1 where none
    tactic = np.repeat(inputs.tactic[None].astype(np.int8), runs, axis=0)  # (R, K, 2)
    locked = np.zeros((runs, n_talks, 2), dtype=bool)
    b = np.full((runs, n_sides, 2), np.nan)  # set at the first step from the targets
    grievance = np.zeros((runs, n_sides, 2))
    political = np.full((runs, n_sides), np.nan)
    functional = np.zeros((runs, n_sides))
    dormant = np.zeros((runs, n_sides))
    bound = np.full((runs, n_sides), inputs.treaty)
    memory = np.zeros((runs, n_sides))
    scare = np.zeros((runs, n_sides))
    meeting = np.zeros((runs, n_talks), dtype=bool)
    cooldown = np.zeros((runs, n_talks))
    exposure = np.zeros((runs, n_talks))
    anchor = np.full((runs, n_issues, 2), np.nan)
    settled = np.zeros((runs, n_issues), dtype=bool)
    settled_at = np.full((runs, n_issues), -1, dtype=np.int64)
    milestones = np.full((runs, len(MILESTONES)), -1, dtype=np.int64)
    last_leader = np.full((runs, n_states), -2, dtype=np.intp)

    # Outputs are kept step-major while the loop writes them, and turned run-major at the end.
    out = {
        "relation": np.full((steps, runs, n_sides), np.nan),
        "behaviour": np.full((steps, runs, n_sides, 2), np.nan),
        "goldstein": np.zeros((steps, runs, n_sides)),
        "rung": np.zeros((steps, runs, n_sides), dtype=np.int8),
        "political": np.full((steps, runs, n_sides), np.nan),
        "functional": np.full((steps, runs, n_sides), np.nan),
        "running": np.zeros((steps, runs, n_talks), dtype=bool),
        "suspended": np.zeros((steps, runs, n_talks), dtype=bool),
        "breakdown": np.zeros((steps, runs, n_talks), dtype=bool),
        "miscalculation": np.zeros((steps, runs, n_talks), dtype=np.int64),
        "positions": np.zeros((steps, runs, n_states, n_issues)),
        "events": np.zeros((steps, runs, len(events.CODES)), dtype=np.int64),
    }
    gated_issue = np.asarray(inputs.gates.any(axis=1))  # (I,) issues with preconditions
    is_speaker = np.zeros(n_actors, dtype=bool)
    is_speaker[inputs.speaker] = True
    governments = inputs.speaker

    for t in range(steps):
        # 1. Shocks: inputs only. A successor inherits its predecessor's government
        # positions and saliences, its behaviour, grievances and tracks.
        for new, old in inputs.inherit[t]:
            new_gov, old_gov = inputs.speaker[inputs.counterparts[[new, old]]]
            x[:, new_gov], s[:, new_gov] = x[:, old_gov], s[:, old_gov]
            for array in (b, grievance, political, functional, dormant, bound, memory, scare):
                array[:, new] = array[:, old]
        for j, shock in enumerate(inputs.shocks):
            now = shock_step[:, j] == t
            if not now.any():
                continue
            if shock.kind in ("position", "salience"):
                target = x if shock.kind == "position" else s
                high = 100.0 if shock.kind == "position" else 1.0
                old_value = target[:, shock.actor, shock.issue]
                new_value = (
                    np.full(runs, shock.amount)
                    if shock.mode == "value"
                    else np.clip(old_value + shock.amount, 0, high)
                )
                target[:, shock.actor, shock.issue] = np.where(now, new_value, old_value)
                # A government's new stance on an issue tied to leaders is its leader's.
                state = int(inputs.state_of[t, shock.actor])
                if shock.kind == "position" and is_speaker[shock.actor]:
                    mine = leader[:, state]
                    held = now & (mine >= 0) & inputs.leader_tied[shock.issue]
                    held &= ~np.isnan(leader_stance[rows, np.maximum(mine, 0), shock.issue])
                    leader_stance[rows[held], mine[held], shock.issue] = new_value[held]
            elif shock.kind == "capability":
                factor[:, shock.actor] = np.where(now, factor[:, shock.actor] * shock.amount,
                                                  factor[:, shock.actor])  # fmt: skip
            elif shock.kind == "consolidation":
                consolidation[:, shock.leader] = np.where(
                    now, shock.amount, consolidation[:, shock.leader]
                )
            elif shock.kind == "leader":
                state = inputs.leader_state[shock.leader]
                override[:, state] = np.where(now, shock.leader, override[:, state])
            elif shock.kind == "talks":
                for side, chosen in shock.tactics:
                    tactic[:, shock.talks, side] = np.where(
                        now, chosen, tactic[:, shock.talks, side]
                    )
                    locked[:, shock.talks, side] |= now & shock.lock

        # 2. Leaders and domestic politics.
        scheduled = np.broadcast_to(inputs.leader_of[t], (runs, n_states))
        expired = (override >= 0) & (t >= leader_until[np.maximum(override, 0)])
        override = np.where(expired, -1, override)
        leader = np.where(override >= 0, override, scheduled)  # (R, S)
        changed = (leader != last_leader) & (last_leader != -2)
        last_leader = leader
        hold = np.where(leader >= 0, consolidation[rows[:, None], np.maximum(leader, 0)], 0.5)
        stance = np.where(
            (leader >= 0)[..., None], leader_stance[rows[:, None], np.maximum(leader, 0)], np.nan
        )  # (R, S, I)
        capability = inputs.capability[t][None] * factor  # (R, A)
        active = inputs.active[t]  # (D,)
        holder = inputs.holder[t]  # (I,) counterpart index
        holds = holder[None, :] == np.arange(n_sides)[:, None]  # (D, I)
        other = inputs.speaker[inputs.counterparts[holder]]  # (I,) the holder's government
        other_state = inputs.counterparts[holder]  # (I,)
        member = inputs.state_of[t][None, :] == np.arange(n_states)[:, None]  # (S, A)
        member &= inputs.capability[t][None, :] > 0  # actors that exist

        weight = capability[:, :, None] * s  # (R, A, I)
        target = domestic.compromise(x, weight, member, inputs.state_of[t])
        own_hold = np.where(is_speaker[None], hold[:, inputs.state_of[t]], 0.0)[..., None]
        x = x + p.domestic_pull * (1 - own_hold) * (target - x)
        x = domestic.leader_pull(x, governments, stance, p)

        # 3. Behaviour. Settled issues strain no more; gates are not strains.
        gap = np.abs(x[:, focal, :] - x[:, other, every])  # (R, I)
        sal = np.stack([s[:, focal, :], s[:, other, every]], axis=1)  # (R, 2, I)
        straining = ~settled & ~inputs.gating[None]
        strain = behaviour.strain(gap, sal, straining, holds)  # (R, D, 2)
        distance = behaviour.third_distance(x, s, governments, inputs.third)  # (R, S)
        pair = np.stack(
            [np.repeat(distance[:, [inputs.focal]], n_sides, axis=1),
             distance[:, inputs.counterparts]], axis=2
        )  # fmt: skip
        goal = (
            p.behaviour_base
            - p.strain_scale * strain
            - grievance
            + behaviour.triangle(pair, p)
            + p.functional_spillover * functional[..., None]
        )
        b = np.where(np.isnan(b), np.clip(goal, -10, 10), b)
        b = behaviour.update(b, goal, draws.noise[:, t], p)

        # 4. Two tracks, and the turns of the political one.
        worth = (sal * (gap / 100)[:, None, :]).max(axis=1) >= p.talks_need  # (R, I)
        obstacle = ~settled & worth  # (R, I) a precondition not yet met, that matters
        gated = (inputs.gates[None] & obstacle[:, None, :]).any(axis=2)  # (R, I)
        blocked = _per_counterpart((gated_issue[None] & gated).astype(float), holds) > 0
        political = np.where(np.isnan(political), np.clip((b.mean(axis=2) + 10) / 20, 0, 1),
                             political)  # fmt: skip
        political = tracks.political(political, b, blocked, p)
        # The mean gap on the functional issues each counterpart holds (0 where it holds none).
        held_functional = np.maximum((holds & inputs.functional).sum(axis=1), 1)  # (D,)
        economic = _per_counterpart(gap / 100 * inputs.functional, holds) / held_functional
        functional = tracks.functional(functional, b, economic, p)
        broke_ties = (political[:, 0] < p.party_break) & (milestones[:, _PARTY] < 0)
        milestones[:, _PARTY] = np.where(broke_ties, t, milestones[:, _PARTY])
        dormant, lapsed = tracks.lapse(dormant, political, bound, p)
        bound &= ~lapsed
        ended = lapsed[:, 0] & (milestones[:, _TREATY] < 0)
        milestones[:, _TREATY] = np.where(ended, t, milestones[:, _TREATY])
        normal = (milestones[:, _PARTY] >= 0) & (milestones[:, _NORMAL] < 0)
        normal &= political[:, 0] >= p.normalize_level
        milestones[:, _NORMAL] = np.where(normal, t, milestones[:, _NORMAL])

        # 5. Talks, and 6. ratification.
        readiness = b + (p.war_scare * scare / p.war_scare_steps)[..., None]  # (R, D, 2)
        stakes = p.talks_urge * sal * (gap / 100)[:, None, :]  # (R, 2, I)
        willingness = (readiness[:, holder, :].transpose(0, 2, 1) + stakes).min(axis=1)
        push = domestic.pressure(x, weight, member, inputs, hold, holds, active)  # (R, 2)
        pressed = (push > p.tactic_pressure)[:, None, :] & ~locked
        package_of = (tactic == 1) | pressed  # (R, K, 2)
        agreed_now = np.zeros((runs, n_issues), dtype=bool)
        stopped = np.zeros((runs, n_sides), dtype=bool)
        miscost = np.zeros((runs, n_sides, 2))
        state_cons = np.stack([hold[:, [inputs.focal]].repeat(n_issues, 1),
                               hold[:, other_state]], axis=1)  # fmt: skip
        for k in range(n_talks):
            items = inputs.agenda[k][None] & ~settled & ~gated & worth
            on, held = talks.meet(willingness, items, meeting[:, k], cooldown[:, k], p)
            # Suspended: talks under way stop while something is still there to discuss.
            left = np.asarray(items.any(axis=1))
            out["suspended"][t, :, k] = meeting[:, k] & ~held & (cooldown[:, k] <= 0) & left
            out["running"][t, :, k] = held
            if gated_issue[inputs.agenda[k]].any():  # talks about what preconditions gate
                begun = held & (milestones[:, _PARTY] >= 0) & (milestones[:, _TALKS] < 0)
                milestones[:, _TALKS] = np.where(begun, t, milestones[:, _TALKS])
            error = (p.belief_error * (1 - p.belief_learning) ** exposure[:, k])[:, None]
            done = talks.round_of_talks(
                on, x[:, focal, :], x[:, other, every], sal, state_cons, anchor,
                error * draws.belief[:, t, k], package_of[:, k].any(axis=1),
                float(inputs.tolerance[k]), p,
            )  # fmt: skip
            x[:, focal, :], x[:, other, every], anchor = done.own, done.other, done.anchor
            sides = [(inputs.focal, done.agreed)] + [
                (int(state), done.agreed & holds[d][None]) for d, state in
                enumerate(inputs.counterparts) if active[d]
            ]  # fmt: skip
            accepted = done.agreed
            if accepted.any():
                accepted = talks.ratified(x, weight, member, done.point, done.agreed, sides, p)
            x[:, focal, :] = np.where(accepted, done.point, x[:, focal, :])
            x[:, other, every] = np.where(accepted, done.point, x[:, other, every])
            agreed_now |= accepted
            touched = _per_counterpart(on.astype(float), holds) > 0  # (R, D)
            miscost += (done.miscalculated[:, None, :] & touched[..., None]) * p.miscalculation_cost
            down = done.miscalculated.any(axis=1) & (
                draws.breakdown[:, t, k] < p.breakdown_probability
            )
            out["miscalculation"][t, :, k] = done.miscalculated.sum(axis=1)
            out["breakdown"][t, :, k] = down
            format_with = (inputs.agenda[k][None] & holds).any(axis=1)  # (D,)
            stopped |= (down[:, None] & touched) | (
                out["suspended"][t, :, k][:, None] & format_with[None]
            )
            anchor = np.where((down[:, None] & inputs.agenda[k][None])[..., None], np.nan, anchor)
            cooldown[:, k] = np.where(down, p.breakdown_cooldown, cooldown[:, k] - 1)
            exposure[:, k] += held
            meeting[:, k] = held & ~down
        settled_at = np.where(agreed_now & (settled_at < 0), t, settled_at)
        settled |= agreed_now
        agreement = _per_counterpart(agreed_now.astype(float), holds) > 0  # (R, D)
        b = np.clip(b + p.agreement_gain * agreement[..., None] - miscost, -10, 10)

        # 7. Clashes with each counterpart over the border sections it holds.
        joint = sal.mean(axis=1)
        border_gap = _per_counterpart(joint * gap / 100 * (inputs.border & ~settled), holds)
        massed = _per_counterpart((100 - x[:, other, every]) / 100 * inputs.forces, holds)
        climb = clashes.ladder(b, border_gap, np.clip(massed, 0, 1), memory, draws.ladder[:, t], p)
        memory = climb.memory
        b = np.clip(b - p.clash_drop * climb.deadly[..., None], -10, 10)
        bump = p.clash_salience * inputs.border
        any_deadly = np.asarray(climb.deadly.any(axis=1))
        s[:, focal, :] = np.clip(s[:, focal, :] + bump * any_deadly[:, None], 0, 1)
        s[:, other, every] = np.clip(s[:, other, every] + bump * climb.deadly[:, holder], 0, 1)
        scare = np.where(climb.crisis, p.war_scare_steps, np.maximum(scare - 1, 0))
        gone = changed[:, [inputs.focal]] | changed[:, inputs.counterparts]  # (R, D)
        grievance = behaviour.grievances(grievance, b[..., ::-1], gone[..., None], p)

        # 8. Events, in both directions, and the index they make.
        touch = (inputs.agenda[:, None, :] & holds[None]).any(axis=2)  # (K, D)
        meets = (out["running"][t][:, :, None] & touch[None]).any(axis=1)  # (R, D)
        level = events.intensity(b, political, blocked, meets, functional)
        drawn = events.draw(level, draws.events[:, t], p)  # (R, D, 2, len(DRAWN))
        count = np.zeros((runs, n_sides, len(events.CODES)), dtype=np.int64)
        count[..., : len(events.DRAWN)] = drawn.sum(axis=2)
        count[..., len(events.DRAWN)] = agreement
        count[..., len(events.DRAWN) + 1] = stopped
        count[:, 0, len(events.DRAWN) + 2] = broke_ties
        count[:, 0, len(events.DRAWN) + 3] = ended
        count[..., len(events.DRAWN) + 4] = climb.incident & ~climb.deadly
        count[..., len(events.DRAWN) + 5] = climb.deadly
        count *= active[None, :, None]
        out["goldstein"][t] = (count * events.GOLDSTEIN).sum(axis=2)
        out["events"][t] = count.sum(axis=1)

        live = np.where(active[None], 1.0, np.nan)
        out["behaviour"][t] = b * live[..., None]
        out["relation"][t] = b.mean(axis=2) * live
        out["rung"][t] = climb.rung * active[None]
        out["political"][t] = political * live
        out["functional"][t] = functional * live
        exists = member.any(axis=1)  # (S,)
        out["positions"][t] = np.where(exists[:, None], x[:, inputs.speaker, :], np.nan)
    runs_first = {name: np.ascontiguousarray(np.swapaxes(a, 0, 1)) for name, a in out.items()}
    runs_first["clash"] = runs_first["rung"] >= 2
    return Outputs(settled_at=settled_at, milestones=milestones, **runs_first)
