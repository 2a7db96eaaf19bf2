from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from polycentric.measures import tally


def test_es11_1_tally_from_the_record(record) -> None:  # type: ignore[no-untyped-def]
    out = tally(record.votes(resolution="A/RES/ES-11/1"), by="resolution")
    assert out.select("yes", "no", "abstain", "non_voting", "present", "members").row(0) == (141, 5, 35, 12, 181, 193)
    assert out["adopted_simple"].to_list() == [True]


def test_hand_computed_by_two_keys() -> None:
    v = pl.DataFrame(
        {"year": [2000, 2000, 2000, 2001, 2001], "state": ["A", "A", "B", "A", "A"], "vote": ["Y", "Y", "N", "A", "X"]}
    )
    out = tally(v, by=["year", "state"])
    assert out.rows() == [
        (2000, "A", 2, 0, 0, 0, 2, 2, True),
        (2000, "B", 0, 1, 0, 0, 1, 1, False),
        (2001, "A", 0, 0, 1, 1, 1, 2, False),
    ]


@given(st.lists(st.sampled_from("YNAX"), min_size=1, max_size=60))
def test_counts_add_up(codes: list[str]) -> None:
    out = tally(pl.DataFrame({"rollcall_id": [1] * len(codes), "vote": codes})).row(0, named=True)
    assert out["members"] == len(codes)
    assert out["yes"] == codes.count("Y") and out["non_voting"] == codes.count("X")
    assert out["present"] == len(codes) - codes.count("X")
