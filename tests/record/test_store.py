"""The store: atomic and idempotent ingest, precedence between sources, conflicts, ledger, stable ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from polycentric.errors import IngestError, RecordNotBuiltError
from polycentric.record import ingest as ingest_module
from polycentric.record.store import ingest, open_record

UNDL = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,agenda_title,"
    "subjects,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link\n"
    "101,USA,US,Y,2014-03-27,68,A/RES/68/262,,,,Territorial integrity,Ag,,2,1,0,0,3,\n"
    "101,RUS,RU,N,2014-03-27,68,A/RES/68/262,,,,Territorial integrity,Ag,,2,1,0,0,3,\n"
    "101,CHN,CN,Y,2014-03-27,68,A/RES/68/262,,,,Territorial integrity,Ag,,2,1,0,0,3,\n"
)
SINGLE = (
    "resolution,date,ms_code,ms_vote\nR/68/262,2014-03-27,USA,Y\nR/68/262,2014-03-27,RUS,N\nR/68/262,2014-03-27,CHN,A\n"
)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    undl = tmp_path / "undl.csv"
    undl.write_text(UNDL, encoding="utf-8")
    single = tmp_path / "single.csv"
    single.write_text(SINGLE, encoding="utf-8")
    return undl, single


def test_not_built(tmp_path: Path) -> None:
    with pytest.raises(RecordNotBuiltError):
        open_record(tmp_path / "empty")


def test_precedence_and_conflict(tmp_path: Path) -> None:
    undl, single = _files(tmp_path)
    home = tmp_path / "home"
    ingest([single, undl], home=home)
    rec = open_record(home)
    rc = rec.roll_calls()
    assert rc.height == 1  # one roll call from two sources
    assert rc["sources"][0] == "file:single.csv;undl"
    assert rc["title"][0] == "Territorial integrity"
    votes = rec.votes(resolution="R/68/262")
    # UN DL wins for whole-resolution votes: China Y (the single-vote file says A)
    assert dict(zip(votes["state"], votes["vote"], strict=True)) == {"CHN": "Y", "RUS": "N", "USA": "Y"}
    conflicts = rec.conflicts()
    assert conflicts.select("state", "kept_source", "kept_value", "other_source", "other_value").rows() == [
        ("CHN", "undl", "Y", "file:single.csv", "A")
    ]
    ledger = rec.ledger()
    by_file = dict(ledger.group_by("file").agg(pl.col("rows").sum()).iter_rows())
    assert by_file == {"undl.csv": 3, "single.csv": 3}
    assert ledger.filter(pl.col("file") == "single.csv")["status"].to_list() == ["merged"]
    # recorded totals 2-1-0 agree with the stored votes
    assert rec.check().height == 0


def test_order_does_not_matter(tmp_path: Path) -> None:
    undl, single = _files(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([undl, single], home=a)
    ingest([single], home=b)
    ingest([undl], home=b)
    va = open_record(a).votes(resolution="A/RES/68/262").drop("rollcall_id")
    vb = open_record(b).votes(resolution="A/RES/68/262").drop("rollcall_id")
    assert va.equals(vb)


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    undl, _ = _files(tmp_path)
    home = tmp_path / "home"
    ingest([undl], home=home)
    current = (home / "CURRENT").read_text()
    report = ingest([undl], home=home)
    assert report.added == [] and report.unchanged == [str(undl)]
    assert (home / "CURRENT").read_text() == current
    copy = tmp_path / "copy.csv"
    copy.write_bytes(undl.read_bytes())
    assert ingest([copy], home=home).added == []  # same content under another name


def test_crash_mid_ingest_leaves_store_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    undl, single = _files(tmp_path)
    home = tmp_path / "home"
    ingest([undl], home=home)
    before = open_record(home).votes(resolution="A/RES/68/262")
    current = (home / "CURRENT").read_text()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "merge_sources", boom)
    with pytest.raises(IngestError, match="record unchanged"):
        ingest([single], home=home)
    assert (home / "CURRENT").read_text() == current
    assert not list(home.glob(".tmp-*"))
    assert open_record(home).votes(resolution="A/RES/68/262").equals(before)


@pytest.mark.parametrize("failing", ["source votes", "record votes", "record ledger"])
def test_a_failed_write_in_either_thread_leaves_store_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The source's files and the record's votes are written by a second thread: its failure still aborts."""
    import errno
    import os

    undl, single = _files(tmp_path)
    home = tmp_path / "home"
    ingest([undl], home=home)
    before = open_record(home).votes(resolution="A/RES/68/262")
    current = (home / "CURRENT").read_text()
    target = {
        "source votes": ("sources", "votes.parquet"),
        "record votes": (None, "votes.parquet"),
        "record ledger": (None, "ledger.parquet"),
    }[failing]
    real = ingest_module._write

    def full_disk(frame: pl.DataFrame, path: Path, **options: object) -> None:
        if path.name == target[1] and (path.parent.parent.name == "sources") == (target[0] == "sources"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(frame, path, **options)

    monkeypatch.setattr(ingest_module, "_write", full_disk)
    with pytest.raises(IngestError, match=r"record unchanged.*No space left on device"):
        ingest([single], home=home)
    assert (home / "CURRENT").read_text() == current
    assert not list(home.glob(".tmp-*"))
    assert open_record(home).votes(resolution="A/RES/68/262").equals(before)


def test_ids_are_stable_when_sources_are_added(tmp_path: Path) -> None:
    undl, _ = _files(tmp_path)
    home = tmp_path / "home"
    ingest([undl], home=home)
    rid = open_record(home).roll_calls()["rollcall_id"][0]
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("resolution,date,ms_code,ms_vote\nA/RES/1/1,1946-01-24,USA,Y\n", encoding="utf-8")
    ingest([earlier], home=home)
    rec = open_record(home)
    assert rec.roll_calls(resolution="A/RES/68/262")["rollcall_id"][0] == rid
    assert rec.roll_calls().height == 2


def test_filters(record) -> None:  # type: ignore[no-untyped-def]
    es = record.roll_calls(session="ES-10")
    # ES-10/2-27 from the combined file; ES-10/19 (2017, Jerusalem) also in Voeten, ES-10/21-25 in the key votes
    assert es["resolution"].to_list() == [f"A/RES/ES-10/{n}" for n in range(2, 28)]
    assert es.filter(pl.col("resolution") == "A/RES/ES-10/19")["sources"].item() == "undl-long;voeten"
    y2022 = record.roll_calls(year=2022)
    assert y2022.height == 86  # 81 Voeten roll calls in 2022 + ES-11/1 ... ES-11/5
    hr = record.roll_calls(year=2022, issue="hr")
    assert 0 < hr.height < y2022.height and hr["issue_hr"].all()
    assert record.roll_calls(year=2022, issue="Human rights").height == hr.height
    crimea = record.roll_calls(search="crimea", start="2022-01-01", end="2022-12-31")
    assert "A/RES/77/229" in crimea["resolution"].to_list()
    amend = record.roll_calls(kind="amendment")
    assert amend.height == 130 + 157 + 24  # unvotes roll calls with amend = 1 (para 0, 1 or missing)
    assert set(amend["kind"]) == {"amendment"}
    assert record.roll_calls(kind="paragraph").height == 470 + 364
    # motions of no action and of adjournment, told by Voeten's descriptions
    proc = record.roll_calls(kind="procedural")
    assert proc.height == 29 and proc["title"].str.contains("(?i)no action|adjourn").all()
    sc = record.roll_calls(body="SC", year=2022)
    assert sc["resolution"].to_list() == ["S/2022/155", "S/2022/431", "S/2022/538"]
    usa_votes = record.votes(year=2022, state="United States")
    assert set(usa_votes["state"]) == {"USA"} and usa_votes.height == 86
    assert record.roll_calls(state="DDR", year=1980).height > 0
    assert record.roll_calls(state="DDR", year=1995).height == 0


def test_states_at_a_date(record) -> None:  # type: ignore[no-untyped-def]
    s1975 = record.states(date="1975-06-01")
    assert "DDR" in s1975["state"].to_list() and "CZE" not in s1975["state"].to_list()
    assert s1975.filter(pl.col("state") == "RUS")["name"][0] == "Union of Soviet Socialist Republics"
    assert record.states(year=2022).height == 193


def test_x_rows_follow_membership(record) -> None:  # type: ignore[no-untyped-def]
    # unvotes drops absentees; the store adds X for members without a row, none for non-members
    assert record.non_member_votes().filter(pl.col("vote") == "X").height == 0
    v = record.votes(resolution="A/RES/77/229")
    assert v.height == 193


@pytest.mark.slow
def test_undl_layout_file_merges_with_voeten(shared_data: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(
        [
            shared_data / "unvotes_voeten_2024",
            shared_data / "undl_layout_from_voeten" / "ga_voting_undl_layout_1946_2023.csv.gz",
        ],
        home=home,
    )
    rec = open_record(home)
    sources = dict(rec.roll_calls()["sources"].value_counts().iter_rows())
    # all 5,319 whole-resolution roll calls linked: 5,318 by symbol (or date and title), one by tallies
    assert sources["undl;voeten"] == 5_319
    assert rec.roll_calls().height == 6_464
    m = rec.matches()
    assert m.height == 1 and m.row(0, named=True) | {"rollcall_id": 0, "undl_key": ""} == {
        "rollcall_id": 0, "session": "52", "voeten_symbol": None, "voeten_date": dt.date(1997, 12, 9),
        "official_symbol": None, "undl_id": 9006027, "official_date": dt.date(1997, 12, 9),
        "yes": 57, "no": 65, "abstain": 32, "undl_key": "",
    }  # fmt: skip
    assert rec.roll_calls(undl_id=9006027)["rollcall_id"].item() == m["rollcall_id"].item()
    assert rec.conflicts().height == 0
    ledger = rec.ledger()
    undl_rows = ledger.filter(pl.col("file").str.starts_with("ga_voting"), pl.col("status") != "derived")["rows"].sum()
    assert undl_rows == 854_022
    # the 11 roll calls where two codes of the China seat were both listed: recorded totals count both
    assert rec.check().height == 11


def test_sc_file_supersedes_veto_list_and_authorities_are_accounted(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))
    from undl_fixtures import auth_file, ga_file, sc_file

    vetoes = tmp_path / "vetoes.csv"
    vetoes.write_text(
        "year,date,month,draft,meeting_record,agenda_item,crisis_topic,region,member_veto1,member_veto2,member_veto3\n"
        "2022,2/25/2022,2,S/2022/155,S/PV.8979,Ukraine,Ukraine,Europe,Russia,,\n",
        encoding="utf-8",
    )
    files = []
    for name, data in (("sc.csv", sc_file()), ("auth.csv", auth_file()), ("ga.csv", ga_file())):
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    home = tmp_path / "home"
    ingest([vetoes, *files], home=home)
    rec = open_record(home)
    draft = rec.roll_calls(body="SC", resolution="S/2022/155")
    assert draft.height == 1 and draft["sources"][0] == "undl-sc;unsc-vetoes"
    assert rec.votes(body="SC", resolution="S/2022/155").filter(pl.col("state") == "RUS")["vote"].to_list() == ["N"]
    ledger = rec.ledger()
    assert ledger.filter(pl.col("file") == "auth.csv")["status"].to_list() == ["skipped"]
    assert ledger.filter(pl.col("file") == "vetoes.csv").select("status", "rows").rows() == [("merged", 1)]
    # GA roll calls Voeten never coded get issue codes from the classifier
    ga = rec.roll_calls()
    assert set(ga["issues_source"]) == {"classifier"}
