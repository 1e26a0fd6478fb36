"""Static bargaining on one dimension: the median voter, the compromise, expected utility.

Pure functions over NumPy arrays. Positions are normalised to [0, 1]; arrays are shaped
``(runs, actors)`` and pairwise quantities ``(runs, actors, actors)``, indexed
``[run, i, j]`` for "i challenges j". Nothing here loops over runs or actor pairs.

The expected utility (EU) model is Bueno de Mesquita's, as formalised by Scholz, Calbert
and Smith (2011). Where its public replications differ, :class:`EUOptions` names the
choice; the defaults follow the deterministic replication of Scholz et al. (see
``docs/reference/bargaining.md``).

Win probabilities, the costly part, are computed from prefix sums over the sorted
positions in O(n^2 log n) per round instead of the O(n^3) sum over third parties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "EUOptions",
    "EURound",
    "EUTrace",
    "compromise",
    "eu_round",
    "expected_utilities",
    "median",
    "risk_exponents",
    "run_eu",
    "win_probabilities",
]

Array = npt.NDArray[np.float64]


def compromise(x: Array, w: Array) -> Array:
    """The weighted mean of positions ``x`` (runs, actors) under weights ``w``: (runs,).

    Where every weight is 0, the plain mean.
    """
    weight = w.sum(axis=-1)
    safe = np.where(weight > 0, weight, 1.0)
    weighted = (w * x).sum(axis=-1) / safe
    result: Array = np.where(weight > 0, weighted, x.mean(axis=-1))
    return result


def median(x: Array, w: Array) -> Array:
    """The Condorcet winner among the actors' positions under weighted pairwise votes.

    Position ``x_j`` beats ``x_k`` when the weighted distance of all voters to ``x_j`` is
    smaller, so the winner minimises the weighted sum of distances (a weighted median).
    Exact ties go to the position nearest the weighted mean, then to the lower one.
    """
    distance = np.abs(x[:, :, None] - x[:, None, :])  # [run, voter, candidate]
    total = np.einsum("ri,rij->rj", w, distance)
    best = total.min(axis=-1, keepdims=True)
    tied = total <= best + 1e-12 * np.maximum(1.0, np.abs(best))
    gap = np.where(tied, np.abs(x - compromise(x, w)[:, None]), np.inf)
    nearest = tied & (gap <= gap.min(axis=-1, keepdims=True) + 1e-12)
    winner: Array = np.where(nearest, x, np.inf).min(axis=-1)
    return winner


@dataclass(frozen=True)
class EUOptions:
    """The choices on which published versions of the EU model differ.

    - ``probability``: how votes make the probability that ``i`` beats ``j``.
      ``"net"``: the net vote for ``i`` over the total vote, floored at 0 (the Scholz
      replication); ``"share"``: the votes for ``i`` over all votes (Agents-In-Conflict);
      ``"share-without-challenger"``: the same without ``i``'s own vote (an earlier
      version of the Scholz replication).
    - ``mu``: the reference position of the "better" and "worse" utilities, the weighted
      ``"mean"`` (Scholz replication) or the ``"median"`` (Agents-In-Conflict).
    - ``last_term``: ``"minus"`` subtracts ``(1-Q)(T Ub + (1-T) Uw)`` as Scholz et al.
      publish it; ``"plus"`` adds it, as the Scholz replication's code does.
    - ``offer_order``: ``"utility-first"`` takes the offer with the highest expected
      utility, then the smallest move (Scholz); ``"move-first"`` the smallest move, then
      the highest utility (Agents-In-Conflict).
    - ``resolution``: ``"deterministic"``, the target of a conflict loses when its own
      utility is the smaller (Scholz); ``"stochastic"``, it loses with the challenger's
      probability of winning (Agents-In-Conflict).
    - ``salience``: ``"fixed"``, or ``"redraw"`` every actor's salience from U(0, 1) each
      round, as the Agents-In-Conflict experiments do.
    - ``q``, ``t``: the probability that the status quo holds, and that things get better
      if it does not. With ``q = 1`` (the default) ``mu`` and ``last_term`` do not matter.
    - ``threshold``: the expected utility above which an actor challenges.
    """

    probability: Literal["net", "share", "share-without-challenger"] = "net"
    mu: Literal["mean", "median"] = "mean"
    last_term: Literal["minus", "plus"] = "minus"
    offer_order: Literal["utility-first", "move-first"] = "utility-first"
    resolution: Literal["deterministic", "stochastic"] = "deterministic"
    salience: Literal["fixed", "redraw"] = "fixed"
    q: float = 1.0
    t: float = 1.0
    threshold: float = 0.0

    @property
    def stochastic(self) -> bool:
        return self.resolution == "stochastic" or self.salience == "redraw"


def win_probabilities(
    x: Array, w: Array, rule: Literal["net", "share", "share-without-challenger"] = "net"
) -> Array:
    """``p[r, i, j]``: the probability that ``i`` beats ``j``, from the actors' votes.

    Voter ``k`` gives ``w_k (|x_k - x_j| - |x_k - x_i|)`` to whichever side it is nearer.
    Under ``"share"`` ``p`` is the share of all votes that go to ``i``; under ``"net"`` it
    is the net vote for ``i``, floored at 0, over all votes. The sums come from prefix
    sums of the weights over the sorted positions: each pair needs only the voters left
    of, right of, and between its two positions. ``p`` is 0 where ``x_i == x_j``.
    """
    runs, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    zero = np.zeros((runs, 1))
    cum_w = np.concatenate([zero, np.cumsum(ws, axis=1)], axis=1)
    cum_wx = np.concatenate([zero, np.cumsum(ws * xs, axis=1)], axis=1)

    # One sorted array for all runs: run r's positions are shifted into [2r, 2r + 1].
    shift = 2.0 * np.arange(runs)[:, None, None]
    flat = (xs + shift[:, :, 0]).ravel()
    base = (n * np.arange(runs))[:, None, None]

    def rank(values: Array, side: Literal["left", "right"]) -> npt.NDArray[np.intp]:
        found = np.searchsorted(flat, (values + shift).ravel(), side=side)
        ranks: npt.NDArray[np.intp] = found.reshape(values.shape) - base
        return ranks

    xi, xj = x[:, :, None], x[:, None, :]
    low, high = np.minimum(xi, xj), np.maximum(xi, xj)
    gap = high - low
    mid = (low + high) / 2
    below = rank(low, "right")  # voters at or left of the lower position
    above = rank(high, "left")  # voters left of the higher position
    centre = rank(mid, "left")  # voters left of the midpoint

    def take(cum: Array, index: npt.NDArray[np.intp]) -> Array:
        return np.take_along_axis(cum, index.reshape(runs, -1), axis=1).reshape(index.shape)

    w_total = cum_w[:, -1][:, None, None]
    w_low, w_high = take(cum_w, below), w_total - take(cum_w, above)
    # Voters strictly between the two positions, split at the midpoint.
    w_lm = take(cum_w, centre) - take(cum_w, below)
    wx_lm = take(cum_wx, centre) - take(cum_wx, below)
    w_rm = take(cum_w, above) - take(cum_w, centre)
    wx_rm = take(cum_wx, above) - take(cum_wx, centre)
    left_pull = 2 * (mid * w_lm - wx_lm)  # votes of voters between, nearer the lower end
    right_pull = 2 * (wx_rm - mid * w_rm)  # ... nearer the higher end

    bottom = gap * (w_low + w_high) + left_pull + right_pull
    i_is_low = xi < xj
    top = np.where(i_is_low, gap * w_low + left_pull, gap * w_high + right_pull)
    if rule == "share-without-challenger":
        own = w[:, :, None] * gap  # the challenger always votes for itself, with its full gap
        top, bottom = top - own, bottom - own
    elif rule == "net":
        # Votes for i minus votes for j, region by region as above.
        lead = gap * (w_low - w_high) + left_pull - right_pull  # for the lower position
        top = np.maximum(np.where(i_is_low, lead, -lead), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where((gap > 0) & (bottom > 0), top / bottom, 0.0)
    result: Array = np.clip(p, 0.0, 1.0)
    return result


def expected_utilities(
    x: Array, s: Array, p: Array, r: Array | None, mu: Array, options: EUOptions
) -> Array:
    """``eu[r, i, j]``: i's expected utility of challenging j, given risk exponents ``r``.

    ``r=None`` means every actor is risk neutral (``r = 1``). Terms that the options make
    irrelevant (the passive ones when ``q = 1``) are not computed; the result is the same
    to the last bit.
    """
    xi, xj = x[:, :, None], x[:, None, :]
    ri = None if r is None else r[:, :, None]

    def utility(base: Array) -> Array:
        value: Array = 2 - 4 * (base if ri is None else base**ri)
        return value

    d = np.abs(xi - xj)
    success = utility(0.5 - 0.5 * d)
    failure = utility(0.5 + 0.5 * d)
    status_quo = utility(np.full_like(xi, 0.5))
    sj = s[:, None, :]
    eu: Array = sj * (p * success + (1 - p) * failure) + (1 - sj) * success
    eu = eu - options.q * status_quo
    if options.q != 1:
        d_mu = np.abs(xi - mu[:, None, None])
        better = utility(0.5 - 0.25 * (d_mu + d))
        worse = utility(0.5 + 0.25 * (d_mu + d))
        passive = (1 - options.q) * (options.t * better + (1 - options.t) * worse)
        eu = eu - passive if options.last_term == "minus" else eu + passive
    return np.where(xi == xj, 0.0, eu)


def risk_exponents(eu: Array) -> Array:
    """Each actor's risk exponent from its security: the utility others see in challenging it.

    ``R_i = (2 S_i - max S - min S) / (max S - min S)`` with ``S_i`` the sum of others'
    expected utilities of challenging ``i``; ``r_i = (1 - R_i/3) / (1 + R_i/3)``, from 0.5
    (risk averse) to 2 (risk acceptant). When all securities are equal (to 1e-12,
    relative), ``r = 1``: the published formula would divide by zero.
    """
    security = eu.sum(axis=1)  # eu[r, i, i] is 0, so this sums over challengers i != j
    high = security.max(axis=1, keepdims=True)
    low = security.min(axis=1, keepdims=True)
    spread = high - low
    # Securities equal up to rounding (two actors facing each other symmetrically, or
    # everyone at one position) leave R undefined: every actor is then risk neutral.
    level = np.maximum(1.0, np.maximum(np.abs(high), np.abs(low)))
    distinct = spread > 1e-12 * level
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(distinct, (2 * security - high - low) / spread, 0.0)
    result: Array = (1 - big_r / 3) / (1 + big_r / 3)
    return result


@dataclass(frozen=True)
class EURound:
    """One round's result: new positions, and the round's risk exponents and utilities."""

    positions: Array
    risk: Array
    eu: Array


def eu_round(
    x: Array, c: Array, s: Array, options: EUOptions = EUOptions(), draws: Array | None = None
) -> EURound:
    """One round of the EU model on positions ``x`` in [0, 1], shaped (runs, actors).

    ``c`` and ``s`` are capabilities and saliences (0-1), shaped like ``x``. ``draws``
    holds one U(0, 1) number per run and actor, used by stochastic conflict resolution.
    """
    w = c * s
    mu = median(x, w) if options.mu == "median" else compromise(x, w)
    p = win_probabilities(x, w, options.probability)
    eu_plain = expected_utilities(x, s, p, None, mu, options)
    r = risk_exponents(eu_plain)
    eu = expected_utilities(x, s, p, r, mu, options)
    return EURound(_resolve(x, p, eu, options, draws), r, eu)


def _resolve(x: Array, p: Array, eu: Array, options: EUOptions, draws: Array | None) -> Array:
    """Each target accepts at most one challenge and moves as the EU rules say."""
    n = x.shape[1]
    xi, xj = x[:, :, None], x[:, None, :]
    mine = np.swapaxes(eu, 1, 2)  # mine[r, i, j] = eu[r, j, i]: the target's own utility
    theirs = eu
    offered = (theirs > options.threshold) & ~np.eye(n, dtype=bool)[None]

    conflict = mine > 0
    if options.resolution == "stochastic":
        assert draws is not None, "stochastic resolution needs draws"
        loses = draws[:, None, :] < p  # the target loses with the challenger's win chance
    else:
        loses = mine < theirs
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(theirs != 0, np.abs(mine / theirs), 0.0)
    compromise_move = (mine < 0) & (np.abs(mine) < theirs)
    capitulate = (mine < 0) & (np.abs(mine) > theirs)
    outcome = np.where(
        conflict,
        np.where(loses, xi, xj),
        np.where(compromise_move, xj + (xi - xj) * ratio, np.where(capitulate, xi, xj)),
    )
    if options.offer_order == "utility-first":
        # The highest utility, then the challenger nearest the target (Scholz).
        first = np.where(offered, -theirs, np.inf)
        second = np.where(offered, np.abs(xi - xj), np.inf)
    else:
        # The smallest expected move, then the highest utility (Agents-In-Conflict); a
        # conflict is expected to end where the target's chance of winning puts it.
        held = np.swapaxes(p, 1, 2)
        expected = np.where(conflict, held * xj + (1 - held) * xi, outcome)
        first = np.where(offered, np.abs(expected - xj), np.inf)
        second = np.where(offered, -theirs, np.inf)
    keep = offered & (first == first.min(axis=1, keepdims=True))
    second = np.where(keep, second, np.inf)
    keep &= second == second.min(axis=1, keepdims=True)
    key = np.where(keep, xi, np.inf)  # still tied: the lower challenger, then the first one
    keep &= key == key.min(axis=1, keepdims=True)
    chosen = np.argmax(keep, axis=1)  # (runs, targets)
    has_offer = keep.any(axis=1)
    new = np.take_along_axis(outcome, chosen[:, None, :], axis=1)[:, 0, :]
    result: Array = np.where(has_offer, new, x)
    return result


@dataclass(frozen=True)
class EUTrace:
    """Positions before each round and after the last, shaped (runs, rounds + 1, actors),
    and each round's risk exponents, shaped (runs, rounds, actors)."""

    positions: Array
    risk: Array


def run_eu(
    x: Array,
    c: Array,
    s: Array,
    rounds: int,
    options: EUOptions = EUOptions(),
    draws: Array | None = None,
    saliences: Array | None = None,
) -> EUTrace:
    """Run ``rounds`` rounds of the EU model from positions ``x`` (runs, actors).

    ``draws`` (runs, rounds, actors) feeds stochastic resolution; ``saliences`` (runs,
    rounds, actors) replaces ``s`` in each round when saliences are redrawn.
    """
    positions = [x]
    risks = []
    for k in range(rounds):
        salience = s if saliences is None else saliences[:, k, :]
        step = eu_round(
            positions[-1], c, salience, options, None if draws is None else draws[:, k, :]
        )
        positions.append(step.positions)
        risks.append(step.risk)
    risk = np.stack(risks, axis=1) if risks else np.zeros((x.shape[0], 0, x.shape[1]))
    return EUTrace(np.stack(positions, axis=1), risk)
