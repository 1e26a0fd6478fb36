"""A plain-loop reference for :func:`parley.model.exchange.run_exchange`.

Written from the rules in ``docs/reference/exchange-model.md``, one actor pair and one
issue pair at a time, with lists and dictionaries instead of arrays. It shares only the
tolerance and the result types with the module. Every decision that can jump (a
comparison against a threshold) goes through :class:`Margin`, which keeps the closest
call, so that tests can set aside inputs on which a decision hangs within rounding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from parley.model.exchange import TOLERANCE, Exchange, ExchangeResult

__all__ = ["Margin", "reference_exchange"]


class Margin:
    """The closest call of a run (the least distance of a compared value to its
    threshold), and how many times the next exchange was chosen among tied gains."""

    def __init__(self) -> None:
        self.closest = math.inf
        self.ties = 0  # how often the next exchange was chosen among tied gains

    def above(self, value: float, threshold: float) -> bool:
        self.closest = min(self.closest, abs(value - threshold))
        return value > threshold


@dataclass
class _Part:
    """One actor's part in a candidate exchange."""

    actor: int
    supply: int  # the issue it moves on
    demand: int  # the issue it wants the other to move on
    own: float  # its position on the demand issue at the start of the round
    start: float  # its position on the supply issue at the start of the round
    at: float  # its current voting position on the supply issue
    moves: list[float] = field(default_factory=list)
    y: float = 0.0


@dataclass
class _Deal:
    """A candidate exchange: ``a`` moves on ``q`` and ``b`` on ``p``."""

    p: int
    q: int
    a: _Part
    b: _Part
    known: dict[int, dict[int, float]]  # issue -> actor -> voting position learnt
    gain: float = 0.0
    valid: bool = False


