"""A scenario turned into the arrays and schedules the model reads.

Nothing here is random and nothing is an outcome: stances, capabilities, leaders and
their tenures, the issues' roles, the talks formats and the shocks with the range of
days each may fall on. Each run draws its own day for every shock (M12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parley.record import dates
from parley.record.schema import EdtfDate
from parley.scenario.schema import Scenario

__all__ = ["Inputs", "ShockInput", "compile_inputs", "step_dates", "step_of"]

Array = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


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


def step_of(days: npt.ArrayLike, starts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The step in which each day (a proleptic ordinal) falls; 0 for days before the first."""
    index = np.searchsorted(starts, np.asarray(days), side="right") - 1
    return np.maximum(index, 0).astype(np.int64)


@dataclass(frozen=True)
class ShockInput:
    """One enabled shock: what it changes, and the days it may fall on.

    ``kind`` is the scenario's kind. ``first`` and ``days`` give the range of days
    (proleptic ordinals) that the shock's EDTF date covers; each run draws its day.
    """

    kind: str
    first: int
    days: int
    slot: int  # the shock's place in the scenario's list: the uniform it draws its day with
    actor: int = -1
    issue: int = -1
    mode: str = "value"  # or "delta", for position and salience
    amount: float = 0.0  # value or delta, factor, or consolidation
    leader: int = -1
    talks: int = -1
    tactics: tuple[tuple[int, int], ...] = ()  # (side, 1 for comprehensive)
    lock: bool = False


@dataclass(frozen=True)
class Inputs:
    """A scenario as arrays. Shapes: T steps, A actors, I issues, S states, K talks,
    D counterparts, L leaders. The focal state (the dyad's first) faces D counterparts:
    the dyad's second state and the successors it splits into; each issue is held by one
    counterpart at each step."""

    steps: list[dt.date]
    starts: npt.NDArray[np.int64]  # (T,) the first day of each step, as ordinals
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    states: tuple[str, ...]
    talks: tuple[str, ...]
    leaders: tuple[str, ...]
    position: Array  # (A, I) at the start
    salience: Array  # (A, I)
    capability: Array  # (T, A), 0 while an actor does not exist
    state_of: IntArray  # (T, A)
    speaker: IntArray  # (S,)
    third: int  # the third party's government, or -1
    focal: int  # state index
    counterparts: IntArray  # (D,) state indices
    active: BoolArray  # (T, D) the counterpart exists
    holder: IntArray  # (T, I) the counterpart holding each issue
    inherit: list[list[tuple[int, int]]]  # per step: (successor, predecessor) counterparts
    leader_of: IntArray  # (T, S) the leader in office, -1 for none
    leader_state: IntArray  # (L,)
    leader_consolidation: Array  # (L,)
    leader_until: npt.NDArray[np.int64]  # (L,) the step after the tenure ends
    leader_stance: Array  # (L, I) NaN where the leader holds no position
    bilateral: BoolArray  # (I,)
    gates: BoolArray  # (I, I): gates[i, p] when p is a precondition of i
    gating: BoolArray  # (I,) a precondition of some issue: a gate, not a strain
    border: BoolArray  # (I,)
    forces: BoolArray  # (I,)
    leader_tied: BoolArray  # (I,)
    functional: BoolArray  # (I,)
    treaty: bool  # the dyad starts bound by an alliance treaty
    agenda: BoolArray  # (K, I)
    tolerance: Array  # (K,)
    tactic: npt.NDArray[np.int8]  # (K, 2): 1 for comprehensive, per side
    shocks: tuple[ShockInput, ...]
    slots: int  # the scenario's shocks, enabled or not: one uniform each per run


def _until(day: EdtfDate | None, starts: npt.NDArray[np.int64], count: int) -> int:
    """The step after the one in which a tenure ends (the step count if it never does)."""
    if day is None:
        return count
    return int(step_of(dates.bounds(day)[0].toordinal(), starts)) + 1


