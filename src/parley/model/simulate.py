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
from parley.record.schema import EdtfDate
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
    """A scenario turned into arrays.

    Shapes: T steps, A actors, I issues, S states, K talks, D counterparts. The focal
    state (the dyad's first) faces D counterparts: the dyad's second state and the
    successors it splits into. Each issue is held by one counterpart at each step.
    """

    steps: list[dt.date]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    states: tuple[str, ...]
    talks: tuple[str, ...]
    position: Array  # (A, I) at the start
    salience: Array  # (A, I)
    capability: Array  # (T, A), 0 while an actor does not exist
    state_of: npt.NDArray[np.intp]  # (T, A)
    speaker: npt.NDArray[np.intp]  # (S,)
    focal: int  # state index
    counterparts: npt.NDArray[np.intp]  # (D,) state indices
    active: BoolArray  # (T, D) the counterpart exists
    holder: npt.NDArray[np.intp]  # (T, I) the counterpart holding each issue
    inherit: list[list[tuple[int, int]]]  # per step: (successor, predecessor) counterparts
    consolidation: Array  # (T, S): the leader's hold on power, shocks included
    bilateral: BoolArray  # (I,)
    gates: BoolArray  # (I, I): gates[i, p] when p is a precondition of i
    border: BoolArray  # (I,) border sections
    troops: int  # issue index of troops on the border, or -1
    available: BoolArray  # (T, K)
    agenda: BoolArray  # (K, I)
    tactic: npt.NDArray[np.int8]  # (T, K, 2): 1 for comprehensive, per side
    locked: BoolArray  # (T, K, 2): tactic held against domestic pressure
    tolerance: Array  # (K,)
    position_shocks: list[list[tuple[int, int, str, float]]]  # per step: actor, issue, mode, x
    salience_shocks: list[list[tuple[int, int, str, float]]]


def _until(day: EdtfDate | None, steps: list[dt.date]) -> int:
    """The step after the one in which a tenure ends (the last step + 1 if it never does)."""
    return len(steps) if day is None else _step_of(dates.bounds(day)[0], steps) + 1


