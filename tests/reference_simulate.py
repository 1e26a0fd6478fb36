"""Plain-loop reference of the dynamic model: one run, one actor, one issue at a time.

It follows the steps of ``parley.model.simulate`` as its docstrings state them, with the
same random numbers, and shares none of its array code, so that the vectorized model can
be checked against it on every output.
"""

from __future__ import annotations

import math

import numpy as np

from parley.model.events import CODES, DRAWN, GOLDSTEIN
from parley.model.inputs import Inputs
from parley.model.params import Params
from parley.model.simulate import MILESTONES, _draws

NAN = float("nan")


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _sign(value: float) -> float:
    return float(int(value > 0) - int(value < 0))


def _nz(total: float) -> float:
    return total if total > 0 else 1.0


def _pressure(
    inputs: Inputs,
    weight: list[list[float]],
    members: list[list[int]],
    x: list[list[float]],
    hold: list[float],
    st: int,
    items: list[bool],
) -> float:
    """How hard a state's factions pull its government on the border sections ``items``."""
    g = int(inputs.speaker[st])
    n_i = len(items)
    pull = sum(
        weight[a][i] * (inputs.border[i] and items[i]) * abs(x[a][i] - x[g][i]) / 100
        for a in members[st] if a != g for i in range(n_i)
    )  # fmt: skip
    total = _nz(sum(weight[a][i] for a in members[st] for i in range(n_i)))
    return pull / total * (1 - hold[st])


