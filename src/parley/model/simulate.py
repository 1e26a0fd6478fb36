"""The dynamic model of a bilateral system, time-stepped and vectorized over runs.

Each step (a month, quarter or year of the scenario):

1. **Shocks** change inputs: positions, saliences, capabilities, consolidation, talks.
2. **Domestic bargaining**: within each state, every faction moves toward the state's
   compromise position (the capability x salience weighted mean, the ``compromise``
   model of ``parley bargain``); the government moves less the more its leader has
   consolidated power.
3. **The relation index** R in [-10, 10] follows the salience-weighted distance between
   the two governments on unsettled issues, with inertia and noise; a ceiling holds while
   an issue's preconditions are open.
4. **Talks** run where a format exists and R is above a threshold. Each side sees the
   other's position with an error that shrinks as talks go on; items settle when the gap
   both sides see is within tolerance, all together under a comprehensive tactic or one
   by one under a partial one. A settlement that the true gap does not allow is a
   miscalculation: it is rejected, and the talks may break down.
5. **Ratification**: a settlement holds only if factions holding most of the state's
   capability x salience on the items find it within their tolerance.
6. **Clashes**: a hazard that rises as R falls, with the salience of open border
   sections and with troops on the border. A clash pulls R down and raises saliences.
7. **Events** per CAMEO root are drawn from the step's state.

Outcomes (R, clashes, agreements, talks status, events) are never inputs. All random
numbers are drawn per run, before the first step, from the run's own seed, so a run's
result does not depend on how runs are grouped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parley.record import dates
from parley.scenario.schema import Scenario

__all__ = ["ROOTS", "Inputs", "Outputs", "Params", "compile_inputs", "simulate", "step_dates"]

Array = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ROOTS = ("04", "05", "11", "13", "19")
"""CAMEO roots the model emits: consult, sign, disapprove, threaten, fight."""

PARAMETERS = (
    "relation-max",
    "relation-inertia",
    "relation-noise",
    "strain-scale",
    "obstacle-ceiling",
    "obstacle-salience",
    "domestic-pull",
    "talks-threshold",
    "concession-rate",
    "belief-error",
    "belief-learning",
    "breakdown-probability",
    "breakdown-drop",
    "breakdown-cooldown",
    "agreement-gain",
    "ratification-share",
    "ratification-radius",
    "tactic-pressure",
    "clash-hazard",
    "clash-slope",
    "clash-drop",
    "clash-salience",
    "event-rate",
)


@dataclass(frozen=True)
class Params:
    """The model's numbers, by name (see the scenario's ``parameters``)."""

    values: dict[str, float]

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Params:
        missing = [name for name in PARAMETERS if name not in scenario.parameters]
        if missing:
            raise ValueError(f"the scenario lacks the parameter {missing[0]!r}")
        return cls({name: scenario.parameters[name].value for name in PARAMETERS})


def step_dates(scenario: Scenario) -> list[dt.date]:
    """The first day of each step, from the scenario's start to its end."""
    first, last = dates.bounds(scenario.start)[0], dates.bounds(scenario.end)[1]
    months = {"month": 1, "quarter": 3, "year": 12}[scenario.step]
    steps, year, month = [], first.year, first.month
    while dt.date(year, month, 1) <= last:
        steps.append(dt.date(year, month, 1))
        month += months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return steps


def _step_of(day: dt.date, steps: list[dt.date]) -> int:
    """The step in which a day falls."""
    index = int(
        np.searchsorted(np.array(steps, dtype="datetime64[D]"), np.datetime64(day), "right")
    )
    return max(0, index - 1)


@dataclass(frozen=True)
class Inputs:
    """A scenario turned into arrays. Shapes: T steps, A actors, I issues, S states, K talks."""

    steps: list[dt.date]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    states: tuple[str, ...]
    talks: tuple[str, ...]
    position: Array  # (A, I) at the start
    salience: Array  # (A, I)
    capability: Array  # (T, A)
    state_of: npt.NDArray[np.intp]  # (A,)
    speaker: npt.NDArray[np.intp]  # (S,)
    dyad: tuple[int, int]  # state indices
    consolidation: Array  # (T, S): the leader's hold on power, shocks included
    bilateral: BoolArray  # (I,)
    gates: BoolArray  # (I, I): gates[i, p] when p is a precondition of i
    border: BoolArray  # (I,) border sections
    troops: int  # issue index of troops on the border, or -1
    available: BoolArray  # (T, K)
    agenda: BoolArray  # (K, I)
    tactic: npt.NDArray[np.int8]  # (T, K, 2): 1 for comprehensive, per dyad side
    locked: BoolArray  # (T, K, 2): tactic held against domestic pressure
    tolerance: Array  # (K,)
    position_shocks: list[list[tuple[int, int, str, float]]]  # per step: actor, issue, mode, x
    salience_shocks: list[list[tuple[int, int, str, float]]]


