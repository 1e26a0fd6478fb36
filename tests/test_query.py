"""Queries over the record: events, the index, claims, the timeline."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

import parley
from parley.record import dates
from parley.record.load import load_record
from parley.record.query import record_index, tables

REQUIRED_CSV = [
    "id",
    "date",
    "source_actor",
    "target_actor",
    "cameo",
    "goldstein",
    "issues",
    "passages",
]


def test_load_record_gives_dataframes() -> None:
    data = parley.load_record()
    assert len(data.events) == len(data.record.events) >= 70
    assert {"id", "date", "goldstein", "issues", "passages"} <= set(data.events.columns)
    assert set(data.claims["claim"]) >= {"c-border-first-raised", "c-kosygin-contested-territories"}
    assert data.actors.set_index("id").loc["prc", "cow"] == 710
    assert data.actors.set_index("id").loc["ussr", "cow"] == 365


def test_events_csv_has_the_documented_columns(parley_cli) -> None:
    result = parley_cli("record", "events", "--format", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[: len(REQUIRED_CSV)] == REQUIRED_CSV
    assert len(rows) == len(load_record().events)


def test_events_filters(parley_cli) -> None:
    result = parley_cli("record", "events", "--from", "1969", "--to", "1969", "--format", "json")
    rows = json.loads(result.stdout)
    ids = {row["id"] for row in rows}
    assert "ev-1969-03-zhenbao-clashes" in ids
    assert "ev-1964-soviet-military-buildup" in ids  # 1964/197X overlaps 1969
    assert "ev-1979-talks-suspended" not in ids
    assert {row["claim"] for row in rows if row["id"] == "ev-1969-03-zhenbao-clashes"} == {None}
    for row in rows:
        assert row["start"] <= "1969-12-31"
        assert row["end"] >= "1969-01-01"


def test_actor_filter_includes_those_who_act_for_a_state() -> None:
    frame = parley.api.record_events(actor="prc")
    assert "ev-1949-lean-to-one-side" in set(frame["id"])  # Mao's act
    frame = parley.api.record_events(actor="gorbachev")
    assert set(frame["source_actor"]) == {"gorbachev"}


def test_issue_filter_includes_parts() -> None:
    frame = parley.api.record_events(issue="three-obstacles")
    assert "ev-1979-soviet-invasion-afghanistan" in set(frame["id"])  # issue afghanistan


@pytest.mark.parametrize("bad", [("--actor", "nobody"), ("--issue", "nothing"), ("--to", "19691")])
def test_bad_query_arguments_are_one_line(parley_cli, bad: tuple[str, str]) -> None:
    result = parley_cli("record", "events", *bad)
    assert result.code == 2
    assert len(result.stderr.splitlines()) == 1
    assert bad[0] in result.stderr


def _reference_index(by_year: bool = True) -> dict[str, tuple[float, float]]:
    """A plain loop over events and days: the index the DuckDB query must reproduce."""
    data = tables(load_record())
    dyad = data.record.info.dyad
    assert dyad is not None
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in data.events.itertuples():
        states = {row.source_state, row.target_state}
        if row.goldstein != row.goldstein or states != set(dyad):
            continue
        days = (row.end - row.start).days + 1
        for year in range(row.start.year, row.end.year + 1):
            first = max(row.start, row.start.replace(year=year, month=1, day=1))
            last = min(row.end, row.end.replace(year=year, month=12, day=31))
            share = ((last - first).days + 1) / days
            totals[str(year)][0] += share
            totals[str(year)][1] += share * row.goldstein
    return {k: (v[0], v[1]) for k, v in totals.items()}


def test_index_matches_a_plain_loop_reference() -> None:
    frame = record_index(tables(load_record()), by="year")
    reference = _reference_index()
    assert list(frame.columns) == ["period", "events", "net_goldstein", "mean_goldstein"]
    assert list(frame["period"]) == [str(y) for y in range(1949, 1992)]
    for row in frame.itertuples():
        events, net = reference.get(row.period, (0.0, 0.0))
        assert row.events == pytest.approx(events, abs=1e-3)
        assert row.net_goldstein == pytest.approx(net, abs=1e-3)


def test_index_periods_add_up() -> None:
    data = tables(load_record())
    yearly = record_index(data, by="year")
    for by in ("quarter", "month"):
        finer = record_index(data, by=by)
        assert finer["events"].sum() == pytest.approx(yearly["events"].sum(), abs=1e-2)
        assert finer["net_goldstein"].sum() == pytest.approx(
            yearly["net_goldstein"].sum(), abs=1e-2
        )
    assert record_index(data, by="quarter")["period"].iloc[0] == "1949-Q1"
    assert record_index(data, by="month")["period"].iloc[-1] == "1991-12"


def test_a_range_is_spread_evenly(record_copy: Path) -> None:
    text = (record_copy / "events.yaml").read_text(encoding="utf-8")
    (record_copy / "events.yaml").write_text(
        text.replace("date: 1950/1959", "date: 1982/1985", 1), encoding="utf-8"
    )
    before = record_index(tables(load_record())).set_index("period")
    after = record_index(tables(load_record(record_copy))).set_index("period")
    # The event moved is the Soviet military aid (code 072, +8.3), from 1950/1959 to 1982/1985.
    for year in ("1982", "1983", "1984", "1985"):
        share = (366 if year == "1984" else 365) / 1461  # the year's share of the range's days
        assert after.loc[year, "events"] - before.loc[year, "events"] == pytest.approx(
            share, abs=2e-4
        )
        assert after.loc[year, "net_goldstein"] - before.loc[
            year, "net_goldstein"
        ] == pytest.approx(8.3 * share, abs=1e-3)


def test_claims_json(parley_cli) -> None:
    result = parley_cli("record", "claims", "--format", "json")
    claims = json.loads(result.stdout)
    by_id = {claim["id"]: claim for claim in claims}
    assert {"c-border-first-raised", "c-kosygin-contested-territories"} <= set(by_id)
    for claim in claims:
        assert len(claim["alternatives"]) >= 2
        for alternative in claim["alternatives"]:
            assert alternative["held_by"]
            assert all(
                {"source", "start", "end", "sha256"} <= set(p) for p in alternative["passages"]
            )
    assert (
        "ev-1969-09-contested-territories-term"
        in by_id["c-kosygin-contested-territories"]["events"]
    )


def test_timeline_is_timelinejs(parley_cli) -> None:
    result = parley_cli("record", "timeline", "--format", "timelinejs")
    timeline = json.loads(result.stdout)
    assert timeline["title"]["text"]["headline"]
    events = timeline["events"]
    assert len(events) == len(load_record().events)
    record = {event.id: event for event in load_record().events}
    for item in events:
        assert isinstance(item["start_date"]["year"], int)
        assert item["text"]["headline"]
        assert item["text"]["text"]
        event = record[item["unique_id"]]
        if dates.is_approximate(event.date):
            assert "Approximate date" in item["text"]["text"]
        if "/" in event.date:
            assert "end_date" in item
        assert item["text"]["headline"].startswith("Contested") == (event.claim is not None)
    zhenbao = next(i for i in events if i["unique_id"] == "ev-1969-03-zhenbao-clashes")
    assert zhenbao["start_date"] == {"year": 1969, "month": 3}
    assert "end_date" not in zhenbao


def test_cite_prints_a_passage_that_checks(corpus: Path, parley_cli) -> None:
    result = parley_cli("record", "cite", "--corpus", corpus, "tagirova-2017", "May 16")
    assert result.code == 0
    from ruamel.yaml import YAML

    from parley.record.provenance import read_source
    from parley.record.schema import Passage

    (entry,) = YAML(typ="safe").load(result.stdout)
    passage = Passage.model_validate(entry)
    source = next(s for s in load_record().sources if s.id == "tagirova-2017")
    text = read_source(corpus, source)
    assert "May 16, 1991" in text[passage.start : passage.end]
    assert text[passage.start : passage.end].endswith(".")


def test_cite_with_no_match(corpus: Path, parley_cli) -> None:
    result = parley_cli("record", "cite", "--corpus", corpus, "tagirova-2017", "no such words here")
    assert result.code == 1


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        ("ev-1949-mao-visits-moscow", "Mao visits Moscow"),
        ("ev-1959-neutrality-sino-indian", "Neutrality Sino-Indian"),
        ("ev-kyrgyz-border-agreement", "Kyrgyz border agreement"),
        ("ev-1979-talks-one-round", "Talks one round"),
        ("ev-1986-07-vladivostok-talks-offer", "Vladivostok talks offer"),
    ],
)
def test_headlines_keep_proper_nouns(parley_cli, event_id: str, expected: str) -> None:
    result = parley_cli("record", "events", "--format", "json")
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows[event_id]["headline"] == expected
    timeline = json.loads(parley_cli("record", "timeline", "--format", "timelinejs").stdout)
    titles = {e["unique_id"]: e["text"]["headline"] for e in timeline["events"]}
    assert titles[event_id].removeprefix("Contested: ") == expected
