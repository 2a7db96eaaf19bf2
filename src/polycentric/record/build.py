"""``polycentric build`` and ``polycentric sync``: the record from the UN Digital Library, or from local files.

Online, :func:`sync_record` downloads the newest UN DL bulk files
(:mod:`polycentric.sources.download`), ingests them, and then brings the record
past the newest bulk file through the library's search API
(:mod:`polycentric.sources.undl_marc`). It is exactly-once: a downloaded file
stays *pending* in ``HOME/downloads/manifest.json`` until the store's ingest of
those bytes has committed, so a crash or a failed ingest between the download
and the ingest is made good by the next sync (the store ignores a file it
already holds, so a crash after the ingest and before the mark is harmless).

When it cannot reach the library (:class:`~polycentric.errors.OfflineError`)
:func:`build_record` ingests the local source files instead, from
:func:`polycentric.config.local_data_dir` (``--data``, ``POLYCENTRIC_DATA`` or
``../shared/data``):

- ``unvotes_voeten_2024/`` (Voeten's roll calls 1946-2023, amendment and
  paragraph votes and issue codes included),
- ``unga_undl_keyvotes_sample/`` (key votes 2014-2024 in UN DL coding, among
  them the emergency special sessions ES-10 and ES-11),
- ``unga_unsc_votes_2023_2025_combined/ga_votes_long.csv.gz`` (every GA
  recorded vote of sessions 78-80 to 2025-12-18, all of ES-10 and ES-11; the 20
  session-79 records without a symbol are kept under their UN DL record id;
  its Security Council rows, in ``sc_votes_long.csv.gz``, are not GA votes),
- ``unsc_vetoes/`` (Security Council vetoes 1946-2022) and the Security Council
  files ``unga_unsc_votes_2023_2025_combined/sc_votes_long.csv.gz`` (adopted
  resolutions 2023-2025, 15 votes each),
  ``unsc_vetoes_2022_2026_update/unsc_vetoes_sept2022_2026_dhl_layout.csv``
  (vetoes 2022-2026) and
  ``unsc_failed_drafts_sample_1947_2022_emilytong/unsc_failed_draft_votes_long.csv``
  (every member's vote on 53 failed drafts).

``undl_layout_from_voeten/`` is *not* ingested by default: it re-expresses the
same Voeten votes in the UN DL layout (for testing the UN DL reader at scale),
so it adds no vote; ingesting it would label Voeten's data as UN Digital
Library data and put its approximated X rows ahead of the membership-based
ones. (The merge would link it to Voeten's roll calls, so ``polycentric ingest``
of that file is harmless, just not informative.)

Dependency rule: as :mod:`polycentric.record`; the sources (download, search
API) are imported plainly, the store's ingest is called from here and never
from ``polycentric.sources``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import polars as pl

from polycentric.config import home_dir, local_data_dir
from polycentric.errors import (
    ConfigurationError,
    DownloadError,
    OfflineError,
    PolycentricError,
    RecordNotBuiltError,
    SourceError,
)
from polycentric.record._versions import fault_point
from polycentric.record.store import IngestReport, ingest, open_record
from polycentric.sources import undl_marc
from polycentric.sources._http import Deadline, make_client
from polycentric.sources.download import (
    SOURCES,
    SourceResult,
    downloads_dir,
    downloads_lock,
    mark_ingested,
    pending_files,
    read_manifest,
    register_local_file,
    resolve_base_url,
    sync_source,
)

__all__ = [
    "API_KEY",
    "LOCAL_SOURCES",
    "BuildReport",
    "SyncReport",
    "build_record",
    "local_source_paths",
    "sync_record",
    "sync_search_api",
]

API_KEY = "undl_api"
"""Manifest key of the search-API extract (``HOME/downloads/undl_api/ga_search_api.csv``)."""

LOOKBACK_DAYS = 120
"""The search API is asked for records dated from the newest GA vote in the record minus this many days,
so corrections of recent records are picked up as well as new ones."""

LOCAL_SOURCES: tuple[str, ...] = (
    "unvotes_voeten_2024",
    "unga_undl_keyvotes_sample",
    "unga_unsc_votes_2023_2025_combined/ga_votes_long.csv.gz",
    "unsc_vetoes/unsc_vetoes_1946_sept2022.csv",
    # the Security Council (see docs/record.md): adopted resolutions 2023-2025 with their 15 members' votes,
    # the vetoes after the 1946-2022 list, the failed-drafts sample with every member's vote
    "unga_unsc_votes_2023_2025_combined/sc_votes_long.csv.gz",
    "unsc_vetoes_2022_2026_update/unsc_vetoes_sept2022_2026_dhl_layout.csv",
    "unsc_failed_drafts_sample_1947_2022_emilytong/unsc_failed_draft_votes_long.csv",
)
"""Paths, relative to the local data folder, that an offline build ingests."""


@dataclass
class BuildReport:
    """How the record was built: ``mode`` is ``"online"`` or ``"local"``; ``message`` says which and why."""

    mode: str
    message: str
    ingest: IngestReport | None = None


def local_source_paths(data: str | Path | None = None) -> list[Path]:
    """The local files an offline build ingests (those present; raises when none is)."""
    root = local_data_dir(data)
    paths = [root / rel for rel in LOCAL_SOURCES if (root / rel).exists()]
    if not paths:
        raise ConfigurationError(f"{root} holds none of {', '.join(LOCAL_SOURCES)}")
    return paths


def build_record(
    home: str | Path | None = None,
    data: str | Path | None = None,
    *,
    offline: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build (or update) the record: download when possible, else ingest local files.

    Parameters
    ----------
    home
        The record's folder.
    data
        Folder of local source files (default discovery in :mod:`polycentric.config`).
    offline
        Skip the download attempt.
    """
    root = home_dir(home)
    reason = "offline build requested"
    if not offline:
        try:
            result = sync_record(root, progress=False)
            return BuildReport("online", f"built from the UN Digital Library: {result.summary()}")
        except OfflineError as exc:
            reason = f"offline: {exc}"
    root_data = local_data_dir(data)
    paths = local_source_paths(data)
    report = ingest(paths, home=root, progress=progress)
    used = ", ".join(str(p.relative_to(root_data)) for p in paths)
    missing = [rel for rel in LOCAL_SOURCES if not (root_data / rel).exists()]
    message = f"built from local files in {root_data} ({reason}): {used}"
    if missing:
        message += f"; not found there, so not used: {', '.join(missing)}"
    return BuildReport("local", message, report)


