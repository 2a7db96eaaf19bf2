"""``polycentric build``: the record from the UN Digital Library when online, from local files otherwise.

Online, :func:`polycentric.sources.download.sync_all` (the downloader) fetches
the newest UN DL files and ingests them. When it cannot (no network:
:class:`~polycentric.errors.OfflineError`; downloader not installed:
``ImportError``) the local source files are ingested instead, from
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
- ``unsc_vetoes/`` (Security Council vetoes 1946-2022).

``undl_layout_from_voeten/`` is *not* ingested by default: it re-expresses the
same Voeten votes in the UN DL layout (for testing the UN DL reader at scale),
so it adds no vote; ingesting it would label Voeten's data as UN Digital
Library data and put its approximated X rows ahead of the membership-based
ones. (The merge would link it to Voeten's roll calls, so ``polycentric ingest``
of that file is harmless, just not informative.)

Dependency rule: as :mod:`polycentric.record`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from polycentric.config import home_dir, local_data_dir
from polycentric.errors import ConfigurationError, OfflineError
from polycentric.record.store import IngestReport, ingest

__all__ = ["LOCAL_SOURCES", "BuildReport", "build_record", "local_source_paths"]

LOCAL_SOURCES: tuple[str, ...] = (
    "unvotes_voeten_2024",
    "unga_undl_keyvotes_sample",
    "unga_unsc_votes_2023_2025_combined/ga_votes_long.csv.gz",
    "unsc_vetoes/unsc_vetoes_1946_sept2022.csv",
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
            from polycentric.sources.download import sync_all  # type: ignore[attr-defined]

            result = sync_all(root)
            return BuildReport("online", f"built from the UN Digital Library ({result})")
        except ImportError:
            reason = "the downloader is not available"
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
