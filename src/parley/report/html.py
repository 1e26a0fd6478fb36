"""The self-contained HTML report: one file, no scripts, no network, readable on paper.

It opens with the story of the scenario's record, period by period, and what the model
draws for each (``story``); then the verdict on the model in words (``words``), the
figures, the scores in full, every event and claim with its citations, and the list of
sources that every citation links to (``citations``). Its sections, in order (each a
``<section id=...>``): ``story``, ``verdict``, ``relation``, ``timeline``,
``positions``, ``outcomes``, ``validation``, ``counterfactual`` (only with an
intervention), ``events``, ``claims`` and ``sources``. Everything a reader sees is named
by its name, never by its id (``names``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import first_clash_years, settlement_years
from parley.record import dates
from parley.record.query import RecordTables
from parley.report import figures, story, words
from parley.report.citations import cite, sources_list
from parley.report.names import issue_name, listing, metric_name, outcome_name

__all__ = ["SECTIONS", "ReportInputs", "render"]

SECTIONS = (
    "story", "verdict", "relation", "timeline", "positions", "outcomes", "validation",
    "counterfactual", "events", "claims", "sources",
)  # fmt: skip

_TITLES = {
    "story": "The story of the record",
    "verdict": "How well the model does",
    "relation": "The relation year by year: the model against the record",
    "timeline": "The record's timeline",
    "positions": "Positions on each issue",
    "outcomes": "Clashes and agreements in the runs",
    "validation": "The scores in full",
    "counterfactual": "The counterfactual",
    "events": "Every event, with its citations",
    "claims": "Where the sources disagree",
    "sources": "Sources",
}

_STYLE = """
body { font: 16px/1.5 Georgia, 'Times New Roman', serif; color: #222; max-width: 62rem;
       margin: 2rem auto; padding: 0 1rem; overflow-wrap: break-word; }
h1 { font-size: 1.7rem; line-height: 1.25; margin-bottom: 0.2rem; }
h2 { margin-top: 2.4rem; line-height: 1.25; } h3 { margin: 1.6rem 0 0.4rem; line-height: 1.3; }
.meta, figcaption, nav { color: #555; font-size: 0.9rem; }
nav ol { columns: 2 14rem; padding-left: 1.4rem; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; display: block; }
.swipe { display: none; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr));
          gap: 1.2rem 1.6rem; }
