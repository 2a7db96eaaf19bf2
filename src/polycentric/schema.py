"""The canonical schema of the record: the contract every layer reads.

Glossary (used the same way everywhere in polycentric; see ``docs/glossary.md``):

state
    A sovereign state with one identity across history. Its id is an ISO 3166-1
    alpha-3 code of the state as it continues today (``RUS`` for the USSR and the
    Russian Federation, ``DEU`` for the Federal Republic and united Germany), or a
    withdrawn ISO 3166-3 code for a state that ended without a continuator
    (``DDR``, ``YMD``, ``CSK``, ``YUG``, ``EAZ`` Zanzibar).
group
    A set of states with dated memberships (NAM, EU, a UN regional group, or a
    user-defined coalition).
roll call
    One recorded vote of a body on one question: a whole resolution, an
    amendment or a separate paragraph.
resolution
    The adopted text a roll call decided, named by its normalised symbol
    (``A/RES/68/262``; ``R/68/262`` is the same symbol).
session
    A General Assembly session: regular (``"77"``), special (``"S-10"``) or
    emergency special (``"ES-11"``).

Tables (Polars dtypes)
----------------------
``ROLL_CALLS``: one row per roll call. A Security Council roll call has body
``SC`` and session the year (``"2023"``); its ``resolution`` is the resolution
symbol (``S/RES/2720(2023)``) or, for a draft not adopted, the draft symbol
(``S/2022/720``); ``SC_OUTCOME`` columns say whether it was vetoed and by whom.
``VOTES``: one row per state present in the UN on the date of a roll call
(non-members have no row): the vote ``Y`` yes, ``N`` no, ``A`` abstain,
``X`` member not voting (absent).
``VOTES_VIEW``: what :meth:`Record.votes` returns: ``VOTES`` joined with the
roll call's resolution, date, year and session and the state's name at the time.

Dependency rule: imports only polars.
"""

from __future__ import annotations

import polars as pl

VOTE_CODES: tuple[str, ...] = ("Y", "N", "A", "X")
"""Vote codes: Y yes, N no, A abstain, X member present in the UN but not voting."""

BODIES: tuple[str, ...] = ("GA", "SC")
KINDS: tuple[str, ...] = ("resolution", "amendment", "paragraph", "procedural")
"""``procedural``: a motion (no action, adjournment) where the source lets one tell (Voeten's descriptions)."""

ISSUES: dict[str, str] = {
    "me": "Middle East (Palestinian conflict)",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}
"""Voeten's six issue codes (Bailey, Strezhnev & Voeten 2017) and their names."""

ISSUE_COLUMNS: tuple[str, ...] = tuple(f"issue_{k}" for k in ISSUES)

ROLL_CALLS: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),  # stable id assigned by the store
    "body": pl.String(),  # "GA" or "SC"
    "session": pl.String(),  # "77", "S-10", "ES-11"
    "session_number": pl.Int32(),  # regular session in progress on that date (ES-11 in 2022 -> 76)
    "date": pl.Date(),
    "year": pl.Int32(),
    "resolution": pl.String(),  # normalised symbol "A/RES/68/262"; null when none
    "symbol_official": pl.Boolean(),  # False: a source's own id (Voeten's early unres); null: not known (user file)
    "other_symbols": pl.String(),  # "|"-separated ids other sources give the same roll call
    "undl_id": pl.Int64(),  # UN Digital Library record id (digitallibrary.un.org/record/<id>)
    "title": pl.String(),
    "agenda": pl.String(),
    "subjects": pl.String(),  # "|"-separated
    "kind": pl.String(),  # resolution / amendment / paragraph / procedural
    "important": pl.Boolean(),  # null where not coded
    "issue_me": pl.Boolean(),
    "issue_nu": pl.Boolean(),
    "issue_di": pl.Boolean(),
    "issue_hr": pl.Boolean(),
    "issue_co": pl.Boolean(),
    "issue_ec": pl.Boolean(),
    "issues_source": pl.String(),  # "voeten" or "classifier"
    "total_yes": pl.Int32(),  # recorded totals where the source gives them
    "total_no": pl.Int32(),
    "total_abstain": pl.Int32(),
    "total_non_voting": pl.Int32(),
    "sources": pl.String(),  # "undl", "voeten", "undl;voeten", "file:<name>"
}

SC_OUTCOME: dict[str, pl.DataType] = {
    "status": pl.String(),  # SC: "adopted", "vetoed" or "failed"; null where the source does not say (GA)
    "vetoed_by": pl.String(),  # SC vetoed drafts: the vetoing permanent members, "|"-separated ("CHN|RUS")
    "votes_complete": pl.Boolean(),  # False: only some members' votes are known (tallies then unknown)
}
"""The outcome of a Security Council vote (columns at the end of ``ROLL_CALLS``; see ``docs/record.md``)."""
ROLL_CALLS.update(SC_OUTCOME)

VOTES: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "state": pl.String(),  # canonical state id (ISO3-like, see glossary)
    "vote": pl.String(),  # Y / N / A / X
}

VOTES_VIEW: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "state": pl.String(),
    "state_name": pl.String(),  # name at the time of the vote
    "vote": pl.String(),
    "resolution": pl.String(),
    "date": pl.Date(),
    "year": pl.Int32(),
    "session": pl.String(),
    "session_number": pl.Int32(),
}

STATES: dict[str, pl.DataType] = {
    "state": pl.String(),  # canonical id
    "name": pl.String(),  # current (or last) English short name
    "iso2": pl.String(),
    "iso3": pl.String(),
    "m49": pl.Int32(),
    "cow": pl.Int32(),
    "un_joined": pl.Date(),  # first UN membership date of this identity (null: never a member)
    "un_left": pl.Date(),  # null while a member
    "un_status": pl.String(),  # today: "member", "former member" or "observer" (non-member observer State)
}


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty DataFrame with the given schema."""
    return pl.DataFrame(schema=schema)


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select and cast ``df`` to ``schema``'s columns, in order; missing columns become null."""
    cols = []
    for name, dtype in schema.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)