def compile_inputs(scenario: Scenario) -> Inputs:
    """Arrays and schedules from a validated scenario."""
    steps = step_dates(scenario)
    starts = np.array([day.toordinal() for day in steps], dtype=np.int64)
    t_count = len(steps)

    def step(day: EdtfDate) -> int:
        return int(step_of(dates.bounds(day)[0].toordinal(), starts))

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
    leaders = tuple(leader.id for leader in scenario.leaders)
    a_index = {a: n for n, a in enumerate(actors)}
    i_index = {i: n for n, i in enumerate(issues)}
    s_index = {s: n for n, s in enumerate(states)}
    k_index = {k: n for n, k in enumerate(talks)}
    l_index = {leader: n for n, leader in enumerate(leaders)}
    counterparts = (scenario.dyad[1], *(new.id for new in born))
    d_index = {state: n for n, state in enumerate(counterparts)}

    position = np.array([[a.stances[i].position for i in issues] for a in scenario.actors])
    salience = np.array([[a.stances[i].salience for i in issues] for a in scenario.actors])
    speaker = np.array(
        [a_index[s.speaker] for s in scenario.states] + [a_index[n.id] for n in born]
    )
    third_parties = [a_index[a.id] for a in scenario.actors if a.role == "third-party"]
    capability = np.zeros((t_count, len(actors)))
    for n, actor in enumerate(scenario.actors):
        for change in actor.capability:
            capability[step(change.since) :, n] = change.value
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

    leader_of = np.full((t_count, len(states)), -1, dtype=np.intp)
    until = np.zeros(len(leaders), dtype=np.int64)
    stance = np.full((len(leaders), len(issues)), np.nan)
    for n, leader in enumerate(scenario.leaders):
        until[n] = _until(leader.until, starts, t_count)
        leader_of[step(leader.since) : until[n], s_index[leader.state]] = n
        for issue_id, value in leader.stances.items():
            stance[n, i_index[issue_id]] = value

    shocks: list[ShockInput] = []
    slots = {id(shock): n for n, shock in enumerate(scenario.shocks)}
    for shock in sorted(scenario.shocks, key=lambda shock: dates.bounds(shock.date)[0]):
        if not shock.enabled:
            continue
        first, last = dates.bounds(shock.date)
        day, days = first.toordinal(), (last - first).days + 1
        slot = slots[id(shock)]
        if shock.kind == "succession":  # at the first day of its range, in every run
            t = step(shock.date)
            predecessor, old = d_index[shock.state], s_index[shock.state]
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
        elif shock.kind in ("position", "salience"):
            mode, amount = (
                ("value", shock.value) if shock.value is not None else ("delta", shock.delta)
            )
            shocks.append(
                ShockInput(
                    shock.kind,
                    day,
                    days,
                    slot,
                    actor=a_index[shock.actor],
                    issue=i_index[shock.issue],
                    mode=mode,
                    amount=float(amount or 0.0),
                )
            )
        elif shock.kind == "capability":
            shocks.append(
                ShockInput(
                    "capability", day, days, slot, actor=a_index[shock.actor], amount=shock.factor
                )
            )
        elif shock.kind == "consolidation":
            shocks.append(
                ShockInput(
                    "consolidation",
                    day,
                    days,
                    slot,
                    leader=l_index[shock.leader],
                    amount=shock.value,
                )
            )
        elif shock.kind == "leader":
            shocks.append(ShockInput("leader", day, days, slot, leader=l_index[shock.leader]))
        elif shock.kind == "talks":
            chosen = tuple(
                (0 if state == scenario.dyad[0] else 1, int(tactic == "comprehensive"))
                for state, tactic in shock.tactics.items()
            )
            shocks.append(
                ShockInput(
                    "talks",
                    day,
                    days,
                    slot,
                    talks=k_index[shock.talks],
                    tactics=chosen,
                    lock=shock.lock,
                )
            )

    gates = np.zeros((len(issues), len(issues)), dtype=bool)
    for n, issue in enumerate(scenario.issues):
        for gate in issue.preconditions:
            gates[n, i_index[gate]] = True
    agenda = np.zeros((len(talks), len(issues)), dtype=bool)
    tactic = np.zeros((len(talks), 2), dtype=np.int8)
    for k, spec in enumerate(scenario.talks):
        for issue_id in spec.agenda:
            agenda[k, i_index[issue_id]] = True
        for side, state in enumerate(scenario.dyad):
            tactic[k, side] = spec.tactics.get(state, "partial") == "comprehensive"

    def flags(name: str) -> BoolArray:
        return np.array([bool(getattr(issue, name)) for issue in scenario.issues])

    return Inputs(
        steps=steps,
        starts=starts,
        actors=actors,
        issues=issues,
        states=states,
        talks=talks,
        leaders=leaders,
        position=position,
        salience=salience,
        capability=capability,
        state_of=state_of,
        speaker=speaker,
        third=third_parties[0] if third_parties else -1,
        focal=s_index[scenario.dyad[0]],
        counterparts=np.array([s_index[state] for state in counterparts]),
        active=active,
        holder=holder,
        inherit=inherit,
        leader_of=leader_of,
        leader_state=np.array([s_index[leader.state] for leader in scenario.leaders], np.intp),
        leader_consolidation=np.array([leader.consolidation for leader in scenario.leaders]),
        leader_until=until,
        leader_stance=stance,
        bilateral=flags("bilateral"),
        gates=gates,
        gating=np.asarray(gates.any(axis=0)),
        border=flags("border"),
        forces=flags("forces"),
        leader_tied=flags("leader_tied"),
        functional=flags("functional"),
        treaty=scenario.treaty,
        agenda=agenda,
        tolerance=np.array([k.tolerance for k in scenario.talks]),
        tactic=tactic,
        shocks=tuple(shocks),
        slots=len(scenario.shocks),
    )
