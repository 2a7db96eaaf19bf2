"""Readers of Erik Voeten's General Assembly voting data.

Two forms are read:

``unvotes`` triple
    The R package ``unvotes`` (Robinson, Çetinkaya-Rundel & Goguen-Compagnoni)
    distributes Voeten's data (Harvard Dataverse hdl:1902.1/12379) as three
    tables: ``un_votes`` (rcid, country, country_code ISO2, vote yes/no/abstain),
    ``un_roll_calls`` (rcid, session, importantvote, date, unres, amend, para,
    short, descr) and ``un_roll_call_issues`` (rcid, short_name, issue). The
    package drops members that did not vote and non-members, so the source is
    marked incomplete and the store adds an X row for each UN member (per the
    registry's membership periods) without a row.
``voeten-raw``
    Voeten's own file (``UNVotesPublished``): one row per COW country per roll
    call with vote codes 1 yes, 2 abstain, 3 no, 8 absent (-> X), 9 not a member
    (no vote: the row is skipped and counted in the ledger), issue dummies and
    ``importantvote``. It has no amendment/paragraph flags.

Issue codes (``me nu di hr co ec``) are Voeten's (Bailey, Strezhnev & Voeten
2017, JCR 61(2)); ``issues_source`` is ``"voeten"``.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.errors import InputFormatError
from polycentric.schema import ISSUES, conform
from polycentric.sources._checks import check_required, map_votes, parse_dates, parse_ints, resolve_states
from polycentric.sources.common import (
    SOURCE_ROLL_CALLS,
    SourceData,
    dedupe_votes,
    normalise_symbols,
    read_frame,
    read_header,
    rejected_rows,
    session_in_progress_expr,
    source_data,
    split_duplicates,
)

__all__ = [
    "RAW_COLUMNS",
    "UNVOTES_FILES",
    "UNVOTES_ISSUES",
    "UNVOTES_ROLL_CALLS",
    "UNVOTES_VOTES",
    "find_unvotes_files",
    "read_unvotes",
    "read_voeten_raw",
]

UNVOTES_VOTES = ["rcid", "country", "country_code", "vote"]
UNVOTES_ROLL_CALLS = ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"]
UNVOTES_ISSUES = ["rcid", "short_name", "issue"]
UNVOTES_FILES = {"votes": "un_votes", "roll_calls": "un_roll_calls", "issues": "un_roll_call_issues"}
RAW_COLUMNS = [
    "rcid",
    "session",
    "vote",
    "ccode",
    "member",
    "importantvote",
    "date",
    "unres",
    "me",
    "nu",
    "di",
    "hr",
    "co",
    "ec",
    "year",
]

UNVOTES_VOTE_CODES: dict[str, str | None] = {"yes": "Y", "no": "N", "abstain": "A"}
RAW_VOTE_CODES: dict[str, str | None] = {"1": "Y", "2": "A", "3": "N", "8": "X", "9": None}


def _read_all(path: Path, header: list[str] | None = None) -> pl.DataFrame:
    hdr = header if header is not None else read_header(path)
    return read_frame(path, hdr, hdr)


def find_unvotes_files(folder: Path) -> dict[str, Path]:
    """The three files of an ``unvotes`` folder (``.csv`` or ``.csv.gz``); raises when one is missing."""
    found: dict[str, Path] = {}
    for key, stem in UNVOTES_FILES.items():
        for cand in (folder / f"{stem}.csv", folder / f"{stem}.csv.gz"):
            if cand.is_file():
                found[key] = cand
                break
    missing = [UNVOTES_FILES[k] for k in UNVOTES_FILES if k not in found]
    if missing:
        raise InputFormatError(
            f"an unvotes folder needs un_votes, un_roll_calls and un_roll_call_issues (.csv or .csv.gz); missing {', '.join(missing)}",
            path=folder,
        )
    return found


def _require_header(path: Path, expected: list[str]) -> list[str]:
    from polycentric.errors import UnknownLayoutError

    hdr = read_header(path)
    missing = [c for c in expected if c not in hdr]
    if missing:
        raise UnknownLayoutError(
            f"columns {missing} missing: expected {', '.join(expected)}; found {', '.join(hdr)}", path=path, line=1
        )
    return hdr


def read_unvotes(folder: Path) -> SourceData:
    """Read the ``unvotes`` triple in ``folder`` (see the module docstring)."""
    files = find_unvotes_files(folder)
    rc_path, v_path, i_path = files["roll_calls"], files["votes"], files["issues"]
    rc = _read_all(rc_path, _require_header(rc_path, UNVOTES_ROLL_CALLS))
    check_required(rc_path, rc, ["rcid", "session"])
    rc_ids = parse_ints(rc_path, rc, "rcid", allow_null=False)
    rc_dates = parse_dates(rc_path, rc, "date", allow_null=True)
    session = parse_ints(rc_path, rc, "session", dtype=pl.Int32())
    amend = parse_ints(rc_path, rc, "amend", dtype=pl.Int32())
    para = parse_ints(rc_path, rc, "para", dtype=pl.Int32())
    important = parse_ints(rc_path, rc, "importantvote", dtype=pl.Int32())
    dup = first_dup(rc_ids)
    if dup is not None:
        raise InputFormatError(f"rcid {rc_ids[dup]} appears twice", path=rc_path, line=dup + 2, field="rcid")

    iss = _read_all(i_path, _require_header(i_path, UNVOTES_ISSUES))
    iss_ids = parse_ints(i_path, iss, "rcid", allow_null=False)
    code = iss["short_name"].str.strip_chars().str.to_lowercase()
    bad = (~code.is_in(list(ISSUES))).arg_true()
    if bad.len():
        i = int(bad[0])
        raise InputFormatError(
            f"unknown issue code {iss['short_name'][i]!r} (expected one of {', '.join(ISSUES)})",
            path=i_path,
            line=i + 2,
            field="short_name",
        )
    issue_long = pl.DataFrame({"rcid": iss_ids, "code": code})
    unknown_rc = issue_long.join(pl.DataFrame({"rcid": rc_ids}), on="rcid", how="anti")
    if unknown_rc.height:
        i = int(iss_ids.to_frame().with_row_index().join(unknown_rc.head(1), on="rcid")["index"][0])
        raise InputFormatError(
            f"issue for rcid {unknown_rc['rcid'][0]} that is not in {rc_path.name}",
            path=i_path,
            line=i + 2,
            field="rcid",
        )

    roll_calls = pl.DataFrame(
        {
            "src_rc": rc_ids,
            "rcid": rc_ids,
            "date": rc_dates,
            "session_number": session,
            "important": important.cast(pl.Boolean),
            "title": rc["descr"],
            "agenda": rc["short"],
            "first_line": rc["_rec"] + 2,
            "amend": amend,
            "para": para,
        }
    ).with_columns(resolution=rc.select(normalise_symbols(pl.col("unres"))).to_series())
    for key in ISSUES:
        flagged = issue_long.filter(pl.col("code") == key)["rcid"].implode()
        roll_calls = roll_calls.with_columns(pl.col("src_rc").is_in(flagged).alias(f"issue_{key}"))
    roll_calls = _finish_roll_calls(roll_calls, kind_known=True).with_columns(issues_source=pl.lit("voeten"))

    v = _read_all(v_path, _require_header(v_path, UNVOTES_VOTES))
    check_required(v_path, v, ["rcid", "vote"])
    v_ids = parse_ints(v_path, v, "rcid", allow_null=False)
    v = v.with_columns(rcid_int=v_ids)
    orphan = v.join(roll_calls.select(pl.col("src_rc").alias("rcid_int")), on="rcid_int", how="anti")
    if orphan.height:
        raise InputFormatError(
            f"vote for rcid {orphan['rcid'][0]} that is not in {rc_path.name}",
            path=v_path,
            line=int(orphan["_rec"][0]) + 2,
            field="rcid",
        )
    dates = v.join(roll_calls.select(pl.col("src_rc").alias("rcid_int"), "date"), on="rcid_int", how="left").sort(
        "_rec"
    )["date"]
    vote = map_votes(v_path, v, "vote", UNVOTES_VOTE_CODES)
    v = v.with_columns(code=pl.coalesce(pl.col("country_code"), pl.col("country")))
    state = resolve_states(v_path, v, "code", dates)
    votes = pl.DataFrame({"src_rc": v_ids, "state": state, "vote": vote, "code": v["code"], "_rec": v["_rec"]})
    n_votes = votes.height
    votes, dropped = split_duplicates(votes)
    n_dup = dropped.height
    return source_data(
        v_path,
        source="voeten",
        kind="voeten",
        layout="unvotes",
        files=[v_path, rc_path, i_path],
        roll_calls=roll_calls,
        votes=votes,
        duplicates=n_dup,
        rejected=rejected_rows(v_path, dropped, lines_are_records=False),
        input_rows={
            (v_path.name, "votes"): n_votes,
            (rc_path.name, "roll_calls"): rc.height,
            (i_path.name, "issues"): iss.height,
        },
        complete_members=False,
    )


def first_dup(s: pl.Series) -> int | None:
    idx = (s.is_duplicated() & ~s.is_first_distinct()).arg_true()
    return int(idx[0]) if idx.len() else None


def _finish_roll_calls(rc: pl.DataFrame, *, kind_known: bool) -> pl.DataFrame:
    sym_session = pl.col("resolution").str.extract(r"^A/RES/(ES-\d+|S-\d+)/", 1)
    kind = (
        pl.when(pl.col("amend") == 1)
        .then(pl.lit("amendment"))
        .when(pl.col("para") == 1)
        .then(pl.lit("paragraph"))
        .when(_procedural(pl.col("title")))
        .then(pl.lit("procedural"))
        .otherwise(pl.lit("resolution"))
        if "amend" in rc.columns
        else pl.lit("resolution")
    )
    special = sym_session.is_not_null() & pl.col("date").is_not_null()
    rc = rc.with_columns(
        body=pl.lit("GA"),
        session=pl.coalesce(sym_session, pl.col("session_number").cast(pl.String)),
        # Voeten numbers special and emergency special sessions by the regular session that
        # follows them; the record uses the regular session in progress on the date
        session_number=pl.when(special)
        .then(session_in_progress_expr(pl.col("date")))
        .otherwise(pl.col("session_number")),
        year=pl.coalesce(
            pl.col("date").dt.year().cast(pl.Int32),
            pl.col("year") if "year" in rc.columns else pl.lit(None, dtype=pl.Int32),
        ),
        kind=kind,
        kind_known=pl.lit(kind_known),
        important=pl.col("important") if "important" in rc.columns else pl.lit(None, dtype=pl.Boolean),
        subjects=pl.lit(None, dtype=pl.String),
        **{c: pl.lit(None, dtype=pl.Int32) for c in ("total_yes", "total_no", "total_abstain", "total_non_voting")},
    )
    for c in ("title", "agenda"):
        if c not in rc.columns:
            rc = rc.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    if "issues_source" not in rc.columns:
        rc = rc.with_columns(issues_source=pl.lit("voeten"))
    # Voeten's unres for sessions 1-30 (UN symbols "217 A (III)") are his own numbers: not official
    rc = rc.with_columns(
        symbol_official=pl.when(pl.col("resolution").is_null())
        .then(None)
        .otherwise(pl.col("session_number").is_null() | (pl.col("session_number") > LAST_OLD_STYLE_SESSION))
    )
    return conform(rc, SOURCE_ROLL_CALLS)


LAST_OLD_STYLE_SESSION = 30
"""The last session whose UN symbols were ``number (Roman session)``; Voeten's ``unres`` for these are his own."""

