"""A state at a glance and its "voting practices": key numbers, neighbours, cited votes, coincidence.

- :func:`vote_summary`: votes cast and the shares of Yes, No, Abstain among them, and absence.
- :func:`neighbours`: the states closest to and farthest from a state in a year (simple agreement,
  :func:`polycentric.measures.alignment.alignment` with the state as reference) and the change
  since ``years_before`` years earlier.
- :func:`cited_votes`: the state's votes on the resolutions people cite (:data:`CITED_RESOLUTIONS`).
- :func:`coincidence`: the US State Department's "voting coincidence" of its annual report
  *Voting Practices in the United Nations* (22 U.S.C. 2414a), for any state: over the roll calls
  where both the state and the reference voted Yes or No, the share of identical votes;
  abstentions and absences are left out. A group's vote is its members' majority
  (:func:`polycentric.measures._common.group_majority`).
- :func:`practices`: every table of the "voting practices" report of one state and year.

Dependency rule: imports polars, ``record.cite``, the registry and the other measures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from polycentric.errors import InsufficientDataError
from polycentric.measures._common import check_votes, filter_years
from polycentric.measures.alignment import alignment, reference_votes
from polycentric.schema import ISSUES

__all__ = [
    "CITED_RESOLUTIONS",
    "PRACTICES_GROUPS",
    "PRACTICES_REFERENCES",
    "cited_votes",
    "coincidence",
    "neighbours",
    "practices",
    "vote_summary",
]

CITED_RESOLUTIONS: dict[str, str] = {
    "A/RES/30/3379": "Zionism as a form of racism (1975)",
    "A/RES/38/7": "Grenada (1983)",
    "A/RES/44/240": "Intervention in Panama (1989)",
    "A/RES/46/86": "Revoking resolution 3379 (1991)",
    "A/RES/67/19": "Status of Palestine in the United Nations (2012)",
    "A/RES/68/262": "Territorial integrity of Ukraine (2014)",
    "A/RES/ES-11/1": "Aggression against Ukraine (2022)",
    "A/RES/ES-11/3": "Suspension of the Russian Federation from the Human Rights Council (2022)",
    "A/RES/ES-11/4": "Territorial integrity of Ukraine: defending the principles of the Charter (2022)",
    "A/RES/ES-10/21": "Protection of civilians in Gaza (2023)",
}
"""Resolutions people cite (symbol -> short label), shown on every state's page when the record holds them."""

PRACTICES_REFERENCES: tuple[str, ...] = ("USA", "CHN", "RUS", "IND", "BRA", "ZAF", "group:EU", "group:NAM")
"""Default references of :func:`practices`: states, and groups by their majority."""

PRACTICES_GROUPS: tuple[str, ...] = ("NAM", "EU", "G77", "OIC", "AU")
"""Groups whose members' coincidence :func:`practices` tabulates (as the State Department's report does)."""


def vote_summary(votes: pl.DataFrame, state: str, *, years: int | tuple[int, int] | str | None = None) -> pl.DataFrame:
    """One row of key numbers: roll calls, votes cast (Y+N+A), Yes/No/Abstain shares of those cast, absence.

    ``share_absent`` is X (a member present in the UN but not voting) over all roll calls the
    state could vote in. Shares are null when there is nothing to divide by.
    """
    check_votes(votes, ("rollcall_id", "state", "vote"))
    mine = filter_years(votes, years).filter(pl.col("state") == state)
    counts = {v: mine.filter(pl.col("vote") == v).height for v in ("Y", "N", "A", "X")}
    cast = counts["Y"] + counts["N"] + counts["A"]
    total = cast + counts["X"]

    def share(n: int, d: int) -> float | None:
        return n / d if d else None

    return pl.DataFrame(
        {
            "state": [state],
            "n_rollcalls": [total],
            "votes_cast": [cast],
            "yes": [counts["Y"]],
            "no": [counts["N"]],
            "abstain": [counts["A"]],
            "absent": [counts["X"]],
            "share_yes": [share(counts["Y"], cast)],
            "share_no": [share(counts["N"], cast)],
            "share_abstain": [share(counts["A"], cast)],
            "share_absent": [share(counts["X"], total)],
            "first_year": [mine["year"].min() if "year" in mine.columns and mine.height else None],
            "last_year": [mine["year"].max() if "year" in mine.columns and mine.height else None],
        },
        schema_overrides={
            "share_yes": pl.Float64,
            "share_no": pl.Float64,
            "share_abstain": pl.Float64,
            "share_absent": pl.Float64,
        },
    )


