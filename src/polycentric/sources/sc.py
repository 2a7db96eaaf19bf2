"""Readers of Security Council votes in long layouts: the 2023-2025 votes and the failed-drafts sample.

``sc-long`` (``unga_unsc_votes_2023_2025_combined/sc_votes_long.csv.gz``)
    One row per Council member per vote: ``undl_id, body, session, resolution,
    date, title, ms_code, ms_vote`` (UN DL coding Y/N/A/X, ISO3 codes), with
    ``body`` ``SC`` on every row. The same header carries General Assembly rows
    in ``ga_votes_long.csv.gz``; :func:`sc_rows` tells them apart: a file of
    ``SC`` rows only comes here, a file of both bodies is read by the GA reader
    plus :func:`with_sc_rows` (its SC rows become SC roll calls). Each ``undl_id`` is one adopted
    resolution (``status="adopted"``) with its 15 members' votes.
``sc-failed-drafts`` (``unsc_failed_drafts_sample_1947_2022_emilytong/unsc_failed_draft_votes_long.csv``)
    Per-member votes on failed drafts: ``vote_seq, meeting_number, year,
    voting_on, ms_code, ms_vote``. ``voting_on`` is the draft symbol, sometimes
    followed by the part voted on (``S/1076 Paragraph 5``: a ``paragraph`` roll
    call), or a text without symbol (``174th Meeting Draft Resolution``: no
    symbol, the text is the title). The sample has years, not dates: the roll
    calls have ``date`` null (the veto list, when ingested, supplies the date
    of the drafts it names). The outcome is computed by :func:`sc_outcome`.
    A symbol given to several votes (whole drafts) stays on the one vote that
    was vetoed, when exactly one was; the others keep it in their title only.

Every Security Council roll call has ``body="SC"`` and ``session`` the year
(``"2023"``).

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from polycentric.errors import InputFormatError
from polycentric.schema import SC_OUTCOME, conform
from polycentric.sources._checks import check_required, map_votes, parse_dates, parse_ints, resolve_states
from polycentric.sources.common import (
    SOURCE_ROLL_CALLS,
    SOURCE_VOTES,
    SourceData,
    dedupe_votes,
    normalise_symbols,
    physical_line,
    read_frame,
    session_in_progress_expr,
    source_data,
)

__all__ = [
    "FAILED_DRAFT_COLUMNS",
    "PERMANENT_MEMBERS",
    "SC_LONG_COLUMNS",
    "read_failed_drafts",
    "read_sc_long",
    "required_yes",
    "sc_outcome",
    "sc_rows",
    "with_sc_rows",
]

SC_LONG_COLUMNS = ["undl_id", "body", "session", "resolution", "date", "title", "ms_code", "ms_vote"]
FAILED_DRAFT_COLUMNS = ["vote_seq", "meeting_number", "year", "voting_on", "ms_code", "ms_vote"]

PERMANENT_MEMBERS: frozenset[str] = frozenset({"CHN", "TWN", "FRA", "GBR", "RUS", "USA"})
"""Canonical ids of the permanent members (the China seat was the Republic of China's, TWN, until 1971-10-25)."""

_SC_VOTES: dict[str, str | None] = {"Y": "Y", "N": "N", "A": "A", "X": "X", "NV": "X"}
_SCHEMA = {**SOURCE_ROLL_CALLS, **SC_OUTCOME}


def required_yes(year: pl.Expr) -> pl.Expr:
    """Affirmative votes a decision needs: 7 of 11 members to 1965, 9 of 15 from 1966 (Charter art. 27, as amended)."""
    return pl.when(year < 1966).then(pl.lit(7)).otherwise(pl.lit(9))


def sc_outcome(votes: pl.DataFrame, years: pl.DataFrame) -> pl.DataFrame:
    """``status`` and ``vetoed_by`` of failed Security Council votes from their members' votes.

    A draft that had the affirmative votes it needed (:func:`required_yes`) and a
    ``N`` from a permanent member was vetoed by the permanent members voting
    ``N``; a draft short of those votes failed (``status="failed"``) whatever
    the permanent members did.

    Parameters
    ----------
    votes
        ``src_rc, state, vote`` (canonical ids), every member of the Council.
    years
        ``src_rc, year`` of each roll call.

    Returns
    -------
    polars.DataFrame
        ``src_rc, status, vetoed_by`` (``vetoed_by`` ``"|"``-separated, sorted; null unless vetoed).
    """
    per = votes.group_by("src_rc").agg(
        yes=(pl.col("vote") == "Y").sum(),
        p5_no=pl.col("state").filter((pl.col("vote") == "N") & pl.col("state").is_in(list(PERMANENT_MEMBERS))).sort(),
    )
    out = years.join(per, on="src_rc", how="left").with_columns(
        vetoed=(pl.col("yes").fill_null(0) >= required_yes(pl.col("year"))) & (pl.col("p5_no").list.len() > 0)
    )
    return out.select(
        "src_rc",
        status=pl.when(pl.col("vetoed")).then(pl.lit("vetoed")).otherwise(pl.lit("failed")),
        vetoed_by=pl.when(pl.col("vetoed")).then(pl.col("p5_no").list.join("|")).otherwise(None),
    )


def sc_rows(path: Path, header: list[str]) -> str:
    """Whether a file in the ``sc-long`` header holds Security Council rows: ``"none"``, ``"all"`` or ``"some"``.

    A ``body`` other than ``GA`` or ``SC`` is refused naming its line.
    """
    if not set(SC_LONG_COLUMNS) <= set(header):
        return "none"
    frame = read_frame(path, ["body"], header)
    body = frame["body"].cast(pl.String).str.strip_chars().str.to_uppercase()
    bad = (~body.is_in(["GA", "SC"])).arg_true()
    if bad.len():
        i = int(bad[0])
        raise InputFormatError(
            f"unknown body {frame['body'][i]!r} (expected GA or SC)",
            path=path,
            line=physical_line(path, int(frame["_rec"][i])),
            field="body",
        )
    n_sc = int((body == "SC").sum())
    return "none" if n_sc == 0 else ("all" if n_sc == body.len() else "some")


def with_sc_rows(ga: SourceData, path: Path, header: list[str]) -> SourceData:
    """A file of both bodies: its GA rows as read by the GA reader (``ga``) plus its SC rows as SC roll calls.

    The GA reader accounts for the SC rows as ``skipped``; here they are read, so
    that ledger line gives way to the SC rows' own accounting.
    """
    sc = read_sc_long(path, header, only_sc=True)
    skipped = (pl.col("status") == "skipped") & pl.col("reason").str.starts_with("not a General Assembly row")
    return SourceData(
        source=ga.source,
        kind=ga.kind,
        layout=ga.layout,
        files=ga.files,
        roll_calls=pl.concat([_finish(ga.roll_calls), sc.roll_calls]),
        votes=pl.concat([ga.votes.select(list(SOURCE_VOTES)), sc.votes]),
        ledger=pl.concat([ga.ledger.filter(~skipped), sc.ledger.with_columns(source=pl.lit(ga.source))]),
        input_rows=ga.input_rows,
        complete_members=ga.complete_members,
        rejected=ga.rejected,
    )


def _finish(rc: pl.DataFrame) -> pl.DataFrame:
    return conform(rc, _SCHEMA)


def _votes(path: Path, df: pl.DataFrame, dates: pl.Series | None) -> tuple[pl.DataFrame, int]:
    """Votes (canonical ids, Y/N/A/X, one per member) and the number of rows dropped as duplicates."""
    state = resolve_states(path, df, "ms_code", dates)
    vote = map_votes(path, df, "ms_vote", _SC_VOTES)
    return dedupe_votes(pl.DataFrame({"src_rc": df["src_rc"], "state": state, "vote": vote}))


def _sc_source(
    path: Path, source: str, kind: str, layout: str, rc: pl.DataFrame, votes: pl.DataFrame, n_dup: int, n_rows: int
) -> SourceData:
    """The :class:`SourceData` of a Security Council long file (every row a vote)."""
    return source_data(
        path,
        source=source,
        kind=kind,
        layout=layout,
        roll_calls=rc,
        roll_call_schema=_SCHEMA,
        votes=votes,
        duplicates=n_dup,
        input_rows={(path.name, "votes"): n_rows},
    )


def read_sc_long(path: Path, header: list[str], *, only_sc: bool = False) -> SourceData:
    """Read the Security Council rows of the 2023-2025 long file (source ``undl-sc``; see the module docstring).

    ``only_sc``: the file has rows of both bodies; read its SC rows (see :func:`with_sc_rows`).
    """
    df = read_frame(path, SC_LONG_COLUMNS, header).with_columns(pl.col(c).cast(pl.String) for c in SC_LONG_COLUMNS)
    if only_sc:
        df = df.filter(pl.col("body").str.strip_chars().str.to_uppercase() == "SC")
    check_required(path, df, ["undl_id", "date", "ms_code", "ms_vote"])
    dates = parse_dates(path, df, "date")
    df = df.with_columns(src_rc=parse_ints(path, df, "undl_id", allow_null=False), date=dates)
    votes, n_dup = _votes(path, df, dates)
    rc = (
        df.group_by("src_rc", maintain_order=True)
        .agg(
            pl.col("date").first(),
            pl.col("resolution").first(),
            pl.col("title").first(),
            (pl.col("_rec").first() + 2).alias("first_line"),
            pl.col("date").n_unique().alias("_dates"),
        )
        .with_columns(
            body=pl.lit("SC"),
            year=pl.col("date").dt.year().cast(pl.Int32),
            session=pl.col("date").dt.year().cast(pl.String),
            session_number=session_in_progress_expr(pl.col("date")),
            resolution=normalise_symbols(pl.col("resolution")),
            kind=pl.lit("resolution"),
            kind_known=pl.lit(True),
            votes_complete=pl.lit(True),
        )
    )
    two = rc.filter(pl.col("_dates") > 1)
    if two.height:
        raise InputFormatError(
            f"roll call {two['src_rc'][0]} has more than one date", path=path, line=two["first_line"][0], field="date"
        )
    rc = rc.with_columns(
        status=pl.when(pl.col("resolution").str.starts_with("S/RES/")).then(pl.lit("adopted")).otherwise(None)
    )
    return _sc_source(path, "undl-sc", "undl", "sc-long", rc, votes, n_dup, df.height)


_VOTING_ON = r"(?i)^(S/[0-9A-Z./\-]+?)(?:\s+((?:last\s+)?paragraphs?\b.*))?$"


def read_failed_drafts(path: Path, header: list[str]) -> SourceData:
    """Read the failed-drafts sample (source ``unsc-failed-drafts``; see the module docstring).

    Its votes are complete, so they come before the veto list's (precedence of
    a single-vote ``file``); the two link by draft symbol where the sample holds
    one vote on that draft.
    """
    df = read_frame(path, FAILED_DRAFT_COLUMNS, header).with_columns(
        pl.col(c).cast(pl.String) for c in FAILED_DRAFT_COLUMNS
    )
    check_required(path, df, FAILED_DRAFT_COLUMNS)
    years = parse_ints(path, df, "year", allow_null=False, dtype=pl.Int32())
    bad = years.is_between(1946, dt.date.today().year).not_().arg_true()
    if bad.len():
        i = int(bad[0])
        raise InputFormatError(f"not a year of the Council: {df['year'][i]!r}", path=path, line=i + 2, field="year")
    df = df.with_columns(src_rc=parse_ints(path, df, "vote_seq", allow_null=False), year=years)
    # the state as on the last day of the year (the sample has no dates): the China seat of 1971 is the PRC's
    state_day = pl.Series([dt.date(int(y), 12, 31) for y in years], dtype=pl.Date)
    votes, n_dup = _votes(path, df, state_day)
    text = pl.col("voting_on").str.replace_all(r"\s+", " ").str.strip_chars()
    rc = (
        df.group_by("src_rc", maintain_order=True)
        .agg(
            text.first().alias("voting_on"),
            pl.col("meeting_number").first().str.strip_chars(),
            pl.col("year").first(),
            (pl.col("_rec").first() + 2).alias("first_line"),
            pl.col("year").n_unique().alias("_years"),
        )
        .with_columns(
            symbol=pl.col("voting_on").str.extract(_VOTING_ON, 1),
            part=pl.col("voting_on").str.extract(_VOTING_ON, 2),
        )
    )
    two = rc.filter(pl.col("_years") > 1)
    if two.height:
        raise InputFormatError(
            f"vote {two['src_rc'][0]} has more than one year", path=path, line=two["first_line"][0], field="year"
        )
    outcome = sc_outcome(votes, rc.select("src_rc", "year"))
    rc = rc.join(outcome, on="src_rc", how="left")
    # a symbol the sample gives to several votes stays on the one that was vetoed, when exactly one was
    # (S/2017/962 at meeting 8105: the 3-7-5 vote is another vote of that meeting, mislabelled in the source)
    n_sym = pl.len().over("symbol")
    n_vetoed = (pl.col("status") == "vetoed").cast(pl.Int32).sum().over("symbol")
    rc = rc.with_columns(
        symbol=pl.when(
            pl.col("symbol").is_not_null()
            & pl.col("part").is_null()
            & (n_sym > 1)
            & (n_vetoed == 1)
            & (pl.col("status") != "vetoed")
        )
        .then(None)
        .otherwise(pl.col("symbol"))
    ).with_columns(
        body=pl.lit("SC"),
        session=pl.col("year").cast(pl.String),
        resolution=normalise_symbols(pl.col("symbol")),
        title=pl.format("{} (S/PV.{})", "voting_on", "meeting_number"),
        agenda=pl.lit(None, dtype=pl.String),
        kind=pl.when(pl.col("part").is_not_null()).then(pl.lit("paragraph")).otherwise(pl.lit("resolution")),
        kind_known=pl.lit(True),
        votes_complete=pl.lit(True),
    )
    return _sc_source(path, "unsc-failed-drafts", "file", "sc-failed-drafts", rc, votes, n_dup, df.height)
