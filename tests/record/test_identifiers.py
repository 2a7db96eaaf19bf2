"""Honest identifiers: Voeten's early ``unres`` kept and flagged, early roll calls stored once, UN DL record ids.

A small synthetic pair: a Voeten ``unvotes`` triple holding the Universal
Declaration as Voeten numbers it (``R/3/933``) and a UN DL file holding it under
its official symbol ``A/RES/217(III)[A]``; plus two roll calls on one day with
equal tallies in both files, which cannot be told apart and so are not linked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from polycentric.cli.main import main
from polycentric.errors import UnknownResolutionError
from polycentric.record.store import ingest, open_record

# (rcid, date, unres, amend, descr, votes by ISO2)
_VOETEN = [
    (127, "1948-12-10", "R/3/933", 0, "TO ADOPT 3RD COMM. DRAFT RESOL. A (A/777): UNIVERSAL DECLARATION OF HUMAN RIGHTS",
     {"US": "yes", "GB": "yes", "FR": "yes", "SA": "abstain", "ZA": "abstain", "PL": "abstain", "RU": "abstain"}),
    (126, "1948-12-10", "R/3/931A", 1, "TO ADOPT A USSR AMENDMENT (A/784) TO 3RD COMM. DRAFT RESOL. A",
     {"US": "no", "GB": "no", "FR": "no", "SA": "yes", "ZA": "yes", "PL": "yes", "RU": "yes"}),
    (200, "1948-12-11", "R/3/950", 0, "TO ADOPT 5TH COMM. DRAFT RESOLUTION I", {"US": "yes", "GB": "yes", "FR": "no"}),
    (201, "1948-12-11", "R/3/951", 0, "TO ADOPT 5TH COMM. DRAFT RESOLUTION II", {"US": "yes", "GB": "no", "FR": "yes"}),
    (300, "1948-12-12", "R/3/960", 0, "TO ADOPT A GENERAL COMM. MOTION TO ADJOURN THE DEBATE ON ITEM 12",
     {"US": "yes", "GB": "yes", "FR": "yes"}),
]  # fmt: skip
# (undl_id, date, symbol, votes by ISO3)
_UNDL = [
    (666, "1948-12-10", "A/RES/217(III)[A]",
     {"USA": "Y", "GBR": "Y", "FRA": "Y", "SAU": "A", "ZAF": "A", "POL": "A", "RUS": "A"}),
    (701, "1948-12-11", "A/RES/260(III)", {"USA": "Y", "GBR": "Y", "FRA": "N"}),
    (702, "1948-12-11", "A/RES/261(III)", {"USA": "Y", "GBR": "N", "FRA": "Y"}),
]  # fmt: skip
# (701, 702) have the tallies 2-1-0 as (200, 201): two candidates each, so neither pair is linked

_UNDL_HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,agenda_title,"
    "subjects,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link"
)


def _voeten(folder: Path) -> Path:
    folder.mkdir()
    rc = ["rcid,session,importantvote,date,unres,amend,para,short,descr"]
    votes = ["rcid,country,country_code,vote"]
    for rcid, date, unres, amend, descr, cast in _VOETEN:
        rc.append(f'{rcid},3,0,{date},{unres},{amend},0,ITEM,"{descr}"')
        votes += [f"{rcid},{code},{code},{v}" for code, v in cast.items()]
    (folder / "un_roll_calls.csv").write_text("\n".join(rc) + "\n", encoding="utf-8")
    (folder / "un_votes.csv").write_text("\n".join(votes) + "\n", encoding="utf-8")
    (folder / "un_roll_call_issues.csv").write_text("rcid,short_name,issue\n127,hr,Human rights\n", encoding="utf-8")
    return folder


def _undl(path: Path) -> Path:
    lines = [_UNDL_HEADER]
    for uid, date, symbol, cast in _UNDL:
        y, n, a = (sum(v == c for v in cast.values()) for c in "YNA")
        lines += [
            f"{uid},{code},{code},{v},{date},3,{symbol},,,,Title {uid},,,{y},{n},{a},0,{len(cast)},"
            for code, v in cast.items()
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_voeten_early_identifier_is_kept_and_flagged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([_voeten(tmp_path / "unvotes")], home=home)
    rec = open_record(home)
    udhr = rec.roll_calls(resolution="R/3/933")
    assert udhr.height == 1 and udhr["resolution"].item() == "A/RES/3/933"
    assert udhr["symbol_official"].item() is False  # Voeten's own number, not the UN's 217 A (III)
    assert udhr["kind"].item() == "resolution"
    assert rec.roll_calls(resolution="R/3/960")["kind"].item() == "procedural"  # a motion to adjourn debate
    with pytest.raises(UnknownResolutionError) as err:
        rec.find("217 A (III)")
    message = str(err.value)
    assert "\n" not in message and "A/RES/3/217A" in message
    assert "Voeten's own identifiers" in message and "--session 3 --search" in message


def test_early_roll_call_stored_once_by_session_date_and_tallies(tmp_path: Path) -> None:
    home = tmp_path / "home"
    report = ingest([_voeten(tmp_path / "unvotes"), _undl(tmp_path / "undl.csv")], home=home)
    assert report.matches == 1 and "1 Voeten roll calls matched" in report.summary()
    rec = open_record(home)
    rc = rec.roll_calls()
    # 5 Voeten roll calls + 3 UN DL ones, the Declaration once: 7; the ambiguous 2-1-0 pairs stay apart
    assert rc.height == 7
    udhr = rec.roll_calls(resolution="A/RES/217(III)[A]")
    assert udhr.height == 1
    row = udhr.row(0, named=True)
    assert row["resolution"] == "A/RES/3/217A" and row["symbol_official"] is True
    assert row["other_symbols"] == "A/RES/3/933" and row["undl_id"] == 666
    assert row["sources"] == "undl;voeten" and row["issue_hr"] is True  # Voeten's issue code kept
    # Voeten's identifier still finds it
    assert rec.roll_calls(resolution="R/3/933")["rollcall_id"].item() == row["rollcall_id"]
    m = rec.matches()
    assert m.select("voeten_symbol", "official_symbol", "undl_id", "yes", "no", "abstain").rows() == [
        ("A/RES/3/933", "A/RES/3/217A", 666, 3, 0, 4)
    ]
    assert m["rollcall_id"].item() == row["rollcall_id"] and m["official_date"].item() == dt.date(1948, 12, 10)
    ambiguous = rc.filter(pl.col("date") == dt.date(1948, 12, 11))
    assert ambiguous.height == 4 and set(ambiguous["sources"]) == {"undl", "voeten"}
    # the amendment vote (same day, other tallies) is Voeten's alone
    assert rec.roll_calls(kind="amendment")["sources"].to_list() == ["voeten"]


def test_match_needs_the_date_window(tmp_path: Path) -> None:
    far = tmp_path / "undl.csv"
    _undl(far)
    far.write_text(far.read_text(encoding="utf-8").replace("1948-12-10", "1948-12-30"), encoding="utf-8")
    home = tmp_path / "home"
    report = ingest([_voeten(tmp_path / "unvotes"), far], home=home)
    assert report.matches == 0
    assert open_record(home).roll_calls(resolution="A/RES/3/217A")["sources"].item() == "undl"


def test_cli_unknown_symbol_exits_non_zero_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    ingest([_voeten(tmp_path / "unvotes")], home=home)
    capsys.readouterr()
    assert main(["--home", str(home), "votes", "--resolution", "217 A (III)"]) == 2  # an unknown name: exit 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: no roll call has the symbol A/RES/3/217A")
    assert "A/RES/3/933" in err or "A/RES/3/950" in err  # roll calls of session 3 suggested
    assert main(["--home", str(home), "votes", "--resolution", "A/RES/77/1"]) == 2
    assert "holds no roll call of session 77" in capsys.readouterr().err
    assert main(["--home", str(home), "votes", "--undl-id", "123"]) == 2
    assert "no roll call has the UN Digital Library record id 123" in capsys.readouterr().err
