"""CAMEO event codes, their Goldstein (1992) conflict-cooperation values and PLOVER types.

The table ships as ``parley/data/cameo.csv``: the 20 root codes, and every sub-code the
built-in record uses. Values are those of the GDELT project's CAMEO-to-Goldstein lookup
(``CAMEO.goldsteinscale.txt``), which maps Goldstein's 1992 scale onto CAMEO 1.1b3.
Each code's PLOVER event type follows the PLOVER project's CAMEO crosswalk
(``CAMEO2PLOVER-2021.txt``); codes of the root ``01`` have none.
See ``docs/reference/cameo.md`` for the table and its provenance.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = ["CameoCode", "cameo_table"]


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code: ``code`` is 2 to 4 digits, ``root`` its first two."""

    code: str
    name: str
    goldstein: float
    quad_class: str
    plover: str | None

    @property
    def root(self) -> str:
        return self.code[:2]


@cache
def cameo_table() -> dict[str, CameoCode]:
    """Every known code, by code string (``"19"``, ``"190"``, ``"1621"``)."""
    text = files("parley").joinpath("data/cameo.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        row["code"]: CameoCode(
            row["code"],
            row["name"],
            float(row["goldstein"]),
            row["quad_class"],
            row["plover"] or None,
        )
        for row in rows
    }
