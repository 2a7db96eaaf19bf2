"""The Security Council as it votes: adopted resolutions with 15 votes, vetoes, failed drafts, the body filter.

Figures come from the PROVENANCE files of the shared data folders:
``unga_unsc_votes_2023_2025_combined`` (139 adopted resolutions 2023-2025, 50/45/44, 15 members each),
``unsc_vetoes`` (214 rows 1946-2022) and ``unsc_vetoes_2022_2026_update`` (19 new rows: RUS 11, USA 8, CHN 3),
``unsc_failed_drafts_sample_1947_2022_emilytong`` (53 votes, 11 of them on drafts of the veto list).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from polycentric.cli.main import main
from polycentric.errors import InputFormatError
from polycentric.record.build import local_source_paths
from polycentric.record.sc import outcome_text
from polycentric.record.store import Record, ingest, open_record
from polycentric.sources.detect import read_source
from polycentric.sources.sc import sc_outcome

SC_LONG = "unga_unsc_votes_2023_2025_combined/sc_votes_long.csv.gz"
VETOES = "unsc_vetoes/unsc_vetoes_1946_sept2022.csv"
VETO_UPDATE = "unsc_vetoes_2022_2026_update/unsc_vetoes_sept2022_2026_dhl_layout.csv"
FAILED = "unsc_failed_drafts_sample_1947_2022_emilytong/unsc_failed_draft_votes_long.csv"


@pytest.fixture(scope="module")
def sc_record(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Record:
    """Every Security Council source, plus the small GA key-vote sample (to check the body filter)."""
    home = tmp_path_factory.mktemp("sc_home")
    paths = [shared_data / p for p in (SC_LONG, VETOES, VETO_UPDATE, FAILED)]
    ingest([*paths, shared_data / "unga_undl_keyvotes_sample"], home=home)
    return open_record(home)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


# ------------------------------------------------------------------ readers


def test_veto_update_reads_in_the_old_layout(shared_data: Path) -> None:
    src = read_source(shared_data / VETO_UPDATE)
    assert src.roll_calls.height == 19
    assert Counter(src.votes["state"].to_list()) == {"RUS": 11, "USA": 8, "CHN": 3}
    assert set(src.votes["vote"]) == {"N"}
    rc = src.roll_calls
    assert set(rc["status"]) == {"vetoed"} and set(rc["body"]) == {"SC"}
    assert rc["votes_complete"].to_list() == [False] * 19
    row = rc.filter(pl.col("resolution") == "S/2022/720").row(0, named=True)
    assert (row["session"], row["vetoed_by"], str(row["date"])) == ("2022", "RUS", "2022-09-30")
    both = rc.filter(pl.col("resolution") == "S/2026/740")["vetoed_by"].to_list()
    assert both == ["CHN|RUS"]
    # the vetoed oral amendment is an amendment vote on the draft it amends
    oral = rc.filter(pl.col("kind") == "amendment")
    assert oral["resolution"].to_list() == ["S/2023/1029"] and oral["vetoed_by"].to_list() == ["USA"]


def test_veto_file_missing_a_column_names_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "vetoes.csv"
    bad.write_text(
        "year,date,month,draft,meeting_record,agenda_item,crisis_topic,member_veto1,member_veto2\n"
        "2022,9/30/2022,9,S/2022/720,S/PV.9143,Ukraine,Ukraine,Russia,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError) as err:
        read_source(bad)
    msg = str(err.value)
    assert str(bad) in msg and "region" in msg and "member_veto3" in msg
    assert err.value.field == "region" and err.value.line == 1
    assert main(["--home", str(tmp_path / "h"), "ingest", str(bad)]) == 2  # a message, no traceback


def test_sc_long_file_gives_adopted_resolutions_with_15_members(shared_data: Path) -> None:
    src = read_source(shared_data / SC_LONG)
    rc = src.roll_calls
    assert rc.height == 139 and set(rc["body"]) == {"SC"} and set(rc["status"]) == {"adopted"}
    assert dict(rc.group_by("session").len().iter_rows()) == {"2023": 50, "2024": 45, "2025": 44}
    per = src.votes.group_by("src_rc").len()
    assert per["len"].min() == per["len"].max() == 15


def test_file_of_both_bodies_gives_each_its_roll_calls(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "undl_id,body,session,resolution,date,title,ms_code,ms_vote,source\n"
        "1,SC,2023,S/RES/2720(2023),2023-12-22,t,USA,A,x\n"
        "1,SC,2023,S/RES/2720(2023),2023-12-22,t,RUS,A,x\n"
        "2,GA,78,A/RES/78/1,2023-10-01,t,USA,Y,x\n",
        encoding="utf-8",
    )
    src = read_source(mixed)
    rc = src.roll_calls.sort("src_rc")
    assert rc.select("src_rc", "body", "resolution", "status").rows() == [
        (1, "SC", "S/RES/2720(2023)", "adopted"),
        (2, "GA", "A/RES/78/1", None),
    ]
    assert src.votes.sort("src_rc", "state").rows() == [(1, "RUS", "A"), (1, "USA", "A"), (2, "USA", "Y")]
    assert src.ledger.filter(pl.col("status") == "skipped").height == 0  # every row read, none skipped
    ingest([mixed], home=tmp_path / "h")
    rec = open_record(tmp_path / "h")
    assert rec.votes(resolution="S/RES/2720").height == 2 and rec.votes(resolution="A/RES/78/1").height == 1
    assert rec.roll_calls(body="SC")["resolution"].to_list() == ["S/RES/2720(2023)"]


def test_unknown_body_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "undl_id,body,session,resolution,date,title,ms_code,ms_vote,source\n"
        "1,SC,2023,S/RES/2720(2023),2023-12-22,t,USA,A,x\n"
        "2,ECOSOC,2023,E/RES/1,2023-10-01,t,USA,Y,x\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError, match="unknown body 'ECOSOC'") as err:
        read_source(bad)
    assert (err.value.line, err.value.field) == (3, "body") and str(bad) in str(err.value)


def test_failed_drafts_sample(shared_data: Path) -> None:
    src = read_source(shared_data / FAILED)
    rc = src.roll_calls
    assert rc.height == 53 and src.votes.height == 735
    assert dict(rc.group_by("status").len().iter_rows()) == {"vetoed": 11, "failed": 42}
    assert rc.filter(pl.col("resolution") == "S/1076")["kind"].to_list() == ["paragraph"] * 3
    assert rc.filter(pl.col("resolution").is_null())["title"].str.starts_with("174th Meeting").sum() == 1
    # S/2017/962: the source labels two votes of meeting 8105 so; the vetoed one (11-2-2) keeps the symbol
    s962 = rc.filter(pl.col("title").str.starts_with("S/2017/962"))
    assert s962.select("resolution", "status").sort("status").rows() == [(None, "failed"), ("S/2017/962", "vetoed")]


def test_sc_outcome_rule() -> None:
    votes = pl.DataFrame(
        {
            "src_rc": [1] * 8 + [2] * 7 + [3] * 11,
            "state": [f"S{i}" for i in range(7)] + ["USA"]
            + [f"S{i}" for i in range(6)] + ["USA"]
            + [f"S{i}" for i in range(9)] + ["RUS", "CHN"],
            "vote": ["Y"] * 7 + ["N"] + ["Y"] * 6 + ["N"] + ["Y"] * 9 + ["N", "N"],
        }
    )  # fmt: skip
    years = pl.DataFrame({"src_rc": [1, 2, 3], "year": [1950, 1950, 2020]})
    out = sc_outcome(votes, years).sort("src_rc")
    # 1950: 7 of 11 suffice; 6 do not (a failed draft, whatever the permanent member did); 2020: 9 and two vetoes
    assert out.rows() == [(1, "vetoed", "USA"), (2, "failed", None), (3, "vetoed", "CHN|RUS")]


# ------------------------------------------------------------------ the record


def test_resolution_symbols_with_and_without_year(sc_record: Record) -> None:
    for symbol in ("S/RES/2720 (2023)", "S/RES/2720(2023)", "S/RES/2720", "s/res/2720 (2023)"):
        v = sc_record.votes(resolution=symbol)
        assert v.height == 15, symbol
    v = sc_record.votes(resolution="S/RES/2720")
    assert Counter(v["vote"].to_list()) == {"Y": 13, "A": 2}
    assert sorted(v.filter(pl.col("vote") == "A")["state"].to_list()) == ["RUS", "USA"]
    assert set(v["session"]) == {"2023"}


def test_vetoed_draft_without_member_votes(sc_record: Record) -> None:
    rc = sc_record.roll_calls(resolution="S/2022/720")
    assert rc.height == 1
    row = rc.row(0, named=True)
    assert (row["body"], row["session"], row["status"], row["vetoed_by"]) == ("SC", "2022", "vetoed", "RUS")
    assert row["votes_complete"] is False
    assert row["total_yes"] is None and row["total_no"] is None  # unknown, not zero
    v = sc_record.votes(resolution="S/2022/720")
    assert v.select("state", "state_name", "vote").rows() == [("RUS", "Russian Federation", "N")]
    assert outcome_text(row).startswith("S/2022/720 (2022-09-30): vetoed by Russian Federation; the other members")


def test_vetoed_draft_with_member_votes_from_the_sample(sc_record: Record) -> None:
    row = sc_record.roll_calls(resolution="S/2022/538").row(0, named=True)
    assert row["sources"] == "unsc-failed-drafts;unsc-vetoes"
    assert (row["status"], row["vetoed_by"], row["votes_complete"], str(row["date"])) == (
        "vetoed", "RUS", True, "2022-07-08",
    )  # fmt: skip
    v = sc_record.votes(resolution="S/2022/538")
    assert Counter(v["vote"].to_list()) == {"Y": 13, "N": 1, "A": 1}  # PROVENANCE: 13-1-1
    assert dict(v.filter(pl.col("vote") != "Y").select("state", "vote").iter_rows()) == {"RUS": "N", "CHN": "A"}
    two = sc_record.votes(resolution="S/2019/961")
    assert Counter(two["vote"].to_list()) == {"Y": 13, "N": 2}
    assert sc_record.roll_calls(resolution="S/2019/961")["vetoed_by"].to_list() == ["CHN|RUS"]
    assert sc_record.conflicts().height == 0  # the veto list's N rows agree with the sample's


def test_sc_counts(sc_record: Record) -> None:
    sc = sc_record.roll_calls(body="SC")
    counts = dict(sc.group_by("status").len().iter_rows())
    # 214 + 19 vetoes in the lists; 11 of the sample's drafts are among them; 42 failed without a veto
    assert counts == {"adopted": 139, "vetoed": 233, "failed": 42}
    vetoed = sc.filter(pl.col("status") == "vetoed")
    assert vetoed["votes_complete"].sum() == 11
    assert (sc["session"] == sc["year"].cast(pl.String)).all()  # session = the year, for every SC roll call


def test_body_filter_keeps_sc_out_of_ga(sc_record: Record) -> None:
    ga = sc_record.votes(year=2023)
    assert set(ga["rollcall_id"]).isdisjoint(set(sc_record.roll_calls(body="SC")["rollcall_id"]))
    assert set(sc_record.roll_calls()["rollcall_id"]) == set(sc_record.roll_calls(body="GA")["rollcall_id"])
    every = sc_record.roll_calls(body=None)
    assert every.height == sc_record.roll_calls(body="GA").height + sc_record.roll_calls(body="SC").height
    assert set(every["body"]) == {"GA", "SC"}
    # a symbol selects its own body: an SC symbol with body="GA" still finds it, a GA one with "SC" too
    assert sc_record.roll_calls(resolution="S/2022/720", body="GA").height == 1
    assert sc_record.roll_calls(resolution="A/RES/ES-11/1", body="SC").height >= 1


def test_cli_votes_and_rollcalls(sc_record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(sc_record.home)
    out = _run(capsys, "--home", home, "votes", "--resolution", "S/RES/2720 (2023)")
    assert "Y: 13  N: 0  A: 2  X: 0" in out and "S/RES/2720(2023) (2023-12-22): adopted" in out
    csv_out = _run(capsys, "--home", home, "votes", "--resolution", "S/RES/2720 (2023)", "--format", "csv")
    assert len(csv_out.strip().splitlines()) == 1 + 15
    out = _run(capsys, "--home", home, "votes", "--resolution", "S/2022/720")
    assert "vetoed by Russian Federation" in out and "votes are unknown" in out
    assert "Y: 0" not in out and "tally unknown" in out
    listing = _run(capsys, "--home", home, "rollcalls", "--body", "SC", "--year", "2022", "--format", "csv")
    rows = listing.strip().splitlines()
    header = rows[0].split(",")
    assert "status" in header and "vetoed_by" in header
    assert any("S/2022/720" in r and ",vetoed," in r and ",RUS," in r for r in rows)
    ga_listing = _run(capsys, "--home", home, "rollcalls", "--year", "2022", "--format", "csv")
    assert "S/2022/720" not in ga_listing


def test_api_roll_call_of_a_vetoed_draft(sc_record: Record, tmp_path: Path) -> None:
    from polycentric.api import create_app

    with TestClient(create_app(tmp_path, record=sc_record)) as client:
        r = client.get("/api/rollcalls", params={"resolution": "S/2022/720"})
        assert r.status_code == 200, r.text
        [row] = r.json()["data"]
        assert (row["status"], row["vetoed_by"], row["votes_complete"], row["session"]) == (
            "vetoed", "RUS", False, "2022",
        )  # fmt: skip
        assert row["total_yes"] is None
        one = client.get(f"/api/rollcalls/{row['rollcall_id']}").json()["data"][0]
        assert one["status"] == "vetoed" and one["vetoed_by"] == "RUS"
        votes = client.get(f"/api/rollcalls/{row['rollcall_id']}/votes").json()["data"]
        assert [(v["state"], v["state_name"], v["vote"]) for v in votes] == [("RUS", "Russian Federation", "N")]
        assert client.get("/api/votes", params={"resolution": "S/RES/2720 (2023)"}).json()["total"] == 15
        ga = client.get("/api/rollcalls", params={"year": 2023}).json()
        every = client.get("/api/rollcalls", params={"year": 2023, "body": "all"}).json()
        sc = client.get("/api/rollcalls", params={"year": 2023, "body": "SC"}).json()
        assert every["total"] == ga["total"] + sc["total"] and sc["total"] == 50 + 6  # 50 adopted, 6 vetoes in 2023
        assert client.get("/api/rollcalls", params={"body": "XX"}).status_code == 422
        by_session = client.get("/api/rollcalls", params={"body": "SC", "session": "2023"}).json()
        assert by_session["total"] == sc["total"]


def test_offline_build_lists_the_sc_sources(shared_data: Path) -> None:
    names = {p.name for p in local_source_paths(shared_data)}
    assert {
        "sc_votes_long.csv.gz",
        "unsc_vetoes_sept2022_2026_dhl_layout.csv",
        "unsc_failed_draft_votes_long.csv",
    } <= names


def test_measures_read_sc_only_when_asked(sc_record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(sc_record.home)
    out = _run(capsys, "--home", home, "agreement", "USA", "RUS", "--body", "SC", "--years", "2023", "--format", "csv")
    row = dict(zip(*[line.split(",") for line in out.strip().splitlines()], strict=True))
    # by hand: the 2023 SC roll calls both voted on, and the share with the same vote
    v = sc_record.votes(body="SC", year=2023).filter(pl.col("state").is_in(["USA", "RUS"]) & (pl.col("vote") != "X"))
    pairs = v.pivot("state", index="rollcall_id", values="vote").drop_nulls()
    same = int((pairs["USA"] == pairs["RUS"]).sum())
    assert int(row["n_shared"]) == pairs.height == 50  # the 50 adopted resolutions; a veto row is one member's
    assert float(row["value"]) == pytest.approx(same / pairs.height, abs=1e-4)
    # GA by default: the key-vote sample's 2023 roll calls, none of the Council's
    ga_out = _run(capsys, "--home", home, "agreement", "USA", "RUS", "--years", "2023", "--format", "csv")
    ga_row = dict(zip(*[line.split(",") for line in ga_out.strip().splitlines()], strict=True))
    ga = sc_record.votes(year=2023).filter(pl.col("state").is_in(["USA", "RUS"]) & (pl.col("vote") != "X"))
    ga_pairs = ga.pivot("state", index="rollcall_id", values="vote").drop_nulls()
    assert int(ga_row["n_shared"]) == ga_pairs.height > 0
    assert set(ga_pairs["rollcall_id"]).isdisjoint(set(pairs["rollcall_id"]))
    assert main(["--home", home, "agreement", "USA", "RUS", "--body", "XX"]) == 2


def test_undl_sc_file_gets_session_and_outcome(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))
    from undl_fixtures import sc_file

    (tmp_path / "sc.csv").write_bytes(sc_file())
    src = read_source(tmp_path / "sc.csv")
    rc = src.roll_calls.sort("date")
    assert rc["session"].to_list() == ["1950", "2022"]
    # the fixture's draft has 3 Y of 6 rows: short of 9, so no veto by the members' votes
    assert rc.select("resolution", "status", "vetoed_by").rows() == [
        ("S/RES/83(1950)", "adopted", None),
        ("S/2022/155", "failed", None),
    ]
    vetoes = tmp_path / "vetoes.csv"
    vetoes.write_text(
        "year,date,month,draft,meeting_record,agenda_item,crisis_topic,region,member_veto1,member_veto2,member_veto3\n"
        "2022,2/25/2022,2,S/2022/155,S/PV.8979,Ukraine,Ukraine,Europe,Russia,,\n",
        encoding="utf-8",
    )
    ingest([tmp_path / "sc.csv", vetoes], home=tmp_path / "h")
    row = open_record(tmp_path / "h").roll_calls(resolution="S/2022/155").row(0, named=True)
    # the veto list names the veto; the votes kept are the UN DL file's, complete
    assert (row["status"], row["vetoed_by"], row["votes_complete"]) == ("vetoed", "RUS", True)
    assert row["sources"] == "undl-sc;unsc-vetoes"


def test_coverage_lists_sc_years_in_order(sc_record: Record) -> None:
    # failed drafts known only by year (no date) stay in their year's place, not after 2026
    sc = sc_record.coverage().filter(pl.col("body") == "SC")
    years = [int(s) for s in sc["session"]]
    assert years == sorted(years) and years[-1] == 2026
    assert {1967, 1969, 1996, 2000, 2013} <= set(years)  # the years with undated roll calls only
    assert sc.filter(pl.col("session") == "2023")["rollcalls"][0] == 56  # 50 adopted + 6 vetoes
