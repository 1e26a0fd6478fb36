"""How fast is the Sino-Soviet simulator? Runs per second, against the plain-loop reference.

Run from the repository's root:

    python -m benchmarks.bench_simulate [--quick]

It times the full 1949-1991 scenario (169 quarterly steps), all in one process run:

1. the plain-loop reference in ``tests/reference_simulate.py``, at a few runs;
2. the compiled engine's start-up, each in a fresh process: importing it, and its first
   call, once without Numba's on-disk cache (it compiles) and once with it (it loads);
   the timings below it leave this out, as a long-lived process would;
3. both engines (``compiled``, the default, and ``numpy``) in this process, at 1, 100 and
   1,000 runs (one run is what the web app's what-if waits for); the compiled engine
   shares the runs over the threads ``PARLEY_THREADS`` allows (the cores by default), and
   is also timed on one thread;
4. the same 1,000 runs split over a warm pool of two worker processes (two cores), one
   thread each, the pool started and loaded (parley, the scenario, the compiled engine)
   before the clock starts, as a long-lived server or a second ensemble would find it;
   the pool's start-up is timed on its own. Each chunk compiles the scenario's inputs
   and draws its runs' random numbers, as ``parley run`` does per chunk.

Each throughput is printed as runs per second and as a ratio to the reference. Timings
are the best of a few repeats, so that another program busy for a moment counts less;
the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from parley.api import load_scenario
from parley.model.simulate import Params, compile_inputs, simulate
from parley.scenario.schema import Scenario
from tests.reference_simulate import ref_simulate

SCENARIO = "sino-soviet"
ENGINES = ("compiled", "numpy")

# The compiled engine's start-up, in a fresh process: import, first and second call.
_START = """
import json, time
import numpy as np
from parley.api import load_scenario
from parley.model.simulate import Params, compile_inputs, simulate
from parley.scenario.schema import Scenario
scenario = load_scenario("sino-soviet")
inputs, params = compile_inputs(scenario), Params.from_scenario(scenario)
seeds = np.random.SeedSequence(0).spawn(1)
start = time.perf_counter()
import parley.model.kernel
imported = time.perf_counter() - start
start = time.perf_counter()
simulate(inputs, params, seeds, engine="compiled")
first = time.perf_counter() - start
start = time.perf_counter()
simulate(inputs, params, seeds, engine="compiled")
print(json.dumps([imported, first, time.perf_counter() - start]))
"""


def _start_up(cache: str) -> tuple[float, float, float]:
    """Import, first call and second call of the compiled engine in a fresh process whose
    Numba cache is the folder ``cache``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", _START], env=env, capture_output=True, text=True, check=True
    )
    imported, first, second = json.loads(done.stdout.strip().splitlines()[-1])
    return imported, first, second


def _one_thread() -> None:
    """A pool worker's set-up: one thread each, the pool has a process per core."""
    os.environ["PARLEY_THREADS"] = "1"


@functools.cache
def _scenario() -> Scenario:
    """The scenario, loaded once per worker (loading it takes about 0.3 s)."""
    return load_scenario(SCENARIO)


def _chunk(first: int, runs: int, engine: str) -> int:
    """Runs ``first`` to ``first + runs`` of seed 0 in a worker; returns the run count."""
    scenario = _scenario()
    seeds = [np.random.SeedSequence(0, spawn_key=(k,)) for k in range(first, first + runs)]
    simulate(compile_inputs(scenario), Params.from_scenario(scenario), seeds, engine=engine)
    return runs


def _split(pool: ProcessPoolExecutor, runs: int, engine: str) -> None:
    """``runs`` runs in two halves, one per worker of ``pool``."""
    half = runs // 2
    list(pool.map(_chunk, [0, half], [half, runs - half], [engine, engine]))


def _best(repeats: int, work: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    """The shortest of ``repeats`` timings of ``work(*args, **kwargs)``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    scenario = load_scenario(SCENARIO)
    inputs, params = compile_inputs(scenario), Params.from_scenario(scenario)
    sizes = [1, 100] if args.quick else [1, 100, 1000]
    repeats = 1 if args.quick else 3

    reference_runs = 2 if args.quick else 5
    seeds = np.random.SeedSequence(0).spawn(reference_runs)
    reference = reference_runs / _best(repeats, ref_simulate, inputs, params, seeds)
    print(f"{SCENARIO}, {len(inputs.steps)} steps; reference: {reference:.2f} runs/s")

    print("\ncompiled engine start-up, in a fresh process (seconds):")
    print(f"{'Numba cache':>22} {'import':>7} {'1st call':>9} {'2nd call':>9}")
    with tempfile.TemporaryDirectory() as cache:
        for label in ("none (compiles)", "on disk (loads)"):
            if args.quick and label.startswith("none"):
                print(f"{label:>22}  (skipped with --quick)")
                _start_up(cache)  # fill the cache for the next line
                continue
            imported, first, second = _start_up(cache)
            print(f"{label:>22} {imported:>7.2f} {first:>9.2f} {second:>9.4f}")

    print(f"\n{'runs':>6} {'engine':>9} {'where':>22} {'seconds':>8} {'runs/s':>8} {'x ref':>7}")

    def row(runs: int, engine: str, where: str, seconds: float) -> None:
        rate = runs / seconds
        ratio = rate / reference
        print(
            f"{runs:>6} {engine:>9} {where:>22} {seconds:>8.4f} {rate:>8.1f}"
            f" {ratio:>6.{0 if ratio >= 10 else 1}f}x"
        )

    simulate(inputs, params, np.random.SeedSequence(0).spawn(1))  # the compiled engine loads
    threads = os.environ.get("PARLEY_THREADS")
    for runs in sizes:
        seeds = np.random.SeedSequence(0).spawn(runs)
        for engine in ENGINES:
            seconds = _best(repeats, simulate, inputs, params, seeds, engine=engine)
            where = "1 process" + (", threads" if engine == "compiled" else "")
            row(runs, engine, where, seconds)
        os.environ["PARLEY_THREADS"] = "1"
        seconds = _best(repeats, simulate, inputs, params, seeds, engine="compiled")
        row(runs, "compiled", "1 process, 1 thread", seconds)
        if threads is None:
            del os.environ["PARLEY_THREADS"]
        else:
            os.environ["PARLEY_THREADS"] = threads

    runs = sizes[-1]
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_one_thread) as pool:
        for engine in ENGINES:  # start both workers, load parley and the compiled engine
            list(pool.map(_chunk, [0, 1], [1, 1], [engine, engine]))
        warm = time.perf_counter() - start
        for engine in ENGINES:
            row(runs, engine, "2 processes", _best(repeats, _split, pool, runs, engine))
    print(f"(starting the two worker processes took {warm:.2f} s, not counted above)")
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
