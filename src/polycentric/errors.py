"""Exceptions raised by polycentric.

Every error the library raises on purpose derives from :class:`PolycentricError`,
so ``except PolycentricError`` catches them all. The tree::

    PolycentricError
    ├── ConfigurationError          bad option, home directory or environment
    ├── SourceError                 a problem with an input source
    │   ├── InputFormatError        malformed input: names file, line and field
    │   │   └── UnknownLayoutError  a file whose columns no reader knows
    │   └── DownloadError           fetching a source failed
    │       └── OfflineError        no network: says how to ingest a local file
    ├── RecordError                 the embedded store
    │   ├── RecordNotBuiltError     no record yet at this home
    │   ├── IngestError             an ingest could not complete (store unchanged)
    │   ├── StoreBusyError          another writer held the store past the wait limit
    │   └── UnknownResolutionError  a symbol or record id that names no roll call
    ├── RegistryError               states and groups
    │   ├── UnknownStateError       a code or name that names no state
    │   └── UnknownGroupError       a group id that names no group
    ├── MeasureError                a measure cannot be computed on its input
    │   └── InsufficientDataError   too few roll calls or states
    └── ModelError                  estimators
        ├── NotFittedError          a fitted attribute was asked before fit()
        ├── ConvergenceError        an estimator failed to converge
        └── ModelFitError           a model cannot be fitted on this record (says why)

Dependency rule: this module imports nothing from polycentric.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ERROR_TABLE",
    "ConfigurationError",
    "ConvergenceError",
    "DownloadError",
    "IngestError",
    "InputFormatError",
    "InsufficientDataError",
    "MeasureError",
    "ModelError",
    "ModelFitError",
    "NotFittedError",
    "OfflineError",
    "PolycentricError",
    "RecordError",
    "RecordNotBuiltError",
    "RegistryError",
    "SourceError",
    "StoreBusyError",
    "UnknownGroupError",
    "UnknownLayoutError",
    "UnknownResolutionError",
    "UnknownStateError",
    "exit_code",
    "http_status",
]


class PolycentricError(Exception):
    """Base class of every error polycentric raises on purpose."""


class ConfigurationError(PolycentricError):
    """An option, home directory or environment variable is invalid."""


class SourceError(PolycentricError):
    """A problem with an input source (a file or a download)."""


class InputFormatError(SourceError):
    """Malformed input.

    The message names the file, the 1-based line (the header is line 1) and the
    field, so a user can open the file at the fault.

    Parameters
    ----------
    message
        What is wrong, in words.
    path
        The file read.
    line
        1-based physical line number in the file, the header being line 1.
    field
        The column name at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        where = []
        if self.path is not None:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class UnknownLayoutError(InputFormatError):
    """A file whose header matches no known layout; the message lists the expected columns."""


class DownloadError(SourceError):
    """Fetching a source from the network failed."""


class OfflineError(DownloadError):
    """The network cannot be reached; the message says how to ingest a local file instead."""


class RecordError(PolycentricError):
    """A problem with the embedded store."""


class RecordNotBuiltError(RecordError):
    """No record has been built at this home yet (run ``polycentric build`` or ``ingest``)."""


class IngestError(RecordError):
    """An ingest could not complete; the previous store is left intact."""


class StoreBusyError(RecordError):
    """Another process kept the store's writer lock longer than this writer would wait (nothing was written)."""


class UnknownResolutionError(RecordError, KeyError):
    """A resolution symbol (or UN DL record id) that names no roll call; the message suggests where to look."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class RegistryError(PolycentricError):
    """A problem with the state or group registry."""


class UnknownStateError(RegistryError, KeyError):
    """A code or name that names no known state."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownGroupError(RegistryError, KeyError):
    """A group identifier that names no known group."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class MeasureError(PolycentricError, ValueError):
    """A measure cannot be computed on the given input."""


class InsufficientDataError(MeasureError):
    """Too few roll calls, votes or states for the measure or model."""


class ModelError(PolycentricError):
    """A problem with an estimator."""


class NotFittedError(ModelError, AttributeError):
    """A fitted attribute (ending in ``_``) was read before ``fit()``."""


class ConvergenceError(ModelError):
    """An estimator failed to converge."""


class ModelFitError(ModelError):
    """A model cannot be fitted on this record (too few roll calls, a degenerate session); the message says why.

    The HTTP API answers it with 503 (the model is not available on this record), the CLI with exit 1.
    """


# ------------------------------------------------------------------ one table for every shell

ERROR_TABLE: tuple[tuple[type[PolycentricError], int, int], ...] = (
    # error class,            CLI exit code, HTTP status      (first match wins; subclasses first)
    (UnknownResolutionError,  2, 404),
    (UnknownStateError,       2, 404),
    (UnknownGroupError,       2, 404),
    (RecordNotBuiltError,     1, 503),
    (StoreBusyError,          2, 503),
    (InputFormatError,        2, 422),
    (ConfigurationError,      2, 422),
    (InsufficientDataError,   1, 422),
    (MeasureError,            2, 422),
    (RegistryError,           2, 422),
    (SourceError,             2, 400),
    (ModelError,              1, 503),
    (RecordError,             1, 404),
)  # fmt: skip
"""Every library error -> ``(exit code, HTTP status)``: 2 / 4xx for bad input or an unknown name, 1 / 503
when the data or a model is not there (yet). The CLI (:func:`exit_code`) and the HTTP API
(:func:`http_status`) read this one table."""


def _row(exc: BaseException) -> tuple[int, int]:
    """``(exit code, HTTP status)`` of ``exc``: its first row in :data:`ERROR_TABLE`, else ``(1, 400)``."""
    return next(((code, status) for cls, code, status in ERROR_TABLE if isinstance(exc, cls)), (1, 400))


def exit_code(exc: BaseException) -> int:
    """The CLI exit code of a library error (:data:`ERROR_TABLE`; 1 for any other error)."""
    return _row(exc)[0]


def http_status(exc: BaseException) -> int:
    """The HTTP status of a library error (:data:`ERROR_TABLE`; 400 for any other library error)."""
    return _row(exc)[1]