def compile_inputs(scenario: Scenario) -> Inputs:
    """Arrays and per-step schedules from a validated scenario."""
    steps = step_dates(scenario)
    t_count = len(steps)
    born = [
        new
        for shock in scenario.shocks
        if shock.kind == "succession" and shock.enabled
        for new in shock.successors
    ]
    actors = tuple(a.id for a in scenario.actors) + tuple(new.id for new in born)
    issues = tuple(i.id for i in scenario.issues)
    states = tuple(s.id for s in scenario.states) + tuple(new.id for new in born)
    talks = tuple(k.id for k in scenario.talks)
    a_index = {a: n for n, a in enumerate(actors)}
    i_index = {i: n for n, i in enumerate(issues)}
    s_index = {s: n for n, s in enumerate(states)}
    k_index = {k: n for n, k in enumerate(talks)}
    counterparts = (scenario.dyad[1], *(new.id for new in born))
    d_index = {state: n for n, state in enumerate(counterparts)}

    first = [[a.stances[i] for i in issues] for a in scenario.actors]
    position = np.array([[stance.position for stance in row] for row in first])
    salience = np.array([[stance.salience for stance in row] for row in first])
    speaker = np.array(
        [a_index[s.speaker] for s in scenario.states] + [a_index[n.id] for n in born]
    )
    capability = np.zeros((t_count, len(actors)))
    for n, actor in enumerate(scenario.actors):
        for step in actor.capability:
            capability[_step_of(dates.bounds(step.since)[0], steps) :, n] = step.value
    state_of = np.tile(
        np.array([s_index[a.state] for a in scenario.actors] + [s_index[n.id] for n in born]),
        (t_count, 1),
    )
    active = np.zeros((t_count, len(counterparts)), dtype=bool)
    active[:, 0] = True
    holder = np.zeros((t_count, len(issues)), dtype=np.intp)
    inherit: list[list[tuple[int, int]]] = [[] for _ in steps]
    for _ in born:  # placeholders: at its succession, a government copies its predecessor's
        position = np.vstack([position, position[:1]])
        salience = np.vstack([salience, salience[:1]])

    consolidation = np.full((t_count, len(states)), 0.5)
    for leader in scenario.leaders:
        since = _step_of(dates.bounds(leader.since)[0], steps)
        consolidation[since : _until(leader.until, steps), s_index[leader.state]] = (
            leader.consolidation
        )
    leaders = {leader.id: leader for leader in scenario.leaders}

    available = np.zeros((t_count, len(talks)), dtype=bool)
    tactic = np.zeros((t_count, len(talks), 2), dtype=np.int8)
    locked = np.zeros((t_count, len(talks), 2), dtype=bool)
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
    for shock in sorted(scenario.shocks, key=lambda shock: dates.bounds(shock.date)[0]):
        if not shock.enabled:
            continue
        t = _step_of(dates.bounds(shock.date)[0], steps)
        if shock.kind == "succession":
            predecessor = d_index[shock.state]
            old = s_index[shock.state]
            active[t:, predecessor] = False
            held = holder[t] == predecessor
            for j, new in enumerate(shock.successors):
                d, gov = d_index[new.id], a_index[new.id]
                active[t:, d] = True
                inherit[t].append((d, predecessor))
                capability[t:, gov] = new.share * capability[t, speaker[old]]
                if j == 0:  # the continuing state: the predecessor's factions, other issues
                    factions = (state_of[t] == old) & (np.arange(len(actors)) != speaker[old])
                    state_of[t:, factions] = s_index[new.id]
                    capability[t:, factions] *= new.share
                    holder[t:, held] = d
                else:
                    holder[t:, [i_index[i] for i in new.issues]] = d
            capability[t:, speaker[old]] = 0.0
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
        elif shock.kind in ("consolidation", "leader"):
            # A leader's hold changes, or a leader takes office early or instead of
            # another: the state's consolidation until the end of that leader's tenure.
            leader = leaders[shock.leader]
            value = shock.value if shock.kind == "consolidation" else leader.consolidation
            consolidation[t : _until(leader.until, steps), s_index[leader.state]] = value
        elif shock.kind == "talks":
            k = k_index[shock.talks]
            if shock.available is not None:
                available[t:, k] = shock.available
            for state, chosen in shock.tactics.items():
                side = 0 if state == scenario.dyad[0] else 1
                tactic[t:, k, side] = chosen == "comprehensive"
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
        state_of=state_of,
        speaker=speaker,
        focal=s_index[scenario.dyad[0]],
        counterparts=np.array([s_index[state] for state in counterparts]),
        active=active,
        holder=holder,
        inherit=inherit,
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
    """What a set of runs produced. Shapes: R runs, T steps, I issues, K talks, S states,
    D counterparts. Values for a counterpart or state that does not exist are NaN."""

    relation: Array  # (R, T, D)
    clash: BoolArray  # (R, T, D)
    running: BoolArray  # (R, T, K) talks held this step
    breakdown: BoolArray  # (R, T, K)
    settled_at: npt.NDArray[np.int64]  # (R, I) step of agreement, -1 if none
    positions: Array  # (R, T, S, I) the governments' positions
    events: npt.NDArray[np.int64]  # (R, T, len(ROOTS)) event counts, all counterparts


@dataclass(frozen=True)
class _Draws:
    noise: Array  # (R, T, D)
    belief: Array  # (R, T, 2, I)
    clash: Array  # (R, T, D)
    breakdown: Array  # (R, T, K)
    events: Array  # (R, T, len(ROOTS)) uniform numbers, turned into Poisson counts


