"""Plain-loop reference of the bargaining models, one run at a time, straight from the
definitions. The vectorized code in parley.model.bargaining must agree with it.

Every decision compares two numbers up to parley's ``TOLERANCE``, by the same rules:
``Margins.sign`` calls a difference within the tolerance zero. Each comparison records
how far it was from the edge of the tolerance (or, for an exact comparison, from
equality) in ``margins``, so a test can set aside the rare inputs where a decision sits
on that edge: two implementations that add in different orders may fall on either side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.model.bargaining import TOLERANCE, EUOptions


@dataclass
class Margins:
    values: list[float] = field(default_factory=list)

    def sign(self, a: float, b: float) -> int:
        """-1, 0 or 1 as ``a`` is below, equal to (within the tolerance) or above ``b``."""
        self.values.append(abs(abs(a - b) - TOLERANCE))
        return 0 if abs(a - b) <= TOLERANCE else (1 if a > b else -1)

    def exact(self, a: float, b: float) -> bool:
        """``a < b``, exactly (a random draw against a probability)."""
        self.values.append(abs(a - b))
        return a < b

    def clear_of(self, edge: float) -> bool:
        """Whether every decision was further than ``edge`` from its tolerance's edge."""
        return all(value > edge for value in self.values)


def ref_compromise(x: list[float], w: list[float]) -> float:
    return sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sum(w)


def ref_median(x: list[float], w: list[float], margins: Margins | None = None) -> float:
    """The position with the least weighted sum of distances; ties (sums whose means over
    the total weight are within the tolerance) go to the nearest the weighted mean, then
    the lowest."""
    m = margins or Margins()
    n = len(x)
    weight = sum(w)
    mean_distance = [sum(w[i] * abs(x[i] - x[j]) for i in range(n)) / weight for j in range(n)]
    best = min(mean_distance)
    tied = [j for j in range(n) if m.sign(mean_distance[j], best) == 0]
    mean = ref_compromise(x, w)
    gaps = {j: abs(x[j] - mean) for j in tied}
    nearest = [j for j in tied if m.sign(gaps[j], min(gaps.values())) == 0]
    return min(x[j] for j in nearest)


def ref_probabilities(x: list[float], w: list[float], rule: str) -> list[list[float]]:
    n = len(x)
    p = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if x[i] == x[j]:
                continue
            votes_for = votes_all = net = 0.0
            for k in range(n):
                if rule == "share-without-challenger" and k == i:
                    continue
                d = abs(x[k] - x[j]) - abs(x[k] - x[i])
                votes_all += w[k] * abs(d)
                net += w[k] * d
                if d > 0:
                    votes_for += w[k] * d
            top = max(net, 0.0) if rule == "net" else votes_for
            p[i][j] = top / votes_all if votes_all > 0 else 0.0
    return p


def ref_expected_utilities(
    x: list[float], s: list[float], p: list[list[float]], r: list[float], mu: float, o: EUOptions
) -> list[list[float]]:
    n = len(x)
    eu = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if x[i] == x[j]:
                continue
            d = abs(x[i] - x[j])
            d_mu = abs(x[i] - mu)
            success = 2 - 4 * (0.5 - 0.5 * d) ** r[i]
            failure = 2 - 4 * (0.5 + 0.5 * d) ** r[i]
            better = 2 - 4 * (0.5 - 0.25 * (d_mu + d)) ** r[i]
            worse = 2 - 4 * (0.5 + 0.25 * (d_mu + d)) ** r[i]
            status_quo = 2 - 4 * 0.5 ** r[i]
            act = s[j] * (p[i][j] * success + (1 - p[i][j]) * failure) + (1 - s[j]) * success
            passive = (1 - o.q) * (o.t * better + (1 - o.t) * worse)
            sign = -1.0 if o.last_term == "minus" else 1.0
            eu[i][j] = act - o.q * status_quo + sign * passive
    return eu


def ref_risk(eu: list[list[float]], margins: Margins | None = None) -> list[float]:
    """Risk exponents from the securities; r = 1 for all when the securities' means over
    the n - 1 challengers are equal within the tolerance."""
    m = margins or Margins()
    n = len(eu)
    security = [sum(eu[i][j] for i in range(n) if i != j) for j in range(n)]
    high, low = max(security), min(security)
    distinct = m.sign(high / max(1, n - 1), low / max(1, n - 1)) > 0
    risk = []
    for j in range(n):
        big_r = (2 * security[j] - high - low) / (high - low) if distinct else 0.0
        risk.append((1 - big_r / 3) / (1 + big_r / 3))
    return risk


def ref_round(
    x: list[float],
    c: list[float],
    s: list[float],
    o: EUOptions,
    draws: list[float] | None = None,
    margins: Margins | None = None,
) -> tuple[list[float], list[float]]:
    """One EU round for one run: new positions and the round's risk exponents."""
    m = margins or Margins()
    n = len(x)
    w = [c[i] * s[i] for i in range(n)]
    mu = ref_median(x, w, m) if o.mu == "median" else ref_compromise(x, w)
    p = ref_probabilities(x, w, o.probability)
    risk = ref_risk(ref_expected_utilities(x, s, p, [1.0] * n, mu, o), m)
    eu = ref_expected_utilities(x, s, p, risk, mu, o)
    new = list(x)
    for j in range(n):
        # An actor at the target's own position has a utility of exactly 0: no offer.
        offers = [i for i in range(n) if x[i] != x[j] and m.sign(eu[i][j], o.threshold) > 0]
        if not offers:
            continue
        outcomes = {}
        for i in offers:
            mine, theirs = eu[j][i], eu[i][j]
            if m.sign(mine, 0.0) > 0:  # a conflict
                if o.resolution == "stochastic":
                    assert draws is not None
                    lost = m.exact(draws[j], p[i][j])
                else:
                    lost = m.sign(mine, theirs) < 0
                outcome = x[i] if lost else x[j]
                held = p[j][i]
                expected = held * x[j] + (1 - held) * x[i]
            else:
                yields = m.sign(mine, 0.0) < 0
                against = m.sign(abs(mine), theirs)
                if yields and against < 0:  # compromise
                    outcome = x[j] + (x[i] - x[j]) * abs(mine / theirs)
                elif yields and against > 0:  # capitulation
                    outcome = x[i]
                else:
                    outcome = x[j]
                expected = outcome
            outcomes[i] = (outcome, expected)

        def within(values: dict[int, float], best: float) -> list[int]:
            return [i for i, value in values.items() if m.sign(value, best) == 0]

        utility = {i: eu[i][j] for i in offers}
        if o.offer_order == "utility-first":
            keep = within(utility, max(utility.values()))
            distance = {i: abs(x[i] - x[j]) for i in keep}
            keep = within(distance, min(distance.values()))
        else:
            move = {i: abs(outcomes[i][1] - x[j]) for i in offers}
            keep = within(move, min(move.values()))
            utility = {i: utility[i] for i in keep}
            keep = within(utility, max(utility.values()))
        lowest = min(x[i] for i in keep)
        chosen = next(i for i in keep if x[i] == lowest)
        new[j] = outcomes[chosen][0]
    return new, risk