# --------------------------------------------------------------------------- sync


@dataclass
class SyncReport:
    """The outcome of :func:`sync_record`: one :class:`SourceResult` per source, then the ingest."""

    results: list[SourceResult] = field(default_factory=list)
    ingested: list[Path] = field(default_factory=list)
    ingest_note: str | None = None
    api: undl_marc.MarcVotes | None = None
    api_since: dt.date | None = None

    @property
    def changed(self) -> list[SourceResult]:
        """The sources whose file was (re)downloaded."""
        return [r for r in self.results if r.status == "downloaded"]

    @property
    def failed(self) -> list[SourceResult]:
        """The sources that could not be synced."""
        return [r for r in self.results if r.status == "failed"]

    def summary(self) -> str:
        """One line: what changed, what failed, what was ingested."""
        parts = [f"{r.source} {r.status}" for r in self.results]
        return "; ".join(parts) + (f". {self.ingest_note}" if self.ingest_note else "")

    def to_frame(self) -> pl.DataFrame:
        """One row per source: source, status, file, bytes, sha256, layout, pending, error."""
        return pl.DataFrame(
            {
                "source": [r.source for r in self.results],
                "status": [r.status for r in self.results],
                "file": [r.name for r in self.results],
                "bytes": [r.size for r in self.results],
                "sha256": [r.sha256 for r in self.results],
                "layout": [r.layout for r in self.results],
                "pending": [r.pending for r in self.results],
                "error": [r.error for r in self.results],
            },
            schema={
                "source": pl.String(),
                "status": pl.String(),
                "file": pl.String(),
                "bytes": pl.Int64(),
                "sha256": pl.String(),
                "layout": pl.String(),
                "pending": pl.Boolean(),
                "error": pl.String(),
            },
        )


