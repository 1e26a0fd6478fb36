"""The web app as people use it: Debian's Chromium (through Playwright) drives every control
of every page of the real app under uvicorn (selects, date fields, buttons, check boxes,
every parameter's slider, the timeline's previous and next, its arrow keys and its line of
years), and checks what each shows, not only that nothing failed: the events of a period or
an actor, dates in words, each quote with its source, the record's line and the baselines
on the scenario's chart with the legends below it, presets that follow the scenario, and a
sentence when a change changes nothing.

Every page is also looked at 390 and 1280 px wide, with no error on the console, no two
pieces of text overlapping (in the page, and inside each chart), nothing wider than the
window, and nothing fetched from elsewhere. Full-page screenshots go to $PARLEY_ARTIFACTS
(default tests/artifacts/, which git ignores), named web-PAGE-WIDTH.png and
web-PAGE-STATE.png (the list is in ``SCREENSHOTS``).

No step is timed: waits end when the page shows what is awaited (they give up after a few
minutes, so that a broken page fails instead of hanging).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, TEXT_BOXES, overlaps
from .conftest import Server, corpus_dir, start_server, stop_server

WIDTHS = (390, 1280)
PAGES = ("record", "timeline", "scenario", "counterfactual", "docs")
PATHS = {"record": "/", "timeline": "/timeline", "scenario": "/scenario",
         "counterfactual": "/counterfactual", "docs": "/docs"}  # fmt: skip
RUNS = "10"  # runs a request: enough to draw every chart
WAIT = 120_000  # ms: how long a wait may last before the test fails (a run takes seconds)
SCREENSHOTS = {
    **{f"web-{page}-{width}.png": f"the {page} page, {width} px wide"
       for page in PAGES for width in WIDTHS},
    "web-record-kosygin-1960s.png": "the record: Kosygin's events of the 1960s",
    "web-record-bad-date.png": "the record: a date it cannot read, refused in plain words",
    "web-timeline-last.png": "the timeline at the last event (End)",
    "web-timeline-split.png": "the timeline of the split and the clashes, stepped forward",
    "web-scenario-sliders.png": "the scenario page with every slider moved: the warning",
    "web-scenario-post-soviet-border.png": "the post-Soviet forecast run, four counterparts",
    "web-counterfactual-nothing-changed.png": "a change that changes nothing, and why",
    "web-counterfactual-post-soviet-border.png": "the what-if page of a scenario without presets",
}  # fmt: skip

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

# Elements that reach past the window's right edge.
_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .map(e => e.tagName + ' ' + (e.id ? '#' + e.id : '') + ' ' +
            (e.textContent || '').trim().slice(0, 40))"""

# What a control is called here: its tag and id, or its group's name and its value.
_DESCRIBE = """(e) => {
  const tag = e.tagName.toLowerCase();
  if (e.id) return `${tag}#${e.id}`;
  if (e.name) return `${tag}[${e.name}=${e.value}]`;
  return `${tag}:${(e.textContent || '').trim().slice(0, 30)}`;
}"""
_CONTROLS = f"""() => [...document.querySelectorAll(
  'input, select, button, summary, textarea, svg.strip')].map({_DESCRIBE})"""


