"""Vectorised validation shared by the readers: dates, vote codes, state codes, integers.

Each check finds the first offending record with Polars and raises an
:class:`InputFormatError` naming the file, the physical line and the field.

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.errors import InputFormatError, UnknownStateError
from polycentric.registry.states import resolve_codes
from polycentric.sources.common import first_bad, physical_line

__all__ = ["check_required", "map_votes", "parse_dates", "parse_ints", "resolve_states"]


def _fail(path: Path, df: pl.DataFrame, index: int, field: str, message: str) -> InputFormatError:
    rec = int(df["_rec"][index]) if "_rec" in df.columns else index
    return InputFormatError(message, path=path, line=physical_line(path, rec), field=field)


def check_required(path: Path, df: pl.DataFrame, columns: list[str]) -> None:
    """Every named column is non-empty on every row."""
    for col in columns:
        bad = first_bad(df[col].is_null())
        if bad is not None:
            raise _fail(path, df, bad, col, "empty value where one is required")


def parse_dates(
    path: Path, df: pl.DataFrame, column: str, fmt: str = "%Y-%m-%d", *, allow_null: bool = False
) -> pl.Series:
    """Parse a date column; an impossible date (2023-02-30, 2023-13-01) raises naming its line."""
    raw = df[column]
    direct = raw.str.to_date(fmt, strict=False)  # fast path: clean dates as written
    if direct.null_count() == raw.null_count() and (allow_null or raw.null_count() == 0):
        return direct
    text = raw.str.strip_chars().str.slice(0, 10) if fmt == "%Y-%m-%d" else raw.str.strip_chars()
    parsed = text.str.to_date(fmt, strict=False)
    bad = first_bad(parsed.is_null() & raw.is_not_null())
    if bad is not None:
        raise _fail(path, df, bad, column, f"impossible or malformed date {raw[bad]!r} (expected {fmt})")
    if not allow_null:
        bad = first_bad(raw.is_null())
        if bad is not None:
            raise _fail(path, df, bad, column, "missing date")
    return parsed


def parse_ints(
    path: Path, df: pl.DataFrame, column: str, *, allow_null: bool = True, dtype: pl.DataType = pl.Int64()
) -> pl.Series:
    """Parse an integer column (``"12"``, ``"12.0"``); anything else raises naming its line."""
    direct = df[column].cast(dtype, strict=False)  # fast path: plain integers
    if direct.null_count() == df[column].null_count() and (allow_null or direct.null_count() == 0):
        return direct
    raw = df[column].str.strip_chars()
    parsed = raw.cast(pl.Float64, strict=False)
    bad = first_bad((parsed.is_null() & raw.is_not_null()) | (parsed.is_not_null() & (parsed != parsed.floor())))
    if bad is not None:
        raise _fail(path, df, bad, column, f"not an integer: {df[column][bad]!r}")
    if not allow_null:
        bad = first_bad(raw.is_null())
        if bad is not None:
            raise _fail(path, df, bad, column, "missing value")
    return parsed.cast(dtype)


def map_votes(path: Path, df: pl.DataFrame, column: str, mapping: dict[str, str | None]) -> pl.Series:
    """Map source vote codes to Y/N/A/X (or None for "no vote", e.g. non-member); unknown codes raise."""
    col = df[column]
    if all(v is not None for v in mapping.values()) and col.null_count() == 0 and bool(col.is_in(list(mapping)).all()):
        # fast path: every code known as written; only the codes that change are replaced
        changed = {k: v for k, v in mapping.items() if k != v}
        return col.replace(changed) if changed else col
    raw = df[column].str.strip_chars()
    known = raw.is_in(list(mapping))
    bad = first_bad(~known | raw.is_null())
    if bad is not None:
        value = df[column][bad]
        raise _fail(
            path,
            df,
            bad,
            column,
            f"unknown vote code {value!r} (expected one of {', '.join(repr(k) for k in mapping)})",
        )
    return raw.replace_strict(mapping, return_dtype=pl.String)


def resolve_states(
    path: Path, df: pl.DataFrame, column: str, dates: pl.Series | None, *, scheme: str | None = None
) -> pl.Series:
    """Canonical state ids for a column of codes or names; an unknown state raises naming its line."""
    try:
        return resolve_codes(df[column], dates, scheme=scheme)
    except UnknownStateError as exc:
        row = exc.args[1] if len(exc.args) > 1 else 0
        raise _fail(path, df, int(row), column, f"unknown state: {exc.args[0]}") from None
