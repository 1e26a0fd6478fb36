"""Plain-loop reference of the dynamic model: one run, one actor, one issue at a time.

It follows the steps of ``parley.model.simulate`` as written in its docstring, with the
same random numbers, so that the vectorized code can be checked against it.
"""

from __future__ import annotations

import math

import numpy as np

from parley.model.simulate import ROOTS, Inputs, Params, _draws


def _poisson(rate: float, u: float) -> int:
    count, term = 0, math.exp(-rate)
    total = term
    for n in range(1, 20):
        if u > total:
            count += 1
        term = term * rate / n
        total += term
    return count


def _pressure(
    inputs: Inputs,
    inside: list[int],
    weight: list[list[float]],
    x: list[list[float]],
    cons: np.ndarray,
    state: int,
    issues: list[bool],
) -> float:
    g = inputs.speaker[state]
    n_i = len(issues)
    pull = sum(
        weight[b][i] * (inputs.border[i] and issues[i]) * abs(x[b][i] - x[g][i]) / 100
        for b in inside if b != g for i in range(n_i)
    )  # fmt: skip
    total = sum(weight[b][i] for b in inside for i in range(n_i)) or 1.0
    return pull / total * (1 - cons[state])


def ref_simulate(
    inputs: Inputs, p: Params, seeds: list[np.random.SeedSequence]
) -> dict[str, np.ndarray]:
    n_a, n_i = inputs.position.shape
    n_k, n_s, n_d = len(inputs.talks), len(inputs.states), len(inputs.counterparts)
    runs, steps = len(seeds), len(inputs.steps)
    draws = _draws(seeds, steps, n_i, n_k, n_d)
    focal = int(inputs.speaker[inputs.focal])
    out = {
        "relation": np.zeros((runs, steps, n_d)),
        "clash": np.zeros((runs, steps, n_d), dtype=bool),
        "running": np.zeros((runs, steps, n_k), dtype=bool),
        "breakdown": np.zeros((runs, steps, n_k), dtype=bool),
        "settled_at": np.full((runs, n_i), -1),
        "positions": np.zeros((runs, steps, n_s, n_i)),
        "events": np.zeros((runs, steps, len(ROOTS)), dtype=np.int64),
    }
    for r in range(runs):
        x = [[float(v) for v in row] for row in inputs.position]
        s = [[float(v) for v in row] for row in inputs.salience]
        relation = [math.nan] * n_d
        settled = [False] * n_i
        exposure = [0.0] * n_k
        cooldown = [0.0] * n_k
        for t in range(steps):
            for new, old in inputs.inherit[t]:
                g_new = inputs.speaker[inputs.counterparts[new]]
                g_old = inputs.speaker[inputs.counterparts[old]]
                x[g_new], s[g_new] = x[g_old][:], s[g_old][:]
                relation[new] = relation[old]
            for actor, issue, mode, amount in inputs.position_shocks[t]:
                x[actor][issue] = (
                    amount if mode == "value" else min(100, max(0, x[actor][issue] + amount))
                )
            for actor, issue, mode, amount in inputs.salience_shocks[t]:
                s[actor][issue] = (
                    amount if mode == "value" else min(1, max(0, s[actor][issue] + amount))
                )
            cap = inputs.capability[t]
            cons = inputs.consolidation[t]
            holder = [int(d) for d in inputs.holder[t]]
            other = [int(inputs.speaker[inputs.counterparts[d]]) for d in holder]

            def members(state: int, t: int = t, cap: np.ndarray = cap) -> list[int]:
                return [b for b in range(n_a) if inputs.state_of[t][b] == state and cap[b] > 0]

            weight = [[cap[a] * s[a][i] for i in range(n_i)] for a in range(n_a)]
            new_x = [row[:] for row in x]
            for a in range(n_a):
                state = inputs.state_of[t][a]
                inside = members(state)
                hold = cons[state] if a in inputs.speaker else 0.0
                for i in range(n_i):
                    total = sum(weight[b][i] for b in inside)
                    if total > 0:
                        mean = sum(weight[b][i] * x[b][i] for b in inside) / total
                    else:
                        mean = sum(x[b][i] for b in inside) / (len(inside) or 1)
                    new_x[a][i] = x[a][i] + p["domestic-pull"] * (1 - hold) * (mean - x[a][i])
            x = new_x
            gap = [abs(x[focal][i] - x[other[i]][i]) for i in range(n_i)]
            joint = [0.5 * (s[focal][i] + s[other[i]][i]) for i in range(n_i)]
            obstacle = [
                not settled[i] and gap[i] > 5 and joint[i] >= p["obstacle-salience"]
                for i in range(n_i)
            ]
            for d in range(n_d):
                mine = [i for i in range(n_i) if holder[i] == d]
                strain = sum(joint[i] * gap[i] / 100 * (not settled[i]) for i in mine)
                target = p["relation-max"] - p["strain-scale"] * strain
                if math.isnan(relation[d]):
                    relation[d] = target
                relation[d] = (
                    p["relation-inertia"] * relation[d] + (1 - p["relation-inertia"]) * target
                )
                relation[d] += p["relation-noise"] * draws.noise[r, t, d]
                capped = any(
                    inputs.bilateral[i] and not settled[i]
                    and any(inputs.gates[i][q] and obstacle[q] for q in range(n_i))
                    for i in mine
                )  # fmt: skip
                if capped:
                    relation[d] = min(relation[d], p["obstacle-ceiling"])
                if not inputs.active[t, d]:
                    relation[d] = math.nan

            pressure = [
                _pressure(
                    inputs, members(inputs.focal), weight, x, cons, inputs.focal, [True] * n_i
                ),
                max(
                    _pressure(
                        inputs,
                        members(inputs.counterparts[d]),
                        weight,
                        x,
                        cons,
                        inputs.counterparts[d],
                        [h == d for h in holder],
                    )
                    for d in range(n_d)
                    if inputs.active[t, d]
                ),
            ]
            agreed = [False] * n_i
            broke = False
            for k in range(n_k):
                items = [
                    inputs.agenda[k][i] and not settled[i]
                    and not any(inputs.gates[i][q] and not settled[q] for q in range(n_i))
                    and relation[holder[i]] > p["talks-threshold"]
                    for i in range(n_i)
                ]  # fmt: skip
                running = inputs.available[t, k] and cooldown[k] <= 0 and any(items)
                out["running"][r, t, k] = running
                for i in range(n_i):
                    if running and items[i] and relation[holder[i]] > 0:
                        toward = x[other[i]][i] - x[focal][i]
                        x[focal][i] += p["concession-rate"] * cons[inputs.focal] * toward
                        side_b = inputs.counterparts[holder[i]]
                        x[other[i]][i] -= p["concession-rate"] * cons[side_b] * toward
                true_gap = [abs(x[focal][i] - x[other[i]][i]) for i in range(n_i)]
                error = p["belief-error"] * (1 - p["belief-learning"]) ** exposure[k]
                thinks = [
                    items[i]
                    and all(
                        abs(true_gap[i] + error * draws.belief[r, t, side, i])
                        <= inputs.tolerance[k]
                        for side in range(2)
                    )
                    for i in range(n_i)
                ]
                fits = [items[i] and true_gap[i] <= inputs.tolerance[k] for i in range(n_i)]
                comprehensive = any(
                    inputs.tactic[t, k, side] == 1
                    or (pressure[side] > p["tactic-pressure"] and not inputs.locked[t, k, side])
                    for side in range(2)
                )
                everything = all(thinks[i] or not items[i] for i in range(n_i))
                offered = [thinks[i] and (everything or not comprehensive) for i in range(n_i)]
                miscalculated = running and any(offered[i] and not fits[i] for i in range(n_i))
                accepted = [
                    offered[i] and fits[i] and not miscalculated and running for i in range(n_i)
                ]
                if any(accepted):
                    middle = [0.5 * (x[focal][i] + x[other[i]][i]) for i in range(n_i)]
                    voters = [(inputs.focal, accepted)] + [
                        (
                            inputs.counterparts[d],
                            [a and h == d for a, h in zip(accepted, holder, strict=True)],
                        )
                        for d in range(n_d)
                    ]
                    for state, chosen in voters:
                        if not any(chosen):
                            continue
                        inside = members(state)
                        w = [sum(weight[b][i] for i in range(n_i) if chosen[i]) for b in inside]
                        far = [
                            max(abs(x[b][i] - middle[i]) for i in range(n_i) if chosen[i])
                            for b in inside
                        ]
                        content = sum(
                            wb
                            for wb, d in zip(w, far, strict=True)
                            if d <= p["ratification-radius"]
                        )
                        if content / (sum(w) or 1.0) < p["ratification-share"]:
                            accepted = [False] * n_i
                exposure[k] += running
                down = miscalculated and draws.breakdown[r, t, k] < p["breakdown-probability"]
                out["breakdown"][r, t, k] = down
                cooldown[k] = p["breakdown-cooldown"] if down else cooldown[k] - 1
                broke = broke or down
                agreed = [agreed[i] or accepted[i] for i in range(n_i)]
            for i in range(n_i):
                if agreed[i]:
                    x[focal][i] = x[other[i]][i] = 0.5 * (x[focal][i] + x[other[i]][i])
                    if out["settled_at"][r, i] < 0:
                        out["settled_at"][r, i] = t
                    settled[i] = True
            clash = [False] * n_d
            for d in range(n_d):
                mine = [i for i in range(n_i) if holder[i] == d]
                relation[d] += p["agreement-gain"] * any(agreed[i] for i in mine)
                relation[d] -= p["breakdown-drop"] * broke
                border_gap = sum(
                    joint[i] * gap[i] / 100 * (inputs.border[i] and not settled[i]) for i in mine
                )
                troops = 1.0
                if inputs.troops >= 0 and holder[inputs.troops] == d:
                    troops = 1 + (100 - x[other[inputs.troops]][inputs.troops]) / 100
                hazard = (
                    p["clash-hazard"]
                    * math.exp(-p["clash-slope"] * relation[d])
                    * border_gap
                    * troops
                )
                hazard = 0.0 if math.isnan(hazard) else hazard
                clash[d] = bool(draws.clash[r, t, d] < min(max(hazard, 0), 0.5))
                relation[d] -= p["clash-drop"] * clash[d]
                if not math.isnan(relation[d]):
                    relation[d] = min(10, max(-10, relation[d]))
            for i in range(n_i):
                if inputs.border[i]:
                    if any(clash):
                        s[focal][i] = min(1, max(0, s[focal][i] + p["clash-salience"]))
                    if clash[holder[i]]:
                        s[other[i]][i] = min(1, max(0, s[other[i]][i] + p["clash-salience"]))
            rate = p["event-rate"]
            low = [0.0 if math.isnan(value) else -value for value in relation]
            rates = [
                rate * any(out["running"][r, t]),
                rate * any(agreed) + 0.0,
                rate * sum(max(v / 5, 0) for v in low),
                rate * sum(max(v / 10, 0) for v in low),
                rate * sum(clash),
            ]
            for c, value in enumerate(rates):
                out["events"][r, t, c] = _poisson(value, draws.events[r, t, c])
            out["relation"][r, t] = relation
            out["clash"][r, t] = clash
            for n, g in enumerate(inputs.speaker):
                out["positions"][r, t, n] = x[g] if members(n) else [math.nan] * n_i
    return out