class _Round:
    def __init__(
        self,
        x: list[list[float]],
        s: list[list[float]],
        w: list[list[float]],
        margin: Margin,
    ) -> None:
        self.x, self.s, self.w, self.margin = x, s, w, margin
        self.n, self.m = len(x), len(x[0])
        self.total = [sum(w[k][e] for k in range(self.n)) for e in range(self.m)]

    def takes_part(self, k: int, e: int) -> bool:
        return math.isfinite(self.x[k][e]) and self.w[k][e] > 0

    def outcome(self, e: int, known: dict[int, float], actor: int, at: float, last: bool) -> float:
        """The weighted mean on issue ``e`` with ``actor`` at ``at`` and the ``known``
        positions; ``last``: the known positions are applied after the actor's."""
        position = {k: self.x[k][e] for k in range(self.n) if self.takes_part(k, e)}
        if not last:
            position.update(known)
        position[actor] = at
        if last:
            position.update(known)
        return sum(self.w[k][e] * v for k, v in position.items()) / self.total[e]

    def deals(self) -> list[_Deal]:
        """Every candidate exchange, in decide's order."""
        left = [[False] * self.m for _ in range(self.n)]
        for e in range(self.m):
            if self.total[e] <= 0:
                continue
            outcome = (
                sum(self.w[k][e] * self.x[k][e] for k in range(self.n) if self.takes_part(k, e))
                / self.total[e]
            )
            for k in range(self.n):
                if self.takes_part(k, e):
                    left[k][e] = not self.margin.above(self.x[k][e], outcome + TOLERANCE)
        found = []
        for p in range(self.m):
            for q in range(p + 1, self.m):
                for groups in ((0, 3), (1, 2)):
                    for i in range(self.n):
                        for j in range(self.n):
                            if not all(self.takes_part(k, e) for k in (i, j) for e in (p, q)):
                                continue
                            gi = left[i][p] + 2 * left[i][q]
                            gj = left[j][p] + 2 * left[j][q]
                            if (gi, gj) == groups:
                                found.append(self.deal(i, j, p, q))
        return found

    def deal(self, i: int, j: int, p: int, q: int) -> _Deal:
        s, x = self.s, self.x
        a, b = (j, i) if s[i][p] / s[i][q] < s[j][p] / s[j][q] else (i, j)
        deal = _Deal(
            p,
            q,
            _Part(a, q, p, x[a][p], x[a][q], x[a][q]),
            _Part(b, p, q, x[b][q], x[b][p], x[b][p]),
            {p: {}, q: {}},
        )
        self.work_out(deal, grow=(True, True))
        return deal

    def move_ok(self, part: _Part) -> bool:
        move = part.moves[-1]
        ok = [
            self.margin.above(abs(move), TOLERANCE),
            not self.margin.above(abs(move), 1 + TOLERANCE),
            not self.margin.above(-TOLERANCE, part.at + move),
            not self.margin.above(part.at + move, 1 + TOLERANCE),
            not self.margin.above(sum(part.moves), 1 + TOLERANCE),
            all(v < 0 for v in part.moves) or all(v > 0 for v in part.moves),
        ]
        return all(ok)

    def set_moves(self, deal: _Deal, move_a: float, move_b: float, grow: tuple[bool, bool]) -> None:
        for part, move, new in ((deal.a, move_a, grow[0]), (deal.b, move_b, grow[1])):
            if new:
                part.moves.append(move)
            else:
                part.moves[-1] = move
            part.y = part.at + move

    def work_out(self, deal: _Deal, grow: tuple[bool, bool]) -> None:
        """The equal-gain moves of ``deal``; ``grow`` says which sides add a move to their
        history (the others replace their last one)."""
        a, b, p, q = deal.a, deal.b, deal.p, deal.q
        s, w, total = self.s, self.w, self.total
        sap, saq, sbp, sbq = s[a.actor][p], s[a.actor][q], s[b.actor][p], s[b.actor][q]
        far_a, far_b = abs(b.own - a.at), abs(a.own - b.at)
        # b moves all the way to a's position on p; a moves on q for the same gain.
        shift_p = far_b * w[b.actor][p] / total[p]
        shift_q = shift_p * (sap + sbp) / (saq + sbq)
        move_a = shift_q * total[q] / w[a.actor][q]
        move_b = far_b
        if move_a > far_a:  # a would pass b: a moves all the way, b moves less
            shift_q = far_a * w[a.actor][q] / total[q]
            shift_p = shift_q * (saq + sbq) / (sap + sbp)
            move_a = far_a
            move_b = shift_p * total[p] / w[b.actor][p]
        if a.at > b.own:
            move_a = -move_a
        if b.at > a.own:
            move_b = -move_b
        self.set_moves(deal, move_a, move_b, grow)
        deal.gain = abs(shift_q * saq - shift_p * sap)
        ok_a, ok_b = self.move_ok(a), self.move_ok(b)
        deal.valid = ok_a and ok_b and self.margin.above(deal.gain, TOLERANCE)
        if deal.valid:
            self.hold(deal, a, b)
            self.hold(deal, b, a)
            ok_a, ok_b = self.move_ok(a), self.move_ok(b)
            deal.valid = ok_a and ok_b

    def hold(self, deal: _Deal, mover: _Part, other: _Part) -> None:
        """Shorten the moves where ``mover`` would carry the outcome of its issue past
        ``other``'s position there."""
        e, f = mover.supply, other.supply
        known, target = deal.known[e], other.own
        before = self.outcome(e, known, mover.actor, mover.at, last=False)
        after = self.outcome(e, known, mover.actor, mover.y, last=False)
        below_before = self.margin.above(target - TOLERANCE, before)
        above_after = self.margin.above(after, target + TOLERANCE)
        above_before = self.margin.above(before, target + TOLERANCE)
        below_after = self.margin.above(target - TOLERANCE, after)
        if not ((below_before and above_after) or (above_before and below_after)):
            return
        reference = self.outcome(e, known, mover.actor, mover.at, last=True)
        shift = abs(target - reference)
        s, w, total = self.s, self.w, self.total
        ratio = (s[mover.actor][e] + s[other.actor][e]) / (s[mover.actor][f] + s[other.actor][f])
        shift_other = shift * ratio
        move = shift * total[e] / w[mover.actor][e]
        move_other = shift_other * total[f] / w[other.actor][f]
        if self.margin.above(mover.at, target):
            move = -move
        if self.margin.above(other.at, mover.own):
            move_other = -move_other
        mover.moves[-1], other.moves[-1] = move, move_other
        mover.y, other.y = mover.at + move, other.at + move_other
        deal.gain = abs(shift_other * s[other.actor][f] - shift * s[other.actor][e])

    def after(self, deal: _Deal, done: _Deal) -> None:
        """Bring ``deal`` up to date with the exchange ``done`` just made."""
        grow = [False, False]
        redo = False
        for n, part in enumerate((deal.a, deal.b)):
            for moved in (done.a, done.b):
                if part.actor == moved.actor and part.supply == moved.supply:
                    part.at = moved.y
                    grow[n] = True
                    redo = True
        for mover, beneficiary in ((done.a, done.b), (done.b, done.a)):
            if any(
                part.actor == beneficiary.actor and part.demand == beneficiary.demand
                for part in (deal.a, deal.b)
            ):
                learnt = deal.known[mover.supply]
                old = learnt.get(mover.actor)
                if old is None:
                    learnt[mover.actor] = mover.y
                elif self.margin.above(old, mover.start) or old == mover.start:
                    learnt[mover.actor] = min(old, mover.y)
                else:
                    learnt[mover.actor] = max(old, mover.y)
                redo = True
        if redo:
            self.work_out(deal, grow=(grow[0], grow[1]))

    def order(self, deals: list[_Deal]) -> list[_Deal]:
        """Highest gain first; gains within the tolerance keep their previous order."""
        before = {id(d): n for n, d in enumerate(deals)}
        groups: list[list[_Deal]] = []
        for d in sorted(deals, key=lambda d: -d.gain):
            if groups and not self.margin.above(groups[-1][-1].gain - d.gain, TOLERANCE):
                groups[-1].append(d)
            else:
                groups.append([d])
        if groups and len(groups[0]) > 1:
            self.margin.ties += 1
        return [d for g in groups for d in sorted(g, key=lambda d: before[id(d)])]

    def run(self) -> tuple[list[list[float]], list[list[bool]], list[Exchange]]:
        deals = [d for d in self.deals() if d.valid]
        made = []
        vote = [row[:] for row in self.x]
        moved = [[False] * self.m for _ in range(self.n)]
        while deals:
            deals = self.order(deals)
            done = deals.pop(0)
            for d in deals:
                self.after(d, done)
            deals = [d for d in deals if d.valid]
            made.append(self.record(done))
            for part in (done.a, done.b):
                vote[part.actor][part.supply] = part.y
                moved[part.actor][part.supply] = True
        return vote, moved, made

    def record(self, d: _Deal) -> Exchange:
        a, b, p, q = d.a, d.b, d.p, d.q
        shift_p = abs(b.moves[-1]) * self.w[b.actor][p] / self.total[p]
        shift_q = abs(a.moves[-1]) * self.w[a.actor][q] / self.total[q]
        s = self.s
        return Exchange(
            i=b.actor,
            j=a.actor,
            p=p,
            q=q,
            move_i=b.moves[-1],
            move_j=a.moves[-1],
            position_i=b.y,
            position_j=a.y,
            gain_i=shift_q * s[b.actor][q] - shift_p * s[b.actor][p],
            gain_j=shift_p * s[a.actor][p] - shift_q * s[a.actor][q],
        )


