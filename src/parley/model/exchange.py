"""The exchange model of vote trading between issues, in its equal-gain form.

Stokman and Van Oosten (1994) let two actors trade voting positions on two issues: each
moves on the issue it cares less about, towards the other's position, so that the
outcome of the issue it cares more about moves its way. The outcome of an issue is the
weighted mean of the actors' voting positions, with weights capability x salience.
Among all the trades that are possible, the one with the largest gain is made first,
the others are recomputed, and so on until none is left; then a new round starts from
positions that have moved part of the way towards the voting positions.

Source: Stokman, F. N. and Van Oosten, R. (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita and Stokman (eds.),
*European Community Decision Making*, Yale University Press. Parley follows the
equal-gain model as the public implementation decide-exchange-model
(foarsitter/decide-exchange-model) codes it, rule for rule: on decide's example data the
two make the same exchanges and agree to 1e-13, except where decide's 28-digit decimal
rounding, not its rules, decides a tie or whether an outcome passes a position.
``docs/reference/exchange-model.md`` states every rule and each difference. Positions
are normalised to [0, 1] inside; results are reported on each issue's scale.

The search for exchanges, and each recomputation after an exchange, are vectorized over
all candidate exchanges (actor pairs x issue pairs). Only the execution of exchanges is
a loop, one exchange at a time, because each exchange changes the terms of the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

__all__ = ["TOLERANCE", "Exchange", "ExchangeResult", "run_exchange"]

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]

TOLERANCE = 1e-9
"""The margin of every decision in the model, on the normalised [0, 1] position scale.

