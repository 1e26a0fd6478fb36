"""What a simulation starts from: a scenario, as frozen, validated data.

A scenario names the period and step, the issues (what 0 and 100 mean on each), the
states and their domestic actors with a capability, a position (0-100) and a salience
(0-1) on every issue, the leaders and their tenures, the talks formats, dated shocks and
the model's parameters.

The honesty rule is structural here: a shock can change only inputs (positions,
saliences, capabilities, leaders and their hold on power, talks formats, actors by
succession). There is no field through which a scenario could set the relation index, a
clash, an agreement, the opening or suspension of talks or any other outcome, and unknown
fields are refused.

A scenario may also name the counterfactuals it invites (``interventions``): overrides
under a name, which the web app offers one click away.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from parley.record.schema import EdtfDate, Identifier, Text
from parley.scenario.parameters import SPECS

__all__ = [
    "MILESTONES",
    "ActorSpec",
    "CapabilityShock",
    "CapabilityStep",
    "ConsolidationShock",
    "Intervention",
    "IssueSpec",
    "LeaderShock",
    "LeaderSpec",
    "Outcome",
    "PositionShock",
    "SalienceShock",
    "Scenario",
    "Scoring",
    "Shock",
    "Stance",
    "StateSpec",
    "SuccessionShock",
    "Successor",
    "TalksShock",
    "TalksSpec",
]


def _known_parameter(name: str) -> str:
    if name not in SPECS:
        raise ValueError(f"unknown parameter {name!r} (parley scenario parameters lists them)")
    return name


ParameterName = Annotated[str, AfterValidator(_known_parameter)]

OVERRIDE = r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*=[ -~]*$"
"""``PATH=VALUE``, in printable ASCII: the form of an override (``--set``)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


MILESTONES = ("party-ties-broken", "treaty-ended", "normalization-talks", "normalized")
"""Turns of the political track that the model dates, per run (an outcome's ``what``)."""

Role = Literal["government", "leadership", "military", "regional", "public", "third-party"]
Tactic = Literal["partial", "comprehensive"]


class IssueSpec(_Frozen):
    """An issue dimension: what its ends mean, and what gates it."""

    id: Identifier
    name: Text
    zero: Text = Field(description="What a position of 0 means.")
    hundred: Text = Field(description="What a position of 100 means.")
    bilateral: bool = Field(
        default=False, description="A dispute the two governments can settle by agreement."
    )
    preconditions: tuple[Identifier, ...] = Field(
        default=(), description="Issues that must settle before this one can."
    )
    border: bool = Field(
        default=False, description="A section of the border: incidents happen over it."
    )
    forces: bool = Field(
        default=False,
        description="Positions say how few forces stand at the border (0: massed forces).",
    )
    leader_tied: bool = Field(
        default=False, description="Leaders hold positions on it, and a new leader brings his."
    )
    functional: bool = Field(
        default=False,
        description="Closeness on it drives the functional track (trade, exchanges).",
    )
    record_issue: Identifier | None = None


class Stance(_Frozen):
    """An actor's position (0-100) and salience (0-1) on one issue."""

    position: float = Field(ge=0, le=100)
    salience: float = Field(ge=0, le=1)


class CapabilityStep(_Frozen):
    """A capability that holds from ``since`` until the next step."""

    since: EdtfDate
    value: float = Field(ge=0)


class ActorSpec(_Frozen):
    """A state's government, one of its domestic factions, or a third party."""

    id: Identifier
    name: Text
    state: Identifier
    role: Role
    capability: Annotated[tuple[CapabilityStep, ...], Field(min_length=1)]
    stances: dict[Identifier, Stance]
    record_actor: Identifier | None = None


class StateSpec(_Frozen):
    """A state, and the actor that speaks for it in talks."""

    id: Identifier
    name: Text
    speaker: Identifier
    cow: int | None = None
    record_actor: Identifier | None = None


class LeaderSpec(_Frozen):
    """A leader, the tenure the scenario starts from, and the consolidation of power."""

    id: Identifier
    name: Text
    state: Identifier
    since: EdtfDate
    until: EdtfDate | None = None
    consolidation: float = Field(ge=0, le=1)
    stances: dict[Identifier, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description="The leader's positions on issues tied to leaders.",
    )
    record_actor: Identifier | None = None


class TalksSpec(_Frozen):
    """A talks format: who talks, about what, and each side's initial tactic.

    When talks meet, are suspended or break down is the model's to decide; a format only
    says what they would be about and how each side starts.
    """

    id: Identifier
    name: Text
    states: tuple[Identifier, Identifier]
    agenda: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    tactics: dict[Identifier, Tactic]
    tolerance: float = Field(ge=0, le=100, description="Gap within which an item can settle.")


class _Shock(_Frozen):
    id: Identifier = Field(description="A name for the shock, so that --set can reach it.")
    date: EdtfDate
    event: Identifier | None = Field(
        default=None,
        description="The id of the record event this shock stands for: required when the "
        "scenario has a record, and absent when it has none.",
    )
    enabled: bool = Field(default=True, description="False removes the shock (a counterfactual).")
    note: str | None = None


class _Change(_Frozen):
    """Exactly one of ``value`` and ``delta``."""

    value: float | None = None
    delta: float | None = None

    @model_validator(mode="after")
    def _one(self) -> _Change:
        if (self.value is None) == (self.delta is None):
            raise ValueError("give exactly one of value and delta")
        return self


