"""Find, read and check scenarios, with every problem located in its YAML file.

A scenario is a built-in name (``parley scenarios`` lists them) or the path of a YAML
file. :func:`read_scenario` returns every problem it finds, schema and cross-references
alike, each as ``FILE:LINE:COL: field: what was expected``; :func:`load_scenario`
raises :class:`~parley.errors.ScenarioError` on the first.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from parley.errors import Location, RecordError, ScenarioError
from parley.record import dates
from parley.record.load import builtin_records, load_record, record_folder
from parley.scenario.parameters import SPECS
from parley.scenario.schema import MILESTONES, Scenario, Shock
from parley.yamlfile import Document, FieldPath, Problem, field_name, plain, read_yaml

__all__ = [
    "builtin_scenarios",
    "check",
    "full_years",
    "load_scenario",
    "read_scenario",
    "scenario_path",
]

_KINDS = {
    get_args(model.model_fields["kind"].annotation)[0] for model in get_args(get_args(Shock)[0])
}


def builtin_scenarios() -> dict[str, Path]:
    """The scenarios that ship with parley, by name (folder names with ``-``)."""
    root = Path(str(files("parley").joinpath("data")))
    return {
        folder.name.replace("_", "-"): folder / "scenario.yaml"
        for folder in sorted(root.iterdir())
        if (folder / "scenario.yaml").is_file()
    }


def scenario_path(scenario: str | Path) -> Path:
    """A built-in scenario's file, or the given path."""
    builtin = builtin_scenarios()
    if isinstance(scenario, str) and scenario in builtin:
        return builtin[scenario]
    path = Path(scenario)
    if not path.is_file():
        names = ", ".join(builtin) or "none"
        raise ScenarioError(
            "no such scenario", Location(str(scenario)), f"a file, or a built-in name: {names}"
        )
    return path


def _where(document: Document, path: FieldPath) -> Location:
    line, column = document.position(path)
    return Location(str(document.path), line, column, field_name(path) or None)


def _error_path(loc: tuple[Any, ...]) -> FieldPath:
    # pydantic puts a discriminated union's tag into the path: shocks.3.position.actor.
    steps = list(loc)
    if len(steps) >= 3 and steps[0] == "shocks" and steps[2] in _KINDS:
        del steps[2]
    if steps and steps[-1] == "[key]":  # a mapping's key, such as a parameter's name
        del steps[-1]
    return tuple(step if isinstance(step, int) else str(step) for step in steps)


