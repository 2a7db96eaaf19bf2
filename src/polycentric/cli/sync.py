"""CLI command ``polycentric sync``: bring the UN Digital Library files up to date, then ingest them.

Dependency rule: a thin shell over :func:`polycentric.record.build.sync_record`; logic lives in the library.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Optional

import typer

from polycentric.cli.options import OutOpt, RecordFormatOpt
from polycentric.cli.output import OutputFormat, emit


class SyncSource(StrEnum):
    """The records ``--only`` can name."""

    authorities = "authorities"
    ga = "ga"
    sc = "sc"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command("sync")
    def sync(
        only: Annotated[
            Optional[list[SyncSource]],
            typer.Option("--only", help="Sync only this source (repeatable): authorities, ga, sc."),
        ] = None,
        url: Annotated[
            Optional[str],
            typer.Option("--url", help="UN Digital Library base URL (default: $POLYCENTRIC_UNDL_URL or the library)."),
        ] = None,
        ingest: Annotated[
            bool, typer.Option("--ingest/--no-ingest", help="Ingest what changed into the record.")
        ] = True,
        progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show download progress bars.")] = True,
        search_api: Annotated[
            bool,
            typer.Option("--search-api/--no-search-api", help="Then add the GA records past the newest bulk file."),
        ] = True,
        connect_timeout: Annotated[
            float, typer.Option("--connect-timeout", min=0.1, help="Seconds to wait for a connection.")
        ] = 5.0,
        read_timeout: Annotated[
            float, typer.Option("--read-timeout", min=0.1, help="Seconds without data before a read counts as stalled.")
        ] = 60.0,
        timeout: Annotated[
            float, typer.Option("--timeout", min=0.1, help="Overall seconds per source (discovery and download).")
        ] = 1800.0,
        wait: Annotated[
            float, typer.Option("--wait", min=0.0, help="Seconds to wait for another sync on this home to finish.")
        ] = 10.0,
        fmt: RecordFormatOpt = OutputFormat.table,
        out: OutOpt = None,
    ) -> None:
        """Download the newest UN Digital Library voting and member-state files when they changed, then ingest them.

        A file counts as current only once its ingest has committed: after a crash or a failed ingest the next
        sync ingests it. Then the General Assembly records newer than the bulk file are read from the library's
        search API. Offline, it stops at once and says how to ingest local files instead (`polycentric ingest PATH`).
        """
        from polycentric.record.build import sync_record
        from polycentric.sources.download import SOURCES

        keys = [s.value for s in only] if only else list(SOURCES)
        report = sync_record(
            base_url=url,
            progress=progress,
            sources=keys,
            ingest=ingest,
            search_api=search_api and not only,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            timeout=timeout,
            lock_wait=wait,
        )
        emit(report.to_frame(), fmt, out)
        if report.ingest_note:
            typer.echo(report.ingest_note, err=True)
        if report.failed:
            from polycentric.errors import DownloadError

            names = ", ".join(r.source for r in report.failed)
            raise DownloadError(f"{len(report.failed)} source(s) could not be synced ({names}); see the error column")
