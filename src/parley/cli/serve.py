"""``parley serve``: the web app."""

from pathlib import Path
from typing import Annotated

import typer

from parley import api

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    corpus: Annotated[
        Path | None, typer.Option(help="The source texts, to quote passages in the pages.")
    ] = None,
    scenarios: Annotated[
        Path | None, typer.Option(help="A folder of scenario files to serve beside the built-ins.")
    ] = None,
    max_runs: Annotated[int, typer.Option(min=1, help="Runs allowed per request.")] = 5000,
) -> None:
    """Serve the web app: the record explorer, the scenario explorer and the what-if page."""
    api.require_extra("web", "parley serve", "the web app")
    import uvicorn

    from parley.web.app import Limits, create_app

    app_ = create_app(corpus, scenarios, Limits(max_runs=max_runs))
    typer.echo(f"parley serves http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app_, host=host, port=port, log_level="warning")
