"""Queries on tables kept in memory: same answers as filtering the stored Parquet files; new versions seen; threads."""

from __future__ import annotations

import threading
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from undl_rows import HEADER, undl_file

from polycentric.record.merge import votes_view
from polycentric.record.store import Record, ingest, open_record
from polycentric.schema import ROLL_CALLS, VOTES_VIEW
from polycentric.sources.common import normalise_symbol
from polycentric.states import resolve_state


def _reference_votes(record: Record, **filters: object) -> pl.DataFrame:
    """What the record's votes query must give, computed from the Parquet files with plain Polars filters."""
    path = record.path
    rc = pl.read_parquet(path / "roll_calls.parquet")
    votes = votes_view(pl.read_parquet(path / "votes.parquet"), rc)
    body = filters.get("body", "GA")
    if body is not None:
        rc = rc.filter(pl.col("body") == body)
    if filters.get("session") is not None:
        rc = rc.filter(pl.col("session") == str(filters["session"]))
    if filters.get("year") is not None:
        rc = rc.filter(pl.col("year") == filters["year"])
    if filters.get("issue") is not None:
        rc = rc.filter(pl.col(f"issue_{filters['issue']}").fill_null(False))
    if filters.get("resolution") is not None:
        rc = rc.filter(pl.col("resolution") == normalise_symbol(str(filters["resolution"])))
    if filters.get("search") is not None:
        text = pl.concat_str(
            [pl.col(c).fill_null("") for c in ("resolution", "title", "agenda", "subjects")], separator=" "
        )
        rc = rc.filter(text.str.to_lowercase().str.contains(str(filters["search"]).lower(), literal=True))
    if (
        any(filters.get(k) is not None for k in ("session", "year", "issue", "resolution", "search"))
        or body is not None
    ):
        votes = votes.join(rc.select("rollcall_id"), on="rollcall_id", how="semi")
    if filters.get("state") is not None:
        votes = votes.filter(pl.col("state") == resolve_state(str(filters["state"])))
    return votes.sort("rollcall_id", "state").select(list(VOTES_VIEW))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    session=st.sampled_from([None, "ES-11", 68, "77", "S-10"]),
    year=st.sampled_from([None, 1975, 2014, 2022]),
    state=st.sampled_from([None, "RUS", "USSR", "United States", "DEU", "PSE", "TWN"]),
    issue=st.sampled_from([None, "nu", "hr"]),
    resolution=st.sampled_from([None, "R/68/262", "A/RES/ES-11/1"]),
    search=st.sampled_from([None, "apartheid", "NUCLEAR", "no such words"]),
    body=st.sampled_from(["GA", None]),
)
def test_votes_equal_plain_filters_of_the_store(
    record: Record,
    session: object,
    year: object,
    state: object,
    issue: object,
    resolution: object,
    search: object,
    body: object,
) -> None:
    filters = {
        "session": session,
        "year": year,
        "state": state,
        "issue": issue,
        "resolution": resolution,
        "search": search,
        "body": body,
    }
    got = record.votes(**filters)  # type: ignore[arg-type]
    assert got.schema == pl.Schema(VOTES_VIEW)
    assert got.equals(_reference_votes(record, **filters))


def test_roll_calls_by_state_and_search(record: Record) -> None:
    rc = record.roll_calls(state="RUS", year=2014)
    ids = record.votes(state="RUS", year=2014)["rollcall_id"].unique().sort()
    assert rc["rollcall_id"].sort().to_list() == ids.to_list()
    assert rc.schema == pl.Schema(ROLL_CALLS)
    assert rc["date"].is_sorted()
    hits = record.roll_calls(search="APARTHEID")
    assert hits.height > 0
    text = hits.select(
        pl.concat_str([pl.col(c).fill_null("") for c in ("resolution", "title", "agenda", "subjects")], separator=" ")
    ).to_series()
    assert text.str.to_lowercase().str.contains("apartheid").all()


def test_results_are_copies(record: Record) -> None:
    first = record.votes(resolution="A/RES/ES-11/1")
    first.drop_in_place("vote")
    again = record.votes(resolution="A/RES/ES-11/1")
    assert again["vote"].value_counts().sort("vote").rows() == [("A", 35), ("N", 5), ("X", 12), ("Y", 141)]


