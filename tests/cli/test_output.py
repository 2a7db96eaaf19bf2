"""``polycentric.cli.output``: table cells, CSV/JSON text, Parquet/Stata needing --out."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from polycentric.cli.output import emit, render
from polycentric.errors import ConfigurationError


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def test_table_floats_have_one_number_of_decimals_per_column() -> None:
    df = pl.DataFrame(
        {
            "state": ["CHN", "IND", "ZZZ"],
            "rate": [0.0632911, 0.0122, 0.0],  # within [-1, 1]: 4 decimals
            "size": [107.24, 94.0, 9.5],  # up to 1000: 1 decimal
            "big": [12345.6, 7.0, None],  # beyond: none, never scientific notation
            "n": [79, 82, 5],
        }
    )
    assert _rows(render(df, "table")) == [
        ["state", "rate", "size", "big", "n"],
        ["CHN", "0.0633", "107.2", "12346", "79"],
        ["IND", "0.0122", "94.0", "7", "82"],
        ["ZZZ", "0.0000", "9.5", "5"],  # a null is an empty cell
    ]
    nan = render(pl.DataFrame({"value": [float("nan"), -0.5]}), "table")
    assert _rows(nan) == [["value"], ["NaN"], ["-0.5000"]]


def test_table_cut_and_csv_json_exact() -> None:
    df = pl.DataFrame({"state": ["NAM", "USA", "RUS"], "value": [0.25, 1.0, -1.0]})
    cut = render(df, "table", max_rows=2)
    assert cut.splitlines()[-1] == "... 1 more rows (use --format csv or --out FILE for all)"
    assert render(df, "csv") == "state,value\nNAM,0.25\nUSA,1.0\nRUS,-1.0\n"
    assert json.loads(render(df, "json")) == [
        {"state": "NAM", "value": 0.25},
        {"state": "USA", "value": 1.0},
        {"state": "RUS", "value": -1.0},
    ]
    with pytest.raises(ConfigurationError, match="unknown format"):
        render(df, "xlsx")


def test_emit_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    df = pl.DataFrame({"state": ["NAM"], "value": [0.5]})
    with pytest.raises(ConfigurationError, match="needs --out"):
        emit(df, "parquet")
    emit(df, "parquet", tmp_path / "x.parquet")
    assert pl.read_parquet(tmp_path / "x.parquet").equals(df)
    emit(df, "csv", tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_text() == "state,value\nNAM,0.5\n"
    assert capsys.readouterr().out == ""


def _both(df: pl.DataFrame) -> tuple[str | None, str]:
    """The plain layout and Rich's layout of the same cells."""
    from polycentric.cli.output import _cell, _float_decimals, _plain_table, _rich_table

    decimals = [_float_decimals(df[n]) if t.is_float() else 0 for n, t in df.schema.items()]
    cells = [[_cell(v, d) for v, d in zip(row, decimals, strict=True)] for row in df.iter_rows()]
    right = [t.is_numeric() for t in df.schema.values()]
    return _plain_table(df.columns, right, cells), _rich_table(df, right, cells, color=False)


def test_the_plain_table_is_richs_layout_and_data_is_never_markup() -> None:
    df = pl.DataFrame(
        {
            "title": ["x [abc] y", "[bold]z[/bold]", "é漢字 wide", " lead", "trail ", "", ":thumbs_up:"],
            "n": [1, 22, 333, None, 5, 6, -7],
            "share": [0.5, None, float("nan"), 1.0, 0.25, -0.125, 0.0],
            "ok": [True, False, None, True, True, False, True],
        }
    )
    plain, rich = _both(df)
    assert plain == rich
    assert plain is not None and plain.splitlines()[1:3] == [
        "x [abc] y         1   0.5000  True ",
        "[bold]z[/bold]   22           False",
    ]
    assert ":thumbs_up:" in plain  # not an emoji code
    assert _both(df.head(0)) == ("title  n  share  ok\n", "title  n  share  ok\n")


def test_a_table_wider_than_the_screen_is_wrapped_by_rich() -> None:
    df = pl.DataFrame({"title": ["word " * 60], "n": [1]})
    plain, rich = _both(df)
    assert plain is None
    assert render(df, "table") == rich
    assert len(rich.splitlines()) > 2  # the title wrapped onto several lines


def test_the_plain_table_matches_rich_on_record_listings(record: object) -> None:
    votes = record.votes(resolution="A/RES/ES-11/1")  # type: ignore[attr-defined]
    shown = votes.select("state", "state_name", "vote", "resolution", "date", "session_number", "rollcall_id")
    plain, rich = _both(shown)
    assert plain is not None and plain == rich
    assert len(plain.splitlines()) == shown.height + 1
