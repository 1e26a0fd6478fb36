"""A short load on a running ``parley serve``, from a second process.

    python -m benchmarks.web_load http://127.0.0.1:8000 [--requests 200]

It sends the requests all at once (GETs of scenarios, events and claims, and small POST
runs) while polling ``/api/health``, then one more GET, and prints as JSON: the count of
each status, the server errors (5xx other than 503, the server's "busy, try again"), and
the slowest health answer during the burst as a ratio to the median one before it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import Counter

import httpx


async def _load(url: str, requests: int) -> dict[str, object]:
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=requests)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def one(n: int) -> int:
            kind = n % 4
            try:
                if kind == 0:
                    response = await client.get("/api/scenarios")
                elif kind == 1:
                    response = await client.get("/api/record/events", params={"from": "1969"})
                elif kind == 2:
                    response = await client.get("/api/record/claims")
                else:
                    body = {"scenario": "sino-soviet", "runs": 5, "seed": n}
                    response = await client.post("/api/runs", json=body)
            except httpx.HTTPError as exc:
                return -len(type(exc).__name__)  # no answer at all
            return response.status_code

        async def health() -> float:
            began = time.perf_counter()
            await client.get("/api/health")
            return time.perf_counter() - began

        idle = statistics.median([await health() for _ in range(20)])
        burst = asyncio.gather(*(one(n) for n in range(requests)))
        polls = []
        while not burst.done():
            polls.append(await health())
            await asyncio.sleep(0.05)
        statuses = await burst
        after = await client.get("/api/scenarios")
    return {
        "requests": requests,
        "statuses": dict(sorted(Counter(str(s) for s in statuses).items())),
        "busy": sum(1 for s in statuses if s == 503),
        "server_errors": sum(1 for s in statuses if s >= 500 and s != 503),
        "health_idle_s": round(idle, 4),
        "health_worst_in_burst_s": round(max(polls, default=idle), 4),
        "health_ratio": round(max(polls, default=idle) / idle, 1),
        "no_answer": sum(1 for s in statuses if s < 0),
        "answers_after": after.status_code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_load(args.url, args.requests))))


if __name__ == "__main__":
    main()
