"""Small ASGI middlewares around the web app; each answers its refusals as one line of JSON.

From the outside in (``create_app`` stacks them so):

1. :class:`SecurityHeaders`: a strict Content-Security-Policy and its companions on every
   response, errors included.
2. :class:`AnswerErrors`: an exception that nothing else answered becomes a 503 with one
   line, never a 500 or a traceback; the traceback goes to the server's log.
3. :class:`CheckHost`: a request whose ``Host`` is not one the server serves gets a 400
   (a guard against DNS rebinding).
4. :class:`BoundBody`: reads the body as it streams, before the app sees it: a declared
   ``Content-Length`` above the limit gets a 413 at once, a body whose bytes pass the limit
   gets a 413 as soon as they do, with the rest left unread, and a body that has not
   arrived within the deadline gets a 408.
5. :class:`InFlight`: at most so many requests in the app at once; one more gets a 503
   with ``Retry-After`` at once, rather than waiting in a growing queue.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "AnswerErrors",
    "BoundBody",
    "CheckHost",
    "InFlight",
    "SecurityHeaders",
    "send_problem",
    "served_hosts",
]

log = logging.getLogger("parley.web")

CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
_CLOSE = ((b"connection", b"close"),)


async def send_problem(
    send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """Answer ``{"error": message}`` with ``status``."""
    body = json.dumps({"error": message}, ensure_ascii=False, separators=(",", ":")).encode()
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*start, *headers]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + list(SECURITY_HEADERS)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AnswerErrors:
    """Answers any exception that reaches it with a 503 and one line, and logs it.

    A shortage (``OSError``, ``MemoryError``) is worth retrying, and says so with
    ``Retry-After``; anything else is a fault of the server, named by its type only.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log.error("%s %s failed", scope["method"], scope["path"], exc_info=exc)
            if started:  # too late to answer: uvicorn closes the connection
                raise
            name = type(exc).__name__
            if isinstance(exc, OSError | MemoryError):
                message = f"the server is short of resources ({name}); try again later"
                await send_problem(send, 503, message, ((b"retry-after", b"30"),))
            else:
                message = f"the server failed on this request ({name}); its log has the details"
                await send_problem(send, 503, message)


def served_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` header values a server listening on ``host``:``port`` answers.

    The address itself, and ``localhost``, ``127.0.0.1`` and ``[::1]`` when it listens on
    a loopback address or on all addresses (``0.0.0.0``, ``::``); ``extra`` adds names,
    such as the machine's name. Each comes with the port, and also without it on port 80.
    """
    names = {name.lower() for name in extra}
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:  # a name
        names.add(host.lower())
        local = host.lower() == "localhost"
    else:
        if not address.is_unspecified:
            names.add(f"[{address}]" if address.version == 6 else str(address))
        local = address.is_loopback or address.is_unspecified
    if local:
        names |= {"localhost", "127.0.0.1", "[::1]"}
    with_port = {f"{name}:{port}" for name in names}
    return frozenset(with_port | (names if port == 80 else set()))


class CheckHost:
    """Refuses a request whose ``Host`` header is not one of ``hosts`` with a 400."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(hosts)
        self.named = ", ".join(sorted(self.hosts))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
            if host not in self.hosts:
                message = f"this server answers only to the Host {self.named}"
                await send_problem(send, 400, message)
                return
        await self.app(scope, receive, send)


class BoundBody:
    """Reads each request body in full before the app does: at most ``limit`` bytes (413),
    arriving within ``seconds`` (408). It holds at most ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int, seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"bodies are limited to {self.limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await send_problem(send, 413, too_large, _CLOSE)
            return
        body = bytearray()
        try:
            async with asyncio.timeout(self.seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body += message.get("body", b"")
                    if len(body) > self.limit:
                        await send_problem(send, 413, too_large, _CLOSE)
                        return
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            message_ = f"the request body did not arrive within {self.seconds:g} s"
            await send_problem(send, 408, message_, _CLOSE)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


class InFlight:
    """At most ``limit`` requests in the app at once, those to ``exempt`` paths aside; one
    more gets a 503 with ``Retry-After`` at once."""

    def __init__(self, app: ASGIApp, limit: int, exempt: Iterable[str] = ()) -> None:
        self.app = app
        self.limit = limit
        self.exempt = frozenset(exempt)
        self.count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        if self.count >= self.limit:
            message = f"the server is busy ({self.limit} requests at once); try again shortly"
            await send_problem(send, 503, message, ((b"retry-after", b"1"),))
            return
        self.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.count -= 1
