"""What the API serves from: the record (opened lazily) and its version.

Dependency rule: imports the record layer, ``polycentric.models.saved``, ``polycentric.models.precompute`` and the
standard library only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from fastapi import Request

from polycentric.errors import ModelError, PolycentricError

__all__ = ["HEAVY_AT_ONCE", "Backend", "get_backend", "heavy"]


class Backend:
    """The record behind one app, opened on first use and shared by all requests.

    Parameters
    ----------
    home
        The record's home folder (``None``: ``$POLYCENTRIC_HOME`` or the user data dir).
    record
        An already opened record (tests pass the session fixture); ``home`` is then still where
        saved models (ideal points) and user groups are read from.
    """

    RETRY_AFTER = 300.0
    """Seconds a failed model fit is remembered (its 503 repeated) before a request tries again."""

    def __init__(self, home: str | Path | None = None, record: Any = None) -> None:
        self.home = home
        self._record = record
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self._key_locks: dict[str, threading.Lock] = {}
        self._failed: dict[str, tuple[float, PolycentricError]] = {}
        self._started = f"{time.time_ns()}"

    @property
    def record(self) -> Any:
        """The record (``polycentric.open(home)``), opened once."""
        if self._record is None:
            with self._lock:
                if self._record is None:
                    import polycentric

                    self._record = polycentric.open(home=self.home)
        return self._record

    def version(self) -> str:
        """Changes whenever what the API serves changes: the record's version and the saved default fit.

        ``Record.version`` names the live store version (a new ingest, even by another process, changes
        it); the modification time of the saved 1-D ideal-point fit is added so that a refit changes
        every ETag too, and a stamp of polycentric's code (computed once) so that an upgrade does. One or
        two ``stat`` calls per request.
        """
        rec = self.record
        record_version = getattr(rec, "version", None)
        if not isinstance(record_version, str):  # a record without versions: its folder, or this app's start
            path = getattr(rec, "path", None)
            record_version = f"{path}" if path is not None else f"{id(rec)}-{self._started}"
        basis = f"{getattr(rec, 'home', '')}|{record_version}|{self._fit_stamp()}|{_code_stamp()}"
        return hashlib.sha256(basis.encode()).hexdigest()[:16]

    def _fit_stamp(self) -> str:
        from polycentric.models.saved import idealpoints_folder

        try:
            st = (idealpoints_folder(self.home) / "model.json").stat()
        except OSError:
            return "no-fit"
        return f"{st.st_size}:{st.st_mtime_ns}"

    def response_store(self) -> Path | None:
        """``HOME/cache/responses/<version>/``: answers ``polycentric build`` computed ahead for the dashboard's
        default pages (read by :class:`~polycentric.api.caching.ResponseCache`; ``None`` without a home)."""
        rec = self.record
        home = getattr(rec, "home", None)
        if home is None:
            return None
        return Path(home) / "cache" / "responses" / self.version()

    def preload(self) -> None:
        """Read the record's tables into memory now (roll calls, the General Assembly's votes, their indexes, the
        ``partial`` flags of every year and session), so that the first request does not pay for it."""
        rec = self.record
        self.version()  # the ETag basis: hashes the code's files once (the first request would pay for it)
        # what most routes read first (the record holds its lock while it loads a table): roll calls, indexes
        rec.roll_calls(body=None)
        rec.votes(session="1")  # builds the roll-call and state indexes of the votes
        rec.states()
        self.ga_votes()
        for by in ("year", "session"):  # the partial flags (official totals read once per version: ~0.5 s)
            self.periods(by)
        self.pair_counts()

    def pair_counts(self) -> Any:
        """The General Assembly's pair counts of the record's version (``models.precompute.load_pair_counts``:
        memory-mapped from what ``polycentric build`` stored, else counted once and stored), or ``None`` when
        they cannot be had (the measures then read the votes)."""
        from polycentric.errors import PolycentricError
        from polycentric.models.precompute import load_pair_counts

        rec = self.record

        home = getattr(rec, "home", None) or self.home
        if home is None or not isinstance(getattr(rec, "version", None), str):
            return None  # a record without a home or versions: the measures read the votes

        def load() -> Any:
            try:
                counts = load_pair_counts(rec, home, compute=True)
                for group in counts.groups:  # reads the group registry once (the first alignment would)
                    counts.group_row(group)
                return counts
            except (PolycentricError, OSError):
                return None

        return self.memo(f"pair-counts:{getattr(rec, 'version', '')}", load)

    def periods(self, by: str) -> Any:
        """``Record.periods(by)`` (the ``partial`` flag per year or session), computed once per record version:
        concurrent first requests wait for the one computation instead of each reading the official totals.
        A store's record reads the copy ``polycentric build`` stored (``models.saved.stored_periods``), as the CLI does."""
        from polycentric.models.saved import stored_periods
        from polycentric.record.store import Record

        rec = self.record

        def make() -> Any:
            return stored_periods(rec, by) if isinstance(rec, Record) else rec.periods(by)

        return self.memo(f"periods-{by}:{getattr(rec, 'version', '')}", make)

    def ga_votes(self) -> Any:
        """Every General Assembly vote (``Record.votes()``), one frame per record version shared by requests.

        Measures over the whole record (shifts, series, the polarity's network reading) read this frame
        instead of asking the record for a new copy per request: under concurrent requests the copies,
        not the computations, filled the memory. Polars frames are immutable, so sharing is safe.
        """
        rec = self.record
        key = f"ga-votes:{getattr(rec, 'version', '')}"
        frame = self.memo(key, lambda: rec.votes_page(body="GA")[1])  # built once, not via a whole-record view
        with self._lock:  # drop the frames of older record versions
            for old in [k for k in self._cache if k.startswith("ga-votes:") and k != key]:
                del self._cache[old]
        return frame

    def memo(self, key: str, make: Any, *, model: str | None = None) -> Any:
        """Compute ``make()`` once per key (fitted models shared by requests): single-flight.

        Each key has its own lock: concurrent requests for the same key wait for the one computation
        in flight instead of starting their own, and a slow computation (a forecaster's fit, the
        polarity of every session) blocks only the requests that need it.

        With ``model`` (what is being fitted, in words), a failure is a :class:`ModelError` (HTTP 503)
        naming the model and the reason, and it is remembered for :attr:`RETRY_AFTER` seconds: the
        requests meanwhile get the same 503 at once instead of re-running a fit that fails. Keys hold
        the record version, so a new record is tried afresh. Without ``model`` a failure is not
        remembered and propagates as it is.
        """
        if key in self._cache:
            return self._cache[key]
        failed = self._failed.get(key)
        if failed is not None and time.monotonic() - failed[0] < self.RETRY_AFTER:
            raise failed[1]
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._cache:
                return self._cache[key]
            failed = self._failed.get(key)
            if failed is not None and time.monotonic() - failed[0] < self.RETRY_AFTER:
                raise failed[1]
            try:
                value = make()
            except Exception as exc:
                if model is None:
                    raise
                error = (
                    exc
                    if isinstance(exc, PolycentricError)
                    else ModelError(f"the {model} cannot be fitted on this record: {type(exc).__name__}: {exc}")
                )
                if isinstance(error, ModelError):
                    self._failed[key] = (time.monotonic(), error)
                if error is exc:
                    raise
                raise error from exc
            self._cache[key] = value
            self._failed.pop(key, None)
        return value


