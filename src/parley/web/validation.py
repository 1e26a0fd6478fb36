"""What a request to the web app may hold, as its OpenAPI schema declares it.

The patterns of query dates (EDTF, or a decade in words) and of overrides; the record's
actors and issues, by id or by name in any case (refused in plain words otherwise); the
run requests' bodies (built per app, with its run cap and scenario names in the schema, and
strict: ``"100"`` is not a number of runs, nor ``false`` a seed); and pydantic's
complaints as one line.

This module leaves out ``from __future__ import annotations`` on purpose: pydantic reads
the annotations of the request models, which name values that the app builds.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from parley.web.limits import Limits

__all__ = [
    "DATE_QUERY",
    "EDTF_HELP",
    "EDTF_QUERY",
    "OVERRIDE",
    "Named",
    "first_problem",
    "one_of",
    "query_date",
    "run_requests",
]

_YEAR = r"[12][0-9]{3}"
_LEAP_YEAR = r"[12][0-9](?:0[48]|[2468][048]|[13579][26])|1[26]00|2[048]00"
_MONTH_DAY = (
    r"(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31"
)
_POINT = (
    rf"{_YEAR}(?:-(?:0[1-9]|1[0-2]|{_MONTH_DAY}))?|(?:{_LEAP_YEAR})-02-29"
    r"|[12][0-9]{2}X|[12][0-9]XX"
)
EDTF_QUERY = rf"^(?:(?:{_POINT})[~?%]?|{_YEAR}-2[1-4])$"
"""The EDTF dates a query bound may be: a year from 1000 to 2999, a month, a day that the
month has, a decade (``196X``) or a century (``19XX``), each perhaps qualified (``~``,
``?``, ``%``), or a season (``1964-21`` to ``1964-24``)."""

OVERRIDE = r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*=[ -~]*$"
"""``PATH=VALUE``: the form of an override, in printable ASCII (so that the largest body
the schema allows stays well within the body limit); what it may change is checked
against the scenario (see ``_OVERRIDES``)."""

DATE_QUERY = rf"^(?:(?:{_POINT})[~?%]?|{_YEAR}-2[1-4]|[12][0-9]{{2}}0s)$"
"""What a query bound may be: an EDTF date as :data:`EDTF_QUERY` allows, or a decade in
words (``1960s``), which :func:`query_date` turns into EDTF (``196X``)."""

EDTF_HELP = (
    "A year (1969), a decade (1960s or 196X), a month (1969-03) or a day (1969-03-02); "
    "also any EDTF date: a century (19XX), a date qualified with ~ ? or %, or a season "
    "(1964-22 is the summer of 1964). Years run from 1000 to 2999."
)
_OVERRIDES = (
    "Overrides of the scenario's inputs, each PATH=VALUE, as ``parley run --set``. PATH walks "
    "the scenario's fields with dots, naming an entry of a list by its id: "
    "parameters.incident-hazard=0.02, shocks.gorbachev-president.enabled=false, "
    "actors.ID.stances.ISSUE.position=50. VALUE, in printable ASCII, is read as an "
    "integer, a number, true or false, null, or else text. The changed scenario is "
    "checked as a scenario file is: a path it does not have, or a value it refuses, gets "
    "a 422 naming them."
)


def query_date(text: str | None) -> str | None:
    """A query bound as EDTF: a decade in words (``1960s``) as ``196X``; others unchanged."""
    if text is not None and text.endswith("s"):
        return text[:3] + "X"
    return text


@dataclass(frozen=True)
class Named:
    """The entries of the record a query parameter may name (actors, or issues): by id or by
    name, in any case. ``pattern`` declares exactly those spellings in the OpenAPI schema,
    portably (``[Kk][Oo]...`` rather than a flag), and :meth:`check` answers the id, or
    refuses in plain words."""

    what: str
    names: Mapping[str, str]  # id -> name

    @property
    def pattern(self) -> str:
        spellings = sorted({s for pair in self.names.items() for s in pair}, key=str.casefold)
        return "^(?:" + "|".join(_any_case(s) for s in spellings) + ")$"

    def check(self, value: str | None) -> str | None:
        if value is None:
            return None
        found = self._index.get(value.strip().casefold())
        if found is not None:
            return found
        names = sorted(self.names.values(), key=str.casefold)
        close = get_close_matches(value.casefold(), [n.casefold() for n in names], n=1)
        hint = ""
        if close:
            hint = f" Did you mean {next(n for n in names if n.casefold() == close[0])}?"
        raise PydanticCustomError(
            "plain",
            "No {what} called {value} in the record.{hint} Choose one of: {names}.",
            {"what": self.what, "value": repr(value), "hint": hint, "names": ", ".join(names)},
        )

    @property
    def _index(self) -> dict[str, str]:
        index = {name.casefold(): key for key, name in self.names.items()}
        index.update({key.casefold(): key for key in self.names})
        return index


def _any_case(text: str) -> str:
    """A regular expression that matches ``text`` in any case, in the syntax common to
    JSON Schema (ECMA 262), Python and Rust."""
    parts = []
    for char in text:
        if char.lower() != char.upper():
            parts.append(f"[{char.lower()}{char.upper()}]")
        elif char in r"\^$.|?*+()[]{}":
            parts.append("\\" + char)
        else:
            parts.append(char)
    return "".join(parts)


def one_of(choices: Iterable[str], what: str) -> Callable[[str | None], str | None]:
    """A validator that accepts only ``choices`` (or nothing)."""
    known = sorted(choices)

    def check(value: str | None) -> str | None:
        if value is not None and value not in known:
            raise ValueError(f"no {what} {value!r}; one of {', '.join(known)}")
        return value

    return check


def run_requests(limits: Limits, names: list[str]) -> tuple[type[BaseModel], type[BaseModel]]:
    """The bodies of run requests, with the live run cap and scenario names in the schema.
    Strict: ``"100"`` is not a number of runs, nor ``false`` a seed."""
    default = "sino-soviet" if "sino-soviet" in names else names[0]
    runs_help = f"At most {limits.max_runs} (the server's limit)."

    class RunRequest(BaseModel):
        """A scenario to run: ``runs`` runs from ``seed``, with ``set`` overrides."""

        model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
        scenario: Annotated[
            str,
            Field(description="A scenario this server runs.", json_schema_extra={"enum": names}),
            AfterValidator(one_of(names, "scenario")),
        ] = default
        runs: int = Field(
            min(100, limits.max_runs), ge=1, le=limits.max_runs, description=runs_help
        )
        seed: int = Field(0, ge=0, le=2**32 - 1, description="The ensemble's seed.")
        set: list[Annotated[str, Field(max_length=200, pattern=OVERRIDE)]] = Field(
            default_factory=list, max_length=20, description=_OVERRIDES
        )

    class CounterfactualRequest(RunRequest):
        """A scenario to run with and without the ``set`` overrides, on paired seeds."""

        set: list[Annotated[str, Field(max_length=200, pattern=OVERRIDE)]] = Field(
            min_length=1, max_length=20, description=_OVERRIDES
        )

    return RunRequest, CounterfactualRequest


_DATES = {
    "from": "The date to start from",
    "to": "The date to end at",
}
_DATE_FORMS = (
    "write a year (1969), a decade (1960s or 196X), a month (1969-03) or a day (1969-03-02)"
)

_FORMS = {
    "from": "an EDTF date such as 1969, 1969-03 or 196X",
    "to": "an EDTF date such as 1969, 1969-03 or 196X",
    "set": "PATH=VALUE, such as parameters.incident-hazard=0.02",
}


def first_problem(errors: Sequence[Any]) -> str:
    """The first of pydantic's errors as one line: where, and what was expected."""
    if not errors:
        return "invalid request"
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ())]
    where = ".".join(loc)
    kind = first.get("type")
    if kind == "plain":  # already in plain words, naming what it is about
        return str(first.get("msg", "invalid"))
    if kind == "string_pattern_mismatch" and loc[:1] == ["query"] and loc[-1] in _DATES:
        given = repr(first.get("input"))
        given = given if len(given) <= 60 else given[:57] + "..."
        return f"{_DATES[loc[-1]]}, {given}, is not a date parley can read: {_DATE_FORMS}."
    if kind == "json_invalid":
        return f"body: not JSON ({first.get('ctx', {}).get('error', 'invalid')})"
    form = next((_FORMS[part] for part in reversed(loc) if part in _FORMS), None)
    if kind == "string_pattern_mismatch" and form is not None:
        given = repr(first.get("input"))
        given = given if len(given) <= 60 else given[:57] + "..."
        return f"{where}: {given} is not {form}"
    return f"{where}: {str(first.get('msg', 'invalid')).removeprefix('Value error, ')}"
