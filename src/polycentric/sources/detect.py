"""Layout detection and the one entry point :func:`read_source`.

A file's layout is recognised from its header: each known layout has a set of
columns that must all be present (extra columns are allowed). A folder holding
``un_votes``, ``un_roll_calls`` and ``un_roll_call_issues`` is the ``unvotes``
triple. A header no layout matches raises :class:`UnknownLayoutError` listing
the columns each layout expects.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

from polycentric.errors import InputFormatError, UnknownLayoutError
from polycentric.sources.common import SourceData, read_header
from polycentric.sources.sc import (
    FAILED_DRAFT_COLUMNS,
    SC_LONG_COLUMNS,
    read_failed_drafts,
    read_sc_long,
    sc_rows,
    with_sc_rows,
)
from polycentric.sources.single import SINGLE_COLUMNS, read_single_votes
from polycentric.sources.undl import (
    LAYOUT_2024,
    LAYOUT_2025,
    LAYOUT_2026,
    LAYOUT_LONG,
    LAYOUT_LONG_INDEX,
    read_long_index,
    read_undl,
)
from polycentric.sources.vetoes import read_vetoes
from polycentric.sources.voeten import (
    RAW_COLUMNS,
    UNVOTES_ISSUES,
    UNVOTES_ROLL_CALLS,
    UNVOTES_VOTES,
    read_unvotes,
    read_voeten_raw,
)

__all__ = ["FORMATS", "REQUIRED", "detect_layout", "read_source"]

REQUIRED: dict[str, list[str]] = {
    "sc-failed-drafts": FAILED_DRAFT_COLUMNS,
    "undl-long": LAYOUT_LONG,
    "undl-long-index": LAYOUT_LONG_INDEX,
    "undl-2026": ["undl_id", "ms_code", "ms_vote", "date", "session", "resolution", "vote_note"],
    "undl-2025": ["undl_id", "ms_code", "ms_vote", "date", "resolution"],
    "undl-2024": ["undl_id", "ms_codes", "ms_votes", "date", "resolutions"],
    "voeten-raw": ["rcid", "session", "vote", "ccode", "date", "unres"],
    "unvotes": UNVOTES_VOTES,
    "unvotes-roll-calls": ["rcid", "session", "date", "unres", "amend", "para"],
    "unvotes-issues": UNVOTES_ISSUES,
    "single-vote": SINGLE_COLUMNS,
    "unsc-vetoes": ["date", "draft", "member_veto1"],  # the reader names any other missing column
}
"""Columns each layout must have, most specific first."""

FULL: dict[str, list[str]] = {
    "undl-long": [*LAYOUT_LONG, "source (optional)"],
    "undl-long-index": LAYOUT_LONG_INDEX,
    "undl-2026": LAYOUT_2026,
    "undl-2025": LAYOUT_2025,
    "undl-2024": LAYOUT_2024,
    "voeten-raw": RAW_COLUMNS,
    "unvotes": [
        "folder: un_votes("
        + ",".join(UNVOTES_VOTES)
        + ") + un_roll_calls("
        + ",".join(UNVOTES_ROLL_CALLS)
        + ") + un_roll_call_issues("
        + ",".join(UNVOTES_ISSUES)
        + ")"
    ],
    "single-vote": SINGLE_COLUMNS,
    "sc-long": [*SC_LONG_COLUMNS, "(rows of body SC are read as SC roll calls)"],
    "sc-failed-drafts": FAILED_DRAFT_COLUMNS,
    "undl-sc": ["undl_id", "ms_code", "ms_vote", "date", "resolution or draft (no session, no committee_report)"],
    "undl-authorities": ["Member State", "ISO Code", "Start date", "End date", "Earlier or Later Name"],
    "unsc-vetoes": [
        "year",
        "date",
        "draft",
        "meeting_record",
        "agenda_item",
        "member_veto1",
        "member_veto2",
        "member_veto3",
    ],
}

FORMATS: tuple[str, ...] = ("undl", "unvotes", "voeten-raw", "single-vote", "unsc-vetoes")
"""Values of ``--format``: ``undl`` covers the three UN DL layouts."""


def _expected() -> str:
    return "; ".join(f"{name}: {', '.join(cols)}" for name, cols in FULL.items())


def detect_layout(header: list[str], path: Path | None = None) -> str:
    """The name of the first layout whose required columns are all in ``header``.

    A UN DL file with singular headers but neither ``session`` nor
    ``committee_report`` is the Security Council file (``undl-sc``); a header
    with ``Member State`` and ``ISO Code`` is the member-state authority file.
    """
    cols = set(header)
    lower = {c.strip().lower() for c in header}
    if {"member state", "iso code"} <= lower:
        return "undl-authorities"
    if {"undl_id", "ms_code", "ms_vote", "date"} <= cols and not {"session", "committee_report"} & cols:
        return "undl-sc"
    for name, required in REQUIRED.items():
        if set(required) <= cols:
            return name
    closest, missing = min(
        ((name, [c for c in required if c not in cols]) for name, required in REQUIRED.items()),
        key=lambda item: len(item[1]) / len(REQUIRED[item[0]]),
    )
    hint = ""
    if len(missing) < len(REQUIRED[closest]):  # the header shares columns with some layout: name what it lacks
        hint = f"missing column(s) {', '.join(repr(c) for c in missing)} of the closest layout, {closest}. "
    raise UnknownLayoutError(
        f"{hint}unknown layout with columns {', '.join(header)}. Known layouts and their columns: {_expected()}",
        path=path,
        line=1,
        field=missing[0] if hint else None,
    )


def read_source(path: str | Path, format: str | None = None) -> SourceData:
    """Read one input (a file, or an ``unvotes`` folder) into a :class:`SourceData`.

    Parameters
    ----------
    path
        A CSV file (plain or gzip) or a folder holding the ``unvotes`` triple.
    format
        Force a reader (one of :data:`FORMATS`); by default detected from the header.
        A forced format still checks that the file has the columns it needs.
    """
    p = Path(path)
    if not p.exists():
        raise InputFormatError("no such file or folder", path=p)
    if p.is_dir():
        if format not in (None, "unvotes"):
            raise InputFormatError(f"a folder can only be read as the unvotes triple, not {format!r}", path=p)
        return read_unvotes(p)
    header = read_header(p)
    # the 2023-2025 long layout holds GA or SC rows (or both): SC rows are read as SC roll calls
    sc_part = sc_rows(p, header) if format in (None, "undl") else "none"
    if sc_part == "all":
        return read_sc_long(p, header)
    layout = detect_layout(header, p)
    if format is not None:
        if format not in FORMATS:
            raise InputFormatError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}", path=p)
        family = "undl" if layout.startswith("undl") else ("unvotes" if layout.startswith("unvotes") else layout)
        if family != format:
            raise UnknownLayoutError(
                f"--format {format} expects the columns {', '.join(FULL.get(format, REQUIRED.get(format, [])) if format != 'undl' else LAYOUT_2026)}; "
                f"this file's header looks like {layout}: {', '.join(header)}",
                path=p,
                line=1,
            )
    if layout == "undl-sc":
        from polycentric.sources.undl_bridge import read_sc_source

        return read_sc_source(p)
    if layout == "undl-authorities":
        from polycentric.sources.undl_bridge import read_authorities_source

        return read_authorities_source(p)
    if layout == "undl-long-index":
        return read_long_index(p)
    if layout == "undl-long":
        data = read_undl(p, layout, header, source="undl-long")
        return with_sc_rows(data, p, header) if sc_part == "some" else data
    if layout.startswith("undl"):
        return read_undl(p, layout, header)
    if layout.startswith("unvotes"):
        return read_unvotes(p.parent)
    if layout == "voeten-raw":
        return read_voeten_raw(p, header)
    if layout == "sc-failed-drafts":
        return read_failed_drafts(p, header)
    if layout == "single-vote":
        return read_single_votes(p, header)
    return read_vetoes(p, header)
