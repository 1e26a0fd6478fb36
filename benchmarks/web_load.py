"""A short load on a running ``parley serve``, from a second process.

    python -m benchmarks.web_load http://127.0.0.1:8000 [--requests 200]

It sends the requests all at once (GETs of scenarios, events and claims, and small POST
runs), then one more GET, and prints the count of each status and whether the server
still answered, as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

        statuses = await asyncio.gather(*(one(n) for n in range(requests)))
        after = await client.get("/api/scenarios")
    return {
        "requests": requests,
        "statuses": dict(sorted(Counter(str(s) for s in statuses).items())),
        "server_errors": sum(1 for s in statuses if s >= 500),
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
