"""Every face of the command line against hostile input, under a memory limit and a
timeout: no traceback, no hang, one line for each error, and strict JSON.

The cases are data, in ``tests/fixtures/hostile/cases.yaml``; the files they name are
beside it. Two more tests kill a run with ``kill -9`` and fill the disk while writing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parley.record.load import record_folder

from .conftest import wait_for_chunks

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SCENARIO = record_folder().parent / "scenario.yaml"
CASES: list[dict[str, Any]] = YAML(typ="safe").load((HOSTILE / "cases.yaml").read_text())
MEMORY_LIMIT = 4 * 2**30  # bytes of address space for each command
TIMEOUT = 120  # seconds for each command
STATUS = {"ok": {0}, "problems": {1, 2}, "error": {2}}  # check commands list problems


def _limited(file_size: int | None = None) -> Any:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if file_size is not None:  # a full disk: writes past the size fail with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return limit


def parley(*args: str | Path, file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in its own process, under the memory limit and the timeout, with
    a memory budget below the limit (so that the budget, not the limit, refuses)."""
    env = os.environ | {"PARLEY_MEMORY_BUDGET": "3GiB", "PARLEY_TIME_BUDGET": "1h"}
    return subprocess.run(
        [sys.executable, "-m", "parley", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=env,
        preexec_fn=_limited(file_size),
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inputs the cases name as ``{made}``, made once."""
    folder = tmp_path_factory.mktemp("made")
    (folder / "a-file").write_text("not a folder\n")
    (folder / "damaged").mkdir()
    (folder / "damaged" / "catalog.duckdb").write_bytes(b"not a database\n" * 100)
    (folder / "big-field.csv").write_text(
        "Actor,Capability,Position,Salience\n" + "A" * 200_000 + ",1,2,3\nB,1,4,5\n"
    )
    actors = "\n".join(f"a{n},1,{n % 100},50" for n in range(10_000))
    (folder / "ten-thousand-actors.csv").write_text("Actor,Capability,Position,Salience\n" + actors)
    return folder


def _prepare(case: dict[str, Any], made: Path, tmp: Path) -> list[str]:
    """The case's arguments, with its own files made in ``tmp``."""
    if "scenario_edit" in case:
        old, new = case["scenario_edit"]
        text = SCENARIO.read_text()
        assert old in text, f"the built-in scenario no longer has {old!r}"
        (tmp / "scenario.yaml").write_text(text.replace(old, new, 1))
    if "record_files" in case:
        shutil.copytree(record_folder(), tmp / "record")
        for name, source in case["record_files"].items():
            shutil.copyfile(HOSTILE / source, tmp / "record" / name)
    places = {
        "{hostile}": str(HOSTILE),
        "{made}": str(made),
        "{tmp}": str(tmp),
        "{scenario}": str(tmp / "scenario.yaml"),
        "{record}": str(tmp / "record"),
    }
    args = []
    for arg in case["args"]:
        for key, value in places.items():
            arg = arg.replace(key, value)
        args.append(arg)
    return args


def _name(case: dict[str, Any]) -> str:
    return " ".join(Path(arg).name if "/" in arg else arg for arg in case["args"])[:80]


@pytest.mark.parametrize("case", CASES, ids=[_name(case) for case in CASES])
def test_hostile_input(case: dict[str, Any], made: Path, tmp_path: Path) -> None:
    done = parley(*_prepare(case, made, tmp_path))
    said = done.stdout + done.stderr
    assert "Traceback" not in said, said[-2000:]
    assert "internal error" not in said, said[-2000:]
    assert done.returncode in STATUS[case["expect"]], said[-2000:]
    if case["expect"] == "error":
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    if "json" in case["args"] and done.returncode == 0:
        json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def _children(pid: int) -> set[int]:
    """Every process descended from ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="workers end with their parent on Linux")
def test_kill_9_leaves_no_process_behind(tmp_path: Path) -> None:
    """A run on local processes, killed with ``kill -9``: its workers end with it. (That
    ``--resume`` then gives the uninterrupted tables is tested in test_experiments.py.)"""
    args = ["run", "sino-soviet", "--runs", "3000", "--chunk", "100", "--workers", "2", "--quiet"]
    process = subprocess.Popen(
        [sys.executable, "-m", "parley", *args, "--out", str(tmp_path / "killed")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_chunks(tmp_path / "killed", 2, process)
    workers = _children(process.pid)
    assert process.poll() is None, "the run ended before it could be killed"
    assert workers, "the run has no worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait()
    for _ in range(200):  # the kernel ends the workers, then the tracker sees its pipe close
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], "processes outlived the killed run"


def test_a_full_disk_is_one_line_and_keeps_the_earlier_result(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text("an earlier report\n")
    done = parley(
        "report", "sino-soviet", "--runs", "5", "--quiet", "--out", report, file_size=4096
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert str(report) in done.stderr
    assert report.read_text() == "an earlier report\n"
    assert not list(tmp_path.glob(".*.tmp")), "a half-written file was left behind"
    tables = tmp_path / "tables"
    done = parley("run", "sino-soviet", "--runs", "5", "--quiet", "--out", tables, file_size=4096)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not list(tables.glob("**/.*.tmp"))


def test_results_are_readable_by_others(tmp_path: Path) -> None:
    done = parley("run", "sino-soviet", "--runs", "2", "--quiet", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    mask = os.umask(0)
    os.umask(mask)
    written = sorted((tmp_path / "out").glob("*.parquet"))
    assert written, "the run wrote no tables"
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask


REQUESTS: list[dict[str, Any]] = YAML(typ="safe").load((HOSTILE / "http.yaml").read_text())


@pytest.fixture(scope="module")
def server() -> Any:
    from .conftest import start_server, stop_server

    found = start_server("--max-runs", "50", "--scenarios", HOSTILE / "served")
    yield found
    stop_server(found)


def _request_name(request: dict[str, Any]) -> str:
    return f"{request['method']} {request['path']} {request.get('json', request.get('body', ''))}"


@pytest.mark.parametrize("request_", REQUESTS, ids=[_request_name(r) for r in REQUESTS])
def test_hostile_request(server: Any, request_: dict[str, Any]) -> None:
    import httpx

    answer = httpx.request(
        request_["method"],
        server.url + request_["path"],
        json=request_.get("json"),
        content=request_.get("body"),
        headers={"content-type": "application/json"} if "body" in request_ else None,
        timeout=120,
    )
    assert 400 <= answer.status_code < 500 or answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    json.loads(answer.text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


@pytest.mark.parametrize("path", ["/api/runs", "/api/compare", "/api/counterfactual"])
def test_a_served_scenario_that_passes_its_check_never_fails_the_server(
    server: Any, path: str
) -> None:
    import httpx

    body = {"scenario": "my-dispute", "runs": 5, "set": ["parameters.incident-hazard=0.05"]}
    answer = httpx.post(server.url + path, json=body, timeout=120)
    assert answer.status_code == 200, answer.text
    json.loads(answer.text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
