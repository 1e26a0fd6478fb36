"""Dates in the record are EDTF strings, kept exactly as precise as the source allows.

An EDTF string stands for a range of days: ``1969`` is every day of 1969, ``1969-03`` every
day of March, ``1982/1985`` every day from 1 January 1982 to 31 December 1985, ``196X``
the 1960s. :func:`bounds` gives that range as the first and last day. Qualifiers ``~``
(approximate) and ``?`` (uncertain) are kept in the text and shown to readers, but they do
not widen the range: the range is what the source states.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from edtf import parse_edtf

__all__ = ["as_text", "bounds", "describe", "is_approximate", "validate"]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _to_date(value: Any) -> dt.date:
    return dt.date(value.tm_year, value.tm_mon, value.tm_mday)


_SIMPLE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?[~?%]?")
_DECADE = re.compile(r"(\d{2})(\d|X)X[~?%]?")


def _simple_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of the common forms (``1969``, ``1969-03~``, ``196X``), or None for others.

    The edtf package parses every form but takes milliseconds; this takes microseconds.
    A test checks that the two agree.
    """
    try:
        return _simple_forms(text)
    except ValueError:  # year 0, or a day that the month does not have
        return None


def _simple_forms(text: str) -> tuple[dt.date, dt.date] | None:
    if match := _SIMPLE.fullmatch(text):
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if not 1 <= month <= 12:
            return None
        if day is None:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return dt.date(year, month, 1), following - dt.timedelta(days=1)
        return dt.date(year, month, day), dt.date(year, month, day)
    if match := _DECADE.fullmatch(text):
        century, decade = match.groups()
        if decade == "X":
            first = int(century) * 100
            return dt.date(first, 1, 1), dt.date(first + 99, 12, 31)
        first = int(century) * 100 + int(decade) * 10
        return dt.date(first, 1, 1), dt.date(first + 9, 12, 31)
    return None


@cache
def bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day that an EDTF string covers.

    Raises ValueError when the text is not EDTF, or is an open or unknown-ended interval.
    """
    parts = text.split("/")
    # EDTF's grammar has no interval that mixes a qualified end with unspecified digits.
    mixed = "X" in text and any(part[-1:] in ("~", "?", "%") for part in parts)
    if len(parts) == 2 and all(parts) and not mixed:
        first, last = _simple_bounds(parts[0]), _simple_bounds(parts[1])
        if first is not None and last is not None:
            if last[1] < first[0]:
                raise ValueError(f"{text!r} ends before it begins")
            return first[0], last[1]
    elif len(parts) == 1 and (simple := _simple_bounds(text)) is not None:
        return simple
    return _edtf_bounds(text)


def _edtf_bounds(text: str) -> tuple[dt.date, dt.date]:
    try:
        parsed = parse_edtf(text)
        first, last = _to_date(parsed.lower_strict()), _to_date(parsed.upper_strict())
    except Exception as exc:  # the edtf package raises several types, some not its own
        raise ValueError(f"{text!r} is not a bounded EDTF date") from exc
    if last < first:
        raise ValueError(f"{text!r} ends before it begins")
    return first, last


def as_text(value: object) -> object:
    """Accept what YAML makes of an unquoted date (``1969`` is an int) as EDTF text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def validate(text: str) -> str:
    """Return ``text`` unchanged if it is a bounded EDTF date; raise ValueError if not."""
    bounds(text)
    return text


def is_approximate(text: str) -> bool:
    """True when the date is a range, qualified (``~ ? %``) or has unspecified digits.

    A plain year or month is not approximate: it is exact at its own precision.
    """
    return bool(re.search(r"[~?%X/]", text)) or bool(re.fullmatch(r"\d{4}-2[1-4]", text))


def describe(text: str) -> str:
    """A reader's rendering: ``March 1969``, ``c. 1969``, ``the 1960s``, ``1982-1985``."""
    if "/" in text:
        start, end = text.split("/", 1)
        return f"{describe(start)} to {describe(end)}"
    core = text.rstrip("~?%")
    prefix = "c. " if text != core else ""
    if re.fullmatch(r"\d{3}X", core):
        return f"{prefix}the {core[:3]}0s"
    if re.fullmatch(r"\d{2}XX", core):
        return f"{prefix}the {core[:2]}00s"
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", core)
    if match and int(match.group(2)) <= 12:
        year, month, day = match.groups()
        name = _MONTHS[int(month) - 1]
        return f"{prefix}{int(day)} {name} {year}" if day else f"{prefix}{name} {year}"
    return f"{prefix}{core}"