def _draws(seeds: list[np.random.SeedSequence], t: int, i: int, k: int, d: int) -> _Draws:
    parts = []
    for seed in seeds:  # set-up, once per run, before any step
        rng = np.random.Generator(np.random.PCG64(seed))
        noise, belief, clash = (
            rng.standard_normal((t, 1)),
            rng.standard_normal((t, 2, i)),
            rng.random((t, 1)),
        )
        breakdown, events = rng.random((t, k)), rng.random((t, len(ROOTS)))
        # Successors draw last, so that a scenario with a succession shares every random
        # number with the same scenario without it until the split.
        noise = np.hstack([noise, rng.standard_normal((t, d - 1))])
        clash = np.hstack([clash, rng.random((t, d - 1))])
        parts.append((noise, belief, clash, breakdown, events))
    return _Draws(*(np.stack(column) for column in zip(*parts, strict=True)))


def _nonzero(total: Array) -> Array:
    """A denominator: the total itself, or 1 where it is 0 (the numerator is 0 there too)."""
    safe: Array = np.where(total > 0, total, 1.0)
    return safe


def _per_counterpart(values: npt.NDArray[np.generic], holds: BoolArray) -> Array:
    """Per-issue values (R, I) summed over the issues each counterpart holds: (R, D).

    A plain sum, not a matrix product, whose rounding could depend on the number of runs.
    """
    total: Array = (values[:, None, :] * holds[None]).sum(axis=2, dtype=np.float64)
    return total


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
    n_talks, n_states = len(inputs.talks), len(inputs.states)
    n_sides = len(inputs.counterparts)
    every = np.arange(n_issues)
    focal = inputs.speaker[inputs.focal]  # the focal government's actor index
    draws = _draws(seeds, steps, n_issues, n_talks, n_sides)

    x = np.repeat(inputs.position[None], runs, axis=0)  # (R, A, I)
    s = np.repeat(inputs.salience[None], runs, axis=0)
    relation = np.full((runs, n_sides), np.nan)  # set from the first step's strain
    settled = np.zeros((runs, n_issues), dtype=bool)
    settled_at = np.full((runs, n_issues), -1, dtype=np.int64)
    exposure = np.zeros((runs, n_talks))  # steps of talks held, which sharpens beliefs
    cooldown = np.zeros((runs, n_talks))
    out_relation = np.zeros((runs, steps, n_sides))
    out_clash = np.zeros((runs, steps, n_sides), dtype=bool)
    out_running = np.zeros((runs, steps, n_talks), dtype=bool)
    out_breakdown = np.zeros((runs, steps, n_talks), dtype=bool)
    out_positions = np.zeros((runs, steps, n_states, n_issues))
    out_events = np.zeros((runs, steps, len(ROOTS)), dtype=np.int64)
    is_speaker = np.zeros(n_actors, dtype=bool)
    is_speaker[inputs.speaker] = True

    for t in range(steps):
        # 1. Shocks: inputs only. A successor inherits its predecessor's government
        # positions and saliences, and its relation with the focal state.
        for new, old in inputs.inherit[t]:
            new_gov, old_gov = inputs.speaker[inputs.counterparts[[new, old]]]
            x[:, new_gov], s[:, new_gov] = x[:, old_gov], s[:, old_gov]
            relation[:, new] = relation[:, old]
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
        active = inputs.active[t]  # (D,)
        holder = inputs.holder[t]  # (I,) counterpart index
        holds = holder[None, :] == np.arange(n_sides)[:, None]  # (D, I)
        other = inputs.speaker[inputs.counterparts[holder]]  # (I,) the holder's government
        member = inputs.state_of[t][None, :] == np.arange(n_states)[:, None]  # (S, A)
        member &= capability[None, :] > 0  # actors that exist

        # 2. Domestic bargaining: a compromise pull inside each state.
        weight = capability[None, :, None] * s  # (R, A, I)
        state_weight = np.einsum("sa,rai->rsi", member, weight)
        weighted = np.einsum("sa,rai->rsi", member, weight * x) / _nonzero(state_weight)
        plain = np.einsum("sa,rai->rsi", member, x) / _nonzero(member.sum(axis=1))[None, :, None]
        state_mean = np.where(state_weight > 0, weighted, plain)  # no weight: the plain mean
        target = state_mean[:, inputs.state_of[t], :]  # (R, A, I)
        hold = np.where(is_speaker, consolidation[inputs.state_of[t]], 0.0)[None, :, None]
        x = x + params["domestic-pull"] * (1 - hold) * (target - x)
        # The focal government against each issue's holder: their gap and mean salience
        # (settled issues no longer strain relations, whatever factions do later).
        gap = np.abs(x[:, focal, :] - x[:, other, every])  # (R, I)
        joint = 0.5 * (s[:, focal, :] + s[:, other, every])

        # 3. The relation index, one per counterpart.
        strain = _per_counterpart(joint * gap / 100 * ~settled, holds)  # (R, D)
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
        capped = (
            _per_counterpart(open_gate & inputs.bilateral[None] & ~settled, holds) > 0
        )  # (R, D)
        relation = np.where(capped, np.minimum(relation, params["obstacle-ceiling"]), relation)
        relation = np.where(active, relation, np.nan)
        item_relation = relation[:, holder]  # (R, I) the relation of each issue's holder

        # 4. Talks, with tactics, beliefs and miscalculation; 5. ratification.
        agreed_now = np.zeros((runs, n_issues), dtype=bool)
        broke = np.zeros(runs, dtype=bool)
        pressure = _domestic_pressure(x, weight, member, inputs, consolidation, holds, active)
        flex = params["concession-rate"] * np.stack(
            [
                np.full(n_issues, consolidation[inputs.focal]),
                consolidation[inputs.counterparts[holder]],
            ]
        )  # (2, I)
        for k in range(n_talks):
            items = inputs.agenda[k][None, :] & ~settled  # (R, I)
            items &= ~(inputs.gates[None] & ~settled[:, None, :]).any(axis=2)
            items &= item_relation > params["talks-threshold"]
            running = inputs.available[t, k] & (cooldown[:, k] <= 0) & items.any(axis=1)
            out_running[:, t, k] = running
            toward = x[:, other, every] - x[:, focal, :]
            move = np.where(running[:, None] & items & (item_relation > 0), toward, 0.0)
            x[:, focal, :] += flex[0] * move
            x[:, other, every] -= flex[1] * move
            true_gap = np.abs(x[:, focal, :] - x[:, other, every])
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
            accepted &= _ratified(x, weight, member, focal, other, inputs, params, accepted, holds)
            exposure[:, k] += running
            down = miscalculated & (draws.breakdown[:, t, k] < params["breakdown-probability"])
            out_breakdown[:, t, k] = down
            cooldown[:, k] = np.where(down, params["breakdown-cooldown"], cooldown[:, k] - 1)
            broke |= down
            agreed_now |= accepted
        if agreed_now.any():
            middle = 0.5 * (x[:, focal, :] + x[:, other, every])
            x[:, focal, :] = np.where(agreed_now, middle, x[:, focal, :])
            x[:, other, every] = np.where(agreed_now, middle, x[:, other, every])
        settled_at = np.where(agreed_now & (settled_at < 0), t, settled_at)
        settled |= agreed_now
        relation = relation + params["agreement-gain"] * (_per_counterpart(agreed_now, holds) > 0)
        relation = relation - params["breakdown-drop"] * broke[:, None]

        # 6. Clashes, with each counterpart over the border sections it holds.
        border_gap = _per_counterpart(
            joint * gap / 100 * (inputs.border & ~settled), holds
        )  # (R, D)
        troops = np.ones((runs, n_sides))
        if inputs.troops >= 0:
            troops[:, holder[inputs.troops]] = (
                1 + (100 - x[:, other[inputs.troops], inputs.troops]) / 100
            )
        hazard = (
            params["clash-hazard"] * np.exp(-params["clash-slope"] * relation) * border_gap * troops
        )
        clash = draws.clash[:, t] < np.clip(np.nan_to_num(hazard), 0, 0.5)  # (R, D)
        relation = relation - params["clash-drop"] * clash
        bump = params["clash-salience"] * inputs.border  # (I,)
        s[:, focal, :] = np.clip(s[:, focal, :] + bump * clash.any(axis=1)[:, None], 0, 1)
        s[:, other, every] = np.clip(s[:, other, every] + bump * clash[:, holder], 0, 1)
        relation = np.clip(relation, -10, 10)

        # 7. Events per CAMEO root, with all counterparts together.
        rate = params["event-rate"]
        low = np.nan_to_num(-relation, nan=0.0)
        rates = np.stack(
            [
                rate * out_running[:, t].any(axis=1),
                rate * agreed_now.any(axis=1) + 0.0,
                rate * np.clip(low / 5, 0, None).sum(axis=1),
                rate * np.clip(low / 10, 0, None).sum(axis=1),
                rate * clash.sum(axis=1),
            ],
            axis=1,
        )
        out_events[:, t] = _poisson_from_uniform(rates, draws.events[:, t])
        out_relation[:, t] = relation
        out_clash[:, t] = clash
        exists = member.any(axis=1)  # (S,)
        out_positions[:, t] = np.where(exists[:, None], x[:, inputs.speaker, :], np.nan)
    return Outputs(
        out_relation, out_clash, out_running, out_breakdown, settled_at, out_positions, out_events
    )


