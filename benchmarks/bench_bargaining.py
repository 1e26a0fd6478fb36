"""How fast is the EU model, and how much memory does a round hold? Ratios, measured in one run.

Run from the repository's root:

    python -m benchmarks.bench_bargaining [--quick]

For random problems of 10 to 1,280 actors (one run, one dimension) it reports EU rounds
per second of ``parley.model.bargaining.eu_round`` and, as ratios measured in the same run:

- ``vs reference``: how many times faster than the plain-loop reference in
  ``tests/reference_bargaining.py`` (the same model written from the definitions, one pair
  and one third party at a time, O(n^3)), up to 160 actors, where it takes seconds;
- ``vs previous``: how many times longer a round takes than at the previous size (half the
  actors), which is what O(n^2) predicts to be 4;
- memory: the peak of the arrays a round allocates (tracemalloc, which NumPy reports to),
  also as a number of n x n arrays of floats, and the process's peak resident memory, each
  size measured in a fresh process.

Then the same against the reference for a 1,000-run stochastic ensemble of the EC
car-emissions case. Seconds depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

import parley
from parley.model.bargaining import EUOptions, eu_round
from parley.scenario.spatial import read_problem
from tests.reference_bargaining import ref_round

EC = Path(parley.__file__).parent / "data" / "examples" / "ec_emissions.csv"
SIZES = [10, 20, 40, 80, 160, 320, 640, 1280]
REFERENCE_UP_TO = 160
MiB = 2**20


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The shortest of ``repeats`` timings, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def problem(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random problem of ``n`` actors, one run and one dimension, the same every time."""
    rng = np.random.default_rng(2026 + n)
    return rng.random((1, n)), rng.random((1, n)) + 0.1, rng.random((1, n)) * 0.9 + 0.1


def round_memory(n: int) -> tuple[float, float]:
    """In this (fresh) process: the peak bytes of the arrays one round allocates, and the
    process's peak resident bytes over the round."""
    x, c, s = problem(n)
    tracemalloc.start()
    eu_round(x, c, s)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def measure_memory(n: int) -> tuple[float, float]:
    """``round_memory(n)`` in a fresh process, so that no earlier size's peak counts."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        arrays, process = pool.apply(round_memory, (n,))
    return arrays, process


def actors_benchmark(sizes: list[int], reference_up_to: int) -> list[dict[str, float]]:
    rows = []
    warm = problem(sizes[0])
    best_of(200, lambda: eu_round(*warm))  # the first calls pay for caches, of all sizes
    for n in sizes:
        x, c, s = problem(n)
        eu_round(x, c, s)
        repeats = max(10, min(50, int(2e6 / n**2)))
        seconds = best_of(repeats, lambda x=x, c=c, s=s: eu_round(x, c, s))
        row = {"n": n, "seconds": seconds, "reference": float("nan")}
        if n <= reference_up_to:
            lists = [list(v[0]) for v in (x, c, s)]
            row["reference"] = best_of(
                1 if n >= 80 else 3, lambda a=lists: ref_round(*a, EUOptions())
            )
        row["arrays"], row["process"] = measure_memory(n)
        rows.append(row)
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
    sizes = SIZES[:3] if args.quick else SIZES
    runs = 100 if args.quick else 1000

    print("One EU round, one run, one dimension (best of several rounds)")
    print(
        f"{'actors':>6} {'rounds/s':>9} {'ms':>8} {'vs reference':>13} {'vs previous':>12}"
        f" {'arrays MiB':>11} {'n x n arrays':>13} {'process MiB':>12}"
    )
    previous = None
    for row in actors_benchmark(sizes, REFERENCE_UP_TO):
        n, seconds = int(row["n"]), row["seconds"]
        faster = row["reference"] / seconds
        against = f"{faster:.0f}x faster" if faster == faster else "-"
        growth = f"{seconds / previous:.1f}x longer" if previous else "-"
        previous = seconds
        print(
            f"{n:>6} {1 / seconds:>9.1f} {1e3 * seconds:>8.2f} {against:>13} {growth:>12}"
            f" {row['arrays'] / MiB:>11.1f} {row['arrays'] / (8 * n * n):>13.1f}"
            f" {row['process'] / MiB:>12.0f}"
        )
    print(
        "vs reference: the plain-loop reference's time over parley's, measured above;"
        " vs previous: this size's time over the previous (half the actors); arrays: the"
        " peak of NumPy's allocations in the round, also in n x n arrays of floats;"
        " process: peak resident memory of a fresh process doing one round."
    )
    fast, slow = ensemble_benchmark(runs, 10)
    print(f"\nEC car emissions, stochastic EU, {runs} runs x 10 rounds")
    print(
        f"parley {fast:.3f} s, reference {slow:.2f} s: {slow / fast:.0f}x faster than the reference"
    )


if __name__ == "__main__":
    main()
