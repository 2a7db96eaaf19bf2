"""Security Council vetoes as a table: who vetoed which draft, and how many per year and member.

Dependency rule: reads frames of the record; imports polars and ``record.cite`` only.
"""

from __future__ import annotations

import polars as pl

from polycentric.errors import MeasureError
from polycentric.record.cite import with_citation

__all__ = ["PERMANENT_MEMBERS", "VETOES", "veto_counts", "vetoes"]


PERMANENT_MEMBERS: tuple[str, ...] = ("CHN", "FRA", "GBR", "RUS", "USA")
"""The Security Council's permanent members (canonical ids: the USSR's seat is RUS, the Republic of China's TWN)."""

VETOES: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "date": pl.Date(),
    "year": pl.Int32(),
    "member": pl.String(),
    "draft": pl.String(),
    "title": pl.String(),
    "link": pl.String(),
    "vetoed_by": pl.String(),
}
"""One row per veto cast: the vetoing ``member`` and the ``draft`` it blocked, with its title and link."""


def vetoes(roll_calls: pl.DataFrame, votes: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every Security Council veto: one row per vetoing member and draft, newest first.

    A veto is a permanent member's No on a draft that fails for it. The record says so in the
    ``status`` (``vetoed``) and ``vetoed_by`` (``CHN|RUS``) columns of ``Record.roll_calls``;
    for a record without them (built before the Security Council outcome was stored), the
    drafts of the veto list (``sources`` containing ``unsc-vetoes``) and the permanent
    members' No votes on them (``votes``) stand in.

    Returns
    -------
    polars.DataFrame
        :data:`VETOES` columns; ``link`` is the UN document of the draft.
    """
    sc = roll_calls.filter(pl.col("body") == "SC")
    if "status" in sc.columns and "vetoed_by" in sc.columns:
        vetoed = sc.filter((pl.col("status") == "vetoed") & pl.col("vetoed_by").is_not_null())
        rows = vetoed.with_columns(member=pl.col("vetoed_by").str.split("|")).explode("member")
    else:
        if votes is None:
            raise MeasureError("this record has no veto columns: pass the Security Council votes too")
        vetoed = sc.filter(pl.col("sources").fill_null("").str.contains("unsc-vetoes", literal=True))
        no = votes.filter(
            pl.col("rollcall_id").is_in(vetoed["rollcall_id"].implode())
            & (pl.col("vote") == "N")
            & pl.col("state").is_in(list(PERMANENT_MEMBERS))
        ).select("rollcall_id", member=pl.col("state"))
        by = no.group_by("rollcall_id").agg(vetoed_by=pl.col("member").sort().str.join("|"))
        rows = vetoed.join(no, on="rollcall_id").join(by, on="rollcall_id")
    cited = with_citation(rows.drop([c for c in ("link", "citation") if c in rows.columns]))
    return (
        cited.select(
            "rollcall_id",
            "date",
            "year",
            "member",
            draft=pl.col("resolution"),
            title=pl.col("title"),
            link=pl.col("link"),
            vetoed_by=pl.col("vetoed_by"),
        )
        .cast(VETOES)  # type: ignore[arg-type]
        .sort(["date", "rollcall_id", "member"], descending=[True, True, False])
    )


def veto_counts(table: pl.DataFrame) -> pl.DataFrame:
    """Vetoes per year and member (from :func:`vetoes`): ``year``, ``member``, ``vetoes``."""
    return table.group_by("year", "member").agg(vetoes=pl.len().cast(pl.Int64)).sort("year", "member")
