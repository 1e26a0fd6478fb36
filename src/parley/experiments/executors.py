"""Where tasks run: in this process, in local processes, or on a Dask cluster.

Every executor takes the same list of tasks (a picklable function and its arguments) and
yields ``(index, result)`` as tasks finish, in whatever order they finish. Callers put
results back in task order, so the executor never changes a result: the same seed gives
the same tables on any of them.
"""

from __future__ import annotations

import ctypes
import importlib
import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor as Executor_
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from parley.errors import InputError, Location

__all__ = ["Executor", "Task", "default_workers", "gather", "open_executor"]


@dataclass(frozen=True)
class Task:
    """A function and its arguments; both must pickle, to reach another process."""

    function: Callable[..., Any]
    arguments: tuple[Any, ...]


class Executor(Protocol):
    name: str

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        """Each task's index and result, as tasks finish."""
        ...


def gather(
    executor: Executor | None,
    tasks: Sequence[Task],
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """Every task's result, in task order (here if no executor is given); ``progress`` is
    called with (done, total) as tasks finish."""
    results: list[Any] = [None] * len(tasks)
    for done, (index, result) in enumerate((executor or InProcess()).run(tasks), start=1):
        results[index] = result
        if progress:
            progress(done, len(tasks))
    return results


def default_workers() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InProcess:
    """Tasks one after the other, here."""

    name = "in-process"

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        for index, task in enumerate(tasks):
            yield index, task.function(*task.arguments)


class Pool:
    """Tasks on a ``concurrent.futures`` executor: local processes, or a Dask client's."""

    def __init__(self, pool: Executor_, name: str) -> None:
        self.pool = pool
        self.name = name

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        futures = {
            self.pool.submit(task.function, *task.arguments): index
            for index, task in enumerate(tasks)
        }
        for future in as_completed(futures):
            yield futures[future], future.result()


_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):[0-9]{1,5}$")


@contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor: Dask at ``scheduler`` if given, else ``workers`` local processes (the
    number of cores by default), or this process alone for ``workers=1``."""
    if scheduler is not None:
        if not _ADDRESS.match(scheduler):
            raise InputError(
                f"not a scheduler address: {scheduler!r}",
                Location("--scheduler"),
                "tcp://HOST:PORT",
            )
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            raise InputError(
                "Dask is not installed", Location("--scheduler"), "pip install 'parley[dask]'"
            ) from None
        try:
            client = distributed.Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"no Dask scheduler answers: {exc}", Location("--scheduler"), "tcp://HOST:PORT"
            ) from None
        try:
            yield Pool(client.get_executor(pure=False), f"dask ({scheduler})")
        finally:
            client.close()
        return
    count = default_workers() if workers is None else workers
    if count < 1:
        raise InputError("workers must be 1 or more", Location("--workers"), "N >= 1")
    if count == 1:
        yield InProcess()
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_worker_start,
        initargs=(os.getpid(),),
    ) as pool:
        yield Pool(pool, f"local processes ({count})")


def _worker_start(parent: int) -> None:
    """In a worker process: end with the parent, and use one thread.

    On Linux the kernel kills the worker when its parent dies, even by ``kill -9``, so that
    an interrupted run leaves no process behind (and, once the workers are gone, the
    resource tracker sees its pipe close and ends too). The processes share the cores, so
    the compiled engine runs its runs on one thread each rather than one per core in
    every process."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
    os.environ["PARLEY_THREADS"] = "1"


_PR_SET_PDEATHSIG = 1
