"""Voice: group position vs outcome, vote share, decisiveness (simple and two-thirds rules)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import MeasureError
from polycentric.measures.voice import voice, voice_rollcalls

from ._helpers import make_votes, membership

GROUP = membership([("A", None, None), ("B", None, None), ("C", None, None)])

VOTES = make_votes(
    {
        # Y 4, N 3 -> adopted; group Y Y N: position Y, matched; without group Y 2 vs N 2 -> lost: decisive
        1: {"A": "Y", "B": "Y", "C": "N", "D": "Y", "E": "Y", "F": "N", "G": "N"},
        # Y 2, N 4 -> rejected; group A A Y: position A, matched null; without group Y 1 N 4 -> lost: not decisive
        2: {"A": "A", "B": "A", "C": "Y", "D": "Y", "E": "N", "F": "N", "G": "N", "H": "N"},
        # Y 5, N 2 -> adopted simple; 5 >= 2/3 * 7 -> adopted two-thirds;
        # without the group (Y 2, N 2): simple lost (decisive); two-thirds 2 >= 8/3? no -> lost (decisive)
        3: {"A": "Y", "B": "Y", "C": "Y", "D": "Y", "E": "Y", "F": "N", "G": "N"},
        # Y 4, N 3: adopted simple, rejected under two thirds; group Y Y X
        4: {"A": "Y", "B": "Y", "C": "X", "D": "Y", "E": "Y", "F": "N", "G": "N", "H": "N"},
    }
)


def test_hand_computed_simple_rule() -> None:
    rc = voice_rollcalls(VOTES, GROUP, name="G")
    assert rc["group_position"].to_list() == ["Y", "A", "Y", "Y"]
    assert rc["outcome"].to_list() == ["Y", "N", "Y", "Y"]
    assert rc["matched"].to_list() == [True, None, True, True]
    assert rc["decisive"].to_list() == [True, False, True, True]
    assert rc["vote_share"].to_list() == pytest.approx([3 / 7, 3 / 8, 3 / 7, 2 / 7])
    agg = voice(VOTES, {"G": GROUP}, by=None)
    row = agg.row(0, named=True)
    assert row["n_rollcalls"] == 4 and row["n_positions"] == 3
    assert row["match_rate"] == 1.0 and row["n_decisive"] == 3
    assert row["vote_share"] == pytest.approx((3 / 7 + 3 / 8 + 3 / 7 + 2 / 7) / 4)


def test_two_thirds_rule() -> None:
    rc = voice_rollcalls(VOTES, GROUP, rule="two_thirds")
    assert rc["outcome"].to_list() == ["N", "N", "Y", "N"]
    # rc1: group position Y, outcome N -> not matched; without group Y 2 N 2 -> lost anyway
    assert rc["matched"].to_list() == [False, None, True, False]
    assert rc["decisive"].to_list() == [False, False, True, False]
    with pytest.raises(MeasureError):
        voice_rollcalls(VOTES, GROUP, rule="unanimity")  # type: ignore[arg-type]


def test_tie_gives_no_position() -> None:
    votes = make_votes({1: {"A": "Y", "B": "N", "C": "X", "D": "Y"}})
    rc = voice_rollcalls(votes, GROUP)
    assert rc["group_position"].to_list() == [None]
    assert rc["matched"].to_list() == [None]


def test_record_group_share_is_direct_count(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes = real[0].filter(pl.col("year") == 2019)
    g = membership([("USA", None, None), ("ISR", None, None)])
    rc = voice_rollcalls(votes, g)
    cast = votes.filter(pl.col("vote").is_in(["Y", "N", "A"]))
    by_rc = cast.group_by("rollcall_id").agg(
        pl.col("state").is_in(["USA", "ISR"]).sum().alias("g"),
        pl.len().alias("n"),
        (pl.col("vote") == "Y").sum().alias("y"),
        (pl.col("vote") == "N").sum().alias("no"),
    )
    merged = rc.join(by_rc, on="rollcall_id")
    assert merged.height == rc.height == by_rc.height
    assert (merged["n_group_cast"] == merged["g"]).all() and (merged["n_cast"] == merged["n"]).all()
    assert (
        merged["outcome"] == pl.Series(["Y" if y > n else "N" for y, n in zip(merged["y"], merged["no"], strict=True)])
    ).all()


@settings(max_examples=40, deadline=None)
@given(
    table=st.lists(st.lists(st.sampled_from("YNAX"), min_size=7, max_size=7), min_size=1, max_size=8),
    seed=st.integers(0, 1000),
)
def test_properties(table: list[list[str]], seed: int) -> None:
    votes = make_votes({i + 1: dict(zip("ABCDEFG", row, strict=True)) for i, row in enumerate(table)})
    rc = voice_rollcalls(votes, GROUP)
    shares = rc["vote_share"].drop_nulls()
    assert ((shares >= 0) & (shares <= 1)).all()
    # a group whose members all stayed away can be neither decisive nor matched
    silent = rc.filter(pl.col("n_group_cast") == 0)
    assert not silent["decisive"].any() and silent["matched"].null_count() == silent.height
    # decisive under the simple rule means removing the group's Y - N margin flips Y > N
    flip = rc.with_columns(
        (
            (pl.col("yes") > pl.col("no"))
            != ((pl.col("yes") - pl.col("group_yes")) > (pl.col("no") - pl.col("group_no")))
        ).alias("f")
    )
    assert (flip["f"] == flip["decisive"]).all()
    shuffled = votes.sample(fraction=1.0, shuffle=True, seed=seed)
    assert voice(votes, {"G": GROUP}, by=None).equals(voice(shuffled, {"G": GROUP}, by=None))
