"""Tallies: how many states voted Yes, No, Abstain or did not vote, per roll call or any grouping.

The one place that counts votes for the shells (tables, pages, reports), so a
tally reads the same everywhere.

Dependency rule: imports ``polycentric.errors`` and ``polycentric.measures._common``;
never the store, the models or the shells.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from polycentric.measures._common import check_votes

__all__ = ["TALLY_COLUMNS", "tally"]

TALLY_COLUMNS: dict[str, str] = {"Y": "yes", "N": "no", "A": "abstain", "X": "non_voting"}
"""Vote code -> tally column (X: a member present in the UN on the date who did not vote)."""


def tally(votes: pl.DataFrame, by: str | Sequence[str] = "rollcall_id") -> pl.DataFrame:
    """Count the votes of each category per ``by`` key (by default per roll call).

    For a key :math:`k`, :math:`\\mathrm{yes}_k = \\#\\{i : v_{ik} = Y\\}` and likewise
    ``no`` (N), ``abstain`` (A) and ``non_voting`` (X); ``present = yes + no +
    abstain`` (the states that cast a vote) and ``members = present + non_voting``
    (the states with a row: UN members on the date). ``adopted_simple`` is
    ``yes > no``, the General Assembly's simple majority of members present and
    voting (Charter Art. 18(3); abstentions do not count as voting, rule 126 of
    the Assembly's rules of procedure). It does not say whether the roll call
    needed a two-thirds majority (Art. 18(2)) or what it decided.

    Parameters
    ----------
    votes
        Rows with ``vote`` (``Y``/``N``/``A``/``X``) and the ``by`` columns
        (e.g. :meth:`polycentric.Record.votes`).
    by
        Column or columns to group by: ``"rollcall_id"``, ``["resolution", "date"]``,
        ``["year", "state"]``...

    Returns
    -------
    polars.DataFrame
        ``by..., yes, no, abstain, non_voting, present, members, adopted_simple``,
        sorted by ``by``.

    Examples
    --------
    >>> import polars as pl
    >>> v = pl.DataFrame({"rollcall_id": [1, 1, 1, 2], "vote": ["Y", "N", "X", "A"]})
    >>> tally(v).rows()
    [(1, 1, 1, 0, 1, 2, 3, False), (2, 0, 0, 1, 0, 1, 1, False)]
    """
    keys = [by] if isinstance(by, str) else list(by)
    check_votes(votes, [*keys, "vote"])
    counts = [(pl.col("vote") == code).sum().cast(pl.Int64).alias(name) for code, name in TALLY_COLUMNS.items()]
    return (
        votes.group_by(keys)
        .agg(counts)
        .with_columns(present=pl.col("yes") + pl.col("no") + pl.col("abstain"))
        .with_columns(members=pl.col("present") + pl.col("non_voting"), adopted_simple=pl.col("yes") > pl.col("no"))
        .sort(keys)
    )
