"""Reader of the UN Digital Library General Assembly voting file (record 4060887).

One row per member state per adopted resolution voted on. Three header
layouts are known (``../shared/data/un_dl_format``):

``undl-2024``
    The 2024-09-12 file as its data dictionary names the columns (plural
    ``ms_codes, ms_names, ms_votes, resolutions, agenda_titles``, totals
    ``yes, no, abstentions, non-voting, total-voting``, ``NV`` for non-voting,
    no ``session`` column).
``undl-2025``
    The 2025 files: singular names, ``session``, totals ``total_*``, ``X`` for non-voting.
``undl-2026``
    The 2026-02-06 file: as 2025 plus ``vote_note``.

The file is streamed in Arrow batches (pyarrow.csv, gzip on the fly); only the
columns needed are converted, and roll-call metadata are kept once per
``undl_id`` so memory stays bounded by the votes themselves.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.schema import ISSUE_COLUMNS, conform
from polycentric.sources._checks import check_required, map_votes, parse_dates, parse_ints, resolve_states
from polycentric.sources.common import (
    SOURCE_ROLL_CALLS,
    SourceData,
    normalise_symbols,
    read_csv_fast_runs,
    read_frame,
    rejected_rows,
    session_in_progress_expr,
    source_data,
    split_duplicates,
    stream_csv,
)

__all__ = ["LAYOUTS", "LAYOUT_LONG", "LAYOUT_LONG_INDEX", "VOTE_CODES", "read_long_index", "read_undl"]

LAYOUT_2026 = [
    "undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "draft", "committee_report",
    "meeting", "title", "agenda_title", "subjects", "vote_note", "total_yes", "total_no", "total_abstentions",
    "total_non_voting", "total_ms", "undl_link",
]  # fmt: skip
LAYOUT_2025 = [c for c in LAYOUT_2026 if c != "vote_note"]
LAYOUT_2024 = [
    "undl_id", "ms_codes", "ms_names", "ms_votes", "resolutions", "title", "modality", "draft", "committee_report",
    "meeting", "agenda_titles", "subjects", "date", "yes", "no", "abstentions", "non-voting", "total-voting",
    "undl_link",
]  # fmt: skip

LAYOUT_LONG = ["undl_id", "body", "session", "resolution", "date", "title", "ms_code", "ms_vote"]
"""The long layout of ``unga_unsc_votes_2023_2025_combined/*_votes_long.csv.gz`` (extra ``source`` column allowed)."""
LAYOUT_LONG_INDEX = ["undl_id", "body", "session", "resolution", "date", "title", "yes", "no", "abstain", "non_voting"]
"""Its roll-call list (``resolutions.csv``): the same titles, tallies recomputed from the vote rows."""

LAYOUTS: dict[str, list[str]] = {
    "undl-2026": LAYOUT_2026,
    "undl-2025": LAYOUT_2025,
    "undl-2024": LAYOUT_2024,
    "undl-long": LAYOUT_LONG,
}
"""Known UN DL header layouts (full column lists)."""

_RENAME_2024 = {
    "ms_codes": "ms_code",
    "ms_names": "ms_name",
    "ms_votes": "ms_vote",
    "resolutions": "resolution",
    "agenda_titles": "agenda_title",
    "yes": "total_yes",
    "no": "total_no",
    "abstentions": "total_abstentions",
    "non-voting": "total_non_voting",
}

VOTE_CODES: dict[str, str | None] = {"Y": "Y", "N": "N", "A": "A", "X": "X", "NV": "X"}
"""UN DL vote codes: Y yes, N no, A abstention, X (2025-) or NV (2024) non-voting."""

_META = [
    "body",
    "session",
    "resolution",
    "title",
    "agenda_title",
    "subjects",
    "total_yes",
    "total_no",
    "total_abstentions",
    "total_non_voting",
]


def read_undl(path: Path, layout: str, header: list[str], *, source: str = "undl") -> SourceData:
    """Read a UN DL GA voting file (plain or gzip) into a :class:`SourceData`.

    Parameters
    ----------
    path
        The CSV file.
    layout
        One of :data:`LAYOUTS` (see :func:`polycentric.sources.detect.detect_layout`).
    header
        The file's header (as read).
    """
    rename = _RENAME_2024 if layout == "undl-2024" else {}
    wanted = ["undl_id", "ms_code", "ms_vote", "date", *_META]
    inverse = {v: k for k, v in rename.items()}
    columns = [inverse.get(c, c) for c in wanted if inverse.get(c, c) in header]
    meta_cols = [c for c in _META if inverse.get(c, c) in header]
    per_vote = [inverse.get(c, c) for c in ("undl_id", "ms_code", "ms_vote", "date")]
    n_leading = 1 + max(header.index(inverse.get(c, c)) for c in ("undl_id", "ms_code", "ms_vote"))
    firsts = [c for c in columns if c not in ("ms_code", "ms_vote")]
    fast = read_csv_fast_runs(path, header, inverse.get("undl_id", "undl_id"), n_leading, per_vote, firsts)
    if fast is not None:
        raw = fast[0].rename({k: v for k, v in rename.items() if k in fast[0].columns})
        meta: pl.DataFrame | None = fast[1].rename({k: v for k, v in rename.items() if k in fast[1].columns})
    else:
        raw, meta = _stream(path, columns, header, rename, meta_cols)
    if "_rec" not in raw.columns:
        raw = raw.with_columns(pl.lit(0, dtype=pl.Int64).alias("_rec"))
    check_required(path, raw, ["undl_id", "ms_code", "ms_vote"])
    dates = parse_dates(path, raw, "date")
    ids = parse_ints(path, raw, "undl_id", allow_null=False)
    vote = map_votes(path, raw, "ms_vote", VOTE_CODES)
    state = resolve_states(path, raw, "ms_code", dates)
    votes = pl.DataFrame({"src_rc": ids, "state": state, "vote": vote, "code": raw["ms_code"], "_rec": raw["_rec"]})
    n_rows = votes.height
    ledger_rows = []
    if meta is not None and "body" in meta.columns:
        # a file of both bodies (the combined long layout): only its General Assembly rows are GA votes
        other = meta.filter(pl.col("body").fill_null("GA").str.strip_chars().str.to_uppercase() != "GA")
        if other.height:
            other_ids = parse_ints(path, other, "undl_id", allow_null=False)
            is_other = votes["src_rc"].is_in(other_ids.implode())
            n_other = int(is_other.sum())
            votes = votes.filter(~is_other)
            meta = meta.filter(pl.col("body").fill_null("GA").str.strip_chars().str.to_uppercase() == "GA")
            ledger_rows.append(
                (source, path.name, "votes", "skipped", "not a General Assembly row (body SC): not read as GA", n_other)
            )
    votes, dropped = split_duplicates(votes)
    n_dup = dropped.height
    rejected = rejected_rows(path, dropped, lines_are_records=fast is not None)
    del raw

    roll_calls = _roll_calls(path, meta) if meta is not None else pl.DataFrame(schema=SOURCE_ROLL_CALLS)
    return source_data(
        path,
        source=source,
        kind="undl",
        layout=layout,
        roll_calls=roll_calls,
        votes=votes,
        ledger=ledger_rows,
        duplicates=n_dup,
        input_rows={(path.name, "votes"): n_rows},
        rejected=rejected,
    )


def _stream(
    path: Path, columns: list[str], header: list[str], rename: dict[str, str], meta_cols: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Votes and first rows of each roll call, streamed in Arrow batches (files the fast read refused)."""
    votes_parts: list[pl.DataFrame] = []
    meta_parts: list[pl.DataFrame] = []
    offset = 0
    for batch in stream_csv(path, columns, header):
        df = pl.from_arrow(batch)
        assert isinstance(df, pl.DataFrame)
        df = df.rename({k: v for k, v in rename.items() if k in df.columns})
        df = df.with_row_index("_rec", offset=offset).with_columns(pl.col("_rec").cast(pl.Int64))
        offset += df.height
        votes_parts.append(df.select("_rec", "undl_id", "ms_code", "ms_vote", "date"))
        meta_parts.append(
            df.select("_rec", "undl_id", "date", *meta_cols).unique("undl_id", keep="first", maintain_order=True)
        )
        del df
    raw = (
        pl.concat(votes_parts)
        if votes_parts
        else pl.DataFrame(schema={c: pl.String for c in ("undl_id", "ms_code", "ms_vote", "date")})
    )
    meta = pl.concat(meta_parts).unique("undl_id", keep="first", maintain_order=True) if meta_parts else None
    return raw, meta


def _roll_calls(path: Path, meta: pl.DataFrame) -> pl.DataFrame:
    date = parse_dates(path, meta, "date")
    ids = parse_ints(path, meta, "undl_id", allow_null=False)
    totals = {
        "total_yes": "total_yes",
        "total_no": "total_no",
        "total_abstain": "total_abstentions",
        "total_non_voting": "total_non_voting",
    }
    out = pl.DataFrame({"src_rc": ids, "date": date, "first_line": meta["_rec"] + 2})
    for target, col in totals.items():
        out = out.with_columns(
            (
                parse_ints(path, meta, col, dtype=pl.Int32())
                if col in meta.columns
                else pl.Series(target, [None] * meta.height, dtype=pl.Int32)
            ).alias(target)
        )
    res = meta.select(normalise_symbols(pl.col("resolution")).alias("resolution"))["resolution"]

    def text(col: str) -> pl.Series | pl.Expr:
        return meta[col] if col in meta.columns else pl.lit(None, dtype=pl.String)

    out = out.with_columns(
        resolution=res,
        title=text("title"),
        agenda=text("agenda_title"),
        subjects=text("subjects"),
        session_raw=text("session"),
    ).with_columns(pl.col("session_raw").str.strip_chars().str.to_uppercase())
    sym_session = pl.col("resolution").str.extract(r"^A/RES/(ES-\d+|S-\d+|\d+)/", 1)
    raw_session = (
        pl.col("session_raw")
        .str.replace_all(r"\s", "")
        .str.replace(r"^(ES|S)-?0*(\d+)$", "$1-$2")
        .str.replace(r"^0*(\d+).*$", "$1")
    )
    out = out.with_columns(session=pl.coalesce(raw_session, sym_session))
    out = out.with_columns(
        session_number=pl.when(pl.col("session").str.contains(r"^\d+$"))
        .then(pl.col("session").cast(pl.Int32, strict=False))
        .otherwise(session_in_progress_expr(pl.col("date"))),
        year=pl.col("date").dt.year().cast(pl.Int32),
        body=pl.lit("GA"),
        undl_id=pl.col("src_rc"),
        symbol_official=pl.when(pl.col("resolution").is_not_null()).then(True),
        kind=pl.lit("resolution"),
        kind_known=pl.lit(True),
        important=pl.lit(None, dtype=pl.Boolean),
        issues_source=pl.lit(None, dtype=pl.String),
        rcid=pl.lit(None, dtype=pl.Int64),
        **{c: pl.lit(None, dtype=pl.Boolean) for c in ISSUE_COLUMNS},
    )
    return conform(out, SOURCE_ROLL_CALLS)


def read_long_index(path: Path) -> SourceData:
    """Account for the roll-call list beside a long vote file: validated, not stored (its rows are ``skipped``).

    Its titles are the vote file's and its tallies are recomputed from the vote
    rows, so it adds nothing; ingesting the folder reads the vote files instead.
    """
    from polycentric.sources.common import read_header

    df = read_frame(path, LAYOUT_LONG_INDEX, read_header(path))
    check_required(path, df, ["undl_id"])
    parse_ints(path, df, "undl_id", allow_null=False)
    parse_dates(path, df, "date", allow_null=True)
    reason = "roll-call list of the vote files beside it (same titles, tallies counted from their rows): not stored"
    return source_data(
        path,
        source="undl-long",
        kind="undl",
        layout="undl-long-index",
        ledger=[("undl-long", path.name, "index", "skipped", reason, df.height)],
        input_rows={(path.name, "index"): df.height},
    )
