"""What the record covers, measured against the official totals: coverage, partial periods, ``check --official``.

Three questions, answered from a :class:`~polycentric.record.store.Record` and
(optionally) the official per-state, per-session totals of the UN Digital Library
(:func:`polycentric.sources.official.read_official_totals`):

- :func:`coverage`: per body and session, the first and last date, the roll
  calls held, the official count where known, and whether the session is
  complete (``yes``/``no``/``unknown``) or still in progress;
- :func:`period_status`: per year or session, the roll calls held and a
  ``partial`` flag that measures carry (see ``docs/measures.md``);
- :func:`check_official`: per session and per state, the record's Y/N/A/X
  totals against the official ones.

Counting rules
--------------
The official file counts adopted resolutions voted on by recorded vote, so the
record is counted the same way: General Assembly roll calls of kind
``resolution`` (amendment, paragraph and procedural votes left out). Voeten's
data also hold votes on drafts that were not adopted, so for early sessions the
record may hold *more* whole-resolution roll calls than the official file; for
sessions 73-76 it holds fewer (Voeten's gaps). The official number of roll calls
of a session is the largest ``total`` of any state in it (a state counts only
the resolutions it had a row for).

Partial periods
---------------
A session or year is ``partial`` when

1. it is *in progress*: it ends after the record's coverage date, which is the
   last GA vote in the record, extended to the official file's date when the
   record holds exactly the official number of roll calls of its latest
   regular session (the official file then vouches that nothing was missed up
   to its date); a regular session ends when the next opens (10 September); or
2. it holds *clearly fewer* roll calls than the official count: fewer than
   :data:`CLEARLY_FEWER` (90 %) of it. A year is checked against the regular
   sessions that overlap it (session ``y - 1946`` and ``y - 1945``).

Emergency special sessions are never in progress (they are resumed at need)
and are not attributed to a year.

Dependency rule: as :mod:`polycentric.record`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from polycentric.sources.official import find_official_totals, official_as_of, read_official_totals

if TYPE_CHECKING:
    from polycentric.record.store import Record

__all__ = [
    "CLEARLY_FEWER",
    "COVERAGE",
    "OfficialTotals",
    "check_official",
    "coverage",
    "coverage_end",
    "coverage_line",
    "load_official",
    "period_status",
    "years_after_record",
]

CLEARLY_FEWER = 0.9
"""A period holding fewer than this share of the official roll calls is partial."""

COVERAGE: dict[str, pl.DataType] = {
    "body": pl.String(),
    "session": pl.String(),
    "first_date": pl.Date(),
    "last_date": pl.Date(),
    "rollcalls": pl.Int64(),  # whole-resolution roll calls (GA) or all roll calls (SC)
    "other_rollcalls": pl.Int64(),  # amendment, paragraph and procedural votes (GA)
    "official_rollcalls": pl.Int64(),  # null: not known
    "complete": pl.String(),  # yes / no / unknown
    "in_progress": pl.Boolean(),
    "partial": pl.Boolean(),
    "note": pl.String(),
}
"""One row per body and session (:func:`coverage`)."""


class OfficialTotals:
    """Official per-state, per-session totals (:data:`polycentric.sources.official.OFFICIAL_TOTALS`) and their date."""

    def __init__(self, totals: pl.DataFrame, as_of: dt.date | None, path: str = "") -> None:
        self.totals = totals
        self.as_of = as_of
        self.path = path

    def rollcalls(self) -> pl.DataFrame:
        """``session, official_rollcalls``: the largest ``total`` of any state in each session."""
        return self.totals.group_by("session").agg(pl.col("total").max().cast(pl.Int64).alias("official_rollcalls"))


def _session_days(rec: Record) -> dict[str, dt.date]:
    rc = rec.roll_calls(body="GA").filter(pl.col("date").is_not_null())
    if rc.height == 0:
        return {}
    med = rc.group_by("session").agg(pl.col("date").sort().get(pl.len() // 2).alias("d"))
    return {str(s): d for s, d in med.iter_rows() if s is not None}


def load_official(
    rec: Record | None = None, official: OfficialTotals | str | Path | bool | None = None
) -> OfficialTotals | None:
    """The official totals: given, read from a path, or (``None``) found in the local data folder.

    ``False`` means none. Codes are resolved as of the record's own dates of each session.
    """
    if official is False:
        return None
    if isinstance(official, OfficialTotals):
        return official
    path = Path(official) if isinstance(official, str | Path) else find_official_totals()
    if path is None:
        return None
    days = _session_days(rec) if rec is not None else None
    return OfficialTotals(read_official_totals(path, days), official_as_of(path), str(path))


def _counted(rec: Record, body: str = "GA") -> pl.DataFrame:
    rc = rec.roll_calls(body=body)
    whole = (pl.col("kind") == "resolution") | (pl.lit(body) != "GA")
    if body == "SC":  # a Security Council "session" is the year (sources without one: the vote's year)
        rc = rc.with_columns(session=pl.coalesce("session", pl.col("year").cast(pl.String)))
    return rc.with_columns(_whole=whole)


def _session_end(label: str | None) -> dt.date | None:
    """The day after a regular session ends (the next opens about 10 September); None for others."""
    if label is None or not label.isdigit():
        return None
    return dt.date(1946 + int(label), 9, 10)


def coverage_end(rec: Record, official: OfficialTotals | None) -> dt.date | None:
    """The date through which the record's GA votes are known complete (see the module docstring)."""
    rc = _counted(rec)
    if rc.height == 0:
        return None
    last = rc["date"].max()
    assert last is None or isinstance(last, dt.date)
    if official is None or official.as_of is None or last is None:
        return last
    regular = rc.filter(pl.col("session").str.contains(r"^\d+$"))
    if regular.height == 0:
        return last
    latest = str(regular.sort("date")["session"][-1])
    held = int(regular.filter((pl.col("session") == latest) & pl.col("_whole")).height)
    off = official.rollcalls().filter(pl.col("session") == latest)["official_rollcalls"]
    if off.len() and int(off[0]) == held:
        return max(last, official.as_of)
    return last


