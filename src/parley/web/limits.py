"""The web app's limits, in one place: what a request may ask and how much the server takes on.

This module imports nothing heavy, so that ``parley serve`` can show the defaults in its
help without loading the web app.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENSEMBLES", "Limits"]

ENSEMBLES = {"runs": 1, "counterfactual": 2, "compare": 3}
"""How many ensembles of ``runs`` each kind of run request holds: a counterfactual runs the
baseline and the intervention, a comparison the scenario and its two placebos."""


@dataclass(frozen=True)
class Limits:
    """Bounds on requests and on the work the server holds at once.

    - ``max_runs``: runs a request may ask for (the OpenAPI schema declares it).
    - ``run_budget``: runs in flight. Run requests work together only while their costs
      (``runs`` times the ensembles the request holds: see :data:`ENSEMBLES`) add up to
      at most this; a request that costs more than the whole budget runs alone. Memory
      grows with the runs in flight (about 0.15 MB a run for the built-in scenario).
    - ``max_concurrent``: run requests working at once, whatever their size.
    - ``queue_seconds``: how long a run request waits, in order of arrival, for the budget;
      then it gets a 503 with ``Retry-After``.
    - ``max_waiting``: run requests waiting for the budget; one more gets that 503 at once,
      so that waiting runs leave room in ``max_in_flight`` for the rest of the API.
    - ``max_in_flight``: requests in the app at once (``/api/health`` aside); one more
      gets a 503 with ``Retry-After`` at once.
    - ``max_body``: bytes of a request body; more gets a 413 as soon as the count passes it.
    - ``body_seconds``: time for a request body to arrive in full; then a 408.
    - ``query_threads``: worker threads for record queries (each answer is kept, so a
      query is worked out once).
    - ``keep_alive_seconds``: an idle connection is closed after this (uvicorn).
    - ``max_connections``: open connections and requests beyond which uvicorn itself
      answers a plain 503: a backstop behind ``max_in_flight``.
    """

    max_runs: int = 5000
    run_budget: int = 5000
    max_concurrent: int = 2
    queue_seconds: float = 30.0
    max_waiting: int = 16
    max_in_flight: int = 64
    max_body: int = 16_384
    body_seconds: float = 10.0
    query_threads: int = 2
    keep_alive_seconds: int = 5
    max_connections: int = 512

    def __post_init__(self) -> None:
        numbers = [value for value in vars(self).values() if isinstance(value, int | float)]
        if min(numbers) <= 0:
            raise ValueError(f"every limit must be positive: {self}")
