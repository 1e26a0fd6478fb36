"""YAML files read with their line numbers, so that every problem can say where it is.

Both the record and scenarios are YAML; this module reads a file with ruamel.yaml's
round-trip loader, keeps the parsed document to turn a field path into a line and column,
and reports each problem as one line: ``FILE:LINE:COL: entry: field: message``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError, MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from parley.errors import Location

__all__ = ["Document", "FieldPath", "Problem", "field_name", "plain", "read_yaml"]

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record, and where."""

    location: Location
    message: str

    def __post_init__(self) -> None:
        # Messages from the YAML parser span several lines; a problem is one line.
        object.__setattr__(self, "message", " ".join(self.message.split()))

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def field_name(path: Sequence[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


@dataclass(frozen=True)
class Document:
    """A parsed YAML file, kept so that any field path can be turned into a line."""

    path: Path
    root: Any

    def position(self, path: Sequence[str | int]) -> tuple[int | None, int | None]:
        node, line, column = self.root, None, None
        for step in path:
            lc = getattr(node, "lc", None)
            try:
                if isinstance(step, int) and isinstance(node, list) and step < len(node):
                    if lc is not None:
                        line, column = lc.item(step)
                    node = node[step]
                elif isinstance(step, str) and isinstance(node, dict) and step in node:
                    if lc is not None:
                        line, column = lc.key(step)
                    node = node[step]
                else:
                    break
            except (KeyError, IndexError, TypeError):
                break
        return (None, None) if line is None else (line + 1, (column or 0) + 1)

    def locate(self, path: Sequence[str | int], entry_id: str | None) -> Location:
        line, column = self.position(path)
        name = field_name(path[1:])
        label = ": ".join(part for part in (entry_id, name) if part)
        return Location(str(self.path), line, column, label or None)


MAX_DEPTH = 64
"""Nesting deeper than this is refused (no parley file needs more than a few levels)."""
MAX_ALIASED = 100_000
"""Aliases may add at most this many values to a file beyond those written in it."""


class _BoundedComposer(Composer):
    """ruamel's composer, counting what the document would expand to if its aliases were
    copied out, and refusing aliases that expand past :data:`MAX_ALIASED` values (a
    "billion laughs") or that point into their own anchor, before anything is expanded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizes: dict[int, int] = {}
        self.written = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        alias = self.parser.check_event(AliasEvent)
        mark = self.parser.peek_event().start_mark
        node: Node = super().compose_node(parent, index)
        size = self.sizes.get(id(node))
        if alias and size is None:
            raise ComposerError(None, None, "an alias inside its own anchor", mark)
        if size is None:
            self.written += 1
            if isinstance(node, SequenceNode):
                size = 1 + sum(self.sizes[id(child)] for child in node.value)
            elif isinstance(node, MappingNode):
                size = 1 + sum(self.sizes[id(k)] + self.sizes[id(v)] for k, v in node.value)
            else:
                size = 1
            self.sizes[id(node)] = size
        if size > self.written + MAX_ALIASED:
            raise ComposerError(
                None, None, f"aliases that expand past {MAX_ALIASED:,} values", mark
            )
        return node


class _Constructor(RoundTripConstructor):
    """ruamel's constructor, with dates left as text: parley reads every date as EDTF
    itself, so that an impossible one (``1969-02-30``) is a located problem, not a crash."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_DEPTH
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _Constructor
    return yaml


def read_yaml(
    path: Path, problems: list[Problem], expect: type = list, what: str = "file"
) -> Document | None:
    """Parse ``path``; on failure add a located problem and return None.

    ``expect`` is the type the top level must have (a list of entries or a mapping).
    """
    if not path.is_file():
        problems.append(Problem(Location(str(path)), f"missing {what}"))
        return None
    try:
        text = path.read_text(encoding="utf-8")
        root = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if isinstance(exc, MaxDepthExceededError):
            what = f"nested deeper than {MAX_DEPTH} levels"
        problems.append(Problem(Location(str(path), line, column), f"broken YAML: {what}"))
        return None
    except ReaderError as exc:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        problems.append(
            Problem(
                Location(str(path), line, column), f"character U+{exc.character:04X} not allowed"
            )
        )
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(Location(str(path)), f"not UTF-8 text: {exc.reason}"))
        return None
    except Exception as exc:  # ruamel raises a few unmarked errors on odd input
        problems.append(Problem(Location(str(path)), f"broken YAML: {exc}"))
        return None
    if root is None:
        root = expect()
    if not isinstance(root, expect):
        what = "a list of entries" if expect is list else "a mapping of fields"
        problems.append(Problem(Location(str(path), 1, 1), f"broken file: expected {what}"))
        return None
    return Document(path, root)


def plain(node: Any) -> Any:
    """ruamel's round-trip containers as plain dicts and lists, with plain scalars."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node
