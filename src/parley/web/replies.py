"""Answers worked out once: the JSON of record queries, kept by their arguments.

The record does not change while the server runs, so a query's answer does not either.
Each answer is built in a worker thread, at most ``threads`` at a time, so that a burst
of queries cannot take the event loop's share of the processor; requests that ask the
same while it is built wait for that one build. The last ``size`` answers are kept.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable

import anyio.to_thread
from anyio import CapacityLimiter

__all__ = ["Replies"]


class Replies:
    """A bounded cache of built answers, each built once, in a worker thread."""

    def __init__(self, size: int, threads: int) -> None:
        self.size = size
        self._limiter = CapacityLimiter(threads)
        self._kept: OrderedDict[Hashable, asyncio.Future[bytes]] = OrderedDict()

    async def get(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The answer kept for ``key``, or the one ``build`` makes (a failure is not kept)."""
        found = self._kept.get(key)
        if found is None:
            found = asyncio.ensure_future(anyio.to_thread.run_sync(build, limiter=self._limiter))
            self._kept[key] = found
            if len(self._kept) > self.size:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        try:
            return await asyncio.shield(found)
        except Exception:
            if self._kept.get(key) is found:
                del self._kept[key]
            raise
