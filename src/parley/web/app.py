"""The web app: a JSON API and three pages, served by uvicorn (``parley serve``).

The API calls the same functions as the command line. Its limits:

- at most ``max_runs`` runs per request, and request bodies of at most ``max_body`` bytes;
- at most ``max_concurrent`` runs at a time; a request beyond that waits up to
  ``queue_seconds`` for a slot, then gets a 429;
- no request names a file: scenarios are the built-ins, or the ``*.yaml`` files of the
  configured scenario folder, named by their ``name``;
- every error is JSON with a 4xx status.

The pages are static files of this package, with a small script of its own; nothing is
loaded from elsewhere.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley import api
from parley.api import ParleyError

if TYPE_CHECKING:
    from parley.api import RecordTables, Scenario

__all__ = ["Limits", "create_app"]

ScenarioName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["sino-soviet"])]
Override = Annotated[str, Field(min_length=3, max_length=200, pattern=r"^[A-Za-z0-9_.-]+=[^\n]*$")]


@dataclass(frozen=True)
class Limits:
    max_runs: int = 5000
    max_body: int = 16_384
    max_concurrent: int = 2
    queue_seconds: float = 30.0


class RunRequest(BaseModel):
    """A scenario to run: ``set`` holds ``PATH=VALUE`` overrides of its inputs."""

    model_config = ConfigDict(extra="forbid")
    scenario: ScenarioName = "sino-soviet"
    runs: int = Field(100, ge=1, description="At most the server's limit (5,000 by default).")
    seed: int = Field(0, ge=0, le=2**32 - 1)
    set: list[Override] = Field(default_factory=list, max_length=20)


class CounterfactualRequest(RunRequest):
    set: list[Override] = Field(min_length=1, max_length=20)


class Problem(BaseModel):
    error: str


@dataclass
class _State:
    record: RecordTables
    scenarios: dict[str, Scenario]
    texts: dict[str, str] = field(default_factory=dict)


def _scenarios(folder: Path | None) -> dict[str, Scenario]:
    found = {row["name"]: api.load_scenario(row["name"]) for row in api.list_scenarios()}
    if folder is not None:
        for path in sorted(Path(folder).glob("*.yaml")):
            scenario = api.load_scenario(path)
            found.setdefault(scenario.name, scenario)
    return found


def create_app(
    corpus: Path | None = None, scenario_folder: Path | None = None, limits: Limits | None = None
) -> FastAPI:
    """The app, with the record (and the corpus texts, if given) loaded once."""
    limits = limits or Limits()
    record = api.load_record()
    state = _State(record, _scenarios(scenario_folder))
    if corpus is not None:
        state.texts = api.corpus_texts(record, corpus)
    slots = asyncio.Semaphore(limits.max_concurrent)
    app = FastAPI(
        title="parley",
        version=_version(),
        description="Sino-Soviet relations: the cited record, and models run against it.",
        responses={400: {"model": Problem}, 413: {"model": Problem}, 429: {"model": Problem}},
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limits.max_body):
            return JSONResponse({"error": f"bodies are limited to {limits.max_body} bytes"}, 413)
        body = await request.body()  # also bounds bodies sent without a length
        if len(body) > limits.max_body:
            return JSONResponse({"error": f"bodies are limited to {limits.max_body} bytes"}, 413)
        return await call_next(request)

    @app.exception_handler(ParleyError)
    async def parley_error(request: Request, exc: ParleyError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse({"error": f"{where}: {first.get('msg')}"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    def scenario_of(name: str) -> Scenario:
        if name not in state.scenarios:
            raise HTTPException(404, f"no scenario {name!r}; see /api/scenarios")
        return state.scenarios[name]

    def check_runs(runs: int) -> None:
        if runs > limits.max_runs:
            raise HTTPException(400, f"at most {limits.max_runs} runs per request")

    async def bounded(work: Any, *args: Any) -> Any:
        try:
            await asyncio.wait_for(slots.acquire(), timeout=limits.queue_seconds)
        except TimeoutError:
            raise HTTPException(429, "the server is busy with other runs; try again") from None
        try:
            return await run_in_threadpool(work, *args)
        finally:
            slots.release()

    @app.get("/api/scenarios")
    def scenarios() -> list[dict[str, Any]]:
        """The scenarios this server runs, with their shocks (which a counterfactual can
        switch off) and parameters."""
        return [
            {
                "name": s.name,
                "title": s.title,
                "period": f"{s.start} to {s.end}, by {s.step}",
                "shocks": [
                    {
                        "id": k.id,
                        "kind": k.kind,
                        "date": str(k.date),
                        "event": k.event,
                        "note": k.note,
                    }
                    for k in s.shocks
                ],
                "parameters": dict(s.parameters),
            }
            for s in state.scenarios.values()
        ]

    @app.get("/api/record/events")
    def events(
        start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        actor: Annotated[str | None, Query(max_length=64)] = None,
        issue: Annotated[str | None, Query(max_length=64)] = None,
    ) -> list[dict[str, Any]]:
        """Events overlapping [from, to] (EDTF), by actor and issue, each with its date in
        words (``when``) and, when the server was started with a corpus, the quoted text
        of each passage (``quotes``)."""
        frame = api.query_events(state.record, start, end, actor, issue)
        rows = api.frame_records(frame)
        for row in rows:
            row["when"] = api.describe_date(row["date"])
            row["quotes"] = (
                [_quote(state.texts, key) for key in row["passages"]] if state.texts else None
            )
        return rows

    @app.get("/api/record/claims")
    def claims(
        issue: Annotated[str | None, Query(max_length=64)] = None,
    ) -> list[dict[str, Any]]:
        """Contested claims, each with its alternatives and who holds them."""
        found = api.query_claims(state.record)
        return [c for c in found if issue is None or issue in c.get("issues", [])]

    @app.post("/api/runs")
    async def runs(request: RunRequest) -> dict[str, Any]:
        """The same summary as ``parley run --format json``."""
        check_runs(request.runs)
        scenario = scenario_of(request.scenario)

        def work() -> dict[str, Any]:
            ensemble = api.run(scenario, request.runs, request.seed, tuple(request.set))
            return api.run_summary(ensemble)

        result: dict[str, Any] = await bounded(work)
        return result

    @app.post("/api/compare")
    async def compare(request: RunRequest) -> dict[str, Any]:
        """The run summary, and its scores against the record beside the naive baselines
        and the placebo, as ``parley compare --format json`` (three ensembles of ``runs``)."""
        check_runs(request.runs)
        scenario = scenario_of(request.scenario)

        def work() -> dict[str, Any]:
            ensemble = api.run(scenario, request.runs, request.seed, tuple(request.set))
            return {"summary": api.run_summary(ensemble), "scores": api.compare(ensemble)}

        result: dict[str, Any] = await bounded(work)
        return result

    @app.post("/api/counterfactual")
    async def counterfactual(request: CounterfactualRequest) -> dict[str, Any]:
        """Baseline and intervention on paired seeds: the differences, and both summaries."""
        check_runs(request.runs)
        scenario = scenario_of(request.scenario)

        def work() -> dict[str, Any]:
            return api.counterfactual(scenario, tuple(request.set), request.runs, request.seed)

        result: dict[str, Any] = await bounded(work)
        return result

    pages = files("parley.web").joinpath("pages")
    for route, page in (("/", "record.html"), ("/scenario", "scenario.html"),
                        ("/counterfactual", "counterfactual.html")):  # fmt: skip
        path = Path(str(pages.joinpath(page)))
        app.add_api_route(route, _page(path), include_in_schema=False, methods=["GET"])
    static = Path(str(files("parley.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app


def _page(path: Path) -> Any:
    def serve() -> FileResponse:
        return FileResponse(path, media_type="text/html")

    return serve


def _quote(texts: dict[str, str], key: str) -> str:
    source, _, span = key.partition("[")
    start, _, end = span.rstrip("]").partition(":")
    return texts[source][int(start) : int(end)]


def _version() -> str:
    from importlib.metadata import version

    return version("parley")
