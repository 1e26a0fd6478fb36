"""parley: how states negotiate and how their relations rise and fall, held against the record.

The public API is in :mod:`parley.api`; the most used names are re-exported here. They
are loaded on first use (PEP 562), so that ``import parley`` and the command line start
quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from parley.errors import ParleyError

if TYPE_CHECKING:
    from parley.api import (
        bargain,
        calibrate,
        check_record,
        compare,
        counterfactual,
        load_record,
        load_scenario,
        report,
        run,
        sensitivity,
    )

__all__ = [
    "ParleyError",
    "__version__",
    "bargain",
    "calibrate",
    "check_record",
    "compare",
    "counterfactual",
    "load_record",
    "load_scenario",
    "report",
    "run",
    "sensitivity",
]
__version__ = "0.1.0"

_API = frozenset(__all__) - {"ParleyError", "__version__"}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name not in _API:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module("parley.api"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | _API)
