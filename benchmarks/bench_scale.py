"""How do ensembles scale? Throughput against runs, workers, and Dask against local processes.

Run from the repository's root:

    python -m benchmarks.bench_scale [--quick]

All in one process and one session, on the full sino-soviet scenario (169 steps), chunks
of 1,000 runs:

1. throughput in this process at 100, 1,000, 10,000 and 100,000 runs (``--quick``: up to
   10,000), with the cost per run relative to the smallest ensemble;
2. 2 local worker processes against 1 (this process), on the same ensemble;
3. a Dask ``LocalCluster`` of 2 single-threaded workers against 2 local processes, on the
   same ensemble.

Each timing includes everything a user waits for: starting workers, shipping the
scenario, simulating, gathering and merging the chunks (not writing tables).
"""

from __future__ import annotations

import argparse
import time

from parley.api import Execution, load_scenario, run


def _seconds(runs: int, execution: Execution) -> float:
    start = time.perf_counter()
    run(SCENARIO, runs, seed=0, chunk=1000, execution=execution)
    return time.perf_counter() - start


SCENARIO = load_scenario("sino-soviet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller ensembles")
    args = parser.parse_args()
    sizes = [100, 1_000, 10_000] if args.quick else [100, 1_000, 10_000, 100_000]
    parallel_runs = 4_000 if args.quick else 20_000

    print(f"1. Throughput in one process (sino-soviet, {len(SCENARIO.shocks)} shocks)")
    print(f"{'runs':>8} {'seconds':>9} {'runs/s':>8} {'cost per run vs 100':>20}")
    base = None
    for runs in sizes:
        seconds = _seconds(runs, Execution(workers=1))
        per_run = seconds / runs
        base = base or per_run
        print(f"{runs:>8} {seconds:>9.2f} {runs / seconds:>8.0f} {per_run / base:>19.2f}x")

    print(f"\n2. Workers, {parallel_runs} runs")
    one = _seconds(parallel_runs, Execution(workers=1))
    two = _seconds(parallel_runs, Execution(workers=2))
    print(f"   1 process: {one:.2f} s; 2 local processes: {two:.2f} s; speed-up {one / two:.2f}x")

    print(f"\n3. Dask against local processes, {parallel_runs} runs, 2 workers each")
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask = _seconds(parallel_runs, Execution(scheduler=cluster.scheduler_address))
    local = _seconds(parallel_runs, Execution(workers=2))
    print(
        f"   local processes: {local:.2f} s; Dask: {dask:.2f} s; "
        f"Dask overhead {dask / local:.2f}x the local time"
    )


if __name__ == "__main__":
    main()
