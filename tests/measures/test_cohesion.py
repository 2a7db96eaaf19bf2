"""Cohesion (Rice; Hix–Noury–Roland agreement index): hand cases, dated membership, properties, the record."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import MeasureError, UnknownGroupError
from polycentric.measures._common import membership_mask
from polycentric.measures.cohesion import cohesion, cohesion_rollcalls

from ._helpers import EU15, make_votes, membership

GROUP = membership([("A", None, None), ("B", None, None), ("C", None, None), ("D", None, None), ("E", None, None)])

VOTES = make_votes(
    {
        1: {"A": "Y", "B": "Y", "C": "Y", "D": "N", "E": "A", "Z": "N"},  # rice |3-1|/4 = .5, AI (3 - 2/2)/5 = .4
        2: {"A": "Y", "B": "Y", "C": "N", "D": "N", "E": "X"},  # rice 0, AI (2 - 2/2)/4 = .25
        3: {"A": "A", "B": "A", "C": "X", "D": "X", "E": "X"},  # rice undefined, AI 1
        4: {"A": "Y", "B": "X", "C": "X", "D": "X", "E": "X"},  # one voter only
    },
    dates={1: "2001-03-01", 2: "2001-04-01", 3: "2001-05-01", 4: "2002-01-01"},
)


def test_per_rollcall_hand_computed() -> None:
    rc = cohesion_rollcalls(VOTES, GROUP, name="G")
    assert rc["rollcall_id"].to_list() == [1, 2, 3, 4]
    assert rc["n_present"].to_list() == [5, 4, 2, 1]
    assert rc["n_absent"].to_list() == [0, 1, 3, 4]
    assert rc["n_members"].to_list() == [5, 5, 5, 5]  # Z is not a member
    assert rc["rice"].to_list() == [0.5, 0.0, None, 1.0]
    assert rc["agreement"].to_list() == pytest.approx([0.4, 0.25, 1.0, 1.0])


def test_aggregate_by_year() -> None:
    out = cohesion(VOTES, {"G": GROUP}, index=["rice", "agreement"])
    assert out.columns == ["group", "year", "index", "value", "n_rollcalls", "mean_size_present", "thin"]
    assert out["thin"].all()  # two or three roll calls a year: fewer than MIN_ROLLCALLS
    rows = {(r["year"], r["index"]): r for r in out.iter_rows(named=True)}
    # 2001: rice over rc1, rc2 (rc3 has no Y/N); agreement over rc1..3; 2002: rc4 has one voter < min_present
    assert rows[(2001, "rice")]["value"] == pytest.approx(0.25)
    assert rows[(2001, "rice")]["n_rollcalls"] == 2
    assert rows[(2001, "rice")]["mean_size_present"] == pytest.approx(4.5)
    assert rows[(2001, "agreement")]["value"] == pytest.approx((0.4 + 0.25 + 1.0) / 3)
    assert rows[(2001, "agreement")]["n_rollcalls"] == 3
    assert (2002, "rice") not in rows
    # the default index is the agreement index, which counts abstentions
    assert cohesion(VOTES, {"G": GROUP})["index"].unique().to_list() == ["agreement"]
    one = cohesion(VOTES, {"G": GROUP}, index="agreement", min_present=1, by=None)
    assert one["n_rollcalls"].item() == 4
    assert one["value"].item() == pytest.approx((0.4 + 0.25 + 1.0 + 1.0) / 4)


def test_membership_is_evaluated_at_each_vote_date() -> None:
    dated = membership(
        [
            ("A", None, None),
            ("B", "2001-04-01", None),  # joins on the day of rc2 (inclusive)
            ("C", None, "2001-03-01"),  # last day rc1 (inclusive)
            ("D", "2001-01-01", "2001-01-31"),  # left before any vote
            ("D", "2001-05-01", None),  # re-joined for rc3
            ("E", None, None, "observer"),
        ]
    )
    mask = membership_mask(VOTES, dated)
    members = VOTES.filter(mask).group_by("rollcall_id").agg(pl.col("state").sort()).sort("rollcall_id")
    assert members["state"].to_list() == [["A", "C"], ["A", "B"], ["A", "B", "D"], ["A", "B", "D"]]
    with_obs = VOTES.filter(membership_mask(VOTES, dated, include_observers=True))
    assert with_obs.filter(pl.col("rollcall_id") == 1)["state"].sort().to_list() == ["A", "C", "E"]


def test_groups_by_id_and_errors(fake_groups: dict[str, pl.DataFrame]) -> None:
    fake_groups["G5"] = GROUP
    fake_groups["AB"] = membership([("A", None, None), ("B", None, None)])
    out = cohesion(VOTES, ["G5", "AB"], index="rice")
    assert out["group"].unique(maintain_order=True).to_list() == ["G5", "AB"]
    ab = out.filter(pl.col("group") == "AB")
    # A, B: rc1 Y Y -> 1; rc2 Y Y -> 1; rc3 A A -> undefined
    assert ab["value"].to_list() == [1.0] and ab["n_rollcalls"].to_list() == [2]
    with pytest.raises(UnknownGroupError):
        cohesion(VOTES, ["NOPE"])
    with pytest.raises(MeasureError, match="unknown cohesion index"):
        cohesion(VOTES, {"G": GROUP}, index="kappa")  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    table=st.lists(st.lists(st.sampled_from(["Y", "N", "A", "X"]), min_size=5, max_size=5), min_size=1, max_size=10),
    seed=st.integers(0, 1000),
)
def test_properties(table: list[list[str]], seed: int) -> None:
    votes = make_votes({i + 1: dict(zip("ABCDE", row, strict=True)) for i, row in enumerate(table)})
    rc = cohesion_rollcalls(votes, GROUP)
    for col in ("rice", "agreement"):
        vals = rc[col].drop_nulls()
        assert ((vals >= 0) & (vals <= 1 + 1e-12)).all()
    unanimous = rc.filter(
        (pl.col("n_present") > 0) & (pl.max_horizontal("n_yes", "n_no", "n_abstain") == pl.col("n_present"))
    )
    assert (unanimous["agreement"] == 1.0).all()
    shuffled = votes.sample(fraction=1.0, shuffle=True, seed=seed)
    a = cohesion(votes, {"G": GROUP}, index=["rice", "agreement"], min_present=1)
    b = cohesion(shuffled, {"G": GROUP}, index=["rice", "agreement"], min_present=1)
    assert a.equals(b)


def test_record_eu15_against_direct_count(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    """EU-15 cohesion 2000-2003 equals a direct pandas computation of the Rice and HNR formulas."""
    votes = real[0].filter(pl.col("year").is_between(2000, 2003))
    eu = membership(EU15)
    got = cohesion(votes, {"EU15": eu}, index=["rice", "agreement"])
    pdf = votes.filter(pl.col("state").is_in([s for s, *_ in EU15])).to_pandas()
    tallies = pdf.pivot_table(
        index=["year", "rollcall_id"], columns="vote", values="state", aggfunc="count", fill_value=0
    )
    for code in "YNA":
        if code not in tallies:
            tallies[code] = 0
    tallies = tallies[(tallies.Y + tallies.N + tallies.A) >= 2]
    total = tallies.Y + tallies.N + tallies.A
    top = tallies[["Y", "N", "A"]].max(axis=1)
    hnr = ((top - 0.5 * (total - top)) / total).groupby(level="year").mean()
    yn = tallies[(tallies.Y + tallies.N) > 0]
    rice = ((yn.Y - yn.N).abs() / (yn.Y + yn.N)).groupby(level="year").mean()
    for row in got.iter_rows(named=True):
        expected = (rice if row["index"] == "rice" else hnr)[row["year"]]
        assert row["value"] == pytest.approx(expected)
    assert got["year"].unique().sort().to_list() == [2000, 2001, 2002, 2003]
    # all 15 were members and voted on most roll calls
    assert got["mean_size_present"].min() > 14


def test_record_registry_group_matches_registry_mask(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    """A group named by registry id uses the registry's dated spells: the members counted on each roll
    call are those the registry's own ``membership_mask`` selects."""
    from polycentric.registry.groups import membership_mask as registry_mask

    votes = real[0].filter(pl.col("year").is_between(2019, 2022))
    for gid in ("NAM", "EU"):
        rc = cohesion_rollcalls(votes, gid)
        direct = (
            votes.filter(registry_mask(votes, gid))
            .group_by("rollcall_id")
            .agg(pl.len().alias("n"), pl.col("vote").is_in(["Y", "N", "A"]).sum().alias("present"))
        )
        merged = rc.join(direct, on="rollcall_id", how="full", coalesce=True)
        assert merged.height == rc.height == direct.height
        assert (merged["n_members"] == merged["n"]).all() and (merged["n_present"] == merged["present"]).all()
    eu = cohesion_rollcalls(votes, "EU")
    assert eu.filter(pl.col("year") == 2019)["n_members"].max() == 28  # the UK was still a member
    assert eu.filter(pl.col("year") == 2021)["n_members"].max() == 27


def test_half_yes_half_abstain_is_cohesive_for_rice_only() -> None:
    """The docs' example: abstention is dissent that Rice cannot see."""
    votes = VOTES.filter(pl.col("rollcall_id") == 1).with_columns(
        pl.Series("vote", ["Y", "Y", "A", "A", "Y", "Y"][: VOTES.filter(pl.col("rollcall_id") == 1).height])
    )
    rc = cohesion_rollcalls(votes, GROUP, name="G")
    y, a = int(rc["n_yes"].item()), int(rc["n_abstain"].item())
    assert rc["rice"].item() == 1.0  # no No vote: Rice sees unanimity
    assert rc["agreement"].item() == pytest.approx((max(y, a) - 0.5 * min(y, a)) / (y + a))
    assert rc["agreement"].item() < 1.0
