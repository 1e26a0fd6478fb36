"""The web app's defences, against the real app under uvicorn in its own process.

Security headers, the Host check, 405 with Allow, bodies refused as they stream (413) or
when they come too slowly (408), the API documentation served from the package, strict
request types, Schemathesis with every check, a burst of 300 requests during which
``/api/health`` answers within the issue's bound of 1 s, and ``parley serve`` refusing to
start on a bad folder, an invalid scenario or a port in use. Beside them, the pieces that
need no server: the budget of runs in flight, the hosts a server answers, and the EDTF
dates the schema allows.

The only times measured are the health answers' (the bound the issue states); elsewhere
"at once" is checked by what the server read, not by a clock.
"""

from __future__ import annotations

import asyncio
import json
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from parley.record.dates import bounds
from parley.web.budget import Busy, RunBudget
from parley.web.guards import served_hosts
from parley.web.validation import DATE_QUERY, EDTF_QUERY, query_date

from .conftest import ROOT, Server, run_parley, start_server, stop_server

SECURITY = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A server with small caps, so that fuzzing and the burst stay quick."""
    running = start_server("--max-runs", "5", "--body-seconds", "2")
    yield running
    stop_server(running)


def _port(server: Server) -> int:
    port = urlsplit(server.url).port
    assert port is not None
    return port


def _rss(server: Server) -> int:
    """The server process's resident memory, in bytes."""
    status = Path(f"/proc/{server.process.pid}/status").read_text(encoding="utf-8")
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def _assert_one_line_of_json(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/json"), response.text
    error = response.json()["error"]
    assert error
    assert "\n" not in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/", None, 200),
        ("get", "/docs", None, 200),
        ("get", "/static/charts.js", None, 200),
        ("get", "/api/health", None, 200),
        ("get", "/api/scenarios", None, 200),
        ("get", "/api/nothing-here", None, 404),
        ("post", "/api/runs", {"runs": 6}, 422),
        ("delete", "/api/runs", None, 405),
    ],
)
def test_every_answer_carries_the_security_headers(
    server: Server, method: str, path: str, body: object, status: int
) -> None:
    response = httpx.request(method, f"{server.url}{path}", json=body, timeout=60)
    assert response.status_code == status, response.text
    for name, value in SECURITY.items():
        assert value in response.headers[name], name
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    if status >= 400:
        _assert_one_line_of_json(response)


def test_a_request_for_another_host_is_refused(server: Server) -> None:
    port = _port(server)
    for host in ("rebound.example", f"rebound.example:{port}", "127.0.0.1:1", "localhost"):
        response = httpx.get(f"{server.url}/api/health", headers={"Host": host})
        assert response.status_code == 400, host
        _assert_one_line_of_json(response)
        assert "Host" in response.json()["error"]
        assert response.headers["x-frame-options"] == "DENY"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert httpx.get(f"{server.url}/api/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    ("host", "port", "extra", "hosts"),
    [
        ("127.0.0.1", 8000, (), {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}),
        ("::1", 8000, (), {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}),
        ("0.0.0.0", 8000, ("Atlas",), {"127.0.0.1:8000", "localhost:8000", "[::1]:8000",
                                        "atlas:8000"}),
        ("192.0.2.7", 8000, (), {"192.0.2.7:8000"}),
        ("2001:db8::7", 80, (), {"[2001:db8::7]:80", "[2001:db8::7]"}),
        ("parley.example", 8080, (), {"parley.example:8080"}),
    ],
)  # fmt: skip
def test_the_hosts_a_server_answers(
    host: str, port: int, extra: tuple[str, ...], hosts: set[str]
) -> None:
    assert served_hosts(host, port, extra) == hosts


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("put", "/api/runs", "POST"),
        ("get", "/api/counterfactual", "POST"),
        ("post", "/api/health", "GET"),
        ("delete", "/api/record/events", "GET"),
        ("post", "/static/style.css", "GET, HEAD"),
    ],
)
def test_a_405_names_the_methods_allowed(
    server: Server, method: str, path: str, allow: str
) -> None:
    response = httpx.request(method, f"{server.url}{path}")
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    _assert_one_line_of_json(response)