def _ingest_pending(
    root: Path, keys: Sequence[str], report: SyncReport, progress: Callable[[str], None] | None
) -> None:
    """Ingest every pending file (this run's downloads and any an earlier run left), each then marked.

    Each file is its own store transaction, so a file the readers refuse (or a
    busy store) leaves that file pending and reported as failed while the
    others are ingested.
    """
    pending = pending_files(root)
    for key in keys:
        path = pending.get(key)
        if path is None:
            continue
        result = next((r for r in report.results if r.source == key), None)
        if result is None:
            result = SourceResult(key, "unchanged", path.name, path, pending=True)
            report.results.append(result)
        fault_point("sync:before-ingest")  # POLYCENTRIC_FAULT=kill:NAME (tests)
        try:
            ingest([path], home=root, progress=progress)
        except PolycentricError as exc:
            result.status = "failed"
            result.error = f"ingest of {path.name} failed, it stays pending for the next sync: {exc}"
            continue
        fault_point("sync:after-ingest")
        mark_ingested(root, key, path)
        report.ingested.append(path)
        result.pending = False


def _newest_ga_date(root: Path) -> dt.date | None:
    try:
        rc = open_record(root).roll_calls(body="GA")
    except RecordNotBuiltError:
        return None
    if rc.height == 0:
        return None
    value = rc["date"].max()
    return value if isinstance(value, dt.date) else None