class Driver:
    """A page of the app in Chromium, with what went wrong on it (errors on the console,
    requests to elsewhere) and the controls the test has driven."""

    def __init__(self, browser: Any, server: Server, width: int, artifacts: Path) -> None:
        from playwright.sync_api import expect

        self.expect = expect
        self.server, self.artifacts, self.width = server, artifacts, width
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.set_default_timeout(WAIT)
        expect.set_options(timeout=WAIT)
        self.errors: list[str] = []
        self.elsewhere: list[str] = []
        self.touched: set[str] = set()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # A page that broke the Content-Security-Policy would say so on the console.
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on(
            "request",
            lambda r: None if r.url.startswith(server.url) else self.elsewhere.append(r.url),
        )

    def open(self, page: str, ready: str) -> None:
        self.page.goto(self.server.url + PATHS[page])
        self.page.wait_for_selector(ready, state="attached")

    def touch(self, locator: Any) -> Any:
        self.touched.add(locator.evaluate(_DESCRIBE))
        return locator

    def click(self, selector: str) -> None:
        self.touch(self.page.locator(selector)).click()

    def fill(self, selector: str, text: str) -> None:
        self.touch(self.page.locator(selector)).fill(text)

    def choose(self, selector: str, label: str) -> None:
        self.touch(self.page.locator(selector)).select_option(label=label)

    def text(self, selector: str) -> str:
        return str(self.page.locator(selector).inner_text())

    def untouched(self) -> list[str]:
        """The controls of the page that the test has not driven."""
        return sorted(set(self.page.evaluate(_CONTROLS)) - self.touched)

    def shoot(self, name: str) -> Path:
        assert name in SCREENSHOTS, name
        path = self.artifacts / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def look(self) -> dict[str, Any]:
        """What a reader would see wrong: overlapping text, anything too wide."""
        return {
            "overlaps": overlaps(self.page.evaluate(TEXT_BOXES)),
            "scroll": self.page.evaluate("document.documentElement.scrollWidth")
            - self.page.evaluate("window.innerWidth"),
            "wide": self.page.evaluate(_WIDE),
        }

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--corpus", corpus_dir())
    yield running
    stop_server(running)


@pytest.fixture
def driver(browser: Any, server: Server, artifacts: Path) -> Iterator[Driver]:
    made = Driver(browser, server, 1280, artifacts)
    yield made
    made.close()


def assert_reads_well(driver: Driver) -> None:
    found = driver.look()
    assert found["overlaps"] == [], found["overlaps"]
    assert found["scroll"] <= 0, found["wide"]
    assert found["wide"] == []
    assert driver.errors == []
    assert driver.elsewhere == []


# The checks themselves.


def test_the_checks_see_overlapping_text_overflow_and_untouched_controls(
    browser: Any, server: Server, artifacts: Path
) -> None:
    driver = Driver(browser, server, 390, artifacts)
    driver.page.set_content(
        '<p style="position:absolute;top:10px">one line of text</p>'
        '<p style="position:absolute;top:14px">another line</p>'
        '<div style="width:2000px">too wide</div>'
        '<svg width="200" height="50"><text x="10" y="20">first</text>'
        '<text x="14" y="22">second</text></svg>'
        '<button id="one">one</button><select name="two"></select>'
    )
    found = driver.look()
    assert ("one line of text", "another line") in found["overlaps"]
    assert ("first", "second") in found["overlaps"]
    assert found["scroll"] > 0
    assert any(w.startswith("DIV") and "too wide" in w for w in found["wide"])
    driver.click("#one")
    assert driver.untouched() == ["select[two=]"]
    driver.close()


# The record.


