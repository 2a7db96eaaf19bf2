"""Bounds on what one request may cost the server: body size, time to send the body, time to answer.

:class:`RequestLimits` is a pure ASGI middleware placed outermost:

- **Body size.** A request whose ``Content-Length`` exceeds ``max_body`` bytes is answered
  ``413 Payload Too Large`` before its body is read; a body sent without a length (chunked) is
  counted as it arrives and refused with 413 as soon as it goes over. The route never sees more
  than ``max_body`` bytes, so eight 64 MB posts cost the server nothing.
- **Read timeout.** Each chunk of the body must arrive within ``read_timeout`` seconds (a client
  trickling a body one byte at a time cannot hold a worker): ``408 Request Timeout``.
- **Request timeout.** A request not answered within ``request_timeout`` seconds gets
  ``503 Service Unavailable`` with ``Retry-After`` (the work it started in a thread finishes in
  the background and its result is cached, so a retry is fast).

Errors have the API's JSON shape ``{"error": {"type", "message"}}`` and ``Cache-Control: no-store``.
Connection-level timeouts (idle keep-alive) are uvicorn's (``polycentric serve`` sets them).

Dependency rule: pure ASGI; imports only the standard library.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["MAX_BODY", "READ_TIMEOUT", "REQUEST_TIMEOUT", "RequestLimits"]

MAX_BODY = 1 * 2**20
"""Largest request body accepted (1 MiB: a draft's text may hold 200,000 characters)."""

READ_TIMEOUT = 10.0
"""Seconds a client may take to send each chunk of its body."""

REQUEST_TIMEOUT = 60.0
"""Seconds within which a request must be answered."""


class _BodyTooLarge(Exception):
    pass


class _ReadTimeout(Exception):
    pass


async def _send_error(send: Send, status: int, kind: str, message: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"error": {"type": kind, "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """ASGI middleware: 413 over ``max_body``, 408 on a stalled body, 503 past ``request_timeout``.

    Parameters
    ----------
    app
        The wrapped ASGI app.
    max_body
        Largest request body in bytes.
    read_timeout
        Seconds allowed between two chunks of the body.
    request_timeout
        Seconds allowed for the whole request (``None``: no limit).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int = MAX_BODY,
        read_timeout: float = READ_TIMEOUT,
        request_timeout: float | None = REQUEST_TIMEOUT,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.request_timeout = request_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _send_error(send, 400, "HTTPError", "Content-Length is not a number", [])
                return
            if declared > self.max_body:
                await _send_error(
                    send,
                    413,
                    "PayloadTooLarge",
                    f"the request body ({declared:,} bytes) is over the limit of {self.max_body:,} bytes",
                    [(b"connection", b"close")],
                )
                return
        received = 0
        state: dict[str, Any] = {"started": False, "refused": None, "abandoned": False}

        async def bounded_receive() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), timeout=self.read_timeout)
            except TimeoutError as exc:
                state["refused"] = "timeout"
                raise _ReadTimeout from exc
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    state["refused"] = "size"
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["abandoned"]:
                return  # the client already has its 503; the work finishes for the cache
            if state["refused"] is not None:
                # the app turned our exception into its own error: answer with ours instead
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await self._refuse(send, str(state["refused"]))
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, bounded_receive, guarded_send))
        done, _ = await asyncio.wait({task}, timeout=self.request_timeout)
        if task not in done and not state["started"]:
            state["abandoned"] = True
            task.add_done_callback(_consume)
            await _send_error(
                send,
                503,
                "RequestTimeout",
                f"the answer took longer than {self.request_timeout:g} s; it is being prepared, retry shortly",
                [(b"retry-after", b"5")],
            )
            return
        try:
            await task
        except (_BodyTooLarge, _ReadTimeout):
            if not state["started"]:
                state["started"] = True
                await self._refuse(send, str(state["refused"]))

    async def _refuse(self, send: Send, why: str) -> None:
        if why == "size":
            await _send_error(
                send,
                413,
                "PayloadTooLarge",
                f"the request body is over the limit of {self.max_body:,} bytes",
                [(b"connection", b"close")],
            )
        else:
            await _send_error(
                send,
                408,
                "RequestTimeout",
                f"the request body did not arrive within {self.read_timeout:g} s",
                [(b"connection", b"close")],
            )


def _consume(task: asyncio.Future[Any]) -> None:
    """Retrieve an abandoned request's outcome (so asyncio does not log it as never retrieved)."""
    if not task.cancelled():
        task.exception()