def test_a_new_version_is_seen_without_reopening(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = undl_file(tmp_path / "a.csv", 1, "A/RES/76/1", "2021-10-01", {"USA": "Y", "FRA": "N"})
    ingest([first], home=home)
    rec = open_record(home)
    v1 = rec.version
    assert v1.startswith("v-") and rec.path.name == v1
    assert rec.votes()["vote"].to_list() == ["N", "Y"]  # FRA, USA
    # the same file again: nothing changes, not even the version
    ingest([first], home=home)
    assert rec.version == v1
    second = undl_file(tmp_path / "b.csv", 2, "A/RES/76/2", "2021-10-02", {"USA": "N", "FRA": "A", "DEU": "Y"})
    ingest([second], home=home, keep=1)
    assert rec.version != v1
    assert not (home / v1).exists()  # keep=1: the old version is gone; the open record reads the new one
    assert rec.roll_calls()["resolution"].to_list() == ["A/RES/76/1", "A/RES/76/2"]
    assert rec.votes(resolution="A/RES/76/2").select("state", "vote").rows() == [
        ("DEU", "Y"),
        ("FRA", "A"),
        ("USA", "N"),
    ]


def test_threads_query_while_a_new_version_is_ingested(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([undl_file(tmp_path / "a.csv", 1, "A/RES/76/1", "2021-10-01", {"USA": "Y", "FRA": "N"})], home=home)
    rec = open_record(home)
    seen: list[list[int]] = [[] for _ in range(4)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask(mine: list[int]) -> None:
        try:
            while not stop.is_set():
                mine.append(rec.votes(state="USA").height)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(mine,)) for mine in seen]
    for t in threads:
        t.start()
    for i in range(2, 5):
        path = undl_file(tmp_path / f"f{i}.csv", i, f"A/RES/76/{i}", f"2021-10-0{i}", {"USA": "Y", "FRA": "Y"})
        ingest([path], home=home)
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors
    assert rec.votes(state="USA").height == 4
    for answers in seen:  # each answer is that of a version, and a thread never sees an older one again
        assert answers and set(answers) <= {1, 2, 3, 4}
        assert answers == sorted(answers)


def test_a_record_whose_store_is_removed_says_so(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([undl_file(tmp_path / "a.csv", 1, "A/RES/76/1", "2021-10-01", {"USA": "Y"})], home=home)
    rec = open_record(home)
    import shutil

    (home / "CURRENT").unlink()  # a lost pointer alone is repaired from the newest complete version ...
    for version in home.glob("v-*"):  # ... so remove the versions too
        shutil.rmtree(version)
    from polycentric.errors import RecordNotBuiltError

    with pytest.raises(RecordNotBuiltError):
        rec.votes()


def test_observer_states_are_listed_and_have_no_votes(record: Record) -> None:
    states = record.states()
    observers = states.filter(pl.col("un_status") == "observer")
    assert observers.select("state", "name").rows() == [("PSE", "State of Palestine"), ("VAT", "Holy See")]
    assert record.votes(state="Palestine").height == 0
    assert record.roll_calls(state="VAT").height == 0
    assert "PSE" not in record.states(year=2022)["state"].to_list()  # with a date: the members on that day


def _china_seat_file(path: Path, non_voting: int) -> Path:
    """A UN DL file of 1971 listing both CHN and TWN (CHN then means the Republic of China's seat, TWN)."""
    rows = [
        ("USA", "Y"),
        ("FRA", "N"),
        ("CHN", "X"),  # line 4: the same seat as TWN before 1971-10-25: rejected
        ("TWN", "Y"),
    ]
    body = [
        f"7,{code},{code},{vote},1971-09-02,26,A/RES/26/2752,,,,Title,Agenda,,2,1,0,{non_voting},4,"
        for code, vote in rows
    ]
    path.write_text(HEADER + "\n".join(body) + "\n", encoding="utf-8")
    return path


def test_a_tally_counting_a_rejected_duplicate_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    ingest([_china_seat_file(tmp_path / "seat.csv", non_voting=1)], home=home)
    rec = open_record(home)
    assert rec.votes().select("state", "vote").rows() == [("FRA", "N"), ("TWN", "Y"), ("USA", "Y")]
    rejected = rec.rejected()
    assert rejected.select("file", "line", "code", "state", "vote", "votes_kept").rows() == [
        ("seat.csv", 4, "CHN", "TWN", "X", True)
    ]
    assert rec.ledger().filter(pl.col("status") == "rejected")["rows"].to_list() == [1]
    check = rec.check()
    assert check.select("recorded_non_voting", "computed_non_voting", "rejected_rows", "explained").rows() == [
        (1, 0, 1, True)
    ]
    assert "line 4: CHN X, which is TWN on that date" in check["note"][0]
    from polycentric.cli.main import main

    capsys.readouterr()
    assert main(["--home", str(home), "check", "--strict"]) == 0  # explained: not a failure
    assert "1, of which 1 explained" in capsys.readouterr().out


def test_a_tally_the_rejected_rows_do_not_explain_stays_unexplained(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([_china_seat_file(tmp_path / "seat.csv", non_voting=3)], home=home)
    check = open_record(home).check()
    assert check.select("recorded_non_voting", "computed_non_voting", "rejected_rows", "explained").rows() == [
        (3, 0, 1, False)
    ]
    assert "do not account for the difference" in check["note"][0]
    from polycentric.cli.main import main

    assert main(["--home", str(home), "check", "--strict"]) == 1
