"""Shared helpers of the measures: input checks, year and period filters, group memberships.

Group memberships
-----------------
A group is given either by its registry id (``"NAM"``, resolved with
:func:`polycentric.registry.groups.get_group`), by a :class:`Group`-like object
with a ``membership`` attribute, or directly by a membership DataFrame with the
columns ``state``, ``joined``, ``left`` and (optionally) ``status``. A state
counts for the group on the date of a vote when

    ``joined <= date`` (or ``joined`` is null) and ``date <= left`` (or ``left`` is null)

(both ends inclusive: ``left`` is the last day of membership) and its ``status``
is ``member`` (observers count only with ``include_observers=True``). A state may
have several rows (left and re-joined).

Dependency rule: imports polars, ``polycentric.errors`` and ``polycentric.schema``;
the group registry is imported lazily, only when a group is named by its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import polars as pl

from polycentric.errors import InsufficientDataError, MeasureError, RegistryError, UnknownGroupError
from polycentric.registry import groups as registry_groups
from polycentric.symbols import normalise_symbol, parse_years

__all__ = [
    "CAST",
    "MIN_ROLLCALLS",
    "annotate_periods",
    "GroupSpec",
    "Period",
    "YearSpec",
    "check_votes",
    "filter_years",
    "group_majority",
    "membership_frame",
    "membership_mask",
    "parse_years",
    "plurality_vote",
    "select_period",
]

MIN_ROLLCALLS = 10
"""Readings (per session or year) resting on fewer roll calls than this are flagged ``thin``.

Ten roll calls: below it one roll call moves a group's cohesion or a pair's agreement
by more than 0.1 on its own, and an ideal point rests mostly on the random walk from
the neighbouring sessions (docs/idealpoints.md, "Thin sessions")."""

CAST: tuple[str, ...] = ("Y", "N", "A")
"""The vote codes of a state present and casting a vote (X, not voting, is absent)."""

YearSpec: TypeAlias = int | tuple[int, int] | range | Sequence[int] | str | None
"""Years: one year, an inclusive ``(start, end)`` pair, a range or list of years, or ``"2000-2023"``."""

Period: TypeAlias = int | tuple[int, int] | str | Sequence[str] | Sequence[int]
"""A period: a year, an inclusive year range, ``"2010-2014"``, or resolution symbols (``"A/RES/68/262"``)."""

GroupSpec: TypeAlias = str | pl.DataFrame | Any
"""A group: a registry id, a membership DataFrame, or an object with a ``membership`` DataFrame."""


def check_votes(votes: pl.DataFrame, columns: Iterable[str] = ("rollcall_id", "state", "vote")) -> None:
    """Raise :class:`MeasureError` when ``votes`` lacks a column the measure needs."""
    missing = [c for c in columns if c not in votes.columns]
    if missing:
        raise MeasureError(
            f"votes frame lacks column(s) {', '.join(missing)}: expected the record's VOTES_VIEW schema "
            "(rollcall_id, state, state_name, vote, resolution, date, year, session, session_number)"
        )
    bad = votes.filter(~pl.col("vote").is_in(["Y", "N", "A", "X"]))["vote"].unique().to_list()
    if bad:
        raise MeasureError(f"unknown vote code(s) {bad!r}: expected Y, N, A or X")


def check_unique(votes: pl.DataFrame) -> None:
    """Raise :class:`MeasureError` when a state has two votes on one roll call."""
    n = votes.height
    if n and votes.select(pl.struct("rollcall_id", "state").n_unique()).item() != n:
        dup = votes.filter(pl.struct("rollcall_id", "state").is_duplicated()).head(3)
        raise MeasureError(
            "a state has more than one vote on a roll call, e.g. "
            + ", ".join(f"{r['state']} on roll call {r['rollcall_id']}" for r in dup.iter_rows(named=True))
        )


def filter_years(votes: pl.DataFrame, years: YearSpec) -> pl.DataFrame:
    """Keep the rows whose ``year`` is in ``years`` (None keeps everything)."""
    if years is None:
        return votes
    if isinstance(years, str):
        years = parse_years(years)
    if isinstance(years, int):
        return votes.filter(pl.col("year") == years)
    if isinstance(years, tuple) and len(years) == 2 and all(isinstance(y, int) for y in years):
        return votes.filter(pl.col("year").is_between(years[0], years[1], closed="both"))
    return votes.filter(pl.col("year").is_in(list(years)))


def select_period(votes: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The rows of ``votes`` in ``period``.

    A period is a year (``2014``), an inclusive year range (``(2010, 2014)`` or ``"2010-2014"``),
    or one or more resolution symbols (``"A/RES/68/262"``, ``["A/RES/ES-11/1", "A/RES/ES-11/4"]``;
    ``R/68/262`` is the same symbol). Raise :class:`InsufficientDataError` when no row is left.
    """
    if isinstance(period, str) and "/" in period:
        period = [p for p in period.split(",") if p.strip()]
    year_range = isinstance(period, tuple) and len(period) == 2 and all(isinstance(p, int) for p in period)
    if isinstance(period, (int, range, str)) or year_range:
        out = filter_years(votes, period)  # type: ignore[arg-type]
    else:
        items = list(period)
        if all(isinstance(p, int) for p in items):
            out = filter_years(votes, items)  # type: ignore[arg-type]
        else:
            symbols = [normalise_symbol(str(p)) for p in items]
            out = votes.filter(pl.col("resolution").is_in(symbols))
    if out.height == 0:
        raise InsufficientDataError(f"no votes in period {period!r}")
    return out


# ----------------------------------------------------------------------------- groups