def _answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """The status and JSON body of the HTTP answer waiting on ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body[: _length(data)])


def _length(data: bytes) -> int:
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def test_a_large_chunked_body_is_refused_as_it_streams(server: Server) -> None:
    """50 MB sent in chunks: the server answers 413 once it has counted past the limit,
    and reads no more; its memory does not grow by anything like the body."""
    port = _port(server)
    before = _rss(server)
    chunk = b"x" * 65536
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port
            + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        while sent < 50 * 2**20:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there
            try:
                sock.sendall(framed)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        else:
            pytest.fail("the server read the whole 50 MB body")
        status, body = _answer(sock)
    assert status == 413
    assert "bodies are limited to 16384 bytes" in str(body["error"])
    assert sent < 20 * 2**20, f"the client sent {sent} bytes before the answer"
    assert _rss(server) - before < 20 * 2**20


def test_a_declared_length_above_the_limit_is_refused_before_any_body(server: Server) -> None:
    port = _port(server)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port
            + b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
        )
        status, body = _answer(sock)
    assert status == 413
    assert "bodies are limited" in str(body["error"])


def test_a_body_that_does_not_arrive_in_time_gets_a_408(server: Server) -> None:
    """The test server gives a body 2 s; this one sends 10 of its 100 bytes and stops."""
    port = _port(server)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port
            + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            + b'{"runs": 1'
        )
        status, body = _answer(sock)
    assert status == 408
    assert "did not arrive within 2 s" in str(body["error"])


class _Sources(HTMLParser):
    """The sources a page loads (scripts, style sheets, images, icons) and its inline
    scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for key in ("src", "href"):
            if named.get(key) and (tag != "a"):
                self.sources.append(str(named[key]))
        if tag == "script":
            self._in_script = not named.get("src")
        if tag == "style" or "style" in named or any(k.startswith("on") for k in named):
            self.inline_scripts += 1  # inline style or handler: the CSP would block it

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


@pytest.mark.parametrize("path", ["/docs", "/", "/timeline", "/scenario", "/counterfactual"])
def test_pages_load_nothing_from_elsewhere_and_nothing_inline(server: Server, path: str) -> None:
    response = httpx.get(f"{server.url}{path}")
    assert response.status_code == 200
    page = _Sources()
    page.feed(response.text)
    assert page.sources
    assert all(source.startswith("/") and not source.startswith("//") for source in page.sources)
    assert "http://" not in response.text.replace('"http://www.w3.org', "")
    assert "https://" not in response.text
    assert page.inline_scripts == 0
    for source in page.sources:
        assert httpx.get(f"{server.url}{source}").status_code == 200, source


