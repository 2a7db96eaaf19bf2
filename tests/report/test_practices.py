"""The "voting practices" report: coincidence computed by hand, tables in the HTML and as CSV, the CLI."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import polars as pl
import pytest

from polycentric.measures.profile import coincidence, practices


def _by_hand(votes: pl.DataFrame, a: str, b: str, ids: list[int] | None = None) -> tuple[int, int]:
    """(identical, n) over the roll calls where both voted Y or N, counted with plain Python."""
    va: dict[int, str] = {}
    vb: dict[int, str] = {}
    for rid, st, vote in votes.select("rollcall_id", "state", "vote").iter_rows():
        if ids is not None and rid not in ids:
            continue
        if st == a:
            va[rid] = vote
        elif st == b:
            vb[rid] = vote
    both = [r for r in va if r in vb and va[r] in "YN" and vb[r] in "YN"]
    return sum(va[r] == vb[r] for r in both), len(both)


def test_coincidence_matches_a_hand_count(served_record: Any) -> None:
    votes = served_record.votes(body="GA").filter(pl.col("year") == 2015)
    table = coincidence(votes, "IND", ["USA", "RUS"])
    for ref in ("USA", "RUS"):
        identical, n = _by_hand(votes, "IND", ref)
        row = table.filter(pl.col("reference") == ref).row(0, named=True)
        assert (row["identical"], row["n"]) == (identical, n) and n > 40
        assert row["coincidence"] == pytest.approx(identical / n)


def test_coincidence_on_a_tiny_hand_made_record() -> None:
    votes = pl.DataFrame(
        {
            "rollcall_id": [1, 1, 2, 2, 3, 3, 4, 4],
            "state": ["A", "B"] * 4,
            "vote": ["Y", "Y", "Y", "N", "A", "Y", "N", "N"],
        }
    )
    row = coincidence(votes, "A", ["B"]).row(0, named=True)
    # roll call 3 has an abstention: left out; 1 and 4 identical, 2 opposite
    assert (row["identical"], row["opposite"], row["n"]) == (2, 1, 3) and row["coincidence"] == pytest.approx(2 / 3)


def test_practices_tables(served_record: Any) -> None:
    tables = practices(
        served_record.votes(body="GA"),
        served_record.roll_calls(body="GA"),
        "IND",
        2015,
        sc_votes=served_record.votes(body="SC"),
        sc_roll_calls=served_record.roll_calls(body="SC"),
    )
    rc = served_record.roll_calls(body="GA").filter((pl.col("year") == 2015) & pl.col("important").fill_null(False))
    assert tables["important_votes"]["rollcall_id"].sort().to_list() == rc["rollcall_id"].sort().to_list()
    imp_usa = tables["important"].filter(pl.col("reference") == "USA").row(0, named=True)
    votes = served_record.votes(body="GA").filter(pl.col("year") == 2015)
    assert (imp_usa["identical"], imp_usa["n"]) == _by_hand(votes, "IND", "USA", rc["rollcall_id"].to_list())
    nam = tables["groups"].filter(pl.col("group") == "NAM")
    from polycentric.registry.groups import get_group

    assert set(nam["member"]) == set(get_group("NAM").states("2015-07-01")) - {"IND"}
    assert set(tables["groups"]["group"]) == {"NAM", "EU", "G77", "OIC", "AU"}
    assert tables["vetoes"]["year"].to_list() == [2015] * tables["vetoes"].height and tables["vetoes"].height >= 1


def test_practices_cli_writes_html_and_csv(
    served_record: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from polycentric.cli.main import main

    monkeypatch.setenv("POLYCENTRIC_HOME", str(served_record.home))
    out = tmp_path / "india.html"
    rc = main(["report", "practices", "India", "--year", "2015", "--out", str(out), "--csv-dir", str(tmp_path / "csv")])
    assert rc == 0
    html = out.read_text(encoding="utf-8")
    assert "Voting practices of India, 2015" in html and "<script" not in html and "http://" not in html.split("<body>")[0]
    # every table is downloadable as CSV from inside the page, with the same rows
    links = re.findall(r'download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]+)"', html)
    names = {name for name, _ in links}
    assert {"coincidence-overall.csv", "coincidence-important.csv", "group-NAM.csv", "group-EU.csv"} <= names
    overall = dict(links)["coincidence-overall.csv"]
    rows = list(csv.DictReader(io.StringIO(unquote(overall))))
    usa = next(r for r in rows if r["reference"] == "USA")
    votes = served_record.votes(body="GA").filter(pl.col("year") == 2015)
    identical, n = _by_hand(votes, "IND", "USA")
    assert int(usa["identical"]) == identical and int(usa["n"]) == n
    written = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert "practices-India-2015-overall.csv" in written and "practices-India-2015-overall.csv-metadata.json" in written
    assert served_record.version in html  # one record id everywhere
    capsys.readouterr()


def test_unknown_state_in_practices_exits_2(served_record: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from polycentric.cli.main import main

    monkeypatch.setenv("POLYCENTRIC_HOME", str(served_record.home))
    assert main(["report", "practices", "Indai", "--year", "2015"]) == 2
    assert "did you mean India (IND)" in capsys.readouterr().err


def test_briefs_cite_roll_calls_and_coverage(served_record: Any) -> None:
    from polycentric.report import rollcall_brief, state_brief

    html = rollcall_brief(served_record, "A/RES/ES-11/1")
    assert "A/RES/ES-11/1, “Aggression against Ukraine”, General Assembly, 2 March 2022 (adopted" in html
    assert "https://digitallibrary.un.org/record/" in html and "Coverage: " in html
    from polycentric.record.cite import display_title

    brief = state_brief(served_record, "UKR", years=(2022, 2022))
    latest = served_record.votes(state="UKR", year=2022).sort("date", "rollcall_id", descending=True).row(0, named=True)
    rc = served_record.roll_calls(body=None).filter(pl.col("rollcall_id") == latest["rollcall_id"]).row(0, named=True)
    assert display_title(rc["title"])[:60] in brief and "adopted" in brief
    assert served_record.coverage_line() in brief
