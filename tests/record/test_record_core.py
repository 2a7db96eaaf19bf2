"""The record built from the shared data: must-show tallies and per-source counts."""

from __future__ import annotations

import polars as pl

from polycentric.schema import ROLL_CALLS, VOTES_VIEW


def _tally(df: pl.DataFrame) -> dict[str, int]:
    return dict(df.group_by("vote").len().iter_rows())


def test_es11_1_tally(record) -> None:  # type: ignore[no-untyped-def]
    v = record.votes(resolution="A/RES/ES-11/1")
    assert _tally(v) == {"Y": 141, "N": 5, "A": 35, "X": 12}
    assert sorted(v.filter(pl.col("vote") == "N")["state"].to_list()) == ["BLR", "ERI", "PRK", "RUS", "SYR"]
    assert v.schema == pl.Schema(VOTES_VIEW)
    assert set(v["session"]) == {"ES-11"} and set(v["session_number"]) == {76}


def test_68_262_tally_any_spelling(record) -> None:  # type: ignore[no-untyped-def]
    for symbol in ("A/RES/68/262", "R/68/262", " a/res/68/262 "):
        t = _tally(record.votes(resolution=symbol))
        assert (t["Y"], t["N"], t["A"]) == (100, 11, 58)


def test_unvotes_counts_match_provenance(record) -> None:  # type: ignore[no-untyped-def]
    ledger = record.ledger()
    votes = ledger.filter(
        (pl.col("file") == "un_votes.csv.gz") & pl.col("status").is_in(["stored", "merged", "rejected"])
    )
    assert votes["rows"].sum() == 916_025  # PROVENANCE: 916,025 country-votes
    rcs = ledger.filter(pl.col("file") == "un_roll_calls.csv.gz")
    assert rcs["rows"].sum() == 6_464  # PROVENANCE: 6,464 roll calls
    # Voeten roll calls also in a UN DL-coded file (whose votes win): R/68/262 (key votes), and in the
    # combined 2023-2025 file ES-10/19 and the 7 roll calls of 2023 (2023-02-20 ... 2023-09-01)
    assert rcs.filter(pl.col("status") == "merged")["rows"].sum() == 9
    voeten = record.roll_calls(body=None).filter(pl.col("sources").str.contains("voeten"))
    assert voeten.height == 6_464
    assert voeten.schema == pl.Schema(ROLL_CALLS)


def test_russia_and_ussr_are_one_state(record) -> None:  # type: ignore[no-untyped-def]
    v1975 = record.votes(year=1975, state="USSR")
    v2022 = record.votes(year=2022, state="Russia")
    assert v1975.height > 0 and v2022.height > 0
    assert set(v1975["state"]) == set(v2022["state"]) == {"RUS"}
    assert set(v1975["state_name"]) == {"Union of Soviet Socialist Republics"}
    assert set(v2022["state_name"]) == {"Russian Federation"}
