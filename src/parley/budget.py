"""Budgets: what one command may ask of the machine, checked before any work starts.

Every command that can grow without bound (``run``, ``compare``, ``counterfactual``,
``report``, ``sensitivity``, ``calibrate``, ``bargain``, and the web app's runs) first
estimates the memory and the time of what it is asked to do from its sizes (runs, steps,
actors, issues, rounds) and refuses, in one line, what is over budget. The budgets are
documented in ``docs/reference/limits.md``:

- memory: half of this machine's memory, or ``PARLEY_MEMORY_BUDGET`` (``8GiB``, ``500MB``,
  or bytes);
- time: one hour of one core, or ``PARLEY_TIME_BUDGET`` (``4h``, ``90m``, or seconds).

The estimates are deliberately rough (within a factor of about two on the machine they
were measured on); they exist to stop ``--runs 1000000000000``, not to forecast a run.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

from parley.errors import InputError, Location

__all__ = ["MEMORY_VARIABLE", "TIME_VARIABLE", "Budget", "Cost", "require"]

MEMORY_VARIABLE = "PARLEY_MEMORY_BUDGET"
TIME_VARIABLE = "PARLEY_TIME_BUDGET"
_MEMORY_UNITS: dict[str, float] = {
    "": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}  # fmt: skip
_TIME_UNITS: dict[str, float] = {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_AMOUNT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$")


@dataclass(frozen=True)
class Cost:
    """What a piece of work is estimated to need: bytes held at once, and seconds."""

    memory: float
    seconds: float

    def times(self, repeats: float) -> Cost:
        """The cost of doing this ``repeats`` times one after another."""
        return Cost(self.memory, self.seconds * repeats)


def _amount(variable: str, text: str, units: dict[str, float], example: str) -> float:
    found = _AMOUNT.match(text.lower())
    if found is None or found.group(2) not in units:
        raise InputError(
            f"cannot read {text!r}", Location(variable), f"an amount such as {example}"
        )
    return float(found.group(1)) * units[found.group(2)]


def _machine_memory() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8.0 * 2**30


@dataclass(frozen=True)
class Budget:
    """How much memory (bytes) and time (seconds on one core) one command may use."""

    memory: float
    seconds: float

    @classmethod
    def from_environment(cls) -> Budget:
        memory = os.environ.get(MEMORY_VARIABLE)
        seconds = os.environ.get(TIME_VARIABLE)
        return cls(
            _amount(MEMORY_VARIABLE, memory, _MEMORY_UNITS, "8GiB")
            if memory
            else _machine_memory() / 2,
            _amount(TIME_VARIABLE, seconds, _TIME_UNITS, "4h") if seconds else 3600.0,
        )


def _bytes(value: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{math.ceil(value / 2**10)} KiB"


def _duration(value: float) -> str:
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.3g} s"


def require(what: str, cost: Cost, budget: Budget | None = None) -> None:
    """Refuse ``what`` (e.g. ``--runs 100000``) if its ``cost`` is over the budget."""
    budget = budget or Budget.from_environment()
    if cost.memory > budget.memory:
        raise InputError(
            f"about {_bytes(cost.memory)} of memory, over the budget of {_bytes(budget.memory)}",
            Location(what),
            f"less work, or a larger budget: {MEMORY_VARIABLE}=... (docs/reference/limits.md)",
        )
    if cost.seconds > budget.seconds:
        raise InputError(
            f"about {_duration(cost.seconds)} of work, over the budget of "
            f"{_duration(budget.seconds)}",
            Location(what),
            f"less work, or a larger budget: {TIME_VARIABLE}=... (docs/reference/limits.md)",
        )
