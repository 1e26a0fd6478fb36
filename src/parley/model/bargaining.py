"""Static bargaining on one dimension: the median voter, the compromise, expected utility.

Pure functions over NumPy arrays. Positions are normalised to [0, 1]; arrays are shaped
``(runs, actors)`` and pairwise quantities ``(runs, actors, actors)``, indexed
``[run, i, j]`` for "i challenges j". Nothing here loops over actor pairs.

The expected utility (EU) model is Bueno de Mesquita's, as formalised by Scholz, Calbert
and Smith (2011). Where its public replications differ, :class:`EUOptions` names the
choice; the defaults follow the deterministic replication of Scholz et al. (see
``docs/reference/bargaining.md``). Every decision in a round compares two numbers up to
:data:`TOLERANCE`.

How a round is computed (``docs/reference/bargaining.md``, "Speed and memory"): the
actors are sorted by position, and pairwise arrays are laid out target first,
``[run, j, i]``, so that a target's challengers are contiguous. The win probabilities come
from running sums over the sorted positions, in O(n^2) instead of the O(n^3) sum over third
parties, and the risk-neutral utilities only as the sums that the risk exponents need. The
pairs are taken in blocks of targets small enough to stay in the processor's cache (each
operation still covers thousands of pairs), so that a round keeps only the win
probabilities and the utilities as whole n x n arrays; :func:`run_eu` takes runs in
chunks of at most :data:`CHUNK_PAIRS` actor pairs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "CHUNK_PAIRS",
    "TOLERANCE",
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
Index = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]
Rule = Literal["net", "share", "share-without-challenger"]
_T = TypeVar("_T", np.float64, np.intp, np.bool_)

TOLERANCE = 1e-12
"""The absolute tolerance of every decision: two numbers closer than this count as equal,
and a number within it of 0 counts as 0 ("a > b" is read "a > b + TOLERANCE").

What is compared is utilities, which lie in [-4, 4], positions and moves on the
normalised scale [0, 1], and means of such numbers (the median compares mean distances,
the risk exponents mean securities). Rounding leaves them wrong by about 1e-15: two
implementations that add in different orders disagree by that much, so a decision
closer than that is decided by the order of additions, as when a utility of 2.2e-16
against an exact 0 moved five actors 31 points (issue 14). 1e-12 is a thousand times
that, so no such decision remains; and it is small enough that parley still follows the
Scholz replication, round by round, on every case checked: actors at one position
challenge with utilities that differ by only 1e-10 to 1e-9, through their risk
exponents, and a tolerance of 1e-9 would call such real differences ties.
"""

CHUNK_PAIRS = 2**20
"""The most actor pairs (runs x actors x actors) that :func:`run_eu` works on at once,
8 MiB for each n x n array of a round. More runs are taken in chunks, one after another,
and a run's result does not depend on its chunk."""

