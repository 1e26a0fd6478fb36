"""A spatial bargaining problem, and the three CSV formats it is read from.

- **KTAB**: line 1 ``scenario, description, actors, dimensions``; line 2 the column
  names; then ``Actor, Description, Influence, Pos1, Sal1, ...`` on 0-100 scales.
  Leading spaces, trailing commas and CRLF line ends are accepted.
- **tidy**: ``actor,capability,dimension,position,salience``, one row per actor and
  dimension the actor takes part in (an actor with no row for a dimension takes no part
  in it), positions on any scale.
- **bdm**: the classic table ``Actor,Capability,Position,Salience`` (one dimension), as
  in Bueno de Mesquita's examples.

Saliences are on 0-1 or 0-100. The scale is the one declared (``salience_scale``, or a
header cell ``salience (0-1)`` or ``salience (0-100)`` in the tidy and BDM formats), or
else detected: 0-100 if any salience is above 1, 0-1 if none is. A salience above the
declared scale, or a declaration that contradicts another, is refused.

Every malformed file raises :class:`~parley.errors.InputError` naming the file, the line
and the column, and what was expected.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from parley.errors import InputError, Location

__all__ = [
    "FORMATS",
    "InputFormat",
    "Outcome",
    "SalienceScale",
    "SpatialProblem",
    "detect_format",
    "read_outcomes",
    "read_problem",
]

InputFormat = Literal["ktab", "tidy", "bdm"]
SalienceScale = Literal[1, 100]
FORMATS: tuple[InputFormat, ...] = ("ktab", "tidy", "bdm")
TIDY = ["actor", "capability", "dimension", "position", "salience"]
BDM = ["actor", "capability", "position", "salience"]
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SpatialProblem:
    """Actors with a capability, and a position and salience on each dimension.

    ``positions`` and ``salience`` are shaped ``(actors, dimensions)``; salience is on
    0-1. An actor that takes no part in a dimension has a NaN position there (and a
    salience of 0); each dimension has at least two actors who take part. ``scales``
    gives each dimension's ``(low, high)``, used to normalise positions inside the models
    and to report results back on the input's scale. ``salience_scale`` is the scale the
    file's saliences were read on (1 or 100).
    """

    name: str
    actors: tuple[str, ...]
    dimensions: tuple[str, ...]
    capability: Array
    positions: Array
    salience: Array
    scales: tuple[tuple[float, float], ...]
    salience_scale: SalienceScale = 1

    def __post_init__(self) -> None:
        n, d = len(self.actors), len(self.dimensions)
        if self.capability.shape != (n,):
            raise ValueError("capability must have one value per actor")
        if self.positions.shape != (n, d) or self.salience.shape != (n, d):
            raise ValueError("positions and salience must be shaped (actors, dimensions)")


LARGEST = 1e12
"""Numbers in a bargaining file are at most this large, so that products of capability,
salience and distance stay finite."""


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
            Location(str(path), 1),
            "UTF-8 text; save the file as CSV UTF-8",
        )
    try:
        text = raw.decode("utf-8-sig")  # a UTF-8 byte-order mark, as Excel writes, is fine
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", Location(str(path)), "UTF-8") from None
    rows = []
    reader = csv.reader(io.StringIO(text, newline=None))  # \r, \n or \r\n ends a line
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            while cells and cells[-1] == "":
                cells.pop()  # KTAB files end rows with a comma
            if cells:
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InputError(
            f"unreadable CSV: {exc}", Location(str(path), max(reader.line_num, 1)), "CSV text"
        ) from None
    if not rows:
        raise InputError("the file is empty", Location(str(path)), "a header row and actors")
    return rows


_DECLARED = re.compile(r"salience\s*\(\s*0\s*-\s*(1|100)\s*\)")


def _header(cells: list[str]) -> tuple[list[str], SalienceScale | None]:
    """The column names in lower case, with a ``salience (0-1)`` or ``salience (0-100)``
    cell read as ``salience`` and its declared scale."""
    names: list[str] = []
    declared: SalienceScale | None = None
    for cell in cells:
        name = cell.lower()
        found = _DECLARED.fullmatch(name)
        if found:
            name = "salience"
            declared = 1 if found.group(1) == "1" else 100
        names.append(name)
    return names, declared


def detect_format(path: Path, rows: list[tuple[int, list[str]]] | None = None) -> InputFormat:
    """Which of the three formats a file is in, from its first two rows."""
    rows = _rows(path) if rows is None else rows
    header = _header(rows[0][1])[0]
    if header == TIDY:
        return "tidy"
    if header == BDM:
        return "bdm"
    second = [cell.lower() for cell in rows[1][1]] if len(rows) > 1 else []
    if len(header) >= 4 and second[:1] == ["actor"] and header[2].isdigit():
        return "ktab"
    raise InputError(
        "cannot tell the file's format from its first rows",
        Location(str(path), rows[0][0], 1),
        f"a header '{','.join(TIDY)}', '{','.join(BDM)}', or KTAB's "
        "'scenario,description,actors,dimensions' line",
    )


def _number(path: Path, line: int, column: int, field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(
            f"{text!r} is not a number", Location(str(path), line, column, field), "a number"
        )
    if abs(value) > LARGEST:
        raise InputError(
            f"{text!r} is too large",
            Location(str(path), line, column, field),
            f"a number between -{LARGEST:g} and {LARGEST:g}",
        )
    return value


def _capability(path: Path, line: int, column: int, text: str) -> float:
    value = _number(path, line, column, "capability", text)
    if value < 0:
        where = Location(str(path), line, column, "capability")
        raise InputError(f"negative capability {value:g}", where, "a capability of 0 or more")
    return value


class _Saliences:
    """Saliences as the file has them, with the place of the largest, until the scale is
    known."""

    def __init__(self, path: Path, declared: SalienceScale | None) -> None:
        self.path, self.declared = path, declared
        self.top, self.where = -1.0, Location(str(path))

    def read(self, line: int, column: int, field: str, text: str) -> float:
        value = _number(self.path, line, column, field, text)
        where = Location(str(self.path), line, column, field)
        if not 0 <= value <= 100:
            raise InputError(
                f"salience {value:g} is out of range", where, "a salience from 0 to 1 or 0 to 100"
            )
        if value > self.top:
            self.top, self.where = value, where
        return value

    def scale(self) -> SalienceScale:
        """The declared scale, checked against the values; else the detected one."""
        if self.declared is None:
            return 100 if self.top > 1 else 1
        if self.top > self.declared:
            raise InputError(
                f"salience {self.top:g} is above the declared scale 0-{self.declared}",
                self.where,
                "saliences on the scale the file declares (--salience-scale or the header)",
            )
        return self.declared


def _width(path: Path, line: int, cells: list[str], expected: int, names: str) -> None:
    if len(cells) != expected:
        raise InputError(
            f"{len(cells)} fields where the header has {expected}",
            Location(str(path), line, min(len(cells), expected) + 1),
            f"{expected} fields: {names}",
        )


def _scale(values: Array) -> tuple[float, float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    return (low, high) if high > low else (low, low + 1.0)


def _read_ktab(path: Path, rows: list[tuple[int, list[str]]], sal: _Saliences) -> SpatialProblem:
    (line, head) = rows[0]
    if len(head) < 4 or len(rows) < 2:
        raise InputError(
            "a KTAB file needs a scenario line and a line of column names",
            Location(str(path), line, 1),
            "'scenario,description,actors,dimensions' then 'Actor,Description,Influence,...'",
        )
    names_line, names = rows[1]
    counts = []
    for column, field in ((3, "actors"), (4, "dimensions")):
        value = _number(path, line, column, field, head[column - 1])
        if value != int(value) or value < 1:
            raise InputError(
                f"{field} count {head[column - 1]!r}",
                Location(str(path), line, column, field),
                "a whole number of 1 or more",
            )
        counts.append(int(value))
    declared, d = counts
    width = 3 + 2 * d
    if len(names) < width:
        raise InputError(
            f"{len(names)} columns for {d} dimensions",
            Location(str(path), names_line, 1),
            f"{width} columns: Actor, Description, Influence, then a position and a salience "
            "per dimension",
        )
    labels = [re.sub(r"(?i)\s*\b(position|pstn)\s*", "", names[3 + 2 * k]) for k in range(d)]
    dimensions = tuple(
        label if label and not label.isdigit() else f"dim{k + 1}" for k, label in enumerate(labels)
    )
    if len(set(dimensions)) != d:
        dimensions = tuple(f"dim{k + 1}" for k in range(d))
    body = rows[2:]
    if len(body) != declared:
        raise InputError(
            f"the header declares {declared} actors, the file has {len(body)}",
            Location(str(path), line, 3, "actors"),
            f"{len(body)} in the header, or {declared} actor rows",
        )
    actors, capability, positions, salience = [], [], [], []
    for number, cells in body:
        _width(path, number, cells, width, "Actor, Description, Influence, Pos1, Sal1, ...")
        actors.append(cells[0])
        capability.append(_capability(path, number, 3, cells[2]))
        pos_row, sal_row = [], []
        for k in range(d):
            pos = _number(path, number, 4 + 2 * k, f"position {dimensions[k]}", cells[3 + 2 * k])
            pos_row.append(pos)
            sal_row.append(
                sal.read(number, 5 + 2 * k, f"salience {dimensions[k]}", cells[4 + 2 * k])
            )
        positions.append(pos_row)
        salience.append(sal_row)
    return _problem(head[0] or path.stem, actors, dimensions, capability, positions, salience,
                    [(0.0, 100.0)] * d, path, sal.scale())  # fmt: skip


def _read_tidy(path: Path, rows: list[tuple[int, list[str]]], sal: _Saliences) -> SpatialProblem:
    cells_by_actor: dict[str, dict[str, tuple[float, float]]] = {}
    capability: dict[str, float] = {}
    dimensions: list[str] = []
    for number, cells in rows[1:]:
        _width(path, number, cells, 5, ",".join(TIDY))
        actor, _, dimension = cells[0], cells[1], cells[2]
        cap = _capability(path, number, 2, cells[1])
        pos = _number(path, number, 4, "position", cells[3])
        salience = sal.read(number, 5, "salience", cells[4])
        if actor in capability and capability[actor] != cap:
            raise InputError(
                f"actor {actor!r} has two capabilities",
                Location(str(path), number, 2, "capability"),
                "one capability per actor",
            )
        if dimension in cells_by_actor.setdefault(actor, {}):
            raise InputError(
                f"actor {actor!r} appears twice on dimension {dimension!r}",
                Location(str(path), number, 3, "dimension"),
                "one row per actor and dimension",
            )
        capability[actor] = cap
        cells_by_actor[actor][dimension] = (pos, salience)
        if dimension not in dimensions:
            dimensions.append(dimension)
    actors = list(cells_by_actor)
    absent = (math.nan, 0.0)  # no row: the actor takes no part in the dimension
    positions = [[cells_by_actor[a].get(d, absent)[0] for d in dimensions] for a in actors]
    saliences = [[cells_by_actor[a].get(d, absent)[1] for d in dimensions] for a in actors]
    pos_array = np.asarray(positions, dtype=float)
    for k, dimension in enumerate(dimensions):
        if np.count_nonzero(~np.isnan(pos_array[:, k])) < 2:
            raise InputError(
                f"dimension {dimension!r} has one actor: there is nothing to bargain",
                Location(str(path), field="dimension"),
                "at least two actors on every dimension",
            )
    scales = [_scale(pos_array[:, k]) for k in range(len(dimensions))] if actors else []
    return _problem(path.stem, actors, tuple(dimensions), [capability[a] for a in actors],
                    positions, saliences, scales, path, sal.scale())  # fmt: skip


def _read_bdm(path: Path, rows: list[tuple[int, list[str]]], sal: _Saliences) -> SpatialProblem:
    actors, capability, positions, salience = [], [], [], []
    for number, cells in rows[1:]:
        _width(path, number, cells, 4, ",".join(rows[0][1]))
        actors.append(cells[0])
        capability.append(_capability(path, number, 2, cells[1]))
        positions.append([_number(path, number, 3, "position", cells[2])])
        salience.append([sal.read(number, 4, "salience", cells[3])])
    scales = [_scale(np.asarray(positions, dtype=float)[:, 0])] if actors else []
    return _problem(path.stem, actors, ("position",), capability, positions, salience, scales,
                    path, sal.scale())  # fmt: skip


def _problem(
    name: str,
    actors: list[str],
    dimensions: tuple[str, ...],
    capability: list[float],
    positions: list[list[float]],
    salience: list[list[float]],
    scales: list[tuple[float, float]],
    path: Path,
    salience_scale: SalienceScale,
) -> SpatialProblem:
    if len(actors) < 2:
        raise InputError(
            f"{len(actors)} actor(s): there is nothing to bargain",
            Location(str(path)),
            "at least two actors",
        )
    if len(set(actors)) != len(actors):
        twice = next(a for a in actors if actors.count(a) > 1)
        raise InputError(f"actor {twice!r} appears twice", Location(str(path)), "unique names")
    cap = np.asarray(capability, dtype=float)
    if cap.sum() <= 0:
        raise InputError("every capability is 0", Location(str(path)), "some capability above 0")
    return SpatialProblem(
        name=name,
        actors=tuple(actors),
        dimensions=dimensions,
        capability=cap,
        positions=np.asarray(positions, dtype=float),
        salience=np.asarray(salience, dtype=float) / salience_scale,
        scales=tuple(scales),
        salience_scale=salience_scale,
    )


def read_problem(
    path: Path | str,
    input_format: InputFormat | None = None,
    salience_scale: SalienceScale | None = None,
) -> SpatialProblem:
    """Read a bargaining problem from CSV, detecting its format unless one is given, and
    its salience scale unless one is given or the header declares one."""
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file", Location(str(file)), "a CSV file")
    if salience_scale not in (None, 1, 100):
        raise InputError(
            f"salience scale {salience_scale!r}", Location("--salience-scale"), "1 or 100"
        )
    rows = _rows(file)
    chosen = input_format or detect_format(file, rows)
    header, declared = _header(rows[0][1])
    if declared is not None and salience_scale is not None and declared != salience_scale:
        raise InputError(
            f"the header declares saliences on 0-{declared}, --salience-scale says "
            f"0-{salience_scale}",
            Location(str(file), rows[0][0], header.index("salience") + 1, "salience"),
            "one scale",
        )
    saliences = _Saliences(file, declared or salience_scale)
    if chosen == "ktab":
        return _read_ktab(file, rows, saliences)
    expected = TIDY if chosen == "tidy" else BDM
    if header != expected:
        raise InputError(
            f"wrong columns for the {'tidy' if chosen == 'tidy' else 'BDM'} format",
            Location(str(file), rows[0][0], 1),
            ",".join(expected),
        )
    return (_read_tidy if chosen == "tidy" else _read_bdm)(file, rows, saliences)


@dataclass(frozen=True)
class Outcome:
    """What was decided on a dimension (None if not yet known), and optionally the
    reference point: the status quo, on the same scale as the positions."""

    outcome: float | None
    reference: float | None = None


def read_outcomes(path: Path | str, problem: SpatialProblem) -> dict[str, Outcome]:
    """Known outcomes from a CSV of ``dimension,outcome`` and optionally ``reference``, one
    row per dimension of ``problem``; a dimension left out is not scored. An outcome may be
    left blank where a reference is given: that dimension gets a Nash forecast, and no
    score."""
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file", Location(str(file)), "a CSV of dimension,outcome")
    rows = _rows(file)
    header = [cell.lower() for cell in rows[0][1]]
    if header not in (["dimension", "outcome"], ["dimension", "outcome", "reference"]):
        raise InputError(
            "wrong columns", Location(str(file), rows[0][0], 1), "dimension,outcome[,reference]"
        )
    found: dict[str, Outcome] = {}
    for number, cells in rows[1:]:
        cells = cells + [""] * (len(header) - len(cells))  # a blank last cell
        _width(file, number, cells, len(header), ",".join(header))
        dimension = cells[0]
        if dimension not in problem.dimensions:
            raise InputError(
                f"no dimension {dimension!r} in {problem.name}",
                Location(str(file), number, 1, "dimension"),
                "a dimension of the bargaining file",
            )
        if dimension in found:
            raise InputError(
                f"dimension {dimension!r} again",
                Location(str(file), number, 1, "dimension"),
                "one row per dimension",
            )
        given = len(cells) > 2 and cells[2] != ""
        reference = _number(file, number, 3, "reference", cells[2]) if given else None
        blank = cells[1] == "" and given
        outcome = None if blank else _number(file, number, 2, "outcome", cells[1])
        found[dimension] = Outcome(outcome, reference)
    if not found:
        raise InputError("no outcomes", Location(str(file)), "a row per decided dimension")
    return found
