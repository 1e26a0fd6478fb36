"""How fast is the Sino-Soviet simulator? Runs per second, against the plain-loop reference.

Run from the repository's root:

    python -m benchmarks.bench_simulate [--quick]

It times the full 1949-1991 scenario (169 quarterly steps), all in one process run:

1. the plain-loop reference in ``tests/reference_simulate.py``, at a few runs;
2. parley's vectorized model in this process, at 1, 100 and 1,000 runs (one run is what
   the web app's what-if waits for);
3. the same 1,000 runs split over a warm pool of two worker processes (two cores), the
   pool started and loaded before the clock starts, as a long-lived server or a second
   ensemble would find it; the pool's start-up is timed on its own.

Each throughput is printed as runs per second and as a ratio to the reference.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from parley.api import load_scenario
from parley.model.simulate import Params, compile_inputs, simulate
from tests.reference_simulate import ref_simulate

SCENARIO = "sino-soviet"


def _chunk(first: int, runs: int) -> int:
    """Runs ``first`` to ``first + runs`` of seed 0 in a worker; returns the run count."""
    scenario = load_scenario(SCENARIO)
    seeds = [np.random.SeedSequence(0, spawn_key=(k,)) for k in range(first, first + runs)]
    simulate(compile_inputs(scenario), Params.from_scenario(scenario), seeds)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    inputs, params = compile_inputs(scenario), Params.from_scenario(scenario)
    sizes = [1, 100] if args.quick else [1, 100, 1000]

    reference_runs = 2 if args.quick else 5
    seeds = np.random.SeedSequence(0).spawn(reference_runs)
    start = time.perf_counter()
    ref_simulate(inputs, params, seeds)
    reference = reference_runs / (time.perf_counter() - start)

    print(f"{SCENARIO}, {len(inputs.steps)} steps; reference: {reference:.2f} runs/s")
    print(f"{'runs':>6} {'where':>12} {'seconds':>8} {'runs/s':>8} {'x reference':>12}")

    def row(runs: int, where: str, seconds: float) -> None:
        rate = runs / seconds
        print(f"{runs:>6} {where:>12} {seconds:>8.3f} {rate:>8.1f} {rate / reference:>11.0f}x")

    for runs in sizes:
        seeds = np.random.SeedSequence(0).spawn(runs)
        start = time.perf_counter()
        simulate(inputs, params, seeds)
        row(runs, "1 process", time.perf_counter() - start)

    runs = sizes[-1]
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        list(pool.map(_chunk, [0, 1], [1, 1]))  # start both workers and load parley
        warm = time.perf_counter() - start
        start = time.perf_counter()
        half = runs // 2
        list(pool.map(_chunk, [0, half], [half, runs - half]))
        row(runs, "2 processes", time.perf_counter() - start)
    print(f"(starting the two worker processes took {warm:.2f} s, not counted above)")


if __name__ == "__main__":
    main()
