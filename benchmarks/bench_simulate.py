"""How fast is the Sino-Soviet simulator? Runs per second, against the plain-loop reference.

Run from the repository's root:

    python -m benchmarks.bench_simulate [--quick]

It times the full 1949-1991 scenario (169 quarterly steps) at 1, 100 and 1,000 runs with
parley's vectorized model, and the plain-loop reference in ``tests/reference_simulate.py``
at a few runs, in the same process; it prints runs per second and the ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from parley.api import load_scenario
from parley.model.simulate import Params, compile_inputs, simulate
from tests.reference_simulate import ref_simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = parser.parse_args()
    scenario = load_scenario("sino-soviet")
    inputs, params = compile_inputs(scenario), Params.from_scenario(scenario)
    sizes = [1, 100] if args.quick else [1, 100, 1000]

    reference_runs = 2 if args.quick else 5
    seeds = np.random.SeedSequence(0).spawn(reference_runs)
    start = time.perf_counter()
    ref_simulate(inputs, params, seeds)
    reference = reference_runs / (time.perf_counter() - start)

    print(f"sino-soviet, {len(inputs.steps)} steps; reference: {reference:.2f} runs/s")
    print(f"{'runs':>6} {'seconds':>8} {'runs/s':>8} {'x reference':>12}")
    for runs in sizes:
        seeds = np.random.SeedSequence(0).spawn(runs)
        start = time.perf_counter()
        simulate(inputs, params, seeds)
        seconds = time.perf_counter() - start
        print(
            f"{runs:>6} {seconds:>8.2f} {runs / seconds:>8.1f} {runs / seconds / reference:>11.0f}x"
        )


if __name__ == "__main__":
    main()
