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


def ref_simulate(
    inputs: Inputs, p: Params, seeds: list[np.random.SeedSequence]
) -> dict[str, np.ndarray]:
    draws = _draws(seeds, len(inputs.steps), len(inputs.issues), len(inputs.talks))
    runs, steps = len(seeds), len(inputs.steps)
    n_a, n_i = inputs.position.shape
    n_k, n_s = len(inputs.talks), len(inputs.states)
    a_side, b_side = inputs.dyad
    gov = [int(inputs.speaker[a_side]), int(inputs.speaker[b_side])]
    out = {
        "relation": np.zeros((runs, steps)),
        "clash": np.zeros((runs, steps), dtype=bool),
        "running": np.zeros((runs, steps, n_k), dtype=bool),
        "breakdown": np.zeros((runs, steps, n_k), dtype=bool),
        "settled_at": np.full((runs, n_i), -1),
        "positions": np.zeros((runs, steps, n_s, n_i)),
        "events": np.zeros((runs, steps, len(ROOTS)), dtype=np.int64),
    }
    for r in range(runs):
        x = [[float(v) for v in row] for row in inputs.position]
        s = [[float(v) for v in row] for row in inputs.salience]
        relation = math.nan
        settled = [False] * n_i
        exposure = [0.0] * n_k
        cooldown = [0.0] * n_k
        for t in range(steps):
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
            weight = [[cap[a] * s[a][i] for i in range(n_i)] for a in range(n_a)]
            new_x = [row[:] for row in x]
            for a in range(n_a):
                state = inputs.state_of[a]
                members = [b for b in range(n_a) if inputs.state_of[b] == state]
                hold = cons[state] if a in inputs.speaker else 0.0
                for i in range(n_i):
                    total = sum(weight[b][i] for b in members)
                    if total > 0:
                        mean = sum(weight[b][i] * x[b][i] for b in members) / total
                    else:
                        mean = sum(x[b][i] for b in members) / len(members)
                    new_x[a][i] = x[a][i] + p["domestic-pull"] * (1 - hold) * (mean - x[a][i])
            x = new_x
            gap = [abs(x[gov[0]][i] - x[gov[1]][i]) for i in range(n_i)]
            joint = [0.5 * (s[gov[0]][i] + s[gov[1]][i]) for i in range(n_i)]
            strain = sum(joint[i] * gap[i] / 100 * (not settled[i]) for i in range(n_i))
            target = p["relation-max"] - p["strain-scale"] * strain
            if math.isnan(relation):
                relation = target
            relation = p["relation-inertia"] * relation + (1 - p["relation-inertia"]) * target
            relation += p["relation-noise"] * draws.noise[r, t]
            obstacle = [
                not settled[i] and gap[i] > 5 and joint[i] >= p["obstacle-salience"]
                for i in range(n_i)
            ]
            capped = any(
                inputs.bilateral[i] and not settled[i]
                and any(inputs.gates[i][q] and obstacle[q] for q in range(n_i))
                for i in range(n_i)
            )  # fmt: skip
            if capped:
                relation = min(relation, p["obstacle-ceiling"])

            pressure = []
            for side, g in enumerate(gov):
                state = inputs.dyad[side]
                members = [b for b in range(n_a) if inputs.state_of[b] == state]
                pull = sum(
                    weight[b][i] * inputs.border[i] * abs(x[b][i] - x[g][i]) / 100
                    for b in members if b != g for i in range(n_i)
                )  # fmt: skip
                total = sum(weight[b][i] for b in members for i in range(n_i)) or 1.0
                pressure.append(pull / total * (1 - cons[state]))
            agreed = [False] * n_i
            broke = False
            for k in range(n_k):
                items = [
                    inputs.agenda[k][i] and not settled[i]
                    and not any(inputs.gates[i][q] and not settled[q] for q in range(n_i))
                    for i in range(n_i)
                ]  # fmt: skip
                running = (
                    inputs.available[t, k] and relation > p["talks-threshold"]
                    and cooldown[k] <= 0 and any(items)
                )  # fmt: skip
                out["running"][r, t, k] = running
                flex = [p["concession-rate"] * cons[a_side], p["concession-rate"] * cons[b_side]]
                for i in range(n_i):
                    if running and items[i] and relation > 0:
                        toward = x[gov[1]][i] - x[gov[0]][i]
                        x[gov[0]][i] += flex[0] * toward
                        x[gov[1]][i] -= flex[1] * toward
                true_gap = [abs(x[gov[0]][i] - x[gov[1]][i]) for i in range(n_i)]
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
                    middle = [0.5 * (x[gov[0]][i] + x[gov[1]][i]) for i in range(n_i)]
                    for side in range(2):
                        members = [b for b in range(n_a) if inputs.state_of[b] == inputs.dyad[side]]
                        w = [sum(weight[b][i] for i in range(n_i) if accepted[i]) for b in members]
                        far = [
                            max(
                                (abs(x[b][i] - middle[i]) for i in range(n_i) if accepted[i]),
                                default=0.0,
                            )
                            for b in members
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
            if any(agreed):
                middle = [0.5 * (x[gov[0]][i] + x[gov[1]][i]) for i in range(n_i)]
                for g in gov:
                    for i in range(n_i):
                        if agreed[i]:
                            x[g][i] = middle[i]
            for i in range(n_i):
                if agreed[i] and out["settled_at"][r, i] < 0:
                    out["settled_at"][r, i] = t
                settled[i] = settled[i] or agreed[i]
            relation += p["agreement-gain"] * any(agreed)
            relation -= p["breakdown-drop"] * broke

            border_gap = sum(
                joint[i] * gap[i] / 100 * (inputs.border[i] and not settled[i]) for i in range(n_i)
            )
            troops = 1.0 if inputs.troops < 0 else 1 + (100 - x[gov[1]][inputs.troops]) / 100
            hazard = (
                p["clash-hazard"] * math.exp(-p["clash-slope"] * relation) * border_gap * troops
            )
            clash = draws.clash[r, t] < min(max(hazard, 0), 0.5)
            relation -= p["clash-drop"] * clash
            if clash:
                for g in gov:
                    for i in range(n_i):
                        if inputs.border[i]:
                            s[g][i] = min(1, max(0, s[g][i] + p["clash-salience"]))
            relation = min(10, max(-10, relation))
            rate = p["event-rate"]
            rates = [
                rate * any(out["running"][r, t]),
                rate * any(agreed) + 0.0,
                rate * max(-relation / 5, 0),
                rate * max(-relation / 10, 0),
                rate * clash,
            ]
            for c, value in enumerate(rates):
                out["events"][r, t, c] = _poisson(value, draws.events[r, t, c])
            out["relation"][r, t] = relation
            out["clash"][r, t] = clash
            for n, g in enumerate(inputs.speaker):
                out["positions"][r, t, n] = x[g]
    return out