An actor within this distance of the outcome counts as being on it (left of it); a move
or a gain no larger than this is no exchange; gains this close are tied; an outcome must
pass an actor's position by more than this to count as passing it; positions may leave
[0, 1] by this much. The plain-loop reference in the tests uses the same constant.
"""


@dataclass(frozen=True)
class Exchange:
    """One exchange: actor ``i`` moves on issue ``p`` towards ``j``'s position there, and
    ``j`` moves on ``q`` towards ``i``'s.

    ``move_i`` and ``position_i`` are ``i``'s move and resulting voting position on
    ``p``, on ``p``'s scale (likewise for ``j`` on ``q``). ``gain_i`` is ``i``'s expected
    gain: the shift of the outcome of ``q`` towards ``i`` times ``i``'s salience on
    ``q``, less the shift of ``p`` away from ``i`` times its salience on ``p``, with
    shifts on the normalised [0, 1] scale. In the equal-gain model the two gains are
    equal and never negative.
    """

    i: int
    j: int
    p: int
    q: int
    move_i: float
    move_j: float
    position_i: float
    position_j: float
    gain_i: float
    gain_j: float


@dataclass(frozen=True)
class ExchangeResult:
    """What the exchange model predicts, on each issue's scale.

    - ``preferences``: positions at the start of each round and after the last,
      ``(rounds + 1, actors, issues)``; round 0 holds the input.
    - ``voting``: voting positions after each round's exchanges,
      ``(rounds, actors, issues)``.
    - ``preference_outcomes`` and ``voting_outcomes``: the weighted means of those,
      ``(rounds + 1, issues)`` and ``(rounds, issues)``.
    - ``exchanges``: the exchanges of each round, in the order they were made.

    NaN marks an actor that takes no part in an issue.
    """

    preferences: Array
    voting: Array
    preference_outcomes: Array
    voting_outcomes: Array
    exchanges: tuple[tuple[Exchange, ...], ...]

    @property
    def outcome(self) -> Array:
        """The predicted outcome of each issue: the weighted mean of the voting positions
        after the last round, shaped ``(issues,)``."""
        last: Array = self.voting_outcomes[-1]
        return last

    @property
    def positions(self) -> Array:
        """The voting positions after the last round, shaped ``(actors, issues)``."""
        last: Array = self.voting[-1]
        return last


def run_exchange(
    capability: npt.ArrayLike,
    positions: npt.ArrayLike,
    salience: npt.ArrayLike,
    *,
    scales: Sequence[tuple[float, float]] | None = None,
    rounds: int = 10,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
) -> ExchangeResult:
    """Run ``rounds`` rounds of the equal-gain exchange model.

    ``capability`` is shaped ``(actors,)`` (or ``(actors, issues)``, a power per issue,
    as decide's input files allow); ``positions`` and ``salience`` are shaped ``(actors,
    issues)``, saliences on 0-1. A NaN position marks an actor that takes no part in an
    issue; an actor with a salience or capability of 0 on an issue counts towards nothing
    there. Neither can trade on that issue. ``scales`` gives each issue's ``(low,
    high)``; without it, positions are taken to be on [0, 1].

    After each round an actor that moved on an issue starts the next from
    ``x + (fixed_weight + salience_weight * (1 - s)) * (y - x)``, from its position
    ``x`` towards its voting position ``y``. The defaults are those of decide's command
    line: 10 rounds, weights 0.4 and 0.1.
    """
    x, s, w, low, width = _inputs(capability, positions, salience, scales)
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    part = np.isfinite(x) & (w > 0)
    total = w.sum(axis=0)
    preferences, voting, made = [x], [], []
    for _ in range(rounds):
        x0 = preferences[-1]
        y, moved, exchanges = _round(x0, s, w, part, total)
        voting.append(y)
        made.append(exchanges)
        shift = fixed_weight + salience_weight * (1 - s)
        # decide writes (1 - s) sw y + fw y + (1 - (1 - s) sw - fw) x; the same sum.
        start = (1 - s) * salience_weight * y + fixed_weight * y + (1 - shift) * x0
        preferences.append(np.where(moved, start, x0))
    pref = np.stack(preferences)
    vote = np.stack(voting)
    records = tuple(tuple(_record(e, low, width) for e in exchanges) for exchanges in made)
    return ExchangeResult(
        preferences=_frozen(pref * width + low),
        voting=_frozen(vote * width + low),
        preference_outcomes=_frozen(_outcomes(pref, w) * width + low),
        voting_outcomes=_frozen(_outcomes(vote, w) * width + low),
        exchanges=records,
    )


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


def _inputs(
    capability: npt.ArrayLike,
    positions: npt.ArrayLike,
    salience: npt.ArrayLike,
    scales: Sequence[tuple[float, float]] | None,
) -> tuple[Array, Array, Array, Array, Array]:
    """Validated inputs: positions on [0, 1], saliences, weights, and each issue's scale."""
    raw = np.array(positions, dtype=np.float64)
    s = np.array(salience, dtype=np.float64)
    c = np.array(capability, dtype=np.float64)
    if raw.ndim != 2 or s.shape != raw.shape:
        raise ValueError("positions and salience must both be shaped (actors, issues)")
    n, m = raw.shape
    if c.shape == (n,):
        c = np.broadcast_to(c[:, None], (n, m))
    if c.shape != (n, m):
        raise ValueError("capability must be shaped (actors,) or (actors, issues)")
    if not (np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))):
        raise ValueError("saliences must be on 0-1")
    if not (np.all(np.isfinite(c)) and np.all(c >= 0)):
        raise ValueError("capabilities must be finite and not negative")
    if scales is None:
        low, high = np.zeros(m), np.ones(m)
    else:
        bounds = np.array(scales, dtype=np.float64)
        if bounds.shape != (m, 2):
            raise ValueError("scales must give one (low, high) per issue")
        low, high = bounds[:, 0], bounds[:, 1]
    width = high - low
    if not np.all(width > 0):
        raise ValueError("each scale must have high > low")
    x = (raw - low) / width
    if np.any(np.isinf(raw)) or np.any((x < -TOLERANCE) | (x > 1 + TOLERANCE)):
        raise ValueError("positions must lie on their issue's scale")
    x = np.clip(x, 0.0, 1.0)
    w = np.where(np.isfinite(x), c * s, 0.0)
    return x, s, w, low, width


def _outcomes(x: Array, w: Array) -> Array:
    """The weighted mean of positions ``x`` (..., actors, issues) per issue; where no
    actor has weight, the plain mean of those who take part."""
    known = np.isfinite(x)
    xz = np.where(known, x, 0.0)
    weight = w.sum(axis=0)
    safe = np.where(weight > 0, weight, 1.0)
    weighted = (w * xz).sum(axis=-2) / safe
    count = known.sum(axis=-2)
    with np.errstate(invalid="ignore"):
        plain = xz.sum(axis=-2) / count
    result: Array = np.where(weight > 0, weighted, plain)
    return result


