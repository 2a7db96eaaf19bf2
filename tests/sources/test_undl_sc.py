"""The Security Council voting-file reader on small hand-made files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from undl_fixtures import SC_HEADER, sc_file

from polycentric.errors import InputFormatError, UnknownLayoutError
from polycentric.schema import ROLL_CALLS
from polycentric.sources.undl_sc import check_header, ga_session_number, read_sc_votes


def _write(tmp_path: Path, data: bytes, name: str = "sc.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_reads_roll_calls_and_votes(tmp_path: Path) -> None:
    rc, votes = read_sc_votes(_write(tmp_path, sc_file()))
    assert rc.columns[: len(ROLL_CALLS)] == list(ROLL_CALLS)
    assert dict(rc.schema)["date"] == pl.Date()
    assert rc["body"].to_list() == ["SC", "SC"]
    assert rc["undl_id"].to_list() == [1234, 3959039]
    assert rc["resolution"].to_list() == ["S/RES/83(1950)", None]  # the vetoed draft has no resolution
    assert rc["draft"].to_list() == ["S/1511", "S/2022/155"]
    assert rc["adopted"].to_list() == [True, False]
    assert rc["title"][0] == "Complaint of aggression upon the Republic of Korea"  # from `description`
    assert rc["agenda"].to_list() == ["Korea", "Ukraine"]  # from `agenda`
    assert rc["session"].to_list() == [None, None]
    assert rc["session_number"].to_list() == [4, 76]
    assert rc["total_yes"].to_list() == [4, 4] and rc["total_abstain"].to_list() == [0, 2]  # "4.0" read as 4
    assert rc["year"].to_list() == [1950, 2022]
    assert votes.height == 12  # one row per input row
    korea = votes.filter(pl.col("undl_id") == 1234)
    assert dict(zip(korea["ms_code"], korea["vote"], strict=True))["SUN"] == "X"
    assert korea.filter(pl.col("ms_code") == "SUN")["state"].item() == "RUS"  # the USSR continues as RUS
    tally = votes.filter(pl.col("undl_id") == 3959039)["vote"].value_counts().sort("vote")
    assert dict(tally.iter_rows()) == {"A": 2, "N": 1, "Y": 3}


def test_accepts_header_variants(tmp_path: Path) -> None:
    text = sc_file().decode()
    variant = text.replace("description", "title", 1).replace("agenda,", "agenda_title,", 1)
    rc, _ = read_sc_votes(_write(tmp_path, ("\ufeff" + variant).encode()))
    assert rc["title"][1].startswith("Letter dated 28 February 2014")
    assert rc["agenda"][1] == "Ukraine"


def test_unknown_layout_lists_expected_columns(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayoutError) as err:
        read_sc_votes(_write(tmp_path, b"id,country,position\n1,USA,Y\n"))
    msg = str(err.value)
    assert "missing ms_code, ms_vote, date, resolution (or draft)" in msg
    assert "Expected the columns undl_id (or id), ms_code (or ms_codes), ms_vote (or ms_votes, vote)" in msg
    assert "line 1" in msg


def test_check_header_maps_aliases() -> None:
    cols = check_header(["ID", "ms_codes", "Vote", "vote_date", "draft"])
    assert cols == {"undl_id": 0, "ms_code": 1, "ms_vote": 2, "date": 3, "draft": 4}


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("ms_vote", "Q", "unknown vote code 'Q'"),
        ("date", "1950-02-30", "impossible or malformed date"),
        ("total_yes", "four", "not a number"),
        ("ms_code", "U1", "not a three-letter state code"),
    ],
)
def test_bad_cells_name_line_and_field(tmp_path: Path, column: str, value: str, message: str) -> None:
    lines = sc_file().decode().splitlines()
    row = lines[3].split(",")
    row[SC_HEADER.index(column)] = value
    lines[3] = ",".join(row)
    with pytest.raises(InputFormatError) as err:
        read_sc_votes(_write(tmp_path, ("\n".join(lines) + "\n").encode()))
    assert err.value.line == 4 and err.value.field == column
    assert message in str(err.value)


def test_ragged_row_and_duplicate_vote_are_refused(tmp_path: Path) -> None:
    lines = sc_file().decode().splitlines()
    with pytest.raises(InputFormatError, match="row has 18 fields, the header 19") as err:
        read_sc_votes(_write(tmp_path, ("\n".join([*lines, lines[2].rsplit(",", 1)[0]]) + "\n").encode()))
    assert err.value.line == len(lines) + 1
    with pytest.raises(InputFormatError, match="a second vote of CHN on roll call 1234"):
        read_sc_votes(_write(tmp_path, ("\n".join([*lines, lines[1]]) + "\n").encode()))


def test_ga_session_number_follows_the_september_opening() -> None:
    assert ga_session_number(dt.date(2022, 3, 2)) == 76  # ES-11 was convened during the 76th session
    assert ga_session_number(dt.date(2022, 9, 12)) == 76  # the 77th opened on 13 September 2022
    assert ga_session_number(dt.date(2022, 9, 13)) == 77
    assert ga_session_number(dt.date(2014, 3, 27)) == 68
    assert ga_session_number(dt.date(1946, 6, 1)) == 1
    assert ga_session_number(dt.date(2017, 9, 11)) == 71  # the 72nd opened on 12 September 2017
    assert ga_session_number(dt.date(2017, 9, 12)) == 72
    assert ga_session_number(dt.date(2019, 9, 17)) == 74  # 1 September 2019 was a Sunday
    assert ga_session_number(dt.date(2023, 9, 4)) == 77  # from 2023 the Assembly opens a week earlier
    assert ga_session_number(dt.date(2023, 9, 5)) == 78
    assert ga_session_number(dt.date(2024, 9, 10)) == 79
    assert ga_session_number(dt.date(2025, 9, 8)) == 79


def test_refused_header_closes_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        fh = real_open(self, *args, **kwargs)
        opened.append(fh)
        return fh

    paths = [tmp_path / "layout.csv", tmp_path / "empty.csv"]
    paths[0].write_text("a,b\n1,2\n", encoding="utf-8")
    paths[1].write_text("", encoding="utf-8")
    monkeypatch.setattr(Path, "open", spy)
    for path in paths:
        with pytest.raises(UnknownLayoutError):
            read_sc_votes(path)
    assert len(opened) == 2 and all(fh.closed for fh in opened)
