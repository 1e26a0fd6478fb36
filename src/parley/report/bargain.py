"""``parley bargain --out DIR``: the forecasts, scores and trace as tables, and a figure.

The folder gets ``forecasts``, ``scores`` (with known outcomes) and ``trace`` (when the
EU model ran), each as Parquet and as CSV, and ``positions.png``: for each dimension
(the first :data:`PANELS`), every actor's EU position by round, with each model's
forecast, the outcome and the reference point where they are known. Every file is
written atomically.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from parley.experiments.bargain import Forecast, trace_frame
from parley.files import atomic_write, output_folder
from parley.scenario.spatial import Outcome
from parley.scoring.outcomes import Evaluation

__all__ = ["PANELS", "positions_figure", "write_bargain"]

PANELS = 12
"""The figure shows at most this many dimensions, the first in the file."""

_MODEL_STYLE = {
    "median": ("#1f5f8b", (0, (4, 2))),
    "compromise": ("#3d7a3d", (0, (4, 2))),
    "eu": ("#b8452f", "solid"),
    "nash": ("#8a5a9e", (0, (1, 1))),
    "exchange": ("#b0892a", (0, (6, 2, 1, 2))),
    "combined": ("#000000", (0, (2, 2))),
}


def write_bargain(
    folder: Path,
    found: Forecast,
    evaluation: Evaluation,
    outcomes: Mapping[str, Outcome] | None,
) -> list[Path]:
    """Write the tables and the figure into ``folder`` (made if need be); the paths."""
    folder = output_folder(folder)
    tables = {"forecasts": pd.DataFrame(list(evaluation.rows))}
    if outcomes is not None:
        tables["scores"] = pd.DataFrame(evaluation.scores)
    if found.paths:
        tables["trace"] = trace_frame(found)
    written = []
    for name, frame in tables.items():
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        atomic_write(parquet, partial(frame.to_parquet, index=False))
        atomic_write(csv, partial(frame.to_csv, index=False))
        written += [parquet, csv]
    figure = folder / "positions.png"
    atomic_write(figure, lambda path: positions_figure(found, evaluation, outcomes, path))
    return [*written, figure]


def positions_figure(
    found: Forecast,
    evaluation: Evaluation,
    outcomes: Mapping[str, Outcome] | None,
    path: str,
) -> None:
    """One panel per dimension: each actor's EU position by round (run 0; its end is
    labelled when there are few actors), each model's forecast as a level line, the
    outcome and the reference point. Saved as PNG to ``path``."""
    shown = found.problem.dimensions[:PANELS]
    columns = min(3, len(shown))
    rows = math.ceil(len(shown) / columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(5.2 * columns, 3.4 * rows + 0.6), squeeze=False
    )
    traces = {name: positions for name, positions, _ in found.paths}
    forecasts: dict[str, dict[str, float]] = {}
    for row in evaluation.rows:
        forecasts.setdefault(row["dimension"], {})[row["model"]] = row["forecast"]
    last = found.rounds
    for axis, dimension in zip(axes.ravel(), shown, strict=False):
        d = found.problem.dimensions.index(dimension)
        if dimension in traces:
            run = traces[dimension][0]  # (rounds + 1, actors)
            taking_part = [a for a in range(run.shape[1]) if not math.isnan(run[0, a])]
            for a in taking_part:
                axis.plot(range(last + 1), run[:, a], color="#9a9a9a", linewidth=0.8)
                if len(taking_part) <= 8:
                    axis.annotate(
                        found.problem.actors[a],
                        (last, run[-1, a]),
                        xytext=(3, 0),
                        textcoords="offset points",
                        fontsize=7,
                        va="center",
                        color="#555555",
                    )
        for model, value in forecasts.get(dimension, {}).items():
            colour, style = _MODEL_STYLE.get(model, ("#555555", "solid"))
            axis.axhline(value, color=colour, linestyle=style, linewidth=1.4, label=model)
        known = None if outcomes is None else outcomes.get(dimension)
        if known is not None and known.outcome is not None:
            axis.axhline(known.outcome, color="#000000", linewidth=2.2, label="outcome")
        if known is not None and known.reference is not None:
            axis.axhline(known.reference, color="#777777", linestyle=":", label="reference")
        low, high = found.problem.scales[d]
        axis.set_title(dimension, fontsize=9, loc="left")
        axis.set_xlabel("round")
        axis.set_ylabel(f"position ({low:g} to {high:g})")
        axis.set_xlim(0, last * 1.15 if last else 1)
    for axis in axes.ravel()[len(shown) :]:
        axis.set_visible(False)
    unique: dict[str, Any] = {}
    for axis in axes.ravel():
        for handle, label in zip(*axis.get_legend_handles_labels(), strict=True):
            unique.setdefault(label, handle)
    figure.legend(
        list(unique.values()),
        list(unique),
        loc="lower center",
        ncol=min(len(unique), 8),
        fontsize=8,
        frameon=False,
    )
    more = len(found.problem.dimensions) - len(shown)
    title = f"{found.problem.name}: EU positions by round (grey) and each model's forecast"
    if more > 0:
        title += f" (first {len(shown)} of {len(found.problem.dimensions)} dimensions)"
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0.06, 1, 0.97))
    figure.savefig(path, format="png", dpi=110)
    plt.close(figure)
