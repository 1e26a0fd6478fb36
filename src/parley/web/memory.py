"""Giving memory back to the system once a run is done.

A run's arrays are freed when it ends, but the C heap keeps the freed pages, so a server
that has run a few large ensembles would stay at its peak. On glibc, ``malloc_trim`` hands
them back; elsewhere :func:`release` does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache

__all__ = ["release"]


@cache
def _trim() -> Callable[[int], int] | None:
    try:
        found: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:  # no C library to open
        return None
    return found


def release() -> None:
    """Hand the C heap's free pages back to the system, where the C library can."""
    trim = _trim()
    if trim is not None:
        trim(0)
