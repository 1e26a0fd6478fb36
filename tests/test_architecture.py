"""The import graph follows the layers of DESIGN.md ("Architecture").

Dependencies run one way: record/ and scenario/ (data) below model/, below experiments/,
below scoring/ and report/, below the one facade parley.api, below the faces (the
command line and the web app), which import parley.api and nothing else of parley.
Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "parley"

LAYERS = {
    "errors": 0,
    "yamlfile": 0,
    "files": 0,
    "budget": 0,
    "record": 1,
    "scenario": 1,
    "model": 2,
    "experiments": 3,
    "scoring": 4,
    "report": 4,
    "api": 5,
    "cli": 6,
    "web": 6,
    "__main__": 6,
}
FACES = {"cli", "web", "__main__"}


def _part(module: str) -> str:
    """The top-level part of parley a module belongs to: ``parley.model.kernel`` -> model."""
    return module.split(".")[1] if "." in module else "__init__"


def _edges() -> list[tuple[str, str, str]]:
    """(file, importing part, imported module) for every import of parley anywhere."""
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                base = node.module
                names = [
                    f"{base}.{alias.name}" if base == "parley" else base for alias in node.names
                ]
            for name in names:
                if name == "parley" or name.startswith("parley."):
                    edges.append((str(relative), _part(module), name))
    return edges


def test_every_part_has_a_layer() -> None:
    parts = {_part(f"parley.{p.stem}") for p in PACKAGE.glob("*.py")}
    parts |= {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert parts - {"__init__"} <= set(LAYERS)


def test_imports_run_one_way() -> None:
    wrong = [
        f"{file}: {importer} imports {imported}"
        for file, importer, imported in _edges()
        if importer in LAYERS
        and _part(imported) in LAYERS
        and _part(imported) != importer
        and LAYERS[_part(imported)] > LAYERS[importer]
    ]
    assert not wrong, "\n".join(wrong)


def test_no_cycle_between_parts() -> None:
    graph: dict[str, set[str]] = {}
    for _file, importer, imported in _edges():
        if _part(imported) != importer and importer != "__init__":
            graph.setdefault(importer, set()).add(_part(imported))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(part for part in graph if reaches(part, part, {part}))
    assert not cycles, f"parts in an import cycle: {cycles}"


def test_faces_import_only_the_api() -> None:
    allowed = {"parley.api", "parley"}
    wrong = [
        f"{file} imports {imported}"
        for file, importer, imported in _edges()
        if importer in FACES
        and _part(imported) not in FACES
        and not any(imported == a or imported.startswith("parley.api.") for a in allowed)
        and not imported.startswith("parley.__version__")
    ]
    assert not wrong, "\n".join(wrong)


def test_no_code_outside_data_names_the_built_in_case() -> None:
    """The core knows no case: the built-in one is data. (The web app names the built-in
    scenario as the one a run request takes by default; its presets are the scenarios'
    ``interventions``, in data.)"""
    words = re.compile(r"(?<![a-z])(sino|soviet|ussr|prc)(?![a-z])")  # not "prctl"
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if {"data", "web"} & set(path.relative_to(PACKAGE).parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if words.search(line.lower()):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