def _record(e: Exchange, low: Array, width: Array) -> Exchange:
    """``e``'s moves and positions from the normalised scale to their issues' scales."""
    wp, wq = float(width[e.p]), float(width[e.q])
    return replace(
        e,
        move_i=e.move_i * wp,
        move_j=e.move_j * wq,
        position_i=e.position_i * wp + float(low[e.p]),
        position_j=e.position_j * wq + float(low[e.q]),
    )


class _Side:
    """One side of every candidate exchange: the actor, the issue it moves on (its supply
    issue) and the one it wants the other to move on (its demand issue), its own position
    on the demand issue, its current voting position on the supply issue, and the moves
    worked out for it so far (the last, and the sum, least and greatest of the others).
    """

    def __init__(
        self,
        actor: Index,
        supply: Index,
        demand: Index,
        x: Array,
        s: Array,
        w: Array,
        total: Array,
        slot: int,
    ) -> None:
        k = len(actor)
        self.actor, self.supply, self.demand, self.slot = actor, supply, demand, slot
        self.own = x[actor, demand]
        self.start = x[actor, supply]
        self.at = self.start.copy()
        self.s_supply, self.s_demand = s[actor, supply], s[actor, demand]
        self.weight, self.total = w[actor, supply], total[supply]
        self.last, self.y = np.zeros(k), np.zeros(k)
        self.sum, self.low, self.high = np.zeros(k), np.full(k, np.inf), np.full(k, -np.inf)

    def moves_ok(self, k: Index) -> Mask:
        """decide's test of the last move: not too small or large, staying on the scale,
        and in the same direction as every move worked out before for the side."""
        last = self.last[k]
        size, lands = np.abs(last), self.at[k] + last
        same = (np.maximum(self.high[k], last) < 0) | (np.minimum(self.low[k], last) > 0)
        ok: Mask = (
            (size > TOLERANCE)
            & (size <= 1 + TOLERANCE)
            & (lands >= -TOLERANCE)
            & (lands <= 1 + TOLERANCE)
            & (self.sum[k] + last <= 1 + TOLERANCE)
            & same
        )
        return ok

    def keep_last(self, k: Index) -> None:
        """Move the last move of ``k`` into the history, before a new one is worked out."""
        self.sum[k] += self.last[k]
        self.low[k] = np.minimum(self.low[k], self.last[k])
        self.high[k] = np.maximum(self.high[k], self.last[k])


