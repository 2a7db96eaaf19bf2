"""The member-state authority file reader on a small hand-made file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from undl_fixtures import auth_file

from polycentric.errors import InputFormatError, UnknownLayoutError
from polycentric.sources.undl_authorities import (
    AUTHORITY_SCHEMA,
    name_successions,
    read_member_state_authorities,
    resolve_state_ids,
)


@pytest.fixture
def auth(tmp_path: Path) -> pl.DataFrame:
    p = tmp_path / "member_states_auths_2026-04-30.csv"
    p.write_bytes(auth_file())
    return read_member_state_authorities(p)


def test_one_row_per_name_episode(auth: pl.DataFrame) -> None:
    assert dict(auth.schema) == AUTHORITY_SCHEMA
    assert auth.height == 11  # 9 names, Egypt and Syria in two episodes each
    egypt = auth.filter(pl.col("code") == "EGY").sort("episode")
    assert egypt.select("start", "end").rows() == [
        (dt.date(1945, 10, 24), dt.date(1958, 2, 21)),
        (dt.date(1971, 9, 2), None),
    ]
    csk = auth.filter(pl.col("code") == "CSK").row(0, named=True)
    assert (csk["start"], csk["end"]) == (dt.date(1945, 10, 24), dt.date(1992, 12, 31))  # US M/D/YY dates
    assert auth.filter(pl.col("code") == "HVO")["m49"].item() == 854
    assert auth.filter(pl.col("code") == "HVO")["link"].item() == "later"
    assert auth.filter(pl.col("code") == "CZE")["other_names"].item() == "Czechia"


def test_successions_point_from_earlier_to_later(auth: pl.DataFrame) -> None:
    s = name_successions(auth)
    edges = set(s.select("from_code", "to_code", "date").rows())
    assert ("HVO", "BFA", dt.date(1984, 8, 4)) in edges
    assert ("SUN", "RUS", dt.date(1991, 12, 24)) in edges
    assert ("UAR", "EGY", dt.date(1971, 9, 2)) in edges
    assert ("EGY", "UAR", dt.date(1958, 2, 21)) in edges  # direction inferred from dates (no flag)
    assert ("SYR", "UAR", dt.date(1958, 2, 21)) in edges
    assert s.height == len(edges) == 5  # HVO and BFA name each other: one link


def test_state_ids_follow_renames_but_not_mergers_or_dissolutions(auth: pl.DataFrame) -> None:
    resolved = resolve_state_ids(auth)
    state = {(r["code"], r["episode"]): r["state"] for r in resolved.iter_rows(named=True)}
    assert state[("HVO", 1)] == "BFA"  # Upper Volta renamed Burkina Faso
    assert state[("SUN", 1)] == "RUS"  # the Russian Federation continues the USSR
    assert state[("UAR", 1)] == "EGY"  # Egypt continued the UAR's seat
    assert state[("EGY", 1)] == "EGY"  # the 1958 union is a merger, not a rename
    assert state[("SYR", 1)] == "SYR"
    assert state[("CSK", 1)] == "CSK"  # dissolved: no continuator
    assert state[("CZE", 1)] == "CZE"
    assert resolved.filter(pl.col("code") == "HVO")["renamed_to"].item() == "Burkina Faso"


def test_missing_columns_are_named(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("Member State,ISO Code\nFrance,FRA\n")
    with pytest.raises(UnknownLayoutError, match="missing Start date, End date, Earlier or Later Name"):
        read_member_state_authorities(p)


def test_bad_date_and_unpaired_dates_name_line_and_field(tmp_path: Path) -> None:
    good = auth_file().decode().splitlines()
    p = tmp_path / "a.csv"
    p.write_text("\n".join([*good[:3], good[3].replace("1945-10-24", "1945-13-24")]) + "\n")
    with pytest.raises(InputFormatError) as err:
        read_member_state_authorities(p)
    assert (err.value.line, err.value.field) == (4, "Start date")
    p.write_text("\n".join([good[0], good[1].replace("1984-08-04", '"1984-08-04, 1990-01-01"')]) + "\n")
    with pytest.raises(InputFormatError, match="1 start date\\(s\\) but 2 end date\\(s\\)"):
        read_member_state_authorities(p)
