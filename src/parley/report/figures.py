"""The report's figures, drawn with Matplotlib and returned as inline SVG text.

Each function takes ensembles or record tables and returns one ``<svg>`` element, with
its text kept as text (not paths), so that the report needs no file beside it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from parley.experiments.ensemble import Ensemble
from parley.experiments.sensitivity import Sensitivity
from parley.experiments.summary import counterpart_name, settlement_years, yearly_model_index

__all__ = [
    "outcomes_figure",
    "positions_figure",
    "relation_figure",
    "sensitivity_figure",
    "timeline_figure",
]

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False})
COLOURS = ("#1f5f8b", "#b8452f", "#3d7a3d", "#8a5a9e", "#b0892a", "#555555")


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    blank = {"Date": None, "Creator": None, "Format": None, "Type": None}  # no metadata block
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=blank)
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG sits inside HTML


def relation_figure(
    ensembles: Sequence[tuple[str, Ensemble]],
    record: dict[int, float] | None = None,
    external: dict[int, float] | None = None,
) -> str:
    """The model's yearly index (net Goldstein of its events) by year: each ensemble's
    median and 5-95% band per counterpart, on the same axis as the record's index, which is
    the same measure; the user's own index, on a scale of its own, on a second axis."""
    figure, axis = plt.subplots(figsize=(9, 3.6))
    colour = iter(COLOURS)
    for label, ensemble in ensembles:
        for d in range(len(ensemble.inputs.counterparts)):
            yearly = yearly_model_index(ensemble, d)
            if not yearly:
                continue
            years = np.array(list(yearly))
            values = np.stack(list(yearly.values()))
            name = (
                label
                if len(ensemble.inputs.counterparts) == 1
                else f"{label}: {counterpart_name(ensemble, d)}"
            )
            c = next(colour)
            axis.fill_between(
                years, *np.quantile(values, [0.05, 0.95], axis=1), color=c, alpha=0.18
            )
            axis.plot(years, np.median(values, axis=1), color=c, label=f"{name} (median, 5-95%)")
    if record:
        axis.plot(list(record), list(record.values()), "o-", color="#333333", markersize=2.5,
                  linewidth=0.8, label="the record")  # fmt: skip
    axis.set_ylabel("net Goldstein per year")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.axhline(0, color="#999999", linewidth=0.6)
    handles, labels = axis.get_legend_handles_labels()
    if external:
        right = axis.twinx()
        right.plot(list(external), list(external.values()), "s--", color="#777777",
                   markersize=2.5, linewidth=0.8, label="your index (right axis)")  # fmt: skip
        right.set_ylabel("your index")
        more = right.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    axis.legend(handles, labels, loc="lower left", fontsize=7, frameon=False)
    return _svg(figure)


def timeline_figure(events: pd.DataFrame) -> str:
    """Every event of the record at its Goldstein value: a dot for a day, a bar for a
    range of dates, a ring where a source's account is contested."""
    figure, axis = plt.subplots(figsize=(9, 3.4))
    starts = events["start"].to_numpy(dtype="datetime64[D]")
    ends = events["end"].to_numpy(dtype="datetime64[D]")
    values = np.nan_to_num(events["goldstein"].to_numpy(dtype=float))
    contested = events["claim"].notna().to_numpy()
    for start, end, y, disputed in zip(starts, ends, values, contested, strict=True):
        colour = COLOURS[0] if y >= 0 else COLOURS[1]
        span = np.array([start, end])
        if end - start > np.timedelta64(1, "D"):
            axis.plot(span, [y, y], color=colour, linewidth=3, alpha=0.55, solid_capstyle="butt")
        else:
            axis.plot(span[:1], [y], "o", color=colour, markersize=3.5)
        if disputed:
            middle = start + (end - start) // 2
            axis.plot(np.array([middle]), [y], "o", markersize=9, markerfacecolor="none",
                      markeredgecolor="#000000")  # fmt: skip
    axis.axhline(0, color="#999999", linewidth=0.6)
    axis.set_ylabel("Goldstein value")
    axis.set_ylim(-10.5, 10.5)
    axis.plot([], [], color=COLOURS[0], linewidth=3, alpha=0.55, label="a range of dates")
    axis.plot([], [], "o", color=COLOURS[0], markersize=3.5, label="a day")
    axis.plot(
        [],
        [],
        "o",
        markersize=9,
        markerfacecolor="none",
        markeredgecolor="#000000",
        label="contested",
    )
    axis.legend(loc="lower left", fontsize=7, frameon=False, ncol=3)
    return _svg(figure)


