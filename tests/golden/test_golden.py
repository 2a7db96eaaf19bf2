"""The measures reproduce the golden files written by ``make_golden.py`` next to this test."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from .make_golden import HERE, TABLES, record_votes


@pytest.fixture(scope="module")
def votes(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    return record_votes(shared_data, tmp_path_factory.mktemp("golden_home"))


@pytest.mark.parametrize("name", sorted(TABLES))
def test_matches_golden_file(name: str, votes: pl.DataFrame) -> None:
    golden = pl.read_csv(HERE / f"{name}.csv", infer_schema_length=None)
    fresh = TABLES[name](votes)
    # compare the golden file's columns (a measure may gain columns without breaking the record of its numbers)
    missing = set(golden.columns) - set(fresh.columns)
    assert not missing, f"{name}: columns {sorted(missing)} disappeared"
    fresh = fresh.select(golden.columns)
    assert fresh.height == golden.height, f"{name}: {fresh.height} rows, golden {golden.height}"
    for col in golden.columns:
        g, f = golden[col].to_list(), fresh[col].to_list()
        for i, (a, b) in enumerate(zip(g, f, strict=True)):
            if isinstance(a, float) or isinstance(b, float):
                if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
                    assert a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b)), (
                        name,
                        col,
                        i,
                    )
                else:
                    assert b == pytest.approx(a, rel=1e-9, abs=1e-12), (name, col, i, a, b)
            else:
                assert str(a) == str(b), (name, col, i, a, b)
