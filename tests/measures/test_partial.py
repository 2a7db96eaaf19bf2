"""Partial periods: the flag joined onto measures by period, and charts that mark them instead of plotting them."""

from __future__ import annotations

import polars as pl

from polycentric.measures._common import annotate_periods
from polycentric.measures.plots import _figure, draw_time_series


def _periods() -> pl.DataFrame:
    return pl.DataFrame(
        {"year": [2022, 2023, 2024], "n_rollcalls": [86, 88, 3], "partial": [False, False, True]},
        schema={"year": pl.Int32, "n_rollcalls": pl.Int64, "partial": pl.Boolean},
    )


def test_annotate_adds_flag_and_count() -> None:
    df = pl.DataFrame({"group": ["EU"] * 4, "year": [2021, 2022, 2023, 2024], "value": [0.9, 0.8, 0.7, 0.41]})
    out = annotate_periods(df.with_columns(pl.col("year").cast(pl.Int32)), _periods(), "year")
    assert out.columns == ["group", "year", "value", "partial", "n_rollcalls"]
    assert out["partial"].to_list() == [None, False, False, True]  # 2021 unknown to the periods given
    assert out["n_rollcalls"].to_list() == [None, 86, 88, 3]
    # a measure with its own n_rollcalls keeps it; pooled measures are left alone
    own = df.with_columns(n_rollcalls=pl.lit(5, dtype=pl.Int64))
    assert annotate_periods(own, _periods(), "year")["n_rollcalls"].to_list() == [5, 5, 5, 5]
    assert annotate_periods(df, _periods(), None).equals(df)


def test_chart_hatches_partial_periods() -> None:
    df = pl.DataFrame(
        {"group": ["EU"] * 3 + ["NAM"] * 3, "year": [2022, 2023, 2024] * 2, "value": [0.9, 0.8, 0.41, 0.9, 0.9, 0.9]}
    )
    flagged = annotate_periods(df.with_columns(pl.col("year").cast(pl.Int32)), _periods(), "year")
    _fig, ax = _figure()
    assert draw_time_series(ax, flagged, x="year", y="value", hues=["group"]) == 1
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_x() == 2023.5  # the band of 2024
    eu = next(line for line in ax.get_lines() if line.get_label() == "EU")
    ys = eu.get_ydata()
    assert list(ys[:2]) == [0.9, 0.8] and ys[2] != ys[2]  # the line stops before the partial year (NaN)
    hollow = [line for line in ax.get_lines() if line.get_markerfacecolor() == "none"]
    assert len(hollow) == 2 and sorted(float(line.get_ydata()[0]) for line in hollow) == [0.41, 0.9]
    _fig2, ax2 = _figure()
    assert draw_time_series(ax2, df, x="year", y="value", hues=["group"]) == 0 and not ax2.patches
