"""Download the UN Digital Library voting files: discover, resume, verify, skip when unchanged.

Three records of the UN Digital Library (https://digitallibrary.un.org) hold the
files polycentric builds its record from; each is republished from time to time
under a new dated file name:

========================  =======  =============================================
source key                record   file name (newest chosen by the date in it)
========================  =======  =============================================
``authorities``           4082085  ``member_states_auths_2026-04-30.csv``
``ga`` (General Assembly) 4060887  ``2026_02_06_ga_voting.csv``
``sc`` (Security Council) 4055387  ``2026_02_06_sc_voting.csv``
========================  =======  =============================================

For each source :func:`sync_source`

1. **discovers** the file names of the record: first from its MARCXML export
   (``/record/ID/export/xm``, fields 856 ``$u`` with the size in ``$s``), then,
   when that yields nothing, from the links ``/record/ID/files/NAME`` of its HTML
   page; the newest name is the one with the latest date (then revision) in it;
2. **skips** the download when the manifest (``HOME/downloads/manifest.json``)
   holds the same name whose local copy still has its recorded size and SHA-256,
   and the server answers the conditional request (``If-None-Match`` /
   ``If-Modified-Since``) with 304, or with the same ETag and length;
3. **downloads** into ``NAME.part``, resuming an earlier partial download with
   an HTTP ``Range`` request (guarded by ``If-Range``), and retrying a dropped
   connection from where it stopped;
4. **verifies** the result: its size against ``Content-Length`` /
   ``Content-Range`` and the 856 ``$s`` size, its digest when the server offers
   one (``Repr-Digest``, ``Digest`` or ``Content-MD5``), and that it parses as a
   layout the reader knows (else :class:`~polycentric.errors.UnknownLayoutError`
   naming the expected columns);
5. **renames** it atomically into place and then records it in the manifest
   (ETag, Last-Modified, size, SHA-256) as **pending ingest**. A failure at any
   step leaves the previous file and the manifest as they were.

A file stays pending until :func:`mark_ingested` records that the store's
ingest of exactly those bytes (same SHA-256) has committed; :func:`sync_source`
reports a pending file (``SourceResult.pending``) even when the server says it
is unchanged, so a crash or a failed ingest between download and ingest is
made good by the next sync (the orchestration lives in
:func:`polycentric.record.build.sync_record`).

Resuming is guarded three ways: ``If-Range`` carries the validator seen (a
strong ETag, else Last-Modified); a 206 whose ETag or total length differs from
the one seen, or a 200, restarts the download from byte 0; and a resumed file
without a server digest is revalidated (``If-None-Match``) once complete. Two
releases are never spliced. Three timeouts apply (:mod:`polycentric.sources._http`):
connect, read stall, and an overall deadline per source. HTML pages (an error
or login page served with 200) and bodies shorter than announced are refused.

Without a network the first request fails within the connect timeout and
:class:`~polycentric.errors.OfflineError` says how to ingest a local file
instead. The base URL is ``https://digitallibrary.un.org`` unless the
``base_url`` argument or the ``POLYCENTRIC_UNDL_URL`` environment variable
names another (a mirror, or a local test server).

Dependency rule: imports ``polycentric.errors``, ``polycentric.config`` and the
readers of ``polycentric.sources``; never the record, measures, models or shells.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from polycentric.config import home_dir
from polycentric.errors import DownloadError, InputFormatError, OfflineError, SourceError, UnknownLayoutError
from polycentric.sources import undl_authorities, undl_sc
from polycentric.sources._http import Deadline, DeadlineExceeded, make_client
from polycentric.sources.detect import detect_layout

__all__ = [
    "DEFAULT_BASE_URL",
    "SOURCES",
    "RemoteFile",
    "SourceResult",
    "SourceSpec",
    "discover_files",
    "downloads_dir",
    "mark_ingested",
    "newest_file",
    "pending_files",
    "read_manifest",
    "register_local_file",
    "resolve_base_url",
    "sync_source",
]

DEFAULT_BASE_URL = "https://digitallibrary.un.org"
"""Where the UN Digital Library lives (override with ``POLYCENTRIC_UNDL_URL``)."""

OFFLINE_HINT = (
    "To build the record without a network, ingest local files instead: "
    "`polycentric ingest PATH` (a UN Digital Library voting CSV you downloaded, or a folder "
    "such as ../shared/data/unvotes_voeten_2024)."
)


# --------------------------------------------------------------------------- layouts


def _read_header(path: Path) -> list[str]:
    """The header row of a CSV file (UTF-8, with or without a byte-order mark)."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        row = next(csv.reader(fh), None)
    if row is None:
        raise UnknownLayoutError("the file is empty (no header row)", path=path, line=1)
    return [c.strip() for c in row]


