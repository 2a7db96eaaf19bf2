"""Roll calls whose recorded totals differ from the stored votes, and why (:meth:`Record.check <polycentric.record.store.Record.check>`).

Dependency rule: imports polars only; never measures, models or shells.
"""

from __future__ import annotations

import polars as pl

__all__ = ["TALLY_MISMATCHES", "tally_mismatches"]

TALLY_MISMATCHES: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "resolution": pl.String(),
    "date": pl.Date(),
    "sources": pl.String(),
    "recorded_yes": pl.Int32(),
    "computed_yes": pl.Int32(),
    "recorded_no": pl.Int32(),
    "computed_no": pl.Int32(),
    "recorded_abstain": pl.Int32(),
    "computed_abstain": pl.Int32(),
    "recorded_non_voting": pl.Int32(),
    "computed_non_voting": pl.Int32(),
    "rejected_rows": pl.Int32(),  # rows of the kept source rejected as a second row for a state
    "explained": pl.Boolean(),  # the recorded totals equal the stored votes plus those rejected rows
    "note": pl.String(),
}
"""Roll calls whose recorded totals differ from the totals counted from the stored votes, and why where known."""


def tally_mismatches(roll_calls: pl.DataFrame, votes: pl.DataFrame, rejected_rows: pl.DataFrame) -> pl.DataFrame:
    """The roll calls of ``roll_calls`` whose recorded totals differ from the ``votes`` stored (TALLY_MISMATCHES).

    ``rejected_rows`` are the vote rows the readers rejected (REJECTED_ROWS); see
    :meth:`polycentric.record.store.Record.check` for the meaning of the columns.
    """
    rc = roll_calls.filter(pl.col("total_yes").is_not_null())
    counts = votes.group_by("rollcall_id").agg(
        computed_yes=(pl.col("vote") == "Y").sum().cast(pl.Int32),
        computed_no=(pl.col("vote") == "N").sum().cast(pl.Int32),
        computed_abstain=(pl.col("vote") == "A").sum().cast(pl.Int32),
        computed_non_voting=(pl.col("vote") == "X").sum().cast(pl.Int32),
    )
    joined = rc.join(counts, on="rollcall_id", how="left").with_columns(
        pl.col("total_yes").alias("recorded_yes"),
        pl.col("total_no").alias("recorded_no"),
        pl.col("total_abstain").alias("recorded_abstain"),
        pl.col("total_non_voting").alias("recorded_non_voting"),
    )
    diff = pl.lit(False)
    for k in ("yes", "no", "abstain", "non_voting"):
        diff = diff | (
            pl.col(f"recorded_{k}").is_not_null() & (pl.col(f"recorded_{k}") != pl.col(f"computed_{k}").fill_null(0))
        )
    mismatches = joined.filter(diff)
    codes = {"yes": "Y", "no": "N", "abstain": "A", "non_voting": "X"}
    rejected = (
        rejected_rows.filter(pl.col("votes_kept"))
        .group_by("rollcall_id")
        .agg(
            pl.len().cast(pl.Int32).alias("rejected_rows"),
            *[(pl.col("vote") == v).sum().cast(pl.Int32).alias(f"rejected_{k}") for k, v in codes.items()],
            pl.when(pl.col("code") == pl.col("state"))
            .then(pl.format("line {}: {} {}", "line", "code", "vote"))
            .otherwise(pl.format("line {}: {} {}, which is {} on that date", "line", "code", "vote", "state"))
            .str.join("; ")
            .alias("_rows"),
            (pl.col("state") == "TWN").any().alias("_china_seat"),
        )
    )
    out = mismatches.join(rejected, on="rollcall_id", how="left").with_columns(pl.col("rejected_rows").fill_null(0))
    explained = pl.lit(True)
    for k in codes:
        explained = explained & (
            pl.col(f"recorded_{k}").is_null()
            | (pl.col(f"recorded_{k}") == pl.col(f"computed_{k}").fill_null(0) + pl.col(f"rejected_{k}").fill_null(0))
        )
    out = out.with_columns(explained=explained & (pl.col("rejected_rows") > 0)).with_columns(
        note=pl.when(pl.col("explained"))
        .then(
            pl.format(
                "the recorded totals also count {} row(s) rejected as a second row for a state ({}){}",
                "rejected_rows",
                "_rows",
                pl.when(pl.col("_china_seat"))
                .then(pl.lit("; until 1971-10-25 the China seat was the Republic of China's (TWN), so CHN is TWN"))
                .otherwise(pl.lit("")),
            )
        )
        .when(pl.col("rejected_rows") > 0)
        .then(
            pl.format(
                "{} row(s) rejected as duplicates ({}) do not account for the difference", "rejected_rows", "_rows"
            )
        )
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return out.select(list(TALLY_MISMATCHES)).cast(TALLY_MISMATCHES).sort("rollcall_id")  # type: ignore[arg-type]
