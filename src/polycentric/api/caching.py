"""HTTP caching for the read-only API: ETags, ``Cache-Control`` and a bounded response cache.

The record is read-only while the server runs, so a response is a pure function of the
record's version and the request (path, query string, negotiated format). The ETag is a
hash of exactly that; a request whose ``If-None-Match`` matches gets ``304 Not Modified``
without touching the library, and recent successful responses are kept in a bounded
in-memory LRU so repeated queries (the common case for shared dashboard links) are served
without recomputation. Error responses are never cached (``Cache-Control: no-store``). The order of
the query parameters does not matter. Answers ``polycentric build`` computed ahead (the dashboard's
default pages, one file per ETag under ``HOME/cache/responses/<version>/``) are served from disk on
a miss, so a freshly started server answers them at once.

Dependency rule: pure ASGI; imports only the standard library.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
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
    store
        A callable returning the folder of answers computed ahead for this version (``None``: none). On a miss
        of the LRU the answer is looked up there (one file per ETag: a JSON line of status and headers, then
        the body) before the app is asked.
    persist
        Also write each new 200 answer to ``store()`` (``polycentric build`` does, to compute the
        dashboard's default pages ahead).
    """

    def __init__(
        self,
        app: ASGIApp,
        version: Callable[[], str],
        *,
        prefix: str = "/api/",
        exclude: tuple[str, ...] = ("/api/health",),
        max_entries: int = 1024,
        max_bytes: int = 48 * 2**20,
        store: Callable[[], Path | None] | None = None,
        persist: bool = False,
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
        self.store = store
        self.persist = persist

    def _etag(self, scope: Scope) -> str:
        headers = dict(scope.get("headers") or [])
        accept = headers.get(b"accept", b"").decode("latin-1")
        fmt = "csv" if ("text/csv" in accept and "application/json" not in accept) else "json"
        query = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        canonical = urllib.parse.urlencode(sorted(query))  # the order of the parameters does not matter
        key = "\x1f".join([self.version(), scope["path"], canonical, fmt])
        return '"' + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32] + '"'

    def _folder(self) -> Path | None:
        if self.store is None:
            return None
        try:
            return self.store()
        except Exception:  # no record: nothing stored
            return None

    def _read_stored(self, etag: str) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        folder = self._folder()
        if folder is None:
            return None
        try:
            raw = (folder / f"{etag.strip(chr(34))}.http").read_bytes()
            head, body = raw.split(b"\n", 1)
            meta = json.loads(head)
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in meta["headers"]]
            return int(meta["status"]), headers, body
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_stored(self, etag: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        folder = self._folder()
        if folder is None:
            return
        head = json.dumps({"status": 200, "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in headers]})
        path = folder / f"{etag.strip(chr(34))}.http"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(head.encode() + b"\n" + body)
            tmp.replace(path)
        except OSError:
            pass

    def _store(self, etag: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if self.persist:
            self._write_stored(etag, headers, body)
        self._remember(etag, status, headers, body)

    def _remember(self, etag: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
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
        if cached is None:  # answered ahead (the ETag names the record, the saved fit and the code): read, not rewritten
            cached = self._read_stored(etag)
            if cached is not None:
                self._remember(etag, *cached)
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