# The GA bulk file (record 4060887): the 2025/2026 header as documented in
# ../shared/data/un_dl_format/; the file of 2026-02-06 adds ``vote_note``.
GA_COLUMNS_2026: tuple[str, ...] = (
    "undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "draft",
    "committee_report", "meeting", "title", "agenda_title", "subjects", "vote_note",
    "total_yes", "total_no", "total_abstentions", "total_non_voting", "total_ms", "undl_link",
)  # fmt: skip
GA_COLUMNS_2025: tuple[str, ...] = tuple(c for c in GA_COLUMNS_2026 if c != "vote_note")
# The data dictionary of 2024-09-12 names its columns in the plural (ms_codes, ...).
GA_COLUMNS_2024: tuple[str, ...] = (
    "undl_id", "ms_codes", "ms_names", "ms_votes", "resolutions", "title", "modality", "draft",
    "committee_report", "meeting", "agenda_titles", "subjects", "date", "yes", "no", "abstentions",
    "non-voting", "total-voting", "undl_link",
)  # fmt: skip
_GA_REQUIRED = ("undl_id", "ms_code", "ms_vote", "date", "resolution")
_GA_ALIASES = {"ms_codes": "ms_code", "ms_votes": "ms_vote", "resolutions": "resolution", "ms_names": "ms_name"}


def check_ga_header(columns: Sequence[str], path: str | Path | None = None) -> str:
    """Name the GA bulk-file layout of ``columns`` or raise :class:`UnknownLayoutError`.

    Returns ``"undl-2026"``, ``"undl-2025"`` or ``"undl-2024"``. A header that
    lacks any of the key columns (``undl_id, ms_code, ms_vote, date,
    resolution``, or their 2024 plural forms) is refused with the list of the
    columns expected.
    """
    cols = [c.strip().lower() for c in columns]
    if tuple(cols) == GA_COLUMNS_2026:
        return "undl-2026"
    if tuple(cols) == GA_COLUMNS_2025:
        return "undl-2025"
    normalised = {_GA_ALIASES.get(c, c) for c in cols}
    missing = [c for c in _GA_REQUIRED if c not in normalised]
    if missing:
        raise UnknownLayoutError(
            "not a UN Digital Library General Assembly voting file: missing column(s) "
            f"{', '.join(missing)}. Expected the columns {', '.join(GA_COLUMNS_2026)} "
            f"(2026 layout; the 2025 layout lacks vote_note). Found: {', '.join(columns)}",
            path=path,
            line=1,
        )
    if any(c in cols for c in ("ms_codes", "ms_votes", "resolutions")):
        return "undl-2024"
    return "undl-2026" if "vote_note" in cols else "undl-2025"


def _check_ga_file(path: Path) -> str:
    header = _read_header(path)
    check_ga_header(header, path)
    layout = detect_layout(header, path)  # the readers' own layout detection
    if not layout.startswith("undl"):
        raise UnknownLayoutError(
            f"the file reads as layout {layout}, not a UN Digital Library GA voting file; "
            f"expected the columns {', '.join(GA_COLUMNS_2026)}",
            path=path,
            line=1,
        )
    _check_rows(path, n_rows=2000)
    return layout