.panels figure { margin: 0; display: flex; flex-direction: column; }
.panels figcaption { margin-bottom: 0.3rem; } .panels svg { margin-top: auto; }
.panels figcaption strong { color: #222; display: block; }
.legend span { display: inline-block; margin-right: 1.2rem; }
.swatch { display: inline-block; width: 1.4rem; height: 0.3rem; vertical-align: middle;
          margin-right: 0.35rem; }
.main-events { padding-left: 1.2rem; } .main-events li { margin: 0.25rem 0; }
.when { font-weight: bold; } .model { border-left: 3px solid #1f5f8b; padding-left: 0.7rem; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.4rem; text-align: left;
         vertical-align: top; }
th { background: #f3f1ec; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.contested { font-weight: bold; color: #8b2f1f; } code { font-size: 0.85em; }
a.cite { color: #1f4f7b; } .sources li { margin-bottom: 0.6rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; margin: 1rem auto; }
  .wide > svg { min-width: 40rem; } .swipe { display: inline; }
}
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; } nav { display: none; }
  section, figure, tr { break-inside: avoid; } h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

_NO_RECORD = "<p>This scenario names no record, so the model is shown alone.</p>"


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


def _table(frame: pd.DataFrame, numeric: Sequence[str] = (), html: Sequence[str] = ()) -> str:
    """A table; the columns in ``html`` hold markup already escaped."""
    head = "".join(f"<th>{escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
            css = ' class="num"' if column in numeric else ""
            shown = str(text) if column in html else escape(str(text))
            cells.append(f"<td{css}>{shown}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def _section(name: str, body: str, title: str | None = None) -> str:
    return f'<section id="{name}"><h2>{escape(title or _TITLES[name])}</h2>\n{body}\n</section>'


def _figure(svg: str, caption: str) -> str:
    """A wide figure: on a narrow screen it keeps a legible size and scrolls sideways."""
    swipe = '<span class="swipe"> (Swipe sideways to see the whole figure.)</span>'
    return (
        f'<figure><div class="wide">{svg}</div><figcaption>{caption}{swipe}</figcaption></figure>'
    )


def _periods(inputs: ReportInputs) -> list[figures.Span]:
    if inputs.record is None or not inputs.record.record.info.periods:
        return []
    years = story.report_years(inputs.ensemble)
    return [(c.start, c.end, c.name) for c in story.chapters(inputs.record, years)]


def render(inputs: ReportInputs) -> str:
    """The report as one HTML document."""
    ensemble, summary = inputs.ensemble, inputs.summary
    scenario = ensemble.scenario
    has_record = inputs.record is not None
    sections = {
        "story": _story(inputs),
        "verdict": _verdict(inputs),
        "relation": _relation(inputs),
        "timeline": _timeline(inputs),
        "positions": _positions(inputs),
        "outcomes": _outcomes(inputs),
        "validation": _validation(inputs),
        "counterfactual": None if inputs.intervention is None else _counterfactual(inputs),
        "events": _events(inputs) if has_record else _NO_RECORD,
        "claims": _claims(inputs) if has_record else _NO_RECORD,
    }
    titles = _TITLES if has_record else dict(_TITLES, relation="The model's yearly index")
    parts = [
        _section(name, body, titles[name]) for name, body in sections.items() if body is not None
    ]
    body = "\n".join(parts)
    sources = _NO_RECORD if inputs.record is None else sources_list(inputs.record, body)
    parts.append(_section("sources", sources))
    contents = "".join(
        f'<li><a href="#{name}">{escape(titles[name])}</a></li>'
        for name in SECTIONS
        if name == "sources" or sections.get(name) is not None
    )
    title = f"parley report: {scenario.title}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>{escape(scenario.title)}</h1>\n"
        f'<p class="meta">{summary["runs"]} runs of the model, seed {summary["seed"]}; '
        f"made by parley.</p>\n"
        f'<nav aria-label="Contents"><ol>{contents}</ol></nav>\n'
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def _story(inputs: ReportInputs) -> str:
    if inputs.record is None:
        return (
            "<p>This scenario names no record, so the report has no story to tell: it "
            "shows the model alone.</p>"
        )
    cut = inputs.scores["calibrate_until"] if inputs.scores else 0
    return story.story(inputs.ensemble, inputs.record, inputs.record_index, cut)


def _verdict(inputs: ReportInputs) -> str:
    scenario = inputs.ensemble.scenario
    parts = [f"<p>The scenario: {escape(scenario.description)}</p>"]
    scores = inputs.scores
    if scores is not None and scores["record"] is not None:
        parts.append(words.overall(scores["record"], scores["calibrate_until"]))
        parts.append(words.outcomes_in_words(scores["record"]["outcomes"], scenario))
    elif scores is None or "external" not in scores:
        parts.append(_NO_RECORD)
    if scores is not None and "external" in scores:
        parts.append(
            "<p>Against your own yearly index, on its own scale:</p>"
            + words.overall(
                scores["external"], scores["calibrate_until"], "your index", "your index"
            )
        )
    if inputs.overrides:
        changes = ", ".join(f"<code>{escape(o)}</code>" for o in inputs.overrides)
        parts.append(f"<p>The counterfactual at the end changes: {changes}.</p>")
    return "\n".join(parts)


def _relation(inputs: ReportInputs) -> str:
    svg = figures.relation_figure(
        [("the model", inputs.ensemble)], inputs.record_index, inputs.external, _periods(inputs)
    )
    caption = (
        "The model's yearly index, the net Goldstein value of the events its runs draw: the "
        "median run, with the band that holds 90% of the runs"
        + (
            "."
            if inputs.record_index is None
            else ", and the record's yearly index, the same measure made from the record's "
            "events, on the same axis. At 0 a year's cooperation and conflict balance."
        )
        + (" Your own index, on its own scale, is in the panel below." if inputs.external else "")
    )
    return _figure(svg, caption)


def _timeline(inputs: ReportInputs) -> str:
    if inputs.record is None:
        return _NO_RECORD
    years = story.report_years(inputs.ensemble)
    told = story.chapters(inputs.record, years)
    events = pd.concat([c.events for c in told]) if told else inputs.record.events.iloc[:0]
    labelled = [
        key
        for chapter in told
        for key in story.main_events(chapter.events)
        .assign(weight=lambda f: f["goldstein"].abs())
        .sort_values("weight", ascending=False)["id"]
    ]
    svg = figures.timeline_figure(events, years, labelled, _periods(inputs))
    caption = (
        f"The record's {len(events)} events of {years[0]}-{years[1]} at their Goldstein value "
        "(cooperation above 0, conflict below). An event the sources date only to a range is "
        "drawn as that range; a ring marks an event whose account the sources dispute. The "
        "events named are each period's main events, as the story above gives them, where "
        "there is room for their names."
    )
    return _figure(svg, caption)


def _positions(inputs: ReportInputs) -> str:
    ensemble = inputs.ensemble
    scenario = ensemble.scenario
    specs = {spec.id: spec for spec in scenario.issues}
    legend = "".join(
        f'<span><span class="swatch" style="background:{colour}"></span>{escape(name)}</span>'
        for name, colour in figures.state_colours(ensemble)
    )
    panels = []
    for n, issue in enumerate(ensemble.inputs.issues):
        svg, together = figures.position_figure(ensemble, n)
        spec = specs[issue]
        note = "".join(
            f" The lines of {escape(listing(group))} lie on each other." for group in together
        )
        panels.append(
            f"<figure><figcaption><strong>{escape(spec.name)}</strong>"
            f"0: {escape(spec.zero)}. 100: {escape(spec.hundred)}.{note}</figcaption>"
            f"{svg}</figure>"
        )
    return (
        "<p>Each government's position on each issue, from 0 to 100, in the median run, "
        "step by step. What 0 and 100 mean is written above each panel. Where two lines "
        "lie on each other, the wider one is beneath.</p>"
        f'<p class="legend meta">{legend}</p><div class="panels">{"".join(panels)}</div>'
    )


def _happened(values: np.ndarray[Any, Any], runs: int) -> str:
    happened = values[values > 0]
    text = f"in {happened.size / runs:.0%} of runs"
    if happened.size:
        years, counts = np.unique(happened, return_counts=True)
        text += f", most often in {int(years[counts.argmax()])}"  # the earliest of equals
    return text


def _outcomes(inputs: ReportInputs) -> str:
    ensemble = inputs.ensemble
    scenario = ensemble.scenario
    years = story.report_years(ensemble)
    runs = int(ensemble.outputs.relation.shape[0])
    clash = first_clash_years(ensemble)
    panels = [
        f"<figure><figcaption><strong>The first deadly clash</strong>{_happened(clash, runs)}"
        f".</figcaption>{figures.distribution_figure(clash, years) if (clash > 0).any() else ''}"
        "</figure>"
    ]
    never = []
    for item in inputs.summary["agreements"]:
        name = issue_name(scenario, item["issue"])
        settled = settlement_years(ensemble, item["issue"])
        if not (settled > 0).any():
            never.append(escape(name))
            continue
        panels.append(
            f"<figure><figcaption><strong>{escape(name)}</strong>settled "
            f"{_happened(settled, runs)}.</figcaption>"
            f"{figures.distribution_figure(settled, years)}</figure>"
        )
    text = (
        "<p>The year of the first deadly clash, and the year each issue on a talks agenda "
        "settles, as the share of runs in which it happens that year.</p>"
        f'<div class="panels">{"".join(panels)}</div>'
    )
    if never:
        text += f"<p>No run settles: {'; '.join(never)}.</p>"
    return text


def _validation(inputs: ReportInputs) -> str:
    from parley.scoring.record import score_rows

    if inputs.scores is None:
        return _NO_RECORD
    scores = inputs.scores
    parts = [_NO_RECORD] if scores["record"] is None else _record_scores(scores["record"], inputs)
    if "external" in scores and score_rows(scores["external"]):
        parts.append("<p>Against your index:</p>" + _score_table(scores["external"]))
    return "\n".join(parts)


def _score_table(scores: dict[str, Any]) -> str:
    from parley.scoring.record import SCORE_NAMES, score_rows

    rows = score_rows(scores)
    if not rows:
        return ""
    first = rows[0]["score"]
    frame = pd.DataFrame(
        [
            {"years": f"{row['span']} ({row['years']} years)" if row["score"] == first else "",
             "score": SCORE_NAMES[row["score"]],
             "model": _cell(row["model"]),
             **{name: _cell(value) for name, value in row["others"].items()},
             "model beats": f"{row['beats']} of {row['rivals']}"}
            for row in rows
        ]
    )  # fmt: skip
    numeric = [column for column in frame.columns if column not in ("years", "score")]
    return _table(frame, numeric=numeric)


def _record_scores(record: dict[str, Any], inputs: ReportInputs) -> list[str]:
    """The scores against the record, in tables."""
    scenario = inputs.ensemble.scenario
    parts = [
        "<p>Every score of the model's yearly index beside the forecasts that need no model "
        "and the placebos, over the whole period, each era, and in and out of sample. "
        "Spearman, Pearson and sign agreement: higher is better; CRPS: lower is better.</p>",
        _score_table(record),
    ]
    relation = record["relation"]
    if relation["years"]:
        parts.append(
            "<p>The model's relation index R, on its own scale, ranked against the record's "
            f"index: Spearman {_words(relation['spearman'])}, sign agreement "
            f"{_words(relation['sign_agreement'])} over {relation['years']} years.</p>"
        )
    events = (
        {}
        if inputs.record is None
        else dict(zip(inputs.record.events["id"], inputs.record.events["headline"], strict=True))
    )
    outcomes = pd.DataFrame(
        [
            {"outcome": outcome_name(scenario, scenario.scoring.outcomes[n]),
             "in the record": f"{o['observed']} ({events.get(o['record_event'], '')})",
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


def _cell(value: float | None) -> float | str:
    return "n/a" if value is None else round(value, 3)


def _words(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"


def _round(value: Any) -> Any:
    return None if value is None else round(float(value), 3)


def _counterfactual(inputs: ReportInputs) -> str:
    assert inputs.intervention is not None
    scenario = inputs.ensemble.scenario
    svg = figures.relation_figure(
        [("baseline", inputs.ensemble), ("intervention", inputs.intervention)]
    )
    frame = pd.DataFrame(inputs.differences)
    if not frame.empty:
        frame["metric"] = [metric_name(scenario, m) for m in frame["metric"]]
        frame["ci95"] = frame["ci95"].map(lambda pair: f"{pair[0]:+.3f} to {pair[1]:+.3f}")
        frame = frame.rename(columns={"ci95": "95% interval of the difference"})
    caption = (
        "The model's yearly index without the change (baseline) and with it (intervention), "
        "on the same seeds. Below, each measure with and without the change, and their "
        "paired difference; a relation index R is on the model's own scale, a share of runs "
        "from 0 to 1."
    )
    return _figure(svg, caption) + _table(frame, numeric=("baseline", "intervention", "difference"))


def _events(inputs: ReportInputs) -> str:
    assert inputs.record is not None
    record = inputs.record
    events = record.events
    questions = {claim.id: claim.question for claim in record.record.claims}
    rows = pd.DataFrame(
        {
            "when": [escape(dates.describe(str(d))) for d in events["date"]],
            "what": [escape(s) for s in events["summary"]],
            "CAMEO": events["cameo"].fillna(""),
            "Goldstein": events["goldstein"],
            "contested": [
                f'<a class="contested" href="#claim-{escape(c)}">{escape(questions[c])}</a>'
                if isinstance(c, str)
                else ""
                for c in events["claim"]
            ],
            "cited": [cite(p, record) for p in events["passages"]],
        }
    )
    return _table(rows, numeric=("Goldstein",), html=("when", "what", "contested", "cited"))


def _claims(inputs: ReportInputs) -> str:
    assert inputs.record is not None
    record = inputs.record
    claims = record.claims
    if claims.empty:
        return "<p>The record's sources disagree on nothing.</p>"
    parts = []
    for claim, alternatives in claims.groupby("claim", sort=False):
        question = escape(str(alternatives["question"].iloc[0]))
        rows: Any = alternatives.itertuples()
        items = "".join(
            f"<li>{escape(str(r.statement))} <em>Held by: {escape(str(r.held_by))}.</em> "
            f"Cited: {cite(r.passages, record)}.</li>"
            for r in rows
        )
        parts.append(
            f'<h3 class="contested" id="claim-{escape(str(claim))}">{question}</h3><ul>{items}</ul>'
        )
    return "\n".join(parts)