def _domestic_pressure(
    x: Array,
    weight: Array,
    member: BoolArray,
    inputs: Inputs,
    consolidation: Array,
    holds: BoolArray,
    active: BoolArray,
) -> Array:
    """How hard each side's factions pull its government on the border, times its
    leader's weakness (1 - consolidation): 0-1, shaped (R, 2). The other side's pressure
    is the highest among the counterparts that exist."""

    def of_state(state: int, issues: BoolArray) -> Array:
        g = inputs.speaker[state]
        others = member[state] & (np.arange(len(inputs.actors)) != g)
        w = weight[:, others, :] * (inputs.border & issues)
        pull = (w * np.abs(x[:, others, :] - x[:, g : g + 1, :]) / 100).sum(axis=(1, 2))
        total = _nonzero(weight[:, member[state], :].sum(axis=(1, 2)))
        result: Array = pull / total * (1 - consolidation[state])
        return result

    every = np.ones(holds.shape[1], dtype=bool)
    sides = [
        of_state(int(state), holds[d]) for d, state in enumerate(inputs.counterparts) if active[d]
    ]
    return np.stack([of_state(inputs.focal, every), np.max(sides, axis=0)], axis=1)


def _ratified(
    x: Array,
    weight: Array,
    member: BoolArray,
    focal: int,
    other: npt.NDArray[np.intp],
    inputs: Inputs,
    params: Params,
    accepted: BoolArray,
    holds: BoolArray,
) -> BoolArray:
    """Whether the settlement is ratified: by the focal state's factions, and by each
    counterpart's on the items it holds, by capability x salience. A package fails
    whole if any of them refuses."""
    every = np.arange(x.shape[2])
    middle = 0.5 * (x[:, focal, :] + x[:, other, every])  # (R, I)

    def content(state: int, items: BoolArray) -> npt.NDArray[np.bool_]:
        w = (weight[:, member[state], :] * items[:, None, :]).sum(axis=2)  # (R, F)
        distance = (np.abs(x[:, member[state], :] - middle[:, None, :]) * items[:, None, :]).max(
            axis=2
        )
        near = distance <= params["ratification-radius"]
        share = (w * near).sum(axis=1) / _nonzero(w.sum(axis=1))
        result: npt.NDArray[np.bool_] = share >= params["ratification-share"]
        return result

    ok = content(inputs.focal, accepted)
    for d, state in enumerate(inputs.counterparts):
        ok &= content(int(state), accepted & holds[d]) | ~(accepted & holds[d]).any(axis=1)
    return ok[:, None] & accepted
