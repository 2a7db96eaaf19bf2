"""Alignment: each state's agreement with reference states or groups, per year.

A reference is a state (its votes) or a group, read as a pseudo-state whose
vote on each roll call is the group's majority position: the plurality option
among its members (on the vote's date) voting Y, N or A; roll calls where the
plurality is tied give the group no vote. A state's alignment with a reference
in a period is its agreement with the reference over their shared votes,
with any index of :mod:`polycentric.measures.agreement` (simple agreement;
Lijphart 1963; Signorino & Ritter 1999).

Naming references: ``"group:NAM"`` is a group and ``"state:NAM"`` a state
(Namibia's code is ``NAM``, as is the Non-Aligned Movement's id). A bare name is
a user group if it is a key of ``groups``, else a state if it votes in
``votes``, else a registry group.

A member's agreement with its own group's majority includes its own vote in
that majority (for a group of k members present, one vote of k), so it is
biased upwards relative to a non-member's, the more so for small groups.

Dependency rule: imports polars, ``polycentric.errors`` and ``polycentric.measures``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl

from polycentric.errors import InsufficientDataError, MeasureError, UnknownStateError
from polycentric.measures._common import (
    GroupSpec,
    YearSpec,
    check_votes,
    filter_years,
    group_majority,
    time_keys,
)
from polycentric.measures.agreement import (
    Absent,
    Index,
    PairCounts,
    _check_index,
    _index_value,
    prepare_votes,
    score_expr,
)

__all__ = ["DEFAULT_REFERENCES", "alignment", "rank_alignment", "reference_votes"]

DEFAULT_REFERENCES: tuple[str, ...] = ("USA", "CHN", "RUS", "IND", "BRA", "group:EU", "group:NAM")
"""USA, China, Russia, India, Brazil, the EU majority and the NAM majority."""


def _resolve(reference: str, groups: Mapping[str, GroupSpec], votes_by: Callable[[str], bool]) -> tuple[str, str]:
    """``(name, kind)`` of a reference (see the module docstring); ``votes_by(name)``: the state has votes."""
    if reference.startswith("group:"):
        return reference[len("group:") :], "group"
    if reference.startswith("state:"):
        return reference[len("state:") :], "state"
    if reference in groups:
        return reference, "group"
    return reference, "state" if votes_by(reference) else "group"


def reference_votes(
    votes: pl.DataFrame,
    reference: str,
    *,
    groups: Mapping[str, GroupSpec] | None = None,
    include_observers: bool = False,
) -> tuple[str, str, pl.DataFrame]:
    """``(label, kind, frame)`` for one reference: ``kind`` is ``"state"`` or ``"group"``.

    ``frame`` has ``rollcall_id`` and ``vote`` (Y/N/A/X for a state, the majority
    position Y/N/A for a group). See the module docstring for how names resolve.
    """
    groups = dict(groups or {})
    name, kind = _resolve(reference, groups, lambda state: votes.filter(pl.col("state") == state).height > 0)
    if kind == "state":
        frame = votes.filter(pl.col("state") == name).select("rollcall_id", "vote")
        if frame.height == 0:
            raise UnknownStateError(f"no votes by state {name!r} in the selection")
        return name, "state", frame
    spec: GroupSpec = groups.get(name, name)
    return name, "group", group_majority(votes, spec, include_observers=include_observers).select("rollcall_id", "vote")


def alignment(
    votes: pl.DataFrame,
    references: Sequence[str] = DEFAULT_REFERENCES,
    *,
    index: Index = "simple",
    by: str | None = "year",
    years: YearSpec = None,
    states: Sequence[str] | None = None,
    groups: Mapping[str, GroupSpec] | None = None,
    absent: Absent = "exclude",
    include_observers: bool = False,
    counts: PairCounts | None = None,
) -> pl.DataFrame:
    """Each state's agreement with each reference state or group majority, per year.

    ``value`` is the mean over shared roll calls of the per-roll-call score of
    :func:`polycentric.measures.agreement.score_expr` (simple: same vote;
    Lijphart 1963: abstention counts half; Signorino & Ritter 1999 S-score
    ``1 - 2|x_a - x_b|`` with Y = 1, A = 0.5, N = 0). Absences are excluded by
    default (both sides must vote Y, N or A).

    Parameters
    ----------
    votes
        VOTES_VIEW-shaped frame.
    references
        State ids and group ids (``"group:EU"``); default USA, CHN, RUS, IND, BRA,
        the EU majority and the NAM majority.
    states
        Restrict the rows to these states (default: every state).
    groups
        User groups ``name -> membership frame`` (used before the registry).
    counts
        The :class:`~polycentric.measures.agreement.PairCounts` of the same votes (``polycentric build``
        stores them): reference states are then read from the stored per-period sums (the same rows and
        values); group majorities are always computed from ``votes``.

    Returns
    -------
    polars.DataFrame
        ``state, reference, reference_kind, [by], index, value, n_shared``.
    """
    _check_index(index)
    keys = time_keys(by)
    stored = counts if counts is not None and by in (None, "year", "session") else None
    if stored is None:
        check_votes(votes, ("rollcall_id", "state", "vote"))
    v = filter_years(votes, years) if stored is None else None  # with counts: only if a reference needs the votes
    wanted = None if states is None else list(states)
    rows: pl.DataFrame | None = None
    frames = []
    for order, ref in enumerate(references):
        if stored is not None:
            name, kind = _resolve(ref, dict(groups or {}), lambda state: stored.has_votes(state, years))
        row = None
        if stored is not None and kind == "state":
            if not stored.has_votes(name, years):
                raise UnknownStateError(f"no votes by state {name!r} in the selection")
            row = name
        elif stored is not None and not include_observers and name not in (groups or {}):
            row = stored.group_row(name)  # a stored majority (None: compute it from the votes)
        if stored is not None and row is not None:
            pairs = stored.versus(row, years, by=by, absent=absent)
            if wanted is not None:
                pairs = pairs.filter(pl.col("other").is_in(wanted))
            value = _index_value(
                index, pairs["n_shared"].to_numpy(), pairs["n_same"].to_numpy(), pairs["n_opposite"].to_numpy()
            )
            agg = pairs.select(
                pl.col("other").alias("state"),
                *keys,
                pl.Series("value", value, dtype=pl.Float64),
                pl.col("n_shared").cast(pl.Int64),
            )
            label = name
        else:
            if v is None:  # the first reference read from the votes (with counts): check them now
                check_votes(votes, ("rollcall_id", "state", "vote"))
                v = filter_years(votes, years)
            if rows is None:
                cast = prepare_votes(v, absent)
                rows = cast if wanted is None else cast.filter(pl.col("state").is_in(wanted))
            label, kind, ref_votes = reference_votes(v, ref, groups=groups, include_observers=include_observers)
            ref_cast = prepare_votes(ref_votes, absent).select("rollcall_id", pl.col("vote").alias("vote_b"))
            joined = rows.select("rollcall_id", "state", *keys, pl.col("vote").alias("vote_a")).join(
                ref_cast, on="rollcall_id", how="inner"
            )
            agg = joined.group_by("state", *keys).agg(
                score_expr(index).mean().alias("value"), pl.len().cast(pl.Int64).alias("n_shared")
            )
        frames.append(
            agg.with_columns(
                pl.lit(label).alias("reference"),
                pl.lit(kind).alias("reference_kind"),
                pl.lit(index).alias("index"),
                pl.lit(order).alias("_order"),
            )
        )
    if not frames:
        raise InsufficientDataError("no reference given")
    out = pl.concat(frames, how="vertical_relaxed")
    return out.sort("state", "_order", *keys).select(
        "state", "reference", "reference_kind", *keys, "index", "value", "n_shared"
    )


_SORTABLE = ("value", "n_shared", "state", "reference", "year", "session")


def rank_alignment(
    table: pl.DataFrame, *, sort: str | None = None, top: int = 0, min_shared: int = 1
) -> pl.DataFrame:
    """Filter, sort and cut an :func:`alignment` table: the closest (or farthest) states first.

    Parameters
    ----------
    table
        The output of :func:`alignment`.
    sort
        A column (``value``, ``n_shared``, ``state``, ``reference``, ``year``, ``session``);
        a leading ``-`` sorts descending (``"-value"``: most aligned first). Ties keep the
        state order. ``None`` keeps the table's order. A ranking leaves out each reference
        state's row with itself (its agreement with itself is 1 by definition).
    top
        Keep the first ``top`` rows (0: all).
    min_shared
        Drop rows with fewer shared votes (``n_shared < min_shared``): a value over
        three shared votes says little.

    Raises
    ------
    MeasureError
        ``sort`` names no column of the table, or ``top``/``min_shared`` is negative.
    """
    if top < 0 or min_shared < 0:
        raise MeasureError(f"--top and --min-shared must be >= 0, not {top} and {min_shared}")
    out = table.filter(pl.col("n_shared") >= min_shared) if min_shared > 1 else table
    if sort:
        if "reference_kind" in out.columns:
            out = out.filter((pl.col("reference_kind") != "state") | (pl.col("state") != pl.col("reference")))
        descending = sort.startswith("-")
        column = sort.lstrip("-+")
        if column not in _SORTABLE or column not in out.columns:
            choices = ", ".join(c for c in _SORTABLE if c in out.columns)
            raise MeasureError(f"cannot sort by {column!r}: expected one of {choices} (prefix - for descending)")
        out = out.sort([column, "state"], descending=[descending, False], nulls_last=True)
    return out.head(top) if top else out