def test_the_docs_describe_every_operation_with_its_limits(server: Server) -> None:
    page = httpx.get(f"{server.url}/docs").text
    schema = httpx.get(f"{server.url}/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in page
    assert "at most 5" in page  # the run cap of this server
    assert "sino-soviet" in page  # the scenarios it runs
    assert "EDTF" in page
    assert "PATH=VALUE" in page
    assert "runs in flight" in page


def test_the_schema_declares_the_live_limits(server: Server) -> None:
    schema = httpx.get(f"{server.url}/openapi.json").json()
    body = schema["components"]["schemas"]["RunRequest"]
    assert body["properties"]["runs"]["maximum"] == 5
    assert body["properties"]["runs"]["default"] <= 5
    assert body["properties"]["scenario"]["enum"] == ["post-soviet-border", "sino-soviet"]
    assert body["additionalProperties"] is False
    assert "pattern" in body["properties"]["set"]["items"]
    events = schema["paths"]["/api/record/events"]["get"]["parameters"]
    by_name = {p["name"]: p for p in events}
    assert "pattern" in json.dumps(by_name["from"]["schema"])
    for name, spellings in (("actor", ["kosygin", "Aleksey Kosygin", "ALEKSEY KOSYGIN"]),
                            ("issue", ["border", "The boundary", "the BOUNDARY"])):  # fmt: skip
        pattern = by_name[name]["schema"]["pattern"]
        assert all(re.fullmatch(pattern, spelling) for spelling in spellings), name
        assert not re.search(pattern, "nobody")
        assert not re.search(pattern, f"{spellings[0]}x")
    assert "5 runs a request" in schema["info"]["description"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"seed": False}, "body.seed: Input should be a valid integer"),
        ({"runs": "100"}, "body.runs: Input should be a valid integer"),
        ({"runs": 5.0}, "body.runs: Input should be a valid integer"),
        ({"runs": 6}, "body.runs: Input should be less than or equal to 5"),
        ({"runs": 0}, "body.runs: Input should be greater than or equal to 1"),
        ({"seed": -1}, "body.seed"),
        ({"scenario": "nowhere"}, "body.scenario: no scenario 'nowhere'"),
        ({"set": "parameters.incident-hazard=0.02"}, "body.set"),
        ({"set": ["no equals sign"]}, "is not PATH=VALUE"),
        ({"set": ["relation=5"]}, "no field 'relation'"),
        ({"set": ["parameters.incident-hazard=nan"]}, "parameters.incident-hazard"),
    ],
)
def test_what_the_schema_refuses_the_server_refuses(
    server: Server, body: dict[str, object], message: str
) -> None:
    response = httpx.post(f"{server.url}/api/runs", json=body, timeout=60)
    assert response.status_code == 422, response.text
    _assert_one_line_of_json(response)
    assert message in response.json()["error"]


def test_the_largest_body_the_schema_allows_is_within_the_body_limit(server: Server) -> None:
    """Twenty overrides of 200 characters, each of which JSON doubles: read, not refused
    as too large (and then refused because the scenario has no such field)."""
    body = {"scenario": "post-soviet-border", "runs": 5, "seed": 2**32 - 1,
            "set": ["a=" + '"' * 198] * 20}  # fmt: skip
    assert len(json.dumps(body)) > 8000
    response = httpx.post(f"{server.url}/api/runs", json=body, timeout=60)
    assert response.status_code == 422, response.text
    assert "no field 'a'" in response.json()["error"]


@settings(max_examples=500, deadline=None)
@given(st.from_regex(EDTF_QUERY, fullmatch=True))
def test_every_date_the_schema_allows_is_one_the_record_can_query(text: str) -> None:
    """So that a query the schema allows is never refused for its dates."""
    first, last = bounds(text)
    assert first <= last


@settings(max_examples=300, deadline=None)
@given(st.from_regex(DATE_QUERY, fullmatch=True))
def test_every_query_date_reads_as_edtf_the_record_can_query(text: str) -> None:
    """The dates a query takes, a decade in words (1960s) among them, read as EDTF dates."""
    edtf = query_date(text)
    assert edtf is not None
    assert re.fullmatch(EDTF_QUERY, edtf)
    first, last = bounds(edtf)
    assert first <= last
    if text.endswith("s"):
        assert (first.year, last.year) == (int(text[:4]), int(text[:4]) + 9)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "19XX-99"}, "The date to start from, '19XX-99', is not a date parley can"),
        ({"to": "1969-02-29"}, "The date to end at, '1969-02-29', is not"),
        ({"actor": "nobody"}, "No actor called 'nobody' in the record."),
        ({"issue": "nothing"}, "No issue called 'nothing' in the record."),
    ],
)
def test_a_bad_record_query_gets_a_422(server: Server, query: dict[str, str], message: str) -> None:
    response = httpx.get(f"{server.url}/api/record/events", params=query)
    assert response.status_code == 422, response.text
    _assert_one_line_of_json(response)
    assert message in response.json()["error"]


# Two tunings of Schemathesis's defaults, both of the kind its explanations of the checks
# name, and only for the run operations:
# - the schema cannot say which overrides a scenario has: an override of a path it lacks
#   is well formed but cannot be carried out, and gets a 422 ("an unknown id or a
#   cross-field rule");
# - a body the schema refuses may also be too large, and is refused with a 413 before it
#   is read. (Every body the schema allows fits within the limit.)
_CONFIG = """
[[operations]]
include-path-regex = "^/api/(runs|compare|counterfactual)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]
checks.negative_data_rejection.expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]
"""