def _check_sc_file(path: Path) -> str:
    undl_sc.check_header(_read_header(path), path)
    undl_sc.read_sc_votes(path)  # the file is small: parse it whole
    return "undl-sc"


def _check_authority_file(path: Path) -> str:
    undl_authorities.read_member_state_authorities(path)
    return "undl-authorities"


def _check_rows(path: Path, n_rows: int) -> None:
    """Parse the first ``n_rows`` data rows: each must have as many fields as the header."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for i, row in enumerate(reader):
            if i >= n_rows:
                break
            if row and len(row) != len(header):
                raise InputFormatError(
                    f"row has {len(row)} fields, the header {len(header)}",
                    path=path,
                    line=reader.line_num,
                )


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class SourceSpec:
    """One UN Digital Library record polycentric downloads a file from.

    Attributes
    ----------
    key
        Short name: ``"ga"``, ``"sc"`` or ``"authorities"``.
    record_id
        The UN Digital Library record number.
    pattern
        Regular expression a file name of this record must match in full; its
        groups ``y``, ``m``, ``d`` (and optional ``rev``) order the versions.
    description
        Words for messages and progress bars.
    check
        Verifies a downloaded file parses as a known layout; returns the layout
        name or raises :class:`~polycentric.errors.SourceError`.
    """

    key: str
    record_id: int
    pattern: re.Pattern[str]
    description: str
    check: Callable[[Path], str]

    def version_key(self, name: str) -> tuple[int, int, int, int] | None:
        """``(year, month, day, revision)`` of a file name of this source, or None."""
        m = self.pattern.fullmatch(name)
        if m is None:
            return None
        try:
            dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        rev = m.groupdict().get("rev")
        return int(m["y"]), int(m["m"]), int(m["d"]), int(rev) if rev else 0


_REV = r"(?:[_-](?:rev|corr)[_.-]?(?P<rev>\d+))?"
SOURCES: dict[str, SourceSpec] = {
    "authorities": SourceSpec(
        "authorities",
        4082085,
        re.compile(r"member_states_auths_(?P<y>\d{4})[-_](?P<m>\d{1,2})[-_](?P<d>\d{1,2})" + _REV + r"\.csv", re.I),
        "UN member-state authority file",
        _check_authority_file,
    ),
    "ga": SourceSpec(
        "ga",
        4060887,
        re.compile(
            r"(?P<y>\d{4})_(?P<m>\d{1,2})_(?P<d>\d{1,2})_ga_(?:resolutions_)?voting" + _REV + r"\.csv",
            re.I,
        ),
        "General Assembly voting file",
        _check_ga_file,
    ),
    "sc": SourceSpec(
        "sc",
        4055387,
        re.compile(r"(?P<y>\d{4})_(?P<m>\d{1,2})_(?P<d>\d{1,2})_sc_(?:resolutions_)?voting" + _REV + r"\.csv", re.I),
        "Security Council voting file",
        _check_sc_file,
    ),
}
"""The records synced, in the order :func:`sync_all` syncs them."""


@dataclass(frozen=True)
class RemoteFile:
    """A file listed by a UN Digital Library record."""

    name: str
    url: str
    size: int | None = None  # MARC 856 $s, when given


@dataclass
class SourceResult:
    """What :func:`sync_source` did for one source.

    ``status`` is ``"downloaded"`` (a new or changed file is in place),
    ``"unchanged"`` (the local copy is current; nothing was written) or
    ``"failed"`` (``error`` says why; the previous file is intact). ``pending``
    is true while the file in place awaits a committed ingest.
    """

    source: str
    status: str
    name: str | None = None
    path: Path | None = None
    size: int | None = None
    sha256: str | None = None
    layout: str | None = None
    resumed_from: int = 0  # bytes already on disk when the download resumed
    error: str | None = None
    pending: bool = False  # the file in place has not been ingested yet (see mark_ingested)


# --------------------------------------------------------------------------- helpers


def resolve_base_url(base_url: str | None = None) -> str:
    """The UN Digital Library base URL: the argument, ``$POLYCENTRIC_UNDL_URL``, or the default."""
    url = base_url or os.environ.get("POLYCENTRIC_UNDL_URL") or DEFAULT_BASE_URL
    return url.rstrip("/")


def downloads_dir(home: str | Path | None = None) -> Path:
    """Where downloaded source files and their manifest live: ``HOME/downloads``."""
    return home_dir(home) / "downloads"


def _manifest_path(folder: Path) -> Path:
    return folder / "manifest.json"


def read_manifest(home: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The download manifest: per source key, name, url, etag, last_modified, size, sha256, downloaded_at."""
    path = _manifest_path(downloads_dir(home))
    return _load_json(path)


