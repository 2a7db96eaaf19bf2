"""HTTP caching for the read-only API: ETags, ``Cache-Control`` and a bounded response cache.

The record is read-only while the server runs, so a response is a pure function of the
record's version and the request (path, query string, negotiated format). The ETag is a
hash of exactly that; a request whose ``If-None-Match`` matches gets ``304 Not Modified``
without touching the library, and recent successful responses are kept in a bounded
in-memory LRU so repeated queries (the common case for shared dashboard links) are served
without recomputation. Error responses are never cached (``Cache-Control: no-store``).

Dependency rule: pure ASGI; imports only the standard library.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["CACHE_CONTROL", "ResponseCache"]

CACHE_CONTROL = "public, max-age=300, must-revalidate"
"""Clients may reuse a response for 5 minutes, then revalidate with ``If-None-Match``."""


class ResponseCache:
    """ASGI middleware adding ETag/Cache-Control to ``GET /api/...`` and caching 200 responses.

    Parameters
    ----------
    app
        The wrapped ASGI app.
    version
        A callable returning the record's version string (called per request; cheap).
    prefix
        Only paths under this prefix are handled.
    exclude
        Paths never cached (live probes such as ``/api/health``).
    max_entries, max_bytes
        Bounds of the in-memory LRU (entries, and total body bytes).
    """

    def __init__(
        self,
        app: ASGIApp,
        version: Callable[[], str],
        *,
        prefix: str = "/api/",
        exclude: tuple[str, ...] = ("/api/health",),
        max_entries: int = 1024,
        max_bytes: int = 128 * 2**20,
    ) -> None:
        self.app = app
        self.version = version
        self.prefix = prefix
        self.exclude = exclude
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lru: OrderedDict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def _etag(self, scope: Scope) -> str:
        headers = dict(scope.get("headers") or [])
        accept = headers.get(b"accept", b"").decode("latin-1")
        fmt = "csv" if ("text/csv" in accept and "application/json" not in accept) else "json"
        key = "\x1f".join([self.version(), scope["path"], scope.get("query_string", b"").decode("latin-1"), fmt])
        return '"' + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32] + '"'

    def _store(self, etag: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        self._lru[etag] = (status, headers, body)
        self._bytes += len(body)
        while len(self._lru) > self.max_entries or self._bytes > self.max_bytes:
            _, (_, _, old) = self._lru.popitem(last=False)
            self._bytes -= len(old)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(self.prefix)
            or scope["path"] in self.exclude
        ):
            await self.app(scope, receive, send)
            return
        try:
            etag = self._etag(scope)
        except Exception:  # the record cannot be opened: let the app report it as JSON
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
        if etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")] or if_none_match.strip() == "*":
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL.encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        cached = self._lru.get(etag)
        if cached is not None:
            self._lru.move_to_end(etag)
            self.hits += 1
            status, headers, body = cached
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return
        self.misses += 1
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in (b"etag", b"cache-control")
                ]
                if status == 200:
                    headers += [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL.encode())]
                else:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
                start.update(status=status, headers=headers)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200 and scope["method"] == "GET":
                    self._store(etag, 200, start["headers"], b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)