def compile_inputs(scenario: Scenario) -> Inputs:
    """Arrays and per-step schedules from a validated scenario."""
    steps = step_dates(scenario)
    t_count = len(steps)
    actors = tuple(a.id for a in scenario.actors)
    issues = tuple(i.id for i in scenario.issues)
    states = tuple(s.id for s in scenario.states)
    talks = tuple(k.id for k in scenario.talks)
    a_index = {a: n for n, a in enumerate(actors)}
    i_index = {i: n for n, i in enumerate(issues)}
    s_index = {s: n for n, s in enumerate(states)}
    k_index = {k: n for n, k in enumerate(talks)}

    position = np.array([[a.stances[i].position for i in issues] for a in scenario.actors])
    salience = np.array([[a.stances[i].salience for i in issues] for a in scenario.actors])
    capability = np.zeros((t_count, len(actors)))
    for n, actor in enumerate(scenario.actors):
        for step in actor.capability:
            capability[_step_of(dates.bounds(step.since)[0], steps) :, n] = step.value
    consolidation = np.full((t_count, len(states)), 0.5)
    for leader in scenario.leaders:
        start = _step_of(dates.bounds(leader.since)[0], steps) if leader.since else 0
        if dates.bounds(leader.since)[0] < steps[0]:
            start = 0
        end = (
            t_count if leader.until is None else _step_of(dates.bounds(leader.until)[0], steps) + 1
        )
        consolidation[start:end, s_index[leader.state]] = leader.consolidation
    leaders = {leader.id: leader for leader in scenario.leaders}
    leader_state = {leader.id: s_index[leader.state] for leader in scenario.leaders}
    leader_until = {
        leader.id: (
            t_count if leader.until is None else _step_of(dates.bounds(leader.until)[0], steps) + 1
        )
        for leader in scenario.leaders
    }

    available = np.zeros((t_count, len(talks)), dtype=bool)
    tactic = np.zeros((t_count, len(talks), 2), dtype=np.int8)
    locked = np.zeros((t_count, len(talks), 2), dtype=bool)
    dyad = (s_index[scenario.dyad[0]], s_index[scenario.dyad[1]])
    for k, spec in enumerate(scenario.talks):
        start = _step_of(dates.bounds(spec.available_from)[0], steps)
        end = (
            t_count
            if spec.available_until is None
            else _step_of(dates.bounds(spec.available_until)[1], steps) + 1
        )
        available[start:end, k] = True
        for side, state in enumerate(scenario.dyad):
            tactic[:, k, side] = spec.tactics.get(state, "partial") == "comprehensive"

    position_shocks: list[list[tuple[int, int, str, float]]] = [[] for _ in steps]
    salience_shocks: list[list[tuple[int, int, str, float]]] = [[] for _ in steps]
    for shock in scenario.shocks:
        if not shock.enabled:
            continue
        t = _step_of(dates.bounds(shock.date)[0], steps)
        if shock.kind in ("position", "salience"):
            mode, amount = (
                ("value", shock.value) if shock.value is not None else ("delta", shock.delta)
            )
            target = position_shocks if shock.kind == "position" else salience_shocks
            target[t].append(
                (a_index[shock.actor], i_index[shock.issue], mode, float(amount or 0.0))
            )
        elif shock.kind == "capability":
            capability[t:, a_index[shock.actor]] *= shock.factor
        elif shock.kind == "consolidation":
            until = leader_until.get(shock.leader, t_count)
            consolidation[t:until, leader_state[shock.leader]] = shock.value
        elif shock.kind == "leader":
            # A leader takes office early or instead of another: the state's consolidation
            # is the new leader's until the end of that leader's tenure.
            leader = leaders[shock.leader]
            until = leader_until.get(shock.leader, t_count)
            consolidation[t:until, s_index[shock.state]] = leader.consolidation
        elif shock.kind == "succession":
            raise NotImplementedError(
                f"shock {shock.id!r}: succession is not in the model yet; "
                "the scenario can be checked but not run"
            )
        elif shock.kind == "talks":
            k = k_index[shock.talks]
            if shock.available is not None:
                available[t:, k] = shock.available
            for side, state in enumerate(scenario.dyad):
                if state in shock.tactics:
                    tactic[t:, k, side] = shock.tactics[state] == "comprehensive"
                    locked[t:, k, side] = shock.lock

    gates = np.zeros((len(issues), len(issues)), dtype=bool)
    for n, issue in enumerate(scenario.issues):
        for gate in issue.preconditions:
            gates[n, i_index[gate]] = True
    agenda = np.zeros((len(talks), len(issues)), dtype=bool)
    for k, spec in enumerate(scenario.talks):
        for issue_id in spec.agenda:
            agenda[k, i_index[issue_id]] = True
    return Inputs(
        steps=steps,
        actors=actors,
        issues=issues,
        states=states,
        talks=talks,
        position=position,
        salience=salience,
        capability=capability,
        state_of=np.array([s_index[a.state] for a in scenario.actors]),
        speaker=np.array([a_index[s.speaker] for s in scenario.states]),
        dyad=dyad,
        consolidation=consolidation,
        bilateral=np.array([i.bilateral for i in scenario.issues]),
        gates=gates,
        border=np.array([i.id.startswith("border") for i in scenario.issues]),
        troops=i_index.get("troops-border-mongolia", -1),
        available=available,
        agenda=agenda,
        tactic=tactic,
        locked=locked,
        tolerance=np.array([k.tolerance for k in scenario.talks]),
        position_shocks=position_shocks,
        salience_shocks=salience_shocks,
    )