_BLOCK = 2**16
"""Pairs per block of a round (512 KiB per array of the block)."""


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
    Ties (sums whose difference, over the total weight, is within :data:`TOLERANCE`) go to
    the position nearest the weighted mean (within :data:`TOLERANCE`), then to the lower.
    """
    _, actors = _sort(x, w)
    cum_w, cum_wx = actors.cum_w, actors.cum_wx
    weight, moment = cum_w[:, -1:], cum_wx[:, -1:]
    upto_w, upto_wx = actors.upto(cum_w), actors.upto(cum_wx)
    left = actors.x * upto_w - upto_wx  # distances to the voters at or left of each
    right = (moment - upto_wx) - actors.x * (weight - upto_w)
    total = left + right
    tied = total <= total.min(axis=-1, keepdims=True) + TOLERANCE * weight
    gap = np.where(tied, np.abs(actors.x - compromise(x, w)[:, None]), np.inf)
    nearest = tied & (gap <= gap.min(axis=-1, keepdims=True) + TOLERANCE)
    winner: Array = np.where(nearest, actors.x, np.inf).min(axis=-1)
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


class _Actors(NamedTuple):
    """A run's actors per row, sorted by position (stably): positions ``x``, weights
    ``w``, the first and last sorted actor at each one's position, and running sums of the
    weight and of weight times position over the first k actors, k = 0..n."""

    x: Array
    w: Array
    first: Index
    last: Index
    cum_w: Array
    cum_wx: Array

    def below(self, cum: Array) -> Array:
        """A running sum over the actors strictly left of each actor."""
        result: Array = np.take_along_axis(cum, self.first, axis=1)
        return result

    def upto(self, cum: Array) -> Array:
        """A running sum over the actors at or left of each actor."""
        result: Array = np.take_along_axis(cum, self.last + 1, axis=1)
        return result


def _sort(x: Array, w: Array) -> tuple[Index, _Actors]:
    """The actors' order by position, and the actors in it."""
    order = np.argsort(x, axis=1, kind="stable")
    xs, ws = np.take_along_axis(x, order, axis=1), np.take_along_axis(w, order, axis=1)
    runs, n = xs.shape
    index = np.arange(n)
    new = np.ones(xs.shape, dtype=bool)  # the first actor at each position
    new[:, 1:] = xs[:, 1:] != xs[:, :-1]
    first = np.maximum.accumulate(np.where(new, index, 0), axis=1)
    end = np.ones(xs.shape, dtype=bool)  # the last one
    end[:, :-1] = new[:, 1:]
    last = np.minimum.accumulate(np.where(end, index, n)[:, ::-1], axis=1)[:, ::-1]
    zero = np.zeros((runs, 1))
    cum_w = np.concatenate([zero, np.cumsum(ws, axis=1)], axis=1)
    cum_wx = np.concatenate([zero, np.cumsum(ws * xs, axis=1)], axis=1)
    return order, _Actors(xs, ws, first, last, cum_w, cum_wx)


def _unsort(values: Array, order: Index) -> Array:
    """Values per sorted actor, (runs, actors), back in the actors' own order."""
    result = np.empty_like(values)
    np.put_along_axis(result, order, values, axis=1)
    return result


def _unsort_pairs(target_first: Array, order: Index) -> Array:
    """A pairwise array over sorted actors, target first, as ``[run, i, j]`` over the
    actors in their own order (a transposed view)."""
    inverse = np.argsort(order, axis=1)
    if len(order) == 1:  # the same numbers, gathered faster
        both = target_first[0].take(inverse[0], axis=0).take(inverse[0], axis=1)[None]
    else:
        rows = np.take_along_axis(target_first, inverse[:, :, None], axis=1)
        both = np.take_along_axis(rows, inverse[:, None, :], axis=2)
    result: Array = np.swapaxes(both, 1, 2)
    return result


