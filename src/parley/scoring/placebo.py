"""The placebo: the same scenario with every shock moved by some years.

A model whose scores owe something to its shocks' timing should score worse when the
shocks come at the wrong time; a model that scores as well with its shocks five years
off owes its scores to something else (its trends, its parameters). The placebo moves
every shock, successions included, by the same number of years, and drops each shock
that then falls outside the scenario's period (and, with a dropped succession, the
shocks that name the states it would have made). Nothing else changes: actors, leaders'
tenures, talks formats and parameters stay as they are. So a placebo cannot run when it
drops a succession whose states the scenario's actors, leaders or talks need: it says
so (``Placebo.problem``) rather than invent a scenario without them.

The moved shocks no longer fall within the dates the record gives the events they
cite: that is the point of a placebo. The check that a shock falls within its event's
dates belongs to reading a scenario file; a placebo is built from a scenario already
checked, and runs without it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from parley.record import dates
from parley.scenario.schema import Scenario

__all__ = ["Placebo", "shift_date", "shift_shocks"]

_DECADE = re.compile(r"(\d{3})X([~?%]?)")


def shift_date(text: str, years: int) -> str:
    """An EDTF date moved by ``years``: every year in it shifts, and the rest stays.

    ``1969-03`` moves to ``1964-03`` by -5; an interval moves both ends; a decade, which
    cannot move by five years and stay a decade, becomes the range of its years moved
    (``196X`` by +5 is ``1965/1974``). A 29 February that lands in a common year becomes
    the 28th.
    """
    parts = text.split("/")
    moved = []
    for position, part in enumerate(parts):
        decade = _DECADE.fullmatch(part)
        if decade:
            first, qualifier = int(decade.group(1)) * 10, decade.group(2)
            if len(parts) == 1:
                return f"{first + years}{qualifier}/{first + 9 + years}{qualifier}"
            part = f"{first if position == 0 else first + 9}{qualifier}"
        moved.append(re.sub(r"\d{4}", lambda m: f"{int(m.group()) + years:04d}", part, count=1))
    shifted = "/".join(moved)
    shifted = re.sub(
        r"(\d{4})-02-29",
        lambda m: m.group() if calendar.isleap(int(m.group(1))) else f"{m.group(1)}-02-28",
        shifted,
    )
    return dates.validate(shifted)


@dataclass(frozen=True)
class Placebo:
    """A scenario with its shocks moved by ``years``; the ids of the shocks moved, and of
    those dropped because they fell outside the period (or named a state that a dropped
    succession would have made). ``problem`` says why the placebo cannot run, if it
    cannot: a dropped succession whose states other parts of the scenario need."""

    scenario: Scenario
    years: int
    moved: tuple[str, ...]
    dropped: tuple[str, ...]
    problem: str | None = None


def shift_shocks(scenario: Scenario, years: int) -> Placebo:
    """The scenario with every shock moved by ``years`` (see the module's docstring)."""
    first, last = dates.bounds(scenario.start)[0], dates.bounds(scenario.end)[1]
    kept, dropped, unborn, lost = [], [], set(), []
    for shock in scenario.shocks:
        date = shift_date(shock.date, years)
        if first <= dates.bounds(date)[0] <= last:
            kept.append(shock.model_copy(update={"date": date}))
        else:
            dropped.append(shock.id)
            if shock.kind == "succession":
                unborn |= {successor.id for successor in shock.successors}
                lost.append(shock.id)
    orphans = {leader.id for leader in scenario.leaders if leader.state in unborn}
    moved = []
    for shock in kept:
        names = {getattr(shock, field, None) for field in ("actor", "state", "leader")}
        if names & (unborn | orphans) or set(getattr(shock, "tactics", {})) & unborn:
            dropped.append(shock.id)
        else:
            moved.append(shock)
    needed = sorted(
        {a.state for a in scenario.actors if a.state in unborn}
        | {leader.state for leader in scenario.leaders if leader.state in unborn}
        | {state for talks in scenario.talks for state in talks.states if state in unborn}
    )
    problem = None
    if needed:
        problem = (
            f"moved {years:+d} years, the succession {', '.join(map(repr, lost))} falls outside "
            f"the period, and the scenario's actors, leaders or talks need the states it "
            f"makes ({', '.join(needed)})"
        )
    return Placebo(
        scenario.model_copy(update={"shocks": tuple(moved)}),
        years,
        tuple(shock.id for shock in moved),
        tuple(dropped),
        problem,
    )
