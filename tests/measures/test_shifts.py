"""Shifts between two periods and their drivers."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import InsufficientDataError
from polycentric.measures.shifts import shift_drivers, shifts

from ._helpers import make_votes

VOTES = make_votes(
    {
        1: {"REF": "Y", "P": "Y", "Q": "N", "R": "Y"},
        2: {"REF": "N", "P": "N", "Q": "N", "R": "A"},
        3: {"REF": "Y", "P": "N", "Q": "Y", "R": "Y"},
        4: {"REF": "Y", "P": "N", "Q": "Y", "R": "Y"},
        5: {"REF": "N", "P": "Y", "Q": "N", "R": "Y"},
    },
    dates={1: "2014-01-01", 2: "2014-02-01", 3: "2022-01-01", 4: "2022-02-01", 5: "2022-03-01"},
)


def test_hand_computed() -> None:
    out = shifts(VOTES, 2014, 2022, reference="REF")
    rows = {r["state"]: r for r in out.iter_rows(named=True)}
    # P: 2014 1.0 -> 2022 0.0 (change -1); Q: 0.5 -> 1.0 (+0.5); R: 0.5 -> 2/3 (+1/6)
    assert rows["P"]["change"] == pytest.approx(-1.0)
    assert rows["Q"]["change"] == pytest.approx(0.5)
    assert rows["R"]["change"] == pytest.approx(1 / 6)
    assert out["state"].to_list()[:3] == ["P", "Q", "R"]  # by |change|
    # R: from 0.5; in 2022 it agrees on rc3, rc4 (+1/6 each) and not on rc5 (-1/6): rc3, rc4 drive the rise
    assert rows["R"]["drivers"] == "A/RES/99/3;A/RES/99/4"
    assert rows["Q"]["drivers"] == "A/RES/99/3;A/RES/99/4;A/RES/99/5"
    assert rows["P"]["n_from"] == 2 and rows["P"]["n_to"] == 3


def test_periods_as_resolutions_and_ranges() -> None:
    a = shifts(VOTES, ["A/RES/99/1"], ["R/99/5"], reference="REF")
    assert {r["state"]: r["change"] for r in a.iter_rows(named=True)} == {"P": -1.0, "Q": 1.0, "R": -1.0, "REF": 0.0}
    # a tuple of symbols is symbols (not a year range); "R/99/5" is A/RES/99/5
    assert shifts(VOTES, ("A/RES/99/1",), ("R/99/5",), reference="REF").equals(a)
    assert shifts(VOTES, "A/RES/99/1", "A/RES/99/5", reference="REF").equals(a)
    b = shifts(VOTES, "2010-2014", (2020, 2023), reference="REF")
    assert b.equals(shifts(VOTES, 2014, 2022, reference="REF"))
    with pytest.raises(InsufficientDataError):
        shifts(VOTES, 1990, 2022, reference="REF")


@settings(max_examples=40, deadline=None)
@given(
    early=st.lists(st.lists(st.sampled_from("YNA"), min_size=3, max_size=3), min_size=1, max_size=5),
    late=st.lists(st.lists(st.sampled_from("YNA"), min_size=3, max_size=3), min_size=1, max_size=5),
    index=st.sampled_from(["simple", "lijphart", "s"]),
)
def test_contributions_sum_to_the_change(early: list[list[str]], late: list[list[str]], index: str) -> None:
    table = {i + 1: dict(zip(["REF", "P", "Q"], row, strict=True)) for i, row in enumerate(early + late)}
    dates = {i + 1: ("2014" if i < len(early) else "2022") + f"-01-{i + 1:02d}" for i in range(len(early) + len(late))}
    votes = make_votes(table, dates)
    out = shifts(votes, 2014, 2022, reference="REF", index=index)  # type: ignore[arg-type]
    for state in ("P", "Q"):
        d = shift_drivers(votes, state, 2014, 2022, reference="REF", index=index)  # type: ignore[arg-type]
        change = out.filter(pl.col("state") == state)["change"].item()
        assert d["contribution"].sum() == pytest.approx(change)
        assert d.height == len(late)


def test_record_crimea_to_crimea_human_rights(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    """Between A/RES/68/262 (2014) and A/RES/77/229 (2022), changes are vote comparisons on two roll calls."""
    votes = real[0]
    out = shifts(votes, ["A/RES/68/262"], ["A/RES/77/229"], reference="USA")
    v14 = dict(votes.filter(pl.col("resolution") == "A/RES/68/262").select("state", "vote").iter_rows())
    v22 = dict(votes.filter(pl.col("resolution") == "A/RES/77/229").select("state", "vote").iter_rows())
    for row in out.head(40).iter_rows(named=True):
        s = row["state"]
        before = float(v14[s] == v14["USA"])
        after = float(v22[s] == v22["USA"])
        assert row["change"] == after - before
    assert set(out["change"].unique().to_list()) <= {-1.0, 0.0, 1.0}
