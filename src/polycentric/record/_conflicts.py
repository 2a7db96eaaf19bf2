"""The conflicts table of a merge: where the sources of one roll call disagree (:data:`CONFLICTS`).

See "Conflicts" in :mod:`polycentric.record.merge`, which calls :func:`find_conflicts`.

Dependency rule: imports polars; never measures, models or shells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from polycentric.record.merge import StoredSource

__all__ = ["CONFLICTS", "find_conflicts"]

CONFLICTS: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "resolution": pl.String(),
    "date": pl.Date(),
    "field": pl.String(),  # "vote" or "date"
    "state": pl.String(),  # for vote conflicts
    "kept_source": pl.String(),
    "kept_value": pl.String(),
    "other_source": pl.String(),
    "other_value": pl.String(),  # null: no row in that source
}
"""Disagreements between sources on one roll call: what was kept and what the other source says."""


def find_conflicts(
    rc: pl.DataFrame, meta: pl.DataFrame, sources: list[StoredSource], members: pl.DataFrame
) -> pl.DataFrame:
    """Where the sources of one roll call disagree on a state's vote or on the date (:data:`CONFLICTS`).

    ``rc`` are the roll calls of every source with their ``key``; ``meta`` one row
    per roll call with its chosen source; ``members`` the membership periods.
    """
    multi = meta.filter(pl.col("n_sources") > 1).select(
        "key", "rollcall_id", "chosen_source", "chosen_rc", "resolution", "date"
    )
    if multi.height == 0:
        return pl.DataFrame(schema=CONFLICTS)
    others = rc.join(
        multi.select(
            "key",
            "rollcall_id",
            "chosen_source",
            "chosen_rc",
            pl.col("date").alias("kept_date"),
            pl.col("resolution").alias("kept_res"),
        ),
        on="key",
    ).filter(~((pl.col("source_id") == pl.col("chosen_source")) & (pl.col("src_rc") == pl.col("chosen_rc"))))
    label = {s.source_id: s.source for s in sources}
    out = []
    # date conflicts
    d = others.filter(
        pl.col("date").is_not_null() & pl.col("kept_date").is_not_null() & (pl.col("date") != pl.col("kept_date"))
    )
    if d.height:
        out.append(
            _conflict_rows(
                d,
                "date",
                state=pl.lit(None, dtype=pl.String),
                kept_source=pl.col("chosen_source").replace_strict(label, return_dtype=pl.String),
                kept_value=pl.col("kept_date").cast(pl.String),
                other_source=pl.col("source"),
                other_value=pl.col("date").cast(pl.String),
            )
        )
    votes_by_source = {s.source_id: s.votes for s in sources}
    complete = {s.source_id: s.complete_members for s in sources}
    # sources that hold only some members' votes (the veto list): a member without a row there is unknown
    partial = {
        s.source_id
        for s in sources
        if "votes_complete" in s.roll_calls.columns and not s.roll_calls["votes_complete"].fill_null(True).all()
    }
    for (chosen_id, other_id), grp in others.group_by("chosen_source", "source_id"):
        pairs = grp.select("rollcall_id", "chosen_rc", pl.col("src_rc").alias("other_rc"), "kept_res", "kept_date")
        kept = (
            votes_by_source[str(chosen_id)]
            .join(pairs.select("rollcall_id", pl.col("chosen_rc").alias("src_rc")), on="src_rc")
            .select("rollcall_id", "state", pl.col("vote").alias("kept_value"))
        )
        other = (
            votes_by_source[str(other_id)]
            .join(pairs.select("rollcall_id", pl.col("other_rc").alias("src_rc")), on="src_rc")
            .select("rollcall_id", "state", pl.col("vote").alias("other_value"))
        )
        both = kept.join(other, on=["rollcall_id", "state"], how="full", coalesce=True)
        both = both.join(pairs.select("rollcall_id", "kept_res", "kept_date"), on="rollcall_id")
        for side, cid in (("kept_value", chosen_id), ("other_value", other_id)):
            if str(cid) in partial:
                both = both.filter(pl.col(side).is_not_null())
            elif not complete[str(cid)]:
                # a member missing from a source that drops non-voting members was absent there: X
                member = (
                    both.select("rollcall_id", "state", "kept_date")
                    .join(members, on="state")
                    .filter(
                        (pl.col("kept_date") >= pl.col("start"))
                        & (pl.col("end").is_null() | (pl.col("kept_date") < pl.col("end")))
                    )
                    .select("rollcall_id", "state", pl.lit(True).alias("_member"))
                    .unique()
                )
                both = (
                    both.join(member, on=["rollcall_id", "state"], how="left")
                    .with_columns(
                        pl.when(pl.col(side).is_null() & pl.col("_member"))
                        .then(pl.lit("X"))
                        .otherwise(pl.col(side))
                        .alias(side)
                    )
                    .drop("_member")
                )
        diff = both.filter(
            (pl.col("kept_value").fill_null("-") != pl.col("other_value").fill_null("-"))
            & ~(
                (pl.col("kept_value").is_null() & (pl.col("other_value") == "X"))
                | (pl.col("other_value").is_null() & (pl.col("kept_value") == "X"))
            )
        )
        if diff.height:
            out.append(
                _conflict_rows(
                    diff,
                    "vote",
                    state=pl.col("state"),
                    kept_source=pl.lit(label[str(chosen_id)]),
                    kept_value=pl.col("kept_value"),
                    other_source=pl.lit(label[str(other_id)]),
                    other_value=pl.col("other_value"),
                )
            )
    if not out:
        return pl.DataFrame(schema=CONFLICTS)
    return pl.concat(out).cast(CONFLICTS).sort("rollcall_id", "field", "state", nulls_last=True)  # type: ignore[arg-type]


def _conflict_rows(
    df: pl.DataFrame,
    field: str,
    *,
    state: pl.Expr,
    kept_source: pl.Expr,
    kept_value: pl.Expr,
    other_source: pl.Expr,
    other_value: pl.Expr,
) -> pl.DataFrame:
    """Rows of :data:`CONFLICTS` on ``field`` from ``df`` (which has ``rollcall_id``, ``kept_res``, ``kept_date``)."""
    return df.select(
        "rollcall_id",
        pl.col("kept_res").alias("resolution"),
        pl.col("kept_date").alias("date"),
        pl.lit(field).alias("field"),
        state.alias("state"),
        kept_source.alias("kept_source"),
        kept_value.alias("kept_value"),
        other_source.alias("other_source"),
        other_value.alias("other_value"),
    )
