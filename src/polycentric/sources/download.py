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

The byte transfer (resume, digests, durable JSON) is in
:mod:`polycentric.sources._transfer`, the timeouts in :mod:`polycentric.sources._http`;
this module (about 700 lines) keeps the source table, discovery, the
skip/verify/replace steps and the manifest's ingest bookkeeping together, as
they share the manifest's format.

Dependency rule: imports ``polycentric.errors``, ``polycentric.config`` and the
readers of ``polycentric.sources``; never the record, measures, models or shells.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import portalocker

from polycentric.config import Home, home_dir
from polycentric.errors import DownloadError, InputFormatError, OfflineError, SourceError, UnknownLayoutError
from polycentric.sources import undl_authorities, undl_sc
from polycentric.sources._files import holding, sha256_file
from polycentric.sources._http import Deadline, make_client
from polycentric.sources._transfer import (
    Progress,
    digest_file,
    download_part,
    fsync_dir,
    fsync_file,
    load_json,
    looks_like_html,
    offline_error,
    overall_timeout_error,
    same_representation,
    stream_get,
    write_json_atomic,
)
from polycentric.sources.detect import detect_layout
from polycentric.sources.undl import LAYOUT_2024, LAYOUT_2025, LAYOUT_2026

__all__ = [
    "DEFAULT_BASE_URL",
    "SOURCES",
    "RemoteFile",
    "SourceResult",
    "SourceSpec",
    "discover_files",
    "downloads_dir",
    "downloads_lock",
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
# The GA bulk-file layouts (record 4060887) are those of the reader, polycentric.sources.undl (one table).
GA_COLUMNS_2026: tuple[str, ...] = tuple(LAYOUT_2026)
GA_COLUMNS_2025: tuple[str, ...] = tuple(LAYOUT_2025)
GA_COLUMNS_2024: tuple[str, ...] = tuple(LAYOUT_2024)
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
"""The records synced, in the order :func:`polycentric.record.build.sync_record` syncs them."""


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
    return Home.at(home).downloads


def _manifest_path(folder: Path) -> Path:
    return folder / "manifest.json"


def read_manifest(home: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The download manifest: per source key, name, url, etag, last_modified, size, sha256, downloaded_at."""
    path = _manifest_path(downloads_dir(home))
    return load_json(path)


def _get_text(client: httpx.Client, url: str) -> str:
    try:
        with stream_get(client, url) as resp:
            body = resp.read()
            status = resp.status_code
    except (httpx.TransportError, httpx.TimeoutException) as exc:
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            raise offline_error(url, exc) from exc
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


# --------------------------------------------------------------------------- download


def _remote_unchanged(client: httpx.Client, remote: RemoteFile, entry: dict[str, Any]) -> bool:
    """Whether the server says the file behind ``entry`` has not changed."""
    headers: dict[str, str] = {}
    if entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry.get("last_modified"):
        headers["If-Modified-Since"] = entry["last_modified"]
    try:
        with stream_get(client, remote.url, headers) as resp:
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
            raise overall_timeout_error(f"{base}/record/{spec.record_id}", deadline, exc) from exc
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
    manifest = load_json(_manifest_path(folder))
    entry = manifest.get(spec.key) or {}
    target = folder / remote.name
    if (
        entry.get("name") == remote.name
        and target.is_file()
        and target.stat().st_size == entry.get("size")
        and (remote.size is None or remote.size == entry.get("size"))
        and _remote_unchanged(http, remote, entry)
        and sha256_file(target) == entry.get("sha256")
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
    with Progress(progress, f"{spec.key}: {remote.name}") as bar:
        state, resumed_from = download_part(http, remote.url, part, retries=retries, progress=bar, deadline=deadline)
        if resumed_from and state.digest is None and not same_representation(http, remote.url, state):
            # resumed without a digest to check, and the server now serves another file: start again
            part.unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
            state, resumed_from = download_part(
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
        got = digest_file(part, algo)
        if got != expected:
            raise discard(f"{algo} digest {got} differs from the server's {expected}")
    with part.open("rb") as fh:
        if looks_like_html(fh.read(512)):
            raise discard("the body is an HTML page, not the data file")
    try:
        layout = spec.check(part)
    except SourceError as exc:
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        if isinstance(exc, UnknownLayoutError):
            raise UnknownLayoutError(f"{remote.name} refused: {exc.reason}", path=remote.url, line=1) from exc
        raise
    sha = sha256_file(part)
    if entry.get("sha256") == sha and entry.get("name") == remote.name and target.is_file():
        status = "unchanged"  # the server had no validator, but the bytes are the same
        part.unlink()
    else:
        status = "downloaded"
        fsync_file(part)
        os.replace(part, target)
        fsync_dir(folder)
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
    write_json_atomic(_manifest_path(folder), manifest)
    if previous and previous != remote.name:
        (folder / previous).unlink(missing_ok=True)  # superseded by the newer release
    return SourceResult(
        spec.key, status, remote.name, target, size, sha, layout, resumed_from, pending=_is_pending(new_entry)
    )


# --------------------------------------------------------------------------- ingest bookkeeping


SYNC_LOCK = ".sync.lock"


@contextlib.contextmanager
def downloads_lock(home: str | Path | None = None, wait: float = 10.0) -> Iterator[None]:
    """Hold ``HOME/downloads/.sync.lock`` for a whole sync: one sync at a time per home.

    A second sync waits up to ``wait`` seconds, then fails with a
    :class:`DownloadError` naming the process that holds the lock; it never
    shares ``.part`` files or the manifest with the first.
    """
    folder = downloads_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SYNC_LOCK
    flags = portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
    lock = portalocker.Lock(path, mode="a", timeout=wait, check_interval=0.1, flags=flags)
    try:
        fh = lock.acquire()
    except portalocker.LockException:
        try:
            holder = path.read_text(encoding="utf-8").strip() or "another process"
        except OSError:
            holder = "another process"
        raise DownloadError(
            f"another `polycentric sync` is running on {home_dir(home)} ({holder}); "
            f"waited {wait:g} s. Try again when it has finished"
        ) from None
    with holding(lock, fh, f"pid {os.getpid()}"):
        yield


def _is_pending(entry: dict[str, Any]) -> bool:
    """An entry is pending until an ingest of its exact bytes committed (old manifests: pending)."""
    return bool(entry.get("sha256")) and entry.get("ingested_sha256") != entry.get("sha256")


def pending_files(home: str | Path | None = None) -> dict[str, Path]:
    """Per manifest key, the file in place whose ingest has not committed yet."""
    folder = downloads_dir(home)
    out: dict[str, Path] = {}
    for key, entry in load_json(_manifest_path(folder)).items():
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
    manifest = load_json(_manifest_path(folder))
    entry = manifest.get(key)
    if not isinstance(entry, dict) or not path.is_file() or sha256_file(path) != entry.get("sha256"):
        return False
    entry["ingested_sha256"] = entry["sha256"]
    entry["ingested_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write_json_atomic(_manifest_path(folder), manifest)
    return True


def register_local_file(home: str | Path | None, key: str, path: Path, **meta: Any) -> bool:
    """Record a file written locally (the search-API extract) in the manifest; returns whether it is pending.

    An entry whose SHA-256 is unchanged keeps its ingest mark; new bytes are pending.
    """
    folder = downloads_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = load_json(_manifest_path(folder))
    old = manifest.get(key) if isinstance(manifest.get(key), dict) else {}
    sha = sha256_file(path)
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
    write_json_atomic(_manifest_path(folder), manifest)
    return _is_pending(entry)


def result_as_dict(result: SourceResult) -> dict[str, Any]:
    """A JSON-friendly dict of a :class:`SourceResult`."""
    d = asdict(result)
    d["path"] = str(result.path) if result.path else None
    return d
