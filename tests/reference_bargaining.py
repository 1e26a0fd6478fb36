"""Plain-loop reference of the bargaining models, one run at a time, straight from the
definitions. The vectorized code in parley.model.bargaining must agree with it.

Every comparison that decides an outcome is recorded in ``margins``, so a test can set
aside inputs where a decision hangs on a difference too small for floating point, exact
ties included: two implementations that sum in different orders may break them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.model.bargaining import EUOptions


@dataclass
class Margins:
    values: list[float] = field(default_factory=list)

    def compare(self, a: float, b: float) -> float:
        self.values.append(abs(a - b))
        return a - b


def ref_compromise(x: list[float], w: list[float]) -> float:
    return sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sum(w)


def ref_median(x: list[float], w: list[float], margins: Margins | None = None) -> float:
    n = len(x)
    total = [sum(w[i] * abs(x[i] - x[j]) for i in range(n)) for j in range(n)]
    best = min(total)
    tied = [j for j in range(n) if total[j] <= best + 1e-12 * max(1.0, abs(best))]
    if margins is not None:
        for j in range(n):
            if j not in tied:
                margins.compare(total[j], best)
    mean = ref_compromise(x, w)
    gaps = {j: abs(x[j] - mean) for j in tied}
    nearest = [j for j in tied if gaps[j] <= min(gaps.values()) + 1e-12]
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


def ref_risk(eu: list[list[float]]) -> list[float]:
    n = len(eu)
    security = [sum(eu[i][j] for i in range(n) if i != j) for j in range(n)]
    high, low = max(security), min(security)
    distinct = high - low > 1e-12 * max(1.0, abs(high), abs(low))
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
    risk = ref_risk(ref_expected_utilities(x, s, p, [1.0] * n, mu, o))
    eu = ref_expected_utilities(x, s, p, risk, mu, o)
    new = list(x)
    for j in range(n):
        offers = []
        for i in range(n):
            # An actor at the target's own position has a utility of exactly 0: no offer.
            if x[i] != x[j] and m.compare(eu[i][j], o.threshold) > 0:
                offers.append(i)
        if not offers:
            continue
        outcomes = {}
        for i in offers:
            mine, theirs = eu[j][i], eu[i][j]
            if mine > 0:
                if o.resolution == "stochastic":
                    assert draws is not None
                    lost = m.compare(draws[j], p[i][j]) < 0
                else:
                    lost = m.compare(mine, theirs) < 0
                outcome = x[i] if lost else x[j]
                held = p[j][i]
                expected = held * x[j] + (1 - held) * x[i]
            else:
                m.compare(abs(mine), theirs)
                if mine < 0 and abs(mine) < theirs:
                    outcome = x[j] + (x[i] - x[j]) * abs(mine / theirs)
                elif mine < 0 and abs(mine) > theirs:
                    outcome = x[i]
                else:
                    outcome = x[j]
                expected = outcome
            outcomes[i] = (outcome, expected)
        if o.offer_order == "utility-first":
            best = max(eu[i][j] for i in offers)
            top = next(i for i in offers if eu[i][j] == best)
            for i in offers:
                if x[i] != x[top]:  # challengers at one position tie by construction
                    m.compare(eu[i][j], best)
            keep = [i for i in offers if eu[i][j] == best]
            nearest = min(abs(x[i] - x[j]) for i in keep)
            keep = [i for i in keep if abs(x[i] - x[j]) == nearest]
        else:
            least = min(abs(outcomes[i][1] - x[j]) for i in offers)
            top = next(i for i in offers if abs(outcomes[i][1] - x[j]) == least)
            for i in offers:
                if x[i] != x[top]:
                    m.compare(abs(outcomes[i][1] - x[j]), least)
            keep = [i for i in offers if abs(outcomes[i][1] - x[j]) == least]
            best = max(eu[i][j] for i in keep)
            keep = [i for i in keep if eu[i][j] == best]
        lowest = min(x[i] for i in keep)
        chosen = next(i for i in keep if x[i] == lowest)
        new[j] = outcomes[chosen][0]
    return new, risk
