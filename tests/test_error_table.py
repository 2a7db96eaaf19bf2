"""One error table for every shell: the CLI's exit codes and the API's statuses come from errors.ERROR_TABLE."""

from __future__ import annotations

import pytest

from polycentric import errors as E
from polycentric.api.app import _status_of


@pytest.mark.parametrize(
    ("exc", "code", "status"),
    [
        (E.InputFormatError("bad", path="f.csv", line=3, field="date"), 2, 422),
        (E.UnknownLayoutError("no layout"), 2, 422),
        (E.OfflineError("offline"), 2, 400),
        (E.ConfigurationError("bad option"), 2, 422),
        (E.UnknownStateError("XXX"), 2, 404),
        (E.UnknownGroupError("XXX"), 2, 404),
        (E.UnknownResolutionError("A/RES/1/999"), 2, 404),
        (E.MeasureError("--years 20x"), 2, 422),
        (E.InsufficientDataError("too few roll calls"), 1, 422),
        (E.RecordNotBuiltError("no record"), 1, 503),
        (E.StoreBusyError("busy"), 2, 503),
        (E.IngestError("failed"), 1, 404),
        (E.ModelFitError("cannot fit"), 1, 503),
        (E.NotFittedError("not fitted"), 1, 503),
        (E.PolycentricError("other"), 1, 400),
    ],
)
def test_exit_code_and_status(exc: E.PolycentricError, code: int, status: int) -> None:
    assert E.exit_code(exc) == code
    assert E.http_status(exc) == status
    assert _status_of(exc) == status  # the API reads the same table


def test_every_error_class_has_a_row_or_a_parent_row() -> None:
    classes = [c for c in vars(E).values() if isinstance(c, type) and issubclass(c, E.PolycentricError)]
    for cls in classes:
        if cls is E.PolycentricError:
            continue
        assert any(issubclass(cls, row[0]) for row in E.ERROR_TABLE), cls.__name__


def test_the_cli_maps_an_error_through_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from polycentric.cli import main as cli_main

    def boom(*_: object, **__: object) -> None:
        raise E.StoreBusyError("another writer holds the store")

    monkeypatch.setattr(cli_main, "app", boom)
    assert cli_main.main(["votes"]) == 2
