"""The report's figures, drawn with Matplotlib and returned as inline SVG text.

Each function takes ensembles or record tables and returns one ``<svg>`` element, with
its text kept as text (not paths), so that the report needs no file beside it. Time runs
along x in years (a date is its year plus the part of the year gone). Every axis shows
one measure: the model's index and the record's share one axis, because they are the
same measure; a user's own index, on a scale of its own, gets an aligned panel of its
own. Legends sit outside the data, and labels that would overlap are moved or left out
(``labels``).
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
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, MultipleLocator

from parley.experiments.ensemble import Ensemble
from parley.experiments.sensitivity import Sensitivity
from parley.experiments.summary import counterpart_name, yearly_model_index
from parley.report.labels import label_points, label_spans
from parley.report.names import state_name

__all__ = [
    "COLOURS",
    "Span",
    "distribution_figure",
    "position_figure",
    "relation_figure",
    "sensitivity_figure",
    "state_colours",
    "timeline_figure",
]

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False})
COLOURS = ("#1f5f8b", "#b8452f", "#3d7a3d", "#8a5a9e", "#b0892a", "#555555")
Span = tuple[int, int, str]
"""A named period: first year, last year (both included), name."""


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    blank = {"Date": None, "Creator": None, "Format": None, "Type": None}  # no metadata block
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=blank)
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG sits inside HTML


def _year(day: dt.date | pd.Timestamp) -> float:
    """A date as a year and the part of it gone: 1 July 1969 is about 1969.5."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (dt.date(day.year, day.month, day.day) - start).days / length


def _years_axis(axis: Axes, first: int, last: int) -> None:
    """x from the start of ``first`` to the end of ``last``, ticks on round years."""
    axis.set_xlim(first, last + 1)
    span = last + 1 - first
    axis.xaxis.set_major_locator(MultipleLocator(1 if span <= 8 else 2 if span <= 16 else 5))


def _periods(axis: Axes, periods: Sequence[Span]) -> None:
    """Every other period shaded, and each named above the axis."""
    for n, (first, last, _) in enumerate(periods):
        if n % 2 == 0:
            axis.axvspan(first, last + 1, color="#efece4", zorder=0, linewidth=0)
    label_spans(axis, [(first, last + 1, name) for first, last, name in periods])


def _legend_below(axis: Axes, columns: int = 3) -> None:
    handles, labels = axis.get_legend_handles_labels()
    if handles:
        axis.legend(
            handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=columns,
            fontsize=7.5, frameon=False,
        )  # fmt: skip


def relation_figure(
    ensembles: Sequence[tuple[str, Ensemble]],
    record: dict[int, float] | None = None,
    external: dict[int, float] | None = None,
    periods: Sequence[Span] = (),
) -> str:
    """The model's yearly index (net Goldstein of its events) by year: each ensemble's
    median and 5-95% band per counterpart, on the same axis as the record's index, which is
    the same measure; the user's own index, on a scale of its own, in an aligned panel
    below."""
    rows = 2 if external else 1
    figure, axes = plt.subplots(
        rows, 1, figsize=(9, 3.4 + 2.0 * (rows - 1)), sharex=True, squeeze=False,
        gridspec_kw={"height_ratios": [3, 2][:rows]},
    )  # fmt: skip
    axis = axes[0, 0]
    colour = iter(COLOURS)
    years_shown: list[int] = []
    for label, ensemble in ensembles:
        for d in range(len(ensemble.inputs.counterparts)):
            yearly = yearly_model_index(ensemble, d)
            if not yearly:
                continue
            years = np.array(list(yearly))
            years_shown += [int(years.min()), int(years.max())]
            values = np.stack(list(yearly.values()))
            name = state_name(ensemble.scenario, counterpart_name(ensemble, d))
            title = label if len(ensemble.inputs.counterparts) == 1 else f"{label}: {name}"
            c = next(colour)
            middle = years + 0.5  # a year's value at its middle
            axis.fill_between(
                middle, *np.quantile(values, [0.05, 0.95], axis=1), color=c, alpha=0.18,
                linewidth=0, label=f"{title}: 90% of runs",
            )  # fmt: skip
            axis.plot(middle, np.median(values, axis=1), color=c, label=f"{title}: median run")
    if record:
        shown = [y for y in record if not years_shown or min(years_shown) <= y <= max(years_shown)]
        axis.plot(np.array(shown) + 0.5, [record[y] for y in shown], "o-", color="#222222",
                  markersize=2.5, linewidth=0.9, label="the record")  # fmt: skip
        years_shown += shown
    axis.axhline(0, color="#666666", linewidth=0.8, zorder=1)
    axis.set_ylabel("net Goldstein value per year\n(above 0: more cooperation)")
    first, last = min(years_shown, default=0), max(years_shown, default=1)
    _years_axis(axis, first, last)
    _periods(axis, [p for p in periods if p[1] >= first and p[0] <= last])
    if external:
        lower = axes[1, 0]
        lower.plot(np.array(list(external)) + 0.5, list(external.values()), "s-",
                   color="#555555", markersize=2.5, linewidth=0.9, label="your index")  # fmt: skip
        lower.axhline(0, color="#666666", linewidth=0.8)
        lower.set_ylabel("your index\n(its own scale)")
        lower.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5, frameon=False)
        axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5, frameon=False)
    else:
        _legend_below(axis)
    return _svg(figure)


