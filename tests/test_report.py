"""The HTML report: its sections exist, it is one file, and it needs no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from parley.report.html import SECTIONS

from .conftest import run_parley


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.loads: list[str] = []  # anything the browser would fetch
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.sections.append(found.get("id") or "")
        if tag == "svg":
            self.svgs += 1
        if tag in ("script", "link", "img", "iframe", "image", "use"):
            self.loads.extend(v or "" for k, v in attrs if k in ("src", "href", "xlink:href"))


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
    page = _Page()
    page.feed(report)
    assert page.sections == list(SECTIONS)
    assert page.svgs == 5  # relation, timeline, positions, outcomes, counterfactual


def test_it_needs_no_network(report: str) -> None:
    page = _Page()
    page.feed(report)
    assert all(not re.match(r"(https?:)?//", load) for load in page.loads), page.loads
    assert "<script" not in report
    assert "@import" not in report
    assert "url(http" not in report


def test_every_event_and_claim_is_cited(report: str) -> None:
    from parley.api import load_record

    record = load_record()
    for summary in record.events["summary"]:
        assert summary.replace("'", "&#x27;").replace('"', "&quot;") in report
    for claim in set(record.claims["claim"]):
        assert f'id="{claim}"' in report
    assert report.count(", characters ") >= len(record.events) + len(record.claims)


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
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.sections == [name for name in SECTIONS if name != "counterfactual"]
    assert "kazakhstan-border-agreement" in out.read_text(encoding="utf-8")