def test_the_record_page_chooses_from_the_record_and_cites_its_sources(driver: Driver) -> None:
    page, expect = driver.page, driver.expect
    driver.open("record", "#events tbody tr")
    everything = page.locator("#events tbody tr").count()
    assert everything > 80
    expect(page.locator("#status")).to_have_text(f"{everything} events.")
    assert page.locator("#title").inner_text() == "Sino-Soviet relations, 1949-1991"
    # Placeholders that read as a hint, not as a value.
    for field in ("#from", "#to"):
        hint = page.locator(field).get_attribute("placeholder")
        assert hint, field
        assert not re.search(r"\d", hint), hint
    # Dates in words, on the chart's hover text and in the table.
    titles = page.locator("#timeline .event title").all_text_contents()
    assert len(titles) == everything
    assert not [t for t in titles if re.search(r"\d{4}[~?%]|\.\./|\d{3}X", t)]
    assert page.locator("#timeline .contested").count() >= 1
    whens = page.locator("#events tbody td[data-label=when]").all_inner_texts()
    assert "about 1950" in whens  # "1950~" in the record
    assert not [w for w in whens if re.search(r"[~?%X/]", w)]
    # Each quote labelled with its source, never joined by "|".
    quotes = page.locator("#events figure.citation")
    assert quotes.count() >= everything
    assert quotes.count() == page.locator("#events figure.citation figcaption").count()
    captions = set(page.locator("#events figcaption .source").all_inner_texts())
    assert any(c.startswith("Library of Congress 1987") for c in captions), captions
    assert any(c.startswith("Tagirova 2017") for c in captions), captions
    assert "|" not in page.locator("#events").inner_text()
    # The claims, each version with who holds it and where it is written.
    assert page.locator("#claims h3").count() >= 5
    assert page.locator("#claims figure.citation figcaption .source").count() >= 10
    assert page.locator("#claims p.citation").count() == 0  # quoted, not located only

    # A period of the record fills the dates.
    driver.choose("#period", "The split and the clashes, 1960-1969")
    expect(page.locator("#status")).to_contain_text("from 1960 to 1969")
    assert page.locator("#from").input_value() == "1960"
    split = page.locator("#events tbody tr").count()
    assert 0 < split < everything
    # A decade, in words, typed into both dates: the same years.
    driver.fill("#from", "1960s")
    driver.fill("#to", "1960s")
    assert page.locator("#period").input_value() == ""  # typed dates leave the period
    driver.click("#show")
    expect(page.locator("#status")).to_have_text(f"{split} events in the 1960s.")
    # An actor, chosen by name: every event is one of Kosygin's.
    driver.choose("#actor", "Aleksey Kosygin")
    expect(page.locator("#status")).to_contain_text("involving Aleksey Kosygin")
    who = page.locator("#events tbody td[data-label=who]").all_inner_texts()
    assert who
    assert all("Aleksey Kosygin" in w for w in who), who
    driver.shoot("web-record-kosygin-1960s.png")
    # An issue, by name: every event touches the boundary or a section of it.
    driver.choose("#actor", "any actor")
    driver.choose("#issue", "The boundary")
    expect(page.locator("#status")).to_contain_text("on the boundary")
    assert 0 < page.locator("#events tbody tr").count() < split
    # A date it cannot read: plain words, not command-line wording.
    driver.fill("#to", "the sixties")
    driver.click("#show")
    expect(page.locator("#status .error")).to_contain_text(
        "The date to end at, 'the sixties', is not a date parley can read"
    )
    assert "--" not in driver.text("#status")
    assert "query." not in driver.text("#status")
    assert [e for e in driver.errors if "422" in e]  # the browser logs the refused request
    driver.errors = [e for e in driver.errors if "422" not in e]
    driver.shoot("web-record-bad-date.png")
    # Every event again.
    driver.click("#clear")
    expect(page.locator("#status")).to_have_text(f"{everything} events.")
    assert page.locator("#issue").input_value() == ""
    assert driver.untouched() == []
    assert_reads_well(driver)


# The timeline.


