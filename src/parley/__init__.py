"""parley: how states negotiate and how their relations rise and fall, held against the record.

The public API is in :mod:`parley.api`; the most used names are re-exported here.
"""

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
from parley.errors import ParleyError

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
