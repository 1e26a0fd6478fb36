"""Ensembles on every executor, the run catalog, and --resume after a real kill."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from parley.api import Execution, load_scenario, run

from .conftest import run_parley, wait_for_chunks

SCENARIO = load_scenario("sino-soviet")


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def test_serial_local_processes_and_dask_give_equal_tables() -> None:
    from distributed import LocalCluster

    serial = run(SCENARIO, 48, 5, chunk=12).tables()
    local = run(SCENARIO, 48, 5, chunk=12, execution=Execution(workers=2)).tables()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask = run(
            SCENARIO, 48, 5, chunk=12, execution=Execution(scheduler=cluster.scheduler_address)
        ).tables()
    one_chunk = run(SCENARIO, 48, 5).tables()
    for name, table in serial.items():
        for other in (local, dask, one_chunk):
            pd.testing.assert_frame_equal(table, other[name])


def test_a_killed_run_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    args = ["run", "sino-soviet", "--runs", "600", "--seed", "9", "--chunk", "20",
            "--workers", "1", "--quiet", "--format", "json"]  # fmt: skip
    whole = run_parley(*args, "--out", tmp_path / "whole")
    assert whole.code == 0, whole.stderr
    cut = tmp_path / "cut"
    process = subprocess.Popen(
        [sys.executable, "-m", "parley", *args, "--out", str(cut)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_chunks(cut, 4, process)
    process.kill()
    process.wait()
    finished = sorted(cut.glob("chunks/*.npz"))
    assert 4 <= len(finished) < 30, "the run was not interrupted partway"
    assert not (cut / "relation.parquet").exists()
    # A finished chunk gets corrupted, and an interrupted write leaves a partial file.
    finished[0].write_bytes(finished[0].read_bytes()[:200])
    (cut / "chunks" / f".{finished[-1].name}.partial.tmp").write_bytes(b"half")

    resumed = run_parley(*args, "--out", cut, "--resume")
    assert resumed.code == 0, resumed.stderr
    assert resumed.stdout == whole.stdout
    expected, got = _tables(tmp_path / "whole"), _tables(cut)
    assert expected.keys() == got.keys()
    for name, table in expected.items():
        pd.testing.assert_frame_equal(table, got[name])
    with duckdb.connect(str(cut / "catalog.duckdb"), read_only=True) as con:
        attempts = con.execute("SELECT attempt, status FROM attempts ORDER BY attempt").fetchall()
        redone = con.execute("SELECT attempt FROM chunks WHERE chunk = 0").fetchone()
        kept = con.execute("SELECT count(*) FROM chunks WHERE attempt = 1").fetchone()
    assert attempts == [(1, "running"), (2, "done")]
    assert redone == (2,)  # the corrupted chunk was computed again, not trusted
    assert kept is not None
    assert kept[0] >= 1  # the intact ones were kept
    assert not list(cut.glob("**/*.tmp"))


def test_the_catalog_records_each_chunk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(SCENARIO, 30, 2, chunk=10, execution=Execution(out=out), overrides=())
    with duckdb.connect(str(out / "catalog.duckdb"), read_only=True) as con:
        attempt = con.execute(
            "SELECT scenario, seed, runs, chunk_size, status, parley_version FROM attempts"
        ).fetchall()
        chunks = con.execute("SELECT chunk, first_run, runs FROM chunks ORDER BY chunk").fetchall()
    assert attempt[0][:5] == ("sino-soviet", 2, 30, 10, "done")
    assert chunks == [(0, 0, 10), (1, 10, 10), (2, 20, 10)]
    relation = pd.read_parquet(out / "relation.parquet")
    assert not {"seconds", "host", "finished"} & set(relation.columns)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "already there"),
        (("--resume", "--seed", "4"), "holds a different run (--seed differ)"),
        (("--resume", "--runs", "7"), "holds a different run (--runs differ)"),
    ],
)
def test_an_out_folder_is_never_silently_overwritten(
    tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    args = ["run", "sino-soviet", "--runs", "6", "--seed", "3", "--workers", "1", "--quiet"]
    assert run_parley(*args, "--out", tmp_path).code == 0
    again = run_parley(*args, "--out", tmp_path, *extra)
    assert again.code == 2
    assert message in again.stderr
    assert len(again.stderr.splitlines()) == 1


def test_resume_needs_a_folder_with_a_run(tmp_path: Path) -> None:
    result = run_parley("run", "sino-soviet", "--runs", "5", "--resume", "--out", tmp_path / "new")
    assert result.code == 2
    assert "nothing to resume" in result.stderr


@pytest.mark.parametrize(("quiet", "expected"), [((), True), (("--quiet",), False)])
def test_a_terminal_gets_a_progress_bar_unless_quiet(
    quiet: tuple[str, ...], expected: bool
) -> None:
    import shutil

    command = " ".join(
        [sys.executable, "-m", "parley", "run", "sino-soviet", "--runs", "60", "--chunk", "10",
         "--workers", "1", "--format", "json", *quiet]
    )  # fmt: skip
    done = subprocess.run(
        [shutil.which("script") or "script", "-qec", command, "/dev/null"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert ("ETA" in done.stdout and "60/60" in done.stdout) is expected
