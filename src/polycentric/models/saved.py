"""Where fitted models live in a home, and reading them back (no fitting here).

``polycentric idealpoints fit [--dims D] [--issue I]`` saves its fit with
:meth:`IdealPointModel.save` in ``HOME/models/idealpoints/<issue or all>_<D>d/``;
:func:`idealpoints_folder` names that folder and :func:`load_ideal_points` reads it,
raising :class:`NotFittedError` with the command to run when nothing is there. The HTTP API
and the reports serve these saved fits and never fit a model themselves.

Dependency rule: imports ``polycentric.config``, ``polycentric.errors`` and
``polycentric.models.idealpoints`` (lazily) only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from polycentric.config import home_dir
from polycentric.errors import NotFittedError

__all__ = ["fit_command", "idealpoints_folder", "load_ideal_points"]


def idealpoints_folder(home: str | Path | None = None, dims: int = 1, issue: str | None = None) -> Path:
    """The folder ``polycentric idealpoints fit`` saves a ``dims``-dimensional fit on ``issue`` (None: all) to."""
    return home_dir(home) / "models" / "idealpoints" / f"{issue or 'all'}_{dims}d"


def fit_command(home: str | Path | None = None, dims: int = 1, issue: str | None = None) -> str:
    """The command line that makes that fit."""
    where = f"--home {home} " if home is not None else ""
    flags = (f" --dims {dims}" if dims != 1 else "") + (f" --issue {issue}" if issue else "")
    return f"polycentric {where}idealpoints fit{flags}"


def load_ideal_points(
    home: str | Path | None = None, dims: int = 1, issue: str | None = None
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """``(ideal_points, meta)`` of the saved fit (``IdealPointModel.load_results``).

    Raises
    ------
    NotFittedError
        When the home holds no such fit; the message names the command that makes it.
    """
    from polycentric.models.idealpoints import IdealPointModel

    folder = idealpoints_folder(home, dims, issue)
    if not (folder / "ideal_points.parquet").is_file() or not (folder / "model.json").is_file():
        raise NotFittedError(
            f"no fitted ideal points ({dims}-D, issue {issue or 'all'}) in this home: run `"
            f"{fit_command(home, dims, issue)}` (under a minute)"
        )
    ideal_points, _items, meta = IdealPointModel.load_results(folder)
    return ideal_points, meta
