"""CLI commands of the record: build, ingest, check, coverage, rollcalls, votes, state.

Dependency rule: a thin shell; logic lives in the library
(:mod:`polycentric.record.store`, :mod:`polycentric.record.build`,
:mod:`polycentric.states`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from polycentric.cli.options import OutOpt, register_commands
from polycentric.cli.options import RecordFormatOpt as FormatOpt
from polycentric.cli.output import OutputFormat, emit
from polycentric.errors import ConfigurationError

if TYPE_CHECKING:
    import polars as pl

_ROLL_CALL_TABLE = [
    "rollcall_id",
    "date",
    "session",
    "resolution",
    "symbol_official",
    "undl_id",
    "kind",
    "title",
    "total_yes",
    "total_no",
    "total_abstain",
    "sources",
]
_VOTE_COLUMNS = [
    "state",
    "state_name",
    "vote",
    "resolution",
    "title",
    "date",
    "session",
    "session_number",
    "year",
    "rollcall_id",
]


def _run_with_progress(steps: int, work):  # type: ignore[no-untyped-def]
    from polycentric.cli.progress import run_steps

    return run_steps(steps, work)


def build(
    offline: Annotated[bool, typer.Option("--offline", help="Do not try to download; ingest local files.")] = False,
    models: Annotated[
        bool,
        typer.Option(
            "--models/--no-models",
            help="Then fit and store the default models and the dashboard's default answers (refits only what "
            "changed).",
        ),
    ] = True,
    state_pages: Annotated[
        bool, typer.Option("--state-pages", help="Also compute every member state's page ahead (about 2 minutes).")
    ] = False,
) -> None:
    """Build the record: from the UN Digital Library when online, from local files when offline.

    Then the models the dashboard and the CLI use by default (ideal points, polarity in both readings, the
    forecaster) are fitted and stored, keyed to the record, and the dashboard's default pages are answered
    ahead, so nothing is cold afterwards.
    """
    import time

    from polycentric.record.build import LOCAL_SOURCES, build_record

    t0 = time.perf_counter()
    report = _run_with_progress(len(LOCAL_SOURCES) + 4, lambda say: build_record(offline=offline, progress=say))
    typer.echo(report.message)
    if report.ingest is not None:
        typer.echo(report.ingest.summary())
    typer.echo(f"record: {time.perf_counter() - t0:.1f} s", err=True)
    if models:
        precompute(state_pages=state_pages)


def precompute(*, state_pages: bool = False) -> None:
    """Fit and store the default models, then the dashboard's default answers, with a progress display."""
    from polycentric.api.precompute import precompute_answers
    from polycentric.models.precompute import STAGES, precompute_models

    done = _run_with_progress(len(STAGES) + 1, lambda say: precompute_models(progress=say))
    for name, what, seconds in done.stages:
        typer.echo(f"{name}: {what} ({seconds:.1f} s)", err=True)
    stored, failed, seconds = _run_with_progress(2, lambda say: precompute_answers(states=state_pages, progress=say))
    typer.echo(
        f"answers: {stored} dashboard answers stored"
        + (f", {failed} not (computed on demand)" if failed else "")
        + f" ({seconds:.1f} s)",
        err=True,
    )


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (an unvotes folder, or a folder of CSV files).")
    ],
    format: Annotated[
        Optional[str],
        typer.Option(
            "--format", help="Force a reader: undl, unvotes, voeten-raw, single-vote, unsc-vetoes (default: detected)."
        ),
    ] = None,
    wait: Annotated[
        Optional[float],
        typer.Option(
            "--wait",
            min=0,
            help="Seconds to wait while another ingest writes the record, then give up with exit 2 "
            "(default: $POLYCENTRIC_LOCK_TIMEOUT or 600).",
        ),
    ] = None,
    keep: Annotated[
        Optional[int],
        typer.Option(
            "--keep", min=1, help="Versions of the record to keep (default: $POLYCENTRIC_KEEP_VERSIONS or 3)."
        ),
    ] = None,
) -> None:
    """Add files to the record (atomic and durable; one writer at a time; the same file twice changes nothing)."""
    from polycentric.record.store import ingest as ingest_paths

    report = _run_with_progress(
        len(paths) + 3,
        lambda say: ingest_paths(paths, format=format, progress=say, lock_timeout=wait, keep=keep),
    )
    typer.echo(report.summary())


