"""The command line explains itself: every option and argument of every command has a
description and an example, every flag is a --name/--no-name switch (or a documented
single flag), no help page shows a flag's type as ``<bool>``, and ``--version`` works.
While it works, it says what it is doing, in runs; its headings say what they show.

The tree is walked as Click sees it (``typer.main.get_command``), so a new command or
option is checked without being listed here; the help pages are read from ``parley ...
--help`` run as a user runs it. Nothing here is timed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main

import parley
from parley.cli import app
from parley.cli.analysis import _top_title

SINGLE_FLAGS = {"--version": "prints the version and exits, so --no-version would mean nothing"}
"""Flags that are not --name/--no-name switches, and why; --help is Click's own."""

# The type Typer prints for a parameter with no metavar: a metavar that reads well (N,
# FILE, PATH=VALUE) should stand there instead. A choice shows its choices, <a|b>.
BARE_TYPE = re.compile(r"<(bool|str|int|float|path|int range|float range|list\[str\])>")


def _tree(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group under ``command``, with the words that call it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _tree(sub, (*path, name))


def _names(param: Any) -> list[str]:
    return [*param.opts, *param.secondary_opts]


def problems(command: Any) -> list[str]:
    """What is missing from the help of ``command``'s parameters (not of its subcommands)."""
    found = []
    for param in command.params:
        names = _names(param)
        where = "/".join(names) if param.param_type_name == "option" else param.name
        help_text = " ".join((getattr(param, "help", None) or "").split())
        description, _, example = help_text.partition("e.g.")
        if len(description.split()) < 3:
            found.append(f"{where}: no description before the example")
        if not example.strip():
            found.append(f"{where}: no example ('e.g. ...')")
        elif param.param_type_name == "option" and not any(n in example for n in names):
            found.append(f"{where}: the example does not use the option")
        if getattr(param, "is_flag", False):
            if not param.secondary_opts and not set(param.opts) & set(SINGLE_FLAGS):
                found.append(f"{where}: a flag that is not a --name/--no-name switch")
            if param.metavar != "":
                found.append(f"{where}: a flag without metavar='' shows <bool>")
        elif param.metavar is None and not param.type_descriptor.is_choice:
            found.append(f"{where}: no metavar (N, FILE, DIR, YEAR, PATH=VALUE, ...)")
    return found


COMMANDS = list(_tree(typer.main.get_command(app)))


def _label(entry: tuple[tuple[str, ...], Any]) -> str:
    return " ".join(("parley", *entry[0]))


@pytest.mark.parametrize("entry", COMMANDS, ids=_label)
def test_every_parameter_has_a_description_and_an_example(
    entry: tuple[tuple[str, ...], Any],
) -> None:
    assert problems(entry[1]) == []


def test_the_walk_reaches_every_command() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}
    expected = {"run", "compare", "counterfactual", "sensitivity", "calibrate", "report"}
    expected |= {"serve", "scenarios", "bargain", "record", "record cite", "scenario new"}
    assert expected <= paths
    assert sum(len(command.params) for _, command in COMMANDS) > 100


def test_the_check_finds_what_is_missing() -> None:
    # The check itself can fail: a command with one thing wrong per parameter.
    bad = typer.Typer(add_completion=False)

    @bad.command()
    def job(
        name: Annotated[str, typer.Argument(help="A name.")],
        runs: Annotated[int, typer.Option(help="How many runs to do, e.g. 100.")] = 1,
        seed: int = 0,
        quiet: Annotated[
            bool, typer.Option("--quiet", help="Say nothing on stderr, e.g. --quiet.")
        ] = False,
        out: Annotated[str, typer.Option(metavar="DIR", help="Where, e.g. --out x.")] = ".",
    ) -> None:
        pass

    found = problems(typer.main.get_command(bad))
    assert found == [
        "name: no description before the example",
        "name: no example ('e.g. ...')",
        "name: no metavar (N, FILE, DIR, YEAR, PATH=VALUE, ...)",
        "--runs: the example does not use the option",
        "--runs: no metavar (N, FILE, DIR, YEAR, PATH=VALUE, ...)",
        "--seed: no description before the example",
        "--seed: no example ('e.g. ...')",
        "--seed: no metavar (N, FILE, DIR, YEAR, PATH=VALUE, ...)",
        "--quiet: a flag that is not a --name/--no-name switch",
        "--quiet: a flag without metavar='' shows <bool>",
        "--out: no description before the example",
    ]


def _help(*words: str) -> str:
    """``parley WORDS --help`` as a user runs it, on a wide page so that nothing folds."""
    done = subprocess.run(
        [sys.executable, "-m", "parley", *words, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


@pytest.mark.parametrize("entry", COMMANDS, ids=_label)
def test_help_shows_every_option_and_no_bare_type(entry: tuple[tuple[str, ...], Any]) -> None:
    path, command = entry
    page = _help(*path)
    assert "<bool>" not in page
    assert BARE_TYPE.findall(page.split("Options")[-1]) == []  # arguments print their type
    for param in command.params:
        if param.param_type_name == "option":
            assert all(name in page for name in _names(param)), _names(param)
        else:
            assert param.metavar in page
    assert page.count("e.g.") >= len(command.params)
    assert "--help" in page


def test_version_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parley", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"parley {parley.__version__}\n", "")
    assert "--version" in _help()


def _in_a_terminal(*args: str | Path) -> str:
    """What ``parley ARGS`` shows in a terminal (stdout and stderr), without the escapes."""
    command = " ".join([sys.executable, "-m", "parley", *map(str, args)])
    done = subprocess.run(
        [shutil.which("script") or "script", "-qec", command, "/dev/null"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stdout).replace("\r", "\n")


def test_progress_counts_the_runs_of_every_ensemble() -> None:
    # compare runs the model and two placebos: 3 x 20 runs, in chunks of 10.
    shown = _in_a_terminal(
        "compare", "sino-soviet", "--runs", "20", "--chunk", "10", "--workers", "1",
        "--format", "json",
    )  # fmt: skip
    assert "60/60 runs" in shown
    assert "placebo, shocks 5 years later" in shown
    assert "/6 " not in shown  # not chunks


@pytest.mark.parametrize(("quiet", "expected"), [((), True), (("--quiet",), False)])
def test_the_report_says_when_it_draws(
    tmp_path: Path, quiet: tuple[str, ...], expected: bool
) -> None:
    out = tmp_path / "report.html"
    shown = _in_a_terminal("report", "sino-soviet", "--runs", "5", "--workers", "1",
                           "--out", out, *quiet)  # fmt: skip
    assert ("drawing the report's figures" in shown) is expected
    assert "report written" in shown


def test_sensitivity_headings_count_what_they_show() -> None:
    assert _top_title("record.spearman", 5, 46, "mu_star") == (
        "record.spearman: the 5 of 46 parameters that matter most, by mu_star"
    )
    assert (
        _top_title("record.spearman", 3, 3, "ST")
        == "record.spearman: all 3 parameters varied, by ST"
    )
    assert (
        _top_title("treaty-ended.year", 1, 1, "ST")
        == "treaty-ended.year: the parameter varied, by ST"
    )