def _mean(x: list[list[float]], w: list[list[float]], e: int) -> float:
    taking = [k for k in range(len(x)) if math.isfinite(x[k][e])]
    total = sum(w[k][e] for k in taking)
    if total > 0:
        return sum(w[k][e] * x[k][e] for k in taking) / total
    return sum(x[k][e] for k in taking) / len(taking) if taking else math.nan


def reference_exchange(
    capability: Sequence[float] | Sequence[Sequence[float]],
    positions: Sequence[Sequence[float]],
    salience: Sequence[Sequence[float]],
    *,
    scales: Sequence[tuple[float, float]] | None = None,
    rounds: int = 10,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
) -> tuple[ExchangeResult, Margin]:
    """The exchange model by plain loops, and the margins of its decisions."""
    n, m = len(positions), len(positions[0])
    bounds = list(scales) if scales is not None else [(0.0, 1.0)] * m
    x = [
        [(float(positions[k][e]) - bounds[e][0]) / (bounds[e][1] - bounds[e][0]) for e in range(m)]
        for k in range(n)
    ]
    x = [[min(max(v, 0.0), 1.0) if math.isfinite(v) else math.nan for v in row] for row in x]
    s = [[float(v) for v in row] for row in salience]
    c = [
        [float(cap)] * m if isinstance(cap, int | float) else [float(v) for v in cap]
        for cap in capability
    ]
    w = [[c[k][e] * s[k][e] if math.isfinite(x[k][e]) else 0.0 for e in range(m)] for k in range(n)]
    margin = Margin()
    preferences, voting, made = [x], [], []
    for _ in range(rounds):
        x0 = preferences[-1]
        vote, moved, exchanges = _Round(x0, s, w, margin).run()
        voting.append(vote)
        made.append(exchanges)
        following = [row[:] for row in x0]
        for k in range(n):
            for e in range(m):
                if moved[k][e]:
                    shift = fixed_weight + salience_weight * (1 - s[k][e])
                    following[k][e] = (
                        (1 - s[k][e]) * salience_weight * vote[k][e]
                        + fixed_weight * vote[k][e]
                        + (1 - shift) * x0[k][e]
                    )
        preferences.append(following)

    def scaled(table: list[list[list[float]]]) -> np.ndarray:
        return np.array(
            [
                [
                    [v * (bounds[e][1] - bounds[e][0]) + bounds[e][0] for e, v in enumerate(row)]
                    for row in t
                ]
                for t in table
            ]
        )

    def outcomes(table: list[list[list[float]]]) -> np.ndarray:
        return np.array(
            [
                [_mean(t, w, e) * (bounds[e][1] - bounds[e][0]) + bounds[e][0] for e in range(m)]
                for t in table
            ]
        )

    def rescale(e: Exchange) -> Exchange:
        (lp, hp), (lq, hq) = bounds[e.p], bounds[e.q]
        return Exchange(
            e.i,
            e.j,
            e.p,
            e.q,
            e.move_i * (hp - lp),
            e.move_j * (hq - lq),
            e.position_i * (hp - lp) + lp,
            e.position_j * (hq - lq) + lq,
            e.gain_i,
            e.gain_j,
        )

    result = ExchangeResult(
        preferences=scaled(preferences),
        voting=scaled(voting),
        preference_outcomes=outcomes(preferences),
        voting_outcomes=outcomes(voting),
        exchanges=tuple(tuple(rescale(e) for e in r) for r in made),
    )
    return result, margin
