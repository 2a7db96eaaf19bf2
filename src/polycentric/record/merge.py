"""Merge normalised sources into one record: one roll call once, precedence, conflicts, ledger.

Linking
-------
Two sources hold *the same roll call* when

- both are Voeten's (the ``unvotes`` triple and the raw file) and share an
  ``rcid``; or
- both are votes on a whole resolution with the same normalised symbol in the
  same body (``R/68/262`` = ``A/RES/68/262``). A symbol that a source uses for
  more than one whole-resolution roll call is linked on (symbol, date) instead;
  a roll call with no symbol (or one still ambiguous) on (date, title), compared
  in upper case without punctuation, where that is unique in the source. Voeten's raw file cannot tell
  amendment votes from whole-resolution votes, so it links by symbol only where
  the symbol names a single roll call in that file.

Precedence
----------
For votes on whole resolutions the votes of one source are kept, the first of:
UN Digital Library bulk files (``undl``), single-vote files (``file``), Voeten's
``unvotes`` (``voeten``), Voeten's raw file (``voeten-raw``), the veto list.
For amendment and paragraph votes Voeten comes first (the UN DL file has none).
Among files of the same kind the one ingested last (a newer release) wins.
Metadata (date, title, agenda, subjects, recorded totals) follow the same order,
column by column (first non-null); the issue codes and the important-vote flag
come from Voeten first; ``kind`` from the sources that can tell it. The
Security Council outcome (``status``, ``vetoed_by``) comes from a source naming
a veto first (the veto list is the reference for vetoes), then in the metadata
order; ``votes_complete`` is the chosen source's (false for the veto list, which holds
only the vetoing members' votes).

Conflicts
---------
Where sources disagree on a state's vote (or on the date) the kept value and the
other are written to the conflicts table. A member absent from a source that
drops non-voting members (``unvotes``) counts as X there; an X against a
missing row (absent versus not a member) is not a conflict. A member with no
row in a source of partial votes (the veto list) is unknown there, not a conflict.

Ledger
------
Every input row ends in one status: ``stored`` (kept), ``merged`` (the roll
call is kept from a source of higher precedence), ``skipped`` (carries no vote:
a non-member row of Voeten's raw file), ``rejected`` (a second row for the same
state and roll call), and X rows the store adds for members a source omits are
``derived`` (they have no input row).

The conflicts table is computed in :mod:`polycentric.record._conflicts` and the
linking by tallies in :mod:`polycentric.record._matching` (their tables,
:data:`CONFLICTS`, :data:`MATCHES`, are re-exported here).

Dependency rule: imports polars, ``polycentric.schema``,
``polycentric.registry`` and ``polycentric.sources.common``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from polycentric.record._conflicts import CONFLICTS, find_conflicts
from polycentric.record._matching import MATCH_WINDOW_DAYS, MATCHES, match_by_tallies
from polycentric.schema import ISSUE_COLUMNS, ROLL_CALLS, SC_OUTCOME, VOTES, VOTES_VIEW, conform
from polycentric.sources.common import LEDGER as LEDGER_SCHEMA
from polycentric.sources.common import REJECTED as SOURCE_REJECTED
from polycentric.sources.common import SOURCE_ROLL_CALLS
from polycentric.states import membership_periods, state_names_at

__all__ = [
    "CONFLICTS",
    "MATCHES",
    "MATCH_WINDOW_DAYS",
    "PRECEDENCE_PARTIAL",
    "REJECTED_ROWS",
    "PRECEDENCE_RESOLUTION",
    "Merged",
    "StoredSource",
    "merge_sources",
    "sort_votes",
    "votes_view",
]

REJECTED_ROWS: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "source": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    "code": pl.String(),  # the state as the file writes it
    "state": pl.String(),  # the canonical id it resolved to (which has another row)
    "vote": pl.String(),
    "reason": pl.String(),
    "votes_kept": pl.Boolean(),  # the roll call's stored votes come from this row's source
}
"""Vote rows the readers rejected, one by one, with the roll call they belong to."""

PRECEDENCE_RESOLUTION: dict[str, int] = {"undl": 0, "file": 1, "voeten": 2, "voeten-raw": 3, "vetoes": 4}
"""Rank (lower wins) of source kinds for votes and metadata of whole-resolution roll calls."""
PRECEDENCE_PARTIAL: dict[str, int] = {"voeten": 0, "voeten-raw": 1, "undl": 2, "file": 3, "vetoes": 4}
"""Rank of source kinds for amendment and paragraph votes, issue codes and the important-vote flag."""


@dataclass
class StoredSource:
    """A source as kept in the store (see :class:`polycentric.sources.common.SourceData`)."""

    source_id: str
    seq: int  # ingest order (later wins among sources of the same kind)
    source: str
    kind: str
    files: list[str]
    roll_calls: pl.DataFrame
    votes: pl.DataFrame
    ledger: pl.DataFrame
    input_rows: dict[tuple[str, str], int]
    complete_members: bool
    rejected: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SOURCE_REJECTED))


@dataclass
class Merged:
    roll_calls: pl.DataFrame  # ROLL_CALLS
    votes: pl.DataFrame  # VOTES, by rollcall_id (see votes_view for VOTES_VIEW)
    ledger: pl.DataFrame  # LEDGER_SCHEMA
    conflicts: pl.DataFrame  # CONFLICTS
    ids: pl.DataFrame  # key -> rollcall_id
    rejected: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REJECTED_ROWS))
    matches: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MATCHES))


def _keys(rc: pl.DataFrame) -> pl.DataFrame:
    """Add ``key``: the identity of each source roll call across sources."""
    whole = pl.col("kind").is_in(["resolution", "procedural"]) & pl.col("resolution").is_not_null()
    n_sym = pl.len().over("source_id", "body", "resolution")
    n_sym_date = pl.len().over("source_id", "body", "resolution", "date")
    n_whole_sym = whole.cast(pl.Int32).sum().over("source_id", "body", "resolution")
    n_whole_sym_date = whole.cast(pl.Int32).sum().over("source_id", "body", "resolution", "date")
    sym = pl.col("body") + "|" + pl.col("resolution")
    sym_date = sym + "|" + pl.col("date").cast(pl.String)
    rc = rc.with_columns(
        sym_key=pl.when(pl.col("kind_known") & whole & (n_whole_sym == 1))
        .then(sym)
        .when(pl.col("kind_known") & whole & (n_whole_sym_date == 1) & pl.col("date").is_not_null())
        .then(sym_date)
        .when(~pl.col("kind_known") & whole & (n_sym == 1))
        .then(sym)
        .when(~pl.col("kind_known") & whole & (n_sym_date == 1) & pl.col("date").is_not_null())
        .then(sym_date)
        .otherwise(None)
    )
    # no usable symbol: link on (body, date, title) where that is unique in the source
    title = pl.col("title").str.to_uppercase().str.replace_all(r"[^0-9A-Z]+", "")
    n_title = pl.len().over("source_id", "body", "date", "_title")
    rc = (
        rc.with_columns(_title=title)
        .with_columns(
            sym_key=pl.when(
                pl.col("sym_key").is_null()
                & pl.col("kind_known")
                & pl.col("kind").is_in(["resolution", "procedural"])
                & pl.col("date").is_not_null()
                & pl.col("_title").is_not_null()
                & (pl.col("_title") != "")
                & (n_title == 1)
            )
            .then(pl.col("body") + "|" + pl.col("date").cast(pl.String) + "|" + pl.col("_title"))
            .otherwise(pl.col("sym_key"))
        )
        .drop("_title")
    )
    voeten = pl.col("src_kind").is_in(["voeten", "voeten-raw"])
    # one key per Voeten rcid: the symbol key of the best Voeten source having one
    rcid_key = (
        rc.filter(voeten)
        .sort("part_rank", "neg_seq")
        .group_by("rcid", maintain_order=True)
        .agg(pl.col("sym_key").drop_nulls().first().alias("rcid_sym"))
    )
    rc = rc.join(rcid_key, on="rcid", how="left", nulls_equal=False)
    return rc.with_columns(
        key=pl.when(voeten)
        .then(pl.coalesce("rcid_sym", pl.lit("V|") + pl.col("rcid").cast(pl.String)))
        .otherwise(pl.coalesce("sym_key", pl.lit("S|") + pl.col("source_id") + "|" + pl.col("src_rc").cast(pl.String)))
    ).drop("rcid_sym")


def _first_non_null(cols: list[str]) -> list[pl.Expr]:
    return [pl.col(c).drop_nulls().first().alias(c) for c in cols]


def merge_sources(sources: list[StoredSource], previous_ids: pl.DataFrame | None = None) -> Merged:
    """Merge stored sources into the canonical tables (see the module docstring)."""
    if not sources:
        empty_ids = pl.DataFrame(schema={"key": pl.String, "rollcall_id": pl.Int64})
        return Merged(
            pl.DataFrame(schema=ROLL_CALLS),
            pl.DataFrame(schema=VOTES),
            pl.DataFrame(schema=LEDGER_SCHEMA),
            pl.DataFrame(schema=CONFLICTS),
            empty_ids,
        )
    parts = []
    for s in sources:
        parts.append(
            conform(s.roll_calls, {**SOURCE_ROLL_CALLS, **SC_OUTCOME}).with_columns(
                source_id=pl.lit(s.source_id),
                source=pl.lit(s.source),
                src_kind=pl.lit(s.kind),
                res_rank=pl.lit(PRECEDENCE_RESOLUTION[s.kind]),
                part_rank=pl.lit(PRECEDENCE_PARTIAL[s.kind]),
                neg_seq=pl.lit(-s.seq),
            )
        )
    rc = _keys(pl.concat(parts, how="vertical_relaxed"))
    rc, matches = match_by_tallies(rc, sources)

    # kind: from sources that can tell it, Voeten first
    kind = rc.sort(~pl.col("kind_known"), "part_rank", "neg_seq").group_by("key").agg(pl.col("kind").first())
    rc = rc.drop("kind").join(kind, on="key")
    rc = rc.with_columns(
        rank=pl.when(pl.col("kind").is_in(["resolution", "procedural"]))
        .then(pl.col("res_rank"))
        .otherwise(pl.col("part_rank"))
    )
    meta_cols = ["body", "session", "session_number", "date", "year", "resolution", "title", "agenda", "subjects",
                 "total_yes", "total_no", "total_abstain", "total_non_voting", "undl_id"]  # fmt: skip
    by_rank = rc.sort("rank", "neg_seq")
    meta = by_rank.group_by("key", maintain_order=True).agg(
        *_first_non_null(meta_cols),
        # whether the kept symbol is the UN's: said by any source giving that same symbol
        pl.col("symbol_official")
        .filter(pl.col("resolution") == pl.col("resolution").drop_nulls().first())
        .drop_nulls()
        .first(),
        # the ids other sources give (the first is the kept ``resolution``)
        pl.col("resolution").drop_nulls().unique(maintain_order=True).slice(1).str.join("|").alias("other_symbols"),
        pl.col("kind").first(),
        pl.col("votes_complete").first().fill_null(True),  # the votes kept are the chosen source's
        pl.col("source_id").first().alias("chosen_source"),
        pl.col("src_rc").first().alias("chosen_rc"),
        pl.col("source").unique().sort().str.join(";").alias("sources"),
        pl.len().alias("n_sources"),
    )
    issues = (
        rc.filter(pl.col("issues_source").is_not_null() | pl.col("important").is_not_null())
        .sort("part_rank", "neg_seq")
        .group_by("key", maintain_order=True)
        .agg(*_first_non_null([*ISSUE_COLUMNS, "important", "issues_source"]))
    )
    meta = meta.join(issues, on="key", how="left")
    meta = meta.with_columns(other_symbols=pl.when(pl.col("other_symbols") != "").then(pl.col("other_symbols")))
    # SC outcome: a source that names a veto (the veto list) wins over one that computed no veto from
    # members' votes; otherwise the metadata order
    outcome = (
        rc.filter(pl.col("status").is_not_null())
        .sort(pl.col("status") != "vetoed", "rank", "neg_seq")
        .group_by("key", maintain_order=True)
        .agg(pl.col("status").first(), pl.col("vetoed_by").first())
    )
    meta = meta.join(outcome, on="key", how="left")

    # stable ids
    ids = previous_ids if previous_ids is not None else pl.DataFrame(schema={"key": pl.String, "rollcall_id": pl.Int64})
    new = meta.join(ids, on="key", how="anti").sort("date", "key", nulls_last=True).select("key")
    start = int(ids["rollcall_id"].max() or 0) + 1 if ids.height else 1  # type: ignore[arg-type]
    new = new.with_columns(rollcall_id=pl.int_range(start, start + new.height, dtype=pl.Int64))
    ids = pl.concat([ids, new])
    meta = meta.join(ids, on="key", how="left")

    # votes of the chosen source of each roll call
    chosen = meta.select("rollcall_id", "chosen_source", "chosen_rc", "date")
    vote_parts = []
    ledger_rows: list[tuple[str, str, str, str, str, int]] = []
    derived_parts = []
    members = membership_periods()
    for s in sources:
        mine = chosen.filter(pl.col("chosen_source") == s.source_id)
        kept = s.votes.join(mine.select(pl.col("chosen_rc").alias("src_rc"), "rollcall_id"), on="src_rc", how="inner")
        vote_parts.append(kept.select("rollcall_id", "state", "vote"))
        vote_file = next((f for (f, t) in s.input_rows if t == "votes"), None)
        if vote_file is not None:
            n_stored = kept.height
            n_merged = s.votes.height - n_stored
            if n_stored:
                ledger_rows.append((s.source, vote_file, "votes", "stored", "kept", n_stored))
            if n_merged:
                ledger_rows.append(
                    (
                        s.source,
                        vote_file,
                        "votes",
                        "merged",
                        "roll call also in a source of higher precedence; its votes kept",
                        n_merged,
                    )
                )
        for (f, t), n in s.input_rows.items():
            if t == "roll_calls":
                n_primary = mine.height
                if n_primary:
                    ledger_rows.append((s.source, f, t, "stored", "roll call metadata kept", n_primary))
                if n - n_primary:
                    ledger_rows.append(
                        (s.source, f, t, "merged", "roll call also in a source of higher precedence", n - n_primary)
                    )
            elif t == "issues":
                ledger_rows.append((s.source, f, t, "stored", "issue codes attached to their roll call", n))
        ledger_rows.extend(tuple(r) for r in s.ledger.iter_rows())
        if not s.complete_members and mine.height:
            dates = mine.filter(pl.col("date").is_not_null()).select("rollcall_id", "date")
            expected = (
                dates.join(members, how="cross")
                .filter(
                    (pl.col("date") >= pl.col("start")) & (pl.col("end").is_null() | (pl.col("date") < pl.col("end")))
                )
                .select("rollcall_id", "state")
                .unique()
            )
            absent = expected.join(kept.select("rollcall_id", "state"), on=["rollcall_id", "state"], how="anti")
            if absent.height:
                derived_parts.append(absent.with_columns(vote=pl.lit("X")))
                ledger_rows.append(
                    (
                        s.source,
                        vote_file or s.source,
                        "votes",
                        "derived",
                        "X added: UN member on that date with no row in this source",
                        absent.height,
                    )
                )
    # sources are de-duplicated by their readers and derived X rows fill only missing states
    votes = pl.concat([*vote_parts, *derived_parts])

    conflicts = find_conflicts(rc, meta, sources, members)

    roll_calls = meta.select(list(ROLL_CALLS)).cast(ROLL_CALLS).sort("rollcall_id")  # type: ignore[arg-type]
    ledger = pl.DataFrame(ledger_rows, schema=LEDGER_SCHEMA, orient="row")
    rejected = _rejected(rc, meta, sources)
    if matches.height:
        matches = (
            matches.drop("rollcall_id").join(ids, left_on="undl_key", right_on="key", how="left").select(list(MATCHES))
        )
    return Merged(
        matches=matches.cast(MATCHES),  # type: ignore[arg-type]
        rejected=rejected,
        roll_calls=roll_calls,
        # by roll call: row groups of the Parquet file hold few roll calls, so queries by roll call read few
        votes=sort_votes(votes.select(list(VOTES)).cast(VOTES)),  # type: ignore[arg-type]
        ledger=ledger,
        conflicts=conflicts,
        ids=ids,
    )


def _rejected(rc: pl.DataFrame, meta: pl.DataFrame, sources: list[StoredSource]) -> pl.DataFrame:
    """The rejected rows of every source, with the roll call each belongs to."""
    parts = []
    for s in sources:
        if s.rejected.height == 0:
            continue
        ids = (
            rc.filter(pl.col("source_id") == s.source_id)
            .select("src_rc", "key")
            .join(meta.select("key", "rollcall_id", "chosen_source"), on="key")
        )
        vote_file = next((f for (f, t) in s.input_rows if t == "votes"), s.source)
        parts.append(
            s.rejected.join(ids, on="src_rc", how="left").with_columns(
                source=pl.lit(s.source),
                file=pl.lit(vote_file),
                votes_kept=(pl.col("chosen_source") == s.source_id).fill_null(False),
            )
        )
    if not parts:
        return pl.DataFrame(schema=REJECTED_ROWS)
    return pl.concat([p.select(list(REJECTED_ROWS)) for p in parts]).cast(REJECTED_ROWS).sort("rollcall_id", "line")  # type: ignore[arg-type]


def sort_votes(votes: pl.DataFrame) -> pl.DataFrame:
    """Votes by roll call and state (checked in one pass first: a sorted frame is returned as it is)."""
    rc, st = pl.col("rollcall_id"), pl.col("state")
    in_order = (rc < rc.shift(-1)) | ((rc == rc.shift(-1)) & (st < st.shift(-1)))
    if votes.height < 2 or bool(votes.select(in_order.fill_null(True).all()).item()):
        return votes
    names = votes["state"].unique().drop_nulls().sort()
    ids = votes["rollcall_id"]
    low, high = ids.min(), ids.max()
    if votes["state"].null_count() or ids.null_count() or (int(high) - int(low) + 1) * names.len() >= 1 << 62:  # type: ignore[arg-type]
        return votes.sort("rollcall_id", "state")
    # one integer key (roll call, then the state's rank among the distinct states): cheaper than sorting strings
    rank = votes["state"].cast(pl.Enum(names)).to_physical().cast(pl.Int64)
    return votes.sort((ids - low) * names.len() + rank)


def votes_view(votes: pl.DataFrame, roll_calls: pl.DataFrame) -> pl.DataFrame:
    """VOTES joined with each roll call's resolution, date, year and session and the state's name then.

    Returns the VOTES_VIEW schema, in the order of ``votes``.
    """
    view = votes.join(
        roll_calls.select("rollcall_id", "resolution", "date", "year", "session", "session_number"),
        on="rollcall_id",
        how="left",
        maintain_order="left",
    )
    # a roll call known only by its year (the failed SC drafts sample): names as on 1 July of that year
    day = view.select(pl.coalesce("date", pl.date(pl.col("year"), 7, 1)))
    view = view.with_columns(state_name=state_names_at(view["state"], day.to_series()))
    return view.select(list(VOTES_VIEW)).cast(VOTES_VIEW)  # type: ignore[arg-type]