def timeline_figure(
    events: pd.DataFrame,
    years: tuple[int, int],
    labelled: Sequence[str] = (),
    periods: Sequence[Span] = (),
) -> str:
    """The record's events of ``years`` at their Goldstein value: a dot for a day or a
    month, a bar for a longer range of dates (cut to ``years``), a ring where the sources
    disagree; the events ``labelled`` (ids, most important first) named by headline."""
    first, last = years
    figure, axis = plt.subplots(figsize=(9, 4.4))
    values = events["goldstein"].to_numpy(dtype=float)
    coded = ~np.isnan(values)
    spans = []
    rows: Any = events.itertuples()
    for row, y, has in zip(rows, values, coded, strict=True):
        if not has:
            continue
        start = max(_year(row.start), float(first))
        end = min(_year(row.end) + 1 / 365, float(last + 1))
        colour = COLOURS[0] if y >= 0 else COLOURS[1]
        if end - start > 40 / 365:
            axis.plot([start, end], [y, y], color=colour, linewidth=3, alpha=0.5,
                      solid_capstyle="butt")  # fmt: skip
        else:
            axis.plot([start], [y], "o", color=colour, markersize=3.5)
        if isinstance(row.claim, str):
            axis.plot([(start + end) / 2], [y], "o", markersize=9, markerfacecolor="none",
                      markeredgecolor="#000000", markeredgewidth=0.9)  # fmt: skip
        spans.append((row.id, (start + end) / 2, float(y), str(row.headline)))
    axis.axhline(0, color="#666666", linewidth=0.8, zorder=1)
    axis.set_ylabel("Goldstein value\n(above 0: cooperation)")
    axis.set_ylim(-12.5, 12.5)
    axis.set_yticks([-10, -5, 0, 5, 10])
    _years_axis(axis, first, last)
    _periods(axis, [p for p in periods if p[1] >= first and p[0] <= last])
    axis.plot([], [], color=COLOURS[0], linewidth=3, alpha=0.5, label="a range of dates")
    axis.plot([], [], "o", color=COLOURS[0], markersize=3.5, label="a day or a month")
    if events["claim"].notna().any():
        axis.plot([], [], "o", markersize=9, markerfacecolor="none", markeredgecolor="#000000",
                  label="contested: the sources disagree")  # fmt: skip
    _legend_below(axis)
    where = {key: (x, y, text) for key, x, y, text in spans}
    label_points(axis, [where[key] for key in labelled if key in where])
    return _svg(figure)


def state_colours(ensemble: Ensemble) -> list[tuple[str, str]]:
    """Each state that holds a position at some step: its name and the colour its lines
    take in the position panels."""
    held = np.asarray(~np.isnan(ensemble.outputs.positions).all(axis=(0, 1, 3)))  # (S,)
    scenario = ensemble.scenario
    return [
        (state_name(scenario, state), COLOURS[s % len(COLOURS)])
        for s, state in enumerate(ensemble.inputs.states)
        if held[s]
    ]


def position_figure(ensemble: Ensemble, issue: int) -> tuple[str, list[list[str]]]:
    """The governments' median positions (0-100) on one issue over time, and the groups of
    states (by name) whose lines lie on each other all along. The widest line is drawn
    first, so that a line on top of another leaves the one below showing at its edges."""
    inputs = ensemble.inputs
    median = np.median(ensemble.outputs.positions[:, :, :, issue], axis=0)  # (T, S)
    when = np.array([_year(day) for day in inputs.steps])
    figure, axis = plt.subplots(figsize=(3.6, 1.9))
    drawn: list[tuple[str, np.ndarray[Any, Any]]] = []
    for s, state in enumerate(inputs.states):
        line = median[:, s]
        if np.isnan(line).all():
            continue
        axis.plot(when, line, color=COLOURS[s % len(COLOURS)], solid_capstyle="butt",
                  linewidth=max(3.0 - 1.0 * len(drawn), 0.9))  # fmt: skip
        drawn.append((state_name(ensemble.scenario, state), line))
    axis.set_ylim(-6, 106)
    axis.set_yticks([0, 50, 100])
    axis.set_xlim(when[0], when[-1])
    axis.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axis.spines["right"].set_visible(False)
    return _svg(figure), _together(drawn)


def _together(lines: Sequence[tuple[str, np.ndarray[Any, Any]]]) -> list[list[str]]:
    """Groups of two or more names whose lines stay within a point of one another (or of
    another of the group) wherever both are drawn."""
    groups: list[list[str]] = []
    for name, line in lines:
        close = [
            g for g in groups
            if any(np.nanmax(np.abs(line - other)) < 1.0 for n, other in lines if n in g)
        ]  # fmt: skip
        merged = [name] + [n for g in close for n in g]
        groups = [g for g in groups if g not in close] + [merged]
    order = [name for name, _ in lines]
    return [sorted(g, key=order.index) for g in groups if len(g) > 1]


def distribution_figure(values: np.ndarray[Any, Any], years: tuple[int, int]) -> str:
    """The share of runs per year in which something first happens (``values``: a year per
    run, 0 where it never does)."""
    first, last = years
    figure, axis = plt.subplots(figsize=(3.6, 1.5))
    counts = (
        pd.Series(values[values > 0]).value_counts().reindex(range(first, last + 1), fill_value=0)
    )
    axis.bar(counts.index + 0.5, counts.to_numpy() / len(values), color=COLOURS[0], width=0.8)
    axis.set_ylabel("share of runs")
    axis.set_ylim(0, max(0.05, float(counts.max() / len(values)) * 1.15))
    axis.yaxis.set_major_locator(MaxNLocator(nbins=3))
    axis.set_xlim(first, last + 1)
    axis.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axis.spines["right"].set_visible(False)
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
