"""The UN Digital Library's record search API: "Voting Data" records as MARC-XML, read with pymarc.

The bulk voting files (:mod:`polycentric.sources.undl`) are republished a few
times a year. Between two releases the library's search engine (Invenio) already
holds every new vote as a "Voting Data" record, exported as MARC-XML. This module
fetches those records page by page and reads them into two tables:

``roll_calls`` (:data:`MARC_ROLL_CALLS`)
    one row per record: ``undl_id`` (field 001), ``symbol`` (791 $a; null when
    the record has none: such records are kept under their ``undl_id``, a symbol
    is never guessed), ``body`` (GA or SC, from 791 $b or the symbol), ``session``
    (791 $c, else from the symbol), ``date`` (269 $a), ``title`` (245 $a $b $c,
    joined as the bulk files write it),
    ``meeting`` (952 $a), ``subjects`` (991, joined with ``" | "``), the recorded
    totals (996: $b yes, $c no, $d abstentions, $e non-voting, $f members),
    ``n_votes`` (how many 967 fields the record has), and ``origin``/``line``
    (the page URL or file and the line of the record in it).
``votes`` (:data:`MARC_VOTES`)
    one row per 967 field: ``undl_id``, ``ms_code`` ($c, ISO3), ``ms_name``
    ($e), ``ms_vote`` ($d: Y, N, A; blank = non-voting, written X).

Malformed input is refused with :class:`~polycentric.errors.InputFormatError`
naming the file or URL, the line of the record, the field (``245``,
``269$a``, ``967$d`` ...) and the record id: bad XML, a record without 001 or
with a non-numeric one, a missing or impossible 269 date, an unknown vote code
in 967 $d, a 967 without $c, and 996 totals that are not non-negative integers.

A record with no 967 field (the library has catalogued the vote but not yet
the states' votes) is **reported, not stored**: it is kept out of ``votes`` and
``roll_calls`` and listed in :attr:`MarcVotes.without_votes`, so that no roll
call with zero votes enters the measures; the next sync fetches it again.

:func:`write_undl_csv` writes the tables in the UN DL bulk-file layout
(``undl-2026``, one row per state vote), which the record ingests like any
bulk file. :func:`fetch_marc_records` pages through the search API.

The search API (documented at https://digitallibrary.un.org/help/search-engine-api
and the search tips page) is ``GET /search`` with

==========  ==================================================================
``p``       the query: ``269:2025-10-09->2099-12-31`` (a range on the date field)
``cc``      the collection: ``Voting Data``
``fct__2``  the body facet: ``General Assembly``
``of``      output format: ``xm`` (MARC-XML)
``rg``      records per page (``100``)
``jrec``    the rank of the first record of the page (1, 101, 201, ...)
``ln``      ``en``
==========  ==================================================================

Paging stops at the first page holding fewer than ``rg`` records. (The
request could not be tried against the live library from the development
machine; it is tested against a local server speaking the same MARC-XML.)
The HTTP client is the caller's (:func:`fetch_marc_records` takes a ``get``
function); :func:`polycentric.record.build.sync_search_api` passes one with
the sync's timeouts.

Dependency rule: as :mod:`polycentric.sources` (pymarc, polars,
``polycentric.errors`` and the bulk layout of :mod:`polycentric.sources.undl`);
never the store.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse
import xml.sax
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pymarc
from pymarc.marcxml import XmlHandler

from polycentric.errors import DownloadError, InputFormatError
from polycentric.sources.undl import LAYOUT_2026

__all__ = [
    "EARLIEST_VOTE",
    "MARC_ROLL_CALLS",
    "MARC_VOTES",
    "MARC_VOTE_CODES",
    "MarcVotes",
    "fetch_marc_records",
    "read_marc_xml",
    "search_url",
    "write_undl_csv",
]

MARC_ROLL_CALLS: dict[str, pl.DataType] = {
    "undl_id": pl.Int64(),
    "symbol": pl.String(),  # null: the record has no symbol (kept under undl_id)
    "body": pl.String(),
    "session": pl.String(),
    "date": pl.Date(),
    "title": pl.String(),
    "meeting": pl.String(),
    "subjects": pl.String(),
    "total_yes": pl.Int32(),
    "total_no": pl.Int32(),
    "total_abstentions": pl.Int32(),
    "total_non_voting": pl.Int32(),
    "total_ms": pl.Int32(),
    "n_votes": pl.Int32(),
    "origin": pl.String(),
    "line": pl.Int64(),
}
"""One row per "Voting Data" record."""

MARC_VOTES: dict[str, pl.DataType] = {
    "undl_id": pl.Int64(),
    "ms_code": pl.String(),
    "ms_name": pl.String(),
    "ms_vote": pl.String(),
}
"""One row per 967 field (a state's vote)."""

MARC_VOTE_CODES: dict[str, str] = {"Y": "Y", "N": "N", "A": "A", "": "X", "X": "X", "NV": "X"}
"""967 $d values: Y yes, N no, A abstention; blank (or X/NV) non-voting, written X."""

EARLIEST_VOTE = dt.date(1945, 10, 24)
"""No vote can predate the Charter's entry into force."""

DEFAULT_PAGE_SIZE = 100
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SESSION = re.compile(r"^(?:A/RES/)?(ES-\d+|S-\d+|\d+)/")
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")


@dataclass
class MarcVotes:
    """The records read from one or more MARC-XML pages.

    Attributes
    ----------
    roll_calls, votes
        Frames in :data:`MARC_ROLL_CALLS` and :data:`MARC_VOTES`, records with
        votes only, one row per ``undl_id`` (a record met twice keeps its last
        reading).
    without_votes
        Records that have no 967 field, in :data:`MARC_ROLL_CALLS` (reported,
        not stored).
    other_body
        Records of another body than the one asked for (reported, not stored).
    pages
        The URLs (or files) read.
    """

    roll_calls: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MARC_ROLL_CALLS))
    votes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MARC_VOTES))
    without_votes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MARC_ROLL_CALLS))
    other_body: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MARC_ROLL_CALLS))
    pages: list[str] = field(default_factory=list)

    @property
    def n_records(self) -> int:
        """Records read (with votes, without, and of another body)."""
        return self.roll_calls.height + self.without_votes.height + self.other_body.height