def test_the_timeline_steps_through_the_events(driver: Driver) -> None:
    page, expect = driver.page, driver.expect
    driver.open("timeline", "#strip[data-state=ready]")
    place = page.locator("#place")
    expect(place).to_contain_text("Event 1 of ")
    count = int(re.search(r"of (\d+)", place.inner_text()).group(1))  # type: ignore[union-attr]
    assert count > 80
    assert page.locator("#previous").is_disabled()
    first = driver.text("#headline")

    def shown() -> dict[str, str]:
        return {key: driver.text(f"#{key}") for key in ("place", "date", "headline", "facts")}

    driver.click("#next")
    expect(place).to_contain_text(f"Event 2 of {count}")
    second = shown()
    assert second["headline"] != first
    assert "WHO" in second["facts"].upper()
    assert "GOLDSTEIN" in second["facts"].upper()
    assert page.locator("#sources figure.citation figcaption .source").count() >= 1
    assert page.url.endswith("#" + page.evaluate("location.hash.slice(1)"))
    driver.click("#previous")
    expect(place).to_contain_text(f"Event 1 of {count}")
    assert driver.text("#headline") == first
    # The arrow keys, End and Home.
    page.keyboard.press("ArrowRight")
    expect(place).to_contain_text(f"Event 2 of {count}")
    page.keyboard.press("ArrowRight")
    expect(place).to_contain_text(f"Event 3 of {count}")
    page.keyboard.press("ArrowLeft")
    expect(place).to_contain_text(f"Event 2 of {count}")
    page.keyboard.press("End")
    expect(place).to_contain_text(f"Event {count} of {count}")
    assert page.locator("#next").is_disabled()
    driver.shoot("web-timeline-last.png")
    page.keyboard.press("Home")
    expect(place).to_contain_text(f"Event 1 of {count}")
    # A click on the line of years goes to the event nearest to it.
    strip = page.locator("#strip")
    box = strip.bounding_box()
    driver.touch(strip).click(position={"x": box["width"] * 0.45, "y": 30})
    expect(place).not_to_contain_text(f"Event 1 of {count}")
    # The address names the event: opened again, it shows the same one.
    there = shown()
    page.reload()
    expect(place).to_have_text(there["place"])
    assert driver.text("#headline") == there["headline"]
    # Dates in words, every one.
    dates = []
    page.keyboard.press("Home")
    for _ in range(count):
        dates.append(driver.text("#date"))
        page.keyboard.press("ArrowRight")
    assert not [d for d in dates if re.search(r"[~?%X/]|\.\.", d)], dates
    assert "about 1950" in dates
    # The period, actor and issue lists choose which events.
    driver.choose("#period", "The split and the clashes, 1960-1969")
    expect(place).not_to_contain_text(f"of {count}")
    split = int(re.search(r"of (\d+)", place.inner_text()).group(1))  # type: ignore[union-attr]
    assert 0 < split < count
    driver.click("#next")
    driver.click("#next")
    expect(place).to_contain_text(f"Event 3 of {split}")
    driver.shoot("web-timeline-split.png")
    driver.choose("#actor", "Aleksey Kosygin")
    expect(place).to_contain_text("Event 1 of ")
    assert "Aleksey Kosygin" in driver.text("#facts")
    driver.choose("#issue", "The boundary")
    expect(place).to_contain_text("Event 1 of ")
    assert "The boundary" in driver.text("#facts") or "border" in driver.text("#facts").lower()
    assert driver.untouched() == []
    assert_reads_well(driver)


# Running a scenario.


def test_the_scenario_page_draws_the_record_and_the_baselines_and_moves_every_slider(
    driver: Driver,
) -> None:
    page, expect = driver.page, driver.expect
    driver.open("scenario", "#parameters input[type=range]")
    sliders = page.locator("#parameters input[type=range]")
    assert sliders.count() == 46  # every documented parameter
    # Presets follow the scenario: none for the post-Soviet forecast, its own for each.
    driver.choose("#scenario", "China and the Soviet successor states on the border, 1991-2005")
    expect(page.locator("#with-label")).to_be_hidden()
    expect(page.locator("#about")).to_contain_text("December 1991 to December 2005")
    driver.fill("#runs", RUNS)
    driver.fill("#seed", "3")
    driver.click("#go")
    expect(page.locator("#status")).to_contain_text(f"{RUNS} runs of China and the Soviet")
    relation = page.locator("#chart polyline.median")
    assert relation.count() >= 4  # Russia, Kazakhstan, Kyrgyzstan, Tajikistan
    legend = page.locator("#chart-legend .legend-item").all_inner_texts()
    assert any("Kazakhstan" in item for item in legend), legend
    _legend_below(driver, "#chart", "#chart-legend")
    driver.shoot("web-scenario-post-soviet-border.png")
    assert_reads_well(driver)

    driver.choose("#scenario", "Sino-Soviet relations and border negotiations, 1949-1991")
    expect(page.locator("#with-label")).to_be_visible()
    options = page.locator("#with option").all_inner_texts()
    assert options == ["as written", "The Soviets keep the partial tactic in 1964",
                       "Mao's 1964 remarks never happen",
                       "Gorbachev does not consolidate power in 1990"]  # fmt: skip
    _move_every_slider(driver)
    driver.shoot("web-scenario-sliders.png")
    driver.click("#parameters-reset")
    expect(page.locator("#parameters .count")).to_have_text("none changed")
    assert page.locator("#go").is_enabled()
    for name in ("incident-hazard", "reciprocity"):
        page.locator(f"#param-{name}").focus()
        page.keyboard.press("ArrowRight")
    expect(page.locator("#parameters .count")).to_have_text("2 changed")
    driver.choose("#with", "Mao's 1964 remarks never happen")
    driver.fill("#runs", RUNS)
    driver.click("#go")
    status = page.locator("#status")
    expect(status).to_contain_text("Mao's 1964 remarks never happen")
    assert "incident-hazard" in status.inner_text()
    assert "reciprocity" in status.inner_text()
    # The index chart: the model, the record's line, the two baselines, named axes.
    chart = page.locator("#index-chart")
    expect(chart).to_have_attribute("data-state", "ready")
    for line in ("the record", "persistence", "trend"):
        assert page.locator(f"#index-chart polyline[data-label='{line}']").count() >= 1, line
    assert page.locator("#index-chart polygon.band").count() == 1
    labels = page.locator("#index-chart text.axis-label").all_text_contents()
    assert labels == ["year", "net Goldstein score of the year"]
    assert page.locator("#chart text.axis-label").all_text_contents() == [
        "year",
        "relation index R",
    ]
    legend = page.locator("#index-legend .legend-item").all_inner_texts()
    assert [item.split(" (")[0].split(":")[0].strip() for item in legend] == [
        "the model", "the record", "persistence", "straight trend",
        "the end of 1979, when the baselines are made",
    ]  # fmt: skip
    _legend_below(driver, "#index-chart", "#index-legend")
    # Names, not ids, in the tables.
    issues = page.locator("#agreements td[data-label=issue]").all_inner_texts()
    assert "The Eastern section of the border" in issues
    assert page.locator("#scores tbody tr").count() == 4  # the whole period and 3 eras
    outcomes = page.locator("#outcomes td[data-label=outcome]").all_inner_texts()
    assert "Zhenbao clashes" in outcomes
    assert "first-armed-clash" not in outcomes
    assert driver.untouched() == []
    assert_reads_well(driver)


