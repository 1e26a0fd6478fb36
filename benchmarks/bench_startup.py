"""How fast does the command line start? Ratios against a bare Python, measured in one run.

Run from the repository's root:

    python -m benchmarks.bench_startup [--repeats N]

It times, each in a fresh process, ``python -c pass`` (the reference), ``parley
--version``, ``parley --help`` and ``parley bargain`` on the EC car-emissions example,
and prints for each the median wall time of ``--repeats`` runs (11 by default), the
fastest, and the median's ratio to the reference's. ``parley`` is the console script
beside this Python (``python -m parley`` if there is none), with this process's
environment.

Each command runs once before it is timed, and bytecode is cached in a temporary folder
(``PYTHONPYCACHEPREFIX``) even where ``PYTHONDONTWRITEBYTECODE`` is set: an installed
package has its bytecode compiled, and a first run's compiling is not start-up. The load
average is printed at the start and the end: another program busy on the machine slows
every command, the reference too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import parley

EC = Path(parley.__file__).parent / "data" / "examples" / "ec_emissions.csv"


def _parley() -> list[str]:
    """The ``parley`` console script beside this Python, or ``python -m parley``."""
    script = Path(sys.executable).parent / "parley"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "parley"]


def _commands() -> dict[str, list[str]]:
    parley_ = _parley()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "parley --version": [*parley_, "--version"],
        "parley --help": [*parley_, "--help"],
        "parley bargain EC": [*parley_, "bargain", str(EC)],
    }


def _wall(command: list[str], env: dict[str, str]) -> float:
    """The wall time of one run of ``command``, in seconds; its output is thrown away."""
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="timed runs per command")
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    commands = _commands()
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        times: dict[str, list[float]] = {}
        for name, command in commands.items():
            _wall(command, env)  # compiles and caches the bytecode; not timed
            times[name] = []
        for _ in range(args.repeats):  # interleaved, so that a busy moment hits all alike
            for name, command in commands.items():
                times[name].append(_wall(command, env))
    reference = statistics.median(times["python -c pass"])
    print(f"\nwall time of {args.repeats} runs each, in a fresh process (seconds)")
    print(f"{'command':<20} {'median':>8} {'fastest':>8} {'ratio':>7}")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"{name:<20} {median:>8.3f} {min(measured):>8.3f} {median / reference:>6.1f}x")
    print(f"\nload average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
