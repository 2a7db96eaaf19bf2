"""Hostile input is refused with file, line and field, exit 2 and no traceback; ``check --strict`` flags the rest."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from _store_helpers import run_cli, snapshot, vote_file

pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("reliability-hostile")]

UNDL_GA = ["undl_id", "ms_code", "ms_vote", "date", "session", "resolution", "vote_note", "title"]


def _refused(home: Path, path: Path) -> str:
    done = run_cli(home, "ingest", str(path))
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: ") and str(path) in done.stderr
    return done.stderr


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    assert run_cli(h, "ingest", str(vote_file(tmp_path / "ok.csv", "A/RES/69/1", "2014-10-01"))).returncode == 0
    return h


@pytest.mark.parametrize("date", ["2099-01-01", "0001-01-01", "1945-10-23"])
def test_dates_outside_the_un_era_are_refused(home: Path, tmp_path: Path, date: str) -> None:
    before = snapshot(home)
    path = tmp_path / "bad.csv"
    path.write_text(f"resolution,date,ms_code,ms_vote\nA/RES/1/1,2000-01-01,USA,Y\nA/RES/1/2,{date},FRA,N\n")
    err = _refused(home, path)
    assert "line 3, field 'date'" in err and date in err and "1945-10-24" in err
    assert snapshot(home) == before


def test_first_and_last_possible_dates_are_accepted(home: Path, tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    path = tmp_path / "edges.csv"
    path.write_text(f"resolution,date,ms_code,ms_vote\nA/RES/1/1,1945-10-24,USA,Y\nA/RES/81/1,{today},FRA,N\n")
    done = run_cli(home, "ingest", str(path))
    assert done.returncode == 0, done.stderr


def test_a_200_kib_field_on_an_error_path_is_no_traceback(home: Path, tmp_path: Path) -> None:
    big = "x" * 200_000
    path = tmp_path / "big.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["resolution", "date", "ms_code", "ms_vote", "note"])
        w.writerow(["A/RES/1/1", "2000-01-01", "USA", "Y", big])
        w.writerow(["A/RES/1/1", "2000-01-01", "FRA", "Q", big])
    err = _refused(home, path)
    assert "line 3, field 'ms_vote'" in err and "unknown vote code 'Q'" in err


def test_a_stored_field_over_the_limit_is_refused(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "long_title.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(UNDL_GA)
        w.writerow([1, "USA", "Y", "2000-01-01", "55", "A/RES/55/1", "", "short"])
        w.writerow([2, "USA", "Y", "2000-01-02", "55", "A/RES/55/2", "", "t" * 70_000])
    err = _refused(home, path)
    assert "line 3, field 'title'" in err and "70000 bytes" in err and "65,536-byte limit" in err


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("latin-1", "Windows-1252 or Latin-1"), ("cp1252", "Windows-1252 or Latin-1"), ("utf-16", "UTF-16")],
)
def test_wrong_encodings_are_named(home: Path, tmp_path: Path, encoding: str, named: str) -> None:
    path = tmp_path / f"{encoding}.csv"
    text = "resolution,date,ms_code,ms_vote,note\nA/RES/1/1,2000-01-01,CIV,Y,Côte d’Ivoire\n"
    path.write_bytes(text.replace("’", "'").encode(encoding) if encoding == "latin-1" else text.encode(encoding))
    err = _refused(home, path)
    assert "not UTF-8" in err and named in err
    if encoding != "utf-16":
        assert "line 2, field 'note'" in err


def test_missing_columns_are_named(home: Path, tmp_path: Path) -> None:
    single = tmp_path / "no_vote.csv"
    single.write_text("resolution,date,ms_code\nA/RES/1/1,2000-01-01,USA\n")
    err = _refused(home, single)
    assert "line 1, field 'ms_vote'" in err and "missing column(s) 'ms_vote'" in err
    vetoes = tmp_path / "vetoes.csv"
    vetoes.write_text("year,date,draft,member_veto1,member_veto2,member_veto3\n1946,2/16/1946,S/PV.23,USSR,,\n")
    err = _refused(home, vetoes)
    assert "missing column(s) 'agenda_item', 'crisis_topic', 'region'" in err and "field 'agenda_item'" in err


def test_check_strict_fails_on_stored_rows_an_ingest_would_refuse(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record written before the limits (simulated: limits lifted in this process) holds a 2099 vote."""
    from polycentric.record.store import ingest
    from polycentric.sources import _checks

    path = tmp_path / "future.csv"
    path.write_text("resolution,date,ms_code,ms_vote\nA/RES/154/1,2099-09-20,USA,Y\n")
    with monkeypatch.context() as m:
        m.setattr(_checks, "max_date", lambda: dt.date(2100, 1, 1))
        ingest([path], home=home)
    plain = run_cli(home, "check")
    assert plain.returncode == 0, plain.stderr
    strict = run_cli(home, "check", "--strict")
    assert strict.returncode == 1
    assert "would refuse (--strict): 1" in strict.stdout and "2099-09-20" in strict.stdout
