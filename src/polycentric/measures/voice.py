"""Voice: how often a group's majority matches the Assembly's outcome, its share of votes, when it was decisive.

For one roll call with Assembly totals Y, N, A (all states voting) and group
totals y, n, a (the group's members on the vote's date):

group position
    The plurality option among the members voting Y, N or A; a tie for the most
    votes gives no position.
outcome
    Under the Charter's rule (Art. 18) a decision needs a majority of the members
    *present and voting*, i.e. casting a yes or no vote; abstentions do not count.
    ``rule="simple"``: adopted (``Y``) when ``Y > N``; ``rule="two_thirds"``
    (important questions, Art. 18(2)): adopted when ``Y >= 2/3 (Y + N)``.
    Otherwise not adopted (``N``); an equally divided vote is lost.
    The rule is applied uniformly to the roll calls analysed: the record does not
    say which questions the Assembly decided by two thirds.
matched
    The group position equals the outcome (null when the group position is A or
    a tie: an abstaining majority neither wins nor loses).
vote_share
    ``(y + n + a) / (Y + N + A)``: the group's share of the votes cast.
decisive
    The outcome computed without the group's votes (``Y - y`` against ``N - n``)
    differs from the outcome with them: the members' votes changed the result.

Matching and vote share are descriptive tallies. Decisiveness is the
counterfactual "swing" of Banzhaf's power analysis applied to the group as one
bloc: would the result have been different had its members not voted?

References
----------
Charter of the United Nations, Article 18 (majorities in the General Assembly);
Rules of Procedure of the General Assembly (A/520/Rev.*), rules 83–86 (majorities; "present and
voting" means casting a yes or no vote) and 95 (an equally divided vote is lost).

Banzhaf, J. F. (1965). Weighted Voting Doesn't Work: A Mathematical Analysis.
*Rutgers Law Review* 19(2), 317–343.

Dependency rule: imports polars, ``polycentric.errors`` and ``polycentric.measures._common``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import polars as pl

from polycentric.errors import MeasureError
from polycentric.measures._common import (
    GroupSpec,
    YearSpec,
    check_votes,
    filter_years,
    membership_mask,
    plurality_vote,
    resolve_groups,
    time_keys,
)

__all__ = ["Rule", "outcome_expr", "voice", "voice_rollcalls"]

Rule: TypeAlias = Literal["simple", "two_thirds"]


def outcome_expr(yes: pl.Expr, no: pl.Expr, rule: Rule = "simple") -> pl.Expr:
    """``"Y"`` (adopted) or ``"N"`` (not adopted) from yes and no counts.

    simple: ``Y > N``; two_thirds: ``3Y >= 2(Y + N)`` and ``Y > 0`` (majority of those present and voting).
    """
    if rule == "simple":
        adopted = yes > no
    elif rule == "two_thirds":
        adopted = (3 * yes >= 2 * (yes + no)) & (yes > 0)
    else:
        raise MeasureError(f"rule={rule!r}: expected 'simple' or 'two_thirds'")
    return pl.when(adopted).then(pl.lit("Y")).otherwise(pl.lit("N"))


def voice_rollcalls(
    votes: pl.DataFrame,
    group: GroupSpec,
    *,
    name: str | None = None,
    rule: Rule = "simple",
    include_observers: bool = False,
) -> pl.DataFrame:
    """Per roll call: the group's position, the outcome, whether they matched, vote share, decisiveness.

    Columns ``group, rollcall_id, date, year, session, group_position, outcome,
    matched, decisive, n_group_cast, n_cast, vote_share, yes, no, abstain,
    group_yes, group_no, group_abstain``. See the module docstring for the rules.
    """
    check_votes(votes, ("rollcall_id", "state", "vote", "date", "year", "session"))
    label = name if name is not None else (group if isinstance(group, str) else "group")
    v = votes.with_columns(membership_mask(votes, group, include_observers=include_observers).alias("_in"))
    ing = pl.col("_in")
    vote = pl.col("vote")
    t = v.group_by("rollcall_id").agg(
        pl.col("date").first(),
        pl.col("year").first(),
        pl.col("session").first(),
        (vote == "Y").sum().cast(pl.Int64).alias("yes"),
        (vote == "N").sum().cast(pl.Int64).alias("no"),
        (vote == "A").sum().cast(pl.Int64).alias("abstain"),
        ((vote == "Y") & ing).sum().cast(pl.Int64).alias("group_yes"),
        ((vote == "N") & ing).sum().cast(pl.Int64).alias("group_no"),
        ((vote == "A") & ing).sum().cast(pl.Int64).alias("group_abstain"),
        ing.sum().cast(pl.Int64).alias("_n_members"),
    )
    gy, gn, ga = pl.col("group_yes"), pl.col("group_no"), pl.col("group_abstain")
    position = plurality_vote(gy, gn, ga)
    outcome = outcome_expr(pl.col("yes"), pl.col("no"), rule)
    without = outcome_expr(pl.col("yes") - gy, pl.col("no") - gn, rule)
    out = (
        t.filter(pl.col("_n_members") > 0)
        .with_columns(
            position.alias("group_position"),
            outcome.alias("outcome"),
            (outcome != without).alias("decisive"),
            (gy + gn + ga).alias("n_group_cast"),
            (pl.col("yes") + pl.col("no") + pl.col("abstain")).alias("n_cast"),
        )
        .with_columns(
            pl.when(pl.col("group_position").is_in(["Y", "N"]))
            .then(pl.col("group_position") == pl.col("outcome"))
            .otherwise(None)
            .alias("matched"),
            pl.when(pl.col("n_cast") > 0).then(pl.col("n_group_cast") / pl.col("n_cast")).alias("vote_share"),
            pl.lit(label).alias("group"),
        )
    )
    return out.select(
        "group",
        "rollcall_id",
        "date",
        "year",
        "session",
        "group_position",
        "outcome",
        "matched",
        "decisive",
        "n_group_cast",
        "n_cast",
        "vote_share",
        "yes",
        "no",
        "abstain",
        "group_yes",
        "group_no",
        "group_abstain",
    ).sort("date", "rollcall_id")


def voice(
    votes: pl.DataFrame,
    groups: GroupSpec | Sequence[GroupSpec] | Mapping[str, GroupSpec],
    *,
    years: YearSpec = None,
    rule: Rule = "simple",
    by: str | None = "year",
    include_observers: bool = False,
) -> pl.DataFrame:
    """A group's voice per year (or session, or pooled).

    Columns ``group, [by], n_rollcalls, n_positions`` (roll calls where the group
    had a Y or N position), ``match_rate`` (share of those where it matched the
    outcome), ``vote_share`` (mean over roll calls of the group's share of the
    votes cast), ``n_decisive`` and ``decisive_share`` (roll calls where its
    members' votes changed the outcome). Rules: see the module docstring.
    """
    keys = time_keys(by)
    v = filter_years(votes, years)
    frames = []
    for order, (name, spec) in enumerate(resolve_groups(groups)):
        rc = voice_rollcalls(v, spec, name=name, rule=rule, include_observers=include_observers)
        agg = rc.group_by(keys or pl.lit(0).alias("_all")).agg(
            pl.len().cast(pl.Int64).alias("n_rollcalls"),
            pl.col("matched").is_not_null().sum().cast(pl.Int64).alias("n_positions"),
            pl.col("matched").mean().alias("match_rate"),
            pl.col("vote_share").mean().alias("vote_share"),
            pl.col("decisive").sum().cast(pl.Int64).alias("n_decisive"),
            pl.col("decisive").mean().alias("decisive_share"),
        )
        frames.append(agg.with_columns(pl.lit(name).alias("group"), pl.lit(order).alias("_order")))
    out = pl.concat(frames, how="diagonal_relaxed")
    return out.sort("_order", *keys).select(
        "group", *keys, "n_rollcalls", "n_positions", "match_rate", "vote_share", "n_decisive", "decisive_share"
    )