def neighbours(
    votes: pl.DataFrame, state: str, year: int, *, n: int = 5, years_before: int = 5, min_shared: int = 10
) -> pl.DataFrame:
    """The ``n`` states closest to and farthest from ``state`` in ``year``, with the change since ``year - years_before``.

    Agreement is the simple index (share of shared roll calls with the same vote, absences
    excluded). States sharing fewer than ``min_shared`` roll calls with ``state`` in ``year``
    are left out.

    Returns
    -------
    polars.DataFrame
        ``side`` (closest, farthest), ``rank``, ``state``, ``agreement``, ``n_shared``,
        ``agreement_before`` (null when they shared fewer than ``min_shared`` votes then) and ``change``.
    """
    now = alignment(votes, [state], years=year, by=None).filter(
        (pl.col("state") != state) & (pl.col("n_shared") >= min_shared)
    )
    if now.height == 0:
        raise InsufficientDataError(f"{state} shares no {min_shared} roll calls with any state in {year}")
    before_year = year - years_before
    try:
        before = alignment(votes, [state], years=before_year, by=None).filter(pl.col("n_shared") >= min_shared)
    except (InsufficientDataError, KeyError, LookupError):
        before = pl.DataFrame(schema={"state": pl.String, "value": pl.Float64})
    table = (
        now.select("state", agreement=pl.col("value"), n_shared=pl.col("n_shared"))
        .join(before.select("state", agreement_before=pl.col("value")), on="state", how="left")
        .with_columns(
            change=pl.col("agreement") - pl.col("agreement_before"), year=pl.lit(year), year_before=pl.lit(before_year)
        )
    )
    closest = table.sort(["agreement", "state"], descending=[True, False]).head(n).with_columns(side=pl.lit("closest"))
    farthest = (
        table.sort(["agreement", "state"], descending=[False, False]).head(n).with_columns(side=pl.lit("farthest"))
    )
    out = pl.concat([closest, farthest]).with_columns(rank=pl.int_range(1, pl.len() + 1).over("side"))
    return out.select(
        "side", "rank", "state", "agreement", "n_shared", "agreement_before", "change", "year", "year_before"
    )