def coverage(rec: Record, official: OfficialTotals | str | Path | bool | None = None) -> pl.DataFrame:
    """Per body and session: dates, roll calls, the official count, complete yes/no/unknown, partial.

    Parameters
    ----------
    rec
        The record.
    official
        Official totals (see :func:`load_official`; default: found in the local data folder).

    Returns
    -------
    polars.DataFrame
        :data:`COVERAGE`, GA sessions by first date, then SC.
    """
    off = load_official(rec, official)
    end = coverage_end(rec, off)
    frames = []
    for body in ("GA", "SC"):
        rc = _counted(rec, body)
        if rc.height == 0:
            continue
        agg = rc.group_by("session").agg(
            pl.col("date").min().alias("first_date"),
            pl.col("date").max().alias("last_date"),
            pl.col("_whole").sum().cast(pl.Int64).alias("rollcalls"),
            (~pl.col("_whole")).sum().cast(pl.Int64).alias("other_rollcalls"),
        )
        if body == "GA" and off is not None:
            agg = agg.join(off.rollcalls(), on="session", how="left")
        else:
            agg = agg.with_columns(official_rollcalls=pl.lit(None, dtype=pl.Int64))
        frames.append(agg.with_columns(body=pl.lit(body)))
    if not frames:
        return pl.DataFrame(schema=COVERAGE)
    out = pl.concat(frames, how="diagonal_relaxed")
    ends = {s: _session_end(s) for s in out["session"].unique().to_list()}
    out = out.with_columns(
        _end=pl.col("session").replace_strict(ends, default=None, return_dtype=pl.Date),
    ).with_columns(
        in_progress=(pl.col("body") == "GA")
        & pl.col("_end").is_not_null()
        & (pl.lit(end, dtype=pl.Date).is_null() | (pl.col("_end") > pl.lit(end, dtype=pl.Date))),
        complete=pl.when(pl.col("official_rollcalls").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("rollcalls") == pl.col("official_rollcalls"))
        .then(pl.lit("yes"))
        .when(pl.col("rollcalls") < pl.col("official_rollcalls"))
        .then(pl.lit("no"))
        .otherwise(pl.lit("unknown")),
    )
    short = pl.col("rollcalls") < pl.col("official_rollcalls") * CLEARLY_FEWER
    out = out.with_columns(
        partial=pl.col("in_progress") | short.fill_null(False),
        note=pl.when(pl.col("in_progress") & (pl.col("complete") == "yes"))
        .then(pl.lit("in progress; equal to the official count so far"))
        .when(pl.col("in_progress"))
        .then(pl.lit("in progress"))
        .when(pl.col("rollcalls") == 0)
        .then(pl.lit("not in the record"))
        .when(short.fill_null(False))
        .then(pl.format("clearly fewer roll calls than the official {}", "official_rollcalls"))
        .when(pl.col("complete") == "no")
        .then(
            pl.format("{} fewer roll calls than the official count", pl.col("official_rollcalls") - pl.col("rollcalls"))
        )
        .when((pl.col("complete") == "unknown") & pl.col("official_rollcalls").is_not_null())
        .then(pl.lit("more whole-resolution votes than the official file (Voeten also counts drafts not adopted)")),
    )
    return (
        out.sort(
            pl.col("body") != "GA",
            # a Security Council session is a year: in year order even when its roll calls have no date
            pl.when(pl.col("body") == "SC").then(pl.col("session").cast(pl.Int64, strict=False)),
            "first_date",
            "session",
            nulls_last=True,
        )
        .select(list(COVERAGE))
        .cast(COVERAGE)  # type: ignore[arg-type]
    )