class _Candidates:
    """Every exchange possible in a round, one per (issue pair, actor pair).

    Side ``a`` moves on issue ``q`` and wants ``b`` to move on ``p``; ``b`` the other way
    round. ``a`` is the one of the two with the higher ratio of salience on ``p`` to
    salience on ``q``. ``known[k, slot, actor]`` holds the voting positions that exchanges
    already made have given other actors on candidate ``k``'s issues (slot 0 for ``p``,
    1 for ``q``; NaN where none is known), which decide uses to place the outcome.
    """

    def __init__(self, x: Array, s: Array, w: Array, part: Mask, total: Array) -> None:
        n, m = x.shape
        self.x, self.w, self.total = x, w, total
        self.sum_wx = np.where(part, w * np.nan_to_num(x), 0.0).sum(axis=0)
        outcome = self.sum_wx / np.where(total > 0, total, 1.0)
        left = part & (x <= outcome + TOLERANCE)
        first, second = np.triu_indices(m, k=1)  # the order of itertools.combinations
        both = part[:, first] & part[:, second]  # (actors, pairs)
        group = np.where(both, left[:, first] + 2 * left[:, second], -1)
        gi, gj = group.T[:, :, None], group.T[:, None, :]  # (pairs, i, j)
        # Groups: 0 right of both outcomes, 3 left of both, 1 left of p only, 2 of q only.
        allowed = np.stack([(gi == 0) & (gj == 3), (gi == 1) & (gj == 2)], axis=1)
        pair, _, i, j = np.nonzero(allowed)
        p, q = first[pair], second[pair]
        swap = s[i, p] * s[j, q] < s[j, p] * s[i, q]
        self.p, self.q = p, q
        self.a = _Side(np.where(swap, j, i), q, p, x, s, w, total, slot=1)
        self.b = _Side(np.where(swap, i, j), p, q, x, s, w, total, slot=0)
        self.gain = np.zeros(len(p))
        self.valid = np.zeros(len(p), dtype=bool)
        self.known = np.full((len(p), 2, n), np.nan)

    def calculate(self, k: Index) -> None:
        """Work out the equal-gain moves of candidates ``k`` from their current state."""
        a, b = self.a, self.b
        far_a = np.abs(b.own[k] - a.at[k])  # a's way to b's position on q
        far_b = np.abs(a.own[k] - b.at[k])
        sap, saq, sbp, sbq = a.s_demand[k], a.s_supply[k], b.s_supply[k], b.s_demand[k]
        # First b moves all the way to a on p, and a moves on q for an equal gain.
        dp = far_b * b.weight[k] / b.total[k]
        dq = dp * (sap + sbp) / (saq + sbq)
        move_a, move_b = dq * a.total[k] / a.weight[k], far_b
        # If a would pass b's position, a moves all the way instead and b less.
        over = move_a > far_a
        dq2 = far_a * a.weight[k] / a.total[k]
        dp2 = dq2 * (saq + sbq) / (sap + sbp)
        move_a = np.where(over, far_a, move_a)
        move_b = np.where(over, dp2 * b.total[k] / b.weight[k], move_b)
        dp, dq = np.where(over, dp2, dp), np.where(over, dq2, dq)
        a.last[k] = np.where(a.at[k] > b.own[k], -move_a, move_a)
        b.last[k] = np.where(b.at[k] > a.own[k], -move_b, move_b)
        a.y[k], b.y[k] = a.at[k] + a.last[k], b.at[k] + b.last[k]
        self.gain[k] = np.abs(dq * saq - dp * sap)
        ok = a.moves_ok(k) & b.moves_ok(k) & (self.gain[k] > TOLERANCE)
        self.valid[k] = ok
        k = k[ok]
        self._hold(k, a, b)
        self._hold(k, b, a)
        self.valid[k] = a.moves_ok(k) & b.moves_ok(k)

    def _hold(self, k: Index, mover: _Side, other: _Side) -> None:
        """Shorten the moves of ``k`` where ``mover``'s move would carry the outcome of its
        issue past ``other``'s position there, given the positions ``k`` knows of."""
        issue, actor, weight, total = (
            mover.supply[k],
            mover.actor[k],
            mover.weight[k],
            mover.total[k],
        )
        at, target = mover.at[k], other.own[k]
        known = self.known[k, mover.slot, :]
        has = np.isfinite(known)
        x_issue, w_issue = self.x[:, issue].T, self.w[:, issue].T  # (k, actors)
        base = self.sum_wx[issue] + np.where(has, w_issue * (known - x_issue), 0.0).sum(axis=1)
        rows = np.arange(len(k))
        known_self = has[rows, actor]
        rest = base - weight * np.where(known_self, known[rows, actor], self.x[actor, issue])
        before = (rest + weight * at) / total
        after = (rest + weight * mover.y[k]) / total
        # decide shortens the move where the position lies strictly between the outcomes
        # before and after it; within the tolerance, an outcome at the position is not
        # past it.
        crossed = ((before < target - TOLERANCE) & (after > target + TOLERANCE)) | (
            (before > target + TOLERANCE) & (after < target - TOLERANCE)
        )
        c, at, target = k[crossed], at[crossed], target[crossed]
        # decide measures the shift from an outcome in which a position known for the
        # mover itself stands in for its own (it applies the known positions last).
        reference = np.where(known_self, base / total, before)[crossed]
        shift = np.abs(target - reference)
        # The other side's move, for an equal gain: its issue shifts in the same ratio.
        ratio = (mover.s_supply[c] + other.s_demand[c]) / (mover.s_demand[c] + other.s_supply[c])
        shift_other = shift * ratio
        move = shift * total[crossed] / weight[crossed]
        move_other = shift_other * other.total[c] / other.weight[c]
        mover.last[c] = np.where(at > target, -move, move)
        other.last[c] = np.where(other.at[c] > mover.own[c], -move_other, move_other)
        mover.y[c], other.y[c] = mover.at[c] + mover.last[c], other.at[c] + other.last[c]
        self.gain[c] = np.abs(shift_other * other.s_supply[c] - shift * other.s_demand[c])

    def order(self, alive: Index, rank: Index) -> Index:
        """``alive`` sorted by gain, highest first; gains within the tolerance count as
        equal and keep their previous order (decide sorts its list stably each time)."""
        first = alive[np.lexsort((rank[alive], -self.gain[alive]))]
        g = self.gain[first]
        group = np.concatenate([[0], np.cumsum(g[:-1] - g[1:] > TOLERANCE)])
        ordered: Index = first[np.lexsort((rank[first], group))]
        return ordered

    def after(self, e: int, alive: Index) -> None:
        """Recompute the candidates ``alive`` that the exchange ``e`` just made touches."""
        redo = np.zeros(len(alive), dtype=bool)
        # A side that moves an actor on an issue that e moved it on starts from there, and
        # keeps the move worked out before in its history.
        for side in (self.a, self.b):
            for done in (self.a, self.b):
                hit = (side.actor[alive] == done.actor[e]) & (side.supply[alive] == done.supply[e])
                k = alive[hit]
                side.at[k] = done.y[e]
                side.keep_last(k)
                redo |= hit
        # A candidate in which one side is e's beneficiary on the same issue (the actor
        # for whom e's mover moved, wanting the same issue) learns the mover's position.
        for mover, beneficiary in ((self.a, self.b), (self.b, self.a)):
            hit = np.zeros(len(alive), dtype=bool)
            for side in (self.a, self.b):
                hit |= (side.actor[alive] == beneficiary.actor[e]) & (
                    side.demand[alive] == beneficiary.demand[e]
                )
            k = alive[hit]
            actor, issue, y = mover.actor[e], mover.supply[e], mover.y[e]
            slot = (self.q[k] == issue).astype(np.intp)
            old = self.known[k, slot, actor]
            # decide keeps, of two positions learnt for one actor, the one nearer to where
            # the actor started the round.
            nearer = np.where(mover.start[e] <= old, np.minimum(old, y), np.maximum(old, y))
            self.known[k, slot, actor] = np.where(np.isnan(old), y, nearer)
            redo |= hit
        self.calculate(alive[redo])