class _Blocks:
    """The pairs of a round in blocks of about ``_BLOCK``, each (runs, targets): whole
    runs when runs are small, else a few targets of one run. ``floats``, ``indices`` and
    ``masks`` give arrays shaped like the largest block, for every block to reuse: fresh
    arrays for each block would cost more than the arithmetic on them."""

    def __init__(self, runs: int, n: int) -> None:
        self.runs, self.n = runs, n
        self.per_run = min(runs, max(1, _BLOCK // (n * n)))
        self.rows = min(n, max(1, _BLOCK // n))

    def __iter__(self) -> Iterator[tuple[slice, slice]]:
        for start in range(0, self.runs, self.per_run):
            for first in range(0, self.n, self.rows):
                yield slice(start, start + self.per_run), slice(first, first + self.rows)

    def floats(self, count: int) -> list[Array]:
        return list(np.empty((count, self.per_run, self.rows, self.n)))

    def indices(self, count: int) -> list[Index]:
        return list(np.empty((count, self.per_run, self.rows, self.n), dtype=np.intp))

    def masks(self, count: int) -> list[Mask]:
        return list(np.empty((count, self.per_run, self.rows, self.n), dtype=bool))


def _fit(arrays: list[npt.NDArray[_T]], runs: int, rows: int) -> list[npt.NDArray[_T]]:
    """The first ``runs`` runs and ``rows`` targets of each work array (the last block
    may be smaller)."""
    return [a[:runs, :rows] for a in arrays]


class _Grid(NamedTuple):
    """Where twice the positions fall on a grid of ``size`` equal cells spanning each run's
    range, for finding midpoints among positions. Per run, the grid's origin and scale;
    per cell (and one past the end): the number of actors in lower cells, the lowest
    doubled position in the cell (inf if none), and the number of actors in lower cells or
    at that position, or -1 if the cell holds other positions too."""

    size: int
    origin: Array
    scale: Array
    before: Index
    lowest: Array
    upto: Index


def _grid(actors: _Actors, block: slice) -> _Grid:
    """The grid of the runs ``block``."""
    x, last = actors.x[block], actors.last[block]
    runs, n = x.shape
    size = 16 << (n - 1).bit_length()  # a power of two, 16 to 32 cells per actor
    doubled = 2 * x
    origin = doubled[:, :1]
    span = doubled[:, -1:] - origin
    scale = np.where(span > 0, size / np.where(span > 0, span, 1.0), 0.0)
    cell = ((doubled - origin) * scale).astype(np.intp) + (size + 1) * np.arange(runs)[:, None]
    counts = np.bincount(cell.ravel(), minlength=runs * (size + 1)).reshape(runs, size + 1)
    before = np.cumsum(counts, axis=1) - counts
    start = np.minimum(before, n - 1)  # the first actor in each cell that holds one
    held = counts > 0
    lowest = np.where(held, np.take_along_axis(doubled, start, axis=1), np.inf)
    upto = np.take_along_axis(last, start, axis=1) + 1  # past the lowest position
    alone = ~held | (upto - before == counts)
    return _Grid(size, origin, scale, before, lowest, np.where(alone, upto, -1))


def _midpoint_ranks(
    actors: _Actors, grid: _Grid, runs: slice, total: Array, rank: Index, work: list[Array]
) -> None:
    """Into ``rank``: for each sum of two positions in ``total`` (a block of the runs
    ``runs``, shaped (runs, targets, actors), and ``grid`` theirs), how many actors of its
    run lie strictly left of the midpoint, exactly. ``work``: two float arrays shaped like
    ``total``.

    The grid cell of a sum (a monotone map, the same as the positions') gives the actors
    in lower cells and the one position a cell usually holds; where a cell holds several,
    a binary search over (run, position) pairs, ordered as complex numbers, finds the rank.
    """
    block = total.shape[0]
    scaled, lowest = work
    np.subtract(total, grid.origin[:, :, None], out=scaled)
    scaled *= grid.scale[:, :, None]
    cell = scaled.astype(np.intp)  # sums lie between the doubled extremes, so on the grid
    if block > 1:
        cell += ((grid.size + 1) * np.arange(block))[:, None, None]
    np.take(grid.lowest.ravel(), cell, out=lowest, mode="clip")
    np.take(grid.before.ravel(), cell, out=rank, mode="clip")
    upto = np.take(grid.upto.ravel(), cell, mode="clip")
    upto -= rank  # the actors at the cell's lowest position, or < 0
    upto *= lowest < total
    rank += upto
    crowded = np.flatnonzero(upto < 0)
    if len(crowded):
        run = crowded // (total.shape[1] * total.shape[2])
        pairs = (np.arange(block)[:, None] + 2j * actors.x[runs]).ravel()
        found = np.searchsorted(pairs, run + 1j * total.flat[crowded])
        rank.flat[crowded] = found - actors.x.shape[1] * run


def win_probabilities(x: Array, w: Array, rule: Rule = "net") -> Array:
    """``p[r, i, j]``: the probability that ``i`` beats ``j``, from the actors' votes.

    Voter ``k`` gives ``w_k (|x_k - x_j| - |x_k - x_i|)`` to whichever side it is nearer.
    Under ``"share"`` ``p`` is the share of all votes that go to ``i``; under ``"net"`` it
    is the net vote for ``i``, floored at 0, over all votes; ``"share-without-challenger"``
    leaves ``i``'s own vote out of both. ``p`` is 0 where ``x_i == x_j``.
    """
    order, actors = _sort(x, w)
    p, _, _ = _probabilities(actors, rule)
    return _unsort_pairs(p, order)


def _probabilities(actors: _Actors, rule: Rule) -> tuple[Array, Array, Array]:
    """The win probabilities over sorted actors, target first (``p[r, j, i]``, that ``i``
    beats ``j``), and per target the sums over challengers of ``|x_i - x_j|`` and of
    ``|x_i - x_j| p``.

    Each pair needs only the voters left of, right of, and between its two positions,
    the last split at the midpoint: running sums of the weights over the sorted actors
    give them, exact to about ``1e-16 / gap`` (``gap``: the distance between the two).
    """
    runs, n = actors.x.shape
    if (actors.x[:, 0] < 0).any():
        # The running sums of w x below grow along the sorted actors only if no position is
        # negative (never so after normalisation): shifting a run's positions moves no vote.
        x = actors.x - np.minimum(actors.x[:, :1], 0.0)
        moments = np.cumsum(actors.w * x, axis=1)
        actors = actors._replace(x=x, cum_wx=np.concatenate([actors.cum_w[:, :1], moments], axis=1))
    cum_w, cum_wx = actors.cum_w, actors.cum_wx
    weight = cum_w[:, -1:, None]
    w_upto, wx_upto = actors.upto(cum_w), actors.upto(cum_wx)  # at or left of each
    w_below, wx_below = actors.below(cum_w), actors.below(cum_wx)  # left of each
    p = np.empty((runs, n, n))
    spread, held = np.empty((runs, n)), np.empty((runs, n))
    blocks = _Blocks(runs, n)
    floats, ranks = blocks.floats(11), blocks.indices(1)
    for block, targets in blocks:
        if targets.start == 0:  # a new block of runs: its grid
            grid = _grid(actors, block)
        x = actors.x[block]
        xi, xj = x[:, None, :], x[:, targets, None]
        size = xj.shape[:2]
        gap, mid, low, low_x, under, under_x, centre, centre_x, left, right, spare = _fit(
            floats, *size
        )
        (rank,) = _fit(ranks, *size)
        np.subtract(xi, xj, out=gap)
        np.abs(gap, out=gap)
        np.add(xi, xj, out=mid)  # twice the midpoint, for now
        _midpoint_ranks(actors, grid, block, mid, rank, [left, right])
        if size[0] > 1:
            rank += ((n + 1) * np.arange(size[0]))[:, None, None]
        np.take(cum_w[block].ravel(), rank, out=centre)  # voters left of the midpoint
        np.take(cum_wx[block].ravel(), rank, out=centre_x)
        mid *= 0.5
        # The running sums grow along the sorted actors, so the lower position's are the
        # smaller: voters at or left of the lower position, and left of the higher one.
        np.minimum(w_upto[block, None, :], w_upto[block, targets, None], out=low)
        np.minimum(wx_upto[block, None, :], wx_upto[block, targets, None], out=low_x)
        np.maximum(w_below[block, None, :], w_below[block, targets, None], out=under)
        np.maximum(wx_below[block, None, :], wx_below[block, targets, None], out=under_x)
        # Voters strictly between the two positions, split at the midpoint: the pull of
        # those nearer the lower position, and of those nearer the higher one.
        np.subtract(centre, low, out=left)
        left *= mid
        np.subtract(centre_x, low_x, out=spare)
        left -= spare
        left *= 2
        np.subtract(under_x, centre_x, out=right)
        np.subtract(under, centre, out=spare)
        spare *= mid
        right -= spare
        right *= 2
        high = under  # the weight at or right of the higher position
        np.subtract(weight[block], under, out=high)
        bottom, top = centre, centre_x
        np.add(low, high, out=bottom)
        bottom *= gap
        bottom += left
        bottom += right
        challenger_high = xi >= xj
        if rule == "net":
            np.subtract(low, high, out=top)  # the net vote for the lower position
            top *= gap
            top += left
            top -= right
            np.negative(top, out=top, where=challenger_high)
            np.maximum(top, 0.0, out=top)
        else:
            np.multiply(gap, low, out=top)
            top += left
            np.multiply(gap, high, out=spare)
            spare += right
            np.copyto(top, spare, where=challenger_high)
            if rule == "share-without-challenger":
                np.multiply(gap, actors.w[block, None, :], out=spare)  # i's own vote
                top -= spare
                bottom -= spare
        out = p[block, targets]
        out[...] = 0.0
        valid = gap > 0
        valid &= bottom > 0
        np.divide(top, bottom, out=out, where=valid)
        np.minimum(out, 1.0, out=out)
        np.maximum(out, 0.0, out=out)
        spread[block, targets] = gap.sum(axis=2)
        held[block, targets] = np.einsum("rji,rji->rj", gap, out)
    return p, spread, held


def expected_utilities(
    x: Array, s: Array, p: Array, r: Array | None, mu: Array, options: EUOptions
) -> Array:
    """``eu[r, i, j]``: i's expected utility of challenging j, given risk exponents ``r``.

    ``r=None`` means every actor is risk neutral (``r = 1``). The passive terms are
    computed only when ``q < 1``: otherwise they are 0.
    """
    gap = np.abs(x[:, :, None] - x[:, None, :])
    risk = None if r is None else r[:, :, None]
    from_mu = np.abs(x - mu[:, None])[:, :, None]
    eu = np.empty_like(gap)
    work = [np.empty_like(gap), np.empty_like(gap)]
    _utilities(gap, p, s[:, None, :], risk, from_mu, options, eu, work)
    return eu


def _utilities(
    gap: Array,
    p: Array,
    salience: Array,
    risk: Array | None,
    from_mu: Array,
    options: EUOptions,
    eu: Array,
    work: list[Array],
) -> None:
    """Into ``eu``: the expected utilities of challenges in any layout of the pairs.
    ``gap`` and ``p`` are pairwise; ``salience`` is the target's, ``risk`` and ``from_mu``
    (the distance to ``mu``) the challenger's, broadcast to the pairs; ``work``: two
    arrays shaped like ``eu``. 0 where ``gap`` is 0.

    With ``L = (1/2 - gap/2)^r`` and ``H = (1/2 + gap/2)^r`` the utilities of success and
    failure are ``2 - 4L`` and ``2 - 4H``, so ``EU = s (p Us + (1-p) Uf) + (1-s) Us - Q
    Usq -/+ passive`` is ``2 - 2Q - 4 (L + s (1-p) (H - L) - Q / 2^r) -/+ passive``.
    """
    q, t = options.q, options.t
    low, high, stake = eu, *work
    np.multiply(gap, 0.5, out=high)
    np.subtract(0.5, high, out=low)
    high += 0.5
    if risk is not None:
        np.power(low, risk, out=low)
        np.power(high, risk, out=high)
    high -= low
    np.subtract(1.0, p, out=stake)
    stake *= salience
    high *= stake
    low += high
    low -= q * (0.5 if risk is None else 0.5**risk)
    low *= -4.0
    if q != 1:
        low += 2 - 2 * q
        reach = 0.25 * (from_mu + gap)
        better, worse = 0.5 - reach, 0.5 + reach
        if risk is not None:
            better, worse = better**risk, worse**risk
        passive = (1 - q) * (2 - 4 * (t * better + (1 - t) * worse))
        if options.last_term == "minus":
            low -= passive
        else:
            low += passive
    np.copyto(eu, 0.0, where=gap == 0)


def risk_exponents(eu: Array) -> Array:
    """Each actor's risk exponent from its security: the utility others see in challenging it.

    ``R_i = (2 S_i - max S - min S) / (max S - min S)`` with ``S_i`` the sum of others'
    expected utilities of challenging ``i``; ``r_i = (1 - R_i/3) / (1 + R_i/3)``, from 0.5
    (risk averse) to 2 (risk acceptant). When all securities are equal (their means over
    the n - 1 challengers within :data:`TOLERANCE`), ``r = 1``: the published formula would
    divide by zero.
    """
    return _risk(eu.sum(axis=1))  # eu[r, i, i] is 0, so this sums over challengers i != j


def _risk(security: Array) -> Array:
    high = security.max(axis=1, keepdims=True)
    low = security.min(axis=1, keepdims=True)
    spread = high - low
    # Securities equal up to the tolerance (two actors facing each other symmetrically, or
    # everyone at one position) leave R undefined: every actor is then risk neutral. A
    # security sums n - 1 utilities, so the securities are compared as their means.
    distinct = spread > TOLERANCE * max(1, security.shape[1] - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(distinct, (2 * security - high - low) / spread, 0.0)
    result: Array = (1 - big_r / 3) / (1 + big_r / 3)
    return result


def _securities(
    actors: _Actors, s: Array, spread: Array, held: Array, from_mu: Array, options: EUOptions
) -> Array:
    """Each sorted actor's security when all are risk neutral, from the sums over its
    challengers of ``gap = |x_i - x_j|`` (``spread``) and of ``gap p`` (``held``).

    With ``r = 1`` the utilities are linear: ``Us = 2 gap = -Uf``, ``Usq = 0`` and
    ``Ub = d = -Uw`` with ``d = |x_i - mu| + gap``, so ``EU = 2 gap (1 - 2 s_j (1 - p))
    -/+ (1-Q)(2T-1) d`` over the challengers at other positions.
    """
    security: Array = 2 * spread - 4 * s * (spread - held)
    if options.q != 1:
        alike = actors.last + 1 - actors.first  # actors at j's position, j included
        others = from_mu.sum(axis=1, keepdims=True) - alike * from_mu
        passive = (1 - options.q) * (2 * options.t - 1) * (others + spread)
        security = security - passive if options.last_term == "minus" else security + passive
    return security


@dataclass(frozen=True)
class EURound:
    """One round's result: new positions, and the round's risk exponents and utilities."""

    positions: Array
    risk: Array
    eu: Array


class _Round(NamedTuple):
    """A round over the actors sorted by position: their order, new positions, risk
    exponents, and the utilities, target first."""

    order: Index
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
    step = _round(x, c, s, options, draws)
    return EURound(
        _unsort(step.positions, step.order),
        _unsort(step.risk, step.order),
        _unsort_pairs(step.eu, step.order),
    )


def _round(x: Array, c: Array, s: Array, options: EUOptions, draws: Array | None) -> _Round:
    runs, n = x.shape
    w = c * s
    mu = median(x, w) if options.mu == "median" else compromise(x, w)
    order, actors = _sort(x, w)
    salience = np.take_along_axis(s, order, axis=1)
    p, spread, held = _probabilities(actors, options.probability)
    from_mu = np.abs(actors.x - mu[:, None])
    risk = _risk(_securities(actors, salience, spread, held, from_mu, options))
    eu = np.empty((runs, n, n))
    chosen = np.zeros((runs, n), dtype=np.intp)  # (utility-first) each target's challenger
    offer = np.zeros((runs, n), dtype=bool)  # whether it has any
    blocks = _Blocks(runs, n)
    floats, masks = blocks.floats(3), blocks.masks(2)
    for block, targets in blocks:
        x_block = actors.x[block]
        challenger, target = x_block[:, None, :], x_block[:, targets, None]
        gap, spare, first = _fit(floats, *target.shape[:2])
        offered, keep = _fit(masks, *target.shape[:2])
        np.subtract(challenger, target, out=gap)
        np.abs(gap, out=gap)
        theirs = eu[block, targets]
        _utilities(
            gap,
            p[block, targets],
            salience[block, targets, None],
            risk[block, None, :],
            from_mu[block, None, :],
            options,
            theirs,
            [spare, first],
        )
        np.greater(theirs, options.threshold + TOLERANCE, out=offered)
        offered &= gap != 0  # actors at the target's position do not challenge it
        offer[block, targets] = offered.any(axis=2)
        if options.offer_order == "utility-first":
            # The highest utility, then the challenger nearest the target (Scholz).
            np.copyto(first, theirs)
            np.copyto(first, -np.inf, where=~offered)
            np.greater_equal(first, first.max(axis=2, keepdims=True) - TOLERANCE, out=keep)
            np.copyto(first, gap)
            np.copyto(first, np.inf, where=~keep)
            keep &= first <= first.min(axis=2, keepdims=True) + TOLERANCE
            # Still tied: the first in the sorted order, the one at the lowest position
            # and, among those, the first in the actors' own order.
            chosen[block, targets] = np.argmax(keep, axis=2)
    chance = None if draws is None else np.take_along_axis(draws, order, axis=1)
    if options.offer_order == "utility-first":
        new = _take_offers(actors.x, p, eu, chosen, options, chance)
    else:
        new = _smallest_moves(actors.x, p, eu, options, chance)
    return _Round(order, np.where(offer, new, actors.x), risk, eu)


def _take_offers(
    x: Array, p: Array, eu: Array, chosen: Index, options: EUOptions, draws: Array | None
) -> Array:
    """Where each sorted target moves if it takes the offer of its ``chosen`` challenger."""
    runs, n = x.shape
    run, target = np.arange(runs)[:, None], np.arange(n)[None, :]
    theirs, mine = eu[run, target, chosen], eu[run, chosen, target]
    loses = None
    if options.resolution == "stochastic":
        assert draws is not None, "stochastic resolution needs draws"
        loses = draws < p[run, target, chosen]  # with the challenger's chance of winning
    return _outcome(mine, theirs, np.take_along_axis(x, chosen, axis=1), x, loses)


def _smallest_moves(
    x: Array, p: Array, eu: Array, options: EUOptions, draws: Array | None
) -> Array:
    """Where each sorted target moves under the ``"move-first"`` offer order: the offer
    with the smallest expected move, then the highest utility (Agents-In-Conflict), a
    conflict being expected to end where the target's chance of winning puts it. Still
    tied, the first challenger in the sorted order."""
    runs, n = x.shape
    new = np.empty((runs, n))
    for block, targets in _Blocks(runs, n):
        x_block = x[block]
        challenger, target = x_block[:, None, :], x_block[:, targets, None]
        theirs = eu[block, targets]
        mine = np.swapaxes(eu[block, :, targets], 1, 2)  # mine[r, j, i]: j's against i
        offered = (theirs > options.threshold + TOLERANCE) & (challenger != target)
        loses = None
        if options.resolution == "stochastic":
            assert draws is not None, "stochastic resolution needs draws"
            loses = draws[block, targets, None] < p[block, targets]
        outcome = _outcome(mine, theirs, challenger, target, loses)
        held = np.swapaxes(p[block, :, targets], 1, 2)  # the target's chance of winning
        expected = np.where(mine > TOLERANCE, held * target + (1 - held) * challenger, outcome)
        first = np.where(offered, np.abs(expected - target), np.inf)
        keep = offered & (first <= first.min(axis=2, keepdims=True) + TOLERANCE)
        second = np.where(keep, theirs, -np.inf)
        keep &= second >= second.max(axis=2, keepdims=True) - TOLERANCE
        pick = np.argmax(keep, axis=2)[:, :, None]
        new[block, targets] = np.take_along_axis(outcome, pick, axis=2)[:, :, 0]
    return new


def _outcome(
    mine: Array, theirs: Array, challenger: Array, target: Array, loses: Mask | None
) -> Array:
    """Where a target moves when it takes a challenge: its own utility ``mine`` against
    the challenger's ``theirs``, each compared up to :data:`TOLERANCE`.

    ``mine > 0``: a conflict, which the target loses (``loses``; by default when ``mine <
    theirs``) or wins. ``mine < 0``: it compromises, moving the fraction ``|mine / theirs|``
    of the way, when ``|mine| < theirs``, and capitulates when ``|mine| > theirs``.
    Otherwise it stays.
    """
    if loses is None:
        loses = mine < theirs - TOLERANCE
    gives = mine < -TOLERANCE
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(theirs != 0, np.abs(mine / theirs), 0.0)
    meets = gives & (np.abs(mine) < theirs - TOLERANCE)
    yields = gives & (np.abs(mine) > theirs + TOLERANCE)
    moved = np.where(meets, target + (challenger - target) * fraction, target)
    result: Array = np.where(
        mine > TOLERANCE, np.where(loses, challenger, target), np.where(yields, challenger, moved)
    )
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
    *,
    chunk: int | None = None,
) -> EUTrace:
    """Run ``rounds`` rounds of the EU model from positions ``x`` (runs, actors).

    ``draws`` (runs, rounds, actors) feeds stochastic resolution; ``saliences`` (runs,
    rounds, actors) replaces ``s`` in each round when saliences are redrawn. Runs are taken
    ``chunk`` at a time, by default as many as make :data:`CHUNK_PAIRS` actor pairs; the
    result is the same to the last bit whatever the chunk.
    """
    runs, n = x.shape
    size = chunk or max(1, CHUNK_PAIRS // (n * n))
    positions = np.empty((runs, rounds + 1, n))
    risk = np.empty((runs, rounds, n))
    positions[:, 0] = x
    for start in range(0, runs, size):
        part = slice(start, start + size)
        for k in range(rounds):
            step = _round(
                positions[part, k],
                c[part],
                s[part] if saliences is None else saliences[part, k],
                options,
                None if draws is None else draws[part, k],
            )
            positions[part, k + 1] = _unsort(step.positions, step.order)
            risk[part, k] = _unsort(step.risk, step.order)
    return EUTrace(positions, risk)