def check(
    format: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 when a recorded tally differs from the stored votes (unless rejected duplicate rows "
            "explain it), or when a stored roll call breaks a limit an ingest enforces (date range, field size).",
        ),
    ] = False,
    official: Annotated[
        Optional[Path],
        typer.Option(
            "--official",
            help="Compare per session and state with official totals (ga_country_session_totals_*.csv.gz layout).",
        ),
    ] = None,
) -> None:
    """Verify the store's checksums; print the ledger (every input row accounted for), tally mismatches and conflicts.

    Exit 1 when a file of the live version is missing or corrupt (its SHA-256 differs from the manifest);
    damaged older versions are listed.
    With --official FILE: the record's roll calls and Y/N/A/X totals per session and state against the official ones.
    """
    import polars as pl

    from polycentric.record.store import open_record, refusable_rows, verify_store

    rec = open_record()
    damaged = verify_store(rec.home)
    if damaged.filter(pl.col("live")).height:  # do not read damaged tables: say which files are damaged
        typer.echo(f"Store integrity: {damaged.height} problem(s)")
        emit(damaged, "table", max_rows=50)
        _check_exit(damaged, None, False)
    if official is not None:
        _check_official(rec, official, format, out)
        return
    ledger = rec.ledger()
    mismatches = rec.check()
    conflicts = rec.conflicts()
    refusable = refusable_rows(rec) if strict else None
    if format.value != "table" or out is not None:
        emit(ledger, format, out)
        _check_exit(damaged, refusable, strict and mismatches.height > int(mismatches["explained"].sum()))
        return
    live = rec.path
    n_files = len(json.loads((live / "manifest.json").read_text(encoding="utf-8")).get("files") or {})
    if damaged.height:
        typer.echo(f"Store integrity: {damaged.height} problem(s)")
        emit(damaged, "table", max_rows=50)
    else:
        typer.echo(f"Store integrity: the {n_files} files of {live.name} match their SHA-256 in the manifest")
    typer.echo("Ledger: every input row, by file and status")
    emit(ledger, "table")
    totals = ledger.group_by("status").agg(pl.col("rows").sum()).sort("status")
    typer.echo("  " + ", ".join(f"{s}: {n:,}" for s, n in totals.iter_rows()))
    n_explained = int(mismatches["explained"].sum())
    typer.echo(
        f"\nTally mismatches (recorded totals versus stored votes): {mismatches.height}"
        + (
            f", of which {n_explained} explained: the source counts rows rejected as a second row for a state"
            if n_explained
            else ""
        )
    )
    if mismatches.height:
        emit(mismatches, "table", max_rows=50)
    typer.echo(f"\nConflicts between sources: {conflicts.height}")
    if conflicts.height:
        emit(conflicts, "table", max_rows=50)
    if refusable is not None:
        typer.echo(f"\nStored roll calls an ingest would refuse (--strict): {refusable.height}")
        if refusable.height:
            emit(refusable, "table", max_rows=50)
    _check_exit(damaged, refusable, strict and mismatches.height > n_explained)


def _check_exit(damaged: pl.DataFrame, refusable: pl.DataFrame | None, unexplained: bool) -> None:
    import polars as pl
    live = damaged.filter(pl.col("live"))
    if live.height:  # a damaged older version is reported; the record read is the live one
        typer.echo(f"error: {live.height} damaged file(s) in the live version of the store", err=True)
        raise typer.Exit(1)
    if unexplained or (refusable is not None and refusable.height):
        raise typer.Exit(1)