@dataclass(frozen=True)
class Outputs:
    """What a set of runs produced. Shapes: R runs, T steps, I issues, K talks."""

    relation: Array  # (R, T)
    clash: BoolArray  # (R, T)
    running: BoolArray  # (R, T, K) talks held this step
    breakdown: BoolArray  # (R, T, K)
    settled_at: npt.NDArray[np.int64]  # (R, I) step of agreement, -1 if none
    positions: Array  # (R, T, S, I) the governments' positions
    events: npt.NDArray[np.int64]  # (R, T, len(ROOTS)) event counts


@dataclass(frozen=True)
class _Draws:
    noise: Array  # (R, T)
    belief: Array  # (R, T, 2, I)
    clash: Array  # (R, T)
    breakdown: Array  # (R, T, K)
    events: Array  # (R, T, len(ROOTS)) uniform numbers, turned into Poisson counts


def _draws(seeds: list[np.random.SeedSequence], t: int, i: int, k: int) -> _Draws:
    parts = []
    for seed in seeds:  # set-up, once per run, before any step
        rng = np.random.Generator(np.random.PCG64(seed))
        parts.append(
            (
                rng.standard_normal(t),
                rng.standard_normal((t, 2, i)),
                rng.random(t),
                rng.random((t, k)),
                rng.random((t, len(ROOTS))),
            )
        )
    return _Draws(*(np.stack(column) for column in zip(*parts, strict=True)))


def _nonzero(total: Array) -> Array:
    """A denominator: the total itself, or 1 where it is 0 (the numerator is 0 there too)."""
    safe: Array = np.where(total > 0, total, 1.0)
    return safe


def _poisson_from_uniform(rate: Array, u: Array) -> npt.NDArray[np.int64]:
    """Poisson counts by inverting the distribution with given uniforms (rates below ~5)."""
    count = np.zeros(rate.shape, dtype=np.int64)
    term = np.exp(-rate)
    total = term.copy()
    for n in range(1, 20):
        more = u > total
        count += more
        term = term * rate / n
        total = total + term
    return count


