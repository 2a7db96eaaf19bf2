"""What every reader shares: the normalised source tables, :func:`source_data`, symbols, sessions, duplicates.

A reader turns one input (a file, or the folder of Voeten's ``unvotes`` triple)
into a :class:`SourceData`: roll calls and votes in the canonical vocabulary
(canonical state ids, vote codes Y/N/A/X, normalised resolution symbols,
sessions) plus a ledger that accounts for every input row. The store then
merges sources (see :mod:`polycentric.record.store`).

CSV scanning (the fast whole-file read, the streaming parse and the line and
field of an error) lives in :mod:`polycentric.sources._csv`; its names are
re-exported here for the readers.

Dependency rule: imports ``polycentric.schema``, ``polycentric.symbols`` and
:mod:`polycentric.sources._csv`; computes no statistics and never touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from polycentric.schema import ISSUE_COLUMNS, conform
from polycentric.sources._csv import (  # re-exported for the readers
    FAST_READ_LIMIT,
    first_bad,
    guess_encoding,
    is_gzip,
    locate_problem,
    open_binary,
    physical_line,
    physical_lines,
    read_csv_fast,
    read_csv_fast_runs,
    read_frame,
    read_header,
    stream_csv,
)
from polycentric.symbols import (  # one parser for all layers, re-exported for the readers
    normalise_symbol,
    normalise_symbols,
    parse_session,
    session_in_progress,
    session_in_progress_expr,
)

__all__ = [
    "LEDGER",
    "REJECTED",
    "SOURCE_ROLL_CALLS",
    "SOURCE_VOTES",
    "SourceData",
    "source_data",
    "guess_encoding",
    "is_gzip",
    "locate_problem",
    "normalise_symbol",
    "normalise_symbols",
    "open_binary",
    "parse_session",
    "session_in_progress",
    "session_in_progress_expr",
    "physical_line",
    "physical_lines",
    "rejected_rows",
    "split_duplicates",
    "read_csv_fast",
    "read_csv_fast_runs",
    "read_frame",
    "read_header",
    "stream_csv",
    "FAST_READ_LIMIT",
    "DUPLICATE_REASON",
    "dedupe_votes",
    "first_bad",
]

SOURCE_ROLL_CALLS: dict[str, pl.DataType] = {
    "src_rc": pl.Int64(),  # the roll call's id within its source (Voeten rcid, UN DL undl_id, or a counter)
    "rcid": pl.Int64(),  # Voeten's rcid when the source is Voeten's (links the two Voeten formats)
    "body": pl.String(),
    "session": pl.String(),
    "session_number": pl.Int32(),
    "date": pl.Date(),
    "year": pl.Int32(),
    "resolution": pl.String(),
    "symbol_official": pl.Boolean(),  # False: the source's own identifier, not a UN symbol
    "undl_id": pl.Int64(),  # UN Digital Library record id where the source gives it
    "title": pl.String(),
    "agenda": pl.String(),
    "subjects": pl.String(),
    "kind": pl.String(),
    "kind_known": pl.Boolean(),  # False where the source cannot tell amendments from whole resolutions
    "important": pl.Boolean(),
    **{c: pl.Boolean() for c in ISSUE_COLUMNS},
    "issues_source": pl.String(),
    "total_yes": pl.Int32(),
    "total_no": pl.Int32(),
    "total_abstain": pl.Int32(),
    "total_non_voting": pl.Int32(),
    "first_line": pl.Int64(),  # 1-based line of the roll call's first row in the file
}
"""Roll calls as a reader returns them (ROLL_CALLS plus provenance columns)."""

SOURCE_VOTES: dict[str, pl.DataType] = {
    "src_rc": pl.Int64(),
    "state": pl.String(),
    "vote": pl.String(),
}
"""Votes as a reader returns them: canonical state id and Y/N/A/X."""

LEDGER: dict[str, pl.DataType] = {
    "source": pl.String(),  # source label, e.g. "undl", "voeten", "file:name.csv"
    "file": pl.String(),  # file name
    "table": pl.String(),  # "votes" or "roll_calls"
    "status": pl.String(),  # stored / merged / skipped / rejected / derived
    "reason": pl.String(),
    "rows": pl.Int64(),
}
"""The ledger: how many input rows of each file ended in each status, and why."""

REJECTED: dict[str, pl.DataType] = {
    "src_rc": pl.Int64(),
    "line": pl.Int64(),  # physical line of the row in its file
    "code": pl.String(),  # the state as the file writes it
    "state": pl.String(),  # the canonical id it resolved to
    "vote": pl.String(),
    "reason": pl.String(),
}
"""Input rows a reader rejected, one by one (the ledger counts them): a second row for a state and roll call."""


@dataclass
class SourceData:
    """One input, normalised.

    Attributes
    ----------
    source
        Label of the source family written to ``ROLL_CALLS.sources``:
        ``undl``, ``voeten``, ``voeten-raw``, ``file:<name>``, ``unsc-vetoes``.
    kind
        Precedence class: ``undl``, ``file``, ``voeten``, ``voeten-raw``, ``vetoes``.
    layout
        The detected layout name.
    files
        The files read (one, or three for the unvotes triple).
    roll_calls, votes
        Frames in :data:`SOURCE_ROLL_CALLS` and :data:`SOURCE_VOTES`.
    ledger
        Per-file counts in :data:`LEDGER` of the reader's own decisions
        (rows it skipped or rejected); the store adds stored/merged.
    rejected
        The rejected vote rows themselves (:data:`REJECTED`), where the reader
        keeps them (so a recorded tally that counts them can be explained).
    input_rows
        Data rows per (file, table) read.
    complete_members
        False when the source omits members that did not vote (the ``unvotes``
        package drops them); the store then adds their X rows.
    """

    source: str
    kind: str
    layout: str
    files: list[str]
    roll_calls: pl.DataFrame
    votes: pl.DataFrame
    ledger: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LEDGER))
    input_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    complete_members: bool = True
    rejected: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REJECTED))


LedgerRow = tuple[str, str, str, str, str, int]
"""One :data:`LEDGER` row: source, file, table, status, reason, rows."""


def source_data(
    path: Path,
    *,
    source: str,
    kind: str,
    layout: str,
    input_rows: dict[tuple[str, str], int],
    roll_calls: pl.DataFrame | None = None,
    votes: pl.DataFrame | None = None,
    ledger: pl.DataFrame | Sequence[LedgerRow] = (),
    duplicates: int = 0,
    roll_call_schema: dict[str, pl.DataType] | None = None,
    files: Sequence[str | Path] | None = None,
    complete_members: bool = True,
    rejected: pl.DataFrame | None = None,
) -> SourceData:
    """A reader's :class:`SourceData` for the input ``path``, finished the same way by every reader.

    ``roll_calls`` and ``votes`` default to none (empty frames); the votes are
    cast to :data:`SOURCE_VOTES`, the roll calls conformed to
    ``roll_call_schema`` when given (else kept as they are). ``ledger`` (rows or
    a :data:`LEDGER` frame) gets one more row when ``duplicates`` vote rows were
    rejected as a second row for a state (:data:`DUPLICATE_REASON`). ``files``
    defaults to ``[path]``.
    """
    rows = [*ledger.iter_rows()] if isinstance(ledger, pl.DataFrame) else list(ledger)
    if duplicates:
        rows.append((source, path.name, "votes", "rejected", DUPLICATE_REASON, duplicates))
    if roll_calls is None:
        roll_calls = pl.DataFrame(schema=SOURCE_ROLL_CALLS)
    elif roll_call_schema is not None:
        roll_calls = conform(roll_calls, roll_call_schema)
    return SourceData(
        source=source,
        kind=kind,
        layout=layout,
        files=[str(f) for f in (files if files is not None else [path])],
        roll_calls=roll_calls,
        votes=(
            pl.DataFrame(schema=SOURCE_VOTES) if votes is None else votes.select(list(SOURCE_VOTES)).cast(SOURCE_VOTES)  # type: ignore[arg-type]
        ),
        ledger=pl.DataFrame(rows, schema=LEDGER, orient="row"),
        input_rows=input_rows,
        complete_members=complete_members,
        rejected=pl.DataFrame(schema=REJECTED) if rejected is None else rejected,
    )


DUPLICATE_REASON = "second row for the same state and roll call (a vote kept over an X; else the first row kept)"


def split_duplicates(votes: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep one row per (roll call, state); return the kept rows and the dropped ones (other columns kept).

    Two rows for one state arise when a file names a state twice, or by two codes
    that are one state (``CHN`` before 1971-10-25 is the Republic of China's seat,
    ``TWN``; Voeten marks the People's Republic absent on votes before it was
    seated). A Y/N/A row wins over an X row; otherwise the first row is kept.
    """
    hashed = votes.select(pl.struct("src_rc", "state").hash()).to_series()
    # repeated hashes, found by sorting the 64-bit hashes (cheaper than a hash table of them)
    in_order = hashed.sort()
    repeated = in_order.filter(in_order == in_order.shift(1))
    if repeated.len() == 0:  # distinct hashes: distinct keys (the common case)
        return votes, votes.clear()
    # rows whose key hash repeats: the true duplicates (and any hash collision, sorted out exactly below)
    clash = votes.with_row_index("_order").filter(hashed.is_in(repeated.implode()))
    winners = clash.sort(["src_rc", "state", pl.col("vote") == "X", "_order"]).unique(["src_rc", "state"], keep="first")
    losers = clash.join(winners.select("_order"), on="_order", how="anti").sort("_order")
    keep = pl.repeat(True, votes.height, eager=True).scatter(losers["_order"], False)
    return votes.filter(keep), losers.drop("_order")


def dedupe_votes(votes: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Keep one row per (roll call, state) (see :func:`split_duplicates`); return it and the number dropped."""
    kept, dropped = split_duplicates(votes)
    return kept, dropped.height


def rejected_rows(
    path: Path, dropped: pl.DataFrame, *, lines_are_records: bool, reason: str = DUPLICATE_REASON
) -> pl.DataFrame:
    """The :data:`REJECTED` frame of dropped vote rows (with ``src_rc``, ``_rec``, ``code``, ``state``, ``vote``).

    ``lines_are_records``: every record is one line (the fast read vouched for
    it), so the line is ``_rec + 2``; otherwise the file is scanned once.
    """
    if dropped.height == 0:
        return pl.DataFrame(schema=REJECTED)
    recs = dropped["_rec"].cast(pl.Int64)
    if lines_are_records:
        line = recs + 2
    else:
        where = physical_lines(path, recs.to_list())
        line = recs.replace_strict(where, return_dtype=pl.Int64)
    out = dropped.select("src_rc", line.alias("line"), "code", "state", "vote", pl.lit(reason).alias("reason"))
    return out.cast(REJECTED)  # type: ignore[arg-type]
