"""Reader of single-vote files: ``resolution,date,ms_code,ms_vote`` (extra columns ignored).

Lets a user add votes the bulk files do not have yet (for example
``../shared/data/unga_undl_keyvotes_sample``). Vote codes are the UN Digital
Library's (Y, N, A, X; NV is read as X); ``ms_code`` may be any code or name
:func:`~polycentric.states.resolve_state` knows. One roll call per
(resolution, date); symbols ``S/...`` are Security Council votes, all others
General Assembly.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.sources._checks import check_required, map_votes, parse_dates, resolve_states
from polycentric.sources.common import (
    SOURCE_ROLL_CALLS,
    SourceData,
    dedupe_votes,
    normalise_symbols,
    read_frame,
    session_in_progress_expr,
    source_data,
)
from polycentric.sources.undl import VOTE_CODES

__all__ = ["SINGLE_COLUMNS", "read_single_votes"]

SINGLE_COLUMNS = ["resolution", "date", "ms_code", "ms_vote"]


def read_single_votes(path: Path, header: list[str]) -> SourceData:
    """Read a single-vote file into a :class:`SourceData` (source label ``file:<name>``)."""
    df = read_frame(path, SINGLE_COLUMNS, header)
    check_required(path, df, SINGLE_COLUMNS)
    dates = parse_dates(path, df, "date")
    vote = map_votes(path, df, "ms_vote", VOTE_CODES)
    state = resolve_states(path, df, "ms_code", dates)
    df = df.with_columns(date_parsed=dates, vote_code=vote, state=state, symbol=normalise_symbols(pl.col("resolution")))
    keys = df.select("symbol", "date_parsed", "_rec").unique(
        ["symbol", "date_parsed"], keep="first", maintain_order=True
    )
    keys = keys.with_row_index("src_rc", offset=1).with_columns(pl.col("src_rc").cast(pl.Int64))
    df = df.join(keys.select("symbol", "date_parsed", "src_rc"), on=["symbol", "date_parsed"], how="left")
    votes = df.select("src_rc", "state", pl.col("vote_code").alias("vote"))
    votes, n_dup = dedupe_votes(votes)
    source = f"file:{path.name}"
    rc = keys.select(
        "src_rc",
        pl.col("symbol").alias("resolution"),
        pl.col("date_parsed").alias("date"),
        (pl.col("_rec") + 2).alias("first_line"),
    ).with_columns(
        body=pl.when(pl.col("resolution").str.starts_with("S/")).then(pl.lit("SC")).otherwise(pl.lit("GA")),
        session=pl.col("resolution").str.extract(r"^A/RES/(ES-\d+|S-\d+|\d+)/", 1),
        year=pl.col("date").dt.year().cast(pl.Int32),
        kind=pl.lit("resolution"),
        kind_known=pl.lit(True),
    )
    rc = rc.with_columns(
        session_number=pl.when(pl.col("body") != "GA")
        .then(None)
        .when(pl.col("session").str.contains(r"^\d+$"))
        .then(pl.col("session").cast(pl.Int32, strict=False))
        .otherwise(session_in_progress_expr(pl.col("date")))
    )
    return source_data(
        path,
        source=source,
        kind="file",
        layout="single-vote",
        roll_calls=rc,
        roll_call_schema=SOURCE_ROLL_CALLS,
        votes=votes,
        duplicates=n_dup,
        input_rows={(path.name, "votes"): df.height},
    )
