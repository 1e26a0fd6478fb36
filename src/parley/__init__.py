"""parley: how states negotiate and how their relations rise and fall, held against the record.

The public API is in :mod:`parley.api`; the most used names are re-exported here.
"""

from parley.api import (
    bargain,
    check_record,
    counterfactual,
    load_record,
    load_scenario,
    report,
    run,
)
from parley.errors import ParleyError

__all__ = [
    "ParleyError",
    "__version__",
    "bargain",
    "check_record",
    "counterfactual",
    "load_record",
    "load_scenario",
    "report",
    "run",
]
__version__ = "0.1.0"
