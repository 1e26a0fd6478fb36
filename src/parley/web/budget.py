"""The budget of runs in flight: how much simulation the web app holds at once.

A run request costs its runs times the ensembles it holds. Requests are admitted in order
of arrival while at most ``slots`` work at once and their costs add up to at most
``budget``; a request that costs more than the whole budget is admitted when nothing else
works, so that it runs alone. At most ``waiting`` requests wait; a request beyond them, or
one that is not admitted within its wait, is refused: :class:`Busy`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["Busy", "RunBudget"]


class Busy(Exception):
    """No room in the budget within the wait."""


class RunBudget:
    """Admits run requests in order of arrival while they fit (see the module's docstring)."""

    def __init__(self, slots: int, budget: int, waiting: int) -> None:
        self.slots = slots
        self.budget = budget
        self.waiting = waiting
        self.working = 0
        self.used = 0
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()

    def _fits(self, cost: int) -> bool:
        return self.working == 0 or (self.working < self.slots and self.used + cost <= self.budget)

    def _admit(self, cost: int) -> None:
        self.working += 1
        self.used += cost

    def _release(self, cost: int) -> None:
        self.working -= 1
        self.used -= cost
        self._wake()

    def _wake(self) -> None:
        while self._waiting:
            cost, admitted = self._waiting[0]
            if admitted.done():  # given up waiting
                self._waiting.popleft()
            elif self._fits(cost):
                self._waiting.popleft()
                self._admit(cost)
                admitted.set_result(None)
            else:
                return

    @asynccontextmanager
    async def hold(self, cost: int, wait: float) -> AsyncIterator[None]:
        """Hold ``cost`` of the budget for the block, waiting up to ``wait`` seconds for it;
        raises :class:`Busy` when too many wait already, or it did not come."""
        if not self._waiting and self._fits(cost):
            self._admit(cost)
        elif sum(not admitted.done() for _, admitted in self._waiting) >= self.waiting:
            raise Busy
        else:
            admitted = asyncio.get_running_loop().create_future()
            self._waiting.append((cost, admitted))
            try:
                await asyncio.wait_for(asyncio.shield(admitted), wait)
            except BaseException as exc:  # timed out, or the request was cancelled
                if admitted.done() and not admitted.cancelled():
                    self._release(cost)  # admitted at the last moment: give it back
                else:
                    admitted.cancel()
                    self._wake()  # those behind may fit now
                if isinstance(exc, TimeoutError):
                    raise Busy from None
                raise
        try:
            yield
        finally:
            self._release(cost)
