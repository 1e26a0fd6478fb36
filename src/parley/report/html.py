"""The self-contained HTML report: one file, no scripts, no network, readable on paper.

Its sections, in order (each an ``<section id=...>``): ``summary``, ``relation``,
``timeline``, ``positions``, ``outcomes``, ``validation``, ``counterfactual`` (only with
an intervention), ``events`` and ``claims`` with their citations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from parley.experiments.ensemble import Ensemble
from parley.record import dates
from parley.record.query import RecordTables
from parley.report import figures

__all__ = ["SECTIONS", "ReportInputs", "render"]

SECTIONS = (
    "summary", "relation", "timeline", "positions", "outcomes", "validation",
    "counterfactual", "events", "claims",
)  # fmt: skip

_STYLE = """
body { font: 15px/1.45 Georgia, 'Times New Roman', serif; color: #222; max-width: 62rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; }
.meta { color: #555; } figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.4rem; text-align: left;
         vertical-align: top; }
th { background: #f3f1ec; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.contested { font-weight: bold; color: #8b2f1f; } code { font-size: 0.85em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  section, figure, tr { break-inside: avoid; } h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report shows, computed before rendering."""

    ensemble: Ensemble
    summary: dict[str, Any]
    scores: dict[str, Any] | None
    record: RecordTables | None
    record_index: dict[int, float] | None
    external: dict[int, float] | None = None
    intervention: Ensemble | None = None
    overrides: Sequence[str] = ()
    differences: Sequence[dict[str, Any]] = ()


def _table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
            css = ' class="num"' if column in numeric else ""
            cells.append(f"<td{css}>{escape(str(text))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section(name: str, title: str, body: str) -> str:
    return f'<section id="{name}"><h2>{escape(title)}</h2>\n{body}\n</section>'


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _citations(passages: Any) -> str:
    """``source[start:end]`` keys as "source, characters start-end"."""
    out = []
    for key in passages:
        source, _, span = key.partition("[")
        start, _, end = span.rstrip("]").partition(":")
        out.append(f"{source}, characters {start}-{end}")
    return "; ".join(out)


def render(inputs: ReportInputs) -> str:
    """The report as one HTML document."""
    ensemble, summary = inputs.ensemble, inputs.summary
    scenario = ensemble.scenario
    parts = [
        _section("summary", "What this report holds", _summary(inputs)),
        _section(
            "relation",
            "The model's yearly index"
            + ("" if inputs.record_index is None else " against the record's"),
            _figure(
                figures.relation_figure(
                    [("model", ensemble)], inputs.record_index, inputs.external
                ),
                "The model's yearly index, the net Goldstein value of the events its runs draw "
                "(median of the runs, with the band holding 90% of them)"
                + (
                    "."
                    if inputs.record_index is None
                    else ", against the record's yearly index, the same measure made from "
                    "the record's events."
                ),
            ),
        ),
        _section("timeline", "The record's timeline", _timeline(inputs)),
        _section(
            "positions", "Issue positions over time",
            _figure(
                figures.positions_figure(ensemble),
                "Each government's median position (0-100) on each issue, step by step.",
            ),
        ),
        _section("outcomes", "Negotiation outcomes", _outcomes(inputs)),
        _section("validation", "Validation against the record", _validation(inputs)),
    ]  # fmt: skip
    if inputs.intervention is not None:
        parts.append(_section("counterfactual", "The counterfactual", _counterfactual(inputs)))
    parts.append(_section("events", "Every event, with its citation", _events(inputs)))
    parts.append(_section("claims", "Where the sources disagree", _claims(inputs)))
    title = f"parley report: {scenario.title}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>{escape(scenario.title)}</h1>\n"
        f'<p class="meta">{summary["runs"]} runs, seed {summary["seed"]}, scenario '
        f"<code>{escape(scenario.name)}</code>; made by parley.</p>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


_NO_RECORD = "<p>This scenario names no record, so the model is shown alone.</p>"


def _timeline(inputs: ReportInputs) -> str:
    if inputs.record is None:
        return _NO_RECORD
    return _figure(
        figures.timeline_figure(inputs.record.events),
        "Each event of the scenario's record at its Goldstein value "
        "(cooperation above 0, conflict below). Events the sources date only approximately "
        "are drawn as the range of dates they allow; a ring marks an event whose account the "
        "sources dispute.",
    )


def _summary(inputs: ReportInputs) -> str:
    clash = inputs.summary["first_clash"]
    lines = [
        f"<p>{escape(inputs.ensemble.scenario.description)}</p>",
        "<ul>",
        f"<li>First armed clash: in {clash['probability']:.0%} of runs"
        + (f", most likely in {clash['most_likely_year']}" if "most_likely_year" in clash else "")
        + ".</li>",
    ]
    for item in inputs.summary["agreements"]:
        lines.append(
            f"<li>{escape(item['issue'])} settled in {item['probability']:.0%} of runs"
            + (f", most likely in {item['most_likely_year']}" if "most_likely_year" in item else "")
            + ".</li>"
        )
    lines.append("</ul>")
    if inputs.overrides:
        changes = ", ".join(f"<code>{escape(o)}</code>" for o in inputs.overrides)
        lines.append(f"<p>The counterfactual below changes: {changes}.</p>")
    return "\n".join(lines)


def _outcomes(inputs: ReportInputs) -> str:
    rows = pd.DataFrame(
        [
            {
                "issue": item["issue"],
                "settled": f"{item['probability']:.0%}",
                "most likely": item.get("most_likely_year", ""),
                "5-95%": (
                    f"{item['p05_year']:.0f}-{item['p95_year']:.0f}" if "p05_year" in item else ""
                ),
            }
            for item in inputs.summary["agreements"]
        ]
    )  # fmt: skip
    caption = "The year each issue on a talks agenda settles, as a share of runs."
    return _figure(figures.outcomes_figure(inputs.ensemble), caption) + _table(rows)


def _validation(inputs: ReportInputs) -> str:
    from parley.scoring.record import score_rows

    if inputs.scores is None:
        return _NO_RECORD
    scores = inputs.scores
    parts = (
        [_NO_RECORD]
        if scores["record"] is None
        else _record_scores(scores["record"], scores["calibrate_until"])
    )
    if "external" in scores and score_rows(scores["external"]):
        parts.append(
            f"<p>{escape(_in_words(scores['external'], scores['calibrate_until'], 'your'))}</p>"
        )
    return "\n".join(parts)


def _record_scores(record: dict[str, Any], cut: int) -> list[str]:
    """The scores against the record, in words and tables."""
    from parley.scoring.record import SCORE_NAMES, score_rows

    parts = [f"<p>{escape(_in_words(record, cut))}</p>"]
    rows = score_rows(record)
    if rows:
        first = rows[0]["score"]
        frame = pd.DataFrame(
            [
                {"era": f"{row['span']} ({row['years']} years)" if row["score"] == first else "",
                 "score": SCORE_NAMES[row["score"]],
                 "model": _cell(row["model"]),
                 **{name: _cell(value) for name, value in row["others"].items()},
                 "model beats": f"{row['beats']} of {row['rivals']}"}
                for row in rows
            ]
        )  # fmt: skip
        numeric = [column for column in frame.columns if column not in ("era", "score")]
        parts.append(_table(frame, numeric=numeric))
        relation = record["relation"]
        parts.append(
            f"<p>The model's yearly median relation index R, on its own scale, against the "
            f"record's index: Spearman {_words(relation['spearman'])}, sign agreement "
            f"{_words(relation['sign_agreement'])} over {relation['years']} years.</p>"
        )
    outcomes = pd.DataFrame(
        [
            {"outcome": o["name"], "record": o["observed"],
             "sample": "in" if o["in_sample"] else "out",
             "by the end in the runs": f"{o['probability_by_end']:.0%}",
             "most likely": o["mode_year"], "Brier": _round(o["brier"]), "CRPS": _round(o["crps"]),
             **{f"placebo {k} CRPS": _round(p["outcomes"][n]["crps"])
                for k, p in record["placebo"].items()}}
            for n, o in enumerate(record["outcomes"])
        ]
    )  # fmt: skip
    if len(outcomes):
        parts.append(
            "<p>The year of each dated outcome: the Brier score runs from 0 (certain and "
            "right) to 2 (certain and wrong); the CRPS is in years, and counts a run in "
            "which the outcome never happens at the year after the period.</p>"
        )
        numeric = [c for c in outcomes.columns if c == "Brier" or c.endswith("CRPS")]
        parts.append(_table(outcomes, numeric=numeric))
    for label, placebo in record["placebo"].items():
        if placebo["skipped"]:
            parts.append(f"<p>The placebo {escape(label)} was not run: "
                         f"{escape(placebo['skipped'])}.</p>")  # fmt: skip
    return parts


def _in_words(scores: dict[str, Any], cut: int, whose: str = "the record's") -> str:
    """The whole period's scores, the baselines' and the placebos', in sentences."""
    from parley.scoring.record import beats

    if not scores["years"]:
        return (
            f"No year of {whose} yearly index falls in this scenario's period, so only its "
            "dated outcomes are scored, beside the placebo's."
        )
    naive = scores["baselines"]
    placebo = {k: v for k, v in scores["placebo"].items() if not v.get("skipped")}
    won = [beats(scores, other) for other in naive.values()]
    text = (
        f"Over {scores['from']}-{scores['to']} ({scores['years']} years), the model's yearly "
        "index (net Goldstein per year from its events, the record's own measure) has a "
        f"Spearman correlation of {_words(scores['spearman'])} with {whose} index, a Pearson "
        f"correlation of {_words(scores['pearson'])} and a mean CRPS of "
        f"{_words(scores['crps'])}. Forecasts that need no model, made from {whose} index "
        f"at the end of {cut}, score (Spearman, CRPS): "
        + "; ".join(
            f"{name} {_words(other['spearman'])}, {_words(other['crps'])}"
            for name, other in naive.items()
        )
        + f". The model beats {sum(bool(w['spearman']) for w in won)} of these "
        f"{len(won)} on Spearman (an undefined correlation counts as 0) and "
        f"{sum(bool(w['crps']) for w in won)} on CRPS."
    )
    if placebo:
        shifted = "; ".join(
            f"{int(label):+d} years: {_words(other['spearman'])}, {_words(other['crps'])}"
            for label, other in placebo.items()
        )
        held = all(beats(scores, other)["spearman"] for other in placebo.values())
        text += f" With every shock moved (placebo, Spearman and CRPS): {shifted}. " + (
            "Every placebo ranks the years worse than the model: the shocks' timing "
            "carries part of its score."
            if held
            else "A placebo ranks the years at least as well as the model: its Spearman "
            "score does not rest on when its shocks happen."
        )
    return text


def _cell(value: float | None) -> float | str:
    return "n/a" if value is None else round(value, 3)


def _words(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"


def _counterfactual(inputs: ReportInputs) -> str:
    assert inputs.intervention is not None
    svg = figures.relation_figure(
        [("baseline", inputs.ensemble), ("intervention", inputs.intervention)]
    )
    frame = pd.DataFrame(inputs.differences)
    if not frame.empty:
        frame["ci95"] = frame["ci95"].map(lambda pair: f"{pair[0]:+.3f} to {pair[1]:+.3f}")
    return _figure(svg, "Baseline and intervention on the same seeds.") + _table(
        frame, numeric=("baseline", "intervention", "difference")
    )


def _events(inputs: ReportInputs) -> str:
    if inputs.record is None:
        return _NO_RECORD
    events = inputs.record.events
    rows = pd.DataFrame(
        {
            "when": [dates.describe(str(d)) for d in events["date"]],
            "what": events["summary"],
            "CAMEO": events["cameo"].fillna(""),
            "Goldstein": events["goldstein"],
            "contested": events["claim"].fillna(""),
            "cited": [_citations(p) for p in events["passages"]],
        }
    )
    return _table(rows, numeric=("Goldstein",))


def _claims(inputs: ReportInputs) -> str:
    if inputs.record is None:
        return _NO_RECORD
    claims = inputs.record.claims
    if claims.empty:
        return "<p>The record's sources disagree on nothing.</p>"
    parts = []
    for claim, rows in claims.groupby("claim", sort=False):
        question = escape(str(rows["question"].iloc[0]))
        items = "".join(
            f"<li>{escape(str(r.statement))} <em>Held by {escape(str(r.held_by))}.</em> "
            f"Cited: {escape(_citations(r.passages))}.</li>"
            for r in rows.itertuples()
        )
        parts.append(
            f'<h3 class="contested" id="{escape(str(claim))}">{question}</h3><ul>{items}</ul>'
        )
    return "\n".join(parts)


def _round(value: Any) -> Any:
    return None if value is None else round(float(value), 3)
