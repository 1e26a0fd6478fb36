"""The web app under uvicorn: its API, its errors, and the pages in Chromium (under the
app's Content-Security-Policy). Its defences (limits, Schemathesis with every check, a
burst of requests) are in ``test_web_hardening.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Server, corpus_dir, run_parley, start_server, stop_server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--corpus", corpus_dir())
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def small_server() -> Iterator[Server]:
    """A server without the corpus, which allows only 20 runs a request."""
    running = start_server("--max-runs", "20")
    yield running
    stop_server(running)


def test_the_api_answers_as_the_command_line_does(server: Server) -> None:
    scenarios = httpx.get(f"{server.url}/api/scenarios").json()
    assert [s["name"] for s in scenarios] == ["post-soviet-border", "sino-soviet"]
    body = {"scenario": "sino-soviet", "runs": 12, "seed": 4}
    summary = httpx.post(f"{server.url}/api/runs", json=body, timeout=120).json()
    cli = run_parley("run", "sino-soviet", "--runs", "12", "--seed", "4", "--format", "json",
                     "--workers", "1")  # fmt: skip
    assert summary == json.loads(cli.stdout)
    what_if = httpx.post(
        f"{server.url}/api/counterfactual",
        json={**body, "set": ["shocks.gorbachev-president.enabled=false"]},
        timeout=120,
    ).json()
    assert what_if["baseline"] == summary
    assert {row["metric"] for row in what_if["differences"]} >= {"armed clash by the end"}
    scored = httpx.post(f"{server.url}/api/compare", json=body, timeout=300).json()
    assert scored["summary"] == summary
    cli = run_parley("compare", "sino-soviet", "--runs", "12", "--seed", "4", "--format", "json",
                     "--workers", "1", "--quiet")  # fmt: skip
    assert scored["scores"] == json.loads(cli.stdout)


def test_events_quote_their_sources_when_the_corpus_is_given(server: Server) -> None:
    events = httpx.get(
        f"{server.url}/api/record/events", params={"from": "1969", "to": "1969", "actor": "kosygin"}
    ).json()
    assert events
    texts = {
        "tagirova-2017": (corpus_dir() / "tagirova-2017-negotiating-sino-soviet-border.txt"),
        "lcs-china-1987": (corpus_dir() / "lcs-china-1987-sino-soviet-relations.txt"),
    }
    for event in events:
        for key, quote in zip(event["passages"], event["quotes"], strict=True):
            source, span = key.rstrip("]").split("[")
            start, end = map(int, span.split(":"))
            assert texts[source].read_text(encoding="utf-8")[start:end] == quote
    claims = httpx.get(f"{server.url}/api/record/claims", params={"issue": "border"}).json()
    assert claims
    assert all("border" in claim["issues"] for claim in claims)


def test_without_a_corpus_events_carry_citations_only(small_server: Server) -> None:
    events = httpx.get(f"{small_server.url}/api/record/events", params={"from": "1969"}).json()
    assert events
    assert all(event["quotes"] is None and event["passages"] for event in events)
    assert all(event["when"] for event in events)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("post", "/api/runs", {"runs": 5001}, 422, "body.runs: Input should be less than or equal"),
        ("post", "/api/runs", {"scenario": "../../etc/passwd"}, 422, "body.scenario"),
        ("post", "/api/runs", {"scenario": "no-such-thing"}, 422, "no scenario 'no-such-thing'"),
        ("post", "/api/runs", {"set": ["relation=5"]}, 422, "no field 'relation'"),
        ("post", "/api/runs", {"file": "/etc/passwd"}, 422, "Extra inputs are not permitted"),
        ("post", "/api/counterfactual", {"set": []}, 422, "body.set"),
        ("post", "/api/runs", {"set": ["x" * 20_000]}, 413, "bodies are limited"),
        ("get", "/api/record/events?from=19XX-99", None, 422, "is not an EDTF date"),
        ("get", "/api/nothing-here", None, 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_json_4xx(
    server: Server, method: str, path: str, body: object, status: int, message: str
) -> None:
    response = httpx.request(method, f"{server.url}{path}", json=body, timeout=60)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]


def test_the_pages_work_in_chromium(server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A page that broke the Content-Security-Policy would say so on the console.
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{server.url}/")
        page.wait_for_selector("#events table tbody tr")
        assert page.locator("#claims h3").count() >= 5
        assert page.locator("#timeline .event").count() == page.locator("#events tbody tr").count()
        assert page.locator("#timeline .contested").count() >= 1
        shown = page.locator("#status").inner_text()
        page.fill("input[name=from]", "1969")
        page.fill("input[name=to]", "1969")
        page.click("text=Show")
        # (not wait_for_function: its predicate is an eval, which the CSP refuses)
        expect(page.locator("#status")).not_to_have_text(shown)
        assert page.locator("#events tbody tr").count() < 20

        page.goto(f"{server.url}/counterfactual")
        page.wait_for_selector("#shocks input")
        page.fill("input[name=runs]", "40")
        page.click("text=Mao's 1964 remarks never happen")
        page.click("#go")
        page.wait_for_selector("#chart[data-state=ready]")
        first = page.locator("#chart polyline.median").nth(1).get_attribute("points")
        page.screenshot(path=str(tmp_path / "counterfactual.png"), full_page=True)

        page.evaluate("document.getElementById('chart').dataset.state = 'old'")
        page.click("text=Gorbachev does not consolidate power in 1990")
        page.click("#go")
        page.wait_for_selector("#chart[data-state=ready]")
        second = page.locator("#chart polyline.median").nth(1).get_attribute("points")
        assert first != second  # the intervention's line changed with the intervention
        assert page.locator("#differences tbody tr").count() > 3
        page.screenshot(path=str(tmp_path / "counterfactual-2.png"), full_page=True)

        page.goto(f"{server.url}/scenario")
        page.wait_for_selector("#scenario option", state="attached")
        page.fill("input[name=runs]", "20")
        page.click("#go")
        page.wait_for_selector("#chart[data-state=ready]")
        assert page.locator("#agreements tbody tr").count() >= 2
        page.wait_for_selector("#scores tbody tr")
        assert page.locator("#scores tbody tr").count() == 4  # the whole period and 3 eras
        assert page.locator("#scores thead").inner_text().split() == [
            "years", "model", "persistence", "trend", "mean", "placebo", "-5", "placebo", "+5"
        ]  # fmt: skip
        assert page.locator("#outcomes tbody tr").count() == 5
        page.screenshot(path=str(tmp_path / "scenario.png"), full_page=True)
        browser.close()
    assert not errors, errors
    assert (tmp_path / "counterfactual.png").stat().st_size > 10_000
