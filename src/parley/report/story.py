"""The story a report opens with, written from the record's events, period by period.

Nothing here is history written by hand. The periods are the record's own
(``periods`` in its ``record.yaml``: a name and years, nothing more); a record without
them is told as one stretch. An event belongs to the period in which the middle of its
dates falls, so that "1950 to 1959" counts once, in the middle of the decade. Each
period's paragraph is made from its events: how many, of what kind, who acts in them, the
record's index over its years, the events of largest Goldstein value (cooperative or
hostile) in the record's own summaries with their dates in words and their citations, and
the contested ones. Then it says what the model draws for those years, and how well,
beside the forecasts that need no model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from parley.experiments.ensemble import Ensemble
from parley.experiments.summary import yearly_model_index
from parley.record import dates
from parley.record.query import RecordTables
from parley.report.citations import cite
from parley.report.names import listing, state_name
from parley.report.words import BASELINE_WORDS
from parley.scenario.load import full_years
from parley.scoring.baselines import BASELINES, baselines
from parley.scoring.record import span_scores

__all__ = ["Chapter", "chapters", "main_events", "middle_years", "report_years", "story"]


def main_count(events: int) -> int:
    """How many events of largest Goldstein value a period's account names: 3, 4 for a
    period of more than 12 events, 5 for one of more than 20."""
    return 3 + (events > 12) + (events > 20)


@dataclass(frozen=True)
class Chapter:
    """A period of the record, cut to the report's years, with its events."""

    id: str
    name: str
    start: int
    end: int
    events: pd.DataFrame  # the record's events table, its rows of this period

    @property
    def years(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


def report_years(ensemble: Ensemble) -> tuple[int, int]:
    """The calendar years the scenario's period touches."""
    scenario = ensemble.scenario
    return dates.bounds(scenario.start)[0].year, dates.bounds(scenario.end)[1].year


def middle_years(events: pd.DataFrame) -> pd.Series:
    """The year in which the middle of each event's dates falls."""
    starts = pd.to_datetime(events["start"])
    ends = pd.to_datetime(events["end"])
    return (starts + (ends - starts) / 2).dt.year


def chapters(record: RecordTables, years: tuple[int, int]) -> list[Chapter]:
    """The record's periods that overlap ``years``, cut to them, each with its events; one
    chapter over ``years`` for a record that names no periods."""
    first, last = years
    middle = middle_years(record.events) if len(record.events) else pd.Series(dtype=int)
    periods = record.record.info.periods
    spans = (
        [(p.id, p.name, max(p.start, first), min(p.end, last)) for p in periods]
        if periods
        else [("record", "The record", first, last)]
    )
    return [
        Chapter(key, name, start, end, record.events[(middle >= start) & (middle <= end)])
        for key, name, start, end in spans
        if start <= end
    ]


def _left_out(record: RecordTables, years: tuple[int, int]) -> str:
    """A sentence naming the record's periods outside the report's years, if any."""
    outside = [p for p in record.record.info.periods if p.end < years[0] or p.start > years[1]]
    if not outside:
        return ""
    middle = middle_years(record.events)
    told = "; ".join(
        f"{escape(p.name)} ({p.start}-{p.end}, "
        f"{_count(int(((middle >= p.start) & (middle <= p.end)).sum()), 'event')})"
        for p in outside
    )
    return (
        f"<p>The record goes on beyond this scenario's years ({years[0]}-{years[1]}), "
        f"which this report leaves out: {told}.</p>"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "&minus;")


def _kinds(events: pd.DataFrame) -> str:
    """How many events of cooperation, of conflict, of value 0, and with no value."""
    goldstein = events["goldstein"]
    parts = [
        f"{n} {what}"
        for n, what in (
            (int((goldstein > 0).sum()), "of cooperation"),
            (int((goldstein < 0).sum()), "of conflict"),
            (int((goldstein == 0).sum()), "with a Goldstein value of 0"),
        )
        if n
    ]
    uncoded = int(goldstein.isna().sum())
    if uncoded:
        parts.append(f"{_count(uncoded, 'development')} with no Goldstein value")
    return listing(parts)


def _actors(events: pd.DataFrame, record: RecordTables) -> str:
    names = dict(zip(record.actors["id"], record.actors["name"], strict=True))
    counts = Counter(
        actor
        for pair in zip(events["source_actor"], events["target_actor"], strict=True)
        for actor in pair
        if isinstance(actor, str)
    )
    top = [f"{escape(names[a])} ({n})" for a, n in counts.most_common(3)]
    return f"The actors it names most often, with their number of events: {listing(top)}."


def main_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events of largest |Goldstein|, the most precisely dated first among equals,
    in date order."""
    coded = events[events["goldstein"].notna()].assign(
        weight=lambda f: f["goldstein"].abs(),
        width=lambda f: pd.to_datetime(f["end"]) - pd.to_datetime(f["start"]),
    )
    top = coded.sort_values(["weight", "width", "start"], ascending=[False, True, True])
    return top.head(main_count(len(events))).sort_values(["start", "end"])


def _event_item(row: Any, record: RecordTables, questions: Mapping[str, str]) -> str:
    when = escape(dates.describe(str(row.date)))
    value = (
        "no Goldstein value" if pd.isna(row.goldstein) else f"Goldstein {_signed(row.goldstein)}"
    )
    contested = (
        f' <a class="contested" href="#claim-{escape(row.claim)}">Contested: '
        f"{escape(questions[row.claim])}</a>"
        if isinstance(row.claim, str)
        else ""
    )
    return (
        f'<li><span class="when">{when}</span> {escape(row.summary)} '
        f'<span class="meta">({value}; {cite(row.passages, record)})</span>{contested}</li>'
    )


def _record_paragraph(
    chapter: Chapter,
    record: RecordTables,
    index: Mapping[int, float],
) -> str:
    events = chapter.events
    if events.empty:
        return "<p>The record dates no event to these years.</p>"
    text = [
        f"The record dates {_count(len(events), 'event')} to these years: {_kinds(events)}.",
        _actors(events, record),
    ]
    years = [y for y in range(chapter.start, chapter.end + 1) if y in index]
    if years:
        values = np.array([index[y] for y in years])
        low, high = years[int(values.argmin())], years[int(values.argmax())]
        if len(years) == 1:
            text.append(f"The record's index is {_signed(float(values[0]))}.")
        elif np.ptp(values) < 0.05:
            text.append(f"The record's index is {_signed(float(values[0]))} every year.")
        else:
            text.append(
                f"The record's index averages {_signed(float(values.mean()))} a year, from "
                f"{_signed(float(values.min()))} in {low} to {_signed(float(values.max()))} "
                f"in {high}."
            )
    claims = sorted({c for c in events["claim"] if isinstance(c, str)})
    if claims:
        text.append(
            f"The sources disagree about {_count(len(claims), 'question')} among these events."
        )
    return f"<p>{' '.join(text)}</p>"


def _developments(events: pd.DataFrame, record: RecordTables) -> str:
    """The record's developments with no Goldstein value (a death, a launch, an end)."""
    uncoded = events[events["goldstein"].isna()].sort_values(["start", "end"])
    if uncoded.empty:
        return ""
    rows: Any = uncoded.itertuples()
    items = "; ".join(
        f"{escape(dates.describe(str(r.date)))}: {escape(r.summary)} "
        f'<span class="meta">({cite(r.passages, record)})</span>'
        for r in rows
    )
    return f"<p>Developments with no Goldstein value in these years: {items}</p>"


@dataclass(frozen=True)
class _Scoring:
    """What the model's per-period sentences need: its runs, the record's index, the
    forecasts that need no model, and the cut between in and out of sample."""

    model: Mapping[int, np.ndarray[Any, Any]]
    index: Mapping[int, float]
    naive: Mapping[str, Mapping[int, float]]
    scored: tuple[int, int]
    cut: int


def _scoring(ensemble: Ensemble, index: Mapping[int, float], cut: int) -> _Scoring:
    scored = full_years(ensemble.scenario)
    years = [y for y in range(scored[0], scored[1] + 1) if y in index]
    return _Scoring(yearly_model_index(ensemble), index, baselines(index, years, cut), scored, cut)


def _model_paragraph(chapter: Chapter, scoring: _Scoring) -> str:
    first, last = max(chapter.start, scoring.scored[0]), min(chapter.end, scoring.scored[1])
    years = [y for y in range(first, last + 1) if y in scoring.model and y in scoring.index]
    if not years:
        why = (
            "they do not lie wholly inside the scenario's period"
            if last < first
            else "the model's index and the record's have no year in common here"
        )
        return f'<p class="model">The model is not scored on these years: {why}.</p>'
    runs = np.stack([scoring.model[y] for y in years]).mean(axis=0)  # each run's average
    median = float(np.median(runs))
    low, high = (float(q) for q in np.quantile(runs, [0.05, 0.95]))
    truth = float(np.mean([scoring.index[y] for y in years]))
    inside = low <= truth <= high
    where = "more cooperative" if median > truth else "more hostile"
    text = [
        f"The model's index averages {_signed(median)} a year here (the median of its runs; "
        f"90% of them average between {_signed(low)} and {_signed(high)}), against the record's "
        f"{_signed(truth)}, which "
        + (
            "lies inside that range: the model draws these years about as the record does."
            if inside
            else f"lies outside it: the model draws these years {where} than the record."
        )
    ]
    span = (years[0], years[-1])
    model = span_scores(scoring.model, scoring.index, span)
    rivals = {
        name: span_scores(
            {y: np.array([v]) for y, v in scoring.naive[name].items()}, scoring.index, span
        )["crps"]
        for name in BASELINES
    }
    shown = [
        f"{BASELINE_WORDS[name]} {value:.1f}" for name, value in rivals.items() if value is not None
    ]
    better = [BASELINE_WORDS[n] for n, v in rivals.items() if v is not None and v < model["crps"]]
    if shown and model["crps"] is not None:
        verdict = (
            "none of them does better than the model here"
            if not better
            else f"{listing(better)} {'does' if len(better) == 1 else 'do'} better than the "
            "model here"
        )
        text.append(
            f"Its CRPS over {_count(len(years), 'year')} (the runs' typical error in Goldstein "
            f"points a year; lower is better) is {model['crps']:.1f}, beside forecasts that "
            f"need no model: {listing(shown)}; {verdict}."
        )
    if years[0] > scoring.cut:
        text.append(f"These years are out of sample: calibration saw nothing after {scoring.cut}.")
    elif years[-1] > scoring.cut:
        text.append(f"Only the years up to {scoring.cut} are in sample.")
    return f'<p class="model">{" ".join(text)}</p>'


def story(
    ensemble: Ensemble,
    record: RecordTables,
    index: Mapping[int, float] | None,
    cut: int,
) -> str:
    """The story of the scenario's record over the scenario's years, period by period,
    with what the model draws for each; ``index`` is the record's yearly index between
    the scenario's dyad (None when it has none)."""
    scenario = ensemble.scenario
    years = report_years(ensemble)
    dyad = (state_name(scenario, scenario.dyad[0]), state_name(scenario, scenario.dyad[1]))
    told = chapters(record, years)
    questions = {c.id: c.question for c in record.record.claims}
    scoring = None if not index else _scoring(ensemble, index, cut)
    shown = sum(len(c.events) for c in told)
    intro = (
        f"<p>Told from the record <cite>{escape(record.record.info.title)}</cite>: "
        f"{_count(shown, 'event')} of {years[0]}-{years[1]} from "
        f"{_count(len(record.record.sources), 'source')} (listed at the end), "
        + (
            f"in the record's {_count(len(told), 'period')}. "
            if record.record.info.periods
            else "told as one stretch, since the record names no periods. "
        )
        + "Each account is built from the events dated to its years (by the middle of their "
        "dates): how many and of what kind, who acts, the record's yearly index (the net "
        f"Goldstein value of a year's events between {escape(dyad[0])} and "
        f"{escape(dyad[1])}) and the weightiest events, cooperative or hostile, in the "
        "record's own summaries. Then what the model draws for those years, and how well.</p>"
    )
    parts = [intro]
    for chapter in told:
        main = "".join(
            _event_item(r, record, questions) for r in main_events(chapter.events).itertuples()
        )
        parts.append(
            f'<h3 id="period-{escape(chapter.id)}">{escape(chapter.name)}, {chapter.years}</h3>'
            + _record_paragraph(chapter, record, index or {})
            + (f'<ul class="main-events">{main}</ul>' if main else "")
            + _developments(chapter.events, record)
            + ("" if scoring is None else _model_paragraph(chapter, scoring))
        )
    parts.append(_left_out(record, years))
    return "\n".join(part for part in parts if part)