class _LocatedHandler(XmlHandler):
    """pymarc's SAX handler, remembering the line each record starts on."""

    def __init__(self) -> None:
        super().__init__(strict=False)  # type: ignore[no-untyped-call]  # pymarc has no type hints
        self._locator: Any = None
        self._line = 0
        self.lines: list[int] = []

    def setDocumentLocator(self, locator: Any) -> None:
        self._locator = locator

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        if name[1] == "record" and self._locator is not None:
            self._line = int(self._locator.getLineNumber())
        super().startElementNS(name, qname, attrs)  # type: ignore[no-untyped-call]

    def process_record(self, record: pymarc.Record) -> None:
        self.records.append(record)
        self.lines.append(self._line)


def _parse(data: bytes, origin: str) -> tuple[list[pymarc.Record], list[int]]:
    if not data.strip():
        raise InputFormatError("empty MARC-XML document", path=origin)
    head = data.lstrip()[:512].lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise InputFormatError("an HTML page, not MARC-XML (an error page of the library?)", path=origin, line=1)
    handler = _LocatedHandler()
    try:
        pymarc.parse_xml(io.BytesIO(data), handler)  # type: ignore[no-untyped-call]
    except xml.sax.SAXParseException as exc:
        raise InputFormatError(
            f"not well-formed XML: {exc.getMessage()} (column {exc.getColumnNumber()})",
            path=origin,
            line=exc.getLineNumber(),
        ) from exc
    except (xml.sax.SAXException, KeyError, ValueError) as exc:
        raise InputFormatError(f"not MARC-XML: {exc}", path=origin) from exc
    return handler.records, handler.lines


