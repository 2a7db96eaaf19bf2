"""Linking Voeten roll calls to UN DL roll calls that no symbol links, by session, date and tallies.

See "Linking" in :mod:`polycentric.record.merge`, which calls :func:`match_by_tallies`.

Dependency rule: imports polars; never measures, models or shells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from polycentric.record.merge import StoredSource

__all__ = ["MATCHES", "MATCH_WINDOW_DAYS", "match_by_tallies"]

MATCHES: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "session": pl.String(),
    "voeten_symbol": pl.String(),  # Voeten's identifier (his own number for sessions 1-30)
    "voeten_date": pl.Date(),
    "official_symbol": pl.String(),  # the symbol of the UN DL file
    "undl_id": pl.Int64(),
    "official_date": pl.Date(),
    "yes": pl.Int32(),
    "no": pl.Int32(),
    "abstain": pl.Int32(),
    "undl_key": pl.String(),
}
"""Voeten roll calls linked to a UN DL roll call by session, date window and tallies (no common symbol)."""

MATCH_WINDOW_DAYS = 7
"""Largest difference in days between the dates two sources give one roll call, for linking by tallies."""


def match_by_tallies(rc: pl.DataFrame, sources: list[StoredSource]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Link Voeten roll calls to UN DL roll calls that no symbol links, by session, date window and tallies.

    Voeten's early identifiers (``A/RES/3/933`` for 217 A (III)) are not UN
    symbols, so a UN DL file with official symbols would store such a roll call
    a second time. A Voeten whole-resolution roll call and a UN DL roll call
    that share no key are one roll call when they have the same session, dates
    at most :data:`MATCH_WINDOW_DAYS` apart and the same numbers of Y, N and A
    votes, and each is the other's only candidate (ambiguous pairs stay apart).
    Returns ``rc`` with the Voeten keys replaced and the matches (:data:`MATCHES`).
    """
    empty = pl.DataFrame(schema=MATCHES)
    kinds = rc.group_by("key").agg(
        pl.col("src_kind").is_in(["voeten", "voeten-raw"]).any().alias("_v"),
        (pl.col("src_kind") == "undl").any().alias("_u"),
    )
    lone = rc.join(kinds, on="key").filter(
        (pl.col("_v") ^ pl.col("_u")) & (pl.col("body") == "GA") & (pl.col("kind") == "resolution")
    )
    a = lone.filter(pl.col("src_kind").is_in(["voeten", "voeten-raw"]) & pl.col("kind_known"))
    b = lone.filter(pl.col("src_kind") == "undl")
    if a.height == 0 or b.height == 0:
        return rc, empty
    a = a.filter(pl.col("session").is_in(b["session"].unique().implode()))
    if a.height == 0:
        return rc, empty
    tallies = []
    for s in sources:
        mine = pl.concat([a, b]).filter(pl.col("source_id") == s.source_id)
        if mine.height == 0:
            continue
        t = (
            s.votes.join(mine.select("src_rc"), on="src_rc")
            .group_by("src_rc")
            .agg(
                *[
                    (pl.col("vote") == v).sum().cast(pl.Int32).alias(k)
                    for k, v in (("yes", "Y"), ("no", "N"), ("abstain", "A"))
                ]
            )
        )
        tallies.append(t.with_columns(source_id=pl.lit(s.source_id)))
    tally = pl.concat(tallies)
    cols = ["key", "session", "date", "resolution", "undl_id"]
    a = a.join(tally, on=["source_id", "src_rc"]).unique("key", keep="first").select(*cols, "yes", "no", "abstain")
    b = b.join(tally, on=["source_id", "src_rc"]).unique("key", keep="first").select(*cols, "yes", "no", "abstain")
    pairs = a.join(b, on=["session", "yes", "no", "abstain"], suffix="_u").filter(
        (pl.col("date") - pl.col("date_u")).dt.total_days().abs() <= MATCH_WINDOW_DAYS
    )
    pairs = pairs.filter((pl.len().over("key") == 1) & (pl.len().over("key_u") == 1))
    if pairs.height == 0:
        return rc, empty
    relink = dict(zip(pairs["key"], pairs["key_u"], strict=True))
    rc = rc.with_columns(key=pl.col("key").replace(relink))
    matches = pairs.select(
        pl.lit(None, dtype=pl.Int64).alias("rollcall_id"),
        "session",
        pl.col("resolution").alias("voeten_symbol"),
        pl.col("date").alias("voeten_date"),
        pl.col("resolution_u").alias("official_symbol"),
        pl.col("undl_id_u").alias("undl_id"),
        pl.col("date_u").alias("official_date"),
        "yes",
        "no",
        "abstain",
        pl.col("key_u").alias("undl_key"),
    )
    return rc, matches
