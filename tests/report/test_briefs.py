"""HTML briefs: real tallies, self-contained (no external references), CLI writes the file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from polycentric.cli.main import main
from polycentric.report import rollcall_brief, state_brief


class _Refs(HTMLParser):
    """Collects every URL an element would load (src, href of link/script)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "image", "use") and (a.get("src") or a.get("href")):
            self.loads.append(str(a.get("src") or a.get("href")))
        if tag == "link" and a.get("href"):
            self.loads.append(str(a["href"]))
        if tag == "table" and a.get("id"):
            self._table = str(a["id"])
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Refs:
    p = _Refs()
    p.feed(html)
    return p


def test_rollcall_brief_tally_and_self_contained(served_record: Any) -> None:
    html = rollcall_brief(served_record, "A/RES/ES-11/1")
    parsed = _parse(html)
    assert parsed.loads == []  # nothing to fetch: opens without a server or network
    assert not re.search(r"(src|href)=\"(https?:)?//", html.replace('href="https://digitallibrary', ""))
    tally = {row[0]: row[1] for row in parsed.tables["tally"][1:]}
    assert tally == {"Yes": "141", "No": "5", "Abstain": "35", "Not voting": "12"}
    assert "<svg" in html and "4060887" in html and "hdl:1902.1/12379" in html
    assert (
        "General Assembly votes through 2025-12-18; Security Council: vetoes only, to 2022-07-08" in html
    )  # every brief
    no_line = re.search(r"<strong>No \(5\)</strong>: ([^<]*)", html)
    assert no_line is not None
    assert sorted(re.findall(r"\((\w{3})\)", no_line.group(1))) == ["BLR", "ERI", "PRK", "RUS", "SYR"]


def test_rollcall_brief_accepts_old_symbol_spelling(served_record: Any) -> None:
    tally = {r[0]: r[1] for r in _parse(rollcall_brief(served_record, "R/68/262")).tables["tally"][1:]}
    assert (tally["Yes"], tally["No"], tally["Abstain"]) == ("100", "11", "58")


def test_state_brief_counts_match_record(served_record: Any) -> None:
    import datetime as dt

    html = state_brief(served_record, "Russia", years=(2014, 2016))
    rows = _parse(html).tables["per-year"]
    assert rows[0] == ["year", "Yes", "No", "Abstain", "Not voting"]
    votes = served_record.votes(state="RUS", start=dt.date(2014, 1, 1), end=dt.date(2016, 12, 31))
    for row in rows[1:]:
        year = int(row[0])
        expected = votes.filter(votes["year"] == year)
        assert int(row[1]) == (expected["vote"] == "Y").sum()
        assert int(row[2]) == (expected["vote"] == "N").sum()
    assert [int(r[0]) for r in rows[1:]] == [2014, 2015, 2016]
    assert "polycentric report state RUS --years 2014-2016" in html


