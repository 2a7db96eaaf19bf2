"""Group cohesion per roll call and aggregated: the Rice index and the Hix–Noury–Roland agreement index.

For one roll call, let Y, N and A be the numbers of the group's members (on the
vote's date) voting yes, no and abstaining; members not voting (X) are not
counted (they are reported as ``n_absent``), and ``n_present = Y + N + A``.

Rice index (Rice 1925)::

    rice = |Y - N| / (Y + N)                      (undefined when Y + N = 0)

Agreement index with three options (Hix, Noury & Roland 2005)::

    AI = (max(Y, N, A) - (Y + N + A - max(Y, N, A)) / 2) / (Y + N + A)

Both run from 0 (an even split) to 1 (unanimity). Aggregates over a year or
session are unweighted means over the roll calls on which at least
``min_present`` members voted (default 2: one voter is trivially cohesive).

**The default is the agreement index** (Hix, Noury & Roland 2005), because
abstention is the Assembly's main form of dissent and Rice ignores it: a group
split half Yes, half Abstain scores Rice 1.0 (there is no No) and agreement 0.25.
On the record (Voeten 2024 plus the 2023–2025 UN Digital Library votes) the
Non-Aligned Movement in 2022 scores 0.92 on Rice and 0.82 on the agreement index
over 86 roll calls: its members' abstentions are invisible to Rice. ``index="rice"`` keeps Rice available; the output's
``index`` column always names the index.

Each aggregate row carries ``n_rollcalls`` and ``thin`` (fewer than
:data:`~polycentric.measures._common.MIN_ROLLCALLS` roll calls).

References
----------
Rice, S. A. (1925). The Behavior of Legislative Groups: A Method of Measurement.
*Political Science Quarterly* 40(1), 60–72.

Hix, S., Noury, A. & Roland, G. (2005). Power to the Parties: Cohesion and
Competition in the European Parliament, 1979–2001. *British Journal of Political
Science* 35(2), 209–234.

Dependency rule: imports polars, ``polycentric.errors`` and ``polycentric.measures._common``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import polars as pl

from polycentric.errors import MeasureError
from polycentric.measures._common import (
    MIN_ROLLCALLS,
    GroupSpec,
    YearSpec,
    check_votes,
    filter_years,
    group_votes,
    resolve_groups,
    time_keys,
)

__all__ = ["COHESION_INDICES", "CohesionIndex", "agreement_index", "cohesion", "cohesion_rollcalls", "rice_index"]

CohesionIndex: TypeAlias = Literal["rice", "agreement"]
COHESION_INDICES: tuple[str, ...] = ("rice", "agreement")


def rice_index(yes: pl.Expr, no: pl.Expr) -> pl.Expr:
    """Rice (1925) index ``|Y - N| / (Y + N)``; null when ``Y + N = 0``."""
    total = yes + no
    return pl.when(total > 0).then((yes - no).abs() / total).otherwise(None).cast(pl.Float64)


def agreement_index(yes: pl.Expr, no: pl.Expr, abstain: pl.Expr) -> pl.Expr:
    """Hix–Noury–Roland (2005) agreement index with three options.

    ``AI = (max(Y,N,A) - ½ (Y+N+A - max(Y,N,A))) / (Y+N+A)``; null when nobody voted.
    """
    total = yes + no + abstain
    top = pl.max_horizontal(yes, no, abstain)
    return pl.when(total > 0).then((top - 0.5 * (total - top)) / total).otherwise(None).cast(pl.Float64)


def cohesion_rollcalls(
    votes: pl.DataFrame,
    group: GroupSpec,
    *,
    name: str | None = None,
    include_observers: bool = False,
) -> pl.DataFrame:
    """The cohesion of ``group`` on each roll call in ``votes``.

    Membership is evaluated at each vote's date. Columns: ``group, rollcall_id,
    date, year, session, n_members`` (members with a row: UN members on the date),
    ``n_yes, n_no, n_abstain, n_absent, n_present`` (= Y + N + A), ``rice``
    (Rice 1925: ``|Y-N|/(Y+N)``) and ``agreement`` (Hix, Noury & Roland 2005:
    ``(max - ½(total - max))/total`` over the three options Y, N, A).
    Roll calls where no member has a row are left out.
    """
    check_votes(votes, ("rollcall_id", "state", "vote", "date", "year", "session"))
    label = name if name is not None else (group if isinstance(group, str) else "group")
    gv = group_votes(votes, group, include_observers=include_observers)
    counts = gv.group_by("rollcall_id").agg(
        pl.col("date").first(),
        pl.col("year").first(),
        pl.col("session").first(),
        pl.len().cast(pl.Int64).alias("n_members"),
        (pl.col("vote") == "Y").sum().cast(pl.Int64).alias("n_yes"),
        (pl.col("vote") == "N").sum().cast(pl.Int64).alias("n_no"),
        (pl.col("vote") == "A").sum().cast(pl.Int64).alias("n_abstain"),
        (pl.col("vote") == "X").sum().cast(pl.Int64).alias("n_absent"),
    )
    y, n, a = pl.col("n_yes"), pl.col("n_no"), pl.col("n_abstain")
    return (
        counts.with_columns(
            (y + n + a).alias("n_present"),
            rice_index(y, n).alias("rice"),
            agreement_index(y, n, a).alias("agreement"),
            pl.lit(label).alias("group"),
        )
        .select(
            "group",
            "rollcall_id",
            "date",
            "year",
            "session",
            "n_members",
            "n_yes",
            "n_no",
            "n_abstain",
            "n_absent",
            "n_present",
            "rice",
            "agreement",
        )
        .sort("date", "rollcall_id")
    )


def cohesion(
    votes: pl.DataFrame,
    groups: GroupSpec | Sequence[GroupSpec] | Mapping[str, GroupSpec],
    *,
    years: YearSpec = None,
    index: CohesionIndex | Sequence[CohesionIndex] = "agreement",
    by: str | None = "year",
    min_present: int = 2,
    include_observers: bool = False,
) -> pl.DataFrame:
    """Yearly (or per-session, or pooled) cohesion of one or more groups.

    The per-roll-call indices of :func:`cohesion_rollcalls` (Rice 1925;
    Hix, Noury & Roland 2005 agreement index with three options) averaged,
    unweighted, over the roll calls in each period on which at least
    ``min_present`` members voted Y, N or A (for Rice, also at least one Y or N).

    Parameters
    ----------
    votes
        VOTES_VIEW-shaped frame.
    groups
        Group ids (``["NAM", "EU"]``), membership frames, or a mapping ``name -> spec``.
    years
        ``2014``, ``(1991, 2022)``, ``"1991-2022"`` or a list of years; None for all.
    index
        ``"agreement"`` (default: Hix–Noury–Roland, counts abstentions), ``"rice"``
        or both (a list).
    by
        ``"year"`` (default), ``"session"``, ``"session_number"`` or None (pooled).

    Returns
    -------
    polars.DataFrame
        ``group, [by], index, value, n_rollcalls, mean_size_present, thin``
        (``thin``: fewer than ``MIN_ROLLCALLS`` = 10 roll calls), sorted by group (in
        the order given), period and index.
    """
    indices = [index] if isinstance(index, str) else list(index)
    for idx in indices:
        if idx not in COHESION_INDICES:
            raise MeasureError(f"unknown cohesion index {idx!r}: expected 'rice' or 'agreement'")
    keys = time_keys(by)
    v = filter_years(votes, years)
    frames = []
    for order, (name, spec) in enumerate(resolve_groups(groups)):
        per_rc = cohesion_rollcalls(v, spec, name=name, include_observers=include_observers).filter(
            pl.col("n_present") >= min_present
        )
        for idx in indices:
            rows = per_rc.filter(pl.col(idx).is_not_null())
            agg = rows.group_by(keys or pl.lit(0).alias("_all")).agg(
                pl.col(idx).mean().alias("value"),
                pl.len().cast(pl.Int64).alias("n_rollcalls"),
                pl.col("n_present").mean().alias("mean_size_present"),
            )
            frames.append(
                agg.with_columns(
                    pl.lit(name).alias("group"), pl.lit(idx).alias("index"), pl.lit(order).alias("_order")
                ).select("group", *keys, "index", "value", "n_rollcalls", "mean_size_present", "_order")
            )
    schema = {
        "group": pl.String(),
        **{k: votes.schema[k] for k in keys},
        "index": pl.String(),
        "value": pl.Float64(),
        "n_rollcalls": pl.Int64(),
        "mean_size_present": pl.Float64(),
        "_order": pl.Int32(),
    }
    out = pl.concat([f.cast(schema) for f in frames]) if frames else pl.DataFrame(schema=schema)  # type: ignore[arg-type]
    return (
        out.sort("_order", *keys, "index")
        .drop("_order")
        .with_columns((pl.col("n_rollcalls") < MIN_ROLLCALLS).alias("thin"))
    )
