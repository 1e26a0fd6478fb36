"""The report as a person sees it: Debian's Chromium (through Playwright) opens the report
of sino-soviet at a phone's, a tablet's and a wide screen's width, and of a user's own
scenario, saves a full-page screenshot of each, and checks that nothing overflows the
page sideways and that no two pieces of text overlap, in the page or inside a figure.

Screenshots go to $PARLEY_ARTIFACTS (default tests/artifacts/, which git ignores):
report-sino-soviet-390.png, -1024.png, -1600.png and report-own-dispute-1024.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, TEXT_BOXES, overlaps
from .conftest import run_parley

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (390, 1024, 1600)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def test_overlaps_finds_overlapping_boxes() -> None:
    box = {"svg": -1, "x0": 0, "y0": 0, "x1": 50, "y1": 10}
    assert overlaps([dict(box, text="a"), dict(box, text="b", x0=40, x1=90)]) == [("a", "b")]
    assert overlaps([dict(box, text="a"), dict(box, text="b", y0=10, y1=20)]) == []
    assert overlaps([dict(box, text="a"), dict(box, text="b", svg=0)]) == []


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report of sino-soviet (20 runs, with a counterfactual, so that every section
    shows) and of the tutorial's own dispute, a user's scenario with its own record."""
    folder = tmp_path_factory.mktemp("reports")
    dispute = folder / "own-dispute"
    shutil.copytree(ROOT / "docs" / "tutorial" / "own-dispute", dispute)
    made = {
        "sino-soviet": (
            "sino-soviet", "--set", "shocks.mao-remarks-1964.enabled=false",
        ),
        "own-dispute": (dispute / "scenario.yaml",),
    }  # fmt: skip
    out = {}
    for name, args in made.items():
        out[name] = folder / f"{name}.html"
        result = run_parley(
            "report", *args, "--runs", "20", "--seed", "1", "--workers", "1", "--quiet",
            "--out", out[name],
        )  # fmt: skip
        assert result.code == 0, result.stderr
    return out


def _look(browser: Any, report: Path, width: int, shot: Path | None) -> dict[str, Any]:
    """Open ``report`` at ``width``, save a full-page screenshot, and measure it."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    boxes = page.evaluate(TEXT_BOXES)
    found = {
        "boxes": len(boxes),
        "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
        "inner_width": page.evaluate("window.innerWidth"),
        "wide": page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => "
            "!e.closest('.wide') && e.getBoundingClientRect().right > innerWidth + 1)"
            ".map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40))"
        ),
        "overlaps": overlaps(boxes),
        "svgs": page.evaluate("document.querySelectorAll('svg').length"),
        "requests": [url for url in requests if not url.startswith("file:")],
    }
    page.close()
    return found


def test_the_checks_see_overlapping_text_and_overflow(browser: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><p style="position:absolute;top:10px">one line of text</p>'
        '<p style="position:absolute;top:14px">another line</p>'
        '<div style="width:2000px">too wide</div>'
        '<svg width="200" height="50"><text x="10" y="20">first</text>'
        '<text x="14" y="22">second</text></svg></body></html>',
        encoding="utf-8",
    )
    found = _look(browser, bad, 390, None)
    assert ("one line of text", "another line") in found["overlaps"]
    assert ("first", "second") in found["overlaps"]
    assert found["scroll_width"] > found["inner_width"]
    assert any(w.startswith("DIV too wide") for w in found["wide"])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sino_soviet_report_reads_at_every_width(
    browser: Any, reports: dict[str, Path], artifacts: Path, width: int
) -> None:
    shot = artifacts / f"report-sino-soviet-{width}.png"
    found = _look(browser, reports["sino-soviet"], width, shot)
    assert shot.stat().st_size > 50_000
    assert found["scroll_width"] <= found["inner_width"], found["wide"]
    assert found["wide"] == []
    assert found["overlaps"] == []
    assert found["boxes"] > 1000  # the checks saw the page's text, figures' included
    assert found["svgs"] >= 15  # relation, timeline, 11 positions, outcomes, counterfactual
    assert found["requests"] == []


def test_a_users_report_reads_too(browser: Any, reports: dict[str, Path], artifacts: Path) -> None:
    shot = artifacts / "report-own-dispute-1024.png"
    found = _look(browser, reports["own-dispute"], 1024, shot)
    assert found["scroll_width"] <= found["inner_width"], found["wide"]
    assert found["overlaps"] == []
    assert found["requests"] == []
