"""What the command line imports: the faces reach parley only through parley.api, a quick
command does not load the heavy libraries, and a missing optional extra is one line.

Nothing here is timed (``benchmarks/bench_startup.py`` does that); each check runs in a
fresh interpreter and looks at ``sys.modules``.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "parley"
EC = PACKAGE / "data" / "examples" / "ec_emissions.csv"

# Runs the command line in this process, then prints which of MODULES were imported.
PROBE = """
import json, sys
from contextlib import redirect_stdout
from io import StringIO
import parley.cli
with redirect_stdout(StringIO()):
    try:
        parley.cli.main(ARGS)
    except SystemExit as exc:
        assert exc.code == 0, exc.code
loaded = [m for m in MODULES if any(n == m or n.startswith(m + ".") for n in sys.modules)]
print(json.dumps(loaded))
"""

HEAVY = ["pandas", "duckdb", "matplotlib", "fastapi", "uvicorn", "SALib", "dask", "numba"]
# parley's own modules that a quick command has no use for: the record, scenarios, the
# simulator and ensembles.
SLOW = [
    "parley.record",
    "parley.scenario.schema",
    "parley.model.simulate",
    "parley.experiments.ensemble",
]


def _loaded(args: list[str], modules: list[str]) -> list[str]:
    code = PROBE.replace("ARGS", repr(args)).replace("MODULES", repr(modules))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout)
    return loaded


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["bargain", "--help"]])
def test_version_and_help_import_nothing_heavy(args: list[str]) -> None:
    assert _loaded(args, [*HEAVY, "distributed", *SLOW, "numpy"]) == []


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_bargain_imports_only_what_it_needs(output: str) -> None:
    # pandas too: it alone takes longer to import than the whole command should.
    args = ["bargain", str(EC), "--format", output]
    assert _loaded(args, [*HEAVY, "distributed", *SLOW]) == []


def test_bargain_trace_needs_pandas_only() -> None:
    args = ["bargain", str(EC), "--model", "eu", "--trace", "--format", "table"]
    assert _loaded(args, [*HEAVY, "distributed"]) == ["pandas"]


def _parley_imports(path: Path) -> list[str]:
    """The parley modules that a file imports, at any depth, ``TYPE_CHECKING`` included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "parley":
                found += [f"parley.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
    return [name for name in found if name == "parley" or name.startswith("parley.")]


FACES = sorted((PACKAGE / "cli").glob("*.py")) + sorted((PACKAGE / "web").glob("*.py"))


# Hides packages as if they were not installed, then runs the command line.
MISSING = """
import sys
for name in HIDDEN:
    sys.modules[name] = None
from parley.cli import main
main(ARGS)
"""


@pytest.mark.parametrize(
    ("hidden", "args", "message"),
    [
        (
            ["fastapi"],
            ["serve"],
            "parley serve: the web app needs the 'web' extra: pip install 'parley[web]'",
        ),
        (
            ["uvicorn"],
            ["serve"],
            "parley serve: the web app needs the 'web' extra: pip install 'parley[web]'",
        ),
        (
            ["matplotlib"],
            ["report", "sino-soviet", "--out", "never.html"],
            "parley report: the report needs the 'plots' extra: pip install 'parley[plots]'",
        ),
        (
            ["SALib"],
            ["sensitivity", "sino-soviet"],
            "parley sensitivity: sensitivity analysis needs the 'sensitivity' extra: pip install 'parley[sensitivity]'",
        ),
        (
            ["SALib"],
            ["calibrate", "sino-soviet", "--until", "1979"],
            "parley calibrate: calibration needs the 'sensitivity' extra: pip install 'parley[sensitivity]'",
        ),
        (
            ["distributed"],
            ["run", "sino-soviet", "--scheduler", "tcp://127.0.0.1:1"],
            "parley run: a Dask cluster (--scheduler) needs the 'dask' extra: pip install 'parley[dask]'",
        ),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(
    hidden: list[str], args: list[str], message: str
) -> None:
    code = MISSING.replace("HIDDEN", repr(hidden)).replace("ARGS", repr(args))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stderr, done.stdout) == (2, message + "\n", "")


def test_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parley", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, "parley 0.1.0\n")


@pytest.mark.parametrize("module", ["parley", "parley.api"])
def test_every_exported_name_resolves(module: str) -> None:
    # The lazy names (PEP 562) are listed by hand; each must load.
    namespace = importlib.import_module(module)
    for name in namespace.__all__:
        assert getattr(namespace, name) is not None, name
