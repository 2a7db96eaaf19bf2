"""The record is current (sessions 78-80, ES-10 and ES-11 to 2025-12-18) and checked against the official totals.

Figures: ``../shared/data/unga_unsc_votes_2023_2025_combined/PROVENANCE.md`` (tallies of ES-11/1-9,
spot checks) and ``undl_extracts_worldcountrygroups/PROVENANCE.md`` (the official per-session totals of
the UN Digital Library file of 2026-02-06; USA s80 7-145-7-0).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from polycentric.cli.main import main
from polycentric.errors import InputFormatError
from polycentric.record.build import LOCAL_SOURCES

ES11 = {1: (141, 5, 35), 2: (140, 5, 38), 3: (93, 24, 58), 4: (143, 5, 35), 5: (94, 14, 73),
        6: (141, 7, 32), 7: (93, 18, 65), 8: (93, 8, 73), 9: (91, 12, 57)}  # fmt: skip


@pytest.fixture(scope="module")
def official(shared_data: Path) -> Path:
    return shared_data / "undl_extracts_worldcountrygroups" / "ga_country_session_totals_2026_02_06.csv.gz"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_build_uses_the_combined_ga_file() -> None:
    assert "unga_unsc_votes_2023_2025_combined/ga_votes_long.csv.gz" in LOCAL_SOURCES


@pytest.mark.parametrize("n", range(1, 10))
def test_es11_official_tallies(record, n: int) -> None:  # type: ignore[no-untyped-def]
    v = record.votes(resolution=f"A/RES/ES-11/{n}")
    counts = dict(v.group_by("vote").len().iter_rows())
    assert (counts.get("Y", 0), counts.get("N", 0), counts.get("A", 0)) == ES11[n]
    assert set(v["session"]) == {"ES-11"}


def test_es11_7_spot_checks(record) -> None:  # type: ignore[no-untyped-def]
    v = record.votes(resolution="A/RES/ES-11/7")
    votes = dict(zip(v["state"], v["vote"], strict=True))
    assert {s: votes[s] for s in ("USA", "RUS", "CHN", "UKR", "ISR", "HUN", "IND")} == {
        "USA": "N", "RUS": "N", "CHN": "A", "UKR": "Y", "ISR": "N", "HUN": "N", "IND": "A",
    }  # fmt: skip
    assert v["date"].unique().to_list() == [dt.date(2025, 2, 24)]


def test_usa_session_totals(record) -> None:  # type: ignore[no-untyped-def]
    for session, official in (("78", (30, 46, 9, 0)), ("79", (28, 73, 11, 1)), ("80", (7, 145, 7, 0))):
        v = record.votes(session=session, state="USA")
        counts = dict(v.group_by("vote").len().iter_rows())
        assert tuple(counts.get(c, 0) for c in "YNAX") == official, session


def test_symbol_official_flags(record) -> None:  # type: ignore[no-untyped-def]
    rc = record.roll_calls()
    udhr = rc.filter(pl.col("resolution") == "A/RES/3/933")
    assert udhr["symbol_official"].to_list() == [False]  # Voeten's number for 217 A (III)
    assert not rc.filter(pl.col("session_number") <= 30, pl.col("resolution").is_not_null())["symbol_official"].any()
    for sym in ("A/RES/68/262", "A/RES/ES-11/1", "A/RES/77/229", "A/RES/80/4"):
        assert rc.filter(pl.col("resolution") == sym)["symbol_official"].to_list() == [True], sym


def test_records_without_symbol(record) -> None:  # type: ignore[no-untyped-def]
    rc = record.roll_calls(session="79").filter(pl.col("resolution").is_null())
    assert rc.height == 20 and rc["undl_id"].is_not_null().all() and rc["title"].is_not_null().all()
    assert set(rc["date"]) == {dt.date(2024, 12, 2), dt.date(2024, 12, 3), dt.date(2024, 12, 4)}
    v = record.votes(undl_id=4067944)
    counts = dict(v.group_by("vote").len().iter_rows())
    assert (counts["Y"], counts.get("N", 0), counts["A"], counts["X"]) == (181, 0, 2, 10)  # PROVENANCE
    by_title = record.roll_calls(search="1925 Geneva Protocol", year=2024)
    assert by_title["undl_id"].to_list() == [4067944] and by_title["resolution"].to_list() == [None]
    assert record.find(undl_id="4068181")["title"].item().startswith("Israeli settlements")


def test_cli_votes_by_undl_id(record, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = _run(capsys, "--home", str(record.home), "votes", "--undl-id", "4067944")
    lines = out.rstrip().splitlines()
    assert lines[0].split()[:3] == ["state", "state_name", "vote"]  # the votes, then how to cite the roll call
    cite = [line for line in lines if "Measures to uphold the authority of the 1925 Geneva Protocol" in line]
    assert len(cite) == 1 and "2 December 2024" in cite[0] and "digitallibrary.un.org/record/4067944" in cite[0]
    assert lines[-1].split() == ["Y:", "181", "N:", "0", "A:", "2", "X:", "10"]


def test_check_official_sessions_78_80_and_es11_match(record, official: Path) -> None:  # type: ignore[no-untyped-def]
    sessions, diffs = record.check_official(official)
    by = {r["session"]: r for r in sessions.iter_rows(named=True)}
    for s, n in (("77", 88), ("78", 85), ("79", 113), ("80", 159), ("ES-11", 9)):
        assert by[s]["status"] == "match", s
        assert by[s]["rollcalls_record"] == by[s]["rollcalls_official"] == n
        assert by[s]["votes_record"] == by[s]["votes_official"]
        assert diffs.filter(pl.col("session") == s).height == 0
    # all 193 states of sessions 78-80 have the official Y/N/A/X totals (no difference above, none missing)
    off = pl.read_csv(official, infer_schema=False).filter(pl.col("session").is_in(["78", "79", "80"]))
    assert off["ms_code"].n_unique() == 193
    for s in ("78", "79", "80"):
        assert record.votes(session=s)["state"].n_unique() == 193
    # Voeten's data hold fewer roll calls than the UN's in sessions 73-76
    assert [(by[s]["rollcalls_record"], by[s]["rollcalls_official"]) for s in ("73", "74", "75", "76")] == [
        (95, 110), (91, 96), (96, 103), (77, 80),
    ]  # fmt: skip
    assert {by[s]["status"] for s in ("73", "74", "75", "76")} == {"fewer roll calls"}
    # ES-10: the FRY/Serbia-and-Montenegro seat (SCG) lost 4 votes in the scraped source (PROVENANCE)
    assert by["ES-10"]["states_differing"] == 1
    es10 = diffs.filter(pl.col("session") == "ES-10").select("state", "category", "record", "official").rows()
    assert es10 == [("SRB", "Y", 13, 16), ("SRB", "A", 3, 4), ("SRB", "X", 0, 6)]  # YUG + SCG + SRB officially


def test_cli_check_official(record, official: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = _run(capsys, "--home", str(record.home), "check", "--official", str(official))
    assert "fewer roll calls than the UN's (Voeten's data lack them): " in out
    fewer = out.split("fewer roll calls than the UN's (Voeten's data lack them): ")[1].splitlines()[0].split(", ")
    assert {"73", "74", "75", "76"} <= set(fewer)
    assert "General Assembly votes through 2025-12-18" in out


def test_official_file_errors_name_line_and_field(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "totals.csv"
    bad.write_text("ms_code,session,yes,no,abstain,non_voting,total\nUSA,80,7,145,7,0,159\nUSA,80x,1,0,0,0,1\n")
    with pytest.raises(InputFormatError, match=r"line 3, field 'session'"):
        record.check_official(bad)
    bad.write_text("ms_code,session,yes,no,abstain,non_voting,total\nUSA,80,7,many,7,0,159\n")
    with pytest.raises(InputFormatError, match=r"line 2, field 'no'"):
        record.check_official(bad)
    bad.write_text("ms_code,session,yes,no,abstain,non_voting,total\nXYZ,80,7,1,7,0,159\n")
    with pytest.raises(InputFormatError, match=r"line 2, field 'ms_code'"):
        record.check_official(bad)
    bad.write_text("ms_code,session,yes\nUSA,80,7\n")
    with pytest.raises(InputFormatError, match="missing column"):
        record.check_official(bad)


def test_coverage(record, official: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    cov = record.coverage(official)
    ga = {r["session"]: r for r in cov.filter(pl.col("body") == "GA").iter_rows(named=True)}
    assert ga["80"]["last_date"] == dt.date(2025, 12, 18) and ga["80"]["rollcalls"] == 159
    assert (ga["80"]["complete"], ga["80"]["in_progress"], ga["80"]["partial"]) == ("yes", True, True)
    assert (ga["79"]["complete"], ga["79"]["partial"]) == ("yes", False)
    assert (ga["ES-11"]["first_date"], ga["ES-11"]["last_date"]) == (dt.date(2022, 3, 2), dt.date(2025, 12, 3))
    assert (ga["76"]["complete"], ga["76"]["partial"]) == ("no", False)  # 77 of 80: fewer, not clearly fewer
    assert (ga["73"]["complete"], ga["73"]["partial"]) == ("no", True)  # 95 of 110
    assert record.coverage(official=False).filter(pl.col("body") == "GA")["complete"].unique().to_list() == ["unknown"]
    # the fixture's SC roll calls are the 1946-2022 veto list: the vetoing members' votes only
    assert (
        record.coverage_line()
        == "General Assembly votes through 2025-12-18; Security Council: vetoes only, to 2022-07-08"
    )
    out = _run(capsys, "--home", str(record.home), "coverage", "--official", str(official))
    assert "General Assembly votes through 2025-12-18" in out
    rows = _run(capsys, "--home", str(record.home), "coverage", "--official", str(official), "--format", "csv")
    assert "GA,80,2025-09-12,2025-12-18,159,0,159,yes,true,true" in rows


def test_periods_partial(record, official: Path, shared_data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    years = {r["year"]: r for r in record.periods("year", official).iter_rows(named=True)}
    assert [years[y]["partial"] for y in (2023, 2024, 2025)] == [False, False, False]
    assert years[2025]["n_rollcalls"] == 192 and years[2018]["partial"]  # session 73: 95 of 110
    sessions = {r["session"]: r for r in record.periods("session", official).iter_rows(named=True)}
    assert sessions["80"]["partial"] and "in progress" in sessions["80"]["partial_reason"]
    # without the official file nothing vouches for the end of 2025: the last year is in progress
    assert record.periods("year", official=False).filter(pl.col("year") == 2025)["partial"].item() is True
    # a record of the key votes alone: 2024 holds a few of the official roll calls, so it is partial
    from polycentric.record.store import ingest, open_record

    home = tmp_path / "keyvotes"
    ingest([shared_data / "unga_undl_keyvotes_sample"], home=home)
    small = {r["year"]: r for r in open_record(home).periods("year", official).iter_rows(named=True)}
    assert small[2024]["partial"] and "clearly fewer" in small[2024]["partial_reason"]


def test_coverage_line_of_the_full_build(shared_data: Path, tmp_path: Path) -> None:
    """With the SC files of the build: adopted resolutions to 2025, vetoes (vetoing members only) to 2026."""
    from polycentric.record.store import ingest, open_record

    home = tmp_path / "h"
    ingest(
        [
            shared_data / "unga_unsc_votes_2023_2025_combined" / "ga_votes_long.csv.gz",
            shared_data / "unga_unsc_votes_2023_2025_combined" / "sc_votes_long.csv.gz",
            shared_data / "unsc_vetoes_2022_2026_update" / "unsc_vetoes_sept2022_2026_dhl_layout.csv",
        ],
        home=home,
    )
    line = open_record(home).coverage_line()
    assert line == (
        "General Assembly votes through 2025-12-18; Security Council through 2025-12-29 (vetoes only to 2026-09-17)"
    )
