"""The UN Digital Library search API (MARC-XML "Voting Data" records): reader, paging, sync into the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import polars as pl
import pytest
from marc_fixtures import FOUR, collection, voting_record
from undl_fixtures import GA_RECORD, ga_file
from undl_server import FakeLibrary

from polycentric.errors import DownloadError, InputFormatError
from polycentric.record.build import API_KEY, sync_record, sync_search_api
from polycentric.record.store import open_record
from polycentric.sources.detect import read_source
from polycentric.sources.download import read_manifest
from polycentric.sources.undl_marc import fetch_marc_records, read_marc_xml, search_url, write_undl_csv

URL = "http://127.0.0.1:9/search?p=269%3A2025-12-01-%3E2099-12-31&of=xm&rg=100&jrec=1"
TODAY = dt.date(2026, 12, 6)


def _read(*records: str) -> object:
    return read_marc_xml(collection(*records), origin=URL, today=TODAY)


# ----------------------------------------------------------------------------- reading


def test_fields_map_to_the_tables() -> None:
    votes = [*FOUR, ("UKR", "UKRAINE", "")]
    rec = voting_record(
        4067944,
        "2025-12-03",
        "Aggression against Ukraine :",
        votes,
        symbol="A/RES/ES-11/9",
        session="ES-11",
        meeting="A/ES-11/PV.30",
        subjects=("UKRAINE--TERRITORIAL INTEGRITY",),
        totals=("2", "1", "1", "1", "5"),
    )
    marc = read_marc_xml(collection(rec), origin=URL, today=TODAY)
    [row] = marc.roll_calls.to_dicts()
    assert row["undl_id"] == 4067944 and row["symbol"] == "A/RES/ES-11/9" and row["session"] == "ES-11"
    assert row["date"] == dt.date(2025, 12, 3) and row["body"] == "GA"
    assert row["title"] == "Aggression against Ukraine" and row["meeting"] == "A/ES-11/PV.30"
    assert row["subjects"] == "UKRAINE--TERRITORIAL INTEGRITY"
    assert (row["total_yes"], row["total_no"], row["total_abstentions"], row["total_non_voting"], row["total_ms"]) == (
        2,
        1,
        1,
        1,
        5,
    )
    assert row["n_votes"] == 5 and row["line"] == 3  # the record's line in the page
    got = dict(zip(marc.votes["ms_code"], marc.votes["ms_vote"], strict=True))
    assert got == {"AFG": "Y", "BRA": "Y", "RUS": "N", "USA": "A", "UKR": "X"}  # blank 967 $d = non-voting


def test_a_record_without_symbol_is_kept_under_its_id() -> None:
    marc = _read(
        voting_record(4067950, "2025-06-02", "Draft decision on the seventy-ninth session", FOUR, session="79")
    )
    [row] = marc.roll_calls.to_dicts()
    assert row["undl_id"] == 4067950 and row["symbol"] is None and row["session"] == "79"


def test_a_record_without_967_is_reported_not_stored() -> None:
    marc = _read(
        voting_record(
            4067960,
            "2025-12-19",
            "Votes not yet catalogued",
            [],
            symbol="A/RES/80/200",
            totals=("150", "5", "10", "28", "193"),
        ),
        voting_record(4067961, "2025-12-19", "Catalogued", FOUR, symbol="A/RES/80/201"),
    )
    assert marc.roll_calls["undl_id"].to_list() == [4067961]
    assert marc.without_votes["undl_id"].to_list() == [4067960]
    assert marc.without_votes["total_yes"].to_list() == [150]  # the totals are kept for the report
    assert set(marc.votes["undl_id"].to_list()) == {4067961}


def test_csv_in_the_bulk_layout_reads_back_through_the_undl_reader(tmp_path: Path) -> None:
    marc = _read(
        voting_record(4067961, "2025-12-19", "Catalogued", FOUR, symbol="A/RES/80/201", session="80"),
        voting_record(4067950, "2025-06-02", "No symbol", FOUR[:2], session="79"),
    )
    path = tmp_path / "api.csv"
    assert write_undl_csv(marc, path) == 6
    first = path.read_bytes()
    assert write_undl_csv(marc, path) == 6 and path.read_bytes() == first  # deterministic bytes
    data = read_source(path)
    rc = data.roll_calls.sort("src_rc")
    assert rc["src_rc"].to_list() == [4067950, 4067961]
    assert rc["resolution"].to_list() == [None, "A/RES/80/201"]
    assert rc["session"].to_list() == ["79", "80"]
    assert rc["total_yes"].to_list() == [2, 2] and rc["total_no"].to_list() == [0, 1]
    assert data.votes.height == 6


# ----------------------------------------------------------------------------- malformed MARC-XML


GOOD = voting_record(4067944, "2025-12-03", "Title", FOUR, symbol="A/RES/80/1")


@pytest.mark.parametrize(
    ("xml", "field", "record", "words"),
    [
        (collection(GOOD)[:-40], None, None, "not well-formed XML"),
        (collection(GOOD.replace('<controlfield tag="001">4067944</controlfield>', "")), "001", None, "no record id"),
        (collection(GOOD.replace(">4067944<", ">40679x4<")), "001", "40679x4", "not a number"),
        (collection(GOOD.replace(">2025-12-03<", ">2025-02-30<")), "269$a", "4067944", "impossible or malformed date"),
        (collection(GOOD.replace(">2025-12-03<", ">2099-01-01<")), "269$a", "4067944", "outside"),
        (
            collection(
                GOOD.replace(
                    '<datafield ind1=" " ind2=" " tag="269"><subfield code="a">2025-12-03</subfield></datafield>', ""
                )
            ),
            "269$a",
            "4067944",
            "missing date",
        ),
        (
            collection(GOOD.replace('<subfield code="d">N</subfield>', '<subfield code="d">Q</subfield>')),
            "967$d",
            "4067944",
            "unknown vote code 'Q' for RUS",
        ),
        (collection(GOOD.replace('<subfield code="c">RUS</subfield>', "")), "967$c", "4067944", "without a state code"),
        (
            collection(GOOD.replace('<subfield code="c">RUS</subfield>', '<subfield code="c">Russia</subfield>')),
            "967$c",
            "4067944",
            "not a three-letter code",
        ),
        (
            collection(GOOD.replace('<subfield code="b">2</subfield>', '<subfield code="b">2a</subfield>')),
            "996$b",
            "4067944",
            "not a non-negative integer",
        ),
        (
            collection(GOOD.replace('<subfield code="f">4</subfield>', '<subfield code="f">-4</subfield>')),
            "996$f",
            "4067944",
            "not a non-negative integer",
        ),
        (collection(GOOD.replace('<subfield code="a">Title</subfield>', "")), "245", "4067944", "missing title"),
        (collection(GOOD, GOOD), "001", "4067944", "appears twice"),
    ],
    ids=[
        "bad-xml",
        "no-001",
        "bad-001",
        "bad-269",
        "future-269",
        "no-269",
        "bad-967d",
        "no-967c",
        "bad-967c",
        "bad-996b",
        "negative-996f",
        "no-245",
        "duplicate",
    ],
)
def test_malformed_marc_names_url_record_and_field(
    xml: bytes, field: str | None, record: str | None, words: str
) -> None:
    with pytest.raises(InputFormatError) as info:
        read_marc_xml(xml, origin=URL, today=TODAY)
    err = info.value
    message = str(err)
    assert message.startswith(URL)  # the page it came from
    assert words in message
    assert err.field == field
    if record is not None:
        assert f"record {record}" in message
    assert err.line is not None and err.line >= 1


def test_a_saved_file_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_bytes(collection(GOOD.replace(">2025-12-03<", ">03/12/2025<")))
    with pytest.raises(InputFormatError, match=r"page\.xml, line 3, field '269\$a': record 4067944: impossible"):
        read_marc_xml(path, today=TODAY)


def test_an_html_page_or_empty_body_is_refused() -> None:
    with pytest.raises(InputFormatError, match="HTML page"):
        read_marc_xml(b"<!DOCTYPE html><html><body>Service unavailable</body></html>", origin=URL)
    with pytest.raises(InputFormatError, match="empty"):
        read_marc_xml(b"  \n", origin=URL)


# ----------------------------------------------------------------------------- paging against a server


def _publish(lib: FakeLibrary, *records: tuple[str, str]) -> None:
    lib.voting[:] = list(records)


def _rec(
    undl_id: int, date: str, symbol: str | None, votes: list[tuple[str, str, str]] = FOUR, **kw: object
) -> tuple[str, str]:
    return date, voting_record(undl_id, date, f"Resolution {undl_id}", votes, symbol=symbol, session="80", **kw)  # type: ignore[arg-type]


def test_paging_reads_every_page_and_stops_at_a_short_one(library: FakeLibrary) -> None:
    _publish(
        library,
        *[_rec(5000 + k, f"2025-12-{10 + k:02d}", f"A/RES/80/{300 + k}") for k in range(5)],
        _rec(4999, "2025-11-30", "A/RES/80/299"),
    )
    with httpx.Client() as client:
        marc = fetch_marc_records(
            lambda u: client.get(u).content, library.base_url, dt.date(2025, 12, 1), page_size=2, today=TODAY
        )
    assert sorted(marc.roll_calls["undl_id"].to_list()) == [5000, 5001, 5002, 5003, 5004]  # not 4999 (before since)
    asked = library.searches()
    assert [q["jrec"] for q in asked] == ["1", "3", "5"]
    assert {q["rg"] for q in asked} == {"2"} and {q["of"] for q in asked} == {"xm"}
    assert {q["cc"] for q in asked} == {"Voting Data"} and {q["p"] for q in asked} == {"269:2025-12-01->2099-12-31"}
    assert marc.votes.height == 20


def test_paging_is_bounded(library: FakeLibrary) -> None:
    _publish(library, *[_rec(5000 + k, "2025-12-10", f"A/RES/80/{300 + k}") for k in range(4)])
    with httpx.Client() as client, pytest.raises(DownloadError, match="did not end after 2 pages"):
        fetch_marc_records(
            lambda u: client.get(u).content,
            library.base_url,
            dt.date(2025, 12, 1),
            page_size=2,
            max_pages=2,
            today=TODAY,
        )


def test_search_url_names_the_documented_parameters() -> None:
    url = search_url("https://digitallibrary.un.org/", dt.date(2025, 10, 9), 101, 100)
    assert url.startswith("https://digitallibrary.un.org/search?")
    q = dict(x.split("=", 1) for x in url.split("?", 1)[1].split("&"))
    assert q == {
        "ln": "en",
        "cc": "Voting+Data",
        "p": "269%3A2025-10-09-%3E2099-12-31",
        "fct__2": "General+Assembly",
        "of": "xm",
        "rg": "100",
        "jrec": "101",
    }


def test_a_malformed_page_from_the_server_names_its_url(library: FakeLibrary, tmp_path: Path) -> None:
    library.search_override = collection(
        GOOD.replace('<subfield code="d">N</subfield>', '<subfield code="d">?</subfield>')
    )
    with pytest.raises(InputFormatError) as info:
        sync_search_api(tmp_path, library.base_url, since=dt.date(2025, 12, 1))
    assert f"{library.base_url}/search?" in str(info.value)
    assert info.value.field == "967$d" and "record 4067944" in str(info.value)


# ----------------------------------------------------------------------------- into the record


def _tally(home: Path, symbol: str) -> tuple[int, int, int, int]:
    """Y, N, A, X counted from the stored votes of the one roll call of ``symbol``."""
    rec = open_record(home)
    assert rec.roll_calls(resolution=symbol).height == 1
    votes = rec.votes(resolution=symbol)["vote"].to_list()
    return votes.count("Y"), votes.count("N"), votes.count("A"), votes.count("X")


def test_sync_brings_the_record_past_the_bulk_file(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, "2026_02_06_ga_voting.csv", ga_file(3))  # A/RES/80/100..102, 2025-12-10..12
    # the search API: a record already in the bulk file, a new one, one without symbol, one without 967
    present = _rec(
        4000002,
        "2025-12-12",
        "A/RES/80/102",
        [
            ("AFG", "AFGHANISTAN", "Y"),
            ("BRA", "BRAZIL", "Y"),
            ("RUS", "RUSSIAN FEDERATION", "N"),
            ("USA", "UNITED STATES", "A"),
        ],
    )
    new = _rec(
        4000010,
        "2025-12-18",
        "A/RES/80/120",
        [
            ("AFG", "AFGHANISTAN", "Y"),
            ("BRA", "BRAZIL", "N"),
            ("RUS", "RUSSIAN FEDERATION", "N"),
            ("USA", "UNITED STATES", "N"),
        ],
    )
    nosym = (
        "2025-12-18",
        voting_record(4000011, "2025-12-18", "Decision on the programme of work", FOUR, session="80"),
    )
    novotes = _rec(4000012, "2025-12-19", "A/RES/80/121", [], totals=("150", "5", "10", "28", "193"))
    _publish(library, present, new, nosym, novotes)
    report = sync_record(tmp_path, library.base_url, progress=False, sources=("ga",))
    assert [(r.source, r.status) for r in report.results] == [("ga", "downloaded"), (API_KEY, "downloaded")]
    assert report.api_since == dt.date(2025, 12, 12) - dt.timedelta(days=120)
    assert "4000012" in (report.ingest_note or "") and "no 967" in (report.ingest_note or "")
    rec = open_record(tmp_path)
    assert _tally(tmp_path, "A/RES/80/120") == (1, 3, 0, 0)
    assert _tally(tmp_path, "A/RES/80/102") == (2, 1, 1, 0)  # once, not twice
    assert open_record(tmp_path).roll_calls(resolution="A/RES/80/121").height == 0  # reported, not stored
    titled = rec.roll_calls(search="programme of work")
    assert titled.height == 1 and titled["resolution"].to_list() == [None]
    assert titled["date"].to_list() == [dt.date(2025, 12, 18)]
    by_id = rec.roll_calls(undl_id=4000011)  # stored under its UN DL record id
    assert by_id["title"].to_list() == ["Decision on the programme of work"] and by_id["session"].to_list() == ["80"]
    assert rec.votes(undl_id=4000011).height == 4
    assert rec.roll_calls(resolution="A/RES/80/120")["undl_id"].to_list() == [4000010]
    assert rec.roll_calls(year=2025).height == 5  # 3 bulk + 2 from the API
    assert read_manifest(tmp_path)[API_KEY]["ingested_sha256"] == read_manifest(tmp_path)[API_KEY]["sha256"]

    # nothing changed: nothing ingested
    again = sync_record(tmp_path, library.base_url, progress=False, sources=("ga",))
    assert [(r.source, r.status) for r in again.results] == [("ga", "unchanged"), (API_KEY, "unchanged")]
    assert again.ingested == []

    # the library corrects A/RES/80/120 (BRA N -> A) and its tallies: the correction replaces the old
    corrected = _rec(
        4000010,
        "2025-12-18",
        "A/RES/80/120",
        [
            ("AFG", "AFGHANISTAN", "Y"),
            ("BRA", "BRAZIL", "A"),
            ("RUS", "RUSSIAN FEDERATION", "N"),
            ("USA", "UNITED STATES", "N"),
        ],
    )
    _publish(library, present, corrected, nosym, novotes)
    third = sync_record(tmp_path, library.base_url, progress=False, sources=("ga",))
    assert [(r.source, r.status) for r in third.results] == [("ga", "unchanged"), (API_KEY, "downloaded")]
    assert _tally(tmp_path, "A/RES/80/120") == (1, 2, 1, 0)
    votes = open_record(tmp_path).votes(resolution="A/RES/80/120")
    assert dict(zip(votes["state"], votes["vote"], strict=True))["BRA"] == "A"
    rc = open_record(tmp_path).roll_calls(resolution="A/RES/80/120")
    assert rc.select("total_yes", "total_no", "total_abstain").row(0) == (1, 2, 1)  # the recorded 996 totals


def test_without_a_record_the_search_api_waits_for_a_build(library: FakeLibrary, tmp_path: Path) -> None:
    result, marc, since = sync_search_api(tmp_path, library.base_url)
    assert result.status == "skipped" and marc is None and since is None
    assert library.searches() == []


# ----------------------------------------------------------------------------- real votes through MARC-XML

ES11_OFFICIAL = {  # official tallies (Y, N, A), listed in the combined folder's PROVENANCE
    "A/RES/ES-11/1": (141, 5, 35), "A/RES/ES-11/2": (140, 5, 38), "A/RES/ES-11/3": (93, 24, 58),
    "A/RES/ES-11/4": (143, 5, 35), "A/RES/ES-11/5": (94, 14, 73), "A/RES/ES-11/6": (141, 7, 32),
    "A/RES/ES-11/7": (93, 18, 65), "A/RES/ES-11/8": (93, 8, 73), "A/RES/ES-11/9": (91, 12, 57),
}  # fmt: skip


def test_real_votes_survive_the_marc_round_trip(library: FakeLibrary, shared_data: Path, tmp_path: Path) -> None:
    """ES-11 and one symbol-less session-79 record, rendered as MARC-XML records, paged, read and re-read."""
    long = pl.read_csv(
        shared_data / "unga_unsc_votes_2023_2025_combined" / "ga_votes_long.csv.gz",
        schema_overrides={"resolution": pl.String, "session": pl.String},
    )
    picked = long.filter((pl.col("session") == "ES-11") | (pl.col("undl_id") == 4067944))
    assert picked["undl_id"].n_unique() == 10
    records = []
    for (undl_id,), rows in picked.group_by(["undl_id"], maintain_order=True):
        first = rows.row(0, named=True)
        votes = [(c, c, "" if v == "X" else v) for c, v in zip(rows["ms_code"], rows["ms_vote"], strict=True)]
        xml = voting_record(int(str(undl_id)), first["date"], first["title"], votes,
                            symbol=first["resolution"] or None, session=first["session"])  # fmt: skip
        records.append((first["date"], xml))
    _publish(library, *records)
    with httpx.Client() as client:
        marc = fetch_marc_records(lambda u: client.get(u).content, library.base_url, dt.date(2022, 1, 1), page_size=4)
    assert len(library.searches()) == 3  # 4 + 4 + 2
    path = tmp_path / "api.csv"
    write_undl_csv(marc, path)
    data = read_source(path)
    rc = data.roll_calls.join(
        data.votes.group_by("src_rc").agg(
            y=(pl.col("vote") == "Y").sum(), n=(pl.col("vote") == "N").sum(), a=(pl.col("vote") == "A").sum()
        ),
        on="src_rc",
    )
    got = {r["resolution"]: (r["y"], r["n"], r["a"]) for r in rc.iter_rows(named=True) if r["resolution"]}
    assert got == ES11_OFFICIAL
    es117 = rc.filter(pl.col("resolution") == "A/RES/ES-11/7")["src_rc"].item()
    v = data.votes.filter(pl.col("src_rc") == es117)
    assert {s: x for s, x in zip(v["state"], v["vote"], strict=True) if s in ("USA", "RUS", "CHN", "UKR")} == {
        "USA": "N", "RUS": "N", "CHN": "A", "UKR": "Y"}  # fmt: skip
    geneva = rc.filter(pl.col("src_rc") == 4067944).row(0, named=True)
    assert geneva["resolution"] is None and geneva["session"] == "79"
    assert (geneva["y"], geneva["n"], geneva["a"]) == (181, 0, 2)  # the official 181-0-2
    assert geneva["title"].startswith("Measures to uphold the authority of the 1925 Geneva Protocol")


def test_build_online_ends_with_the_search_api(
    library: FakeLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from undl_fixtures import AUTH_RECORD, SC_RECORD, auth_file, sc_file

    from polycentric.record.build import build_record

    library.put(GA_RECORD, "2026_02_06_ga_voting.csv", ga_file(2))
    library.put(SC_RECORD, "2026_02_06_sc_voting.csv", sc_file())
    library.put(AUTH_RECORD, "member_states_auths_2026-04-30.csv", auth_file())
    _publish(library, _rec(4000020, "2025-12-18", "A/RES/80/130"))
    monkeypatch.setenv("POLYCENTRIC_UNDL_URL", library.base_url)
    report = build_record(tmp_path)
    assert report.mode == "online"
    assert "undl_api downloaded" in report.message
    assert _tally(tmp_path, "A/RES/80/130") == (2, 1, 1, 0)
    assert library.searches()[0]["p"] == "269:2025-08-13->2099-12-31"  # 2025-12-11 minus 120 days


def test_a_pending_extract_is_ingested_by_any_later_sync(
    library: FakeLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from polycentric.errors import IngestError
    from polycentric.record import build

    library.put(GA_RECORD, "2026_02_06_ga_voting.csv", ga_file(2))
    _publish(library, _rec(4000030, "2025-12-18", "A/RES/80/140"))
    real = build.ingest
    calls: list[list[Path]] = []

    def second_fails(paths: list[Path], **kw: object) -> object:
        calls.append(list(paths))
        if len(calls) == 2:  # the search-API extract
            raise IngestError("simulated failure")
        return real(paths, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "ingest", second_fails)
    first = sync_record(tmp_path, library.base_url, progress=False, sources=("ga",))
    assert [(r.source, r.status) for r in first.results] == [("ga", "downloaded"), (API_KEY, "failed")]
    assert first.ingested == [tmp_path / "downloads" / "2026_02_06_ga_voting.csv"]  # the bulk file went in
    monkeypatch.setattr(build, "ingest", real)
    assert open_record(tmp_path).roll_calls(resolution="A/RES/80/140").height == 0
    assert "ingested_sha256" not in read_manifest(tmp_path)[API_KEY]
    later = sync_record(tmp_path, library.base_url, progress=False, sources=("ga",), search_api=False)
    assert later.ingested == [tmp_path / "downloads" / API_KEY / "ga_search_api.csv"]
    assert _tally(tmp_path, "A/RES/80/140") == (2, 1, 1, 0)


def test_a_symbol_less_record_already_in_the_bulk_file_is_stored_once(library: FakeLibrary, tmp_path: Path) -> None:
    bulk = ga_file(3).replace(b"A/RES/80/101", b"")  # the bulk file's second record has no symbol
    library.put(GA_RECORD, "2026_02_06_ga_voting.csv", bulk)
    votes = [("AFG", "AFGHANISTAN", "Y"), ("BRA", "BRAZIL", "A"), ("RUS", "RUSSIAN FEDERATION", "Y"),
             ("USA", "UNITED STATES", "N")]  # fmt: skip
    twin = voting_record(4000001, "2025-12-11", "Resolution 1 : resolution / adopted by the General Assembly", votes,
                         session="80")  # fmt: skip
    _publish(library, ("2025-12-11", twin))
    report = sync_record(tmp_path, library.base_url, progress=False, sources=("ga",))
    assert [(r.source, r.status) for r in report.results] == [("ga", "downloaded"), (API_KEY, "downloaded")]
    rec = open_record(tmp_path)
    day = rec.roll_calls(start="2025-12-11", end="2025-12-11")
    assert day.height == 1 and day["resolution"].to_list() == [None]  # linked on date and title: once
    assert rec.roll_calls(year=2025).height == 3
    assert rec.votes(undl_id=4000001).height == 4