@functools.cache
def _code_stamp() -> str:
    """polycentric's version and the size and time of each of its source files: an upgrade changes every ETag
    (and leaves answers computed ahead by the older code unused)."""
    import polycentric

    root = Path(polycentric.__file__).parent
    parts = [polycentric.__version__]
    for f in sorted(root.rglob("*.py")):
        st = f.stat()
        parts.append(f"{f.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


HEAVY_AT_ONCE = 1
"""Whole-record computations (measures over every vote, series, polarity) run at most this many at a time.

Each holds 50-130 MB of working frames while it runs; on a 2-core machine more at once adds no speed,
only memory. They run on their own thread(s), always the same: the allocator reuses that thread's memory
from one computation to the next instead of each worker thread keeping its own. Requests beyond wait in
the event loop, holding no thread."""

_HEAVY = concurrent.futures.ThreadPoolExecutor(max_workers=HEAVY_AT_ONCE, thread_name_prefix="polycentric-heavy")

P = ParamSpec("P")
R = TypeVar("R")


def heavy(route: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Decorate a synchronous route that works over the whole record: it runs on the heavy-work thread, at most
    :data:`HEAVY_AT_ONCE` such routes at once (memory stays bounded under any number of clients)."""

    @functools.wraps(route)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_HEAVY, functools.partial(route, *args, **kwargs))

    return run


def get_backend(request: Request) -> Backend:
    """FastAPI dependency: the app's :class:`Backend`."""
    backend: Backend = request.app.state.backend
    return backend
