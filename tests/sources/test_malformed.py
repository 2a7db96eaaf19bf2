"""Malformed input is refused: the error names file, line and field; exit code 2; the store is unchanged."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from polycentric.cli.main import main

UNDL_HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,agenda_title,"
    "subjects,vote_note,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link"
)


def _row(undl_id: int, code: str, name: str, vote: str, date: str = "2022-03-02", symbol: str = "A/RES/ES-11/1") -> str:
    return f'{undl_id},{code},{name},{vote},{date},ES-11,{symbol},,,,"Aggression, against Ukraine",Agenda,,,2,1,0,0,3,'


GOOD = [_row(1, "USA", "UNITED STATES", "Y"), _row(1, "FRA", "FRANCE", "Y"), _row(1, "RUS", "RUSSIAN FEDERATION", "N")]


def _write(path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A record holding one small valid file."""
    home = tmp_path / "home"
    good = _write(tmp_path / "good.csv", [UNDL_HEADER, *GOOD])
    assert main(["--home", str(home), "ingest", str(good)]) == 0
    return home


def _snapshot(home: Path) -> tuple[str, str, list[str]]:
    current = (home / "CURRENT").read_text()
    manifest = (home / current.strip() / "manifest.json").read_text()
    return current, manifest, sorted(p.name for p in home.iterdir())


def _refused(home: Path, path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    before = _snapshot(home)
    capsys.readouterr()
    code = main(["--home", str(home), "ingest", *extra, str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert _snapshot(home) == before  # store unchanged, no temporary folder left
    assert str(path) in err
    return err


def test_ragged_row(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "ragged.csv", [UNDL_HEADER, GOOD[0], "1,CHN,CHINA,A,2022-03-02,ES-11", GOOD[2]])
    err = _refused(home, bad, capsys)
    assert "line 3" in err and "field 'resolution'" in err and "ragged" in err


def test_extra_field(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "extra.csv", [UNDL_HEADER, GOOD[0], GOOD[1] + ",surplus"])
    err = _refused(home, bad, capsys)
    assert "line 3" in err and "extra fields" in err


def test_wrong_encoding(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [UNDL_HEADER, GOOD[0], _row(1, "CIV", "CÔTE D'IVOIRE", "Y")]
    bad = _write(tmp_path / "latin1.csv", lines, encoding="latin-1")
    err = _refused(home, bad, capsys)
    assert "line 3" in err and "field 'ms_name'" in err and "UTF-8" in err


def test_unknown_vote_code(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "vote.csv", [UNDL_HEADER, GOOD[0], GOOD[1], _row(1, "CHN", "CHINA", "Q")])
    err = _refused(home, bad, capsys)
    assert "line 4" in err and "field 'ms_vote'" in err and "'Q'" in err


def test_unknown_state(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "state.csv", [UNDL_HEADER, GOOD[0], _row(1, "ZZZ", "NOWHERE", "Y")])
    err = _refused(home, bad, capsys)
    assert "line 3" in err and "field 'ms_code'" in err and "ZZZ" in err


def test_impossible_date(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "date.csv", [UNDL_HEADER, _row(1, "USA", "UNITED STATES", "Y", date="2023-02-30")])
    err = _refused(home, bad, capsys)
    assert "line 2" in err and "field 'date'" in err and "2023-02-30" in err


def test_multiline_title_counts_physical_lines(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    two_line = '1,GBR,UNITED KINGDOM,Y,2022-03-02,ES-11,A/RES/ES-11/1,,,,"first line\nsecond line",Agenda,,,2,1,0,0,3,'
    bad = _write(tmp_path / "multi.csv", [UNDL_HEADER, two_line, _row(1, "ZZZ", "NOWHERE", "Y")])
    err = _refused(home, bad, capsys)
    assert "line 4" in err  # the quoted title spans lines 2-3


def test_truncated_gzip(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [_row(i, "USA", "UNITED STATES", "Y", symbol=f"A/RES/77/{i}") for i in range(1, 3000)]
    full = gzip.compress(("\n".join([UNDL_HEADER, *rows]) + "\n").encode())
    bad = tmp_path / "cut.csv.gz"
    bad.write_bytes(full[: len(full) // 2])
    err = _refused(home, bad, capsys)
    assert "truncated" in err and "line " in err


def test_wrong_layout(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "layout.csv", ["country,year,score", "FRA,2020,1"])
    err = _refused(home, bad, capsys)
    assert "line 1" in err and "unknown layout" in err
    for expected in (
        "undl-2026",
        "ms_code",
        "ms_votes",
        "rcid",
        "ccode",
        "member_veto1",
        "resolution, date, ms_code, ms_vote",
    ):
        assert expected in err


def test_forced_format_that_does_not_fit(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    single = _write(tmp_path / "single.csv", ["resolution,date,ms_code,ms_vote", "A/RES/77/1,2022-10-01,FRA,Y"])
    err = _refused(home, single, capsys, "--format", "undl")
    assert "--format undl expects" in err and "undl_id" in err


def test_one_bad_file_among_good_ones_changes_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good2 = _write(tmp_path / "good2.csv", ["resolution,date,ms_code,ms_vote", "A/RES/77/1,2022-10-01,FRA,Y"])
    bad = _write(tmp_path / "bad.csv", [UNDL_HEADER, _row(1, "USA", "UNITED STATES", "maybe")])
    before = _snapshot(home)
    assert main(["--home", str(home), "ingest", str(good2), str(bad)]) == 2
    assert _snapshot(home) == before
    assert json.loads(before[1])["sources"][0]["layout"] == "undl-2026"