def period_status(
    rec: Record, by: str = "year", official: OfficialTotals | str | Path | bool | None = None
) -> pl.DataFrame:
    """Per year or session: ``n_rollcalls`` (whole-resolution GA roll calls held), ``partial`` and why.

    Returns
    -------
    polars.DataFrame
        ``[by], n_rollcalls, partial, partial_reason``.
    """
    if by not in ("year", "session"):
        from polycentric.errors import ConfigurationError

        raise ConfigurationError(f"by={by!r}: expected 'year' or 'session'")
    cov = coverage(rec, official)
    ga = cov.filter(pl.col("body") == "GA")
    if by == "session":
        return ga.select(
            "session",
            pl.col("rollcalls").alias("n_rollcalls"),
            "partial",
            pl.when(pl.col("partial")).then(pl.col("note")).alias("partial_reason"),
        )
    off = load_official(rec, official)
    end = coverage_end(rec, off)
    rc = _counted(rec).filter(pl.col("_whole") & pl.col("year").is_not_null())
    years = rc.group_by("year").agg(pl.len().cast(pl.Int64).alias("n_rollcalls")).sort("year")
    short: set[str] = set()
    if off is not None:  # sessions the record holds clearly fewer roll calls of (or none at all)
        held = ga.select("session", "rollcalls")
        counts = off.rollcalls().join(held, on="session", how="left").with_columns(pl.col("rollcalls").fill_null(0))
        short = set(counts.filter(pl.col("rollcalls") < pl.col("official_rollcalls") * CLEARLY_FEWER)["session"])
    rows: list[dict[str, Any]] = []
    for year, n in years.iter_rows():
        reasons = []
        if end is None or dt.date(int(year), 12, 31) > end:
            reasons.append(f"in progress (record complete through {end})")
        gaps = [s for s in (str(year - 1946), str(year - 1945)) if s in short]
        if gaps:
            reasons.append("clearly fewer roll calls than the official count in session " + ", ".join(gaps))
        rows.append(
            {"year": year, "n_rollcalls": n, "partial": bool(reasons), "partial_reason": "; ".join(reasons) or None}
        )
    return pl.DataFrame(
        rows, schema={"year": pl.Int32, "n_rollcalls": pl.Int64, "partial": pl.Boolean, "partial_reason": pl.String}
    )


def coverage_line(rec: Record) -> str:
    """One line for footers and reports: ``General Assembly votes through DATE; Security Council through DATE``.

    A body's date is its last roll call with every member's vote; later roll calls known from a veto
    list alone (only the vetoing members' votes) are named apart: ``... (vetoes only to DATE)``.
    """
    parts = []
    for body, name in (("GA", "General Assembly votes"), ("SC", "Security Council")):
        rc = rec.roll_calls(body=body)
        last = rc["date"].max()
        if last is None:
            parts.append(f"{name}: none in the record")
            continue
        known = (
            rc.filter(pl.col("votes_complete").fill_null(True))["date"].max()
            if "votes_complete" in rc.columns
            else last
        )
        if known is None:
            parts.append(f"{name}: vetoes only, to {last!s}")
        elif known != last:
            # roll calls after ``known`` hold only some members' votes (a veto list): say so, not "through"
            parts.append(f"{name} through {known!s} (vetoes only to {last!s})")
        else:
            parts.append(f"{name} through {last!s}")
    return "; ".join(parts)


def years_after_record(rec: Record, first: int, last: int, body: str = "GA") -> list[int]:
    """The years of ``first``-``last`` that begin after the record's last roll call of ``body``.

    The record knows nothing of them: a measure has no row for them and a count is not zero but
    unknown, so the shells name them (with :func:`coverage_line`) instead of showing nothing or 0.
    """
    end = rec.roll_calls(body=body)["date"].max()
    years = range(first, last + 1)
    if end is None:
        return list(years)
    assert isinstance(end, dt.date)
    return [y for y in years if dt.date(y, 1, 1) > end]