def positions_figure(ensemble: Ensemble) -> str:
    """The governments' median positions on each issue over time, one panel per issue."""
    inputs = ensemble.inputs
    median = np.median(ensemble.outputs.positions, axis=0)  # (T, S, I), NaN where no state
    days = [dt.datetime(d.year, d.month, 1) for d in inputs.steps]
    columns = 3
    rows = -(-len(inputs.issues) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(9, 1.9 * rows), sharex=True, squeeze=False)
    for n, issue in enumerate(inputs.issues):
        axis = axes[n // columns, n % columns]
        for s, state in enumerate(inputs.states):
            line = median[:, s, n]
            if not np.isnan(line).all():
                axis.plot(days, line, color=COLOURS[s % len(COLOURS)], linewidth=1.1, label=state)
        axis.set_title(issue, fontsize=8)
        axis.set_ylim(-5, 105)
    for extra in range(len(inputs.issues), rows * columns):
        axes[extra // columns, extra % columns].axis("off")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper center", ncol=len(labels), fontsize=7, frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    return _svg(figure)


def outcomes_figure(ensemble: Ensemble) -> str:
    """When each issue on a talks agenda settles, across runs (share of runs per year)."""
    inputs = ensemble.inputs
    agenda = [issue for n, issue in enumerate(inputs.issues) if inputs.agenda[:, n].any()]
    first, last = inputs.steps[0].year, inputs.steps[-1].year
    figure, axes = plt.subplots(
        len(agenda), 1, figsize=(9, 1.3 * len(agenda) + 0.4), sharex=True, squeeze=False
    )
    for axis, issue in zip(axes[:, 0], agenda, strict=True):
        years = settlement_years(ensemble, issue)
        counts = (
            pd.Series(years[years > 0]).value_counts().reindex(range(first, last + 1), fill_value=0)
        )
        axis.bar(counts.index, counts.to_numpy() / len(years), color=COLOURS[0], width=0.8)
        never = float((years == 0).mean())
        axis.set_title(f"{issue}: settled in {1 - never:.0%} of runs", fontsize=8, loc="left")
        axis.set_ylabel("share")
    return _svg(figure)


def sensitivity_figure(result: Sensitivity, path: str) -> None:
    """One panel per metric, the parameters that move it most at the top (ten at most), with
    error bars at the 95% confidence SALib computes: Morris mu* and sigma, or the Sobol
    total-order and first-order indices."""
    shown = 10
    morris = result.method == "morris"
    order = "mu_star" if morris else "ST"
    metrics = list(dict.fromkeys(result.indices["metric"]))
    panels = [
        result.indices[result.indices["metric"] == metric].sort_values(order, ascending=False)
        for metric in metrics
    ]
    heights = [1.2 + 0.3 * min(len(rows), shown) for rows in panels] or [1.5]
    figure, axes = plt.subplots(
        len(heights),
        1,
        figsize=(8, sum(heights) + 0.4),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
        layout="constrained",  # makes room for the labels and the legend
    )
    bars = {"capsize": 2, "error_kw": {"elinewidth": 0.8, "ecolor": "#333333"}}
    for axis, metric, rows in zip(axes[:, 0], metrics, panels, strict=False):
        top = rows.head(shown)
        y = np.arange(len(top))
        if morris:
            axis.barh(y, top["mu_star"], xerr=top["mu_star_conf"], color=COLOURS[0],
                      label="mu*, with its 95% confidence", **bars)  # fmt: skip
            axis.plot(top["sigma"], y, "D", color=COLOURS[1], markersize=4, label="sigma")
        else:
            axis.barh(y - 0.2, top["ST"], height=0.4, xerr=top["ST_conf"], color=COLOURS[0],
                      label="total order (ST)", **bars)  # fmt: skip
            axis.barh(y + 0.2, top["S1"], height=0.4, xerr=top["S1_conf"], color=COLOURS[2],
                      label="first order (S1)", **bars)  # fmt: skip
        axis.set_yticks(y, list(top["parameter"]))
        axis.set_ylim(len(top) - 0.5, -0.5)  # the largest at the top
        axis.axvline(0, color="#999999", linewidth=0.6)
        if axis is axes[0, 0]:  # one legend above the panels, over no data
            handles, labels = axis.get_legend_handles_labels()
            step = -1 if morris else 1  # the bars first
            figure.legend(handles[::step], labels[::step], loc="outside upper left", ncols=2)
        which = (
            f"the {len(top)} of {len(rows)} parameters that matter most"
            if len(top) < len(rows)
            else "the parameter varied"
            if len(rows) == 1
            else f"all {len(rows)} parameters varied"
        )
        axis.set_title(f"{metric}: {which}", loc="left", fontsize=9)
    axes[-1, 0].set_xlabel(
        "mean absolute elementary effect (mu*) and its spread (sigma)"
        if morris
        else "share of the variance, with 95% confidence"
    )
    if not metrics:
        axes[0, 0].set_axis_off()
        axes[0, 0].set_title("no metric varied across the samples", loc="left", fontsize=9)
    figure.savefig(path, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
