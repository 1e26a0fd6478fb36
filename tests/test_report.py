"""The HTML report: it opens with the story of its own record, names things by their
names, links every citation to its source, is one file that needs no network, and keeps
the structure of tests/fixtures/report/structure.txt.

The golden file is rewritten, instead of compared, when PARLEY_REGENERATE_GOLDEN=1:
look at the difference (git diff) before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from parley.report.html import SECTIONS

from .conftest import run_parley

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "report" / "structure.txt"
TUTORIAL = ROOT / "docs" / "tutorial" / "own-dispute"
_VOID = {"meta", "br", "img", "input", "link", "hr", "wbr"}


class _Page(HTMLParser):
    """What a report holds: its sections, headings, links, ids, visible text and
    anything the browser would fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.headings: list[tuple[str, str, str]] = []  # (section, tag, text)
        self.loads: list[str] = []
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, class)
        self.counts: dict[str, dict[str, int]] = {}  # section -> tag -> count
        self.text: list[str] = []  # visible text, <code> and <style> left out
        self._open: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag not in _VOID:
            self._open.append(tag)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "section":
            self.sections.append(found.get("id") or "")
        if tag in ("script", "link", "img", "iframe", "image", "use"):
            self.loads.extend(v or "" for k, v in attrs if k in ("src", "href", "xlink:href"))
        if tag == "a" and found.get("href"):
            self.links.append((found["href"] or "", found.get("class") or ""))
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        if "svg" in self._open[:-1] or not self.sections:
            return
        counts = self.counts.setdefault(self.sections[-1], {})
        key = "a.cite" if tag == "a" and found.get("class") == "cite" else tag
        counts[key] = counts.get(key, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            where = self.sections[-1] if self.sections else ""
            self.headings.append((where, tag, " ".join("".join(self._heading).split())))
            self._heading = None
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if not {"code", "style", "title"} & set(self._open):
            self.text.append(data)


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


_COUNTED = ("story", "relation", "timeline", "positions", "events", "claims", "sources")
"""Sections whose elements the record and the scenario fix, whatever the model draws."""
_TAGS = ("h3", "p", "ul", "ol", "li", "figure", "svg", "table", "tr", "a.cite")


def structure(page: str) -> str:
    """The report's structure, normalised: every heading in order (digits as #), and
    the count of elements of each kind in the sections whose content does not depend
    on the model's numbers."""
    parsed = _parse(page)
    lines = []
    for section, tag, text in parsed.headings:
        lines.append(f"{section or '-'} {tag}: {re.sub(r'[0-9]', '#', text)}")
    for section in parsed.sections:
        if section in _COUNTED:
            counts = parsed.counts.get(section, {})
            shown = ", ".join(f"{tag} {counts[tag]}" for tag in _TAGS if counts.get(tag))
            lines.append(f"{section} counts: {shown}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "sino-soviet.html"
    result = run_parley(
        "report", "sino-soviet", "--runs", "40", "--seed", "1", "--workers", "1", "--quiet",
        "--set", "shocks.mao-remarks-1964.enabled=false", "--out", out,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_every_section_is_there_in_order(report: str) -> None:
    assert _parse(report).sections == list(SECTIONS)


def test_its_structure_matches_the_golden_file(report: str) -> None:
    found = structure(report)
    if os.environ.get("PARLEY_REGENERATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(found, encoding="utf-8")
    assert found == GOLDEN.read_text(encoding="utf-8"), (
        "the report's structure changed; if that is meant, regenerate the golden file with "
        "PARLEY_REGENERATE_GOLDEN=1 and look at its diff"
    )


def test_it_opens_with_the_story_of_its_record(report: str) -> None:
    from parley.api import load_record

    parsed = _parse(report)
    assert parsed.sections[0] == "story"
    periods = [p for p in load_record().record.info.periods if p.start <= 1991]
    story = [text for section, tag, text in parsed.headings if section == "story" and tag == "h3"]
    assert story == [f"{p.name}, {p.start}-{min(p.end, 1991)}" for p in periods]
    opening = report[report.index('<section id="story">') : report.index('<section id="verdict"')]
    assert "Zhenbao" in opening  # the clashes of March 1969 are among the split's main events
    assert opening.count('class="cite"') >= 3 * len(periods)
    assert "Succession (1992-2017" in opening  # the record goes on, and the story says so


def test_the_scores_have_a_verdict_in_words(report: str) -> None:
    verdict = report[
        report.index('<section id="verdict">') : report.index('<section id="relation"')
    ]
    assert re.search(
        r"Spearman correlation of -?\d\.\d\d with the record's index: the model ", verdict
    )
    assert "a model with no skill gets a Spearman between" in verdict
    assert "mean Brier score" in verdict


def test_no_id_shows_where_a_name_should(report: str) -> None:
    from parley.api import load_record, load_scenario

    record, scenario = load_record().record, load_scenario("sino-soviet")
    ids = {
        *(s.id for s in record.sources), *(a.id for a in record.actors),
        *(i.id for i in record.issues), *(e.id for e in record.events),
        *(c.id for c in record.claims), *(p.id for p in record.info.periods),
        *(i.id for i in scenario.issues), *(s.id for s in scenario.states),
        *(a.id for a in scenario.actors), *(t.id for t in scenario.talks),
        *(s.id for s in scenario.shocks), *(o.id for o in scenario.scoring.outcomes),
    }  # fmt: skip
    prose = " ".join(
        [*(e.summary for e in record.events), *(i.name for i in record.issues)]
        + [p.name for p in record.info.periods]
    )
    words = set(re.findall(r"[a-z][a-z-]*", prose))
    text = " ".join(_parse(report).text)
    shown = sorted(
        key for key in ids - words if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)
    )
    assert shown == []
    assert "border-eastern" not in text
    assert "The Eastern section of the border" in text


def test_every_citation_links_to_a_source_entry(report: str) -> None:
    from parley.api import load_record

    parsed = _parse(report)
    internal = [href[1:] for href, _ in parsed.links if href.startswith("#")]
    assert set(internal) <= parsed.ids, set(internal) - parsed.ids
    cites = [href for href, css in parsed.links if css == "cite"]
    record = load_record().record
    passages = sum(len(e.passages) for e in record.events) + sum(
        len(a.passages) for c in record.claims for a in c.alternatives
    )
    assert len(cites) >= passages
    assert set(cites) == {f"#source-{s.id}" for s in record.sources}
    sources = report[report.index('<section id="sources">') :]
    for source in record.sources:
        entry = sources[sources.index(f'id="source-{source.id}"') :].split("</li>")[0]
        assert escape(source.title) in entry
        assert escape(source.author) in entry
        assert escape(source.publisher) in entry
    assert "Its own text gives its web address, at characters 7269-7347" in sources


def test_it_quotes_no_source(report: str, corpus: Path) -> None:
    """No nine-word run of a source text, outside the list of sources (whose entries
    give author, title and address, as a source asks to be cited) and web addresses."""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", re.sub(r"\w+://\S+", " ", text).lower())

    runs = set()
    for source in corpus.glob("*.txt"):
        found = words(source.read_text(encoding="utf-8"))
        runs |= {" ".join(found[i : i + 9]) for i in range(len(found) - 8)}
    shown = words(" ".join(_parse(report.split('<section id="sources">')[0]).text))
    assert len(shown) > 1000
    assert not [i for i in range(len(shown) - 8) if " ".join(shown[i : i + 9]) in runs]


def test_it_needs_no_network(report: str) -> None:
    page = _parse(report)
    assert all(not re.match(r"(https?:)?//", load) for load in page.loads), page.loads
    assert "<script" not in report
    assert "@import" not in report
    assert not re.search(r"url\((?!#)", report)  # an SVG's url(#clip) points inside it


def test_the_timeline_keeps_to_the_report_years(report: str) -> None:
    timeline = report[report.index('<section id="timeline">') : report.index('id="positions"')]
    ticks = {int(year) for year in re.findall(r">\s*(\d{4})\s*<", timeline)}
    assert ticks
    assert min(ticks) >= 1949
    assert max(ticks) <= 1992
    assert "Zhenbao clashes" in timeline  # a main event, labelled
    assert "contested: the sources disagree" in timeline


def test_position_panels_are_named_with_the_meaning_of_their_scale(report: str) -> None:
    from parley.api import load_scenario

    positions = report[report.index('<section id="positions">') : report.index('id="outcomes"')]
    for issue in load_scenario("sino-soviet").issues:
        assert f"<strong>{escape(issue.name)}</strong>" in positions
        assert f"0: {escape(issue.zero)}. 100: {escape(issue.hundred)}." in positions


def test_every_outcome_panel_has_something_to_show(report: str) -> None:
    outcomes = report[report.index('<section id="outcomes">') : report.index('id="validation"')]
    for panel in re.findall(r"<figure>.*?</figure>", outcomes, flags=re.S):
        assert "<svg" in panel or "in 0% of runs" in panel


def test_it_prints(report: str) -> None:
    assert "@media print" in report


def test_a_failed_report_leaves_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("the last report", encoding="utf-8")
    result = run_parley("report", "sino-soviet", "--runs", "2", "--set", "relation=1", "--out", out)
    assert result.code == 2
    assert out.read_text(encoding="utf-8") == "the last report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_a_report_of_the_post_soviet_forecast(tmp_path: Path) -> None:
    out = tmp_path / "post-soviet.html"
    result = run_parley(
        "report", "post-soviet-border", "--runs", "6", "--workers", "1", "--out", out
    )
    assert result.code == 0, result.stderr
    assert "Warning" not in result.stderr
    page = out.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert parsed.sections == [name for name in SECTIONS if name != "counterfactual"]
    assert [t for s, tag, t in parsed.headings if s == "story" and tag == "h3"] == [
        "Normalization and the border agreement, 1991",
        "Succession, 1992-2005",
    ]
    assert "The Western section along Kazakhstan settled" in page
    assert "kazakhstan-border-agreement" not in " ".join(parsed.text)


@pytest.fixture(scope="module")
def dispute(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tutorial's own dispute, copied where a user would keep it."""
    folder = tmp_path_factory.mktemp("dispute") / "own-dispute"
    shutil.copytree(TUTORIAL, folder)
    return folder


def _story_of(page: str) -> str:
    return page[page.index('<section id="story">') : page.index('<section id="verdict">')]


def test_a_users_scenario_opens_with_the_story_of_its_own_record(dispute: Path) -> None:
    out = dispute / "report.html"
    result = run_parley(
        "report", dispute / "scenario.yaml", "--runs", "10", "--seed", "1", "--workers", "1",
        "--quiet", "--out", out,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert parsed.sections[0] == "story"
    assert [t for s, tag, t in parsed.headings if s == "story" and tag == "h3"] == [
        "Trade and a clash, 2000-2009",
        "Talks and a settlement, 2010-2020",
    ]
    story = _story_of(page)
    assert "The river dispute between North and South" in story
    assert "Soldiers of the two states fight over the river islands" in story
    assert 'href="#source-chronicle"' in story
    assert "sino" not in page.lower()
    assert "tagirova" not in page.lower()


def test_a_record_without_periods_is_told_as_one_stretch(dispute: Path) -> None:
    folder = dispute.parent / "no-periods"
    shutil.copytree(dispute, folder)
    info = folder / "record" / "record.yaml"
    info.write_text(info.read_text(encoding="utf-8").split("# The periods")[0], encoding="utf-8")
    out = folder / "report.html"
    result = run_parley(
        "report", folder / "scenario.yaml", "--runs", "5", "--workers", "1", "--quiet",
        "--out", out,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    story = _story_of(out.read_text(encoding="utf-8"))
    assert "told as one stretch, since the record names no periods" in story
    assert "<h3" in story
    assert "The record, 2000-2020" in story


def test_a_scenario_without_a_record_says_it_has_no_story(dispute: Path) -> None:
    text = (dispute / "scenario.yaml").read_text(encoding="utf-8")
    bare = dispute / "bare.yaml"
    bare.write_text(
        text.replace("record: record\n", "")
        .replace("    event: ev-2010-islands-offer\n", "")
        .split("\nscoring:")[0]
        + "\n",
        encoding="utf-8",
    )
    out = dispute / "bare.html"
    result = run_parley("report", bare, "--runs", "5", "--workers", "1", "--quiet", "--out", out)
    assert result.code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert _parse(page).sections[0] == "story"
    assert "names no record, so the report has no story to tell" in _story_of(page)


def test_a_records_periods_go_in_order_without_overlap() -> None:
    from pydantic import ValidationError

    from parley.record.schema import RecordInfo

    def info(*periods: tuple[str, int, int]) -> RecordInfo:
        return RecordInfo.model_validate(
            {
                "title": "t",
                "periods": [
                    {"id": i, "name": i.title(), "start": a, "end": b} for i, a, b in periods
                ],
            }
        )

    assert [p.id for p in info(("a", 1950, 1959), ("b", 1960, 1969)).periods] == ["a", "b"]
    for wrong, message in (
        ((("a", 1950, 1960), ("b", 1960, 1969)), "starts (1960) before the period 'a' ends"),
        ((("a", 1960, 1969), ("b", 1950, 1959)), "starts (1950) before the period 'a' ends"),
        ((("a", 1959, 1950),), "ends (1950) before it starts (1959)"),
        ((("a", 1950, 1954), ("a", 1955, 1959)), "two periods have the same id"),
    ):
        with pytest.raises(ValidationError, match=re.escape(message)):
            info(*wrong)


def test_an_event_counts_in_the_period_where_the_middle_of_its_dates_falls() -> None:
    from parley.api import load_record
    from parley.report.story import chapters

    told = {c.id: set(c.events["id"]) for c in chapters(load_record(), (1949, 2017))}
    assert "ev-1950-soviet-military-aid" in told["alliance"]  # 1950 to 1959: the middle is 1954
    assert "ev-1955-destalinization-dispute" in told["strain"]
    assert "ev-1969-03-zhenbao-clashes" in told["split"]
    assert "ev-kazakh-border-agreement" in told["succession"]  # 1991 to 2017
    every = [key for keys in told.values() for key in keys]
    assert len(every) == len(set(every))  # each event in one period at most
    cut = {c.id: (c.start, c.end) for c in chapters(load_record(), (1949, 1991))}
    assert list(cut) == ["alliance", "strain", "split", "freeze", "thaw", "normalization"]
    assert cut["normalization"] == (1989, 1991)


def test_a_users_own_index_gets_a_panel_and_a_verdict_of_its_own(tmp_path: Path) -> None:
    index = tmp_path / "index.csv"
    index.write_text(
        "period,value\n"
        + "".join(f"{year},{(year % 7) * 10 - 30}\n" for year in range(1950, 1992)),
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    result = run_parley(
        "report", "sino-soviet", "--runs", "5", "--workers", "1", "--quiet", "--index", index,
        "--out", out,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    verdict = page[page.index('<section id="verdict">') : page.index('<section id="relation"')]
    assert "Against your own yearly index, on its own scale:" in verdict
    assert "with your index: the model " in verdict
    assert "points of your index a year" in verdict
    relation = page[page.index('<section id="relation">') : page.index('<section id="timeline"')]
    assert relation.count("<svg") == 1
    assert "your index" in relation  # its own panel, with its own axis
    assert "in the panel below" in relation


def test_measures_and_outcomes_are_named_from_the_scenario() -> None:
    from parley.api import load_scenario
    from parley.report.names import listing, metric_name, outcome_name

    scenario = load_scenario("sino-soviet")
    assert metric_name(scenario, "mean relation with ussr, 1960s") == (
        "Mean relation index R with Soviet Union, 1960s"
    )
    assert metric_name(scenario, "border-eastern settled by the end") == (
        "The Eastern section of the border settled by the end"
    )
    assert [outcome_name(scenario, o) for o in scenario.scoring.outcomes] == [
        "Party ties broken off",
        "The first deadly clash",
        "The alliance treaty ended",
        "Talks on normalization opened",
        "The Eastern section of the border settled",
    ]
    assert listing(["a"]) == "a"
    assert listing(["a", "b", "c"]) == "a, b and c"