def _move_every_slider(driver: Driver) -> None:
    """Every parameter's slider moves one step within its range, and says so; with all 46
    changed, the page warns that a run takes at most 20, and will not run."""
    page, expect = driver.page, driver.expect
    sliders = page.locator("#parameters input[type=range]")
    driver.click("#parameters-toggle")
    for n in range(sliders.count()):
        slider = driver.touch(sliders.nth(n))
        output = page.locator(f"output[for='{slider.get_attribute('id')}']")
        before = output.inner_text()
        at_top = float(slider.input_value()) >= float(slider.get_attribute("max"))
        slider.focus()
        page.keyboard.press("ArrowLeft" if at_top else "ArrowRight")
        expect(output).not_to_have_text(before)
        assert "(this scenario: " in output.inner_text()
        low, high = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
        assert low <= float(slider.input_value()) <= high
    expect(page.locator("#parameters .count")).to_have_text("46 changed")
    expect(page.locator("#parameters .warning")).to_contain_text("at most 20 changes")
    assert page.locator("#go").is_disabled()


def _legend_below(driver: Driver, chart: str, legend: str) -> None:
    """The legend sits below the chart, outside it, so that it covers no line."""
    drawn = driver.page.locator(chart).bounding_box()
    below = driver.page.locator(legend).bounding_box()
    assert below["y"] >= drawn["y"] + drawn["height"] - 1
    assert driver.page.locator(f"{chart} text:not(.tick):not(.axis-label)").count() == 0


# What if?


