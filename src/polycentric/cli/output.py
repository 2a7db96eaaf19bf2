"""Render a DataFrame for the command line: table, CSV, JSON, Parquet or Stata.

Every listing command calls :func:`emit`, so ``--format`` and ``--out`` behave
the same everywhere. CSV goes through :func:`polycentric.export.to_csv`: text
cells a spreadsheet would run as a formula (leading ``= + - @``, TAB, CR) get a
single quote in front; ``polycentric --raw ...`` (or ``POLYCENTRIC_CSV_RAW=1``)
writes them as stored.

Dependency rule: imports polars, rich, ``polycentric.export`` and ``polycentric.errors`` only.
"""

from __future__ import annotations

import enum
import io
import json
import os
import sys
from pathlib import Path

import polars as pl

from polycentric.errors import ConfigurationError
from polycentric.export import to_csv

__all__ = ["OutputFormat", "TableFormat", "csv_raw", "emit", "render", "write_stata"]


class OutputFormat(str, enum.Enum):
    """Formats every listing accepts."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    dta = "dta"


class TableFormat(str, enum.Enum):
    """Formats for listings that are not exported as Parquet."""

    table = "table"
    csv = "csv"
    json = "json"


def _to_json(df: pl.DataFrame) -> str:
    rows = df.to_dicts()
    return json.dumps(rows, default=str, ensure_ascii=False, indent=1) + "\n"


def _float_decimals(values: pl.Series) -> int:
    """Decimals for one float column of a table: about four significant digits of its largest value.

    Values within [-1, 1] (shares, indices, probabilities) get 4 decimals, up to 10 get 3,
    up to 100 get 2, up to 1000 one, larger none; one column, one number of decimals, so
    the digits line up and nothing turns into scientific notation.
    """
    finite = values.drop_nulls()
    if finite.dtype.is_float():
        finite = finite.filter(finite.is_finite())
    if finite.len() == 0:
        return 4
    largest = float(finite.abs().max())  # type: ignore[arg-type]
    for decimals, bound in ((4, 1.0), (3, 10.0), (2, 100.0), (1, 1000.0)):
        if largest <= bound:
            return decimals
    return 0


def _cell(value: object, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{decimals}f}" if value == value else "NaN"
    return str(value)


def csv_raw() -> bool:
    """Whether CSV is written as stored (``polycentric --raw``, ``POLYCENTRIC_CSV_RAW=1``), not neutralised."""
    return os.environ.get("POLYCENTRIC_CSV_RAW", "").strip().lower() in ("1", "true", "yes")


def render(df: pl.DataFrame, fmt: str = "table", *, max_rows: int | None = None, raw: bool | None = None) -> str:
    """The text of ``df`` in ``fmt`` (table, csv or json); CSV cells are neutralised unless ``raw`` (see module doc)."""
    fmt = getattr(fmt, "value", fmt)
    if fmt == "csv":
        return to_csv(df, raw=csv_raw() if raw is None else raw)
    if fmt == "json":
        return _to_json(df)
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        shown = df if max_rows is None else df.head(max_rows)
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for name, dtype in shown.schema.items():
            table.add_column(name, justify="right" if dtype.is_numeric() else "left")
        decimals = [_float_decimals(shown[name]) if dtype.is_float() else 0 for name, dtype in shown.schema.items()]
        for row in shown.iter_rows():
            table.add_row(*[_cell(v, d) for v, d in zip(row, decimals, strict=True)])
        buf = io.StringIO()
        Console(file=buf, width=200, force_terminal=False, color_system=None).print(table)
        text = buf.getvalue()
        if max_rows is not None and df.height > max_rows:
            text += f"... {df.height - max_rows} more rows (use --format csv or --out FILE for all)\n"
        return text
    raise ConfigurationError(f"unknown format {fmt!r}: expected table, csv, json, parquet or dta")


def write_stata(df: pl.DataFrame, out: str | Path) -> None:
    """Write ``df`` as a Stata ``.dta`` file (version 118, UTF-8).

    Booleans become 0/1 bytes, dates Stata daily dates (``%td``), integer
    columns with missing values doubles (Stata's missing ``.``), strings keep
    their nulls as empty strings.
    """
    casts = []
    for name, dtype in df.schema.items():
        if dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
        elif dtype.is_integer() and df[name].null_count():
            casts.append(pl.col(name).cast(pl.Float64))
        elif dtype == pl.String:
            casts.append(pl.col(name).fill_null(""))
    frame = df.with_columns(casts).to_pandas()
    dates = {name: "td" for name, dtype in df.schema.items() if dtype == pl.Date}
    for name in dates:
        frame[name] = frame[name].astype("datetime64[ns]")
    frame.to_stata(out, write_index=False, convert_dates=dates, version=118)  # type: ignore[arg-type]


def emit(df: pl.DataFrame, fmt: str = "table", out: str | Path | None = None, *, max_rows: int | None = 200) -> None:
    """Write ``df`` to ``out`` (or stdout) in ``fmt``.

    ``parquet`` and ``dta`` (Stata) need ``out``. A table on stdout is cut at ``max_rows`` rows with a note.
    """
    fmt = getattr(fmt, "value", fmt)
    if fmt == "parquet":
        if out is None:
            raise ConfigurationError("--format parquet needs --out FILE")
        df.write_parquet(out)
        return
    if fmt == "dta":
        if out is None:
            raise ConfigurationError("--format dta needs --out FILE")
        write_stata(df, out)
        return
    text = render(df, fmt, max_rows=None if out is not None else (max_rows if fmt == "table" else None))
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
