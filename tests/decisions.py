"""A made-up data set of decisions shaped like the published ones researchers bring: many
issues, each with its own 2 to 30 actors, positions and saliences on 0-100, a reference
point (the status quo) and an outcome. Drawn from a seed, so tests and measurements can
make the same file.

Outcomes are drawn near the capability-and-salience weighted mean of the positions, pulled
towards the reference point, with noise: a world in which the compromise model does well,
as it does on real data, and the status quo matters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ACTORS = tuple(f"member-{k:02d}" for k in range(1, 31))


def write_decisions(folder: Path, issues: int = 350, seed: int = 14) -> tuple[Path, Path]:
    """Write ``decisions.csv`` (tidy, saliences on 0-100) and ``outcomes.csv`` (with a
    reference point) into ``folder``; their paths."""
    rng = np.random.default_rng(seed)
    capability = rng.integers(2, 30, len(ACTORS))
    rows = ["actor,capability,dimension,position,salience"]
    outcomes = ["dimension,outcome,reference"]
    for issue in range(issues):
        name = f"issue-{issue:03d}"
        size = int(rng.integers(2, 31))
        members = np.sort(rng.choice(len(ACTORS), size, replace=False))
        positions = rng.choice([0, 10, 25, 40, 50, 60, 75, 90, 100], size)
        salience = rng.integers(10, 101, size)
        if np.ptp(positions) == 0:
            positions[0] = 100 - positions[0] or 100
        for a, x, s in zip(members, positions, salience, strict=True):
            rows.append(f"{ACTORS[a]},{capability[a]},{name},{x},{s}")
        weight = capability[members] * salience
        mean = float(weight @ positions / weight.sum())
        reference = float(rng.choice([0, 100, positions.min(), positions.max()]))
        pull = rng.uniform(0, 0.4)
        outcome = np.clip((1 - pull) * mean + pull * reference + rng.normal(0, 8), 0, 100)
        outcomes.append(f"{name},{outcome:.2f},{reference:g}")
    decisions, known = folder / "decisions.csv", folder / "outcomes.csv"
    decisions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    known.write_text("\n".join(outcomes) + "\n", encoding="utf-8")
    return decisions, known
