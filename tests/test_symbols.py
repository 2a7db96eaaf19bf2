"""The ground floor: one symbol normaliser and one range parser for every layer."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from polycentric.errors import InputFormatError
from polycentric.measures import shifts
from polycentric.measures._common import select_period
from polycentric.symbols import normalise_symbol, parse_range, parse_sessions, parse_years


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("R/68/262", "A/RES/68/262"),
        (" a/res/68/262 ", "A/RES/68/262"),
        ("A/RES/3379(XXX)", "A/RES/30/3379"),
        ("A/RES/3379 (XXX)", "A/RES/30/3379"),
        ("A/RES/2758(XXVI)", "A/RES/26/2758"),
        ("A/RES/997(ES-I)", "A/RES/ES-1/997"),
        ("ESS/11/1", "A/RES/ES-11/1"),
        ("S/RES/2720 (2023)", "S/RES/2720(2023)"),
        ("217 A (III)", "A/RES/3/217A"),  # the Universal Declaration, as the UN writes it
        ("A/RES/217(III)[A]", "A/RES/3/217A"),
        ("A/RES/217 A (III)", "A/RES/3/217A"),
    ],
)
def test_normalise_symbol(raw: str, canonical: str) -> None:
    assert normalise_symbol(raw) == canonical


def test_parse_range_forms() -> None:
    assert parse_range("2000-2003") == [2000, 2001, 2002, 2003]
    assert parse_range("2014") == [2014]
    assert parse_range("70-72,60") == [60, 70, 71, 72]
    assert parse_range("1990..1991") == [1990, 1991]
    assert parse_years("2020–2025") == (2020, 2025)
    assert parse_sessions("60-62,70") == [60, 61, 62, 70]
    with pytest.raises(InputFormatError, match="end comes before"):
        parse_years("2023-2000")
    with pytest.raises(InputFormatError, match="cannot read years"):
        parse_years("last year")
    with pytest.raises(InputFormatError, match="one range"):
        parse_years("2000,2005")


@given(st.integers(1946, 2100), st.integers(0, 40))
def test_parse_range_is_inclusive(start: int, width: int) -> None:
    assert parse_range(f"{start}-{start + width}") == list(range(start, start + width + 1))


def test_old_style_symbol_selects_the_stored_roll_call(record) -> None:  # type: ignore[no-untyped-def]
    """A/RES/3379(XXX) is stored as A/RES/30/3379: the measures find it as the store does."""
    votes = record.votes()
    stored = record.votes(resolution="A/RES/3379(XXX)")
    assert stored.height == 142  # the store's answer (issue 13)
    picked = select_period(votes, "A/RES/3379(XXX)")
    assert picked.height == stored.height
    assert set(picked["resolution"].unique()) == {"A/RES/30/3379"}
    out = shifts(votes, "A/RES/3379(XXX)", "A/RES/ES-11/1", reference="USA")
    assert isinstance(out, pl.DataFrame) and out.height > 100


def test_cli_shifts_from_old_style_symbol(record) -> None:  # type: ignore[no-untyped-def]
    """`polycentric shifts --from "A/RES/3379(XXX)"` finds the roll call (it said "no votes in period")."""
    from typer.testing import CliRunner

    from polycentric.cli.main import app

    result = CliRunner().invoke(
        app,
        [
            "--home",
            str(record.home),
            "shifts",
            "--from",
            "A/RES/3379(XXX)",
            "--to",
            "A/RES/ES-11/1",
            "--top",
            "3",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("state,reference")
    assert len(lines) == 4


def test_as_date_is_the_one_date_reading() -> None:
    import datetime as dt

    from polycentric.symbols import as_date

    assert as_date(None) is None
    assert as_date("2022-03-02") == dt.date(2022, 3, 2)
    assert as_date("2022-03-02T10:30:00") == dt.date(2022, 3, 2)
    assert as_date(dt.datetime(2022, 3, 2, 10, 30)) == dt.date(2022, 3, 2)
    for bad in ("2022-13-01", "2022-03-02junk", "yesterday"):
        with pytest.raises(InputFormatError, match="is not a date"):
            as_date(bad)