def membership_frame(group: GroupSpec) -> tuple[str, pl.DataFrame]:
    """``(name, spells)`` of a group: :func:`polycentric.registry.groups.membership_frame`.

    Errors of the group's form are a :class:`MeasureError` here, an unknown id an
    :class:`~polycentric.errors.UnknownGroupError`.
    """
    try:
        return registry_groups.membership_frame(group)
    except UnknownGroupError:
        raise
    except RegistryError as exc:
        raise MeasureError(str(exc)) from exc


def membership_mask(votes: pl.DataFrame, group: GroupSpec, *, include_observers: bool = False) -> pl.Series:
    """Whether each row's state was in ``group`` on the vote's date (observers only when asked).

    The registry's one test (:func:`polycentric.registry.groups.membership_mask`), with
    statuses ``member`` (and ``observer`` when ``include_observers``).
    """
    statuses = ("member", "observer") if include_observers else ("member",)
    if "date" not in votes.columns:
        raise MeasureError("votes frame lacks column 'date': a group's membership is evaluated at each vote's date")
    try:
        return registry_groups.membership_mask(votes, group, statuses=statuses).alias("in_group")
    except UnknownGroupError:
        raise
    except RegistryError as exc:
        raise MeasureError(str(exc)) from exc


def group_votes(votes: pl.DataFrame, group: GroupSpec, *, include_observers: bool = False) -> pl.DataFrame:
    """The rows of ``votes`` cast by states in ``group`` on the vote's date."""
    return votes.filter(membership_mask(votes, group, include_observers=include_observers))


def plurality_vote(yes: pl.Expr, no: pl.Expr, abstain: pl.Expr) -> pl.Expr:
    """The plurality option (``"Y"``, ``"N"`` or ``"A"``) of three vote counts.

    Null when nobody voted or when the largest count is tied: a divided group has
    no position. Used for a group's majority position (alignment, shifts, voice).
    """
    top = pl.max_horizontal(yes, no, abstain)
    n_top = (yes == top).cast(pl.Int8) + (no == top).cast(pl.Int8) + (abstain == top).cast(pl.Int8)
    return (
        pl.when((top == 0) | (n_top > 1))
        .then(None)
        .when(yes == top)
        .then(pl.lit("Y"))
        .when(no == top)
        .then(pl.lit("N"))
        .otherwise(pl.lit("A"))
    )


def group_majority(
    votes: pl.DataFrame,
    group: GroupSpec,
    *,
    include_observers: bool = False,
) -> pl.DataFrame:
    """A group's majority position per roll call, as a pseudo-state's votes.

    The position is the plurality option among the group's members present and
    voting (Y, N or A; X is not counted; :func:`plurality_vote`); a tie for the
    most votes gives no position, and the roll call has no row. Returns
    ``rollcall_id, vote, n_present``.
    """
    gv = group_votes(votes, group, include_observers=include_observers)
    vote = pl.col("vote")
    counts = gv.group_by("rollcall_id").agg(
        (vote == "Y").sum().alias("_y"), (vote == "N").sum().alias("_n"), (vote == "A").sum().alias("_a")
    )
    y, n, a = pl.col("_y"), pl.col("_n"), pl.col("_a")
    return (
        counts.select(
            "rollcall_id", plurality_vote(y, n, a).alias("vote"), (y + n + a).cast(pl.Int64).alias("n_present")
        )
        .filter(pl.col("vote").is_not_null())
        .sort("rollcall_id")
    )


def resolve_groups(groups: GroupSpec | Sequence[GroupSpec] | Mapping[str, GroupSpec]) -> list[tuple[str, GroupSpec]]:
    """Normalise ``groups`` into ``[(name, spec), ...]``.

    Accepts one id (``"NAM"``), a list of ids or specs, or a mapping ``name -> spec``.
    """
    if isinstance(groups, Mapping):
        return [(str(k), v) for k, v in groups.items()]
    if isinstance(groups, (str, pl.DataFrame)) or hasattr(groups, "membership"):
        groups = [groups]
    out: list[tuple[str, GroupSpec]] = []
    for g in groups:
        name, _ = membership_frame(g) if not isinstance(g, str) else (g, None)
        out.append((name, g))
    return out


def time_keys(by: str | None) -> list[str]:
    """Column names to aggregate over for ``by`` (``"year"``, ``"session"``, ``"session_number"`` or None)."""
    if by is None:
        return []
    if by not in ("year", "session", "session_number"):
        raise MeasureError(f"by={by!r}: expected 'year', 'session', 'session_number' or None")
    return [by]


def annotate_periods(df: pl.DataFrame, periods: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """Add the record's ``partial`` flag (and ``n_rollcalls`` where the measure has none) to a measure by period.

    Parameters
    ----------
    df
        A measure's output with a ``year`` or ``session`` column (``by``).
    periods
        :meth:`polycentric.record.store.Record.periods` for the same ``by``: ``[by], n_rollcalls, partial``.
        A period is partial when it is in progress or holds clearly fewer roll calls than
        the official count (``docs/measures.md``).
    by
        ``"year"`` or ``"session"``; anything else returns ``df`` unchanged.

    Returns
    -------
    polars.DataFrame
        ``df`` with ``partial`` (null for a period the record does not know) and, when
        ``df`` had none, ``n_rollcalls`` (whole-resolution GA roll calls in the period).
    """
    if by not in ("year", "session") or by not in df.columns or by not in periods.columns:
        return df
    cols = [by, "partial"] + ([] if "n_rollcalls" in df.columns else ["n_rollcalls"])
    # a measure by session number (an int) leaves out the emergency special sessions ("ES-11"): not castable
    right = periods.select(cols).with_columns(pl.col(by).cast(df.schema[by], strict=False)).drop_nulls(by)
    return df.drop([c for c in ("partial",) if c in df.columns]).join(right, on=by, how="left", maintain_order="left")
