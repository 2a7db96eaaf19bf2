"""Alignment with reference states and group majorities; neutrality rates."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import UnknownStateError
from polycentric.measures._common import group_majority
from polycentric.measures.agreement import agreement
from polycentric.measures.alignment import alignment
from polycentric.measures.neutrality import neutrality

from ._helpers import make_votes, membership

VOTES = make_votes(
    {
        1: {"USA": "Y", "NAM": "N", "X1": "N", "X2": "N", "X3": "Y"},
        2: {"USA": "N", "NAM": "N", "X1": "Y", "X2": "Y", "X3": "A"},
        3: {"USA": "A", "NAM": "Y", "X1": "Y", "X2": "N", "X3": "X"},  # group X1 X2 X3: Y 1, N 1 -> tie
    },
    dates={1: "2010-01-01", 2: "2010-06-01", 3: "2011-01-01"},
)
BLOC = membership([("X1", None, None), ("X2", None, None), ("X3", None, None)])


def test_group_majority_pseudo_state() -> None:
    maj = group_majority(VOTES, BLOC)
    assert maj.select("rollcall_id", "vote", "n_present").rows() == [(1, "N", 3), (2, "Y", 3)]


@settings(max_examples=40, deadline=None)
@given(table=st.lists(st.lists(st.sampled_from("YNAX"), min_size=3, max_size=3), min_size=1, max_size=8))
def test_group_majority_is_the_plurality(table: list[list[str]]) -> None:
    """Against a plain Counter: the most frequent of Y/N/A among the members, no row on a tie or no vote."""
    from collections import Counter

    votes = make_votes({i + 1: dict(zip(["X1", "X2", "X3"], row, strict=True)) for i, row in enumerate(table)})
    got = {rc: (v, n) for rc, v, n in group_majority(votes, BLOC).iter_rows()}
    expected = {}
    for i, row in enumerate(table):
        counts = Counter(v for v in row if v != "X").most_common()
        if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]):
            expected[i + 1] = (counts[0][0], sum(c for _, c in counts))
    assert got == expected


def test_alignment_states_and_groups() -> None:
    out = alignment(VOTES, ["USA", "group:BLOC"], groups={"BLOC": BLOC}, by=None)
    assert out.columns == ["state", "reference", "reference_kind", "index", "value", "n_shared"]
    usa = {(r["state"], r["reference"]): r for r in out.iter_rows(named=True)}
    # NAM (Namibia) vs USA: rc1 N/Y 0, rc2 N/N 1, rc3 Y/A 0 -> 1/3
    assert usa[("NAM", "USA")]["value"] == pytest.approx(1 / 3) and usa[("NAM", "USA")]["n_shared"] == 3
    # NAM vs bloc majority (N, Y; none on rc3): rc1 1, rc2 0 -> 0.5 over 2
    assert usa[("NAM", "BLOC")]["value"] == pytest.approx(0.5) and usa[("NAM", "BLOC")]["n_shared"] == 2
    assert usa[("NAM", "BLOC")]["reference_kind"] == "group"
    assert usa[("USA", "USA")]["value"] == 1.0
    # the state reference equals the pairwise agreement function
    pair = agreement(VOTES, "X3", "USA", "lijphart", by=None)
    lij = alignment(VOTES, ["USA"], index="lijphart", by=None, states=["X3"])
    assert lij["value"].item() == pytest.approx(pair["value"].item())


def test_namibia_is_not_the_non_aligned_movement(fake_groups: dict[str, pl.DataFrame]) -> None:
    fake_groups["NAM"] = BLOC
    as_state = alignment(VOTES, ["state:NAM"], by=None, states=["USA"])
    as_group = alignment(VOTES, ["group:NAM"], by=None, states=["USA"])
    assert as_state["reference_kind"].item() == "state" and as_group["reference_kind"].item() == "group"
    assert as_state["n_shared"].item() == 3 and as_group["n_shared"].item() == 2
    with pytest.raises(UnknownStateError):
        alignment(VOTES, ["state:FRA"])


def test_alignment_by_year() -> None:
    out = alignment(VOTES, ["USA"], states=["X1"])
    assert out.select("year", "value", "n_shared").rows() == [(2010, 0.0, 2), (2011, 0.0, 1)]


def test_neutrality_hand_computed() -> None:
    out = neutrality(VOTES, by=None)
    x3 = out.filter(pl.col("state") == "X3").row(0, named=True)
    assert (x3["n_yes"], x3["n_no"], x3["n_abstain"], x3["n_absent"], x3["n_rollcalls"]) == (1, 0, 1, 1, 3)
    assert x3["abstention_rate"] == pytest.approx(0.5)
    assert x3["non_voting_rate"] == pytest.approx(1 / 3)
    assert x3["neutral_rate"] == pytest.approx(2 / 3)
    only_x = neutrality(make_votes({1: {"A": "X"}}), by=None)
    assert only_x["abstention_rate"].to_list() == [None] and only_x["non_voting_rate"].to_list() == [1.0]


def test_record_neutrality_and_alignment_direct(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes = real[0].filter(pl.col("year") == 2022)
    n = neutrality(votes, states=["IND"]).row(0, named=True)
    ind = votes.filter(pl.col("state") == "IND")["vote"].to_list()
    assert n["abstention_rate"] == pytest.approx(ind.count("A") / sum(v in "YNA" for v in ind))
    al = alignment(votes, ["USA", "CHN"], states=["IND"])
    for ref in ("USA", "CHN"):
        pair = agreement(votes, "IND", ref, by="year")
        assert al.filter(pl.col("reference") == ref)["value"].item() == pytest.approx(pair["value"].item())


@settings(max_examples=40, deadline=None)
@given(
    table=st.lists(st.lists(st.sampled_from("YNAX"), min_size=4, max_size=4), min_size=1, max_size=8),
    seed=st.integers(0, 1000),
)
def test_alignment_properties(table: list[list[str]], seed: int) -> None:
    votes = make_votes({i + 1: dict(zip(["USA", "X1", "X2", "X3"], row, strict=True)) for i, row in enumerate(table)})
    if votes.filter(pl.col("state") == "USA")["vote"].is_in(["Y", "N", "A"]).sum() == 0:
        return
    out = alignment(votes, ["USA", "group:BLOC"], groups={"BLOC": BLOC}, by=None, index="s")
    assert ((out["value"] >= -1) & (out["value"] <= 1)).all()
    assert out.filter((pl.col("state") == "USA") & (pl.col("reference") == "USA"))["value"].item() == 1.0
    shuffled = votes.sample(fraction=1.0, shuffle=True, seed=seed)
    again = alignment(shuffled, ["USA", "group:BLOC"], groups={"BLOC": BLOC}, by=None, index="s")
    assert out.equals(again)
