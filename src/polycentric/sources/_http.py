"""HTTP client with three timeouts: connect, read stall, and an overall deadline.

httpx applies its timeouts to each socket operation: a server that sends one
byte every few seconds (a "slow loris") never trips them. :class:`Deadline`
bounds a whole operation: the client made by :func:`make_client` passes every
socket read and write a timeout no longer than the time left, so the deadline
holds while the headers trickle in as well as in the body, and the download
loop checks it between chunks.

The deadline is injected through httpcore's documented ``network_backend``
hook (a wrapper around its synchronous socket backend); the connection pool is
set on the httpx transport, the one place httpx builds it.

Dependency rule: imports httpx/httpcore and ``polycentric.errors`` only.
"""

from __future__ import annotations

import time
import typing
import urllib.request
from typing import Any

import httpcore
import httpx

__all__ = ["Deadline", "DeadlineExceeded", "make_client"]

USER_AGENT = "polycentric/0.1 (UN voting record; +https://digitallibrary.un.org/record/4060887)"


class DeadlineExceeded(httpcore.ReadTimeout):
    """The overall deadline passed (httpx reports it as a ``ReadTimeout``)."""


class Deadline:
    """A point in time after which no socket operation may start or continue.

    ``Deadline(None)`` never expires. :meth:`restart` sets a new budget of the
    same length (one per synced source).
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end: float | None = None
        self.restart()

    def restart(self) -> None:
        """Start a fresh budget of :attr:`seconds`."""
        self._end = None if self.seconds is None else time.monotonic() + self.seconds

    def remaining(self) -> float | None:
        """Seconds left (``None``: no deadline)."""
        return None if self._end is None else self._end - time.monotonic()

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        left = self.remaining()
        return left is not None and left <= 0

    def clamp(self, timeout: float | None) -> float | None:
        """``timeout`` shortened to the time left; raises :class:`DeadlineExceeded` when none is."""
        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise DeadlineExceeded(f"overall timeout of {self.seconds:g} s exceeded")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self._inner.read(max_bytes, self._deadline.clamp(timeout))
        except httpcore.ReadTimeout as exc:
            if self._deadline.expired:
                raise DeadlineExceeded(f"overall timeout of {self._deadline.seconds:g} s exceeded") from exc
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.clamp(timeout))
        return _Stream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, self._deadline.clamp(timeout), local_address, socket_options)
        return _Stream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, self._deadline.clamp(timeout), socket_options)
        return _Stream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Transport(httpx.HTTPTransport):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        if isinstance(self._pool, httpcore.ConnectionPool):  # no proxy: put the deadline under every socket
            self._pool = httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(),
                network_backend=_Backend(deadline),
            )


def make_client(connect_timeout: float, read_timeout: float, deadline: Deadline) -> httpx.Client:
    """An httpx client: connect and read-stall timeouts per operation, ``deadline`` over everything.

    When the environment names a proxy (``HTTPS_PROXY`` ...), httpx's own
    transport is kept so the proxy is used; the deadline is then checked
    between chunks of a body only.
    """
    options: dict[str, Any] = {
        "timeout": httpx.Timeout(read_timeout, connect=connect_timeout),
        "follow_redirects": True,
        "headers": {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
    }
    if any(k in ("http", "https", "all") for k in urllib.request.getproxies()):
        return httpx.Client(**options)
    return httpx.Client(transport=_Transport(deadline), **options)
