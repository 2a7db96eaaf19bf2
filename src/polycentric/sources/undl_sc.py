"""Reader of the UN Digital Library Security Council voting file (record 4055387).

The file (``2026_02_06_sc_voting.csv`` and earlier releases) has one row per
member of the Council per recorded vote. Its layout has not been checked against
a real copy here (none could be obtained, see ``../shared/data/un_dl_format``);
it is inferred from the General Assembly file of the same library and from
third-party code reading it. The reader is therefore header-driven: it finds
each field under any of the names below (case-insensitive) and refuses a file
that lacks a key field with :class:`~polycentric.errors.UnknownLayoutError`
listing the columns it expected.

===================  ==============================================  ========
field                accepted column names                           needed
===================  ==============================================  ========
undl_id              undl_id, id                                     yes
ms_code              ms_code, ms_codes                               yes
ms_vote              ms_vote, ms_votes, vote                         yes
date                 date, vote_date                                 yes
resolution           resolution, resolutions                         one of
draft                draft, draft_resolution                         these two
ms_name              ms_name, ms_names                               no
meeting              meeting                                         no
title                title, description                              no
agenda               agenda_title, agenda, agenda_titles             no
subjects             subjects                                        no
total_yes ...        total_yes / yes, total_no / no,                 no
                     total_abstentions / abstentions,
                     total_non_voting / non-voting
===================  ==============================================  ========

Votes are ``Y``, ``N``, ``A`` and ``X`` (a member of the Council not voting);
``NV`` and an empty cell are read as ``X``. A vetoed draft has no resolution
symbol: its roll call keeps ``resolution`` null and the draft symbol in
``draft``.

Output: :func:`read_sc_votes` returns :class:`ScVotes`, two Polars tables:
``roll_calls`` in the canonical ``ROLL_CALLS`` schema with ``body = "SC"``
(``rollcall_id`` null until the store assigns it; ``session`` null here: the adapter
:func:`polycentric.sources.undl_bridge.read_sc_source` sets it to the year, as for every
Council roll call; ``session_number`` the General Assembly regular
session in progress on that date) plus the columns ``undl_id``, ``draft``,
``meeting``, ``adopted``; and ``votes`` with ``undl_id, state, ms_code,
state_name, vote``.

Dependency rule: imports ``polycentric.errors`` and ``polycentric.schema``
only (plus polars); the store maps ``state`` through the registry.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import polars as pl

from polycentric.errors import InputFormatError, UnknownLayoutError
from polycentric.schema import ROLL_CALLS

__all__ = [
    "SC_COLUMNS",
    "ScVotes",
    "check_header",
    "ga_session_number",
    "ga_session_opening",
    "read_sc_votes",
]

SC_COLUMNS: tuple[str, ...] = (
    "undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution", "draft", "meeting", "title",
    "agenda_title", "subjects", "vote_note", "total_yes", "total_no", "total_abstentions",
    "total_non_voting", "total_ms", "undl_link",
)  # fmt: skip
"""The layout the reader expects (its most likely form; see the module docstring for the names accepted)."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "undl_id": ("undl_id", "id"),
    "ms_code": ("ms_code", "ms_codes"),
    "ms_vote": ("ms_vote", "ms_votes", "vote"),
    "date": ("date", "vote_date"),
    "resolution": ("resolution", "resolutions"),
    "draft": ("draft", "draft_resolution"),
    "ms_name": ("ms_name", "ms_names"),
    "meeting": ("meeting",),
    "title": ("title", "description"),
    "agenda": ("agenda_title", "agenda", "agenda_titles"),
    "subjects": ("subjects",),
    "total_yes": ("total_yes", "yes"),
    "total_no": ("total_no", "no"),
    "total_abstain": ("total_abstentions", "abstentions"),
    "total_non_voting": ("total_non_voting", "non-voting", "non_voting"),
}
_REQUIRED = ("undl_id", "ms_code", "ms_vote", "date")
_TOTALS = ("total_yes", "total_no", "total_abstain", "total_non_voting")
_VOTES = {"Y": "Y", "N": "N", "A": "A", "X": "X", "NV": "X", "": "X"}

