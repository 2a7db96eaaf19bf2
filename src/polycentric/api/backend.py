"""What the API serves from: the record (opened lazily) and its version.

Dependency rule: imports the record layer, ``polycentric.models.saved`` and the standard library only.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import Request

__all__ = ["Backend", "get_backend"]


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

    def __init__(self, home: str | Path | None = None, record: Any = None) -> None:
        self.home = home
        self._record = record
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self._key_locks: dict[str, threading.Lock] = {}
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
        every ETag too. One or two ``stat`` calls per request.
        """
        rec = self.record
        record_version = getattr(rec, "version", None)
        if not isinstance(record_version, str):  # a record without versions: its folder, or this app's start
            path = getattr(rec, "path", None)
            record_version = f"{path}" if path is not None else f"{id(rec)}-{self._started}"
        basis = f"{getattr(rec, 'home', '')}|{record_version}|{self._fit_stamp()}"
        return hashlib.sha256(basis.encode()).hexdigest()[:16]

    def _fit_stamp(self) -> str:
        from polycentric.models.saved import idealpoints_folder

        try:
            st = (idealpoints_folder(self.home) / "model.json").stat()
        except OSError:
            return "no-fit"
        return f"{st.st_size}:{st.st_mtime_ns}"

    def ga_votes(self) -> Any:
        """Every General Assembly vote (``Record.votes()``), one frame per record version shared by requests.

        Measures over the whole record (shifts, series, the polarity's network reading) read this frame
        instead of asking the record for a new copy per request: under concurrent requests the copies,
        not the computations, filled the memory. Polars frames are immutable, so sharing is safe.
        """
        rec = self.record
        key = f"ga-votes:{getattr(rec, 'version', '')}"
        frame = self.memo(key, rec.votes)
        with self._lock:  # drop the frames of older record versions
            for old in [k for k in self._cache if k.startswith("ga-votes:") and k != key]:
                del self._cache[old]
        return frame

    def memo(self, key: str, make: Any) -> Any:
        """Compute ``make()`` once per key (fitted models shared by requests).

        Each key has its own lock: a slow computation (a forecaster's fit, the polarity of every
        session) blocks only the requests that need it. A failure is not remembered.
        """
        if key in self._cache:
            return self._cache[key]
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = make()
        return self._cache[key]


def get_backend(request: Request) -> Backend:
    """FastAPI dependency: the app's :class:`Backend`."""
    backend: Backend = request.app.state.backend
    return backend
