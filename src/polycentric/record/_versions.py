"""The writing side of the store: one writer at a time, durable versions, the ``CURRENT`` pointer and its repair.

Promises (each proved by a test in ``tests/reliability/``; see docs/reliability.md)
-------------------------------------------------------------------------------------
One writer at a time
    A writer holds an advisory lock on ``HOME/.writer.lock`` (``portalocker``:
    ``flock`` on POSIX, released by the kernel when the process dies, even by
    ``kill -9``) from the moment it reads the current version until the new
    one is live. A second writer says it is waiting and waits up to
    :func:`lock_timeout` seconds, then raises :class:`~polycentric.errors.StoreBusyError`
    (CLI exit 2) without writing anything. Since each writer builds its new
    version from the version that is current while it holds the lock, no
    write is lost. Readers never take the lock.

Durable versions
    A version is written in a temporary folder (``.tmp-<pid>-<id>``). Every
    file is fsynced; ``manifest.json`` (written last, through a temporary name)
    lists every file with its size and SHA-256; the folders are fsynced; the
    folder is renamed to ``v-<time>-<id>`` and the home fsynced; then
    ``CURRENT`` is written to a temporary name, fsynced, renamed over the old
    pointer, and the home fsynced again. A crash at any point leaves the old
    version live (or the new one, once the pointer was renamed).

Repair
    A missing, empty or garbled pointer, or one that names a folder that is not
    a complete version, is replaced by the newest complete version (the highest
    ``generation`` in its manifest, whose files all exist with their recorded
    sizes), with a message (:class:`StoreNotice`). A repair never deletes a version.

Retention and leftovers
    The newest :func:`keep_versions` complete versions are kept (at least the
    live one); older ones are removed by the writer after the swap. Temporary
    folders are only ever written by the lock holder, so any found while
    holding the lock belong to a writer that died; they are removed then.

Dependency rule: imports ``polycentric.errors`` and the standard library (plus portalocker).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polycentric.errors import ConfigurationError, StoreBusyError
from polycentric.sources._files import holding

__all__ = [
    "CURRENT",
    "DEFAULT_KEEP",
    "DEFAULT_LOCK_TIMEOUT",
    "LOCK_FILE",
    "StoreNotice",
    "clean_leftovers",
    "commit_version",
    "complete_versions",
    "current_version",
    "fault_point",
    "fsync_path",
    "keep_versions",
    "lock_timeout",
    "new_temp_dir",
    "prune_versions",
    "read_pointer",
    "verify_version",
    "write_durably",
    "writer_lock",
]

CURRENT = "CURRENT"
LOCK_FILE = ".writer.lock"
MANIFEST = "manifest.json"
TMP_PREFIX = ".tmp-"
_POINTER_TMP = f".{CURRENT}."
DEFAULT_LOCK_TIMEOUT = 600.0
"""Seconds a writer waits for another writer (``POLYCENTRIC_LOCK_TIMEOUT``, ``ingest --wait``)."""
DEFAULT_KEEP = 3
"""Complete versions kept after an ingest (``POLYCENTRIC_KEEP_VERSIONS``, ``ingest --keep``)."""
_VERSION_NAME = re.compile(r"^v-[0-9A-Za-z_-]{1,80}$")


class StoreNotice(UserWarning):
    """Something the store did on its own that a user should know of (a repaired pointer, a wait for the lock)."""


def _notice(message: str) -> None:
    warnings.warn(message, StoreNotice, stacklevel=3)


# ---------------------------------------------------------------- settings


def _setting(value: float | None, env: str, default: float, what: str) -> float:
    if value is None:
        raw = os.environ.get(env)
        if raw is None or not raw.strip():
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigurationError(f"{env}={raw!r} is not a number of {what}") from None
    if not value == value or value < 0:  # NaN or negative
        raise ConfigurationError(f"{env} must be a number of {what} >= 0, not {value!r}")
    return float(value)


def lock_timeout(value: float | None = None) -> float:
    """Seconds a writer waits for the lock: ``value``, else ``POLYCENTRIC_LOCK_TIMEOUT``, else 600."""
    return _setting(value, "POLYCENTRIC_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT, "seconds")


def keep_versions(value: int | None = None) -> int:
    """Complete versions kept: ``value``, else ``POLYCENTRIC_KEEP_VERSIONS``, else 3 (at least 1)."""
    n = _setting(None if value is None else float(value), "POLYCENTRIC_KEEP_VERSIONS", DEFAULT_KEEP, "versions")
    if n < 1 or n != int(n):
        raise ConfigurationError(f"versions to keep must be a whole number >= 1, not {n:g}")
    return int(n)


# ---------------------------------------------------------------- fault injection (tests)


def fault_point(name: str) -> None:
    """A named point of a write where the reliability tests inject a fault.

    ``POLYCENTRIC_FAULT=kill:NAME`` kills the process (SIGKILL) there;
    ``POLYCENTRIC_FAULT=enospc:NAME`` raises ``OSError(ENOSPC)`` (a full disk).
    Unset (always, outside tests), this does nothing.
    """
    spec = os.environ.get("POLYCENTRIC_FAULT")
    if not spec:
        return
    kind, _, where = spec.partition(":")
    if where != name:
        return
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)


# ---------------------------------------------------------------- durable files


def fsync_path(path: Path) -> None:
    """fsync a file or a folder (a folder's fsync makes the names in it durable; Windows cannot open folders)."""
    if os.name == "nt" and path.is_dir():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary name: write, fsync, rename, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# ---------------------------------------------------------------- the lock


def _holder(lock_path: Path) -> str:
    try:
        text = lock_path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "another process"
    return text or "another process"


@contextlib.contextmanager
def writer_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's writer lock; wait (with a :class:`StoreNotice`) up to ``timeout`` seconds.

    Raises
    ------
    StoreBusyError
        When another writer still holds the lock after ``timeout`` seconds.
    """
    import portalocker

    wait = lock_timeout(timeout)
    path = root / LOCK_FILE
    flags = portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
    lock = portalocker.Lock(path, mode="a", timeout=0, flags=flags, fail_when_locked=True)
    try:
        fh = lock.acquire()
    except portalocker.AlreadyLocked:
        _notice(
            f"the record at {root} is being written by {_holder(path)}; "
            f"waiting up to {wait:g} s for it to finish (POLYCENTRIC_LOCK_TIMEOUT, ingest --wait)"
        )
        lock = portalocker.Lock(path, mode="a", timeout=wait, check_interval=0.1, flags=flags)
        try:
            fh = lock.acquire(fail_when_locked=False)
        except portalocker.LockException:
            raise StoreBusyError(
                f"the record at {root} is still being written by {_holder(path)} after {wait:g} s; "
                "nothing was written. Try again later, or wait longer with --wait SECONDS"
            ) from None
    with holding(lock, fh, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}"):
        yield


def try_writer_lock(root: Path) -> Any:
    """The writer lock if it is free right now (release it with ``.release()``), else None; never waits."""
    import portalocker

    lock = portalocker.Lock(
        root / LOCK_FILE,
        mode="a",
        timeout=0,
        flags=portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING,
        fail_when_locked=True,
    )
    try:
        lock.acquire()
    except (portalocker.LockException, OSError):
        return None
    return lock


# ---------------------------------------------------------------- versions


@dataclass(frozen=True)
class Version:
    """A complete version folder and its manifest."""

    path: Path
    generation: int
    mtime: float
    manifest: dict[str, Any]


def _manifest(version: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sources"), list) else None


def complete(version: Path) -> Version | None:
    """The version at ``version`` if it is complete: a manifest, and every file it lists at its recorded size."""
    manifest = _manifest(version)
    if manifest is None:
        return None
    files = manifest.get("files")
    try:
        if isinstance(files, dict):
            for rel, info in files.items():
                if (version / rel).stat().st_size != int(info["bytes"]):
                    return None
        else:  # written before checksums were kept
            for name in ("roll_calls.parquet", "votes.parquet", "ids.parquet"):
                (version / name).stat()
        mtime = (version / MANIFEST).stat().st_mtime
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return Version(version, int(manifest.get("generation", 0) or 0), mtime, manifest)


def complete_versions(root: Path) -> list[Version]:
    """The complete versions in ``root``, newest first (highest generation, then latest manifest)."""
    found = []
    for d in root.glob("v-*"):
        if d.is_dir() and _VERSION_NAME.match(d.name):
            v = complete(d)
            if v is not None:
                found.append(v)
    return sorted(found, key=lambda v: (v.generation, v.mtime, v.path.name), reverse=True)


def read_pointer(root: Path) -> tuple[Path | None, str | None]:
    """The version ``CURRENT`` names, or None and what is wrong with the pointer ("missing", "empty", ...)."""
    pointer = root / CURRENT
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        return None, "missing"
    except OSError as exc:
        return None, f"unreadable ({exc.strerror})"
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, "garbled (not text)"
    if not name:
        return None, "empty"
    if not _VERSION_NAME.match(name):
        return None, f"garbled ({name[:40]!r} is not a version name)"
    d = root / name
    if not d.is_dir():
        return None, f"naming {name}, which does not exist"
    if complete(d) is None:
        return None, f"naming {name}, which is incomplete"
    return d, None


def _write_pointer(root: Path, version: Path) -> None:
    write_durably(root / CURRENT, (version.name + "\n").encode("utf-8"))


def current_version(root: Path, *, repair: bool = True, quiet: bool = False, locked: bool = False) -> Path | None:
    """The live version of the store at ``root``, repairing a damaged pointer; None when there is none.

    When ``CURRENT`` is missing (with versions present), empty, garbled, or names
    a folder that is not a complete version, the newest complete version is
    used, with a :class:`StoreNotice` (unless ``quiet``). With ``repair``, the
    pointer is rewritten to name it if the writer lock is free (or ``locked``:
    the caller holds it); a reader never waits for the lock. Nothing is deleted.
    """
    found, problem = read_pointer(root)
    if found is not None:
        return found
    candidates = complete_versions(root)
    if not candidates:
        if problem != "missing" and not quiet:
            _notice(f"the CURRENT pointer at {root} is {problem} and no complete version exists")
        return None
    newest = candidates[0].path
    if not repair:
        if not quiet:
            _notice(f"the CURRENT pointer at {root} is {problem}: reading the newest complete version, {newest.name}")
        return newest
    held = None if locked else try_writer_lock(root)
    if not locked and held is None:
        if not quiet:
            _notice(f"the CURRENT pointer at {root} is {problem}: reading the newest complete version, {newest.name}")
        return newest
    try:
        found, problem = read_pointer(root)  # again, now that no writer can change it
        if found is not None:
            return found
        newest = complete_versions(root)[0].path
        _write_pointer(root, newest)
    finally:
        if held is not None:
            held.release()
    if not quiet:
        _notice(f"the CURRENT pointer at {root} was {problem}: repaired to the newest complete version, {newest.name}")
    return newest


def new_temp_dir(root: Path) -> Path:
    """A new temporary folder for a version being written (only by the lock holder)."""
    tmp = root / f"{TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    return tmp


def clean_leftovers(root: Path) -> list[str]:
    """Remove temporary folders and pointer files left by writers that died; call with the writer lock held.

    Only the lock holder writes them, so while the caller holds the lock none
    belongs to a live writer. Returns the names removed.
    """
    removed = []
    for p in root.iterdir():
        if p.name.startswith(TMP_PREFIX) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
        elif p.name.startswith(_POINTER_TMP) or (p.name.startswith(f".{CURRENT}") and p.name.endswith(".tmp")):
            p.unlink(missing_ok=True)
            removed.append(p.name)
    return removed


def commit_version(
    root: Path,
    tmp: Path,
    manifest: dict[str, Any],
    previous: Path | None,
    on_commit: Callable[[Path], None] | None = None,
) -> Path:
    """Make the version written in ``tmp`` durable and live; return its final folder.

    ``manifest`` (``format`` and ``sources``) gets ``generation`` (one more
    than ``previous``'s) and ``files`` (size and SHA-256 of every file; those
    hard-linked unchanged from ``previous`` keep their recorded checksum).
    Call with the writer lock held. On an error before the pointer is
    replaced, the new folder is removed and the store is as it was.
    """
    prev_manifest = _manifest(previous) if previous is not None else None
    prev_files: dict[str, Any] = (prev_manifest or {}).get("files") or {}
    files: dict[str, dict[str, Any]] = {}
    dirs = [tmp]
    for p in sorted(tmp.rglob("*")):
        if p.is_dir():
            dirs.append(p)
            continue
        rel = p.relative_to(tmp).as_posix()
        size = p.stat().st_size
        old = prev_files.get(rel)
        if rel.startswith("sources/") and old is not None and int(old["bytes"]) == size and previous is not None:
            same = (previous / rel).exists() and os.path.samefile(previous / rel, p)
            if same:
                files[rel] = {"bytes": size, "sha256": old["sha256"]}
                continue
        fsync_path(p)
        files[rel] = {"bytes": size, "sha256": _sha256(p)}
    fault_point("files-written")
    generation = int((prev_manifest or {}).get("generation", 0) or 0) + 1
    body = {**manifest, "generation": generation, "files": files}
    write_durably(tmp / MANIFEST, json.dumps(body, indent=1).encode("utf-8"))
    for d in reversed(dirs):
        fsync_path(d)
    fault_point("manifest-written")
    final = root / f"v-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
    os.replace(tmp, final)
    switched = False
    try:
        fsync_path(root)
        fault_point("renamed")
        _write_pointer(root, final)
        switched = True
    except BaseException:
        if not switched and read_pointer(root)[0] != final:
            shutil.rmtree(final, ignore_errors=True)
        raise
    fault_point("switched")
    if on_commit is not None:
        on_commit(final)
    return final


def prune_versions(root: Path, keep: int, live: Path) -> list[str]:
    """Remove complete versions beyond the newest ``keep`` (never ``live``); call with the writer lock held.

    A version is renamed to a temporary name before it is removed, so a crash
    midway never leaves a half-deleted folder that looks like a version.
    """
    removed = []
    for v in complete_versions(root)[keep:]:
        if v.path == live:
            continue
        doomed = root / f"{TMP_PREFIX}old-{v.path.name}"
        try:
            os.replace(v.path, doomed)
        except OSError:
            continue
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(v.path.name)
    if removed:
        fsync_path(root)
    return removed


def verify_version(version: Path) -> list[tuple[str, str]]:
    """Check every file of a version against its manifest: ``[(file, problem)]``, empty when all match."""
    manifest = _manifest(version)
    if manifest is None:
        return [(MANIFEST, "missing or unreadable")]
    files = manifest.get("files")
    if not isinstance(files, dict):
        return [(MANIFEST, "written before checksums were kept: re-ingest to add them (nothing verified)")]
    problems = []
    for rel, info in sorted(files.items()):
        p = version / rel
        if not p.is_file():
            problems.append((rel, "missing"))
            continue
        size = p.stat().st_size
        if size != int(info["bytes"]):
            problems.append((rel, f"{size} bytes where the manifest records {info['bytes']}"))
        elif _sha256(p) != info["sha256"]:
            problems.append((rel, "SHA-256 differs from the manifest (the file is corrupt)"))
    return problems
