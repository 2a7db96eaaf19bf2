"""The options every command shares, declared once (``--format``, ``--out``), and the one way to register commands.

Dependency rule: imports typer and :mod:`polycentric.cli.output` only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from polycentric.cli.output import OutputFormat, TableFormat

__all__ = ["FormatOpt", "OutOpt", "RecordFormatOpt", "register_commands"]

FormatOpt = Annotated[TableFormat, typer.Option("--format", "-f", help="table, csv or json.")]
"""``--format`` of a computed table (measures, models, groups)."""

RecordFormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table, csv, json, parquet or dta (Stata; needs --out).")
]
"""``--format`` of a record listing, which Parquet and Stata can also hold."""

OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to FILE instead of the screen.")]
"""``--out FILE`` (CSV gets a CSVW metadata file beside it)."""


def register_commands(app: typer.Typer, commands: dict[str, Callable[..., Any]]) -> None:
    """Add each ``name: function`` of a module's command table to ``app`` (the one way commands are registered)."""
    for name, function in commands.items():
        app.command(name)(function)
