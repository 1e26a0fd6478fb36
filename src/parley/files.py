"""Writing results so that nothing is lost: every file appears whole or not at all.

A result is written to a temporary file beside its target and renamed onto it, so an
interrupted or failed write (a full disk, a kill) leaves any earlier file untouched. A
failure to write (a missing folder, a file where a folder should be, no permission, a
full disk) is an :class:`~parley.errors.OutputError` that names the path: one line.
Files are created with the usual permissions (``0666`` less the umask), not the private
``0600`` of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from parley.errors import Location, OutputError

__all__ = ["atomic_text", "atomic_write", "check_target", "new_output_folder", "output_folder"]


@cache
def _umask() -> int:
    """The process's umask: read from /proc where there is one, since setting it to read
    it back would briefly change it for every thread."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _failed(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(
        f"cannot write: {reason}", Location(str(path)), "a folder you can write to, with room"
    )


def output_folder(folder: Path) -> Path:
    """``folder``, created with its parents if need be; a file in its place is refused."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError("is a file, not a folder", Location(str(folder)), "a folder for results")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(folder, exc) from None
    return folder


def new_output_folder(folder: Path) -> Path:
    """``folder`` for a new result: created if need be, refused if it holds anything."""
    folder = output_folder(folder)
    if any(folder.iterdir()):
        raise OutputError("results are already there", Location(str(folder)), "a new --out folder")
    return folder


def check_target(target: Path) -> Path:
    """``target`` as a file to write: in an existing folder, and not itself a folder.
    Called before the work that makes the result, so that it is not lost at the end."""
    target = Path(target)
    if target.is_dir():
        raise OutputError("is a folder, not a file", Location(str(target)), "a file name")
    if not target.parent.is_dir():
        raise OutputError("no such folder", Location(str(target.parent)), "an existing folder")
    if not os.access(target.parent, os.W_OK):
        raise OutputError("cannot write here", Location(str(target)), "a folder you can write to")
    return target


def atomic_write(target: Path, write: Callable[[str], object]) -> None:
    """Write through ``write(temporary_path)``, then rename onto ``target``."""
    target = check_target(target)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        os.close(handle)
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as exc:
        raise _failed(target, exc) from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)


def atomic_text(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    atomic_write(target, lambda path: Path(path).write_text(text, encoding="utf-8"))
