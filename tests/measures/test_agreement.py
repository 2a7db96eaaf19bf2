"""Agreement indices: hand-computed cases, properties, and the record against a straightforward count."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import MeasureError, UnknownStateError
from polycentric.measures.agreement import INDICES, agreement, agreement_matrix, agreement_pairs

from ._helpers import make_votes

# rc1: A Y, B Y, C N | rc2: A Y, B A, C N | rc3: A N, B Y, C X | rc4: A A, B A, C Y
HAND = make_votes(
    {
        1: {"A": "Y", "B": "Y", "C": "N"},
        2: {"A": "Y", "B": "A", "C": "N"},
        3: {"A": "N", "B": "Y", "C": "X"},
        4: {"A": "A", "B": "A", "C": "Y"},
    }
)

# expected values worked out by hand (see the comments)
EXPECTED = {
    # A-B: same on rc1, rc4; half on rc2; opposite on rc3; 4 shared
    ("A", "B"): {"simple": 2 / 4, "lijphart": 2.5 / 4, "s": 1 - 2 * 1.5 / 4, "s_squared": 1 - 2 * 1.25 / 4, "n": 4},
    # A-C: rc3 excluded (C absent); opposite rc1, rc2; half rc4
    ("A", "C"): {"simple": 0.0, "lijphart": 0.5 / 3, "s": 1 - 2 * 2.5 / 3, "s_squared": 1 - 2 * 2.25 / 3, "n": 3},
    # B-C: opposite rc1; half rc2, rc4
    ("B", "C"): {"simple": 0.0, "lijphart": 1 / 3, "s": 1 - 2 * 2 / 3, "s_squared": 1 - 2 * 1.5 / 3, "n": 3},
}


@pytest.mark.parametrize("index", INDICES)
def test_matrix_hand_computed(index: str) -> None:
    states, matrix, n_shared = agreement_matrix(HAND, index)  # type: ignore[arg-type]
    assert states == ["A", "B", "C"]
    for (a, b), exp in EXPECTED.items():
        i, j = states.index(a), states.index(b)
        assert matrix[i, j] == pytest.approx(exp[index])
        assert matrix[j, i] == pytest.approx(exp[index])
        assert n_shared[i, j] == exp["n"]
    assert np.allclose(np.diag(matrix), 1.0)
    assert list(np.diag(n_shared)) == [4, 4, 3]


@pytest.mark.parametrize("index", INDICES)
def test_pair_function_hand_computed(index: str) -> None:
    for (a, b), exp in EXPECTED.items():
        df = agreement(HAND, a, b, index, by=None)  # type: ignore[arg-type]
        assert df.columns == ["state_a", "state_b", "index", "value", "n_shared", "thin"]
        assert df["thin"].item() is (exp["n"] < 10)
        assert df["value"].item() == pytest.approx(exp[index])
        assert df["n_shared"].item() == exp["n"]


def test_absent_as_abstention() -> None:
    # C's X on rc3 read as A: A(N)-C(A) is a half agreement; B(Y)-C(A) too
    _, m, n = agreement_matrix(HAND, "lijphart", absent="abstain")
    assert n[0, 2] == 4 and m[0, 2] == pytest.approx(1.0 / 4)
    assert m[1, 2] == pytest.approx(1.5 / 4)


def test_long_format_and_by_year() -> None:
    long = agreement_matrix(HAND, "simple").to_frame("simple")
    assert long.columns == ["state_a", "state_b", "index", "value", "n_shared"]
    assert long.select("state_a", "state_b").rows() == [("A", "B"), ("A", "C"), ("B", "C")]
    votes = make_votes(
        {1: {"A": "Y", "B": "Y"}, 2: {"A": "Y", "B": "N"}, 3: {"A": "N", "B": "N"}},
        dates={1: "2001-05-01", 2: "2001-06-01", 3: "2002-03-01"},
    )
    by_year = agreement_pairs(votes, "simple", by="year")
    assert by_year.select("year", "value", "n_shared").rows() == [(2001, 0.5, 2), (2002, 1.0, 1)]
    per = agreement(votes, "A", "B", ["simple", "lijphart"], by="year")
    assert per.select("year", "index", "value").rows() == [
        (2001, "lijphart", 0.5),
        (2001, "simple", 0.5),
        (2002, "lijphart", 1.0),
        (2002, "simple", 1.0),
    ]


def test_errors() -> None:
    with pytest.raises(MeasureError, match="unknown agreement index"):
        agreement_matrix(HAND, "kappa")  # type: ignore[arg-type]
    dup = pl.concat([HAND, HAND.head(1)])
    with pytest.raises(MeasureError, match="more than one vote"):
        agreement_matrix(dup)
    with pytest.raises(MeasureError, match="unknown vote code"):
        agreement_matrix(HAND.with_columns(pl.lit("yes").alias("vote")))
    with pytest.raises(MeasureError, match="lacks column"):
        agreement_matrix(HAND.drop("vote"))


def test_unknown_state_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(UnknownStateError, match="'ZZZ'"):
        agreement(HAND, "A", "ZZZ")
    # HAND's roll calls fall in 2000: in 2001 neither state has a row, and the first is named
    with pytest.raises(UnknownStateError, match="'B'"):
        agreement(HAND, "B", "A", years=2001)
    # states present but sharing no cast vote: a frame with no row (C's only X is rc3)
    only_x = make_votes({1: {"A": "Y", "C": "X"}})
    assert agreement(only_x, "A", "C").height == 0


# ----------------------------------------------------------------------------- properties

vote_tables = st.integers(min_value=2, max_value=6).flatmap(
    lambda n_states: st.lists(
        st.lists(st.sampled_from(["Y", "N", "A", "X", "-"]), min_size=n_states, max_size=n_states),
        min_size=1,
        max_size=12,
    )
)


def _frame(table: list[list[str]]) -> pl.DataFrame:
    return make_votes({rc + 1: {f"S{i}": v for i, v in enumerate(row) if v != "-"} for rc, row in enumerate(table)})


def _naive(votes: pl.DataFrame, a: str, b: str, index: str) -> tuple[float, int]:
    """Straightforward loop over roll calls: the definition, independent of the matrix algebra."""
    x = {"Y": 1.0, "A": 0.5, "N": 0.0}
    by_rc: dict[int, dict[str, str]] = {}
    for rc, s, v in votes.select("rollcall_id", "state", "vote").iter_rows():
        by_rc.setdefault(rc, {})[s] = v
    scores = []
    for d in by_rc.values():
        va, vb = d.get(a), d.get(b)
        if va not in x or vb not in x:
            continue
        if index == "simple":
            scores.append(float(va == vb))
        elif index == "lijphart":
            scores.append(1.0 if va == vb else 0.5 if "A" in (va, vb) else 0.0)
        elif index == "s":
            scores.append(1 - 2 * abs(x[va] - x[vb]))
        else:
            scores.append(1 - 2 * (x[va] - x[vb]) ** 2)
    return (sum(scores) / len(scores) if scores else float("nan")), len(scores)


@settings(max_examples=60, deadline=None)
@given(table=vote_tables, index=st.sampled_from(INDICES), seed=st.integers(0, 2**16))
def test_properties(table: list[list[str]], index: str, seed: int) -> None:
    votes = _frame(table)
    if votes.filter(pl.col("vote") != "X").height == 0:
        return
    states, m, n = agreement_matrix(votes, index)  # type: ignore[arg-type]
    lo = -1.0 if index.startswith("s") else 0.0
    finite = m[~np.isnan(m)]
    assert np.all(finite >= lo - 1e-12) and np.all(finite <= 1 + 1e-12)  # bounds
    assert np.array_equal(np.isnan(m), np.isnan(m.T)) and np.allclose(np.nan_to_num(m), np.nan_to_num(m.T))  # symmetry
    assert np.array_equal(n, n.T)
    voted = np.diag(n) > 0
    assert np.allclose(np.diag(m)[voted], 1.0)  # identity: a state agrees 1.0 with itself
    # invariance to row order
    shuffled = votes.sample(fraction=1.0, shuffle=True, seed=seed)
    s2, m2, n2 = agreement_matrix(shuffled, index)  # type: ignore[arg-type]
    assert s2 == states and np.array_equal(n2, n) and np.allclose(np.nan_to_num(m2), np.nan_to_num(m))
    # the one-pass matrix equals the definition, pair by pair
    for a, b in itertools.combinations(states, 2):
        value, shared = _naive(votes, a, b, index)
        i, j = states.index(a), states.index(b)
        assert n[i, j] == shared
        if shared:
            assert m[i, j] == pytest.approx(value)
        else:
            assert np.isnan(m[i, j])


@settings(max_examples=30, deadline=None)
@given(table=vote_tables)
def test_s_score_is_affine_in_lijphart(table: list[list[str]]) -> None:
    votes = _frame(table)
    if votes.filter(pl.col("vote") != "X").height == 0:
        return
    _, lij, _ = agreement_matrix(votes, "lijphart")
    _, s, _ = agreement_matrix(votes, "s")
    assert np.array_equal(np.isnan(s), np.isnan(lij))
    ok = ~np.isnan(s)
    assert np.allclose(s[ok], 2 * lij[ok] - 1)


# ----------------------------------------------------------------------------- the record


def _pandas_pair(votes: pl.DataFrame, a: str, b: str) -> tuple[float, int]:
    pdf = votes.filter(pl.col("vote").is_in(["Y", "N", "A"])).select("rollcall_id", "state", "vote").to_pandas()
    va = pdf[pdf.state == a].set_index("rollcall_id")["vote"]
    vb = pdf[pdf.state == b].set_index("rollcall_id")["vote"]
    both = va.to_frame("a").join(vb.to_frame("b"), how="inner")
    return float((both.a == both.b).mean()), len(both)


def test_record_usa_isr_usa_cub(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes = real[0].filter(pl.col("year").is_between(2015, 2022))
    result = {}
    for other in ("ISR", "CUB"):
        expected, shared = _pandas_pair(votes, "USA", other)
        got = agreement(votes, "USA", other, "simple", by=None)
        assert got["n_shared"].item() == shared > 500
        assert got["value"].item() == pytest.approx(expected)
        result[other] = expected
    # the pooled one-pass matrix gives the same numbers
    states, m, _ = agreement_matrix(votes, "simple")
    u = states.index("USA")
    for other, value in result.items():
        assert m[u, states.index(other)] == pytest.approx(value)
    assert result["ISR"] > 0.8 > 0.3 > result["CUB"]


def test_record_matrix_matches_pairs_each_year(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes = real[0].filter(pl.col("year").is_between(2020, 2022))
    pairs = agreement_pairs(votes, "lijphart", by="year", states=["USA", "CHN", "RUS", "IND", "BRA"])
    assert pairs.height == 3 * 10
    for row in pairs.filter(pl.col("state_a") == "BRA").iter_rows(named=True):
        one = agreement(votes, row["state_a"], row["state_b"], "lijphart", years=row["year"], by=None)
        assert one["value"].item() == pytest.approx(row["value"])
        assert one["n_shared"].item() == row["n_shared"]