def _check_official(rec, path: Path, format: OutputFormat, out: Optional[Path]) -> None:  # type: ignore[no-untyped-def]
    import polars as pl
    sessions, diffs = rec.check_official(path)
    if format.value != "table" or out is not None:
        emit(sessions, format, out)
        return
    typer.echo(f"The record against the official totals of {path.name}, per session (whole-resolution GA roll calls)")
    emit(sessions, "table", max_rows=200)
    counts = dict(sessions.group_by("status").len().iter_rows())
    typer.echo("  " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    fewer = sessions.filter(pl.col("status") == "fewer roll calls")["session"].to_list()
    if fewer:
        typer.echo(
            "  Sessions where the record holds fewer roll calls than the UN's (Voeten's data lack them): "
            + ", ".join(fewer)
        )
    typer.echo(f"\nStates and categories that differ: {diffs.height}")
    if diffs.height:
        emit(diffs, "table", max_rows=50)
    typer.echo(rec.coverage_line())


def coverage(
    official: Annotated[
        Optional[Path],
        typer.Option("--official", help="Official totals file (default: found in the local data folder, if any)."),
    ] = None,
    format: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
) -> None:
    """What the record covers: per body and session, dates, roll calls, official count, complete, partial."""
    from polycentric.record.store import open_record

    rec = open_record()
    df = rec.coverage(official)
    emit(df, format, out, max_rows=300)
    if format.value == "table" and out is None:
        typer.echo(rec.coverage_line())


def rollcalls(
    session: Annotated[Optional[str], typer.Option("--session", help="77, S-10, ES-11 ...")] = None,
    year: Annotated[Optional[int], typer.Option("--year")] = None,
    issue: Annotated[
        Optional[str], typer.Option("--issue", help="me, nu, di, hr, co, ec (Voeten's issue codes)")
    ] = None,
    search: Annotated[
        Optional[str], typer.Option("--search", help="Text in the symbol, title, agenda or subjects.")
    ] = None,
    state: Annotated[Optional[str], typer.Option("--state", help="Only roll calls this state voted in.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="resolution, amendment or paragraph")] = None,
    body: Annotated[str, typer.Option("--body", help="GA, SC or all")] = "GA",
    start: Annotated[Optional[str], typer.Option("--start", help="From this date (YYYY-MM-DD).")] = None,
    end: Annotated[Optional[str], typer.Option("--end", help="Up to this date (YYYY-MM-DD).")] = None,
    undl_id: Annotated[Optional[int], typer.Option("--undl-id", help="UN Digital Library record id.")] = None,
    format: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
) -> None:
    """List roll calls, each as cited: title, status (adopted, vetoed, ...) and the UN document link."""
    import polars as pl

    from polycentric.record.cite import display_title, with_citation
    from polycentric.record.store import open_record
    from polycentric.registry.resolver import resolve_states

    record = open_record()
    df = record.roll_calls(
        session=session, year=year, issue=issue, search=search,
        state=resolve_states([state])[0] if state is not None else None, kind=kind,
        body=None if body.lower() == "all" else body, start=start, end=end, undl_id=undl_id,
    )  # fmt: skip
    if "status" in df.columns and "vetoed_by" not in df.columns:
        df = df.drop("status")
    df = with_citation(df)
    if format.value == "table" and out is None:
        cols = (
            [*_ROLL_CALL_TABLE[:7], "status", *_ROLL_CALL_TABLE[7:]]
            if body.upper() == "GA"
            else [*_ROLL_CALL_TABLE[:5], "status", "vetoed_by", *_ROLL_CALL_TABLE[5:]]
        )
        df = df.select([c for c in cols if c in df.columns]).with_columns(
            pl.col("title").map_elements(display_title, return_dtype=pl.String).str.slice(0, 70)
        )
        emit(df, format, out)
        if df.height:
            typer.echo(f"  {df.height:,} roll calls. Coverage: {coverage_line(record)}")
        return
    emit(df, format, out)


def votes(
    resolution: Annotated[
        Optional[str], typer.Option("--resolution", "-r", help="Symbol, e.g. A/RES/ES-11/1 (R/68/262 works too).")
    ] = None,
    session: Annotated[Optional[str], typer.Option("--session")] = None,
    year: Annotated[Optional[int], typer.Option("--year")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="Years, inclusive: 2014 or 2000-2023.")] = None,
    state: Annotated[Optional[str], typer.Option("--state", help="Only this state's votes (any code or name).")] = None,
    issue: Annotated[Optional[str], typer.Option("--issue")] = None,
    body: Annotated[str, typer.Option("--body", help="GA, SC or all")] = "GA",
    undl_id: Annotated[
        Optional[int], typer.Option("--undl-id", help="UN Digital Library record id (records without a symbol).")
    ] = None,
    search: Annotated[Optional[str], typer.Option("--search", help="Text in the symbol or title.")] = None,
    map_: Annotated[
        Optional[Path],
        typer.Option("--map", help="With --resolution: draw the world map of the votes to FILE.png or FILE.svg."),
    ] = None,
    format: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
) -> None:
    """List votes (state, state name at the time, Y/N/A/X, resolution, title, date, session).

    A --resolution or --undl-id that names no roll call exits 1 with the reason and roll calls of that session.
    """
    import polars as pl

    from polycentric.record.cite import with_titles
    from polycentric.record.sc import outcome_lines
    from polycentric.record.store import open_record
    from polycentric.registry.resolver import resolve_states
    from polycentric.symbols import parse_years

    if all(x is None for x in (resolution, session, year, years, state, issue, undl_id, search)):
        raise typer.BadParameter(
            "give at least one of --resolution, --undl-id, --search, --session, --year, --years, --state, --issue"
        )
    if year is not None and years is not None:
        raise ConfigurationError("give --year or --years, not both")
    if map_ is not None and resolution is None and undl_id is None:
        raise ConfigurationError("--map draws one roll call: give --resolution too")
    record = open_record()
    which_body = None if body.lower() == "all" else body
    if resolution is not None or undl_id is not None:
        found = record.find(resolution=resolution, undl_id=undl_id)  # raises with suggestions when nothing matches
        if which_body is not None and not (found["body"] == which_body.upper()).any():
            which_body = None  # the symbol names a roll call of the other body: show it
    start = end = None
    if years is not None:
        first, last = parse_years(years)
        start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    df = record.votes(
        resolution=resolution,
        session=session,
        year=year,
        start=start,
        end=end,
        state=resolve_states([state])[0] if state is not None else None,
        issue=issue,
        body=which_body,
        undl_id=undl_id,
        search=search,
    )
    roll_calls = record.roll_calls(body=which_body)
    df = with_titles(df, roll_calls).select(_VOTE_COLUMNS)
    if map_ is not None:
        _draw_map(record, roll_calls, df, map_)
        typer.echo(f"map written to {map_}", err=True)
    if format.value == "table" and out is None:
        emit(df.drop("title"), format, out)
        if df.height:
            typer.echo(_cited_lines(record, roll_calls, df))
            rcs = roll_calls.filter(pl.col("rollcall_id").is_in(df["rollcall_id"].unique().implode()))
            partial = (
                rcs.filter(pl.col("votes_complete").not_())["rollcall_id"]
                if "votes_complete" in rcs.columns
                else pl.Series("rollcall_id", [], dtype=pl.Int64)
            )
            complete = df.filter(~pl.col("rollcall_id").is_in(partial.implode()))
            counts = dict(complete.group_by("vote").len().iter_rows())
            if partial.len() < rcs.height:
                typer.echo("  " + "  ".join(f"{v}: {counts.get(v, 0)}" for v in ("Y", "N", "A", "X")))
            if partial.len():
                typer.echo(f"  tally unknown for {partial.len()} roll call(s): only some members' votes are recorded")
            for line in outcome_lines(rcs):
                typer.echo("  " + line)
    else:
        emit(df, format, out)


def _draw_map(record: object, roll_calls: pl.DataFrame, votes: pl.DataFrame, path: Path) -> None:
    """The world map of the (whole-resolution) roll call behind ``votes``, titled and sourced for print."""
    import polars as pl

    from polycentric.record.cite import with_citation
    from polycentric.report.maps import draw_vote_map

    if votes.height == 0:
        raise ConfigurationError("no votes to draw on the map")
    mine = with_citation(roll_calls.filter(pl.col("rollcall_id").is_in(votes["rollcall_id"].unique().implode())))
    rc = mine.sort(pl.col("kind") != "resolution", "date").row(0, named=True)
    shown = votes.filter(pl.col("rollcall_id") == rc["rollcall_id"])
    symbol = rc["resolution"] or f"UN DL record {rc.get('undl_id')}"
    title = f"{symbol}: {rc['title']}" if rc.get("title") else str(symbol)
    tally = dict(shown.group_by("vote").len().iter_rows())
    subtitle = f"{rc['date']} · {rc.get('status') or 'status not recorded'} · " + ", ".join(
        f"{k} {tally.get(k, 0)}" for k in ("Y", "N", "A", "X")
    )
    draw_vote_map(
        dict(zip(shown["state"].to_list(), shown["vote"].to_list(), strict=True)),
        path,
        title=title if len(title) <= 110 else title[:107] + "…",
        subtitle=subtitle + (f" · {rc['link']}" if rc.get("link") else ""),
        coverage=coverage_line(record),
        names=dict(zip(shown["state"].to_list(), shown["state_name"].to_list(), strict=True)),
    )


def coverage_line(record: object) -> str:
    """The record's coverage line (what it holds and up to when), or its version when it has none."""
    line = getattr(record, "coverage_line", None)
    if callable(line):
        return str(line())
    return f"record {getattr(record, 'version', '?')}"


def _cited_lines(record: object, roll_calls: pl.DataFrame, votes: pl.DataFrame, most: int = 5) -> str:
    """How to cite the roll calls behind a vote table (up to ``most``), then the coverage line."""
    import polars as pl

    from polycentric.record.cite import with_citation

    ids = votes["rollcall_id"].unique(maintain_order=True)
    lines = []
    if ids.len() <= most:
        cited = with_citation(roll_calls.filter(pl.col("rollcall_id").is_in(ids.implode())))
        for row in cited.iter_rows(named=True):
            lines.append(f"  {row['citation']}" + (f"  {row['link']}" if row["link"] else ""))
    else:
        lines.append(f"  {ids.len():,} roll calls (--format csv gives each one's title, status and link)")
    lines.append(f"  Coverage: {coverage_line(record)}")
    return "\n".join(lines)


def state(
    code: Annotated[str, typer.Argument(help="Any code (ISO2/ISO3/M49, cow:NNN, SUN, GER ...) or name.")],
    year: Annotated[
        Optional[int], typer.Option("--year", help="Name, membership and vote counts in this year.")
    ] = None,
    format: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
) -> None:
    """Show a state: codes, UN membership, its name and vote counts in a year."""
    import polars as pl

    from polycentric.errors import RecordNotBuiltError
    from polycentric.states import is_member, resolve_state, state_name, states_table

    day = dt.date(year, 7, 1) if year is not None else None
    sid = resolve_state(code, day)
    row = states_table().filter(pl.col("state") == sid)
    row = row.with_columns(
        name=pl.lit(state_name(sid, day)),
        member=pl.lit(is_member(sid, day) if day is not None else row["un_left"][0] is None),
    )
    if year is not None:
        try:
            from polycentric.models.saved import stored_votes
            from polycentric.record.coverage import years_after_record
            from polycentric.record.store import open_record

            rec = open_record()
            # the General Assembly's votes of that year (rec.votes(year=year, state=sid)), from the stored view
            v = stored_votes(rec, "GA", (year, year)).filter(pl.col("state") == sid)
            counts = dict(v.group_by("vote").len().iter_rows())
            unknown = bool(years_after_record(rec, year, year))  # after the record's end: unknown, not 0
            if unknown:
                typer.echo(
                    f"note: the record holds no General Assembly votes for {year} ({rec.coverage_line()})", err=True
                )
            row = row.with_columns(
                **{f"votes_{k}": pl.lit(None if unknown else counts.get(k, 0), pl.Int64) for k in ("Y", "N", "A", "X")}
            )
        except RecordNotBuiltError:
            pass
    emit(row, format, out)


COMMANDS: dict[str, Callable[..., Any]] = {
    "build": build,
    "ingest": ingest,
    "check": check,
    "coverage": coverage,
    "rollcalls": rollcalls,
    "votes": votes,
    "state": state,
}
"""This module's commands, by name."""


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    register_commands(app, COMMANDS)
