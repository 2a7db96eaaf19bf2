"""Shifts: the states whose alignment with a reference changed most between two periods, and why.

For a state s and a reference r (a state, or a group's majority as in
:mod:`polycentric.measures.alignment`), let ``A_from`` and ``A_to`` be its
agreement with r over the shared roll calls of each period (mean per-roll-call
score, any index of :mod:`polycentric.measures.agreement`). The shift is

    change = A_to - A_from

and it decomposes exactly over the roll calls k of the later period
(n_to of them, scores ``score_k``)::

    change = Σ_k (score_k - A_from) / n_to

so ``contribution_k = (score_k - A_from) / n_to`` says how much roll call k
moved the state; the *drivers* are the later roll calls with the largest
contributions in the direction of the change.

A period is a year, an inclusive year range (``"2010-2014"``) or a list of
resolution symbols (for example ``["A/RES/68/262"]``, the 2014 vote on the
territorial integrity of Ukraine, against ``["A/RES/ES-11/1"]``, 2 March 2022).

Dependency rule: imports polars, ``polycentric.errors`` and ``polycentric.measures``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from polycentric.errors import InsufficientDataError
from polycentric.measures._common import GroupSpec, Period, check_votes, select_period
from polycentric.measures.agreement import Absent, Index, prepare_votes, score_expr
from polycentric.measures.alignment import reference_votes

__all__ = ["shift_drivers", "shifts"]


def _scored(
    votes: pl.DataFrame,
    period: Period,
    reference: str,
    index: Index,
    groups: Mapping[str, GroupSpec] | None,
    absent: Absent,
) -> tuple[str, str, pl.DataFrame]:
    part = select_period(votes, period)
    label, kind, ref = reference_votes(part, reference, groups=groups)
    ref_cast = prepare_votes(ref, absent).select("rollcall_id", pl.col("vote").alias("vote_ref"))
    cast = prepare_votes(part, absent)
    cols = [c for c in ("resolution", "date", "year") if c in cast.columns]
    scored = (
        cast.select("rollcall_id", "state", *cols, pl.col("vote"))
        .join(ref_cast, on="rollcall_id", how="inner")
        .with_columns(score_expr(index, "vote", "vote_ref").alias("score"))
    )
    return label, kind, scored


def shifts(
    votes: pl.DataFrame,
    start: Period,
    end: Period,
    *,
    reference: str = "USA",
    index: Index = "simple",
    groups: Mapping[str, GroupSpec] | None = None,
    absent: Absent = "exclude",
    min_shared: int = 1,
    n_drivers: int = 3,
) -> pl.DataFrame:
    """States ranked by how much their agreement with ``reference`` changed from ``start`` to ``end``.

    ``change = A_to - A_from`` where each A is the mean per-roll-call agreement
    score (simple; Lijphart 1963; Signorino & Ritter 1999) over the shared votes
    of the period; the drivers are the later roll calls with the largest
    contributions ``(score_k - A_from) / n_to`` in the direction of the change
    (module docstring).

    Returns
    -------
    polars.DataFrame
        ``state, reference, reference_kind, index, value_from, n_from, value_to,
        n_to, change, drivers`` (the ``n_drivers`` top driving resolutions, or roll
        call ids where a roll call has no symbol, ``;``-separated), sorted by
        ``|change|`` descending, then state. States need ``min_shared`` shared
        votes in both periods.
    """
    check_votes(votes, ("rollcall_id", "state", "vote", "year", "date"))
    label, kind, before = _scored(votes, start, reference, index, groups, absent)
    _, _, after = _scored(votes, end, reference, index, groups, absent)
    a_from = before.group_by("state").agg(
        pl.col("score").mean().alias("value_from"), pl.len().cast(pl.Int64).alias("n_from")
    )
    a_to = after.group_by("state").agg(pl.col("score").mean().alias("value_to"), pl.len().cast(pl.Int64).alias("n_to"))
    both = (
        a_from.join(a_to, on="state", how="inner")
        .filter((pl.col("n_from") >= min_shared) & (pl.col("n_to") >= min_shared))
        .with_columns((pl.col("value_to") - pl.col("value_from")).alias("change"))
    )
    if both.height == 0:
        raise InsufficientDataError("no state has shared votes with the reference in both periods")
    label_expr = (
        pl.coalesce(pl.col("resolution"), pl.col("rollcall_id").cast(pl.String))
        if "resolution" in after.columns
        else pl.col("rollcall_id").cast(pl.String)
    )
    contrib = (
        after.join(both.select("state", "value_from", "n_to", "change"), on="state", how="inner")
        .with_columns(
            ((pl.col("score") - pl.col("value_from")) / pl.col("n_to")).alias("contribution"),
            label_expr.alias("_label"),
        )
        .with_columns((pl.col("contribution") * pl.col("change").sign()).alias("_pull"))
        .filter(pl.col("_pull") > 0)
        .sort(["state", "_pull", "rollcall_id"], descending=[False, True, False])
        .group_by("state", maintain_order=True)
        .agg(pl.col("_label").head(n_drivers).str.join(";").alias("drivers"))
    )
    out = both.join(contrib, on="state", how="left").with_columns(
        pl.lit(label).alias("reference"),
        pl.lit(kind).alias("reference_kind"),
        pl.lit(index).alias("index"),
        pl.col("drivers").fill_null(""),
        pl.col("change").abs().alias("_abs"),
    )
    return out.sort(["_abs", "state"], descending=[True, False]).select(
        "state",
        "reference",
        "reference_kind",
        "index",
        "value_from",
        "n_from",
        "value_to",
        "n_to",
        "change",
        "drivers",
    )


def shift_drivers(
    votes: pl.DataFrame,
    state: str,
    start: Period,
    end: Period,
    *,
    reference: str = "USA",
    index: Index = "simple",
    groups: Mapping[str, GroupSpec] | None = None,
    absent: Absent = "exclude",
) -> pl.DataFrame:
    """The later period's roll calls with their contribution to ``state``'s shift (sums to the change).

    ``contribution_k = (score_k - A_from) / n_to`` (module docstring); columns
    ``rollcall_id, resolution, date, year, vote, vote_ref, score, contribution``,
    sorted by contribution in the direction of the change.
    """
    check_votes(votes, ("rollcall_id", "state", "vote", "year", "date"))
    _, _, before = _scored(votes, start, reference, index, groups, absent)
    _, _, after = _scored(votes, end, reference, index, groups, absent)
    before = before.filter(pl.col("state") == state)
    after = after.filter(pl.col("state") == state)
    if before.height == 0 or after.height == 0:
        raise InsufficientDataError(f"{state} shares no vote with {reference} in one of the periods")
    a_from = before["score"].mean()
    a_to = after["score"].mean()
    assert isinstance(a_from, float) and isinstance(a_to, float)
    sign = 1.0 if a_to >= a_from else -1.0
    n_to = after.height
    cols = [c for c in ("rollcall_id", "resolution", "date", "year") if c in after.columns]
    return (
        after.with_columns(((pl.col("score") - a_from) / n_to).alias("contribution"))
        .sort([pl.col("contribution") * sign, pl.col("rollcall_id")], descending=[True, False])
        .select(*cols, "vote", "vote_ref", "score", "contribution")
    )
