"""CLI commands: sync (filled in by its issue's work).

Dependency rule: a thin shell; logic lives in the library.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
