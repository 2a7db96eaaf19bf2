"""The byte-level part of the downloader: resumable, verified transfers and crash-safe small files.

:func:`download_part` fills ``NAME.part`` with a file, resuming with ``Range`` /
``If-Range`` and refusing to splice two releases; :func:`same_representation`
revalidates a resumed file; :func:`offered_digest` reads the digest headers;
:func:`write_json_atomic` writes the manifest durably (temporary name, fsync,
rename, fsync of the folder). :mod:`polycentric.sources.download` uses them.

Dependency rule: imports httpx, ``polycentric.errors`` and ``polycentric.sources._http``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from polycentric.errors import DownloadError, OfflineError
from polycentric.sources._http import Deadline

OFFLINE_HINT = (
    "To build the record without a network, ingest local files instead: "
    "`polycentric ingest PATH` (a UN Digital Library voting CSV you downloaded, or a folder "
    "such as ../shared/data/unvotes_voeten_2024)."
)


def load_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system can fsync a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to a temporary name, fsync it, rename it over ``path``, fsync the folder."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=1, sort_keys=True, default=str))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def offline_error(url: str, exc: Exception) -> OfflineError:
    host = urllib.parse.urlsplit(url).netloc or url
    return OfflineError(f"cannot reach {host} ({type(exc).__name__}: {exc}). {OFFLINE_HINT}")


@contextlib.contextmanager
def stream_get(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> Iterator[httpx.Response]:
    """A streamed GET; connection failures become :class:`OfflineError`."""
    try:
        with client.stream("GET", url, headers=headers or {}) as resp:
            yield resp
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise offline_error(url, exc) from exc


def offered_digest(headers: httpx.Headers) -> tuple[str, str] | None:
    """``(algorithm, hex digest)`` of the whole file when the server offers one.

    Reads ``Repr-Digest`` (RFC 9530), ``Digest`` (RFC 3230) and ``Content-MD5``;
    SHA-256 is preferred over MD5.
    """
    found: dict[str, str] = {}
    for header in ("repr-digest", "digest"):
        value = headers.get(header)
        if not value:
            continue
        for part in value.split(","):
            algo, _, encoded = part.strip().partition("=")
            algo = algo.strip().lower()
            encoded = encoded.strip().strip(":")
            if algo in ("sha-256", "md5") and encoded:
                try:
                    found.setdefault(algo, base64.b64decode(encoded, validate=True).hex())
                except (binascii.Error, ValueError):
                    continue
    md5 = headers.get("content-md5")
    if md5:
        with contextlib.suppress(binascii.Error, ValueError):
            found.setdefault("md5", base64.b64decode(md5.strip(), validate=True).hex())
    for algo in ("sha-256", "md5"):
        if algo in found:
            return algo, found[algo]
    return None


def digest_file(path: Path, algo: str) -> str:
    h = hashlib.sha256() if algo == "sha-256" else hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class PartState:
    """What the server said about the file being downloaded into ``.part``."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    total: int | None = None
    digest: tuple[str, str] | None = None


def content_range_total(value: str | None) -> tuple[int, int | None] | None:
    """``(first byte, total length)`` of a ``Content-Range: bytes a-b/total`` header."""
    if not value:
        return None
    m = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", value)
    if not m:
        return None
    total = None if m.group(3) == "*" else int(m.group(3))
    return int(m.group(1)), total


class Progress:
    """A rich progress bar, or nothing."""

    def __init__(self, enabled: bool, description: str) -> None:
        self._bar: Any = None
        self._task: Any = None
        if enabled:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                transient=False,
            )
            self._task = self._bar.add_task(description, total=None)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, completed: int, total: int | None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=completed, total=total)


def looks_like_html(first: bytes) -> bool:
    head = first.lstrip()[:256].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def refuse_html(resp: httpx.Response, url: str) -> None:
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        raise DownloadError(
            f"{url}: the server sent an HTML page (Content-Type {ctype}, HTTP {resp.status_code}) "
            "instead of the data file: an error or login page; refused"
        )


def overall_timeout_error(url: str, deadline: Deadline | None, exc: Exception | None = None) -> DownloadError:
    seconds = deadline.seconds if deadline is not None else None
    return DownloadError(
        f"{url}: gave up after the overall timeout of {seconds:g} s (the server sends too slowly); "
        "the partial file is kept: run `polycentric sync` again to resume"
        + (f" ({exc})" if exc is not None and str(exc) else "")
    )