def _round(
    x: Array, s: Array, w: Array, part: Mask, total: Array
) -> tuple[Array, Mask, list[Exchange]]:
    """One round: every exchange that can be made, best first. Returns the voting
    positions, which of them an exchange moved, and the exchanges."""
    cands = _Candidates(x, s, w, part, total)
    k = len(cands.p)
    cands.calculate(np.arange(k))
    rank = np.arange(k)
    alive = np.flatnonzero(cands.valid)
    made: list[Exchange] = []
    y = x.copy()
    moved = np.zeros(x.shape, dtype=bool)
    while len(alive):
        ordered = cands.order(alive, rank)
        rank[ordered] = np.arange(len(ordered))
        e = int(ordered[0])
        rest = ordered[1:]
        cands.after(e, rest)
        alive = rest[cands.valid[rest]]
        made.append(_made(cands, e))
        for side in (cands.a, cands.b):
            y[side.actor[e], side.supply[e]] = side.y[e]
            moved[side.actor[e], side.supply[e]] = True
    return y, moved, made


def _made(c: _Candidates, e: int) -> Exchange:
    """Candidate ``e`` as a record on the normalised scale: ``i`` is side ``b``, the one
    that moves on ``p``."""
    a, b = c.a, c.b
    shift_p = abs(b.last[e]) * b.weight[e] / b.total[e]
    shift_q = abs(a.last[e]) * a.weight[e] / a.total[e]
    return Exchange(
        i=int(b.actor[e]),
        j=int(a.actor[e]),
        p=int(c.p[e]),
        q=int(c.q[e]),
        move_i=float(b.last[e]),
        move_j=float(a.last[e]),
        position_i=float(b.y[e]),
        position_j=float(a.y[e]),
        gain_i=float(shift_q * b.s_demand[e] - shift_p * b.s_supply[e]),
        gain_j=float(shift_p * a.s_demand[e] - shift_q * a.s_supply[e]),
    )