def ref_simulate(inputs: Inputs, p: Params, seeds: list[np.random.SeedSequence]) -> dict:
    runs, steps = len(seeds), len(inputs.steps)
    n_a, n_i = inputs.position.shape
    n_k, n_s, n_d = len(inputs.talks), len(inputs.states), len(inputs.counterparts)
    n_c = len(CODES)
    draws = _draws(seeds, steps, n_k, n_d, inputs.slots)
    out = {
        "relation": np.full((runs, steps, n_d), np.nan),
        "behaviour": np.full((runs, steps, n_d, 2), np.nan),
        "goldstein": np.zeros((runs, steps, n_d)),
        "rung": np.zeros((runs, steps, n_d), dtype=np.int8),
        "political": np.full((runs, steps, n_d), np.nan),
        "functional": np.full((runs, steps, n_d), np.nan),
        "running": np.zeros((runs, steps, n_k), dtype=bool),
        "suspended": np.zeros((runs, steps, n_k), dtype=bool),
        "breakdown": np.zeros((runs, steps, n_k), dtype=bool),
        "miscalculation": np.zeros((runs, steps, n_k), dtype=np.int64),
        "settled_at": np.full((runs, n_i), -1, dtype=np.int64),
        "milestones": np.full((runs, len(MILESTONES)), -1, dtype=np.int64),
        "positions": np.zeros((runs, steps, n_s, n_i)),
        "events": np.zeros((runs, steps, n_c), dtype=np.int64),
    }
    speakers = [int(g) for g in inputs.speaker]
    focal = speakers[inputs.focal]
    cps = [int(c) for c in inputs.counterparts]

    for r in range(runs):
        days = [s.first + int(draws.shock[r][s.slot] * s.days) for s in inputs.shocks]
        when = [max(0, int(np.searchsorted(inputs.starts, day, side="right")) - 1) for day in days]
        x = [[float(v) for v in row] for row in inputs.position]
        s = [[float(v) for v in row] for row in inputs.salience]
        factor = [1.0] * n_a
        cons = [float(c) for c in inputs.leader_consolidation]
        stance_of = [[float(v) for v in row] for row in inputs.leader_stance]
        override = [-1] * n_s
        leader = [int(v) for v in inputs.leader_of[0]]
        last = [-2] * n_s
        tactic = [[int(v) for v in row] for row in inputs.tactic]
        locked = [[False, False] for _ in range(n_k)]
        b = [[NAN, NAN] for _ in range(n_d)]
        grievance = [[0.0, 0.0] for _ in range(n_d)]
        political = [NAN] * n_d
        functional = [0.0] * n_d
        dormant = [0.0] * n_d
        bound = [bool(inputs.treaty)] * n_d
        memory = [0.0] * n_d
        scare = [0.0] * n_d
        meeting = [False] * n_k
        cooldown = [0.0] * n_k
        exposure = [0.0] * n_k
        anchor = [[NAN, NAN] for _ in range(n_i)]
        settled = [False] * n_i
        settled_at = [-1] * n_i
        marks = [-1] * len(MILESTONES)

        for t in range(steps):
            # 1. Shocks.
            for new, old in inputs.inherit[t]:
                ng, og = speakers[cps[new]], speakers[cps[old]]
                x[ng], s[ng] = list(x[og]), list(s[og])
                b[new], grievance[new] = list(b[old]), list(grievance[old])
                political[new], functional[new] = political[old], functional[old]
                dormant[new], bound[new] = dormant[old], bound[old]
                memory[new], scare[new] = memory[old], scare[old]
            for j, shock in enumerate(inputs.shocks):
                if when[j] != t:
                    continue
                if shock.kind in ("position", "salience"):
                    table = x if shock.kind == "position" else s
                    high = 100.0 if shock.kind == "position" else 1.0
                    old_value = table[shock.actor][shock.issue]
                    value = (
                        shock.amount
                        if shock.mode == "value"
                        else _clip(old_value + shock.amount, 0, high)
                    )
                    table[shock.actor][shock.issue] = value
                    if shock.kind == "position" and shock.actor in speakers:
                        mine = leader[int(inputs.state_of[t][shock.actor])]
                        if (
                            mine >= 0
                            and inputs.leader_tied[shock.issue]
                            and not math.isnan(stance_of[mine][shock.issue])
                        ):
                            stance_of[mine][shock.issue] = value
                elif shock.kind == "capability":
                    factor[shock.actor] *= shock.amount
                elif shock.kind == "consolidation":
                    cons[shock.leader] = shock.amount
                elif shock.kind == "leader":
                    override[int(inputs.leader_state[shock.leader])] = shock.leader
                elif shock.kind == "talks":
                    for side, chosen in shock.tactics:
                        tactic[shock.talks][side] = chosen
                        locked[shock.talks][side] = locked[shock.talks][side] or shock.lock

            # 2. Leaders and domestic politics.
            for st in range(n_s):
                if override[st] >= 0 and t >= inputs.leader_until[override[st]]:
                    override[st] = -1
            leader = [
                override[st] if override[st] >= 0 else int(inputs.leader_of[t][st])
                for st in range(n_s)
            ]
            changed = [leader[st] != last[st] and last[st] != -2 for st in range(n_s)]
            last = list(leader)
            hold = [cons[leader[st]] if leader[st] >= 0 else 0.5 for st in range(n_s)]
            state_of = [int(v) for v in inputs.state_of[t]]
            cap = [float(inputs.capability[t][a]) * factor[a] for a in range(n_a)]
            exists = [float(inputs.capability[t][a]) > 0 for a in range(n_a)]
            active = [bool(v) for v in inputs.active[t]]
            holder = [int(v) for v in inputs.holder[t]]
            other = [speakers[cps[holder[i]]] for i in range(n_i)]
            other_state = [cps[holder[i]] for i in range(n_i)]
            weight = [[cap[a] * s[a][i] for i in range(n_i)] for a in range(n_a)]
            members = [[a for a in range(n_a) if state_of[a] == st and exists[a]]
                       for st in range(n_s)]  # fmt: skip
            mean = [[0.0] * n_i for _ in range(n_s)]
            for st in range(n_s):
                for i in range(n_i):
                    total = sum(weight[a][i] for a in members[st])
                    if total > 0:
                        mean[st][i] = sum(weight[a][i] * x[a][i] for a in members[st]) / total
                    else:
                        count = len(members[st])
                        mean[st][i] = sum(x[a][i] for a in members[st]) / _nz(count)
            for a in range(n_a):
                own = hold[state_of[a]] if a in speakers else 0.0
                for i in range(n_i):
                    x[a][i] += p.domestic_pull * (1 - own) * (mean[state_of[a]][i] - x[a][i])
            for st in range(n_s):
                g = speakers[st]
                for i in range(n_i):
                    if leader[st] >= 0 and not math.isnan(stance_of[leader[st]][i]):
                        x[g][i] += p.leader_pull * (stance_of[leader[st]][i] - x[g][i])

            # 3. Behaviour.
            gap = [abs(x[focal][i] - x[other[i]][i]) for i in range(n_i)]
            sal = [[s[focal][i] for i in range(n_i)], [s[other[i]][i] for i in range(n_i)]]
            strain = [[0.0, 0.0] for _ in range(n_d)]
            for d in range(n_d):
                for side in range(2):
                    strain[d][side] = sum(
                        sal[side][i] * (gap[i] / 100)
                        for i in range(n_i)
                        if holder[i] == d and not settled[i] and not inputs.gating[i]
                    )
            dist = [0.0] * n_s
            if inputs.third >= 0:
                for st in range(n_s):
                    g = speakers[st]
                    num = sum(s[g][i] * abs(x[g][i] - x[inputs.third][i]) / 100 for i in range(n_i))
                    dist[st] = num / _nz(sum(s[g][i] for i in range(n_i)))
            for d in range(n_d):
                pair = (dist[inputs.focal], dist[cps[d]])
                goal = [0.0, 0.0]
                for side in range(2):
                    own, theirs = pair[side], pair[1 - side]
                    tri = p.third_party * (min(own, theirs) - max(0.0, own - theirs))
                    goal[side] = (
                        p.behaviour_base
                        - p.strain_scale * strain[d][side]
                        - grievance[d][side]
                        + tri
                        + p.functional_spillover * functional[d]
                    )
                if math.isnan(b[d][0]):
                    b[d] = [_clip(goal[0], -10, 10), _clip(goal[1], -10, 10)]
                rest = max(0.0, 1.0 - p.behaviour_inertia - p.reciprocity)
                prev = list(b[d])
                for side in range(2):
                    value = (
                        p.behaviour_inertia * prev[side]
                        + p.reciprocity * prev[1 - side]
                        + rest * goal[side]
                        + p.behaviour_noise * draws.noise[r, t, d, side]
                    )
                    b[d][side] = _clip(value, -10, 10)

            # 4. Two tracks.
            worth = [max(sal[0][i] * gap[i] / 100, sal[1][i] * gap[i] / 100) >= p.talks_need
                     for i in range(n_i)]  # fmt: skip
            gated = [
                any(inputs.gates[i][q] and not settled[q] and worth[q] for q in range(n_i))
                for i in range(n_i)
            ]
            has_gates = [bool(inputs.gates[i].any()) for i in range(n_i)]
            blocked = [
                any(has_gates[i] and gated[i] and holder[i] == d for i in range(n_i))
                for d in range(n_d)
            ]
            for d in range(n_d):
                level = _clip((sum(b[d]) / 2 + 10) / 20, 0, 1)
                if math.isnan(political[d]):
                    political[d] = level
                goal_p = min(level, p.gate_cap) if blocked[d] else level
                political[d] = (
                    p.political_inertia * political[d] + (1 - p.political_inertia) * goal_p
                )
                held_f = [i for i in range(n_i) if holder[i] == d and inputs.functional[i]]
                econ = sum(gap[i] / 100 for i in held_f) / max(len(held_f), 1)
                openness = _clip((min(b[d]) + 5) / 10, 0, 1) * (1 - econ)
                functional[d] += p.functional_rate * (openness - functional[d])
            broke_ties = political[0] < p.party_break and marks[0] < 0
            if broke_ties:
                marks[0] = t
            lapsed = [False] * n_d
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
            readiness = [
                [b[d][side] + p.war_scare * scare[d] / p.war_scare_steps for side in range(2)]
                for d in range(n_d)
            ]
            willingness = [
                min(readiness[holder[i]][side] + p.talks_urge * sal[side][i] * (gap[i] / 100)
                    for side in range(2))
                for i in range(n_i)
            ]  # fmt: skip

            push = [
                _pressure(inputs, weight, members, x, hold, inputs.focal, [True] * n_i),
                max(
                    _pressure(inputs, weight, members, x, hold, cps[d],
                              [holder[i] == d for i in range(n_i)])
                    for d in range(n_d)
                    if active[d]
                ),
            ]  # fmt: skip
            agreed_now = [False] * n_i
            stopped = [False] * n_d
            miscost = [[0.0, 0.0] for _ in range(n_d)]
            for k in range(n_k):
                package = any(
                    tactic[k][side] == 1 or (push[side] > p.tactic_pressure and not locked[k][side])
                    for side in range(2)
                )
                items = [bool(inputs.agenda[k][i]) and not settled[i] and not gated[i]
                         and worth[i] for i in range(n_i)]  # fmt: skip
                bar = p.talks_suspend if meeting[k] else p.talks_open
                willing = [items[i] and willingness[i] > bar for i in range(n_i)]
                held = any(willing) and cooldown[k] <= 0
                on = [willing[i] and held for i in range(n_i)]
                suspended = meeting[k] and not held and cooldown[k] <= 0 and any(items)
                out["suspended"][r, t, k] = suspended
                out["running"][r, t, k] = held
                gates_agenda = any(inputs.agenda[k][i] and has_gates[i] for i in range(n_i))
                if gates_agenda and held and marks[0] >= 0 and marks[2] < 0:
                    marks[2] = t
                spread = p.belief_error * (1 - p.belief_learning) ** exposure[k]
                error = [spread * draws.belief[r, t, k, side] for side in range(2)]
                own = [x[focal][i] for i in range(n_i)]
                theirs = [x[other[i]][i] for i in range(n_i)]
                offers = [[False] * n_i, [False] * n_i]
                fits = [[False] * n_i, [False] * n_i]
                for i in range(n_i):
                    if not on[i]:
                        continue
                    if math.isnan(anchor[i][0]):
                        anchor[i] = [own[i], theirs[i]]
                    a0, a1 = anchor[i]
                    up0, up1 = _sign(a1 - a0), _sign(a0 - a1)
                    reach = [p.reservation_reach * (1 - sal[side][i]) * abs(a1 - a0)
                             for side in range(2)]  # fmt: skip
                    cons_i = [hold[inputs.focal], hold[other_state[i]]]
                    m0, m1 = p.concession_rate * cons_i[0], p.concession_rate * cons_i[1]
                    step0 = _clip((own[i] + m0 * (theirs[i] - own[i]) - a0) * up0, 0, reach[0])
                    step1 = _clip((theirs[i] + m1 * (own[i] - theirs[i]) - a1) * up1, 0, reach[1])
                    own[i], theirs[i] = a0 + up0 * step0, a1 + up1 * step1
                    limit0, limit1 = a0 + up0 * reach[0], a1 + up1 * reach[1]
                    beyond_other = (own[i] - limit1) * up1
                    beyond_own = (theirs[i] - limit0) * up0
                    offers[0][i] = beyond_other - error[0] * up1 <= 1.0 * inputs.tolerance[k]
                    offers[1][i] = beyond_own - error[1] * up0 <= 1.0 * inputs.tolerance[k]
                    fits[0][i] = beyond_other <= inputs.tolerance[k]
                    fits[1][i] = beyond_own <= inputs.tolerance[k]
                any_on = any(on)
                accepted = [[False] * n_i, [False] * n_i]
                miscalc = [False, False]
                for side in range(2):
                    whole_offer = any_on and all(offers[side][i] or not on[i] for i in range(n_i))
                    whole_fits = all(fits[side][i] or not on[i] for i in range(n_i))
                    if package:
                        accepted[side] = [whole_offer and whole_fits and on[i] for i in range(n_i)]
                        miscalc[side] = whole_offer and not whole_fits
                    else:
                        accepted[side] = [offers[side][i] and fits[side][i] for i in range(n_i)]
                        miscalc[side] = any(offers[side][i] and not fits[side][i]
                                            for i in range(n_i))  # fmt: skip
                agreed = [accepted[0][i] or accepted[1][i] for i in range(n_i)]
                point = [own[i] if accepted[0][i] else theirs[i] for i in range(n_i)]
                for i in range(n_i):
                    x[focal][i] = own[i]
                for i in range(n_i):
                    x[other[i]][i] = theirs[i]
                sides = [(inputs.focal, agreed)] + [
                    (cps[d], [agreed[i] and holder[i] == d for i in range(n_i)])
                    for d in range(n_d) if active[d]
                ]  # fmt: skip
                ok = True
                for st, mine in sides:
                    if not any(mine):
                        continue
                    w = [sum(weight[a][i] for i in range(n_i) if mine[i]) for a in members[st]]
                    far = [max([abs(x[a][i] - point[i]) for i in range(n_i) if mine[i]])
                           for a in members[st]]  # fmt: skip
                    inside = sum(
                        wa for wa, fa in zip(w, far, strict=True) if fa <= p.ratification_radius
                    )
                    ok = ok and inside / _nz(sum(w)) >= p.ratification_share
                for i in range(n_i):
                    if ok and agreed[i]:
                        x[focal][i] = point[i]
                        x[other[i]][i] = point[i]
                        agreed_now[i] = True
                touched = [any(on[i] and holder[i] == d for i in range(n_i)) for d in range(n_d)]
                for d in range(n_d):
                    for side in range(2):
                        if miscalc[side] and touched[d]:
                            miscost[d][side] += p.miscalculation_cost
                down = any(miscalc) and draws.breakdown[r, t, k] < p.breakdown_probability
                out["miscalculation"][r, t, k] = sum(miscalc)
                out["breakdown"][r, t, k] = down
                for d in range(n_d):
                    with_d = any(inputs.agenda[k][i] and holder[i] == d for i in range(n_i))
                    if (down and touched[d]) or (suspended and with_d):
                        stopped[d] = True
                if down:
                    for i in range(n_i):
                        if inputs.agenda[k][i]:
                            anchor[i] = [NAN, NAN]
                cooldown[k] = p.breakdown_cooldown if down else cooldown[k] - 1
                exposure[k] += held
                meeting[k] = held and not down
            for i in range(n_i):
                if agreed_now[i] and settled_at[i] < 0:
                    settled_at[i] = t
                settled[i] = settled[i] or agreed_now[i]
            agreement = [any(agreed_now[i] and holder[i] == d for i in range(n_i))
                         for d in range(n_d)]  # fmt: skip
            for d in range(n_d):
                for side in range(2):
                    b[d][side] = _clip(
                        b[d][side] + p.agreement_gain * agreement[d] - miscost[d][side], -10, 10
                    )

            # 7. Clashes.
            incident, deadly, crisis = [False] * n_d, [False] * n_d, [False] * n_d
            for d in range(n_d):
                border_gap = sum(
                    (sal[0][i] + sal[1][i]) / 2 * gap[i] / 100
                    for i in range(n_i)
                    if holder[i] == d and inputs.border[i] and not settled[i]
                )
                massed = sum((100 - x[other[i]][i]) / 100 for i in range(n_i)
                             if holder[i] == d and inputs.forces[i])  # fmt: skip
                massed = _clip(massed, 0, 1)
                hazard = (
                    p.incident_hazard
                    * math.exp(p.clash_slope * -(b[d][0] + b[d][1]) / 2)
                    * border_gap
                    * (1 + p.force_weight * massed)
                    * (1 + p.excitation * memory[d])
                )
                u = draws.ladder[r, t, d]
                incident[d] = bool(u[0] < _clip(0.0 if math.isnan(hazard) else hazard, 0, 0.9))
                deadly[d] = incident[d] and bool(
                    u[1] < _clip(p.deadly_share * (1 + memory[d]), 0, 1)
                )
                crisis[d] = deadly[d] and bool(u[2] < p.crisis_share)
                memory[d] = p.memory_decay * memory[d] + incident[d]
                for side in range(2):
                    b[d][side] = _clip(b[d][side] - p.clash_drop * deadly[d], -10, 10)
            for i in range(n_i):
                bump = p.clash_salience * inputs.border[i]
                s[focal][i] = _clip(s[focal][i] + bump * any(deadly), 0, 1)
            for i in range(n_i):
                bump = p.clash_salience * inputs.border[i]
                s[other[i]][i] = _clip(s[other[i]][i] + bump * deadly[holder[i]], 0, 1)
            for d in range(n_d):
                scare[d] = p.war_scare_steps if crisis[d] else max(scare[d] - 1, 0.0)
                gone = changed[inputs.focal] or changed[cps[d]]
                for side in range(2):
                    kept = grievance[d][side] * (1 - p.grievance_decay)
                    kept *= (1 - p.grievance_fade) if gone else 1.0
                    grievance[d][side] = kept + p.grievance_rate * max(0.0, -b[d][1 - side])

            # 8. Events.
            for d in range(n_d):
                if not active[d]:
                    continue
                meets = any(
                    out["running"][r, t, k] and any(inputs.agenda[k][i] and holder[i] == d
                                                    for i in range(n_i))
                    for k in range(n_k)
                )  # fmt: skip
                count = [0] * n_c
                for side in range(2):
                    level = [
                        max(b[d][side], 0) / 10,
                        max(-b[d][side], 0) / 10,
                        max(-b[d][side] - 5, 0) / 5,
                        political[d] * (not blocked[d]),
                        float(meets) if side == 0 else 0.0,
                        functional[d] if side == 0 else 0.0,
                    ]
                    for c in range(len(DRAWN)):
                        chance = 1 - math.exp(-p.event_rate * level[c])
                        count[c] += int(draws.events[r, t, d, side, c] < chance)
                count[len(DRAWN)] = int(agreement[d])
                count[len(DRAWN) + 1] = int(stopped[d])
                count[len(DRAWN) + 2] = int(broke_ties and d == 0)
                count[len(DRAWN) + 3] = int(ended and d == 0)
                count[len(DRAWN) + 4] = int(incident[d] and not deadly[d])
                count[len(DRAWN) + 5] = int(deadly[d])
                out["goldstein"][r, t, d] = sum(
                    n * g for n, g in zip(count, GOLDSTEIN, strict=True)
                )
                for c in range(n_c):
                    out["events"][r, t, c] += count[c]
                out["behaviour"][r, t, d] = b[d]
                out["relation"][r, t, d] = (b[d][0] + b[d][1]) / 2
                out["rung"][r, t, d] = incident[d] + deadly[d] + crisis[d]
                out["political"][r, t, d] = political[d]
                out["functional"][r, t, d] = functional[d]
            for st in range(n_s):
                alive = any(state_of[a] == st and exists[a] for a in range(n_a))
                for i in range(n_i):
                    out["positions"][r, t, st, i] = x[speakers[st]][i] if alive else NAN
        out["settled_at"][r] = settled_at
        out["milestones"][r] = marks
    out["clash"] = out["rung"] >= 2
    return out
