"""parley's one exception hierarchy.

Every error a user can cause carries a :class:`Location` (which file, where in it,
which field) and a hint (what was expected). The command line prints ``str(error)``
as a single line and exits with status 2; the web app answers it as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CorpusError",
    "InputError",
    "Location",
    "MissingExtraError",
    "OutputError",
    "ParleyError",
    "QueryError",
    "RecordError",
    "ScenarioError",
]


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line and column, and a field path."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            where += f": {self.field}"
        return where


class ParleyError(Exception):
    """Base of every error that parley reports to a user."""

    def __init__(
        self, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" (expected {self.hint})"
        return text


class RecordError(ParleyError):
    """A record file is malformed or refers to something that does not exist."""


class CorpusError(ParleyError):
    """A source text is missing, or does not match what the record says of it."""


class QueryError(ParleyError):
    """A query's arguments cannot be understood (a bad date, an unknown id)."""


class InputError(ParleyError):
    """A user's input file or command-line value is malformed."""


class ScenarioError(ParleyError):
    """A scenario is missing, malformed, or refers to something that does not exist."""


class OutputError(ParleyError):
    """A result cannot be written (no such folder, no permission, a full disk)."""


class MissingExtraError(ParleyError):
    """An optional part of parley is not installed; the message names the extra to install."""