def download_part(
    client: httpx.Client,
    url: str,
    part: Path,
    *,
    retries: int,
    progress: Progress,
    deadline: Deadline | None = None,
) -> tuple[PartState, int]:
    """Fill ``part`` with the whole file at ``url``, resuming and retrying dropped connections.

    Returns the server's description of the file and how many bytes were
    already on disk at the first resume (0 for a fresh download). On failure the
    ``.part`` file is kept so that the next call resumes it. A resumed range
    is accepted only when the server answers 206 for the same representation
    (same strong ETag, or same Last-Modified, and same total length); anything
    else restarts from byte 0, so two releases are never spliced.
    """
    meta_path = part.with_name(part.name + ".json")
    saved = load_json(meta_path)
    state = PartState(url=url)
    if part.exists() and saved.get("url") == url and (saved.get("etag") or saved.get("last_modified")):
        state = PartState(
            url=url,
            etag=saved.get("etag"),
            last_modified=saved.get("last_modified"),
            total=saved.get("total"),
            digest=tuple(saved["digest"]) if saved.get("digest") else None,
        )
    elif part.exists():
        part.unlink()  # no validators to resume it safely
    resumed_from = 0
    last_error: Exception | None = None

    def restart(reason: str) -> None:
        nonlocal state, last_error
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        state = PartState(url=url)
        last_error = DownloadError(f"{url}: {reason}; restarting the download")

    attempt = 0
    restarts = 0
    while attempt <= retries:
        attempt += 1
        if deadline is not None and deadline.expired:
            raise overall_timeout_error(url, deadline)
        offset = part.stat().st_size if part.exists() else 0
        if state.total is not None and offset == state.total:
            return state, resumed_from
        headers: dict[str, str] = {}
        if offset > 0:
            headers["Range"] = f"bytes={offset}-"
            validator = state.etag if state.etag and not state.etag.startswith("W/") else state.last_modified
            if validator:
                headers["If-Range"] = validator
        try:
            with stream_get(client, url, headers) as resp:
                if resp.status_code == 416:  # the part does not fit the file any more
                    restart("HTTP 416: the partial download did not fit")
                    continue
                refuse_html(resp, url)
                if resp.status_code == 206:
                    cr = content_range_total(resp.headers.get("content-range"))
                    if cr is None or cr[0] != offset:
                        raise DownloadError(f"{url}: the server answered a range request with a wrong Content-Range")
                    etag = resp.headers.get("etag")
                    lm = resp.headers.get("last-modified")
                    changed = (
                        (etag is not None and state.etag is not None and etag != state.etag)
                        or (lm is not None and state.last_modified is not None and lm != state.last_modified)
                        or (cr[1] is not None and state.total is not None and cr[1] != state.total)
                    )
                    if changed:  # the server ignored If-Range and sent part of another release
                        restarts += 1
                        if restarts > 2:
                            raise DownloadError(f"{url}: the file keeps changing while it downloads; try later")
                        restart("the file changed on the server since the partial download (ETag/length differ)")
                        attempt -= 1  # not a connection failure
                        continue
                    state.total = cr[1] if cr[1] is not None else state.total
                    mode = "ab"
                    if resumed_from == 0:
                        resumed_from = offset
                elif resp.status_code == 200:
                    offset = 0
                    mode = "wb"
                    length = resp.headers.get("content-length")
                    state.total = int(length) if length and length.isdigit() else None
                    state.etag = resp.headers.get("etag")
                    state.last_modified = resp.headers.get("last-modified")
                    state.digest = offered_digest(resp.headers)
                    resumed_from = 0
                else:
                    raise DownloadError(f"HTTP {resp.status_code} for {url}")
                write_json_atomic(
                    meta_path,
                    {
                        "url": url,
                        "etag": state.etag,
                        "last_modified": state.last_modified,
                        "total": state.total,
                        "digest": list(state.digest) if state.digest else None,
                    },
                )
                done = offset
                progress.update(done, state.total)
                first = offset == 0
                with part.open(mode) as fh:
                    for chunk in resp.iter_bytes():  # unbuffered: a drop loses nothing received
                        if first and chunk:
                            first = False
                            if looks_like_html(chunk):
                                fh.close()
                                part.unlink(missing_ok=True)
                                meta_path.unlink(missing_ok=True)
                                raise DownloadError(f"{url}: the server sent an HTML page instead of the data file")
                        fh.write(chunk)
                        done += len(chunk)
                        progress.update(done, state.total)
                        if deadline is not None and deadline.expired:
                            raise overall_timeout_error(url, deadline)
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteError) as exc:
            if deadline is not None and deadline.expired:
                raise overall_timeout_error(url, deadline, exc) from exc
            last_error = exc  # dropped connection or a read stall: resume from what arrived
            continue
        size = part.stat().st_size
        if state.total is None or size == state.total:
            return state, resumed_from
        if size > state.total:
            part.unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
            raise DownloadError(f"{url}: received {size} bytes, more than the announced {state.total}")
        last_error = DownloadError(f"{url}: received {size} of {state.total} bytes (a short body)")
    raise DownloadError(
        f"downloading {url} failed after {retries + 1} attempt(s) ({type(last_error).__name__}: {last_error}); "
        "the partial file is kept: run `polycentric sync` again to resume"
    )


def same_representation(client: httpx.Client, url: str, state: PartState) -> bool:
    """After a resumed download without a digest: does the server still serve what we resumed?"""
    headers: dict[str, str] = {}
    if state.etag and not state.etag.startswith("W/"):
        headers["If-None-Match"] = state.etag
    elif state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    else:
        return False
    try:
        with stream_get(client, url, headers) as resp:
            if resp.status_code == 304:
                return True
            etag, lm = resp.headers.get("etag"), resp.headers.get("last-modified")
            length = resp.headers.get("content-length")
            same_len = state.total is None or (length is not None and length.isdigit() and int(length) == state.total)
            if state.etag and etag:
                return etag == state.etag and same_len
            return bool(state.last_modified and lm == state.last_modified and same_len)
    except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout) as exc:
        raise DownloadError(f"revalidating {url} failed: {exc}") from exc