def _sub(record: pymarc.Record, tag: str, code: str) -> str | None:
    for f in record.get_fields(tag):
        for value in f.get_subfields(code):
            text = (value or "").strip()
            if text:
                return text
    return None


def _date(text: str | None, fail: Callable[[str, str], InputFormatError], today: dt.date) -> dt.date:
    if text is None:
        raise fail("269$a", "missing date (field 269 $a)")
    for fmt in _DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not EARLIEST_VOTE <= value <= today + dt.timedelta(days=1):
            raise fail("269$a", f"date {text!r} is outside {EARLIEST_VOTE} … {today}")
        return value
    raise fail("269$a", f"impossible or malformed date {text!r} (expected YYYY-MM-DD)")


def _count(text: str | None, code: str, fail: Callable[[str, str], InputFormatError]) -> int | None:
    if text is None:
        return None
    if not text.isdigit():
        raise fail(f"996${code}", f"total {text!r} is not a non-negative integer")
    value = int(text)
    if value > 1000:
        raise fail(f"996${code}", f"total {value} is larger than any body")
    return value


def _body(symbol: str | None, prefix: str | None) -> str:
    mark = (prefix or symbol or "").strip().upper()
    return "SC" if mark.startswith("S/") or mark == "S" else "GA"


def _session(symbol: str | None, raw: str | None, body: str, date: dt.date) -> str | None:
    if raw:
        text = re.sub(r"\s", "", raw).upper()
        m = re.fullmatch(r"(?:A/)?(ES|S)-?0*(\d+)", text)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
        m = re.fullmatch(r"(?:A/)?0*(\d+)(?:ST|ND|RD|TH)?", text)
        if m:
            return m.group(1)
    if symbol:
        m = _SESSION.match(symbol)
        if m:
            return m.group(1)
    return str(date.year) if body == "SC" else None


