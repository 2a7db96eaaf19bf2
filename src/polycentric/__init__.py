"""polycentric: the UN voting record as a live, measurable model of the international system.

The public API is curated here; submodules are imported lazily so that
``import polycentric`` stays fast.

>>> import polycentric
>>> record = polycentric.open()                                  # doctest: +SKIP
>>> record.votes(resolution="A/RES/ES-11/1")                     # doctest: +SKIP

Package layout and dependency rules (each package states its own rule):

- ``errors``: the exception tree; imports nothing.
- ``config``: home and data folders.
- ``sources``: readers and the downloader (files -> tables), no statistics.
- ``record``: the embedded store (DuckDB/Parquet); the only SQL.
- ``registry``: states and groups, curated data files.
- ``measures``: agreement, cohesion, alignment, shifts, series; pure functions.
- ``models``: ideal points, polarity, forecasting; estimators.
- ``cli``, ``api``, ``web``, ``report``: shells over the library.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> "module:attribute"
_EXPORTS: dict[str, str] = {
    # errors
    "PolycentricError": "polycentric.errors:PolycentricError",
    # record
    "open": "polycentric.record.store:open_record",
    "Record": "polycentric.record.store:Record",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'polycentric' has no attribute {name!r}")
    module_name, attr = target.split(":")
    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
