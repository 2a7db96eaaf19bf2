"""Stored pairwise counts (PairCounts): hand-counted cells, and equality with the direct computation on the record."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from polycentric.errors import MeasureError, UnknownStateError
from polycentric.measures.agreement import PairCounts, agreement, agreement_matrix
from polycentric.measures.alignment import DEFAULT_REFERENCES, alignment

from ._helpers import make_votes

SMALL = make_votes(
    {
        1: {"AAA": "Y", "BBB": "Y", "CCC": "N"},
        2: {"AAA": "A", "BBB": "N", "CCC": "X"},
        3: {"AAA": "N", "BBB": "X", "CCC": "A"},
        4: {"AAA": "Y", "BBB": "N", "CCC": "A"},
    },
    dates={1: "2010-01-05", 2: "2010-03-01", 3: "2011-02-01", 4: "2011-05-01"},
)


def test_counts_of_a_hand_made_record() -> None:
    pc = PairCounts.from_votes(SMALL)
    assert pc.states == ("AAA", "BBB", "CCC")
    assert pc.years.tolist() == [2010, 2011] and pc.sessions == ("65", "66")
    a, b, c = 0, 1, 2
    # 2010: AAA/BBB rc1 Y/Y same, rc2 A/N one abstains -> shared 2, same 1, opposite 0
    assert pc.counts[0, a, b].tolist() == [2, 1, 0, 0, 0]
    # 2010: AAA/CCC rc1 Y/N opposite; rc2 A/X: X only with absent="abstain" (then A/A, the same)
    assert pc.counts[0, a, c].tolist() == [1, 0, 1, 1, 1]
    # 2011: BBB/CCC rc3 X/A, rc4 N/A -> shared 1 (one abstains), X adds rc3 (X as A: the same)
    assert pc.counts[1, b, c].tolist() == [1, 0, 0, 1, 1]
    # 2011: AAA/BBB rc3 N/X (X as A: one abstains), rc4 Y/N opposite
    assert pc.counts[1, a, b].tolist() == [1, 0, 1, 1, 0]
    assert (pc.counts == pc.counts.transpose(0, 2, 1, 3)).all()
    # the diagonal counts each state's votes: cast, and X added
    assert pc.counts[:, b, b, 0].tolist() == [2, 1] and pc.counts[:, b, b, 3].tolist() == [0, 1]


def test_hand_made_values() -> None:
    pc = PairCounts.from_votes(SMALL)
    out = agreement(SMALL, "AAA", "BBB", ["simple", "lijphart", "s"], by=None, counts=pc)
    # shared 3: same 1 (rc1), half 1 (rc2), opposite 1 (rc4)
    assert dict(zip(out["index"], out["value"], strict=True)) == {"lijphart": 0.5, "s": 0.0, "simple": 1 / 3}
    assert out["n_shared"].to_list() == [3, 3, 3]
    with_x = agreement(SMALL, "AAA", "BBB", "simple", by=None, absent="abstain", counts=pc)
    assert with_x["n_shared"].to_list() == [4] and with_x["value"].to_list() == [0.25]


def test_duplicate_votes_are_refused() -> None:
    dup = pl.concat([SMALL, SMALL.head(1)])
    with pytest.raises(MeasureError, match="more than one vote"):
        PairCounts.from_votes(dup)


@pytest.fixture(scope="module")
def ga(real: tuple[pl.DataFrame, pl.DataFrame]) -> pl.DataFrame:
    votes, roll_calls = real
    ga_ids = roll_calls.filter(pl.col("body") == "GA")["rollcall_id"] if "body" in roll_calls.columns else None
    return votes if ga_ids is None else votes.filter(pl.col("rollcall_id").is_in(ga_ids.implode()))


@pytest.fixture(scope="module")
def counts(ga: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> PairCounts:
    """Counts of the real record with the EU and NAM majorities, saved and read back memory-mapped."""
    built = PairCounts.from_votes(ga, source="test", groups=("EU", "NAM"))
    folder = built.save(tmp_path_factory.mktemp("pairs"))
    loaded = PairCounts.load(folder)
    assert isinstance(loaded.counts, np.memmap)
    assert loaded.states == built.states and loaded.sessions == built.sessions and loaded.groups == built.groups
    assert np.array_equal(loaded.counts, built.counts)
    return loaded


AGREEMENT_CASES = [
    ("USA", "RUS", "year", None, "simple", "exclude"),
    ("IND", "CHN", "session", (2010, 2022), ["s", "lijphart"], "exclude"),
    ("FRA", "GBR", None, "1990-2000", "s_squared", "abstain"),
    ("USA", "ISR", "session", None, ["simple", "lijphart", "s", "s_squared"], "abstain"),
    ("BRA", "ZAF", "year", 1994, "lijphart", "exclude"),
    ("DEU", "JPN", "year", [1975, 1990, 2022], "s", "exclude"),
]


@pytest.mark.parametrize(("a", "b", "by", "years", "index", "absent"), AGREEMENT_CASES)
def test_agreement_from_counts_equals_the_direct_computation(
    ga: pl.DataFrame, counts: PairCounts, a: str, b: str, by: str | None, years: Any, index: Any, absent: Any
) -> None:
    direct = agreement(ga, a, b, index, by=by, years=years, absent=absent)
    stored = agreement(ga, a, b, index, by=by, years=years, absent=absent, counts=counts)
    assert direct.height > 0
    assert_frame_equal(direct, stored)  # same rows, dtypes and values to the last bit


def test_unknown_state_is_reported_as_without_counts(ga: pl.DataFrame, counts: PairCounts) -> None:
    with pytest.raises(UnknownStateError):
        agreement(ga, "USA", "SSD", years=(1990, 2000), counts=counts)  # South Sudan: a member from 2011
    with pytest.raises(UnknownStateError):
        agreement(ga, "USA", "SSD", years=(1990, 2000))


ALIGNMENT_CASES = [
    (list(DEFAULT_REFERENCES), "year", (2010, 2022), "simple", "exclude", ["IND"]),
    (list(DEFAULT_REFERENCES), "year", None, "lijphart", "exclude", ["IND", "BRA", "NAM"]),
    (["USA", "state:NAM", "group:EU", "group:G77", "AU"], "session", (1990, 2000), "s", "abstain", None),
    (["RUS", "CHN", "group:NAM"], None, "2000-2020", "s_squared", "exclude", None),
]


@pytest.mark.parametrize(("refs", "by", "years", "index", "absent", "states"), ALIGNMENT_CASES)
def test_alignment_from_counts_equals_the_direct_computation(
    ga: pl.DataFrame, counts: PairCounts, refs: list[str], by: str | None, years: Any, index: Any, absent: Any,
    states: list[str] | None,
) -> None:  # fmt: skip
    direct = alignment(ga, refs, by=by, years=years, index=index, absent=absent, states=states)
    stored = alignment(ga, refs, by=by, years=years, index=index, absent=absent, states=states, counts=counts)
    assert direct.height > 0 and set(direct["reference_kind"]) <= {"state", "group"}
    assert_frame_equal(direct, stored)


def test_a_group_whose_membership_changed_is_computed_from_the_votes(ga: pl.DataFrame, counts: PairCounts) -> None:
    assert counts.group_row("EU") == "group:EU"
    stale = dataclasses.replace(counts, groups={"EU": "another-membership"})
    assert stale.group_row("EU") is None
    # its stored row made wrong: the answer is still the direct one, since it is not read
    wrong = dataclasses.replace(stale, counts=np.zeros_like(np.asarray(counts.counts)))
    refs = ["group:EU"]
    direct = alignment(ga, refs, years=(2000, 2010), states=["FRA", "IND"])
    assert_frame_equal(direct, alignment(ga, refs, years=(2000, 2010), states=["FRA", "IND"], counts=stale))
    with pytest.raises(UnknownStateError):  # a zeroed record has no state votes: the state path is read
        alignment(ga, ["state:USA", *refs], years=(2000, 2010), counts=wrong)


@pytest.mark.parametrize(("years", "index"), [(None, "simple"), ((2014, 2023), "s"), ((1960, 1970), "lijphart")])
def test_matrix_from_counts_equals_the_direct_computation(
    ga: pl.DataFrame, counts: PairCounts, years: Any, index: Any
) -> None:
    states = ["USA", "RUS", "CHN", "GBR", "FRA", "SSD"]
    sub = ga if years is None else ga.filter(pl.col("year").is_between(*years))
    present = [s for s in states if sub.filter(pl.col("state") == s).height]
    direct = agreement_matrix(sub, index, states=present)
    stored = counts.matrix(index, years=years, states=states)
    assert stored.states == direct.states
    assert np.array_equal(stored.n_shared, direct.n_shared)
    assert np.array_equal(stored.matrix, direct.matrix, equal_nan=True)


def test_load_refuses_a_damaged_folder(tmp_path: Path) -> None:
    with pytest.raises(MeasureError, match="no readable pair counts"):
        PairCounts.load(tmp_path)
    PairCounts.from_votes(SMALL).save(tmp_path)
    np.save(tmp_path / "counts.npy", np.zeros((1, 2, 2, 5), dtype=np.uint8))
    with pytest.raises(MeasureError, match="another format or shape"):
        PairCounts.load(tmp_path)


def test_build_stores_the_counts_of_the_record_version(record: Any) -> None:
    """``load_pair_counts``: nothing stored -> None; ``compute`` counts and stores them; the next read is mapped."""
    from polycentric.models.precompute import PAIR_GROUPS, load_pair_counts, pair_counts_folder

    folder = pair_counts_folder(record)
    assert folder.name == record.version
    shutil.rmtree(folder, ignore_errors=True)  # (another test's server may have counted them already)
    stale = folder.parent / "v-older"
    stale.mkdir(parents=True, exist_ok=True)
    assert load_pair_counts(record) is None
    made = load_pair_counts(record, compute=True)
    assert made is not None and made.source == record.version and set(made.groups) == set(PAIR_GROUPS)
    assert not stale.exists()  # the counts of older versions are deleted
    read = load_pair_counts(record)
    assert isinstance(read.counts, np.memmap) and read.states == made.states
    votes = record.votes(body="GA")
    assert_frame_equal(
        agreement(votes, "USA", "CHN", "lijphart", by="session", counts=read),
        agreement(votes, "USA", "CHN", "lijphart", by="session"),
    )