def read_marc_xml(
    data: bytes | str | Path,
    *,
    origin: str | None = None,
    body: str | None = "GA",
    today: dt.date | None = None,
) -> MarcVotes:
    """Read "Voting Data" MARC-XML (a page of the search API, or a saved file).

    Parameters
    ----------
    data
        The document (bytes or text), or the path of a file holding it.
    origin
        The URL or file named in error messages (default: the path).
    body
        Keep records of this body (``"GA"`` or ``"SC"``); the others are listed
        in :attr:`MarcVotes.other_body`. ``None`` keeps all.
    today
        Latest acceptable vote date (default: today).

    Raises
    ------
    InputFormatError
        Naming the file or URL, the line, the field and the record id.
    """
    if isinstance(data, Path):
        where = origin or str(data)
        try:
            raw = data.read_bytes()
        except OSError as exc:
            raise InputFormatError(f"cannot read: {exc.strerror}", path=where) from exc
    else:
        where = origin or "<MARC-XML>"
        raw = data.encode("utf-8") if isinstance(data, str) else data
    records, lines = _parse(raw, where)
    day = today or dt.date.today()
    rc_rows: list[dict[str, Any]] = []
    vote_rows: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    for index, (record, line) in enumerate(zip(records, lines, strict=True), start=1):
        control = record.get_fields("001")
        ident = (control[0].data or "").strip() if control else ""

        def fail(fld: str, message: str, _id: str = ident, _line: int = line) -> InputFormatError:
            name = f"record {_id}" if _id else "record"
            return InputFormatError(f"{name}: {message}", path=where, line=_line, field=fld)

        if not ident:
            raise fail("001", f"record #{index} has no record id (control field 001)")
        if not ident.isdigit():
            raise fail("001", f"record id {ident!r} is not a number")
        undl_id = int(ident)
        if undl_id in seen:
            raise fail("001", f"the record appears twice in this document (lines {seen[undl_id]} and {line})")
        seen[undl_id] = line
        symbol = _sub(record, "791", "a")
        date = _date(_sub(record, "269", "a"), fail, day)
        rc_body = _body(symbol, _sub(record, "791", "b"))
        # 245 $a $b $c as the bulk files write the title: "Question of X : resolution / adopted by the General
        # Assembly" (the merge links a record without symbol to its bulk-file twin on date and title)
        title_parts = [v.strip() for f in record.get_fields("245") for v in f.get_subfields("a", "b", "c") if v]
        title = " ".join(p for p in title_parts if p).strip(" /:;") or None
        if title is None:
            raise fail("245", "missing title (field 245 $a)")
        subjects = [
            " ".join(v.strip() for v in f.get_subfields("a", "b", "c", "d") if v and v.strip())
            for f in record.get_fields("991")
        ]
        totals: dict[str, int | None] = {}
        for code, col in (
            ("b", "total_yes"),
            ("c", "total_no"),
            ("d", "total_abstentions"),
            ("e", "total_non_voting"),
            ("f", "total_ms"),
        ):
            totals[col] = _count(_sub(record, "996", code), code, fail)
        votes_here = []
        for f in record.get_fields("967"):
            codes = [c.strip().upper() for c in f.get_subfields("c") if c and c.strip()]
            if not codes:
                raise fail("967$c", "a vote (field 967) without a state code ($c)")
            if not _ISO3.match(codes[0]):
                raise fail("967$c", f"state code {codes[0]!r} is not a three-letter code")
            raw_vote = next((v for v in f.get_subfields("d") if v is not None), "")
            vote = MARC_VOTE_CODES.get(raw_vote.strip().upper())
            if vote is None:
                raise fail(
                    "967$d", f"unknown vote code {raw_vote!r} for {codes[0]} (expected Y, N, A, or blank = non-voting)"
                )
            name = next((v.strip() for v in f.get_subfields("e") if v and v.strip()), None)
            votes_here.append({"undl_id": undl_id, "ms_code": codes[0], "ms_name": name, "ms_vote": vote})
        rc_rows.append(
            {
                "undl_id": undl_id,
                "symbol": symbol,
                "body": rc_body,
                "session": _session(symbol, _sub(record, "791", "c"), rc_body, date),
                "date": date,
                "title": title,
                "meeting": _sub(record, "952", "a"),
                "subjects": " | ".join(s for s in subjects if s) or None,
                **totals,
                "n_votes": len(votes_here),
                "origin": where,
                "line": line,
            }
        )
        vote_rows.extend(votes_here)
    rc = pl.DataFrame(rc_rows, schema=MARC_ROLL_CALLS, orient="row")
    votes = pl.DataFrame(vote_rows, schema=MARC_VOTES, orient="row")
    return _split(rc, votes, body, [where])


def _split(rc: pl.DataFrame, votes: pl.DataFrame, body: str | None, pages: list[str]) -> MarcVotes:
    """Set aside the records of other bodies and those without votes."""
    other = rc.filter(pl.col("body") != body) if body is not None else rc.clear()
    rc = rc.filter(pl.col("body") == body) if body is not None else rc
    without = rc.filter(pl.col("n_votes") == 0)
    rc = rc.filter(pl.col("n_votes") > 0)
    votes = votes.join(rc.select("undl_id"), on="undl_id", how="semi")
    return MarcVotes(rc, votes, without, other, pages)


