"""The record's CLI, rendered to text and compared."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from polycentric.cli.main import main


@pytest.fixture()
def home(record) -> str:  # type: ignore[no-untyped-def]
    return str(record.home)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_votes_es11_1(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "--home", home, "votes", "--resolution", "A/RES/ES-11/1")
    assert out.rstrip().splitlines()[-1].split() == ["Y:", "141", "N:", "5", "A:", "35", "X:", "12"]
    text = _run(capsys, "--home", home, "votes", "--resolution", "A/RES/ES-11/1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 193
    assert {"state", "state_name", "vote", "resolution", "date", "session"} <= set(rows[0])
    no = sorted(r["state"] for r in rows if r["vote"] == "N")
    assert no == ["BLR", "ERI", "PRK", "RUS", "SYR"]
    assert {r["session"] for r in rows} == {"ES-11"} and {r["date"] for r in rows} == {"2022-03-02"}


def test_votes_68_262_json(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_run(capsys, "--home", home, "votes", "-r", "R/68/262", "--format", "json"))
    tally = {v: sum(r["vote"] == v for r in rows) for v in "YNA"}
    assert tally == {"Y": 100, "N": 11, "A": 58}
    assert {r["resolution"] for r in rows} == {"A/RES/68/262"}


def test_stata_and_parquet_export(home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dta = tmp_path / "v.dta"
    _run(capsys, "--home", home, "votes", "-r", "A/RES/ES-11/1", "--format", "dta", "--out", str(dta))
    df = pd.read_stata(dta)
    assert len(df) == 193 and (df["vote"] == "Yes").sum() == 141  # value labels (Y = 1 "Yes")
    assert str(df["date"].iloc[0].date()) == "2022-03-02"
    rc = tmp_path / "rc.dta"
    _run(capsys, "--home", home, "rollcalls", "--year", "2022", "--format", "dta", "--out", str(rc))
    assert len(pd.read_stata(rc)) == 86  # 81 of session 77 (Voeten) and ES-11/1 ... ES-11/5
    pq = tmp_path / "rc.parquet"
    _run(capsys, "--home", home, "rollcalls", "--session", "ES-10", "--format", "parquet", "--out", str(pq))
    assert len(pd.read_parquet(pq)) == 26  # ES-10/2 ... ES-10/27 (1997-2025)
    capsys.readouterr()
    assert main(["--home", home, "votes", "-r", "A/RES/ES-11/1", "--format", "dta"]) == 2  # needs --out


def test_rollcalls_listing(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "--home", home, "rollcalls", "--session", "ES-10", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["resolution"] for r in rows] == [f"A/RES/ES-10/{n}" for n in range(2, 28)]  # 1997-2025
    table = _run(capsys, "--home", home, "rollcalls", "--year", "2014", "--search", "Ukraine")
    assert "A/RES/68/262" in table


def test_state_command(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_run(capsys, "--home", home, "state", "SUN", "--year", "1975", "--format", "json"))
    assert rows[0]["state"] == "RUS" and rows[0]["name"] == "Union of Soviet Socialist Republics"
    assert rows[0]["member"] is True and rows[0]["votes_Y"] > 0
    rows = json.loads(_run(capsys, "--home", home, "state", "Russia", "--year", "2022", "--format", "json"))
    assert rows[0]["state"] == "RUS" and rows[0]["name"] == "Russian Federation"
    capsys.readouterr()
    assert main(["--home", home, "state", "Atlantis"]) == 2


def test_check_prints_ledger(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "--home", home, "check")
    assert "un_votes.csv.gz" in out and "derived" in out
    assert "Tally mismatches (recorded totals versus stored votes): 0" in out


def test_build_offline_says_so(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "--home", str(tmp_path / "h"), "--data", str(shared_data), "build", "--offline")
    assert "built from local files" in out and "unvotes" in out


def test_unknown_symbol_is_bad_input_with_one_line_reason(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    # a symbol that names nothing is bad input (exit 2, as an unknown state is), never a traceback
    assert main(["--home", home, "votes", "--resolution", "A/RES/3/999999"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith("error: no roll call has the symbol A/RES/3/999999")
    assert "Voeten's own identifiers, not UN symbols" in line  # says why
    assert "rollcalls --session 3 --search" in line and "A/RES/3/" in line.split("include", 1)[1]  # suggests
    assert main(["--home", home, "votes", "--undl-id", "999999999"]) == 2


def test_years_after_the_record_are_named_not_shown_as_zero(
    record, home: str, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    from polycentric.record.coverage import years_after_record

    # the GA votes end on 2025-12-18: 2026 is unknown to the record, 2025 is not
    assert years_after_record(record, 2024, 2027) == [2026, 2027]
    assert years_after_record(record, 2020, 2025) == []
    capsys.readouterr()
    assert main(["--home", home, "state", "USA", "--year", "2026", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "note: the record holds no General Assembly votes for 2026" in captured.err
    assert "General Assembly votes through 2025-12-18" in captured.err
    assert main(["--home", home, "cohesion", "NAM", "--years", "2025-2026", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert [line.split(",")[1] for line in captured.out.strip().splitlines()[1:]] == ["2025"]
    assert "note: the record holds no General Assembly votes for 2026" in captured.err
    assert main(["--home", home, "agreement", "USA", "RUS", "--years", "2024-2025", "--format", "csv"]) == 0
    assert "note:" not in capsys.readouterr().err
