"""The web app: a JSON API, four pages and the API's documentation, served by uvicorn
(``parley serve``). The pages: the record (``/``: events chosen by period, actor and issue,
with their citations, and the claims the sources dispute), the timeline (``/timeline``:
the events one at a time), a scenario's runs against the record (``/scenario``) and the
counterfactual (``/counterfactual``).

The API calls the same functions as the command line. Its limits (:class:`Limits`, with
their defaults; ``parley serve`` sets each):

- a request asks for at most ``max_runs`` runs (5,000), which the OpenAPI schema declares;
- runs in flight: run requests work together only while their runs, times the ensembles
  each holds (a counterfactual two, a comparison three), add up to at most ``run_budget``
  (5,000); a larger request runs alone, and at most ``max_concurrent`` (2) work at once.
  A run request waits in order of arrival up to ``queue_seconds`` (30 s) for its turn,
  then gets a 503 with ``Retry-After``, as does one beyond ``max_waiting`` (16) waiting.
  This bounds the memory that runs hold: about 0.15 MB a run of the built-in scenario,
  which goes back to the system when the run ends;
- at most ``max_in_flight`` (64) requests at once, ``/api/health`` aside; one more gets a
  503 with ``Retry-After`` at once;
- bodies of at most ``max_body`` bytes (16 KiB), arriving within ``body_seconds`` (10 s):
  413 and 408;
- record queries are worked out in ``query_threads`` (2) worker threads and kept, so that
  a burst of them leaves the event loop free: ``/api/health`` answers throughout;
- only the ``Host`` names the server serves are answered (400 otherwise);
- no request names a file: scenarios are the built-ins, or the ``*.yaml`` files of the
  configured scenario folder, named by their ``name``.

Every error is JSON, ``{"error": "one line"}``: 400 (a wrong Host), 404, 405 (with
``Allow``), 408, 413, 422 (a request the schema refuses, or one it allows that cannot be
carried out, such as an override of a field the scenario does not have) or 503 (busy, or
a failure of the server, which its log records); never a 500 or a traceback. Every answer
carries a strict Content-Security-Policy and its companions (see :mod:`parley.web.guards`).

The pages and the documentation are files of this package; nothing is loaded from
elsewhere, and no page has an inline script.

This module leaves out ``from __future__ import annotations`` on purpose: FastAPI and
pydantic read the annotations of the endpoints and request models, which name values
that ``create_app`` builds (the run cap, the scenarios' and actors' names).
"""

import json
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley import api
from parley.api import ParleyError
from parley.web import apidocs, memory, views
from parley.web.budget import Busy, RunBudget
from parley.web.guards import AnswerErrors, BoundBody, CheckHost, InFlight, SecurityHeaders
from parley.web.limits import ENSEMBLES, Limits
from parley.web.replies import Replies
from parley.web.validation import (
    DATE_QUERY,
    EDTF_HELP,
    Named,
    first_problem,
    query_date,
    run_requests,
)

if TYPE_CHECKING:
    from parley.api import RecordTables, Scenario

__all__ = ["Limits", "create_app"]


class Problem(BaseModel):
    """Every error: one line."""

    error: str


class Health(BaseModel):
    status: Literal["ok"]


@dataclass
class _State:
    record: "RecordTables"
    scenarios: dict[str, "Scenario"]
    texts: dict[str, str] = field(default_factory=dict)


def _scenarios(folder: Path | None) -> dict[str, "Scenario"]:
    """The built-in scenarios and those of ``folder``; a missing folder, a file that is not
    a valid scenario, or a name taken twice is a ParleyError naming it."""
    found = {row["name"]: api.load_scenario(row["name"]) for row in api.list_scenarios()}
    if folder is None:
        return found
    if not Path(folder).is_dir():
        where = api.Location("--scenarios", field=str(folder))
        raise api.InputError("no such folder", where, "a folder of scenario files")
    for path in sorted(Path(folder).glob("*.yaml")):
        scenario = api.load_scenario(path)
        if scenario.name in found:
            where = api.Location(str(path), field="name")
            raise api.InputError(
                f"another scenario is already named {scenario.name!r}", where, "a name of its own"
            )
        found[scenario.name] = scenario
    return found


def _description(limits: Limits) -> str:
    return f"""Sino-Soviet relations: the cited record, and models run against it.

Limits of this server:
- at most {limits.max_runs} runs a request;
- runs in flight: run requests work together only while their runs, times the ensembles \
each holds (a counterfactual two, a comparison three), add up to at most \
{limits.run_budget}; a larger request runs alone; at most {limits.max_concurrent} work at \
once. A run request waits up to {limits.queue_seconds:g} s for its turn, then gets a 503 \
with Retry-After, as does one beyond {limits.max_waiting} waiting;
- at most {limits.max_in_flight} requests at once (/api/health aside); one more gets a 503 \
with Retry-After;
- bodies of at most {limits.max_body} bytes (413), arriving within \
{limits.body_seconds:g} s (408);
- only the Host names this server serves are answered (400).

Every error is JSON, {{"error": "one line"}}: 400, 404, 405 (with Allow), 408, 413, 422 \
(refused by the schema, or allowed by it but impossible to carry out, such as an override \
of a field the scenario does not have) or 503 (busy, or a failure of the server)."""


