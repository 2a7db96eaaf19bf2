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
