"""The web app under uvicorn: its API and its errors. Its pages, driven in Chromium, are in
``test_web_browser.py``; its defences (limits, Schemathesis with every check, a burst of
requests) in ``test_web_hardening.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator

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
    for claim in claims:
        for alternative in claim["alternatives"]:
            assert alternative["citations"]
            assert all(c["quote"] and c["name"] for c in alternative["citations"])
    by_name = httpx.get(f"{server.url}/api/record/claims", params={"issue": "THE BOUNDARY"})
    assert by_name.json() == claims


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
        ("get", "/api/record/events?from=19XX-99", None, 422, "is not a date parley can read"),
        ("get", "/api/nothing-here", None, 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_json_4xx(
    server: Server, method: str, path: str, body: object, status: int, message: str
) -> None:
    response = httpx.request(method, f"{server.url}{path}", json=body, timeout=60)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]


def test_the_record_lists_what_a_query_chooses_from(server: Server) -> None:
    choices = httpx.get(f"{server.url}/api/record/choices").json()
    assert {"id": "kosygin", "name": "Aleksey Kosygin", "kind": "leader"} in choices["actors"]
    assert choices["actors"][0]["kind"] == "state"  # states first
    ids = [issue["id"] for issue in choices["issues"]]
    assert ids.index("border") < ids.index("border-eastern") < ids.index("three-obstacles")
    assert {"id": "split", "name": "The split and the clashes", "from": "1960", "to": "1969"} in (
        choices["periods"]
    )
    assert choices["decades"][0] == "1940s"
    assert "1960s" in choices["decades"]
    assert {s["name"] for s in choices["sources"]} == {"Library of Congress 1987", "Tagirova 2017"}


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ({"actor": "KOSYGIN"}, {"actor": "kosygin"}),
        ({"actor": "aleksey kosygin"}, {"actor": "kosygin"}),
        ({"issue": "The Eastern section of the border"}, {"issue": "border-eastern"}),
        ({"from": "1960s", "to": "1960s"}, {"from": "196X", "to": "196X"}),
    ],
)
def test_record_queries_take_names_in_any_case_and_decades_in_words(
    server: Server, query: dict[str, str], same_as: dict[str, str]
) -> None:
    url = f"{server.url}/api/record/events"
    found = httpx.get(url, params=query)
    assert found.status_code == 200, found.text
    assert found.json()
    assert found.json() == httpx.get(url, params=same_as).json()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"actor": "Brezhnyev"}, "No actor called 'Brezhnyev' in the record. Did you mean Leonid "
                                 "Brezhnev? Choose one of: Afghanistan, Aleksey Kosygin, "),
        ({"issue": "Taiwan"}, "No issue called 'Taiwan' in the record. Choose one of: "),
        ({"from": "the sixties"}, "The date to start from, 'the sixties', is not a date parley "
                                  "can read: write a year (1969), a decade (1960s or 196X)"),
        ({"to": "1969-13"}, "The date to end at, '1969-13', is not a date parley can read"),
    ],
)  # fmt: skip
def test_a_record_query_is_refused_in_plain_words(
    server: Server, query: dict[str, str], message: str
) -> None:
    response = httpx.get(f"{server.url}/api/record/events", params=query)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith(message), error
    assert "--" not in error
    assert "query." not in error
    assert ".yaml" not in error


def test_events_come_with_names_dates_in_words_and_labelled_quotes(server: Server) -> None:
    events = httpx.get(f"{server.url}/api/record/events", params={"from": "1950", "to": "1950"})
    rows = {row["id"]: row for row in events.json()}
    follows = rows["ev-1950-china-follows-soviet-lead"]
    assert follows["date"] == "1950~"
    assert follows["when"] == "about 1950"
    assert follows["source_name"] == "People's Republic of China"
    assert follows["target_name"] == "Union of Soviet Socialist Republics"
    for row in rows.values():
        assert row["citations"], row["id"]
        for citation in row["citations"]:
            assert citation["name"] in {"Library of Congress 1987", "Tagirova 2017"}
            assert citation["title"]
            assert citation["quote"]
            assert "\n" not in citation["quote"]
    # Adjacent passages of one source make one citation.
    meeting = httpx.get(
        f"{server.url}/api/record/events", params={"from": "1969-09", "to": "1969-09"}
    ).json()
    airport = next(row for row in meeting if row["id"] == "ev-1969-09-airport-meeting")
    assert len(airport["passages"]) == 5
    assert [c["name"] for c in airport["citations"]] == ["Library of Congress 1987",
                                                         "Tagirova 2017"]  # fmt: skip


def test_each_scenario_lists_its_own_presets_shocks_and_parameters(server: Server) -> None:
    scenarios = {s["name"]: s for s in httpx.get(f"{server.url}/api/scenarios").json()}
    sino, post = scenarios["sino-soviet"], scenarios["post-soviet-border"]
    assert [i["name"] for i in sino["interventions"]] == [
        "The Soviets keep the partial tactic in 1964", "Mao's 1964 remarks never happen",
        "Gorbachev does not consolidate power in 1990",
    ]  # fmt: skip
    assert post["interventions"] == []
    mao = next(k for k in sino["shocks"] if k["id"] == "mao-remarks-1964")
    assert (mao["when"], mao["headline"]) == ("July 1964", "Mao remarks")
    assert post["period"] == "December 1991 to December 2005, by quarter"
    assert post["states"]["kazakhstan"] == "Kazakhstan"  # a successor, by name
    for scenario in (sino, post):
        parameters = {p["name"]: p for p in scenario["parameters"]}
        assert len(parameters) == 46
        hazard = parameters["incident-hazard"]
        assert (hazard["low"], hazard["value"], hazard["high"]) == (0.0, 0.01, 0.2)
        assert hazard["meaning"]


def test_a_counterfactual_that_changes_nothing_says_why(server: Server) -> None:
    def what_if(*overrides: str) -> dict[str, object]:
        body = {"scenario": "sino-soviet", "runs": 8, "seed": 1, "set": list(overrides)}
        found: dict[str, object] = httpx.post(
            f"{server.url}/api/counterfactual", json=body, timeout=300
        ).json()
        return found

    assert what_if("shocks.mao-remarks-1964.enabled=false")["no_change"] is None
    same = what_if("shocks.mao-remarks-1964.value=95")
    assert same["no_change"] == (
        "Nothing changed: in each of the 8 paired runs every measure is the same, because "
        "shocks.mao-remarks-1964.value is already 95 in the scenario."
    )
    default = what_if("parameters.incident-hazard=0.01")
    assert "parameters.incident-hazard is already 0.01" in str(default["no_change"])
    lock = str(what_if("shocks.soviet-partial-tactic-1964.lock=true")["no_change"])
    assert lock.startswith("Nothing changed: in each of the 8 paired runs every measure is the")
    assert "border talks" in lock


def test_a_comparison_carries_the_lines_of_its_chart(server: Server) -> None:
    body = {"scenario": "sino-soviet", "runs": 8, "seed": 1}
    lines = httpx.post(f"{server.url}/api/compare", json=body, timeout=300).json()["lines"]
    assert (lines["counterpart"], lines["cut"]) == ("ussr", 1979)
    years = {row["year"]: row for row in lines["rows"]}
    assert min(years) == 1950
    assert max(years) == 1991
    for row in years.values():
        assert row["median"] is not None
        assert row["record"] is not None
        assert row["p05"] <= row["median"] <= row["p95"]
        assert row["persistence"] is not None
        assert row["trend"] is not None
    assert years[1981]["persistence"] == years[1991]["persistence"] == years[1979]["record"]