def test_the_what_if_page_offers_the_scenarios_own_presets_and_says_when_nothing_changes(
    driver: Driver,
) -> None:
    page, expect = driver.page, driver.expect
    driver.open("counterfactual", "#intervention-list input")
    changes, go = page.locator("#changes"), page.locator("#go")
    expect(changes).to_have_text("Choose at least one change.")
    assert go.is_disabled()
    # Every check box says what it changes, and takes it back.
    boxes = page.locator("#what-if input[type=checkbox]")
    assert boxes.count() == 3 + page.locator("#shocks input").count()
    for n in range(boxes.count()):
        box = driver.touch(boxes.nth(n))
        box.check()
        expect(changes).to_contain_text("The change: ")
        assert go.is_enabled()
        box.uncheck()
        expect(changes).to_have_text("Choose at least one change.")
    # Every slider: a change each, too many together.
    _move_every_slider(driver)
    expect(changes).to_contain_text("incident-hazard 0.011 (not 0.01)")
    expect(changes).to_contain_text("a run takes at most 20")
    driver.click("#parameters-reset")
    expect(changes).to_have_text("Choose at least one change.")
    page.locator("#intervention-list input").nth(1).check()
    driver.click("#clear")
    expect(changes).to_have_text("Choose at least one change.")
    assert page.locator("#what-if input:checked").count() == 0

    # Another scenario: none of sino-soviet's presets stays.
    driver.choose("#scenario", "China and the Soviet successor states on the border, 1991-2005")
    expect(page.locator("#intervention-list")).to_contain_text("names no interventions")
    assert page.locator("#intervention-list input").count() == 0
    assert "Mao" not in page.locator("#what-if").inner_text()
    assert "Soviet Union ends" in page.locator("#shocks").inner_text()
    driver.shoot("web-counterfactual-post-soviet-border.png")

    # A change that changes nothing: the sentence says so, and why.
    driver.choose("#scenario", "Sino-Soviet relations and border negotiations, 1949-1991")
    page.locator("#intervention-list input[value=soviet-partial-tactic-kept]").check()
    driver.fill("#runs", RUNS)
    driver.fill("#seed", "2")
    driver.click("#go")
    verdict = page.locator("#no-change")
    expect(verdict).to_contain_text("Nothing changed: in each of the 10 paired runs")
    assert "border talks" in verdict.inner_text()
    differences = page.locator("#differences td[data-label=difference]").all_inner_texts()
    assert differences
    assert set(differences) == {"0"}
    driver.shoot("web-counterfactual-nothing-changed.png")
    # A change that matters.
    page.locator("#intervention-list input").nth(0).uncheck()
    page.locator("#intervention-list input[value=no-mao-remarks]").check()
    driver.click("#go")
    expect(verdict).to_contain_text("The change moves ")
    expect(page.locator("#status")).to_contain_text("Mao's 1964 remarks never happen")
    assert page.locator("#chart polyline.median").count() == 2
    measures = page.locator("#differences td[data-label=measure]").all_inner_texts()
    assert "The Eastern section of the border: settled by the end" in measures
    assert any("with Soviet Union" in m for m in measures), measures
    _legend_below(driver, "#chart", "#chart-legend")
    assert driver.untouched() == []
    assert_reads_well(driver)


# Every page, at every width, and the links between them.


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_at_every_width(
    browser: Any, server: Server, artifacts: Path, name: str, width: int
) -> None:
    driver = Driver(browser, server, width, artifacts)
    ready = {"record": "#events tbody tr", "timeline": "#strip[data-state=ready]",
             "scenario": "#parameters input", "counterfactual": "#intervention-list input",
             "docs": "h2"}  # fmt: skip
    driver.open(name, ready[name])
    if name in ("scenario", "counterfactual"):  # with results, so that every part shows
        if name == "counterfactual":
            driver.page.locator("#intervention-list input").nth(1).check()
        driver.page.fill("#runs", RUNS)
        driver.page.click("#go")
        driver.expect(driver.page.locator("#chart")).to_have_attribute("data-state", "ready")
        driver.expect(driver.page.locator("#status")).to_contain_text("runs of")
    shot = driver.shoot(f"web-{name}-{width}.png")
    assert shot.stat().st_size > 20_000
    assert_reads_well(driver)
    driver.close()


def test_the_links_between_the_pages(driver: Driver) -> None:
    titles = {"/": "Sino-Soviet relations, 1949-1991", "/timeline": "Timeline: ",
              "/scenario": "Run a scenario", "/counterfactual": "What if?",
              "/docs": "parley "}  # fmt: skip
    for start in PATHS.values():
        for link, title in titles.items():
            driver.page.goto(driver.server.url + start)
            driver.page.locator(f"nav a[href='{link}']").click()
            driver.expect(driver.page.locator("h1")).to_contain_text(title)
            assert driver.page.url.split("#")[0] == driver.server.url + link
    assert driver.errors == []
