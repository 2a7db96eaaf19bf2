"""Vectorised validation shared by the readers: dates, vote codes, state codes, integers, limits.

Each check finds the first offending record with Polars and raises an
:class:`InputFormatError` naming the file, the physical line and the field.

Limits every input must respect (:func:`check_limits` applies them to what any
reader returns, so a reader cannot forget them; ``polycentric check --strict``
applies them to a stored record with :func:`limit_problems`):

- a date lies between :data:`MIN_DATE` (1945-10-24, the UN Charter's entry into
  force) and today (:func:`max_date`);
- a text field holds at most :data:`FIELD_LIMIT` bytes (64 KiB; the longest
  title in the UN DL file is a few hundred).

Dependency rule: as :mod:`polycentric.sources`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from polycentric.errors import InputFormatError, UnknownStateError
from polycentric.sources.common import SourceData, first_bad, physical_line
from polycentric.states import resolve_codes

__all__ = [
    "FIELD_LIMIT",
    "MIN_DATE",
    "check_columns",
    "check_limits",
    "check_required",
    "limit_problems",
    "map_votes",
    "max_date",
    "parse_dates",
    "parse_ints",
    "resolve_states",
]

MIN_DATE = dt.date(1945, 10, 24)
"""The earliest date a UN vote can have: the Charter entered into force on 24 October 1945."""
FIELD_LIMIT = 64 * 1024
"""Largest text field accepted, in bytes."""
_TEXT_FIELDS = ("resolution", "title", "agenda", "subjects", "session")


def max_date() -> dt.date:
    """The latest date a vote can have: today (the later of the local and the UTC date)."""
    return max(dt.date.today(), dt.datetime.now(dt.UTC).date())


def _date_range_text() -> str:
    return f"{MIN_DATE.isoformat()} (the UN Charter's entry into force) … {max_date().isoformat()} (today)"


def check_columns(path: Path, header: list[str], columns: list[str], layout: str) -> None:
    """Every named column is in the header, else an error naming the missing ones (line 1)."""
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputFormatError(
            f"missing column(s) {', '.join(repr(c) for c in missing)} for the {layout} layout "
            f"(it needs {', '.join(columns)}; the header has {', '.join(header)})",
            path=path,
            line=1,
            field=missing[0],
        )


def _fail(path: Path, df: pl.DataFrame, index: int, field: str, message: str) -> InputFormatError:
    rec = int(df["_rec"][index]) if "_rec" in df.columns else index
    return InputFormatError(message, path=path, line=physical_line(path, rec), field=field)


def check_required(path: Path, df: pl.DataFrame, columns: list[str]) -> None:
    """Every named column is non-empty on every row."""
    for col in columns:
        _refuse_nulls(path, df, df[col], col, "empty value where one is required")


def _refuse_nulls(path: Path, df: pl.DataFrame, values: pl.Series, column: str, message: str) -> None:
    """Raise ``message`` naming the line of the first row of ``df`` whose value in ``values`` is missing."""
    bad = first_bad(values.is_null())
    if bad is not None:
        raise _fail(path, df, bad, column, message)


def parse_dates(
    path: Path, df: pl.DataFrame, column: str, fmt: str = "%Y-%m-%d", *, allow_null: bool = False
) -> pl.Series:
    """Parse a date column; an impossible date (2023-02-30, 2023-13-01) raises naming its line."""
    raw = df[column]
    direct = raw.str.to_date(fmt, strict=False)  # fast path: clean dates as written
    if direct.null_count() == raw.null_count() and (allow_null or raw.null_count() == 0):
        _check_date_range(path, df, column, direct)
        return direct
    text = raw.str.strip_chars().str.slice(0, 10) if fmt == "%Y-%m-%d" else raw.str.strip_chars()
    parsed = text.str.to_date(fmt, strict=False)
    bad = first_bad(parsed.is_null() & raw.is_not_null())
    if bad is not None:
        raise _fail(path, df, bad, column, f"impossible or malformed date {raw[bad]!r} (expected {fmt})")
    if not allow_null:
        _refuse_nulls(path, df, raw, column, "missing date")
    _check_date_range(path, df, column, parsed)
    return parsed


def _check_date_range(path: Path, df: pl.DataFrame, column: str, dates: pl.Series) -> None:
    bad = first_bad(((dates < MIN_DATE) | (dates > max_date())).fill_null(False))
    if bad is not None:
        raise _fail(path, df, bad, column, f"date {df[column][bad]!r} outside {_date_range_text()}")


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
        _refuse_nulls(path, df, raw, column, "missing value")
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


def limit_problems(roll_calls: pl.DataFrame) -> pl.DataFrame:
    """Roll calls that break a limit (date range, text field size): one row per roll call and field.

    Columns: the roll call's own columns ``rollcall_id`` / ``src_rc`` and
    ``first_line`` where present, then ``field``, ``value`` (cut to 80
    characters) and ``problem``. Empty when every row is within the limits.
    """
    keys = [c for c in ("rollcall_id", "src_rc", "first_line", "resolution") if c in roll_calls.columns]
    parts = []
    if "date" in roll_calls.columns:
        out = roll_calls.filter((pl.col("date") < MIN_DATE) | (pl.col("date") > max_date()))
        if out.height:
            parts.append(
                out.select(
                    *keys,
                    pl.lit("date").alias("field"),
                    pl.col("date").cast(pl.String).alias("value"),
                    pl.lit(f"outside {_date_range_text()}").alias("problem"),
                )
            )
    for name in _TEXT_FIELDS:
        if name in roll_calls.columns and roll_calls.schema[name] == pl.String:
            size = pl.col(name).str.len_bytes()
            out = roll_calls.filter(size > FIELD_LIMIT)
            if out.height:
                parts.append(
                    out.select(
                        *keys,
                        pl.lit(name).alias("field"),
                        pl.col(name).str.slice(0, 80).alias("value"),
                        pl.format("{} bytes: over the {} limit", size, pl.lit(f"{FIELD_LIMIT:,}-byte")).alias(
                            "problem"
                        ),
                    )
                )
    schema: dict[str, pl.DataType] = {
        **{k: roll_calls.schema[k] for k in keys},
        "field": pl.String(),
        "value": pl.String(),
        "problem": pl.String(),
    }
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat([p.cast(schema) for p in parts])  # type: ignore[arg-type]


def check_limits(data: SourceData) -> None:
    """Refuse a read source whose roll calls break a limit, naming the file, the line and the field."""
    problems = limit_problems(data.roll_calls)
    if problems.height == 0:
        return
    row = problems.row(0, named=True)
    files = [Path(f) for f in data.files]
    path = next((f for f in files if "roll_call" in f.name and "issue" not in f.name), files[0] if files else None)
    line = row.get("first_line")
    field = row["field"]
    if not line and path is not None and row["problem"].endswith("limit"):
        line, field = _long_field(path, field)
    raise InputFormatError(
        f"{row['field']} {row['value']!r}: {row['problem']}",
        path=path,
        line=int(line) if line else None,
        field=row["field"],
    )


def _long_field(path: Path, field: str) -> tuple[int | None, str]:
    """The physical line and column of the first field over :data:`FIELD_LIMIT` bytes in a CSV file."""
    import csv
    import io

    from polycentric.sources.common import open_binary

    with open_binary(path) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")  # type: ignore[type-var]
        reader = csv.reader(text)
        header = next(reader, [])
        start = 2
        for row in reader:
            for i, value in enumerate(row):
                if len(value.encode("utf-8")) > FIELD_LIMIT:
                    return start, header[i].strip() if i < len(header) else field
            start = reader.line_num + 1
    return None, field