# Codes of the vote files for states the project files under another id (see the
# glossary in polycentric.schema): the USSR continues as RUS, the FRG as DEU.
_CODE_ALIASES = {"SUN": "RUS", "GER": "DEU", "FRG": "DEU", "BUR": "MMR", "ZAR": "COD", "HVO": "BFA", "DHY": "BEN"}


class ScVotes(NamedTuple):
    """The Security Council voting file as two tables (see the module docstring)."""

    roll_calls: pl.DataFrame
    votes: pl.DataFrame


def _expected_message() -> str:
    parts = []
    for names in _ALIASES.values():
        parts.append(names[0] if len(names) == 1 else f"{names[0]} (or {', '.join(names[1:])})")
    return ", ".join(parts)


def check_header(columns: Sequence[str], path: str | Path | None = None) -> dict[str, int]:
    """Map each field to its column index, or raise :class:`UnknownLayoutError`.

    The error names the missing fields and every column expected.
    """
    lower = [c.strip().lower() for c in columns]
    found: dict[str, int] = {}
    for key, names in _ALIASES.items():
        for name in names:
            if name in lower:
                found[key] = lower.index(name)
                break
    missing = [k for k in _REQUIRED if k not in found]
    if "resolution" not in found and "draft" not in found:
        missing.append("resolution (or draft)")
    if missing:
        raise UnknownLayoutError(
            f"not a UN Digital Library Security Council voting file: missing {', '.join(missing)}. "
            f"Expected the columns {_expected_message()}. Found: {', '.join(columns)}",
            path=path,
            line=1,
        )
    return found


def ga_session_opening(year: int) -> dt.date:
    """The opening day of the General Assembly regular session of ``year``.

    Rule 1 of the rules of procedure: the Tuesday of the third week of September,
    counting from the first week (Monday to Sunday) with at least one working day
    in September; from 2023 the Assembly opens in the second such week
    (5 September 2023, 10 September 2024, 9 September 2025). Openings before
    the rule took this form (before 2002 the third Tuesday of September) may
    differ by a week.
    """
    sept1 = dt.date(year, 9, 1)
    first_week = sept1 - dt.timedelta(days=sept1.weekday())  # Monday of the week of 1 September
    if sept1.weekday() >= 5:  # 1 September on a weekend: the first working week is the next one
        first_week += dt.timedelta(days=7)
    weeks = 1 if year >= 2023 else 2
    return first_week + dt.timedelta(days=7 * weeks + 1)


def ga_session_number(date: dt.date) -> int:
    """The General Assembly regular session in progress on ``date``.

    Session ``n`` opens in September of year ``1945 + n``
    (:func:`ga_session_opening`); the first ran from January 1946 to the
    second's opening in 1947.
    """
    n = date.year - 1945 if date >= ga_session_opening(date.year) else date.year - 1946
    return max(n, 1)


def _parse_date(value: str, path: Path, line: int) -> dt.date:
    text = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise InputFormatError(
        f"impossible or malformed date {value!r} (expected YYYY-MM-DD)", path=path, line=line, field="date"
    )


