"""Render a DataFrame for the command line: table, CSV, JSON, Parquet or Stata.

Every listing command calls :func:`emit`, so ``--format`` and ``--out`` behave
the same everywhere. CSV goes through :func:`polycentric.export.to_csv`: text
cells a spreadsheet would run as a formula (leading ``= + - @``, TAB, CR) get a
single quote in front; ``polycentric --raw ...`` (or ``POLYCENTRIC_CSV_RAW=1``)
writes them as stored.

Dependency rule: imports polars, rich, ``polycentric.export``, ``polycentric.errors`` and ``polycentric.record.export`` (Stata, CSVW).
"""

from __future__ import annotations

import enum
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from polycentric.errors import ConfigurationError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["OutputFormat", "TableFormat", "csv_raw", "emit", "render", "write_csv_with_metadata", "write_stata"]


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


_TABLE_WIDTH = 200
"""The width a table is laid out in; a wider one is wrapped by Rich."""


def _cell_width(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _plain_table(header: list[str], right: list[bool], rows: list[list[str]]) -> str | None:
    """The table Rich draws (no box, columns two spaces apart, numbers right-aligned), as plain text; None
    when it does not fit in :data:`_TABLE_WIDTH` or holds control characters (then Rich lays it out).

    Rich takes about 1 ms a row; this takes microseconds (``tests/cli/test_output.py`` checks both give
    the same text).
    """
    if not header:
        return None
    columns = [header, *rows]
    widths = [max(_cell_width(r[i]) for r in columns) for i in range(len(header))]
    if sum(widths) + 2 * (len(widths) - 1) > _TABLE_WIDTH:
        return None
    if not all(c.isprintable() for r in columns for c in r):
        return None
    lines = []
    for r in columns:
        parts = []
        for cell, width, r_just in zip(r, widths, right, strict=True):
            pad = " " * (width - _cell_width(cell))
            parts.append(pad + cell if r_just else cell + pad)
        lines.append("  ".join(parts) + "\n")
    return "".join(lines)


def _rich_table(df: pl.DataFrame, right: list[bool], rows: list[list[str]], *, color: bool) -> str:
    """The table laid out by Rich (wrapped to :data:`_TABLE_WIDTH`; a ``vote`` column coloured when ``color``).

    Cells are :class:`rich.text.Text`, so brackets and colons in the data are shown as they are, never
    read as Rich markup or emoji codes.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from polycentric.record.cite import VOTE_COLORS

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for name, r_just in zip(df.columns, right, strict=True):
        table.add_column(name, justify="right" if r_just else "left")
    vote_at = df.columns.index("vote") if color and "vote" in df.columns else None
    for row in rows:
        cells = [Text(c) for c in row]
        if vote_at is not None and row[vote_at] in VOTE_COLORS:
            cells[vote_at] = Text(row[vote_at], style=f"bold {VOTE_COLORS[row[vote_at]]}")
        table.add_row(*cells)
    buf = io.StringIO()
    Console(file=buf, width=_TABLE_WIDTH, force_terminal=color, color_system="truecolor" if color else None).print(
        table
    )
    return buf.getvalue()


def render(
    df: pl.DataFrame, fmt: str = "table", *, max_rows: int | None = None, raw: bool | None = None, color: bool = False
) -> str:
    """The text of ``df`` in ``fmt`` (table, csv or json); CSV cells are neutralised unless ``raw`` (see module doc).

    ``color=True`` (a table on a terminal) colours a ``vote`` column's Y/N/A/X with the one palette
    the dashboard and the charts use (:data:`polycentric.record.cite.VOTE_COLORS`).
    """
    fmt = getattr(fmt, "value", fmt)
    if fmt == "csv":
        from polycentric.export import to_csv

        return to_csv(df, raw=csv_raw() if raw is None else raw)
    if fmt == "json":
        return _to_json(df)
    if fmt == "table":
        shown = df if max_rows is None else df.head(max_rows)
        decimals = [_float_decimals(shown[name]) if dtype.is_float() else 0 for name, dtype in shown.schema.items()]
        cells = [[_cell(v, d) for v, d in zip(row, decimals, strict=True)] for row in shown.iter_rows()]
        right = [dtype.is_numeric() for dtype in shown.schema.values()]
        text = None if color else _plain_table(shown.columns, right, cells)
        if text is None:
            text = _rich_table(shown, right, cells, color=color)
        if max_rows is not None and df.height > max_rows:
            text += f"... {df.height - max_rows} more rows (use --format csv or --out FILE for all)\n"
        return text
    raise ConfigurationError(f"unknown format {fmt!r}: expected table, csv, json, parquet or dta")


def write_stata(df: pl.DataFrame, out: str | Path) -> None:
    """Write ``df`` as a labelled Stata ``.dta`` (:func:`polycentric.record.export.write_stata`)."""
    from polycentric.record.export import write_stata as write_labelled

    write_labelled(df, out, label="polycentric: UN voting record")


def write_csv_with_metadata(df: pl.DataFrame, out: str | Path) -> Path:
    """Write ``out`` (CSV) and its CSVW metadata ``out-metadata.json`` (:mod:`polycentric.record.export`)."""
    from polycentric.record.export import write_csv_with_metadata as write

    return write(df, out, title=Path(out).stem)


def emit(df: pl.DataFrame, fmt: str = "table", out: str | Path | None = None, *, max_rows: int | None = 200) -> None:
    """Write ``df`` to ``out`` (or stdout) in ``fmt``.

    ``parquet`` and ``dta`` (Stata) need ``out``. A table on stdout is cut at ``max_rows`` rows with a note.
    A CSV written to ``out`` gets its CSVW metadata beside it (``out-metadata.json``).
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
    on_terminal = out is None and fmt == "table" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = render(
        df, fmt, max_rows=None if out is not None else (max_rows if fmt == "table" else None), color=on_terminal
    )
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
        if fmt == "csv":  # the CSVW description beside it (NAME.csv-metadata.json)
            import json

            from polycentric.record.export import csvw_metadata

            meta = csvw_metadata(df, Path(out).name, title=Path(out).stem)
            Path(str(out) + "-metadata.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        sys.stdout.write(text)