def create_app(
    corpus: Path | None = None,
    scenario_folder: Path | None = None,
    limits: Limits | None = None,
    hosts: Iterable[str] | None = None,
) -> FastAPI:
    """The app, with the record (and the corpus texts, if given) loaded once.

    ``hosts`` are the ``Host`` header values it answers (see
    :func:`parley.web.guards.served_hosts`); None answers any, for an app that is not
    served on a network.
    """
    limits = limits or Limits()
    record = api.load_record()
    state = _State(record, _scenarios(scenario_folder))
    if corpus is not None:
        state.texts = api.corpus_texts(record, corpus)
    budget = RunBudget(limits.max_concurrent, limits.run_budget, limits.max_waiting)
    replies = Replies(size=256, threads=limits.query_threads)
    problems: dict[int | str, dict[str, Any]] = {
        400: {"model": Problem, "description": "A Host this server does not serve."},
        408: {"model": Problem, "description": "The body did not arrive in time."},
        413: {"model": Problem, "description": "The body is too large."},
        422: {"model": Problem, "description": "A request that cannot be carried out."},
        503: {"model": Problem, "description": "Busy (see Retry-After), or a server failure."},
    }
    app = FastAPI(
        title="parley",
        version=_version(),
        description=_description(limits),
        responses=problems,
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(ParleyError)
    async def parley_error(request: Request, exc: ParleyError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": first_problem(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # A 405 carries Allow: the router and the static files both set it.
        return JSONResponse({"error": str(exc.detail)}, exc.status_code, headers=exc.headers)

    async def within_budget(kind: str, runs: int, work: Callable[[], dict[str, Any]]) -> Any:
        """``work`` in a worker thread, once the budget of runs in flight has room for it;
        its answer as strict JSON can hold it (NaN as null)."""
        try:
            async with budget.hold(runs * ENSEMBLES[kind], limits.queue_seconds):
                return api.json_ready(await run_in_threadpool(_releasing, work))
        except Busy:
            wait = math.ceil(limits.queue_seconds)
            message = (f"the server is busy with other runs ({budget.used} of "
                       f"{budget.budget} runs in flight); try again in {wait} s")  # fmt: skip
            raise HTTPException(503, message, headers={"Retry-After": str(wait)}) from None

    @app.get("/api/health")
    async def health() -> Health:
        """Whether the server answers; it does even while busy."""
        return Health(status="ok")

    listed = _json(
        [views.scenario_listing(s, api.scenario_record(s)) for s in state.scenarios.values()]
    )

    @app.get("/api/scenarios", response_model=list[dict[str, Any]])
    async def scenarios() -> Response:
        """The scenarios this server runs: each one's period in words, its issues and states
        by name, its shocks (which a counterfactual can switch off) with the record events
        they stand for, the interventions it invites (``set`` overrides under a name), the
        model's documented parameters with its values and their ranges, and its outcomes."""
        return Response(listed, media_type="application/json")

    actors = Named("actor", dict(zip(record.actors["id"], record.actors["name"], strict=True)))
    issues = Named("issue", dict(zip(record.issues["id"], record.issues["name"], strict=True)))
    choices = _json(views.record_choices(record))

    @app.get("/api/record/choices", response_model=dict[str, Any])
    async def record_choices() -> Response:
        """What a query of the record chooses from: its actors and issues (id, name), its
        named periods and its decades (as ``from`` and ``to`` take them), and its sources."""
        return Response(choices, media_type="application/json")

    date_query = {"pattern": DATE_QUERY, "description": EDTF_HELP}

    @app.get("/api/record/events", response_model=list[dict[str, Any]])
    async def events(
        start: Annotated[str | None, Query(alias="from", **date_query)] = None,
        end: Annotated[str | None, Query(alias="to", **date_query)] = None,
        actor: Annotated[
            str | None,
            Query(
                description="An actor, by id or name in any case (kosygin, Aleksey Kosygin, "
                "KOSYGIN); a state's also finds its leaders' acts. /api/record/choices lists "
                "them.",
                json_schema_extra={"pattern": actors.pattern},
            ),
            AfterValidator(actors.check),
        ] = None,
        issue: Annotated[
            str | None,
            Query(
                description="An issue, by id or name in any case; it also finds the issues "
                "within it. /api/record/choices lists them.",
                json_schema_extra={"pattern": issues.pattern},
            ),
            AfterValidator(issues.check),
        ] = None,
    ) -> Response:
        """Events overlapping [from, to], by actor and issue. Each has its date in words
        (``when``), the names of its actors and issues, the question of its contested claim,
        and its ``citations``: the source's name and title and the span of each passage,
        with the quoted words (and ``quotes``, one per passage) when the server was started
        with a corpus (null otherwise)."""
        start, end = query_date(start), query_date(end)

        def build() -> bytes:
            found = api.query_events(state.record, start, end, actor, issue)
            return _json(views.event_rows(state.record, api.frame_records(found), state.texts))

        found = await replies.get(("events", start, end, actor, issue), build)
        return Response(found, media_type="application/json")

    claims_all = views.claim_rows(record, api.query_claims(state.record), state.texts)

    @app.get("/api/record/claims")
    async def claims(
        issue: Annotated[
            str | None,
            Query(
                description="An issue, by id or name in any case.",
                json_schema_extra={"pattern": issues.pattern},
            ),
            AfterValidator(issues.check),
        ] = None,
    ) -> list[dict[str, Any]]:
        """Contested claims, each with its alternatives, who holds them, and their
        citations."""
        return [c for c in claims_all if issue is None or issue in c.get("issues", [])]

    RunRequest, CounterfactualRequest = run_requests(limits, sorted(state.scenarios))

    @app.post("/api/runs")
    async def runs(request: RunRequest) -> dict[str, Any]:  # type: ignore[valid-type]
        """The same summary as ``parley run --format json``."""
        asked = _Asked.of(request)
        scenario = state.scenarios[asked.scenario]

        def work() -> dict[str, Any]:
            return api.run_summary(api.run(scenario, asked.runs, asked.seed, asked.set))

        result: dict[str, Any] = await within_budget("runs", asked.runs, work)
        return result

    @app.post("/api/compare")
    async def compare(request: RunRequest) -> dict[str, Any]:  # type: ignore[valid-type]
        """The run summary, and its scores against the record beside the naive baselines
        and the placebo, as ``parley compare --format json`` (three ensembles of ``runs``);
        and the ``lines`` of a chart of the yearly index: per year, the model's median and
        5-95% of runs, the record's index and the persistence and trend baselines."""
        asked = _Asked.of(request)
        scenario = state.scenarios[asked.scenario]

        def work() -> dict[str, Any]:
            ensemble = api.run(scenario, asked.runs, asked.seed, asked.set)
            return {
                "summary": api.run_summary(ensemble),
                "scores": api.compare(ensemble),
                "lines": api.index_lines(ensemble),
            }

        result: dict[str, Any] = await within_budget("compare", asked.runs, work)
        return result

    @app.post("/api/counterfactual")
    async def counterfactual(request: CounterfactualRequest) -> dict[str, Any]:  # type: ignore[valid-type]
        """Baseline and intervention on paired seeds: the differences, and both summaries;
        ``no_change``, when no measure moved in any run, says so and why."""
        asked = _Asked.of(request)
        scenario = state.scenarios[asked.scenario]

        def work() -> dict[str, Any]:
            return api.counterfactual(scenario, asked.set, asked.runs, asked.seed)

        result: dict[str, Any] = await within_budget("counterfactual", asked.runs, work)
        return result

    pages = files("parley.web").joinpath("pages")
    for route, page in (("/", "record.html"), ("/timeline", "timeline.html"),
                        ("/scenario", "scenario.html"),
                        ("/counterfactual", "counterfactual.html")):  # fmt: skip
        text = pages.joinpath(page).read_text(encoding="utf-8")
        app.add_api_route(route, _page(text), include_in_schema=False, methods=["GET"])
    app.add_api_route("/docs", _page(apidocs.render(app.openapi())), include_in_schema=False,
                      methods=["GET"])  # fmt: skip
    static = Path(str(files("parley.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")

    # The last added is the outermost: see parley.web.guards for the order.
    app.add_middleware(InFlight, limit=limits.max_in_flight, exempt={"/api/health"})
    app.add_middleware(BoundBody, limit=limits.max_body, seconds=limits.body_seconds)
    if hosts is not None:
        app.add_middleware(CheckHost, hosts=hosts)
    app.add_middleware(AnswerErrors)
    app.add_middleware(SecurityHeaders)
    return app


@dataclass(frozen=True)
class _Asked:
    """What a run request asks for, typed (the request models are built per app)."""

    scenario: str
    runs: int
    seed: int
    set: tuple[str, ...]

    @classmethod
    def of(cls, request: Any) -> "_Asked":
        return cls(request.scenario, request.runs, request.seed, tuple(request.set))


def _releasing(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``work``'s result; the memory it freed goes back to the system."""
    try:
        return work()
    finally:
        memory.release()


def _page(text: str) -> Callable[[], Awaitable[HTMLResponse]]:
    async def serve() -> HTMLResponse:
        return HTMLResponse(text)

    return serve


def _json(data: Any) -> bytes:
    """JSON as the API answers it (as Starlette's JSONResponse writes it, NaN as null)."""
    return json.dumps(
        api.json_ready(data), ensure_ascii=False, allow_nan=False, separators=(",", ":")
    ).encode()


def _version() -> str:
    from importlib.metadata import version

    return version("parley")
