"""Small file helpers shared by the downloader and the store: content hashes and holding a lock file.

Dependency rule: standard library only (no network client, so the store's read path stays light).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["holding", "sha256_file"]


def sha256_file(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def holding(lock: Any, fh: IO[Any], holder: str) -> Iterator[None]:
    """Run the block holding the acquired ``lock`` (a ``portalocker.Lock``), its file ``fh`` naming the ``holder``.

    The lock file is rewritten with one line, ``holder``, so that a process kept
    waiting can say who holds it; the lock is released however the block ends.
    """
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"{holder}\n")
        fh.flush()
        yield
    finally:
        lock.release()
