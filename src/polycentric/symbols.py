"""Symbols, sessions and ranges: the one place that parses them (the ground floor).

Every layer that reads a resolution symbol, a session label or a year/session
range calls this module; nothing else parses them.

- :func:`normalise_symbol` / :func:`normalise_symbols`: the canonical form of a
  symbol (``R/68/262`` = ``A/RES/68/262``; ``A/RES/3379(XXX)`` = ``A/RES/30/3379``).
- :func:`parse_session`, :func:`session_in_progress`: session labels (``"77"``,
  ``"S-10"``, ``"ES-11"``) and the regular session in progress on a date.
- :func:`as_date`: the one reading of a date argument (a date, a datetime or ISO text).
- :func:`parse_range`: one parser for every range a user types: years
  (``"2000-2023"``, ``"2014"``) and sessions (``"60-77"``, ``"60,62,70-72"``).

Dependency rule: imports only ``polycentric.errors``, polars and the standard library.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from polycentric.errors import InputFormatError

__all__ = [
    "DateLike",
    "as_date",
    "normalise_symbol",
    "normalise_symbols",
    "parse_range",
    "parse_session",
    "parse_sessions",
    "parse_years",
    "session_in_progress",
    "session_in_progress_expr",
]

# ---------------------------------------------------------------- symbols and sessions

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(s: str) -> int:
    total = 0
    for a, b in zip(s, [*s[1:], ""], strict=True):
        v = _ROMAN[a]
        total += -v if b and _ROMAN[b] > v else v
    return total


_OLD_STYLE = re.compile(r"^A/RES/(\d+[A-Z]?(?:/[A-Z]+)?)\s*\(\s*(ES-|S-)?([IVXLC]+)\s*\)$")
_OLD_STYLE_PART = re.compile(r"^A/RES/(\d+)\s*([A-Z])?\s*\(\s*(ES-|S-)?([IVXLC]+)\s*\)\s*([A-Z])?$")
_BARE_OLD_STYLE = re.compile(r"^\d+\s*[A-Z]?\s*\(\s*(ES-|S-)?[IVXLC]+\s*\)")
_PREFIXES = (
    ("A/RES/", "A/RES/"),
    ("GOAR/", "A/RES/"),
    ("ESS/", "A/RES/ES-"),
    ("SS/", "A/RES/S-"),
    ("RES/", "A/RES/"),
    ("R/", "A/RES/"),
)


def normalise_symbol(symbol: str | None) -> str | None:
    """The canonical form of a resolution symbol (None stays None).

    ``R/68/262``, ``A/RES/68/262`` and ``a/res/68/262 `` are one symbol,
    ``A/RES/68/262``. Voeten's prefixes ``ESS/`` and ``SS/`` become ``A/RES/ES-``
    and ``A/RES/S-``; old-style symbols with a Roman session
    (``A/RES/2758(XXVI)``, ``A/RES/997(ES-I)``) become ``A/RES/26/2758`` and
    ``A/RES/ES-1/997``; part letters in brackets lose them (``[A]`` -> ``A``), and a part letter
    before or after the session (``217 A (III)``, ``A/RES/217(III)[A]``) follows the number (``A/RES/3/217A``).
    Security Council symbols (``S/RES/...``, drafts ``S/2022/155``) are only
    cleaned of spaces and case.
    """
    if symbol is None:
        return None
    s = " ".join(str(symbol).split()).upper()
    if not s:
        return None
    if _BARE_OLD_STYLE.match(s):
        s = "A/RES/" + s
    m = _OLD_STYLE.match(s)
    if m:
        number, kind, roman = m.groups()
        return f"A/RES/{kind or ''}{_roman(roman)}/{number}"
    s = s.replace("[", "").replace("]", "")
    m = _OLD_STYLE_PART.match(s)
    if m:  # 217 A (III), 217(III)A, 217(III)[A]
        number, before, kind, roman, after = m.groups()
        return f"A/RES/{kind or ''}{_roman(roman)}/{number}{before or after or ''}"
    for old, new in _PREFIXES:
        if s.startswith(old):
            s = new + s[len(old) :]
            break
    return s.replace(" ", "/") if s.startswith("A/RES/") else s.replace(" ", "")


def normalise_symbols(col: pl.Expr) -> pl.Expr:
    """Vectorised :func:`normalise_symbol` (fast path for the common forms, Python for the rest)."""
    cleaned = col.str.strip_chars().str.to_uppercase()
    simple = cleaned.str.contains(r"^(A/RES/|R/)(ES-|S-)?\d+/[0-9A-Z\-]+$")
    fast = pl.when(cleaned.str.starts_with("R/")).then(pl.lit("A/RES/") + cleaned.str.slice(2)).otherwise(cleaned)
    slow = cleaned.map_elements(normalise_symbol, return_dtype=pl.String)
    return pl.when(cleaned.is_null() | (cleaned == "")).then(None).when(simple).then(fast).otherwise(slow)


def session_in_progress(date: dt.date) -> int:
    """The regular General Assembly session in progress on ``date``.

    Regular session ``n`` opens in the September of year ``1945 + n`` (the first
    opened on 1946-01-10) and lasts until the next opens; the opening day has
    varied between the second and the fourth Tuesday of September, so a date
    before 10 September belongs to the previous session. Dates before the second
    session opened (1947-09-16) belong to session 1.
    """
    n = date.year - 1945 if (date.month, date.day) >= (9, 10) else date.year - 1946
    return max(n, 1)


def session_in_progress_expr(date: pl.Expr) -> pl.Expr:
    """Vectorised :func:`session_in_progress`."""
    after = (date.dt.month() > 9) | ((date.dt.month() == 9) & (date.dt.day() >= 10))
    n = date.dt.year().cast(pl.Int32) - pl.when(after).then(1945).otherwise(1946)
    return pl.max_horizontal(n, pl.lit(1, dtype=pl.Int32)).cast(pl.Int32)


_SESSION = re.compile(r"^(?:A/RES/)?(ES-\d+|S-\d+|\d+)/")


def parse_session(
    symbol: str | None, date: dt.date | None = None, session: str | int | None = None
) -> tuple[str | None, int | None]:
    """``(session, session_number)`` from a symbol, a session label and a date.

    ``session`` is ``"77"`` (regular), ``"S-10"`` (special) or ``"ES-11"``
    (emergency special); ``session_number`` is the regular session in progress
    on the date (ES-11 on 2022-03-02 -> 76).

    >>> import datetime as dt
    >>> parse_session("A/RES/ES-11/1", dt.date(2022, 3, 2))
    ('ES-11', 76)
    >>> parse_session("A/RES/68/262", dt.date(2014, 3, 27))
    ('68', 68)
    """
    label: str | None = None
    if session is not None and str(session).strip():
        raw = str(session).strip().upper().replace(" ", "")
        m = re.match(r"^(ES|S)-?(\d+)$", raw) or re.match(r"^(EMERGENCY|SPECIAL)", raw)
        if m and m.lastindex == 2:
            label = f"{m.group(1)}-{int(m.group(2))}"
        elif re.match(r"^\d+", raw):
            label = str(int(re.match(r"^\d+", raw).group(0)))  # type: ignore[union-attr]
    sym = normalise_symbol(symbol)
    if label is None and sym is not None:
        m = _SESSION.match(sym)
        if m:
            label = m.group(1)
    number: int | None = None
    if label is not None and label.isdigit():
        number = int(label)
    elif date is not None:
        number = session_in_progress(date)
    return label, number


# ---------------------------------------------------------------- ranges

_RANGE_PART = re.compile(r"^\s*(\d+)\s*(?:(?:-|–|:|\.\.)\s*(\d+))?\s*$")


def parse_range(spec: str | int, *, what: str = "years") -> list[int]:
    """The sorted integers named by a range a user typed.

    ``"2000-2023"`` (inclusive; ``–``, ``:`` and ``..`` also separate), ``"2014"``,
    and lists of those separated by commas (``"60,62,70-72"``). ``what`` names the
    field in the error (``years`` or ``sessions``).

    >>> parse_range("70-72,60")
    [60, 70, 71, 72]

    Raises
    ------
    InputFormatError
        When the text is not such a range or a range ends before it starts.
    """
    if isinstance(spec, int):
        return [spec]
    out: set[int] = set()
    for part in str(spec).split(","):
        if not part.strip():
            continue
        m = _RANGE_PART.match(part)
        if not m:
            raise InputFormatError(
                f"cannot read {what} {spec!r}: expected e.g. 2014, 2000-2023 or 60,62,70-72", field=what
            )
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if hi < lo:
            raise InputFormatError(f"{what} {spec!r}: the end comes before the start", field=what)
        out.update(range(lo, hi + 1))
    if not out:
        raise InputFormatError(f"no {what} given", field=what)
    return sorted(out)


def parse_years(spec: str | int) -> tuple[int, int]:
    """``"2000-2023"`` (inclusive) or ``"2014"`` -> ``(start, end)``; one contiguous range only."""
    years = parse_range(spec, what="years")
    if years != list(range(years[0], years[-1] + 1)):
        raise InputFormatError(f"years {spec!r}: expected one range YYYY or YYYY-YYYY", field="years")
    return years[0], years[-1]


def parse_sessions(spec: str | int) -> list[int]:
    """``"60-77"`` or ``"60,62,70-72"`` -> sorted regular session numbers."""
    return parse_range(spec, what="sessions")


# ---------------------------------------------------------------- dates

DateLike = dt.date | dt.datetime | str | None
"""A date argument: a date, a datetime (its date is used), ISO text (``YYYY-MM-DD`` or a date-time) or None."""


def as_date(value: DateLike) -> dt.date | None:
    """The date a :data:`DateLike` names (None stays None).

    Raises
    ------
    InputFormatError
        When text is not an ISO date.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()  # "2022-03-02T10:00:00"
    except ValueError:
        raise InputFormatError(f"{value!r} is not a date (expected YYYY-MM-DD)", field="date") from None
