"""Shared fixtures: the corpus beside the repository, copies of the record, and the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from parley.record.load import record_folder

# In CI, Hypothesis draws the same examples every time, so that a red build always means a
# reproducible failure; locally it explores new ones on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path:
    """The source texts: $PARLEY_CORPUS, or ../shared/corpus beside the repository."""
    path = Path(os.environ.get("PARLEY_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not path.is_dir():
        pytest.fail(f"no corpus at {path}: put shared/ beside the repository or set PARLEY_CORPUS")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_dir()


@pytest.fixture
def record_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in record."""
    target = tmp_path / "record"
    shutil.copytree(record_folder(), target)
    return target


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def run_parley(*args: str | Path) -> Result:
    """Run the installed command line in a subprocess, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "parley", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def parley_cli():  # type: ignore[no-untyped-def]
    return run_parley


def wait_for_chunks(folder: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    """Until a run writing to ``folder`` has finished ``count`` chunks, or has ended."""
    import time

    for _ in range(6000):  # polls every 20 ms; gives up after two minutes
        if len(list(folder.glob("chunks/*.npz"))) >= count or process.poll() is not None:
            return
        time.sleep(0.02)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


def start_server(*args: str | Path) -> Server:
    """``parley serve`` on a free loopback port, in its own process, once it answers."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "parley", "serve", "--port", str(port), *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):  # polls every 0.1 s, gives up after a minute
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            with urllib.request.urlopen(f"{url}/api/scenarios", timeout=2):
                return Server(url, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not answer")


def stop_server(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=30)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """Where browser tests save screenshots: $PARLEY_ARTIFACTS, or tests/artifacts/ (which
    git ignores)."""
    folder = Path(os.environ.get("PARLEY_ARTIFACTS", ROOT / "tests" / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (its own download does not work
    here)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()