def sync_search_api(
    home: str | Path | None = None,
    base_url: str | None = None,
    *,
    since: dt.date | None = None,
    lookback_days: int = LOOKBACK_DAYS,
    page_size: int = undl_marc.DEFAULT_PAGE_SIZE,
    client: httpx.Client | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 60.0,
    timeout: float | None = 600.0,
) -> tuple[SourceResult, undl_marc.MarcVotes | None, dt.date | None]:
    """Fetch the GA "Voting Data" records past the newest bulk file and write them for ingest.

    The records dated from ``since`` (default: the newest GA vote in the record
    minus ``lookback_days``) are read page by page (:func:`undl_marc.fetch_marc_records`)
    and written in the UN DL bulk layout to ``HOME/downloads/undl_api/ga_search_api.csv``,
    registered in the download manifest as pending when its bytes changed.
    Records without a 967 field are reported (``MarcVotes.without_votes``), not stored.

    Returns the source result (``source`` ``"undl_api"``), the records read and the date asked from.
    """
    root = home_dir(home)
    base = resolve_base_url(base_url)
    if since is None:
        newest = _newest_ga_date(root)
        if newest is None:
            return (
                SourceResult(API_KEY, "skipped", error="no General Assembly votes in the record yet: build it first"),
                None,
                None,
            )
        since = newest - dt.timedelta(days=lookback_days)
    deadline = Deadline(timeout)
    http = client if client is not None else make_client(connect_timeout, read_timeout, deadline)

    def get(url: str) -> bytes:
        if deadline.expired:
            raise DownloadError(f"{url}: gave up after the overall timeout of {timeout:g} s")
        try:
            resp = http.get(url)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise OfflineError(f"cannot reach {base} ({type(exc).__name__}: {exc})") from exc
        except httpx.HTTPError as exc:
            if deadline.expired:  # the socket layer stopped at the deadline (headers or body)
                raise DownloadError(f"{url}: gave up after the overall timeout of {timeout:g} s") from exc
            raise DownloadError(f"reading {url} failed: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise DownloadError(f"HTTP {resp.status_code} for {url}")
        if not resp.content.strip():
            raise DownloadError(f"{url} answered with an empty page; the library may be throttling scripts")
        return resp.content

    try:
        marc = undl_marc.fetch_marc_records(get, base, since, page_size=page_size)
    finally:
        if client is None:
            http.close()
    path = downloads_dir(root) / API_KEY / "ga_search_api.csv"
    rows = undl_marc.write_undl_csv(marc, path)
    if rows == 0:
        return SourceResult(API_KEY, "unchanged", path.name, None, 0, None, "undl-2026"), marc, since
    pending = register_local_file(
        root, API_KEY, path, since=since.isoformat(), records=marc.roll_calls.height, layout="undl-2026"
    )
    entry_sha = read_manifest(root).get(API_KEY, {}).get("sha256")
    status = "downloaded" if pending else "unchanged"
    return (
        SourceResult(API_KEY, status, path.name, path, path.stat().st_size, entry_sha, "undl-2026", pending=pending),
        marc,
        since,
    )


def sync_record(
    home: str | Path | None = None,
    base_url: str | None = None,
    progress: bool = True,
    *,
    sources: Sequence[str] = ("authorities", "ga", "sc"),
    ingest: bool = True,
    search_api: bool = True,
    retries: int = 3,
    connect_timeout: float = 5.0,
    read_timeout: float = 60.0,
    timeout: float | None = 1800.0,
    client: httpx.Client | None = None,
    say: Callable[[str], None] | None = None,
    lock_wait: float = 10.0,
) -> SyncReport:
    """Download what changed in the UN Digital Library, ingest it, then add the records past the bulk file.

    1. Each bulk source is synced with :func:`~polycentric.sources.download.sync_source`;
       a source that fails is reported and the others still sync. Being offline
       stops at once with :class:`OfflineError`.
    2. Every file *pending* ingest (downloaded now, or by an earlier run that
       crashed or whose ingest failed) is ingested, each in its own store
       transaction, then marked ingested; a file whose ingest fails is
       reported ``failed`` and stays pending, the others go in.
    3. With ``search_api``, the GA records past the newest bulk file are read
       from the search API (:func:`sync_search_api`) and ingested the same way.

    One sync runs at a time per home (``HOME/downloads/.sync.lock``; a second
    waits ``lock_wait`` seconds, then fails with :class:`DownloadError`).

    Returns
    -------
    SyncReport
        One :class:`SourceResult` per source (and ``undl_api``), the files ingested and a note.
    """
    root = home_dir(home)
    with downloads_lock(root, wait=lock_wait):
        return _sync_locked(
            root,
            base_url,
            progress,
            sources=sources,
            ingest=ingest,
            search_api=search_api,
            retries=retries,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            timeout=timeout,
            client=client,
            say=say,
        )


def _sync_locked(
    root: Path,
    base_url: str | None,
    progress: bool,
    *,
    sources: Sequence[str],
    ingest: bool,
    search_api: bool,
    retries: int,
    connect_timeout: float,
    read_timeout: float,
    timeout: float | None,
    client: httpx.Client | None,
    say: Callable[[str], None] | None,
) -> SyncReport:
    report = SyncReport()
    for key in sources:
        try:
            result = sync_source(
                key,
                home=root,
                base_url=base_url,
                progress=progress,
                retries=retries,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                timeout=timeout,
                client=client,
            )
        except OfflineError:
            raise
        except SourceError as exc:
            result = SourceResult(key, "failed", error=str(exc))
        report.results.append(result)
    waiting = pending_files(root)  # left by an earlier run that crashed or whose ingest failed
    keys = [k for k in SOURCES if k in sources or k in waiting]
    if not search_api and API_KEY in waiting:  # otherwise the search-API step below ingests it
        keys.append(API_KEY)
    if not ingest:
        report.ingest_note = "ingest skipped (--no-ingest); downloaded files stay pending for the next sync"
        return report
    _ingest_pending(root, keys, report, say)
    if search_api:
        try:
            api, marc, since = sync_search_api(
                root,
                base_url,
                client=client,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                timeout=timeout,
            )
            report.api, report.api_since = marc, since
        except SourceError as exc:  # offline included: the bulk files are already in
            api = SourceResult(API_KEY, "failed", error=str(exc))
        report.results.append(api)
        _ingest_pending(root, [API_KEY], report, say)
    if report.ingested:
        report.ingest_note = f"ingested {len(report.ingested)} file(s)"
    elif report.failed:
        report.ingest_note = "nothing ingested"
    else:
        report.ingest_note = "nothing changed: the record is current"
    if report.api is not None and report.api.without_votes.height:
        ids = ", ".join(str(i) for i in report.api.without_votes["undl_id"].to_list())
        report.ingest_note += (
            f"; {report.api.without_votes.height} search-API record(s) have no per-state votes yet "
            f"(no 967 field) and were not stored: {ids}"
        )
    return report