def combine(parts: list[MarcVotes], body: str | None = "GA") -> MarcVotes:
    """Several pages as one :class:`MarcVotes` (a record met on two pages keeps its later reading)."""
    if not parts:
        return MarcVotes()
    rcs, votes = [], []
    for page, p in enumerate(parts):
        for frame in (p.roll_calls, p.without_votes, p.other_body):
            rcs.append(frame.with_columns(pl.lit(page, dtype=pl.Int64).alias("_page")))
        votes.append(p.votes.with_columns(pl.lit(page, dtype=pl.Int64).alias("_page")))
    rc = pl.concat(rcs).sort("_page", maintain_order=True).unique("undl_id", keep="last", maintain_order=True)
    kept = pl.concat(votes).join(rc.select("undl_id", "_page"), on=["undl_id", "_page"], how="semi")
    return _split(rc.drop("_page"), kept.drop("_page"), body, [u for p in parts for u in p.pages])


# --------------------------------------------------------------------------- the bulk layout


def write_undl_csv(marc: MarcVotes, path: Path, base_url: str = "https://digitallibrary.un.org") -> int:
    """Write the records with votes in the UN DL bulk layout (``undl-2026``); returns the rows written.

    One row per state vote, sorted by record id then state code, so the same
    records always give the same bytes (the store then sees an unchanged file).
    A record without a symbol has an empty ``resolution``. The file is written
    to a temporary name and renamed into place.
    """
    rc = marc.roll_calls.select(
        "undl_id",
        pl.col("date").dt.strftime("%Y-%m-%d").alias("date"),
        "session",
        pl.col("symbol").alias("resolution"),
        "meeting",
        "title",
        "subjects",
        "total_yes",
        "total_no",
        "total_abstentions",
        "total_non_voting",
        "total_ms",
    )
    rows = (
        marc.votes.join(rc, on="undl_id", how="inner")
        .with_columns(
            draft=pl.lit(None, dtype=pl.String),
            committee_report=pl.lit(None, dtype=pl.String),
            agenda_title=pl.lit(None, dtype=pl.String),
            vote_note=pl.lit(None, dtype=pl.String),
            undl_link=pl.lit(base_url.rstrip("/") + "/record/") + pl.col("undl_id").cast(pl.String),
        )
        .sort("undl_id", "ms_code")
        .select(LAYOUT_2026)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    rows.write_csv(tmp)
    tmp.replace(path)
    return rows.height


# --------------------------------------------------------------------------- the search API


def search_url(base_url: str, since: dt.date, jrec: int, rg: int = DEFAULT_PAGE_SIZE, body: str = "GA") -> str:
    """The search-API URL of one page of "Voting Data" records dated ``since`` or later."""
    params = {
        "ln": "en",
        "cc": "Voting Data",
        "p": f"269:{since.isoformat()}->2099-12-31",
        "fct__2": "Security Council" if body == "SC" else "General Assembly",
        "of": "xm",
        "rg": str(rg),
        "jrec": str(jrec),
    }
    return f"{base_url.rstrip('/')}/search?{urllib.parse.urlencode(params)}"


def fetch_marc_records(
    get: Callable[[str], bytes],
    base_url: str,
    since: dt.date,
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_pages: int = 100,
    body: str = "GA",
    today: dt.date | None = None,
) -> MarcVotes:
    """Every "Voting Data" record of ``body`` dated ``since`` or later, page by page.

    Parameters
    ----------
    get
        Fetches a URL and returns the body (raising
        :class:`~polycentric.errors.DownloadError` on HTTP errors).
    base_url
        The library's address.
    since
        First date asked for (inclusive).
    page_size
        ``rg``: records per page.
    max_pages
        A bound on the pages read; more raises :class:`DownloadError`.
    """
    parts: list[MarcVotes] = []
    jrec = 1
    for _ in range(max_pages):
        url = search_url(base_url, since, jrec, page_size, body)
        part = read_marc_xml(get(url), origin=url, body=None, today=today)
        parts.append(part)
        if part.n_records < page_size:
            return combine(parts, body)
        jrec += page_size
    raise DownloadError(
        f"the search for records since {since} did not end after {max_pages} pages of {page_size}; "
        "narrow it (a later --since) or raise max_pages"
    )
