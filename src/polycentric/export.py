"""CSV that a spreadsheet will not execute: the one export function every shell uses.

A spreadsheet (Excel, LibreOffice, Google Sheets) treats a cell that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula, and some also a cell that
starts with a TAB or a carriage return, so a title such as
``=HYPERLINK("http://x", "click")`` in a data file would run when an exported
CSV is opened (CSV injection). Following the OWASP guidance
(https://owasp.org/www-community/attacks/CSV_Injection), :func:`to_csv`
prefixes such text cells with a single quote, which spreadsheets show as
text. Numbers are never changed: numeric columns are written as they are,
and a text cell that is a plain number (``-12``, ``+3.5``, ``-1e-3``) stays
as it is. ``raw=True`` writes every cell as stored.

The CLI (``--format csv``; ``polycentric --raw`` turns it off), the HTTP API
(``?format=csv``; ``&raw=true`` turns it off) and the dashboard's CSV buttons
(which download the API's CSV) all write CSV through :func:`to_csv`.

Dependency rule: imports polars only; any layer may use it.
"""

from __future__ import annotations

import polars as pl

__all__ = ["FORMULA_START", "neutralise", "neutralise_frame", "to_csv"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

_RISKY = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def neutralise(value: str | None) -> str | None:
    """One cell made safe: a single quote before a leading ``= + - @``, TAB or CR, unless it is a plain number.

    >>> neutralise('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("-12.5"), neutralise("A/RES/77/1"), neutralise(None)
    ('-12.5', 'A/RES/77/1', None)
    """
    if value is None or not value.startswith(FORMULA_START):
        return value
    import re

    return value if re.match(_NUMBER, value) else "'" + value


def neutralise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every text cell passed through :func:`neutralise` (numeric columns untouched)."""
    exprs = []
    for name, dtype in df.schema.items():
        if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
            col = pl.col(name).cast(pl.String)
            risky = col.str.contains(_RISKY) & ~col.str.contains(_NUMBER)
            exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    return df.with_columns(exprs) if exprs else df


def to_csv(df: pl.DataFrame, *, raw: bool = False) -> str:
    """``df`` as CSV text, formula-like text cells neutralised unless ``raw``."""
    return (df if raw else neutralise_frame(df)).write_csv()
