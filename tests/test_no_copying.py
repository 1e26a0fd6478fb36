"""The project never copies sentences of its sources: no nine-word run of a source text
appears in any file of the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = 9
SUFFIXES = {".py", ".md", ".txt", ".yaml", ".yml", ".json", ".html", ".toml", ".csv"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_no_nine_word_run_of_a_source_is_in_the_repository(corpus: Path) -> None:
    runs = set()
    for source in corpus.glob("*.txt"):
        words = _words(source.read_text(encoding="utf-8"))
        runs |= {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    copied = []
    for name in listed:
        path = ROOT / name
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        words = _words(path.read_text(encoding="utf-8", errors="replace"))
        for i in range(len(words) - RUN + 1):
            run = " ".join(words[i : i + RUN])
            if run in runs:
                copied.append(f"{name}: {run}")
                break
    assert copied == []
