"""Adapters from the downloader's UN DL readers to :class:`SourceData`: Security Council votes and authorities.

- The Security Council voting file (record 4055387) is parsed by
  :func:`polycentric.sources.undl_sc.read_sc_votes`; here its codes are mapped
  to canonical state ids (by date) and its roll calls are keyed by ``undl_id``.
  A vetoed draft has no resolution symbol; its draft symbol stands in, so the
  roll call links with the same draft in the veto list (which it supersedes:
  UN DL files come first).
- The member-state authority file (record 4082085) holds names and name chains,
  not votes: its rows are accounted for in the ledger as ``skipped``.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.schema import SC_OUTCOME
from polycentric.sources._checks import resolve_states
from polycentric.sources.common import (
    SOURCE_ROLL_CALLS,
    SourceData,
    dedupe_votes,
    normalise_symbols,
    source_data,
)

__all__ = ["read_authorities_source", "read_sc_source"]

_SC_SCHEMA = {**SOURCE_ROLL_CALLS, **SC_OUTCOME}


def read_sc_source(path: Path) -> SourceData:
    """Read a UN DL Security Council voting file into a :class:`SourceData` (source ``undl-sc``)."""
    from polycentric.sources.sc import sc_outcome
    from polycentric.sources.undl_sc import read_sc_votes

    sc = read_sc_votes(path)
    rc = sc.roll_calls.with_columns(
        src_rc=pl.col("undl_id").cast(pl.Int64),
        undl_id=pl.col("undl_id").cast(pl.Int64),
        symbol_official=pl.lit(True),
        resolution=normalise_symbols(pl.coalesce(pl.col("resolution"), pl.col("draft"))),
        session=pl.col("year").cast(pl.String),  # the Council's "session" is the year
        kind=pl.lit("resolution"),
        kind_known=pl.lit(True),
        rcid=pl.lit(None, dtype=pl.Int64),
        first_line=pl.lit(None, dtype=pl.Int64),
        votes_complete=pl.lit(True),
    )
    dates = sc.votes.join(rc.select(pl.col("src_rc").alias("undl_id"), "date"), on="undl_id", how="left")["date"]
    raw = sc.votes.with_columns(pl.coalesce(pl.col("ms_code"), pl.col("state")).alias("code"))
    state = resolve_states(path, raw, "code", dates)
    votes, n_dup = dedupe_votes(
        pl.DataFrame({"src_rc": raw["undl_id"].cast(pl.Int64), "state": state, "vote": raw["vote"]})
    )
    # outcome: adopted when the file gives a resolution symbol, else vetoed or failed by the members' votes
    outcome = sc_outcome(votes, rc.select("src_rc", "year"))
    rc = (
        rc.drop("status", "vetoed_by")  # null in the reader's frame
        .join(outcome, on="src_rc", how="left")
        .with_columns(
            status=pl.when(pl.col("adopted")).then(pl.lit("adopted")).otherwise(pl.col("status")),
            vetoed_by=pl.when(pl.col("adopted")).then(None).otherwise(pl.col("vetoed_by")),
        )
        .sort("src_rc")
    )
    return source_data(
        path,
        source="undl-sc",
        kind="undl",
        layout="undl-sc",
        roll_calls=rc.select(list(_SC_SCHEMA)),
        roll_call_schema=_SC_SCHEMA,
        votes=votes,
        duplicates=n_dup,
        input_rows={(path.name, "votes"): raw.height},
    )


def read_authorities_source(path: Path) -> SourceData:
    """Account for a member-state authority file: validated, no votes (its rows are ``skipped``)."""
    from polycentric.sources.undl_authorities import read_member_state_authorities

    auth = read_member_state_authorities(path)
    n = int(auth["line"].n_unique()) if auth.height else 0
    ledger = [("undl-authorities", path.name, "names", "skipped", "member-state names and name chains, not votes", n)]
    return source_data(
        path,
        source="undl-authorities",
        kind="undl",
        layout="undl-authorities",
        ledger=ledger,
        input_rows={(path.name, "names"): n},
    )
