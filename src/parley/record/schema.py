"""The record's nouns: Source, Passage, Actor, Issue, Event, Claim.

Every model is frozen. A record entry never quotes its source: it summarises in its own
words and points at the text with :class:`Passage` spans, which the check verifies.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    StringConstraints,
    computed_field,
    field_validator,
    model_validator,
)

from parley.record import dates
from parley.record.coding import cameo_table

__all__ = [
    "Actor",
    "Alternative",
    "Claim",
    "EdtfDate",
    "Event",
    "Identifier",
    "Issue",
    "IssueStatus",
    "Passage",
    "RecordInfo",
    "RecordPeriod",
    "Source",
    "Text",
]

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
EdtfDate = Annotated[str, BeforeValidator(dates.as_text), AfterValidator(dates.validate)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RecordPeriod(_Frozen):
    """A named stretch of the relationship, ``start`` to ``end`` (whole years, both
    included), by which a report tells the record's story. A period only names years:
    what happened in it is what the record's events say."""

    id: Identifier
    name: Text
    start: int
    end: int

    @model_validator(mode="after")
    def _ordered(self) -> RecordPeriod:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self


class RecordInfo(_Frozen):
    """What a record is about, from its optional ``record.yaml``.

    ``dyad`` names the two state actors whose events make the record's index, and
    ``start`` and ``end`` the years it covers; without them the index needs a dyad from
    the caller (a scenario gives its own), and covers the years of the record's events.
    ``periods`` divide the record's years into named stretches, in order and without
    overlap, for the story a report tells; a record without them is told as one stretch.
    """

    title: Text
    dyad: tuple[Identifier, Identifier] | None = None
    start: int | None = None
    end: int | None = None
    periods: tuple[RecordPeriod, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> RecordInfo:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the record ends ({self.end}) before it starts ({self.start})")
        for before, after in zip(self.periods, self.periods[1:], strict=False):
            if after.start <= before.end:
                raise ValueError(
                    f"the period {after.id!r} starts ({after.start}) before the period "
                    f"{before.id!r} ends ({before.end}): periods go in order, without overlap"
                )
        if len({period.id for period in self.periods}) < len(self.periods):
            raise ValueError("two periods have the same id")
        return self


class Source(_Frozen):
    """A text the record cites. The text itself stays outside the package."""

    id: Identifier
    title: Text
    author: Text
    publisher: Text
    date: EdtfDate
    address_at: tuple[NonNegativeInt, PositiveInt] | None = Field(
        default=None,
        description="The span [start, end) of the source's own text that says where it is "
        "published, cited like any passage rather than copied.",
    )
    short: Text | None = Field(
        default=None,
        description="How citations name the source, e.g. 'Tagirova 2017' (default: the "
        "author and the year).",
    )
    kind: Literal["country-study", "blog-post", "book", "article", "archive", "other"]
    file: Text = Field(description="The file name of the text inside a corpus folder.")
    sha256: Sha256
    length: PositiveInt = Field(description="Length of the text in Unicode code points.")

    @model_validator(mode="after")
    def _address_inside(self) -> Source:
        if self.address_at is not None:
            start, end = self.address_at
            if not start < end <= self.length:
                raise ValueError(
                    f"address_at [{start}, {end}) is not a span of the text's {self.length} "
                    "characters"
                )
        return self

    @property
    def label(self) -> str:
        """How citations name the source: ``short``, or the author and the year."""
        return self.short or f"{self.author} {dates.bounds(self.date)[0].year}"


class Passage(_Frozen):
    """The span ``[start, end)`` of a source, in code points, and the sha256 of its UTF-8."""

    source: Identifier
    start: NonNegativeInt
    end: PositiveInt
    sha256: Sha256

    @model_validator(mode="after")
    def _ordered(self) -> Passage:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self

    @property
    def key(self) -> str:
        """``source[start:end]``, the passage's name in messages and tables."""
        return f"{self.source}[{self.start}:{self.end}]"


Passages = Annotated[tuple[Passage, ...], Field(min_length=1)]


class Actor(_Frozen):
    """A state, party, leader, faction or organization.

    ``state`` names the state an actor acts for (a leader's or a party's country), so that
    queries by state include them. ``since`` and ``until`` bound its existence or tenure.
    """

    id: Identifier
    name: Text
    kind: Literal["state", "party", "leader", "faction", "organization"]
    cow: int | None = Field(default=None, description="Correlates of War country code.")
    gw: int | None = Field(default=None, description="Gleditsch-Ward country code.")
    state: Identifier | None = None
    role: str | None = None
    since: EdtfDate | None = None
    until: EdtfDate | None = None
    note: str | None = None
    passages: tuple[Passage, ...] = ()


IssueState = Literal[
    "in-force",
    "ended",
    "open",
    "negotiating",
    "agreed-in-principle",
    "deadlocked",
    "suspended",
    "partially-settled",
    "settled",
    "broken",
    "contested",
]


class IssueStatus(_Frozen):
    """Where an issue stood at a date, as the record gives it."""

    date: EdtfDate
    status: IssueState
    note: Text
    passages: Passages


class Issue(_Frozen):
    """An agenda item: a border section, an obstacle, the treaty, party ties."""

    id: Identifier
    name: Text
    description: Text
    part_of: Identifier | None = None
    states: tuple[IssueStatus, ...] = ()


class Event(_Frozen):
    """A datable happening, coded in CAMEO, citing the passages that state it.

    ``target_actor`` is empty for a unilateral development (a launch, a death); such an
    event may have no CAMEO code. ``mutual`` says that both sides acted and the order of
    source and target means nothing. ``claim`` points at a contested claim when the
    sources disagree about the event.
    """

    id: Identifier
    date: EdtfDate
    summary: Text
    source_actor: Identifier
    target_actor: Identifier | None = None
    mutual: bool = False
    cameo: str | None = None
    issues: tuple[Identifier, ...] = ()
    passages: Passages
    claim: Identifier | None = None
    date_convention: str | None = None
    coding_note: str | None = None

    @field_validator("cameo")
    @classmethod
    def _known_code(cls, value: str | None) -> str | None:
        if value is not None and value not in cameo_table():
            raise ValueError(f"unknown CAMEO code {value!r}")
        return value

    @model_validator(mode="after")
    def _dyad(self) -> Event:
        if self.target_actor is not None and self.cameo is None:
            raise ValueError("an event between two actors needs a CAMEO code")
        if self.mutual and self.target_actor is None:
            raise ValueError("a mutual event needs a target_actor")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def goldstein(self) -> float | None:
        """The Goldstein value of the CAMEO code, or None for an uncoded development."""
        return None if self.cameo is None else cameo_table()[self.cameo].goldstein

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plover(self) -> str | None:
        """The PLOVER event type of the CAMEO code, or None (root ``01`` has none)."""
        return None if self.cameo is None else cameo_table()[self.cameo].plover


class Alternative(_Frozen):
    """One answer to a contested question, who holds it, and where the record says so."""

    id: Identifier
    statement: Text
    held_by: Text
    passages: Passages


class Claim(_Frozen):
    """A question on which the sources disagree, or on which one source gives two versions."""

    id: Identifier
    question: Text
    issues: tuple[Identifier, ...] = ()
    alternatives: Annotated[tuple[Alternative, ...], Field(min_length=2)]
    note: str | None = None