def simulate(inputs: Inputs, params: Params, seeds: list[np.random.SeedSequence]) -> Outputs:
    """Run the model once per seed. Every array is shaped (runs, ...); no loop over runs."""
    runs, steps = len(seeds), len(inputs.steps)
    n_actors, n_issues = inputs.position.shape
    n_talks = len(inputs.talks)
    a_side, b_side = inputs.dyad
    gov = inputs.speaker[[a_side, b_side]]  # actor indices of the two governments
    draws = _draws(seeds, steps, n_issues, n_talks)

    x = np.repeat(inputs.position[None], runs, axis=0)  # (R, A, I)
    s = np.repeat(inputs.salience[None], runs, axis=0)
    relation = np.full(runs, np.nan)  # set from the first step's strain
    settled = np.zeros((runs, n_issues), dtype=bool)
    settled_at = np.full((runs, n_issues), -1, dtype=np.int64)
    exposure = np.zeros((runs, n_talks))  # steps of talks held, which sharpens beliefs
    cooldown = np.zeros((runs, n_talks))
    out_relation = np.zeros((runs, steps))
    out_clash = np.zeros((runs, steps), dtype=bool)
    out_running = np.zeros((runs, steps, n_talks), dtype=bool)
    out_breakdown = np.zeros((runs, steps, n_talks), dtype=bool)
    out_positions = np.zeros((runs, steps, len(inputs.states), n_issues))
    out_events = np.zeros((runs, steps, len(ROOTS)), dtype=np.int64)
    member = inputs.state_of[None, :] == np.arange(len(inputs.states))[:, None]  # (S, A)
    is_speaker = np.zeros(n_actors, dtype=bool)
    is_speaker[inputs.speaker] = True

    for t in range(steps):
        # 1. Shocks: inputs only.
        for actor, issue, mode, amount in inputs.position_shocks[t]:
            x[:, actor, issue] = (
                amount if mode == "value" else np.clip(x[:, actor, issue] + amount, 0, 100)
            )
        for actor, issue, mode, amount in inputs.salience_shocks[t]:
            s[:, actor, issue] = (
                amount if mode == "value" else np.clip(s[:, actor, issue] + amount, 0, 1)
            )
        capability = inputs.capability[t]
        consolidation = inputs.consolidation[t]

        # 2. Domestic bargaining: a compromise pull inside each state.
        weight = capability[None, :, None] * s  # (R, A, I)
        state_weight = np.einsum("sa,rai->rsi", member, weight)
        weighted = np.einsum("sa,rai->rsi", member, weight * x) / _nonzero(state_weight)
        plain = np.einsum("sa,rai->rsi", member, x) / member.sum(axis=1)[None, :, None]
        state_mean = np.where(state_weight > 0, weighted, plain)  # no weight: the plain mean
        target = state_mean[:, inputs.state_of, :]  # (R, A, I)
        hold = np.where(is_speaker, consolidation[inputs.state_of], 0.0)[None, :, None]
        x = x + params["domestic-pull"] * (1 - hold) * (target - x)
        # The two governments: their gap and mean salience, issue by issue (settled issues
        # no longer strain relations, whatever the factions do to positions later).
        gap = np.abs(x[:, gov[0], :] - x[:, gov[1], :])  # (R, I)
        joint = 0.5 * (s[:, gov[0], :] + s[:, gov[1], :])

        # 3. The relation index.
        strain = (joint * gap / 100 * ~settled).sum(axis=1)
        target_r = params["relation-max"] - params["strain-scale"] * strain
        relation = np.where(np.isnan(relation), target_r, relation)
        relation = (
            params["relation-inertia"] * relation + (1 - params["relation-inertia"]) * target_r
        )
        relation = relation + params["relation-noise"] * draws.noise[:, t]
        # An obstacle is open while it is unsettled, the governments differ on it and it
        # matters to them.
        obstacle = ~settled & (gap > 5) & (joint >= params["obstacle-salience"])  # (R, I)
        open_gate = (inputs.gates[None] & obstacle[:, None, :]).any(axis=2)
        capped = (open_gate & inputs.bilateral[None] & ~settled).any(axis=1)
        relation = np.where(capped, np.minimum(relation, params["obstacle-ceiling"]), relation)

        # 4. Talks, with tactics, beliefs and miscalculation; 5. ratification.
        agreed_now = np.zeros((runs, n_issues), dtype=bool)
        broke = np.zeros(runs, dtype=bool)
        pressure = _domestic_pressure(x, weight, member, gov, inputs, consolidation)  # (R, 2)
        for k in range(n_talks):
            running = (
                inputs.available[t, k]
                & (relation > params["talks-threshold"])
                & (cooldown[:, k] <= 0)
            )
            items = inputs.agenda[k][None, :] & ~settled  # (R, I)
            items &= ~(inputs.gates[None] & ~settled[:, None, :]).any(axis=2)
            running &= items.any(axis=1)
            out_running[:, t, k] = running
            flex = params["concession-rate"] * np.stack(
                [consolidation[a_side], consolidation[b_side]]
            )
            toward = x[:, gov[1], :] - x[:, gov[0], :]
            move = np.where(running[:, None] & items, 1.0, 0.0)
            x[:, gov[0], :] += move * flex[0] * toward * (relation[:, None] > 0)
            x[:, gov[1], :] -= move * flex[1] * toward * (relation[:, None] > 0)
            true_gap = np.abs(x[:, gov[0], :] - x[:, gov[1], :])
            error = params["belief-error"] * (1 - params["belief-learning"]) ** exposure[:, k]
            seen = np.abs(
                true_gap[:, None, :] + error[:, None, None] * draws.belief[:, t]
            )  # (R,2,I)
            thinks = (seen <= inputs.tolerance[k]).all(axis=1) & items
            fits = (true_gap <= inputs.tolerance[k]) & items
            pressed = (pressure > params["tactic-pressure"]) & ~inputs.locked[t, k][None, :]
            comprehensive = (inputs.tactic[t, k][None, :] == 1) | pressed
            either_all = comprehensive.any(axis=1)
            all_thought = (thinks | ~items).all(axis=1)
            offered = np.where(either_all[:, None], thinks & all_thought[:, None], thinks)
            miscalculated = (offered & ~fits).any(axis=1) & running
            accepted = offered & fits & ~miscalculated[:, None] & running[:, None]
            accepted &= _ratified(x, weight, member, gov, inputs, params, accepted)
            exposure[:, k] += running
            down = miscalculated & (draws.breakdown[:, t, k] < params["breakdown-probability"])
            out_breakdown[:, t, k] = down
            cooldown[:, k] = np.where(down, params["breakdown-cooldown"], cooldown[:, k] - 1)
            broke |= down
            agreed_now |= accepted
        if agreed_now.any():
            middle = 0.5 * (x[:, gov[0], :] + x[:, gov[1], :])
            for g in gov:
                x[:, g, :] = np.where(agreed_now, middle, x[:, g, :])
        settled_at = np.where(agreed_now & (settled_at < 0), t, settled_at)
        settled |= agreed_now
        relation = relation + params["agreement-gain"] * agreed_now.any(axis=1)
        relation = relation - params["breakdown-drop"] * broke

        # 6. Clashes.
        border_gap = (joint * gap / 100 * (inputs.border & ~settled)).sum(axis=1)
        troops = 1.0
        if inputs.troops >= 0:
            troops = 1 + (100 - x[:, gov[1], inputs.troops]) / 100
        hazard = (
            params["clash-hazard"] * np.exp(-params["clash-slope"] * relation) * border_gap * troops
        )
        clash = draws.clash[:, t] < np.clip(hazard, 0, 0.5)
        relation = relation - params["clash-drop"] * clash
        bump = params["clash-salience"] * clash[:, None]
        for g in gov:
            s[:, g, :] = np.where(inputs.border, np.clip(s[:, g, :] + bump, 0, 1), s[:, g, :])
        relation = np.clip(relation, -10, 10)

        # 7. Events per CAMEO root.
        rate = params["event-rate"]
        rates = np.stack(
            [
                rate * out_running[:, t].any(axis=1),
                rate * agreed_now.any(axis=1) + 0.0,
                rate * np.clip(-relation / 5, 0, None),
                rate * np.clip(-relation / 10, 0, None),
                rate * clash,
            ],
            axis=1,
        )
        out_events[:, t] = _poisson_from_uniform(rates, draws.events[:, t])
        out_relation[:, t] = relation
        out_clash[:, t] = clash
        out_positions[:, t] = x[:, inputs.speaker, :]
    return Outputs(
        out_relation, out_clash, out_running, out_breakdown, settled_at, out_positions, out_events
    )


