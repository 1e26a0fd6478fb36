"""How fast is the EU model? Ratios against the plain-loop reference, measured in one run.

Run from the repository's root:

    python -m benchmarks.bench_bargaining [--quick]

It reports, for random problems of 10, 40, 80 and 160 actors on 3 dimensions, the seconds
per EU round of parley's vectorized code and of the plain-loop reference in
``tests/reference_bargaining.py`` (the same model, written from the definitions, one pair
and one third party at a time), and their ratio; then the same for a 1,000-run stochastic
ensemble of the EC car-emissions case. Seconds depend on the machine; the ratios are what
to compare.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import parley
from parley.model.bargaining import EUOptions, eu_round
from parley.scenario.spatial import read_problem
from tests.reference_bargaining import ref_round

EC = Path(parley.__file__).parent / "data" / "examples" / "ec_emissions.csv"


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The shortest of ``repeats`` timings, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def actors_benchmark(sizes: list[int], dims: int) -> list[tuple[int, float, float]]:
    rng = np.random.default_rng(2026)
    options = EUOptions()
    rows = []
    for n in sizes:
        x = rng.random((dims, n))
        c = rng.random(n) + 0.1
        s = rng.random((dims, n)) * 0.9 + 0.1

        def fast(x: np.ndarray = x, c: np.ndarray = c, s: np.ndarray = s) -> None:
            for d in range(dims):
                eu_round(x[d][None], c[None], s[d][None], options)

        def slow(x: np.ndarray = x, c: np.ndarray = c, s: np.ndarray = s) -> None:
            for d in range(dims):
                ref_round(list(x[d]), list(c), list(s[d]), options)

        vectorized = best_of(5, fast)
        reference = best_of(1 if n >= 80 else 3, slow)
        rows.append((n, vectorized, reference))
    return rows


def ensemble_benchmark(runs: int, rounds: int) -> tuple[float, float]:
    problem = read_problem(EC)
    low, high = problem.scales[0]
    x = (problem.positions[:, 0] - low) / (high - low)
    c, s = problem.capability, problem.salience[:, 0]
    options = EUOptions(resolution="stochastic")
    draws = np.random.default_rng(1).random((runs, rounds, len(x)))

    def fast() -> None:
        positions = np.repeat(x[None], runs, axis=0)
        cs, ss = np.repeat(c[None], runs, axis=0), np.repeat(s[None], runs, axis=0)
        for k in range(rounds):
            positions = eu_round(positions, cs, ss, options, draws[:, k]).positions

    def slow() -> None:
        for run in range(runs):
            positions = list(x)
            for k in range(rounds):
                positions, _ = ref_round(positions, list(c), list(s), options, list(draws[run, k]))

    return best_of(3, fast), best_of(1, slow)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args()
    sizes = [10, 40] if args.quick else [10, 40, 80, 160]
    runs = 100 if args.quick else 1000

    print("EU rounds on 3 dimensions: seconds per round (all dimensions)")
    print(f"{'actors':>7} {'parley':>10} {'reference':>10} {'ratio':>8} {'rounds/s':>9}")
    for n, vectorized, reference in actors_benchmark(sizes, 3):
        print(
            f"{n:>7} {vectorized:>10.4f} {reference:>10.3f} {reference / vectorized:>7.0f}x"
            f" {1 / vectorized:>9.1f}"
        )
    fast, slow = ensemble_benchmark(runs, 10)
    print(f"\nEC car emissions, stochastic EU, {runs} runs x 10 rounds")
    print(f"parley {fast:.3f} s, reference {slow:.2f} s, ratio {slow / fast:.0f}x")


if __name__ == "__main__":
    main()