def check_official(
    rec: Record, official: OfficialTotals | str | Path | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Compare the record with official per-state, per-session totals.

    Returns
    -------
    (sessions, differences)
        ``sessions``: per session present in either, ``rollcalls_record``,
        ``rollcalls_official``, ``votes_record``, ``votes_official`` (Y+N+A+X rows),
        ``states_differing`` and ``status`` (``match``, ``fewer roll calls``,
        ``more roll calls``, ``differs``, ``not in record``, ``not official``).
        ``differences``: ``session, state, category, record, official`` for every
        state and category (Y, N, A, X) that differs.
    """
    off = load_official(rec, official)
    if off is None:
        from polycentric.errors import ConfigurationError

        raise ConfigurationError(
            "no official totals file: pass one (ga_country_session_totals_*.csv.gz) or put it in the data folder"
        )
    rc = _counted(rec).filter(pl.col("_whole"))
    votes = rec.votes(body="GA").join(rc.select("rollcall_id"), on="rollcall_id", how="semi")
    mine = votes.group_by("session", "state").agg(
        *[(pl.col("vote") == v).sum().cast(pl.Int64).alias(v) for v in ("Y", "N", "A", "X")]
    )
    theirs = off.totals.select(
        "session",
        "state",
        pl.col("yes").alias("Y"),
        pl.col("no").alias("N"),
        pl.col("abstain").alias("A"),
        pl.col("non_voting").alias("X"),
    )
    long_mine = mine.unpivot(index=["session", "state"], variable_name="category", value_name="record")
    long_theirs = theirs.unpivot(index=["session", "state"], variable_name="category", value_name="official")
    both = long_mine.join(long_theirs, on=["session", "state", "category"], how="full", coalesce=True).with_columns(
        pl.col("record").fill_null(0), pl.col("official").fill_null(0)
    )
    diffs = both.filter(pl.col("record") != pl.col("official")).sort("session", "state", "category")
    n_rc = rc.group_by("session").agg(pl.len().cast(pl.Int64).alias("rollcalls_record"))
    per = both.group_by("session").agg(
        pl.col("record").sum().alias("votes_record"), pl.col("official").sum().alias("votes_official")
    )
    differing = diffs.group_by("session").agg(pl.col("state").n_unique().cast(pl.Int64).alias("states_differing"))
    sessions = (
        per.join(n_rc, on="session", how="full", coalesce=True)
        .join(
            off.rollcalls().rename({"official_rollcalls": "rollcalls_official"}),
            on="session",
            how="full",
            coalesce=True,
        )
        .join(differing, on="session", how="left")
        .with_columns(
            pl.col("rollcalls_record").fill_null(0),
            pl.col("votes_record").fill_null(0),
            pl.col("votes_official").fill_null(0),
            pl.col("states_differing").fill_null(0),
        )
    )
    sessions = sessions.with_columns(
        status=pl.when(pl.col("rollcalls_official").is_null())
        .then(pl.lit("not official"))
        .when(pl.col("rollcalls_record") == 0)
        .then(pl.lit("not in record"))
        .when((pl.col("states_differing") == 0) & (pl.col("rollcalls_record") == pl.col("rollcalls_official")))
        .then(pl.lit("match"))
        .when(pl.col("rollcalls_record") < pl.col("rollcalls_official"))
        .then(pl.lit("fewer roll calls"))
        .when(pl.col("rollcalls_record") > pl.col("rollcalls_official"))
        .then(pl.lit("more roll calls"))
        .otherwise(pl.lit("differs"))
    )
    order = pl.col("session").str.extract(r"(\d+)$", 1).cast(pl.Int64)
    kind = (
        pl.when(pl.col("session").str.starts_with("ES-"))
        .then(2)
        .when(pl.col("session").str.starts_with("S-"))
        .then(1)
        .otherwise(0)
    )
    sessions = sessions.sort(kind, order).select(
        "session",
        "rollcalls_record",
        "rollcalls_official",
        "votes_record",
        "votes_official",
        "states_differing",
        "status",
    )
    category = pl.col("category").replace_strict({"Y": 0, "N": 1, "A": 2, "X": 3}, return_dtype=pl.Int32)
    diffs = diffs.sort(kind, order, "state", category)  # sessions in the order of the table above
    return sessions, diffs.select("session", "state", "category", "record", "official")