def _load_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system can fsync a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to a temporary name, fsync it, rename it over ``path``, fsync the folder."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=1, sort_keys=True, default=str))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _offline(url: str, exc: Exception) -> OfflineError:
    host = urllib.parse.urlsplit(url).netloc or url
    return OfflineError(f"cannot reach {host} ({type(exc).__name__}: {exc}). {OFFLINE_HINT}")


@contextlib.contextmanager
def _request(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> Iterator[httpx.Response]:
    """A streamed GET; connection failures become :class:`OfflineError`."""
    try:
        with client.stream("GET", url, headers=headers or {}) as resp:
            yield resp
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise _offline(url, exc) from exc


def _get_text(client: httpx.Client, url: str) -> str:
    try:
        with _request(client, url) as resp:
            body = resp.read()
            status = resp.status_code
    except (httpx.TransportError, httpx.TimeoutException) as exc:
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            raise _offline(url, exc) from exc
        raise DownloadError(f"reading {url} failed: {type(exc).__name__}: {exc}") from exc
    if status != 200:
        raise DownloadError(f"HTTP {status} for {url}")
    if not body.strip():
        raise DownloadError(
            f"{url} answered with an empty page (HTTP {status}); the library may be throttling scripts, try again later"
        )
    return body.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- discovery


def _file_url(base_url: str, record_id: int, name: str) -> str:
    return f"{base_url}/record/{record_id}/files/{urllib.parse.quote(name)}"


def _name_from_url(url: str) -> str:
    path = urllib.parse.urlsplit(url.strip()).path
    return urllib.parse.unquote(path.rsplit("/", 1)[-1])


def _files_from_marcxml(text: str, base_url: str, record_id: int) -> list[RemoteFile]:
    """Files listed in 856 fields (``$u`` the URL, ``$s`` the size) of a MARCXML export."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return []
    out: list[RemoteFile] = []
    for elem in root.iter():
        if not elem.tag.endswith("datafield") or elem.get("tag") != "856":
            continue
        url = size = None
        for sub in elem:
            if not sub.tag.endswith("subfield"):
                continue
            code, value = sub.get("code"), (sub.text or "").strip()
            if code == "u" and value:
                url = value
            elif code == "s" and value.isdigit():
                size = int(value)
        if url and f"/record/{record_id}/files/" in url:
            name = _name_from_url(url)
            out.append(RemoteFile(name, _file_url(base_url, record_id, name), size))
    return out


def _files_from_html(text: str, base_url: str, record_id: int) -> list[RemoteFile]:
    """Files linked from a record's HTML page as ``/record/ID/files/NAME``."""
    pattern = re.compile(rf"/record/{record_id}/files/([^\"'?#<>\s]+)")
    seen: dict[str, RemoteFile] = {}
    for m in pattern.finditer(text):
        name = urllib.parse.unquote(m.group(1))
        seen.setdefault(name, RemoteFile(name, _file_url(base_url, record_id, name)))
    return list(seen.values())


def discover_files(client: httpx.Client, base_url: str, record_id: int) -> list[RemoteFile]:
    """The files of a UN Digital Library record: from its MARCXML export, else its HTML page.

    Raises :class:`OfflineError` when the server cannot be reached, and
    :class:`DownloadError` when neither page lists any file.
    """
    errors: list[str] = []
    for url, parse in (
        (f"{base_url}/record/{record_id}/export/xm", _files_from_marcxml),
        (f"{base_url}/record/{record_id}", _files_from_html),
    ):
        try:
            text = _get_text(client, url)
        except OfflineError:
            raise
        except DownloadError as exc:
            errors.append(str(exc))
            continue
        files = parse(text, base_url, record_id)
        if files:
            return files
        errors.append(f"{url} lists no file")
    raise DownloadError(f"no files found for record {record_id}: " + "; ".join(errors))


def newest_file(spec: SourceSpec, files: Sequence[RemoteFile]) -> RemoteFile:
    """The file of ``spec`` with the latest date (then revision) in its name."""
    dated = [(k, f) for f in files if (k := spec.version_key(f.name)) is not None]
    if not dated:
        names = ", ".join(sorted(f.name for f in files)) or "none"
        raise DownloadError(
            f"record {spec.record_id} lists no {spec.description} whose name matches "
            f"{spec.pattern.pattern!r} (files: {names})"
        )
    return max(dated, key=lambda kf: (kf[0], kf[1].name))[1]


# --------------------------------------------------------------------------- digests


def _offered_digest(headers: httpx.Headers) -> tuple[str, str] | None:
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


def _digest_file(path: Path, algo: str) -> str:
    h = hashlib.sha256() if algo == "sha-256" else hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- download


@dataclass
class _PartState:
    """What the server said about the file being downloaded into ``.part``."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    total: int | None = None
    digest: tuple[str, str] | None = None


def _content_range_total(value: str | None) -> tuple[int, int | None] | None:
    """``(first byte, total length)`` of a ``Content-Range: bytes a-b/total`` header."""
    if not value:
        return None
    m = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", value)
    if not m:
        return None
    total = None if m.group(3) == "*" else int(m.group(3))
    return int(m.group(1)), total


class _Progress:
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

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, completed: int, total: int | None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=completed, total=total)


def _looks_like_html(first: bytes) -> bool:
    head = first.lstrip()[:256].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _refuse_html(resp: httpx.Response, url: str) -> None:
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        raise DownloadError(
            f"{url}: the server sent an HTML page (Content-Type {ctype}, HTTP {resp.status_code}) "
            "instead of the data file: an error or login page; refused"
        )


def _overall(url: str, deadline: Deadline | None, exc: Exception | None = None) -> DownloadError:
    seconds = deadline.seconds if deadline is not None else None
    return DownloadError(
        f"{url}: gave up after the overall timeout of {seconds:g} s (the server sends too slowly); "
        "the partial file is kept: run `polycentric sync` again to resume"
        + (f" ({exc})" if exc is not None and str(exc) else "")
    )


def _download_part(
    client: httpx.Client,
    url: str,
    part: Path,
    *,
    retries: int,
    progress: _Progress,
    deadline: Deadline | None = None,
) -> tuple[_PartState, int]:
    """Fill ``part`` with the whole file at ``url``, resuming and retrying dropped connections.

    Returns the server's description of the file and how many bytes were
    already on disk at the first resume (0 for a fresh download). On failure the
    ``.part`` file is kept so that the next call resumes it. A resumed range
    is accepted only when the server answers 206 for the same representation
    (same strong ETag, or same Last-Modified, and same total length); anything
    else restarts from byte 0, so two releases are never spliced.
    """
    meta_path = part.with_name(part.name + ".json")
    saved = _load_json(meta_path)
    state = _PartState(url=url)
    if part.exists() and saved.get("url") == url and (saved.get("etag") or saved.get("last_modified")):
        state = _PartState(
            url=url,
            etag=saved.get("etag"),
            last_modified=saved.get("last_modified"),
            total=saved.get("total"),
            digest=tuple(saved["digest"]) if saved.get("digest") else None,  # type: ignore[arg-type]
        )
    elif part.exists():
        part.unlink()  # no validators to resume it safely
    resumed_from = 0
    last_error: Exception | None = None

    def restart(reason: str) -> None:
        nonlocal state, last_error
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        state = _PartState(url=url)
        last_error = DownloadError(f"{url}: {reason}; restarting the download")

    attempt = 0
    restarts = 0
    while attempt <= retries:
        attempt += 1
        if deadline is not None and deadline.expired:
            raise _overall(url, deadline)
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
            with _request(client, url, headers) as resp:
                if resp.status_code == 416:  # the part does not fit the file any more
                    restart("HTTP 416: the partial download did not fit")
                    continue
                _refuse_html(resp, url)
                if resp.status_code == 206:
                    cr = _content_range_total(resp.headers.get("content-range"))
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
                    state.digest = _offered_digest(resp.headers)
                    resumed_from = 0
                else:
                    raise DownloadError(f"HTTP {resp.status_code} for {url}")
                _write_json_atomic(
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
                            if _looks_like_html(chunk):
                                fh.close()
                                part.unlink(missing_ok=True)
                                meta_path.unlink(missing_ok=True)
                                raise DownloadError(f"{url}: the server sent an HTML page instead of the data file")
                        fh.write(chunk)
                        done += len(chunk)
                        progress.update(done, state.total)
                        if deadline is not None and deadline.expired:
                            raise _overall(url, deadline)
        except DeadlineExceeded as exc:  # from the socket layer (headers or body)
            raise _overall(url, deadline, exc) from exc
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteError) as exc:
            if deadline is not None and deadline.expired:
                raise _overall(url, deadline, exc) from exc
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


def _same_representation(client: httpx.Client, url: str, state: _PartState) -> bool:
    """After a resumed download without a digest: does the server still serve what we resumed?"""
    headers: dict[str, str] = {}
    if state.etag and not state.etag.startswith("W/"):
        headers["If-None-Match"] = state.etag
    elif state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    else:
        return False
    try:
        with _request(client, url, headers) as resp:
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


def _remote_unchanged(client: httpx.Client, remote: RemoteFile, entry: dict[str, Any]) -> bool:
    """Whether the server says the file behind ``entry`` has not changed."""
    headers: dict[str, str] = {}
    if entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry.get("last_modified"):
        headers["If-Modified-Since"] = entry["last_modified"]
    try:
        with _request(client, remote.url, headers) as resp:
            if resp.status_code == 304:
                return True
            if resp.status_code != 200:
                raise DownloadError(f"HTTP {resp.status_code} for {remote.url}")
            length = resp.headers.get("content-length")
            same_size = length is not None and length.isdigit() and int(length) == entry.get("size")
            etag = resp.headers.get("etag")
            if etag and entry.get("etag"):
                return bool(etag == entry["etag"] and same_size)
            lm = resp.headers.get("last-modified")
            if lm and entry.get("last_modified"):
                return bool(lm == entry["last_modified"] and same_size)
            return False  # no validator to compare: download and compare digests
    except DeadlineExceeded as exc:
        raise DownloadError(f"{remote.url}: overall timeout exceeded ({exc})") from exc
    except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout) as exc:
        raise DownloadError(f"reading {remote.url} failed: {exc}") from exc


def sync_source(
    source: str | SourceSpec,
    *,
    home: str | Path | None = None,
    base_url: str | None = None,
    progress: bool = True,
    retries: int = 3,
    connect_timeout: float = 5.0,
    read_timeout: float = 60.0,
    timeout: float | None = 1800.0,
    client: httpx.Client | None = None,
) -> SourceResult:
    """Bring the newest file of one UN Digital Library record into ``HOME/downloads``.

    Parameters
    ----------
    source
        ``"ga"``, ``"sc"``, ``"authorities"`` or a :class:`SourceSpec`.
    home
        The record's home folder (default: ``$POLYCENTRIC_HOME`` or the user data dir).
    base_url
        The library's address (default: ``$POLYCENTRIC_UNDL_URL`` or
        https://digitallibrary.un.org).
    progress
        Show a progress bar while downloading.
    retries
        How many times a dropped or stalled connection is resumed before giving
        up (the partial file is kept, so a later call resumes it).
    connect_timeout, read_timeout
        Seconds to wait for a connection, and for the next bytes (a stall).
    timeout
        Overall seconds for this source, discovery and download included
        (``None``: no limit). A server that trickles bytes fails here.
    client
        An ``httpx.Client`` to use (for tests); one is made otherwise (the
        overall timeout is then checked between chunks only).

    Returns
    -------
    SourceResult
        ``status`` ``"downloaded"`` or ``"unchanged"``; ``pending`` when the
        file in place still awaits a committed ingest.

    Raises
    ------
    OfflineError
        The server cannot be reached.
    DownloadError
        The server refused, timed out, sent HTML, the file is short, corrupt or
        changed during the download, or no file matches.
    UnknownLayoutError
        The file's columns are not a layout the reader knows.
    """
    spec = SOURCES[source] if isinstance(source, str) else source
    base = resolve_base_url(base_url)
    folder = downloads_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    deadline = Deadline(timeout)
    own_client = client is None
    http = client if client is not None else make_client(connect_timeout, read_timeout, deadline)
    try:
        return _sync_one(spec, base, folder, http, deadline, retries=retries, progress=progress)
    except (DownloadError, httpx.TimeoutException) as exc:
        if deadline.expired and "overall timeout" not in str(exc):
            raise _overall(f"{base}/record/{spec.record_id}", deadline, exc) from exc
        if isinstance(exc, httpx.TimeoutException):
            raise DownloadError(f"{base}: {type(exc).__name__}: {exc}") from exc
        raise
    finally:
        if own_client:
            http.close()


def _sync_one(
    spec: SourceSpec,
    base: str,
    folder: Path,
    http: httpx.Client,
    deadline: Deadline,
    *,
    retries: int,
    progress: bool,
) -> SourceResult:
    """The body of :func:`sync_source` (discovery, skip, download, verify, replace)."""
    remote = newest_file(spec, discover_files(http, base, spec.record_id))
    manifest = _load_json(_manifest_path(folder))
    entry = manifest.get(spec.key) or {}
    target = folder / remote.name
    if (
        entry.get("name") == remote.name
        and target.is_file()
        and target.stat().st_size == entry.get("size")
        and (remote.size is None or remote.size == entry.get("size"))
        and _remote_unchanged(http, remote, entry)
        and _sha256(target) == entry.get("sha256")
    ):
        return SourceResult(
            spec.key,
            "unchanged",
            remote.name,
            target,
            entry.get("size"),
            entry.get("sha256"),
            entry.get("layout"),
            pending=_is_pending(entry),
        )
    part = folder / (remote.name + ".part")
    meta_path = part.with_name(part.name + ".json")
    with _Progress(progress, f"{spec.key}: {remote.name}") as bar:
        state, resumed_from = _download_part(http, remote.url, part, retries=retries, progress=bar, deadline=deadline)
        if resumed_from and state.digest is None and not _same_representation(http, remote.url, state):
            # resumed without a digest to check, and the server now serves another file: start again
            part.unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
            state, resumed_from = _download_part(
                http, remote.url, part, retries=retries, progress=bar, deadline=deadline
            )
    size = part.stat().st_size

    def discard(message: str) -> DownloadError:
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        return DownloadError(f"{remote.name}: {message}; the previous file is kept")

    if size == 0:
        raise discard("the server sent an empty body")
    if remote.size is not None and size != remote.size:
        raise discard(f"received {size} bytes but the record lists {remote.size}")
    if state.total is not None and size != state.total:
        raise discard(f"received {size} bytes but the server announced {state.total}")
    if state.digest is not None:
        algo, expected = state.digest
        got = _digest_file(part, algo)
        if got != expected:
            raise discard(f"{algo} digest {got} differs from the server's {expected}")
    with part.open("rb") as fh:
        if _looks_like_html(fh.read(512)):
            raise discard("the body is an HTML page, not the data file")
    try:
        layout = spec.check(part)
    except SourceError as exc:
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        if isinstance(exc, UnknownLayoutError):
            raise UnknownLayoutError(f"{remote.name} refused: {exc.reason}", path=remote.url, line=1) from exc
        raise
    sha = _sha256(part)
    if entry.get("sha256") == sha and entry.get("name") == remote.name and target.is_file():
        status = "unchanged"  # the server had no validator, but the bytes are the same
        part.unlink()
    else:
        status = "downloaded"
        _fsync_file(part)
        os.replace(part, target)
        _fsync_dir(folder)
    meta_path.unlink(missing_ok=True)
    previous = entry.get("name")
    new_entry: dict[str, Any] = {
        "name": remote.name,
        "url": remote.url,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "size": size,
        "sha256": sha,
        "layout": layout,
        "downloaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if status == "unchanged" and entry.get("ingested_sha256") == sha:
        new_entry["ingested_sha256"] = sha
        new_entry["ingested_at"] = entry.get("ingested_at")
    manifest[spec.key] = new_entry
    _write_json_atomic(_manifest_path(folder), manifest)
    if previous and previous != remote.name:
        (folder / previous).unlink(missing_ok=True)  # superseded by the newer release
    return SourceResult(
        spec.key, status, remote.name, target, size, sha, layout, resumed_from, pending=_is_pending(new_entry)
    )


# --------------------------------------------------------------------------- ingest bookkeeping


def _is_pending(entry: dict[str, Any]) -> bool:
    """An entry is pending until an ingest of its exact bytes committed (old manifests: pending)."""
    return bool(entry.get("sha256")) and entry.get("ingested_sha256") != entry.get("sha256")


def pending_files(home: str | Path | None = None) -> dict[str, Path]:
    """Per manifest key, the file in place whose ingest has not committed yet."""
    folder = downloads_dir(home)
    out: dict[str, Path] = {}
    for key, entry in _load_json(_manifest_path(folder)).items():
        path = folder / str(entry.get("name", ""))
        if isinstance(entry, dict) and _is_pending(entry) and path.is_file():
            out[key] = path
    return out


def mark_ingested(home: str | Path | None, key: str, path: Path) -> bool:
    """Record that the ingest of ``path`` (manifest ``key``) committed.

    Only marks the entry when the file still has the SHA-256 the manifest
    holds (a newer download in between stays pending). Returns whether it did.
    """
    folder = downloads_dir(home)
    manifest = _load_json(_manifest_path(folder))
    entry = manifest.get(key)
    if not isinstance(entry, dict) or not path.is_file() or _sha256(path) != entry.get("sha256"):
        return False
    entry["ingested_sha256"] = entry["sha256"]
    entry["ingested_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _write_json_atomic(_manifest_path(folder), manifest)
    return True


def register_local_file(home: str | Path | None, key: str, path: Path, **meta: Any) -> bool:
    """Record a file written locally (the search-API extract) in the manifest; returns whether it is pending.

    An entry whose SHA-256 is unchanged keeps its ingest mark; new bytes are pending.
    """
    folder = downloads_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _load_json(_manifest_path(folder))
    old = manifest.get(key) if isinstance(manifest.get(key), dict) else {}
    sha = _sha256(path)
    entry = {
        **meta,
        "name": path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path),
        "size": path.stat().st_size,
        "sha256": sha,
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if old and old.get("ingested_sha256") == sha:
        entry["ingested_sha256"] = sha
        entry["ingested_at"] = old.get("ingested_at")
    manifest[key] = entry
    _write_json_atomic(_manifest_path(folder), manifest)
    return _is_pending(entry)


def result_as_dict(result: SourceResult) -> dict[str, Any]:
    """A JSON-friendly dict of a :class:`SourceResult`."""
    d = asdict(result)
    d["path"] = str(result.path) if result.path else None
    return d
