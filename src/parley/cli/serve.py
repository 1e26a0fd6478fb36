"""``parley serve``: the web app.

It fails before it starts, with one line and exit status 2, when the scenario folder is
missing or holds a file that is not a valid scenario, and when it cannot listen on the
address: it binds the socket itself before it says that it serves, then hands the socket
to uvicorn.
"""

import socket
from pathlib import Path
from typing import Annotated

import typer

from parley import api
from parley.web.limits import Limits

__all__ = ["serve"]

_DEFAULT = Limits()


def serve(
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS",
            help="The address to listen on; 0.0.0.0 opens the app to the network, "
            "e.g. --host 0.0.0.0.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            min=1, max=65535, metavar="PORT", help="The port to listen on, e.g. --port 8080."
        ),
    ] = 8000,
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="The source texts, to quote the cited passages in the pages, "
            "e.g. --corpus ../shared/corpus.",
        ),
    ] = None,
    scenarios: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="A folder of scenario files to serve beside the built-ins, "
            "e.g. --scenarios my-scenarios.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Also answer requests to this host name (the port is added), such as the "
            "machine's name with --host 0.0.0.0; repeatable. Other Host headers get a 400, "
            "e.g. --allow-host parley.example.org.",
        ),
    ] = None,
    max_runs: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Runs allowed per request (422 beyond), e.g. --max-runs 1000."
        ),
    ] = _DEFAULT.max_runs,
    run_budget: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Runs in flight: requests run together while their runs (twice for a "
            "counterfactual, three times for a comparison) add up to at most this; a larger "
            "one runs alone, e.g. --run-budget 10000.",
        ),
    ] = _DEFAULT.run_budget,
    max_concurrent: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Run requests working at once, e.g. --max-concurrent 4."
        ),
    ] = _DEFAULT.max_concurrent,
    queue_seconds: Annotated[
        float,
        typer.Option(
            min=0.1,
            metavar="SECONDS",
            help="How long a run request waits for its turn (503 after), e.g. --queue-seconds 60.",
        ),
    ] = _DEFAULT.queue_seconds,
    max_waiting: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Run requests waiting for their turn (503 beyond), e.g. --max-waiting 32.",
        ),
    ] = _DEFAULT.max_waiting,
    max_in_flight: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Requests at once; one more gets a 503, e.g. --max-in-flight 128.",
        ),
    ] = _DEFAULT.max_in_flight,
    max_body: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="BYTES",
            help="Bytes of a request body (413 beyond), e.g. --max-body 32768.",
        ),
    ] = _DEFAULT.max_body,
    body_seconds: Annotated[
        float,
        typer.Option(
            min=0.1,
            metavar="SECONDS",
            help="Seconds for a request body to arrive (408 after), e.g. --body-seconds 5.",
        ),
    ] = _DEFAULT.body_seconds,
) -> None:
    """Serve the web app: the record explorer, the scenario explorer and the what-if page."""
    api.require_extra("web", "parley serve", "the web app")
    import uvicorn

    from parley.web.app import create_app
    from parley.web.guards import served_hosts

    limits = Limits(
        max_runs=max_runs,
        run_budget=run_budget,
        max_concurrent=max_concurrent,
        queue_seconds=queue_seconds,
        max_waiting=max_waiting,
        max_in_flight=max_in_flight,
        max_body=max_body,
        body_seconds=body_seconds,
    )
    hosts = served_hosts(host, port, allow_host or ())
    app_ = create_app(corpus, scenarios, limits, hosts)
    listening = _listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"parley serves http://{shown}:{port}/ (Ctrl-C to stop)")
    config = uvicorn.Config(
        app_,
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_keep_alive=limits.keep_alive_seconds,
        limit_concurrency=limits.max_connections,
    )
    uvicorn.Server(config).run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``, or an InputError that says why not."""
    where = api.Location("--host/--port", field=f"{host}:{port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except OSError as exc:
        raise api.InputError(f"cannot listen there: {exc.strerror}", where, "an address") from None
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(2048)
    except OSError as exc:
        listening.close()
        raise api.InputError(
            f"cannot listen there: {exc.strerror}",
            where,
            "a free port on an address of this machine",
        ) from None
    return listening