def _domestic_pressure(
    x: Array,
    weight: Array,
    member: BoolArray,
    gov: npt.NDArray[np.intp],
    inputs: Inputs,
    consolidation: Array,
) -> Array:
    """How hard each government's factions pull it on the border, times its leader's
    weakness (1 - consolidation): 0-1, shaped (R, 2)."""
    pressure = []
    for side, g in enumerate(gov):
        state = inputs.dyad[side]
        others = member[state] & (np.arange(len(inputs.actors)) != g)
        w = weight[:, others, :] * inputs.border
        pull = (w * np.abs(x[:, others, :] - x[:, g : g + 1, :]) / 100).sum(axis=(1, 2))
        total = _nonzero(weight[:, member[state], :].sum(axis=(1, 2)))
        pressure.append(pull / total * (1 - consolidation[state]))
    return np.stack(pressure, axis=1)


def _ratified(
    x: Array,
    weight: Array,
    member: BoolArray,
    gov: npt.NDArray[np.intp],
    inputs: Inputs,
    params: Params,
    accepted: BoolArray,
) -> BoolArray:
    """Whether each side's factions, by capability x salience, accept the settlement."""
    middle = 0.5 * (x[:, gov[0], :] + x[:, gov[1], :])  # (R, I)
    ok = np.ones(accepted.shape[0], dtype=bool)
    for side in range(2):
        state = inputs.dyad[side]
        w = (weight[:, member[state], :] * accepted[:, None, :]).sum(axis=2)  # (R, F)
        distance = (np.abs(x[:, member[state], :] - middle[:, None, :]) * accepted[:, None, :]).max(
            axis=2
        )
        content = distance <= params["ratification-radius"]
        share = (w * content).sum(axis=1) / _nonzero(w.sum(axis=1))
        ok &= share >= params["ratification-share"]
    return ok[:, None] & accepted