def cited_votes(
    votes: pl.DataFrame, roll_calls: pl.DataFrame, state: str, symbols: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """The state's vote on each cited resolution the record holds (whole-resolution roll calls), oldest first.

    Returns ``resolution``, ``label``, ``date``, ``rollcall_id``, ``title``, ``status``, ``link``, ``vote``
    (null when the state was not a member that day).
    """
    from polycentric.record.cite import with_citation

    chosen = dict(symbols or CITED_RESOLUTIONS)
    rc = roll_calls.filter(pl.col("resolution").is_in(list(chosen)) & (pl.col("kind") == "resolution"))
    rc = with_citation(rc, citation=False).with_columns(label=pl.col("resolution").replace_strict(chosen, default=None))
    mine = votes.filter(pl.col("state") == state).select("rollcall_id", "vote")
    return (
        rc.join(mine, on="rollcall_id", how="left")
        .select("resolution", "label", "date", "rollcall_id", "title", "status", "link", "vote")
        .sort("date", "rollcall_id")
    )


def _yes_no(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.filter(pl.col("vote").is_in(["Y", "N"])).select("rollcall_id", pl.col("vote").alias(name))


def coincidence(
    votes: pl.DataFrame,
    state: str,
    references: Sequence[str],
    *,
    rollcalls: pl.Series | Sequence[int] | None = None,
    groups: Mapping[str, object] | None = None,
) -> pl.DataFrame:
    """Voting coincidence of ``state`` with each reference (the State Department's measure).

    .. math:: C = I / (I + O)

    over the roll calls where both voted Yes or No: ``I`` identical votes, ``O`` opposite votes
    (abstentions and absences do not count). Source: U.S. Department of State, *Voting Practices
    in the United Nations* (annual report to Congress, 22 U.S.C. 2414a), "voting coincidence".

    Parameters
    ----------
    votes
        VOTES_VIEW-shaped frame (already restricted to the period).
    references
        State ids or ``group:ID`` (the group majority's vote).
    rollcalls
        Restrict to these roll calls (e.g. the important votes).

    Returns
    -------
    polars.DataFrame
        ``reference``, ``kind``, ``identical``, ``opposite``, ``n`` (= identical + opposite),
        ``coincidence`` (null when ``n`` is 0).
    """
    check_votes(votes, ("rollcall_id", "state", "vote"))
    v = votes if rollcalls is None else votes.filter(pl.col("rollcall_id").is_in(pl.Series(list(rollcalls)).implode()))
    mine = _yes_no(v.filter(pl.col("state") == state), "a")
    rows = []
    for ref in references:
        try:
            label, kind, frame = reference_votes(v, ref, groups=groups)
        except (InsufficientDataError, LookupError):
            label, kind, frame = (
                ref.split(":", 1)[-1],
                "group" if ref.startswith("group:") else "state",
                pl.DataFrame(schema={"rollcall_id": pl.Int64, "vote": pl.String}),
            )
        both = mine.join(_yes_no(frame, "b"), on="rollcall_id")
        identical = both.filter(pl.col("a") == pl.col("b")).height
        n = both.height
        rows.append((label, kind, identical, n - identical, n, identical / n if n else None))
    return pl.DataFrame(
        rows,
        schema={
            "reference": pl.String,
            "kind": pl.String,
            "identical": pl.Int64,
            "opposite": pl.Int64,
            "n": pl.Int64,
            "coincidence": pl.Float64,
        },
        orient="row",
    )


def practices(
    votes: pl.DataFrame,
    roll_calls: pl.DataFrame,
    state: str,
    year: int,
    *,
    references: Sequence[str] = PRACTICES_REFERENCES,
    groups: Sequence[str] = PRACTICES_GROUPS,
    sc_votes: pl.DataFrame | None = None,
    sc_roll_calls: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """Every table of a "voting practices" report of ``state`` in ``year`` (General Assembly, plus the Security Council).

    Returns
    -------
    dict of polars.DataFrame
        ``overall``: coincidence with each reference on all recorded roll calls of the year;
        ``important``: the same on the important votes; ``by_issue``: per issue code and reference;
        ``important_votes``: each important roll call with the state's and the references' votes;
        ``groups``: for each group of ``groups``, each member's coincidence with ``state`` (overall and
        on important votes); ``sc_votes``: the Security Council roll calls of the year with the
        state's vote (when it sat on the Council); ``vetoes``: the vetoes cast that year.
        A table with no rows means the record has nothing of that kind for the year.
    """
    from polycentric.record.cite import with_citation
    from polycentric.registry.groups import get_group

    v = votes.filter(pl.col("year") == year)
    if v.filter(pl.col("state") == state).height == 0:
        raise InsufficientDataError(f"no General Assembly votes by {state} in {year}")
    rc = roll_calls.filter(pl.col("year") == year)
    important_ids = rc.filter(pl.col("important").fill_null(False))["rollcall_id"]
    refs = [r for r in references if r != state]
    overall = coincidence(v, state, refs)
    important = coincidence(v, state, refs, rollcalls=important_ids)
    issue_frames = []
    for code, name in ISSUES.items():
        ids = rc.filter(pl.col(f"issue_{code}").fill_null(False))["rollcall_id"]
        if ids.len():
            issue_frames.append(
                coincidence(v, state, refs, rollcalls=ids).with_columns(issue=pl.lit(code), issue_name=pl.lit(name))
            )
    by_issue = pl.concat(issue_frames) if issue_frames else pl.DataFrame()
    # the important votes, each with the state's and the references' votes
    imp = with_citation(rc.filter(pl.col("rollcall_id").is_in(important_ids.implode())), citation=False).select(
        "rollcall_id", "date", "resolution", "title", "status", "link"
    )
    imp = imp.join(
        v.filter(pl.col("state") == state).select("rollcall_id", pl.col("vote").alias(state)),
        on="rollcall_id",
        how="left",
    )
    for ref in refs:
        try:
            label, _, frame = reference_votes(v, ref)
        except (InsufficientDataError, LookupError):
            continue
        if label != state:
            imp = imp.join(frame.select("rollcall_id", pl.col("vote").alias(label)), on="rollcall_id", how="left")
    imp = imp.sort("date", "rollcall_id")
    # groups: each member's coincidence with the state
    mid = f"{year}-07-01"
    group_frames = []
    for gid in groups:
        g = get_group(gid)
        members = [s for s in g.states(mid) if s != state]
        if not members:
            continue
        all_votes = coincidence(v, state, members).rename({"reference": "member"})
        imp_votes = coincidence(v, state, members, rollcalls=important_ids).select(
            member=pl.col("reference"), n_important=pl.col("n"), coincidence_important=pl.col("coincidence")
        )
        group_frames.append(
            all_votes.join(imp_votes, on="member", how="left")
            .with_columns(group=pl.lit(g.id))
            .select(
                "group", "member", "identical", "opposite", "n", "coincidence", "n_important", "coincidence_important"
            )
        )
    group_table = pl.concat(group_frames) if group_frames else pl.DataFrame()
    # Security Council: the year's roll calls with the state's vote, and the vetoes
    sc_table = pl.DataFrame()
    veto_table = pl.DataFrame()
    if sc_roll_calls is not None:
        sc_rc = with_citation(sc_roll_calls.filter(pl.col("year") == year), citation=False)
        if sc_votes is not None and sc_rc.height:
            mine = sc_votes.filter(pl.col("state") == state).select("rollcall_id", pl.col("vote").alias("vote"))
            sc_table = (
                sc_rc.join(mine, on="rollcall_id", how="left")
                .select("rollcall_id", "date", "resolution", "title", "status", "link", "vote")
                .sort("date", "rollcall_id")
            )
        from polycentric.measures.vetoes import vetoes

        veto_table = vetoes(sc_roll_calls, sc_votes).filter(pl.col("year") == year)
    return {
        "overall": overall,
        "important": important,
        "by_issue": by_issue,
        "important_votes": imp,
        "groups": group_table,
        "sc_votes": sc_table,
        "vetoes": veto_table,
    }