_PROCEDURAL = (
    r"(?i)\bNO[- ]ACTION\b|\b(?:MOTION|PROPOSAL)\b[^;]{0,120}?\bADJOURN"
    r"|\bADJOURN(?:ING|MENT|ED)?\b(?:\s+\w+){0,2}\s+(?:DEBATE|MEETING|CONSIDERATION|DISCUSSION)"
)
_DRAFT = r"(?i)^\s*TO ADOPT\b[^;]{0,40}?\bDRAFT\s+RESOL"  # a draft resolution that adjourns is not a motion


def _procedural(title: pl.Expr) -> pl.Expr:
    """A motion of no action or of adjournment, told by Voeten's description (``descr``); not a draft resolution."""
    text = title.fill_null("")
    return text.str.contains(_PROCEDURAL) & ~text.str.contains(_DRAFT)


def read_voeten_raw(path: Path, header: list[str]) -> SourceData:
    """Read Voeten's raw file (COW ``ccode``, vote codes 1/2/3/8/9) into a :class:`SourceData`."""
    df = _read_all(path, header)
    check_required(path, df, ["rcid", "vote", "ccode"])
    ids = parse_ints(path, df, "rcid", allow_null=False)
    dates = parse_dates(path, df, "date", allow_null=True)
    df = df.with_columns(src_rc=ids, date_parsed=dates)
    vote = map_votes(path, df, "vote", RAW_VOTE_CODES)
    df = df.with_columns(vote_code=vote)
    nonmember = df["vote_code"].is_null()
    n_rows = df.height
    n_skip = int(nonmember.sum())
    members = df.filter(~nonmember)
    ccode = parse_ints(path, members, "ccode", allow_null=False).cast(pl.String)
    members = members.with_columns(ccode_int=ccode)
    state = resolve_states(path, members, "ccode_int", members["date_parsed"], scheme="cow")
    votes = pl.DataFrame({"src_rc": members["src_rc"], "state": state, "vote": members["vote_code"]})
    votes, n_dup = dedupe_votes(votes)

    meta = df.unique("src_rc", keep="first", maintain_order=True)
    columns: dict[str, pl.Series] = {
        "src_rc": meta["src_rc"],
        "rcid": meta["src_rc"],
        "date": meta["date_parsed"],
        "session_number": parse_ints(path, meta, "session", dtype=pl.Int32()),
        "first_line": meta["_rec"] + 2,
    }
    if "year" in meta.columns:
        columns["year"] = parse_ints(path, meta, "year", dtype=pl.Int32())
    if "importantvote" in meta.columns:
        columns["important"] = parse_ints(path, meta, "importantvote", dtype=pl.Int32()).cast(pl.Boolean)
    rc = pl.DataFrame(columns).with_columns(resolution=meta.select(normalise_symbols(pl.col("unres"))).to_series())
    for key in ISSUES:
        if key in meta.columns:
            rc = rc.with_columns(parse_ints(path, meta, key, dtype=pl.Int32()).cast(pl.Boolean).alias(f"issue_{key}"))
        else:
            rc = rc.with_columns(pl.lit(None, dtype=pl.Boolean).alias(f"issue_{key}"))
    rc = _finish_roll_calls(rc, kind_known=False)
    skipped = ("voeten-raw", path.name, "votes", "skipped", "not a member on that date (vote code 9): no vote", n_skip)
    return source_data(
        path,
        source="voeten-raw",
        kind="voeten-raw",
        layout="voeten-raw",
        roll_calls=rc,
        votes=votes,
        ledger=[skipped],
        duplicates=n_dup,
        input_rows={(path.name, "votes"): n_rows},
    )
