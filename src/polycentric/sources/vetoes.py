"""Reader of the Security Council veto list (Dag Hammarskjöld Library, coded by the World Politics Data Lab).

One row per vetoed draft (or vote); ``member_veto1..3`` name the permanent
members that cast the veto (USSR, Russia, USA, UK, France, China). The
per-country dummy columns are inconsistent for joint vetoes and are not read.

Each row becomes one Security Council roll call (``body="SC"``, session = the
year, resolution = the draft symbol, title and agenda = the agenda item,
subjects = crisis topic and region, ``status="vetoed"``, ``vetoed_by`` = the
vetoing members) with an ``N`` vote for each vetoing member. The list records
only the vetoes, not the whole vote: other members have no row, the roll call
has ``votes_complete=False`` and no tallies (unknown, not zero). A vetoed oral
amendment (``Oral amendment (to S/2023/1029)``) is an ``amendment`` roll call on
the draft it amends. The update of 2022-2026
(``unsc_vetoes_sept2022_2026_dhl_layout.csv``) has the same layout; its empty
columns are read as text. A file lacking a column of the layout is refused
naming the file and the column.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.schema import SC_OUTCOME
from polycentric.sources._checks import check_columns, check_required, parse_dates, resolve_states
from polycentric.sources.common import (
    SOURCE_ROLL_CALLS,
    SOURCE_VOTES,
    SourceData,
    read_frame,
    session_in_progress_expr,
    source_data,
)

__all__ = ["VETO_COLUMNS", "read_vetoes"]

VETO_COLUMNS = [
    "date",
    "draft",
    "agenda_item",
    "crisis_topic",
    "region",
    "member_veto1",
    "member_veto2",
    "member_veto3",
]


def read_vetoes(path: Path, header: list[str]) -> SourceData:
    """Read the veto list into a :class:`SourceData` (source label ``unsc-vetoes``).

    A header without one of :data:`VETO_COLUMNS` raises
    :class:`~polycentric.errors.InputFormatError` naming the missing columns.
    """
    check_columns(path, header, VETO_COLUMNS, "unsc-vetoes")
    cols = [c for c in [*VETO_COLUMNS, "meeting_record"] if c in header]
    df = read_frame(path, cols, header)
    # columns empty in every row (region, member_veto3 in the 2022-2026 update) are read as text, not as nulls
    df = df.with_columns(pl.col(c).cast(pl.String) for c in cols)
    check_required(path, df, ["date", "member_veto1"])
    dates = parse_dates(path, df, "date", fmt="%m/%d/%Y")
    df = df.with_columns(date_parsed=dates, src_rc=pl.col("_rec") + 1)
    vetoes = []
    for col in ("member_veto1", "member_veto2", "member_veto3"):
        part = df.filter(pl.col(col).is_not_null() & (pl.col(col).str.strip_chars() != ""))
        if part.height:
            state = resolve_states(path, part, col, part["date_parsed"], scheme="name")
            vetoes.append(pl.DataFrame({"src_rc": part["src_rc"], "state": state, "vote": ["N"] * part.height}))
    votes = (
        pl.concat(vetoes).unique(["src_rc", "state"], keep="first", maintain_order=True)
        if vetoes
        else pl.DataFrame(schema=SOURCE_VOTES)
    )
    draft = pl.col("draft").str.replace_all(r"\s+", " ").str.strip_chars()
    amended = draft.str.extract(r"(?i)^oral amendment\s*\(to\s+(S/[^)\s]+)\)$")
    vetoed_by = votes.group_by("src_rc").agg(pl.col("state").sort().str.join("|").alias("vetoed_by"))
    rc = (
        df.join(vetoed_by, on="src_rc", how="left")
        .select(
            "src_rc",
            pl.coalesce(
                amended,
                draft,
                pl.col("meeting_record").str.strip_chars()
                if "meeting_record" in df.columns
                else pl.lit(None, dtype=pl.String),
            ).alias("resolution"),
            pl.col("date_parsed").alias("date"),
            pl.col("agenda_item").alias("title"),
            pl.col("agenda_item").alias("agenda"),
            pl.concat_str([pl.col("crisis_topic"), pl.col("region")], separator="|", ignore_nulls=True).alias(
                "subjects"
            ),
            (pl.col("_rec") + 2).alias("first_line"),
            pl.when(amended.is_not_null()).then(pl.lit("amendment")).otherwise(pl.lit("resolution")).alias("kind"),
            "vetoed_by",
        )
        .with_columns(
            body=pl.lit("SC"),
            year=pl.col("date").dt.year().cast(pl.Int32),
            session=pl.col("date").dt.year().cast(pl.String),
            session_number=session_in_progress_expr(pl.col("date")),
            kind_known=pl.lit(True),
            status=pl.lit("vetoed"),
            votes_complete=pl.lit(False),
        )
    )
    n = df.height  # each row is a roll call: the store counts them stored or merged
    return source_data(
        path,
        source="unsc-vetoes",
        kind="vetoes",
        layout="unsc-vetoes",
        roll_calls=rc,
        roll_call_schema={**SOURCE_ROLL_CALLS, **SC_OUTCOME},
        votes=votes,
        input_rows={(path.name, "roll_calls"): n},
    )