def test_cli_writes_reports(served_record: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "es11.html"
    assert main(["--home", str(served_record.home), "report", "rollcall", "A/RES/ES-11/1", "--out", str(out)]) == 0
    assert "<strong>Yes (141)</strong>" in out.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--home", str(served_record.home), "report", "state", "RUS", "--years", "2014-2023"]) == 0
    assert (tmp_path / "report-state-RUS-2014-2023.html").is_file()
    assert main(["--home", str(served_record.home), "report", "state", "RUS", "--years", "2023-2014"]) == 2
    assert main(["--home", str(served_record.home), "report", "state", "ZZZZ"]) != 0


def test_group_brief_members_on_date(served_record: Any, tmp_path: Path) -> None:
    import datetime as dt

    from polycentric.registry.groups import get_group
    from polycentric.report import group_brief

    html = group_brief(served_record, "NAM", date=dt.date(2022, 3, 2))
    rows = _parse(html).tables["members"][1:]
    expected = get_group("NAM").members(dt.date(2022, 3, 2), ["member", "observer"])
    assert sorted(r[0] for r in rows) == sorted(expected["state"].to_list())
    assert sum(r[2] == "member" for r in rows) == len(get_group("NAM").states(dt.date(2022, 3, 2)))
    out = tmp_path / "nam.html"
    assert main(["--home", str(served_record.home), "report", "group", "NAM", "--out", str(out)]) == 0
    assert "Non-Aligned Movement" in out.read_text(encoding="utf-8")
    assert main(["--home", str(served_record.home), "report", "group", "NOPE", "--out", str(out)]) != 0


def test_state_brief_alignment_and_ideal_points(served_record: Any, models_home: Path) -> None:
    import datetime as dt

    import polars as pl

    from polycentric.measures import DEFAULT_REFERENCES, alignment
    from polycentric.models.saved import load_ideal_points

    html = state_brief(served_record, "IND", years=(2016, 2020), home=models_home)
    tables = _parse(html).tables
    votes = served_record.votes(start=dt.date(2016, 1, 1), end=dt.date(2020, 12, 31))
    expected = alignment(votes, [r for r in DEFAULT_REFERENCES if r != "IND"], years=(2016, 2020), states=["IND"])
    header, *rows = tables["alignment"]
    assert header[0] == "year" and "USA" in header and [int(r[0]) for r in rows] == list(range(2016, 2021))
    usa = {int(r[0]): float(r[header.index("USA")]) for r in rows}
    exp_usa = expected.filter(pl.col("reference") == "USA")
    assert usa == pytest.approx(dict(zip(exp_usa["year"], exp_usa["value"], strict=True)), abs=5e-4)
    ideal_points, _ = load_ideal_points(models_home)
    own = ideal_points.filter((pl.col("state") == "IND") & pl.col("year").is_between(2016, 2020)).sort("session")
    header, *rows = tables["idealpoints"]
    assert header[:5] == ["session", "year", "ideal_point", "lower", "upper"]
    assert [float(r[2]) for r in rows] == pytest.approx(own["ideal_point"].to_list(), abs=5e-4)
    assert "Bailey, Strezhnev &amp; Voeten (2017)" in html


def test_state_brief_without_a_fit_says_how_to_make_it(served_record: Any, tmp_path: Path) -> None:
    html = state_brief(served_record, "IND", years=(2019, 2020), home=tmp_path)
    assert "idealpoints" not in _parse(html).tables
    assert "idealpoints fit" in html and "Not available" in html


def test_rollcall_brief_group_breakdown(served_record: Any) -> None:
    import datetime as dt

    from polycentric.registry.groups import get_group

    rows = {r[0]: r for r in _parse(rollcall_brief(served_record, "A/RES/ES-11/1")).tables["groups"][1:]}
    votes = served_record.votes(resolution="A/RES/ES-11/1")
    by_state = dict(zip(votes["state"], votes["vote"], strict=True))
    for gid in ("EU", "AU", "NAM"):
        members = [s for s in get_group(gid).states(dt.date(2022, 3, 2)) if s in by_state]
        assert [int(x) for x in rows[gid][2:6]] == [sum(by_state[s] == v for s in members) for v in "YNAX"], gid
    assert rows["EU"][2] == "27"


def test_rollcall_brief_of_a_veto_without_member_votes_shows_no_zero_tally(served_record: Any) -> None:
    # S/2022/538 (2022-07-08) is in the 1946-2022 veto list: vetoed by the Russian Federation, and the list
    # names only the vetoing member, so the other 14 votes are unknown and never shown as "Yes 0"
    [rc] = served_record.roll_calls(resolution="S/2022/538").iter_rows(named=True)
    assert (rc["status"], rc["vetoed_by"], rc["votes_complete"]) == ("vetoed", "RUS", False)
    html = rollcall_brief(served_record, "S/2022/538")
    parsed = _parse(html)
    assert "tally" not in parsed.tables and "groups" not in parsed.tables
    assert "Yes (0)" not in html and ">Yes<" not in html
    assert "vetoed by Russian Federation; the other members&#39; votes are unknown" in html.replace("'", "&#39;")
    assert re.search(r"<strong>No \(1\)</strong>: Russian Federation \(RUS\)", html)
    # a GA resolution keeps its tally and has no Council outcome line
    ga = rollcall_brief(served_record, "A/RES/ES-11/1")
    assert _parse(ga).tables["tally"][1] == ["Yes", "141"] and "<strong>Outcome</strong>" not in ga
