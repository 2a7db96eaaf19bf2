"""Readers: symbols, sessions, each layout on small fixtures, and the full-scale UN DL-layout file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from polycentric.sources.detect import detect_layout, read_source
from polycentric.symbols import normalise_symbol, parse_session, session_in_progress


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("R/68/262", "A/RES/68/262"),
        ("A/RES/68/262", "A/RES/68/262"),
        (" a/res/68/262 ", "A/RES/68/262"),
        ("A/RES/ES-11/1", "A/RES/ES-11/1"),
        ("ESS/1/34", "A/RES/ES-1/34"),
        ("SS/1/59", "A/RES/S-1/59"),
        ("A/RES/2758(XXVI)", "A/RES/26/2758"),
        ("A/RES/2758 (XXVI)", "A/RES/26/2758"),
        ("A/RES/997(ES-I)", "A/RES/ES-1/997"),
        ("A/RES/75/254[A]", "A/RES/75/254A"),
        ("R/1/467B", "A/RES/1/467B"),
        ("S/2022/155", "S/2022/155"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_symbol(raw: str | None, expected: str | None) -> None:
    assert normalise_symbol(raw) == expected


@given(st.integers(1, 80), st.integers(1, 400), st.sampled_from(["", "A", "B"]))
def test_symbol_spellings_agree(session: int, number: int, part: str) -> None:
    canonical = normalise_symbol(f"A/RES/{session}/{number}{part}")
    assert canonical == normalise_symbol(f"R/{session}/{number}{part}")
    assert normalise_symbol(canonical) == canonical


def test_sessions() -> None:
    assert parse_session("A/RES/ES-11/1", dt.date(2022, 3, 2)) == ("ES-11", 76)
    assert parse_session("A/RES/ES-10/21", dt.date(2023, 10, 27)) == ("ES-10", 78)
    assert parse_session("A/RES/S-10/2", dt.date(1978, 6, 30)) == ("S-10", 32)
    assert parse_session("A/RES/68/262", dt.date(2014, 3, 27)) == ("68", 68)
    assert parse_session(None, dt.date(2023, 9, 1), session="77") == ("77", 77)
    assert session_in_progress(dt.date(1946, 3, 1)) == 1
    assert session_in_progress(dt.date(2023, 9, 1)) == 77
    assert session_in_progress(dt.date(2023, 12, 1)) == 78


def test_session_rule_matches_voeten(shared_data: Path) -> None:
    rc = pl.read_csv(shared_data / "unvotes_voeten_2024" / "un_roll_calls.csv.gz", infer_schema_length=10000)
    # regular-session roll calls (Voeten numbers special sessions by the regular session that follows)
    rc = rc.filter(pl.col("date").is_not_null() & ~pl.col("unres").fill_null("").str.contains("SS/"))
    rule = [session_in_progress(d) for d in rc["date"].str.to_date()]
    agree = sum(int(a == b) for a, b in zip(rule, rc["session"], strict=True)) / rc.height
    assert agree > 0.985  # the rest are votes Voeten dates early in September under the next session


def test_undl_2024_layout(tmp_path: Path) -> None:
    f = tmp_path / "2024.csv"
    f.write_text(
        "undl_id,ms_codes,ms_names,ms_votes,resolutions,title,modality,draft,committee_report,meeting,agenda_titles,"
        "subjects,date,yes,no,abstentions,non-voting,total-voting,undl_link\n"
        "4,USA,UNITED STATES,Y,A/RES/ES-11/1,T,Recorded,,,,Ag,S1|S2,2022-03-02,1,1,0,1,3,\n"
        "4,RUS,RUSSIAN FEDERATION,N,A/RES/ES-11/1,T,Recorded,,,,Ag,S1|S2,2022-03-02,1,1,0,1,3,\n"
        "4,NAM,NAMIBIA,NV,A/RES/ES-11/1,T,Recorded,,,,Ag,S1|S2,2022-03-02,1,1,0,1,3,\n",
        encoding="utf-8",
    )
    src = read_source(f)
    assert src.layout == "undl-2024"
    assert dict(zip(src.votes["state"], src.votes["vote"], strict=True)) == {"USA": "Y", "RUS": "N", "NAM": "X"}
    rc = src.roll_calls.row(0, named=True)
    assert (rc["session"], rc["session_number"], rc["resolution"], rc["total_non_voting"]) == (
        "ES-11",
        76,
        "A/RES/ES-11/1",
        1,
    )


def test_undl_2025_layout_and_detection() -> None:
    from polycentric.sources.undl import LAYOUT_2025, LAYOUT_2026

    assert detect_layout(LAYOUT_2026) == "undl-2026"
    assert detect_layout(LAYOUT_2025) == "undl-2025"
    assert detect_layout(["resolution", "date", "ms_code", "ms_vote", "note"]) == "single-vote"


def test_voeten_raw_codes(tmp_path: Path) -> None:
    f = tmp_path / "raw.csv"
    f.write_text(
        "rcid,session,vote,ccode,member,importantvote,date,unres,me,nu,di,hr,co,ec,year\n"
        "10,1,1,2,1,0,1946-02-01,R/1/5,1,0,0,0,0,0,1946\n"
        "10,1,3,365,1,0,1946-02-01,R/1/5,1,0,0,0,0,0,1946\n"
        "10,1,8,260,1,0,1946-02-01,R/1/5,1,0,0,0,0,0,1946\n"
        "10,1,9,265,,0,1946-02-01,R/1/5,1,0,0,0,0,0,1946\n"
        "10,1,2,710,1,0,1946-02-01,R/1/5,1,0,0,0,0,0,1946\n",
        encoding="utf-8",
    )
    src = read_source(f)
    assert src.layout == "voeten-raw"
    assert dict(zip(src.votes["state"], src.votes["vote"], strict=True)) == {
        "USA": "Y",
        "RUS": "N",
        "DEU": "X",
        "TWN": "A",
    }
    skipped = src.ledger.filter(pl.col("status") == "skipped")["rows"].sum()
    assert skipped == 1 and src.input_rows[("raw.csv", "votes")] == 5
    assert src.roll_calls["issue_me"].to_list() == [True]


def test_vetoes_counts(shared_data: Path) -> None:
    src = read_source(shared_data / "unsc_vetoes" / "unsc_vetoes_1946_sept2022.csv")
    assert src.roll_calls.height == 214
    counts = dict(src.votes.group_by("state").len().iter_rows())
    # PROVENANCE: USSR 90 + Russia 31, USA 82, UK 29, France 16, China 17 (the 1955 veto by the Republic of China is TWN)
    assert counts["RUS"] == 121 and counts["USA"] == 82 and counts["GBR"] == 29 and counts["FRA"] == 16
    assert counts["CHN"] + counts.get("TWN", 0) == 17
    assert set(src.votes["vote"]) == {"N"}


@pytest.mark.slow
def test_full_scale_undl_layout_file(shared_data: Path) -> None:
    src = read_source(shared_data / "undl_layout_from_voeten" / "ga_voting_undl_layout_1946_2023.csv.gz")
    assert src.layout == "undl-2026"
    rejected = src.ledger.filter(pl.col("status") == "rejected")["rows"].sum()
    assert src.votes.height + rejected == 854_022  # PROVENANCE: 854,022 rows
    assert src.roll_calls.height == 5_319  # PROVENANCE: 5,319 roll calls
    # the 11 rejected rows are the People's Republic marked absent before it held the China seat
    assert rejected == 11