class PositionShock(_Shock, _Change):
    kind: Literal["position"]
    actor: Identifier
    issue: Identifier


class SalienceShock(_Shock, _Change):
    kind: Literal["salience"]
    actor: Identifier
    issue: Identifier


class CapabilityShock(_Shock):
    kind: Literal["capability"]
    actor: Identifier
    factor: float = Field(gt=0)


class LeaderShock(_Shock):
    """A new leader takes office in a state."""

    kind: Literal["leader"]
    state: Identifier
    leader: Identifier


class ConsolidationShock(_Shock):
    kind: Literal["consolidation"]
    leader: Identifier
    value: float = Field(ge=0, le=1)


class TalksShock(_Shock):
    """A side changes the tactic it brings to a talks format. It opens or closes nothing."""

    kind: Literal["talks"]
    talks: Identifier
    tactics: dict[Identifier, Tactic] = Field(default_factory=dict)
    lock: bool = Field(
        default=False,
        description="Hold these tactics: domestic pressure no longer switches them.",
    )


class Successor(_Frozen):
    """A new state, with one actor of the same id as its government."""

    id: Identifier
    name: Text
    issues: tuple[Identifier, ...] = Field(
        default=(),
        description="The issues this successor holds; the first successor holds the rest.",
    )
    share: float = Field(gt=0, le=1, description="Share of the predecessor's capability.")
    cow: int | None = None
    record_actor: Identifier | None = None


class SuccessionShock(_Shock):
    """A state splits into successors, which inherit the issues they hold.

    Each successor's government starts from the predecessor government's positions and
    saliences at that moment, with ``share`` of its capability; its relation with the
    other side starts from the predecessor's. The first successor is the continuing
    state: it holds every issue no other successor lists, and the predecessor's
    factions become its factions. Talks the predecessor was in go on with all of them.
    """

    kind: Literal["succession"]
    state: Identifier
    successors: Annotated[tuple[Successor, ...], Field(min_length=1)]


Shock = Annotated[
    PositionShock
    | SalienceShock
    | CapabilityShock
    | LeaderShock
    | ConsolidationShock
    | TalksShock
    | SuccessionShock,
    Field(discriminator="kind"),
]


class Outcome(_Frozen):
    """A dated outcome the runs are scored on, and the record event that dates it."""

    id: Identifier
    what: Identifier = Field(
        description="What the model must produce: 'clash' (the first deadly clash), a turn of "
        "the political track (party-ties-broken, treaty-ended, normalization-talks, "
        "normalized), or the id of an issue that settles."
    )
    event: Identifier = Field(description="The record event that dates the outcome.")


class Scoring(_Frozen):
    """How runs are scored against the scenario's record."""

    calibrate_until: int | None = Field(
        default=None,
        description="The last year calibration may see; later years are out of sample "
        "(default: the middle of the scored years).",
    )
    eras: tuple[tuple[int, int], ...] = Field(
        default=(), description="Spans of years scored on their own, as [first, last]."
    )
    outcomes: tuple[Outcome, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Scoring:
        for first, last in self.eras:
            if last < first:
                raise ValueError(f"the era [{first}, {last}] ends before it starts")
        return self


class Intervention(_Frozen):
    """A counterfactual the scenario invites: overrides as ``parley counterfactual --set``
    takes them, under a name a reader understands. The web app offers each one click away."""

    id: Identifier
    name: Text = Field(description="What it asks, e.g. 'Mao's 1964 remarks never happen'.")
    set: Annotated[
        tuple[Annotated[str, StringConstraints(pattern=OVERRIDE, max_length=200)], ...],
        Field(min_length=1, max_length=20, description="PATH=VALUE overrides, as --set."),
    ]
    note: str | None = None


class Scenario(_Frozen):
    """A whole scenario. See ``parley scenario schema`` for the JSON Schema."""

    name: Identifier
    title: Text
    description: Text
    start: EdtfDate
    end: EdtfDate
    step: Literal["month", "quarter", "year"]
    record: str | None = Field(
        default=None,
        description="The record the scenario is scored against and its shocks cite: a "
        "built-in record's name, a folder of record files (relative to the "
        "scenario file), or none.",
    )
    dyad: tuple[Identifier, Identifier] = Field(
        description="The two states whose relation the model follows."
    )
    treaty: bool = Field(
        default=False,
        description="The dyad starts bound by an alliance treaty, which the model may see lapse.",
    )
    issues: Annotated[tuple[IssueSpec, ...], Field(min_length=1)]
    states: Annotated[tuple[StateSpec, ...], Field(min_length=2)]
    actors: Annotated[tuple[ActorSpec, ...], Field(min_length=2)]
    leaders: tuple[LeaderSpec, ...] = ()
    talks: tuple[TalksSpec, ...] = ()
    shocks: tuple[Shock, ...] = ()
    scoring: Scoring = Field(default_factory=Scoring)
    interventions: tuple[Intervention, ...] = Field(
        default=(),
        description="Counterfactuals the scenario invites, each a named set of overrides.",
    )
    parameters: dict[ParameterName, Annotated[float, Field(allow_inf_nan=False)]] = Field(
        default_factory=dict,
        description="The parameters this scenario changes, by name; every other takes its "
        "default (parley scenario parameters lists them).",
    )