def read_scenario(scenario: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """Read and check a scenario; return it (if its schema holds) and every problem."""
    path = scenario_path(scenario)
    problems: list[Problem] = []
    document = read_yaml(path, problems, expect=dict, what="scenario file")
    if document is None:
        return None, problems
    try:
        model = Scenario.model_validate(plain(document.root))
    except ValidationError as exc:
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(Problem(_where(document, _error_path(error["loc"])), message))
        return None, problems
    if model.record is not None:
        folder = record_folder(model.record, path.parent)
        if model.record not in builtin_records():
            model = model.model_copy(update={"record": str(folder.resolve())})
    problems.extend(Problem(_where(document, where), message) for where, message in check(model))
    return model, problems


LAST_YEAR = 9000
"""The latest year a scenario may reach (Python's dates end in 9999)."""


def check(scenario: Scenario) -> list[tuple[FieldPath, str]]:
    """Every cross-reference problem of a validated scenario, as (field path, message):
    unknown ids, dates outside the period, parameters outside their ranges, and what the
    scenario cites in its record."""
    return list(_cross_reference(scenario))


def load_scenario(scenario: str | Path) -> Scenario:
    """The scenario, or ScenarioError naming its first problem."""
    model, problems = read_scenario(scenario)
    if problems or model is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScenarioError(first.message + more, first.location)
    return model


@dataclass(frozen=True)
class _RecordIds:
    """What a scenario may cite in its record: event date ranges, actors, issues."""

    events: dict[str, tuple[dt.date, dt.date]]
    actors: set[str]
    issues: set[str]


@functools.cache
def _record_ids(name: str) -> _RecordIds | str:
    """The ids a scenario may cite in its record, or why the record cannot be read."""
    folder = record_folder(name)
    if not folder.is_dir():
        names = ", ".join(builtin_records())
        return f"no record {name!r}: expected a built-in record ({names}) or a folder"
    try:
        record = load_record(folder)
    except RecordError as exc:
        return f"the record {name!r} has problems (parley record check): {exc}"
    return _RecordIds(
        {event.id: dates.bounds(event.date) for event in record.events},
        {actor.id for actor in record.actors},
        {issue.id for issue in record.issues},
    )


def _cross_reference(s: Scenario) -> Iterator[tuple[FieldPath, str]]:
    issues = {issue.id for issue in s.issues}
    states = {state.id for state in s.states}
    actors = {actor.id: actor for actor in s.actors}
    yield from _check_successions(s, issues, states, set(actors))
    born = {new.id for shock in s.shocks if shock.kind == "succession" for new in shock.successors}
    states |= born
    leaders = {leader.id for leader in s.leaders}
    talks = {item.id for item in s.talks}
    for kind, ids in (
        ("issues", [i.id for i in s.issues]),
        ("states", [i.id for i in s.states]),
        ("actors", [i.id for i in s.actors]),
        ("leaders", [i.id for i in s.leaders]),
        ("talks", [i.id for i in s.talks]),
        ("shocks", [i.id for i in s.shocks]),
    ):
        seen: set[str] = set()
        for index, entry_id in enumerate(ids):
            if entry_id in seen:
                yield (kind, index, "id"), f"duplicate id {entry_id!r}"
            seen.add(entry_id)
    for index, member in enumerate(s.dyad):
        if member not in states:
            yield ("dyad", index), f"unknown state {member!r}"
    if s.dyad[0] == s.dyad[1]:
        yield ("dyad", 1), f"{s.dyad[1]!r} twice: a dyad is two different states"
    first, last = dates.bounds(s.start)[0], dates.bounds(s.end)[1]
    if last < first:
        yield ("end",), "the scenario ends before it starts"
    if last.year > LAST_YEAR:
        yield ("end",), f"the scenario ends after {LAST_YEAR}"
    for i, issue in enumerate(s.issues):
        for j, gate in enumerate(issue.preconditions):
            if gate not in issues:
                yield ("issues", i, "preconditions", j), f"unknown issue {gate!r}"
    for i, cycle in _precondition_cycles(s):
        yield ("issues", i, "preconditions"), "a precondition of itself: " + " -> ".join(cycle)
    for i, state in enumerate(s.states):
        speaker = actors.get(state.speaker)
        if speaker is None:
            yield ("states", i, "speaker"), f"unknown actor {state.speaker!r}"
        elif speaker.state != state.id:
            yield ("states", i, "speaker"), f"{state.speaker!r} does not belong to {state.id!r}"
    for i, actor in enumerate(s.actors):
        if actor.state not in states:
            yield ("actors", i, "state"), f"unknown state {actor.state!r}"
        missing = sorted(issues - set(actor.stances))
        if missing:
            yield ("actors", i, "stances"), f"no stance on issue {missing[0]!r}"
        for issue_id in actor.stances:
            if issue_id not in issues:
                yield ("actors", i, "stances", issue_id), f"unknown issue {issue_id!r}"
    tied = {issue.id for issue in s.issues if issue.leader_tied}
    for i, leader in enumerate(s.leaders):
        if leader.state not in states:
            yield ("leaders", i, "state"), f"unknown state {leader.state!r}"
        if (
            leader.until is not None
            and dates.bounds(leader.until)[1] < dates.bounds(leader.since)[0]
        ):
            yield ("leaders", i, "until"), "the tenure ends before it starts"
        for issue_id in leader.stances:
            if issue_id not in tied:
                yield (
                    ("leaders", i, "stances", issue_id),
                    f"{issue_id!r} is not an issue tied to leaders (leader_tied: true)",
                )
    for i, item in enumerate(s.talks):
        for j, party in enumerate(item.states):
            if party not in states:
                yield ("talks", i, "states", j), f"unknown state {party!r}"
        for j, issue_id in enumerate(item.agenda):
            if issue_id not in issues:
                yield ("talks", i, "agenda", j), f"unknown issue {issue_id!r}"
        for party in item.tactics:
            if party not in item.states:
                yield ("talks", i, "tactics", party), f"{party!r} is not in these talks"
    for parameter, value in s.parameters.items():
        spec = SPECS[parameter]
        if not spec.low <= value <= spec.high:
            yield (
                ("parameters", parameter),
                f"{value} is outside its range [{spec.low}, {spec.high}]",
            )
    found = _record_ids(s.record) if s.record else None
    if isinstance(found, str):
        yield ("record",), found
    cited = found if isinstance(found, _RecordIds) else None
    yield from _check_scoring(s, issues, cited)
    if cited is not None:
        linked: list[tuple[str, list[str | None]]] = [
            ("states", [entry.record_actor for entry in s.states]),
            ("actors", [entry.record_actor for entry in s.actors]),
            ("leaders", [entry.record_actor for entry in s.leaders]),
        ]
        for kind, names in linked:
            for i, name in enumerate(names):
                if name is not None and name not in cited.actors:
                    yield (kind, i, "record_actor"), f"no actor {name!r} in the record"
        for i, issue in enumerate(s.issues):
            if issue.record_issue is not None and issue.record_issue not in cited.issues:
                yield (
                    ("issues", i, "record_issue"),
                    f"no issue {issue.record_issue!r} in the record",
                )
    events = None if s.record is None else ({} if cited is None else cited.events)
    for i, shock in enumerate(s.shocks):
        yield from _check_shock(
            i, shock, s, issues, states, set(actors) | born, leaders, talks, events
        )
    yield from _check_interventions(s)


_MISSING = object()


def _check_interventions(s: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Each intervention's overrides name fields the scenario has (a parameter by its
    name), as ``--set`` would find them; a value is checked when the override is applied."""
    data = s.model_dump(mode="json", exclude={"interventions"})
    seen: set[str] = set()
    for i, intervention in enumerate(s.interventions):
        if intervention.id in seen:
            yield ("interventions", i, "id"), f"duplicate id {intervention.id!r}"
        seen.add(intervention.id)
        for j, override in enumerate(intervention.set):
            steps = override.partition("=")[0].split(".")
            node: Any = data
            for depth, step in enumerate(steps):
                if isinstance(node, list):
                    node = next((e for e in node if isinstance(e, dict) and e.get("id") == step),
                                _MISSING)  # fmt: skip
                elif isinstance(node, dict) and step in node:
                    node = node[step]
                elif steps[:depth] == ["parameters"] and step in SPECS:
                    node = SPECS[step].default
                else:
                    node = _MISSING
                if node is _MISSING:
                    where = ".".join(steps[: depth + 1])
                    yield ("interventions", i, "set", j), f"the scenario has no {where!r}"
                    break


def _precondition_cycles(s: Scenario) -> Iterator[tuple[int, list[str]]]:
    """Each issue that is, through its preconditions, a precondition of itself: its index
    and the cycle, once per cycle (at the cycle's first issue in the file)."""
    gates = {issue.id: issue.preconditions for issue in s.issues}
    reported: set[frozenset[str]] = set()
    for i, issue in enumerate(s.issues):
        path = [issue.id]
        stack = [(issue.id, iter(gates[issue.id]))]
        seen = {issue.id}
        while stack:
            _, todo = stack[-1]
            gate = next(todo, None)
            if gate is None:
                stack.pop()
                path.pop()
                continue
            if gate == issue.id:
                cycle = frozenset(path)
                if cycle not in reported:
                    reported.add(cycle)
                    yield i, [*path, issue.id]
            elif gate in gates and gate not in seen:
                seen.add(gate)
                path.append(gate)
                stack.append((gate, iter(gates[gate])))


def full_years(s: Scenario) -> tuple[int, int]:
    """The first and last calendar years that lie wholly inside the scenario's period."""
    first, last = dates.bounds(s.start)[0], dates.bounds(s.end)[1]
    return (
        first.year if (first.month, first.day) == (1, 1) else first.year + 1,
        last.year if (last.month, last.day) == (12, 31) else last.year - 1,
    )


def _check_scoring(
    s: Scenario, issues: set[str], cited: _RecordIds | None
) -> Iterator[tuple[FieldPath, str]]:
    here = ("scoring",)
    first, last = full_years(s)
    for i, (a, b) in enumerate(s.scoring.eras):
        if a < first or b > last:
            yield (*here, "eras", i), f"[{a}, {b}] is not inside the full years {first}-{last}"
    cut = s.scoring.calibrate_until
    if cut is not None and not first <= cut < last:
        yield (*here, "calibrate_until"), f"{cut} is not a year in {first}-{last - 1}"
    for i, outcome in enumerate(s.scoring.outcomes):
        where = (*here, "outcomes", i)
        if outcome.what not in ("clash", *MILESTONES) and outcome.what not in issues:
            known = ", ".join(("clash", *MILESTONES))
            yield (*where, "what"), f"unknown outcome {outcome.what!r}: {known}, or an issue id"
        if s.record is None:
            yield (*where, "event"), "the scenario has no record to date outcomes by"
        elif cited is not None and outcome.event not in cited.events:
            yield (*where, "event"), f"unknown record event {outcome.event!r}"


def _check_shock(
    i: int,
    shock: Any,
    s: Scenario,
    issues: set[str],
    states: set[str],
    actors: set[str],
    leaders: set[str],
    talks: set[str],
    events: dict[str, tuple[dt.date, dt.date]] | None,
) -> Iterator[tuple[FieldPath, str]]:
    here = ("shocks", i)
    day = dates.bounds(shock.date)[0]
    if events is None:
        if shock.event is not None:
            yield (*here, "event"), "the scenario has no record: a shock cites no event"
    elif shock.event is None:
        yield (*here, "event"), "the scenario has a record: name the event this shock stands for"
    elif events:
        if shock.event not in events:
            yield (*here, "event"), f"unknown record event {shock.event!r}"
        elif not events[shock.event][0] <= day <= events[shock.event][1]:
            yield (
                (*here, "date"),
                f"{shock.date} is outside the dates the record gives {shock.event!r}",
            )
    if not dates.bounds(s.start)[0] <= day <= dates.bounds(s.end)[1]:
        yield (*here, "date"), f"{shock.date} is outside the scenario's period"
    references = {
        "actor": ("actor", actors),
        "issue": ("issue", issues),
        "state": ("state", states),
        "leader": ("leader", leaders),
        "talks": ("talks format", talks),
    }
    for name, (what, known) in references.items():
        value = getattr(shock, name, None)
        if value is not None and value not in known:
            yield (*here, name), f"unknown {what} {value!r}"
    for state in getattr(shock, "tactics", {}):
        if state not in states:
            yield (*here, "tactics", state), f"unknown state {state!r}"


def _check_successions(
    s: Scenario, issues: set[str], states: set[str], actors: set[str]
) -> Iterator[tuple[FieldPath, str]]:
    """Successions split the dyad's second state (or one of its successors), in date
    order, into new states whose ids are not taken, each issue going to one of them."""
    splittable = {s.dyad[1]}
    taken = states | actors
    for i, shock in enumerate(s.shocks):
        if shock.kind != "succession":
            continue
        here = ("shocks", i)
        if shock.state not in splittable:
            yield (
                (*here, "state"),
                f"{shock.state!r} cannot split: only {s.dyad[1]!r} or its successors can",
            )
        splittable.discard(shock.state)
        listed: set[str] = set()
        for j, successor in enumerate(shock.successors):
            if successor.id in taken:
                yield (*here, "successors", j, "id"), f"{successor.id!r} already exists"
            taken.add(successor.id)
            splittable.add(successor.id)
            for k, issue_id in enumerate(successor.issues):
                if issue_id not in issues:
                    yield (*here, "successors", j, "issues", k), f"unknown issue {issue_id!r}"
                elif issue_id in listed:
                    yield (
                        (*here, "successors", j, "issues", k),
                        f"{issue_id!r} already goes to another successor",
                    )
                listed.add(issue_id)