def test_schemathesis_finds_nothing_with_every_check(server: Server) -> None:
    config = schemathesis.config.SchemathesisConfig.from_str(_CONFIG)
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json", config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} == {
        "GET /api/health", "GET /api/scenarios", "GET /api/record/choices",
        "GET /api/record/events", "GET /api/record/claims", "POST /api/runs",
        "POST /api/compare", "POST /api/counterfactual",
    }  # fmt: skip
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if list(operation.iter_parameters()) or len(operation.body):
            modes.append(GenerationMode.NEGATIVE)  # something to get wrong
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=30,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(timeout=60)

            check()


def test_schemathesis_coverage_phase_finds_nothing_with_every_check(
    server: Server, tmp_path: Path
) -> None:
    """The phase that the Python API above does not draw: the schema's edge values, missing
    and wrong types, and methods the schema does not declare (405 with Allow), run by
    Schemathesis's own command line."""
    config = tmp_path / "schemathesis.toml"
    config.write_text(_CONFIG, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
         f"{server.url}/openapi.json", "--checks", "all", "--phases", "examples,coverage",
         "--workers", "1", "--no-color"],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "8 passed" in done.stdout, done.stdout[-3000:]


# A burst of every kind of request, from a process of its own: it prints one record per
# request (kind, status, whether the answer was JSON and an error one line).
_BURST = r"""
import asyncio, json, sys
import httpx

async def main(url, count):
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def one(n):
            kind = n % 10
            try:
                if kind == 0:
                    r = await client.get("/api/scenarios")
                elif kind in (1, 2):
                    query = {"from": str(1950 + n % 41), "to": str(1955 + n % 37)}
                    r = await client.get("/api/record/events", params=query)
                elif kind == 3:
                    r = await client.get("/api/record/claims", params={"issue": "border"})
                elif kind == 4:
                    r = await client.post("/api/runs", json={"runs": 1 + n % 5, "seed": n})
                elif kind == 5:
                    body = {"runs": 2, "seed": n, "set": ["shocks.gorbachev-president.enabled=false"]}
                    r = await client.post("/api/counterfactual", json=body)
                elif kind == 6:
                    r = await client.post("/api/runs", json={"runs": "100", "seed": False})
                elif kind == 7:
                    r = await client.get("/api/record/events", params={"from": "19XX-99"})
                elif kind == 8:
                    r = await client.put("/api/runs")
                else:
                    r = await client.get("/api/health", headers={"Host": "rebound.example"})
            except httpx.HTTPError as exc:
                return {"kind": kind, "status": None, "error": type(exc).__name__}
            is_json = r.headers.get("content-type", "").startswith("application/json")
            one_line = r.status_code < 300 or (is_json and "\n" not in r.json().get("error", "\n"))
            return {"kind": kind, "status": r.status_code, "json": is_json, "one_line": one_line}
        print(json.dumps(await asyncio.gather(*(one(n) for n in range(count)))))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_a_burst_of_300_leaves_health_answering_and_memory_where_it_was(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=120) as client:  # warm up every kind once
        assert client.get("/api/record/events", params={"from": "1969"}).status_code == 200
        assert client.post("/api/runs", json={"runs": 5, "seed": 1}).status_code == 200
        body = {"runs": 2, "set": ["shocks.gorbachev-president.enabled=false"]}
        assert client.post("/api/counterfactual", json=body).status_code == 200
    warm = _rss(server)
    burst = subprocess.Popen(
        [sys.executable, "-c", _BURST, server.url, "300"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    waits: list[float] = []
    with httpx.Client(base_url=server.url, timeout=30) as client:
        while burst.poll() is None:
            asked = time.perf_counter()
            assert client.get("/api/health").json() == {"status": "ok"}
            waits.append(time.perf_counter() - asked)
            time.sleep(0.05)
    out, err = burst.communicate()
    assert burst.returncode == 0, err
    results = json.loads(out)
    assert len(results) == 300
    assert len(waits) > 5  # polled throughout the burst
    assert max(waits) < 1.0, sorted(waits)[-5:]  # the bound
    statuses = {r["status"] for r in results}
    assert None not in statuses, [r for r in results if r["status"] is None][:5]
    assert statuses <= {200, 400, 405, 422, 503}, statuses
    assert all(r["json"] and r["one_line"] for r in results if r["status"] != 200)
    for kind in range(10):  # every kind got answered as it should at least once
        expected = {6: 422, 7: 422, 8: 405, 9: 400}.get(kind, 200)
        assert any(r["status"] == expected for r in results if r["kind"] == kind), kind
    assert _rss(server) - warm < 150 * 2**20


def test_the_run_budget_admits_in_order_while_the_runs_fit() -> None:
    """Two slots and 10 runs in flight, two may wait: a request that would pass the budget
    waits, and those behind it wait their turn; one that costs more than the whole budget
    runs alone; one that cannot wait, or waits too long, is refused."""

    async def requests() -> list[str]:
        budget = RunBudget(slots=2, budget=10, waiting=2)
        log: list[str] = []
        done = {name: asyncio.Event() for name in "abcdefg"}

        async def request(name: str, cost: int, wait: float = 30.0) -> None:
            try:
                async with budget.hold(cost, wait):
                    log.append(f"{name} runs")
                    await done[name].wait()
                log.append(f"{name} ends")
            except Busy:
                log.append(f"{name} refused")

        async def step() -> None:
            await asyncio.sleep(0.01)

        tasks = []
        for name, cost in (("a", 6), ("b", 6), ("c", 1), ("d", 1)):
            tasks.append(asyncio.create_task(request(name, cost)))
            await step()
        assert log == ["a runs", "d refused"]  # b would pass 10; c waits behind b
        done["a"].set()
        await step()
        assert log[2:] == ["a ends", "b runs", "c runs"]
        tasks.append(asyncio.create_task(request("e", 50)))  # more than the whole budget
        await step()
        tasks.append(asyncio.create_task(request("f", 1, wait=0.05)))
        await asyncio.sleep(0.2)
        assert log[5:] == ["f refused"]  # it waited behind e and gave up
        done["b"].set()
        done["c"].set()
        await step()
        assert log[6:] == ["b ends", "c ends", "e runs"]
        assert (budget.working, budget.used) == (1, 50)
        done["e"].set()
        await asyncio.gather(*tasks)
        assert (budget.working, budget.used) == (0, 0)
        return log

    assert asyncio.run(requests())[-1] == "e ends"


def _serve(*args: str | Path) -> tuple[int, str, str]:
    done = run_parley("serve", *args)
    return done.code, done.stdout, done.stderr


def test_serve_refuses_a_missing_scenario_folder(tmp_path: Path) -> None:
    code, out, err = _serve("--port", "1", "--scenarios", tmp_path / "nowhere")
    assert (code, out) == (2, "")
    assert (
        err
        == f"parley: error: --scenarios: {tmp_path / 'nowhere'}: no such folder (expected a folder of scenario files)\n"
    )


def test_serve_refuses_an_invalid_scenario_naming_file_line_and_field(tmp_path: Path) -> None:
    built_in = ROOT / "src" / "parley" / "data" / "sino_soviet" / "scenario.yaml"
    lines = built_in.read_text(encoding="utf-8").splitlines()
    lines = [
        "name: my-copy" if line.startswith("name:") else
        "step: fortnight" if line.startswith("step:") else line
        for line in lines
    ]  # fmt: skip
    (tmp_path / "copy.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    number = lines.index("step: fortnight") + 1
    code, out, err = _serve("--port", "1", "--scenarios", tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith(f"parley: error: {tmp_path / 'copy.yaml'}:{number}:")
    assert "step:" in err
    assert err.count("\n") == 1


def test_serve_refuses_a_port_in_use_before_saying_it_serves() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = _serve("--port", str(port))
    assert (code, out) == (2, "")
    assert err.startswith(f"parley: error: --host/--port: 127.0.0.1:{port}: cannot listen there")
    assert err.count("\n") == 1
