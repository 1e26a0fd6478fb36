"""Dates in the record are EDTF strings, kept exactly as precise as the source allows.

An EDTF string stands for a range of days: ``1969`` is every day of 1969, ``1969-03`` every
day of March, ``1982/1985`` every day from 1 January 1982 to 31 December 1985, ``196X``
the 1960s, ``1964-22`` the summer of 1964 (an EDTF season). :func:`bounds` gives that range
as the first and last day. Qualifiers ``~`` (approximate) and ``?`` (uncertain) are kept in
the text and shown to readers, but they do not widen the range: the range is what the source
states.

A source that gives only one bound is written as an open interval: ``../1964-22`` is "by the
summer of 1964", ``1968/..`` is "1968 or later". The record keeps the interval open; where a
range of days is needed (the index, a shock's dates), :func:`bounds` gives the range of the
stated end, so "by the summer of 1964" counts in the summer of 1964. That is a rule of
counting, not a claim about the date, and ``describe`` shows readers the open interval.

:data:`CONVENTIONS` lists how parley writes the vague expressions of its sources. No
convention adds precision: an upper bound stays an upper bound, and a part of a decade
that EDTF cannot name gives way to the whole decade.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from edtf import parse_edtf

__all__ = [
    "CONVENTIONS",
    "Convention",
    "as_text",
    "bounds",
    "describe",
    "is_approximate",
    "is_exact",
    "validate",
]

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


_SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}


@dataclass(frozen=True)
class Convention:
    """How parley writes one kind of vague date: what a source says, and the EDTF form."""

    says: str
    writes: str
    pattern: str

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


_POINT = r"\d{4}(?:-\d{2}(?:-\d{2})?)?|\d{3}X"
CONVENTIONS: dict[str, Convention] = {
    "by": Convention(
        "by mid-1949; by the summer of 1964; by 1989; prior to 1960; by the mid-1980s (an "
        "upper bound only; a mid-year is the summer season, which holds it; a part of a "
        "decade that EDTF cannot name is the decade's end)",
        "`../1949-22`; `../1964-22`; `../1989`; `../1959`; `../1989`",
        rf"\.\./(?:{_POINT})",
    ),
    "after": Convention(
        "a reaction to a dated event, with no date of its own (a lower bound only)",
        "`1968/..`",
        rf"(?:{_POINT})/\.\.",
    ),
    "decade": Convention("the 1960s; in the 1970s", "`196X`; `197X`", r"\d{3}X"),
    "half-decade": Convention(
        "the second half of the 1950s; the first half of the 1980s; the late 1970s; "
        "the late 1950s and early 1960s",
        "`1955/1959`; `1980/1984`; `1975/1979`; `1955/1964`",
        r"\d{3}[05]/\d{3}[49]",
    ),
    "stated-range": Convention(
        "between 1982 and 1985; (1950-53); from 1964 into the 1970s",
        "`1982/1985`; `1950/1953`; `1964/197X`",
        rf"(?:{_POINT})/(?:{_POINT})",
    ),
    "approximate": Convention(
        "at least initially (after the 1950 treaty)", "`1950~`", rf"(?:{_POINT})~"
    ),
    "context": Convention(
        "no date in the passage: the bounds come from dated sentences of the same text, "
        "which the event's coding note names",
        "the range those sentences allow, e.g. `1991-05-16/1991`",
        r".+",
    ),
}
"""The dating conventions of the record, by id; an event names the one it uses."""

_EXACT = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2})?)?")


def is_exact(text: str) -> bool:
    """True for a plain year, month or day: a date that needs no convention."""
    return _EXACT.fullmatch(text) is not None


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

    An open interval (``../1964-22``, ``1968/..``) gives the range of its stated end. Raises
    ValueError when the text is not EDTF, or is open at both ends or has an unknown end.
    """
    parts = text.split("/")
    if len(parts) == 2 and "" in parts:
        raise ValueError(f"{text!r} has an unknown end; write '..' for an open one")
    if len(parts) == 2 and ".." in parts and parts != ["..", ".."]:
        _edtf_parse(text)
        return bounds(parts[0] if parts[1] == ".." else parts[1])
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


def _edtf_parse(text: str) -> Any:
    try:
        return parse_edtf(text)
    except Exception as exc:  # the edtf package raises several types, some not its own
        raise ValueError(f"{text!r} is not a bounded EDTF date") from exc


def _edtf_bounds(text: str) -> tuple[dt.date, dt.date]:
    parsed = _edtf_parse(text)
    try:
        first, last = _to_date(parsed.lower_strict()), _to_date(parsed.upper_strict())
    except Exception as exc:  # an open or unknown end has no date
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
    """A reader's rendering: ``March 1969``, ``c. 1969``, ``the 1960s``, ``by summer 1964``."""
    if "/" in text:
        start, end = text.split("/", 1)
        if start == "..":
            return f"by {describe(end)}"
        if end == "..":
            return f"{describe(start)} or later"
        return f"{describe(start)} to {describe(end)}"
    core = text.rstrip("~?%")
    prefix = "c. " if text != core else ""
    if re.fullmatch(r"\d{3}X", core):
        return f"{prefix}the {core[:3]}0s"
    if re.fullmatch(r"\d{2}XX", core):
        return f"{prefix}the {core[:2]}00s"
    if season := re.fullmatch(r"(\d{4})-(2[1-4])", core):
        return f"{prefix}{_SEASONS[int(season.group(2))]} {season.group(1)}"
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", core)
    if match and int(match.group(2)) <= 12:
        year, month, day = match.groups()
        name = _MONTHS[int(month) - 1]
        return f"{prefix}{int(day)} {name} {year}" if day else f"{prefix}{name} {year}"
    return f"{prefix}{core}"
