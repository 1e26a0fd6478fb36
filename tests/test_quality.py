"""Types and lint are part of the tests: mypy --strict, ruff check, ruff format --check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

COMMANDS = {
    "mypy --strict": [sys.executable, "-m", "mypy", "--strict", "src/parley"],
    "ruff check": [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
    "ruff format --check": [
        sys.executable,
        "-m",
        "ruff",
        "format",
        "--check",
        "src",
        "tests",
        "benchmarks",
    ],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_quality_gate(name: str) -> None:
    done = subprocess.run(COMMANDS[name], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