def _parse_int(value: str, path: Path, line: int, field: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    try:
        f = float(text)
    except ValueError:
        raise InputFormatError(f"not a number: {value!r}", path=path, line=line, field=field) from None
    if f != int(f) or f < 0:
        raise InputFormatError(f"not a count: {value!r}", path=path, line=line, field=field)
    return int(f)


def _normalise_symbol(symbol: str) -> str | None:
    s = symbol.strip()
    if not s:
        return None
    return "S/RES/" + s[2:] if s.startswith("R/") else s


def read_sc_votes(path: str | Path) -> ScVotes:
    """Read a UN Digital Library Security Council voting file.

    Parameters
    ----------
    path
        The CSV file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    ScVotes
        ``roll_calls`` (ROLL_CALLS schema with ``body="SC"`` plus ``undl_id``,
        ``draft``, ``meeting``, ``adopted``) and ``votes`` (``undl_id, state,
        ms_code, state_name, vote``), one row per input row.

    Raises
    ------
    UnknownLayoutError
        The header lacks a key column.
    InputFormatError
        A row is ragged or holds an unknown vote, a bad date or a bad count; the
        message names the line and field.
    """
    path = Path(path)
    fh = path.open("r", encoding="utf-8-sig", newline="")
    try:  # the file is closed on every refusal of its header, not left to the garbage collector
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"not UTF-8 text ({exc.reason})", path=path, line=1) from exc
        if header is None:
            raise UnknownLayoutError("the file is empty (no header row)", path=path, line=1)
        cols = check_header(header, path)
    except BaseException:
        fh.close()
        raise
    roll: dict[int, dict[str, object]] = {}
    votes: dict[str, list[object]] = {k: [] for k in ("undl_id", "state", "ms_code", "state_name", "vote")}
    seen: set[tuple[int, str]] = set()

    def get(row: list[str], key: str) -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None else ""

    with fh:
        try:
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(header):
                    raise InputFormatError(f"row has {len(row)} fields, the header {len(header)}", path=path, line=line)
                raw_id = get(row, "undl_id")
                undl_id = _parse_int(raw_id, path, line, "undl_id")
                if undl_id is None:
                    raise InputFormatError("empty undl_id", path=path, line=line, field="undl_id")
                code = get(row, "ms_code").upper()
                if not re.fullmatch(r"[A-Z]{3}", code):
                    raise InputFormatError(
                        f"not a three-letter state code: {code!r}", path=path, line=line, field="ms_code"
                    )
                vote_raw = get(row, "ms_vote").upper()
                if vote_raw not in _VOTES:
                    raise InputFormatError(
                        f"unknown vote code {vote_raw!r} (expected Y, N, A, X or NV)",
                        path=path,
                        line=line,
                        field="ms_vote",
                    )
                if (undl_id, code) in seen:
                    raise InputFormatError(
                        f"a second vote of {code} on roll call {undl_id}", path=path, line=line, field="ms_code"
                    )
                seen.add((undl_id, code))
                date = _parse_date(get(row, "date"), path, line)
                totals = {
                    key: _parse_int(get(row, key), path, line, _ALIASES[key][0]) for key in _TOTALS if key in cols
                }
                if undl_id not in roll:
                    resolution = _normalise_symbol(get(row, "resolution"))
                    roll[undl_id] = {
                        "undl_id": undl_id,
                        "body": "SC",
                        "session": None,
                        "session_number": ga_session_number(date),
                        "date": date,
                        "year": date.year,
                        "resolution": resolution,
                        "title": get(row, "title") or None,
                        "agenda": get(row, "agenda") or None,
                        "subjects": get(row, "subjects") or None,
                        "kind": "resolution",
                        **totals,
                        "sources": "undl",
                        "draft": get(row, "draft") or None,
                        "meeting": get(row, "meeting") or None,
                        "adopted": resolution is not None,
                    }
                else:
                    first = roll[undl_id]
                    if first["date"] != date:
                        raise InputFormatError(
                            f"roll call {undl_id} has two dates ({first['date']} and {date})",
                            path=path,
                            line=line,
                            field="date",
                        )
                    for key, value in totals.items():
                        if first[key] != value:
                            raise InputFormatError(
                                f"roll call {undl_id} has two recorded totals ({first[key]} and {value})",
                                path=path,
                                line=line,
                                field=_ALIASES[key][0],
                            )
                votes["undl_id"].append(undl_id)
                votes["state"].append(_CODE_ALIASES.get(code, code))
                votes["ms_code"].append(code)
                votes["state_name"].append(get(row, "ms_name") or None)
                votes["vote"].append(_VOTES[vote_raw])
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"not UTF-8 text ({exc.reason})", path=path, line=reader.line_num + 1) from exc
        except csv.Error as exc:
            raise InputFormatError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from exc

    extra = {"undl_id": pl.Int64(), "draft": pl.String(), "meeting": pl.String(), "adopted": pl.Boolean()}
    schema = {**ROLL_CALLS, **extra}
    rc = pl.from_dicts(list(roll.values()), schema=schema)
    vt = pl.DataFrame(
        votes,
        schema={
            "undl_id": pl.Int64(),
            "state": pl.String(),
            "ms_code": pl.String(),
            "state_name": pl.String(),
            "vote": pl.String(),
        },
    )
    return ScVotes(rc.sort("date", "undl_id"), vt)
