"""Reader of official per-state, per-session General Assembly vote totals (a completeness reference).

The layout is that of ``undl_extracts_worldcountrygroups/ga_country_session_totals_2026_02_06.csv.gz``
(the UN Digital Library GA file of 2026-02-06, summed per state and session)::

    ms_code,session,yes,no,abstain,non_voting,total

``session`` is ``1`` ... ``80`` for regular sessions, ``1emsp`` ... ``11emsp``
for emergency special sessions and ``1sp`` ... for special sessions; here they
become the record's labels ``"80"``, ``"ES-11"`` and ``"S-1"``. ``ms_code`` is
a UN DL code (historical ones included: ``SUN``, ``GER``, ``YUG``, ``SCG``...),
resolved to the record's canonical state as of a date in that session. A
state counts only over the resolutions it had a row for (members at the time),
so the number of recorded votes of a session is the largest ``total`` of any
state in it.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from polycentric.errors import InputFormatError
from polycentric.sources._checks import check_required, parse_ints, resolve_states
from polycentric.sources.common import read_frame, read_header

__all__ = [
    "OFFICIAL_COLUMNS",
    "OFFICIAL_TOTALS",
    "find_official_totals",
    "official_as_of",
    "official_session_label",
    "read_official_totals",
]

OFFICIAL_COLUMNS = ["ms_code", "session", "yes", "no", "abstain", "non_voting", "total"]

OFFICIAL_TOTALS: dict[str, pl.DataType] = {
    "session": pl.String(),  # the record's label: "80", "ES-11", "S-10"
    "state": pl.String(),  # canonical state id
    "code": pl.String(),  # the code as the file writes it
    "yes": pl.Int64(),
    "no": pl.Int64(),
    "abstain": pl.Int64(),
    "non_voting": pl.Int64(),
    "total": pl.Int64(),
}
"""The official totals as read: one row per (session, state); codes that are one state are summed."""

_ES_DATES = {
    1: "1956-11-02", 2: "1956-11-04", 3: "1958-08-08", 4: "1960-09-17", 5: "1967-06-17", 6: "1980-01-10",
    7: "1980-07-22", 8: "1981-09-03", 9: "1982-01-29", 10: "2003-12-08", 11: "2023-02-23",
}  # fmt: skip
"""A day of each emergency special session (codes whose meaning changed are resolved as of that day)."""
_SPECIAL_YEARS = {
    1: 1947, 2: 1948, 3: 1961, 4: 1963, 5: 1967, 6: 1974, 7: 1975, 8: 1978, 9: 1978, 10: 1978, 11: 1980,
    12: 1982, 13: 1986, 14: 1986, 15: 1988, 16: 1989, 17: 1990, 18: 1990, 19: 1997, 20: 1998, 21: 1999,
    22: 1999, 23: 2000, 24: 2000, 25: 2001, 26: 2001, 27: 2002, 28: 2005, 29: 2014, 30: 2016, 31: 2020,
}  # fmt: skip


def official_session_label(raw: str) -> str | None:
    """The record's session label for the file's (``"80"`` -> ``"80"``, ``"11emsp"`` -> ``"ES-11"``, ``"5sp"`` -> ``"S-5"``)."""
    m = re.fullmatch(r"\s*(\d+)\s*(emsp|sp)?\s*", raw or "", flags=re.IGNORECASE)
    if m is None:
        return None
    n, suffix = int(m.group(1)), (m.group(2) or "").lower()
    return {"emsp": f"ES-{n}", "sp": f"S-{n}"}.get(suffix, str(n))


def _session_day(label: str) -> dt.date:
    if label.startswith("ES-"):
        n = int(label[3:])
        return dt.date.fromisoformat(_ES_DATES.get(n, "2000-07-01"))
    if label.startswith("S-"):
        return dt.date(_SPECIAL_YEARS.get(int(label[2:]), 2000), 7, 1)
    return dt.date(1945 + int(label), 12, 1)


def official_as_of(path: str | Path) -> dt.date | None:
    """The date in the file's name (``..._2026_02_06.csv.gz`` -> 2026-02-06), or None."""
    m = re.search(r"(\d{4})[_-](\d{2})[_-](\d{2})", Path(path).name)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_official_totals(data: str | Path | None = None) -> Path | None:
    """The newest official totals file in the local data folder (``undl_extracts_*/ga_country_session_totals_*``), or None."""
    from polycentric.config import find_local_data_dir

    root = Path(data) if data is not None else find_local_data_dir()
    if root is None or not Path(root).is_dir():
        return None
    found = sorted(Path(root).glob("undl_extracts*/ga_country_session_totals_*.csv*"))
    return found[-1] if found else None


def read_official_totals(path: str | Path, session_days: dict[str, dt.date] | None = None) -> pl.DataFrame:
    """Read an official totals file into :data:`OFFICIAL_TOTALS`.

    Parameters
    ----------
    path
        The CSV file (plain or gzip) in the layout of the module docstring.
    session_days
        A day of each session (label -> date) on which to resolve codes whose
        meaning changed (``CHN``, ``YUG``); by default the record's own dates, else
        1 December of a regular session's first year and a known day of the others.

    Raises
    ------
    InputFormatError
        A missing column, a session label or count that cannot be read, or an
        unknown state code, naming the file, line and field.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFormatError("no such file", path=p)
    header = read_header(p)
    missing = [c for c in OFFICIAL_COLUMNS if c not in header]
    if missing:
        raise InputFormatError(
            f"not an official totals file: missing column(s) {', '.join(missing)} "
            f"(expected {', '.join(OFFICIAL_COLUMNS)})",
            path=p,
            line=1,
        )
    df = read_frame(p, OFFICIAL_COLUMNS, header)
    check_required(p, df, ["ms_code", "session"])
    labels = df["session"].map_elements(official_session_label, return_dtype=pl.String)
    bad = labels.is_null().arg_true()
    if bad.len():
        i = int(bad[0])
        raise InputFormatError(
            f"session {df['session'][i]!r} is not a session (expected 80, 11emsp or 5sp)",
            path=p,
            line=int(df["_rec"][i]) + 2,
            field="session",
        )
    counts = {c: parse_ints(p, df, c, allow_null=False) for c in ("yes", "no", "abstain", "non_voting", "total")}
    days = session_days or {}
    day = labels.map_elements(lambda s: days.get(s) or _session_day(s), return_dtype=pl.Date)
    state = resolve_states(p, df, "ms_code", day)
    out = pl.DataFrame({"session": labels, "state": state, "code": df["ms_code"], **counts})
    return (
        out.group_by("session", "state", maintain_order=True)
        .agg(pl.col("code").str.join("+"), *[pl.col(c).sum() for c in counts])
        .cast(OFFICIAL_TOTALS)  # type: ignore[arg-type]
        .select(list(OFFICIAL_TOTALS))
    )
