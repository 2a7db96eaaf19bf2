"""Neutrality: abstention and non-voting propensity per state and year.

For a state in a period with Y yes, N no, A abstentions and X roll calls on
which it was a member but did not vote::

    abstention_rate  = A / (Y + N + A)          share of its votes cast that are abstentions
    non_voting_rate  = X / (Y + N + A + X)      share of the roll calls it missed
    neutral_rate     = (A + X) / (Y + N + A + X) took no side, either way

Abstention as a deliberate "neutral" position follows the UN voting literature
(e.g. Voeten 2000, "Clashes in the Assembly", *International Organization*
54(2), 185–215, which codes abstention as a middle position); non-voting is
reported apart because it mixes absence with protest. Note that sources differ:
Voeten's processed data drop absences, so ``non_voting_rate`` is 0 there unless
the record adds X rows from UN membership.

Dependency rule: imports polars and ``polycentric.measures._common``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from polycentric.measures._common import YearSpec, check_votes, filter_years, time_keys

__all__ = ["neutrality"]


def neutrality(
    votes: pl.DataFrame,
    *,
    by: str | None = "year",
    years: YearSpec = None,
    states: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Abstention and non-voting rates per state and year (or session, or pooled).

    Formulas in the module docstring. Columns ``state, [by], n_rollcalls, n_yes,
    n_no, n_abstain, n_absent, abstention_rate, non_voting_rate, neutral_rate``
    (``abstention_rate`` is null when the state cast no vote).
    """
    check_votes(votes)
    keys = time_keys(by)
    v = filter_years(votes, years)
    if states is not None:
        v = v.filter(pl.col("state").is_in(list(states)))
    vote = pl.col("vote")
    agg = v.group_by("state", *keys).agg(
        pl.len().cast(pl.Int64).alias("n_rollcalls"),
        (vote == "Y").sum().cast(pl.Int64).alias("n_yes"),
        (vote == "N").sum().cast(pl.Int64).alias("n_no"),
        (vote == "A").sum().cast(pl.Int64).alias("n_abstain"),
        (vote == "X").sum().cast(pl.Int64).alias("n_absent"),
    )
    cast = pl.col("n_yes") + pl.col("n_no") + pl.col("n_abstain")
    return agg.with_columns(
        pl.when(cast > 0).then(pl.col("n_abstain") / cast).alias("abstention_rate"),
        (pl.col("n_absent") / pl.col("n_rollcalls")).alias("non_voting_rate"),
        ((pl.col("n_abstain") + pl.col("n_absent")) / pl.col("n_rollcalls")).alias("neutral_rate"),
    ).sort("state", *keys)
