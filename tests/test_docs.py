"""Docs that run: every console and python example in the README and docs/."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(language: str) -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        for number, match in enumerate(FENCE.finditer(page.read_text(encoding="utf-8"))):
            if match.group(1) == language:
                found.append((str(page.relative_to(ROOT)), number, match.group(2)))
    return found


def _shell(command: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _label(block: tuple[str, int, str]) -> str:
    return f"{block[0]}#{block[1]}"


@pytest.mark.parametrize("block", _blocks("console"), ids=_label)
def test_console_example_runs(block: tuple[str, int, str]) -> None:
    commands = [line[2:] for line in block[2].splitlines() if line.startswith("$ ")]
    assert commands, "a console block with no command"
    background = []  # "COMMAND &" starts a server for the rest of the block
    try:
        for command in commands:
            if command.endswith(" &"):
                background.append(_start(command[:-2]))
                continue
            done = _shell(command)
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
            assert done.stdout.strip(), f"{command} printed nothing"
    finally:
        for process in background:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def _start(command: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.Popen(
        command, shell=True, cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.parametrize("block", _blocks("python"), ids=_label)
def test_python_example_runs(block: tuple[str, int, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(block[2], _label(block), "exec"), {"__name__": "__docs__"})


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [body.strip() for language, body in FENCE.findall(section) if language == "sh"]


def test_quick_start_has_exactly_two_commands() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start()[1] in ci.splitlines()


def test_quick_start_main_job_runs() -> None:
    # The install steps are what CI and a fresh clone exercise; here, the main job itself.
    steps = [step.strip() for step in _quick_start()[0].split("&&")]
    jobs = [step for step in steps if step.startswith("parley ")]
    assert jobs
    for job in jobs:
        done = _shell(job)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()


def test_cameo_reference_lists_the_shipped_table() -> None:
    page = (ROOT / "docs" / "reference" / "cameo.md").read_text(encoding="utf-8")
    table = ROOT / "src" / "parley" / "data" / "cameo.csv"
    for row in csv.DictReader(table.read_text(encoding="utf-8").splitlines()):
        value = float(row["goldstein"])
        plover = f"`{row['plover']}`" if row["plover"] else "none"
        line = (
            f"| `{row['code']}` | {row['name']} | {value:+.1f} | {row['quad_class']} | {plover} |"
        )
        assert line in page
