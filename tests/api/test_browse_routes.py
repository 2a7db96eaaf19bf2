"""Issue 12 routes: cited roll calls, the browse list (filters, sort, pages), vetoes, search by words, one record id."""

from __future__ import annotations

from typing import Any

import polars as pl
from fastapi.testclient import TestClient


def test_roll_calls_are_cited(client: TestClient) -> None:
    rows = client.get("/api/rollcalls", params={"resolution": "R/68/262"}).json()["data"]
    (rc,) = [r for r in rows if r["kind"] == "resolution"]
    assert rc["status"] == "adopted" and rc["link"] == "https://undocs.org/A/RES/68/262"
    assert rc["citation"].startswith("A/RES/68/262, “Territorial integrity of Ukraine")
    assert "General Assembly, 27 March 2014 (adopted" in rc["citation"]


def test_votes_carry_the_title(client: TestClient, served_record: Any) -> None:
    rows = client.get("/api/votes", params={"resolution": "A/RES/68/262", "limit": 500}).json()["data"]
    titles = {r["title"] for r in rows}
    expected = served_record.roll_calls(resolution="A/RES/68/262")["title"].unique().to_list()
    assert titles == set(expected) and all(t and "Territorial integrity of Ukraine" in t for t in titles)
    header = client.get("/api/votes", params={"resolution": "A/RES/68/262", "format": "csv"}).text.splitlines()[0]
    assert "title" in header.split(",") and "link" in header.split(",")


def test_browse_filters_sort_and_pages(client: TestClient, served_record: Any) -> None:
    params = {"body": "GA", "from": 2014, "to": 2016, "issue": "hr", "important": "true", "sort": "date"}
    page = client.get("/api/browse/rollcalls", params={**params, "limit": 5}).json()
    rc = served_record.roll_calls(body="GA")
    expected = rc.filter(
        pl.col("year").is_between(2014, 2016) & pl.col("issue_hr").fill_null(False) & pl.col("important").fill_null(False)
    ).sort("date", "rollcall_id")
    assert page["total"] == expected.height > 5
    assert [r["rollcall_id"] for r in page["data"]] == expected["rollcall_id"].head(5).to_list()
    second = client.get("/api/browse/rollcalls", params={**params, "limit": 5, "offset": 5}).json()["data"]
    assert [r["rollcall_id"] for r in second] == expected["rollcall_id"].slice(5, 5).to_list()
    newest = client.get("/api/browse/rollcalls", params={**params, "sort": "-date", "limit": 1}).json()["data"]
    assert newest[0]["rollcall_id"] == expected["rollcall_id"][-1]


def test_browse_text_needs_every_word(client: TestClient) -> None:
    rows = client.get("/api/browse/rollcalls", params={"q": "integrity Ukraine territorial", "limit": 50}).json()["data"]
    assert rows and all(
        all(w in (r["title"] or "").lower() for w in ("integrity", "ukraine", "territorial")) for r in rows
    )
    assert "A/RES/68/262" in {r["resolution"] for r in rows}


def test_browse_rejects_unknown_sort_and_status(client: TestClient) -> None:
    assert client.get("/api/browse/rollcalls", params={"sort": "colour"}).status_code == 422
    assert client.get("/api/browse/rollcalls", params={"status": "maybe"}).status_code == 422


def test_vetoes_by_member_and_year(client: TestClient, served_record: Any) -> None:
    from polycentric.browse import veto_counts, vetoes

    table = vetoes(served_record.roll_calls(body="SC"), served_record.votes(body="SC"))
    page = client.get("/api/vetoes", params={"limit": 10000}).json()
    assert page["total"] == table.height > 200
    assert {r["member"] for r in page["data"]} <= {"CHN", "FRA", "GBR", "RUS", "USA"}
    rus_2022 = client.get("/api/vetoes", params={"member": "Russia", "from": 2022, "to": 2022}).json()["data"]
    assert rus_2022 and all(r["member"] == "RUS" and r["year"] == 2022 for r in rus_2022)
    assert all(r["link"] == f"https://undocs.org/{r['draft']}" for r in rus_2022 if r["draft"])
    counts = client.get("/api/vetoes/counts", params={"limit": 10000}).json()["data"]
    expected = veto_counts(table)
    assert sum(r["vetoes"] for r in counts) == table.height == int(expected["vetoes"].sum())


def test_search_finds_roll_calls_by_words_in_any_order(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "ukraine territorial integrity"}).json()["data"]
    rollcalls = [h for h in hits if h["kind"] == "rollcall"]
    assert any(h["label"].startswith("A/RES/68/262 — Territorial integrity of Ukraine") for h in rollcalls)
    assert all("detail" in h for h in hits)


def test_meta_record_id_is_the_python_one(client: TestClient, served_record: Any) -> None:
    from polycentric.report import rollcall_brief

    meta = client.get("/api/meta").json()
    assert meta["record_version"] == served_record.version
    html = rollcall_brief(served_record, "A/RES/68/262")
    assert served_record.version in html


def test_search_aggression_against_ukraine_finds_es_11_1(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "aggression against Ukraine"}).json()["data"]
    symbols = [h["label"].split(" — ")[0] for h in hits if h["kind"] == "rollcall"]
    assert symbols[0] == "A/RES/ES-11/1"  # its title is exactly the words typed: first
    es = next(h for h in hits if h["label"].startswith("A/RES/ES-11/1 "))
    assert es["detail"].startswith("A/RES/ES-11/1, “Aggression against Ukraine”, General Assembly, 2 March 2022")
    assert "https://" not in es["detail"]
    rc = client.get(f"/api/rollcalls/{es['id']}").json()["data"][0]
    assert rc["link"].startswith("https://digitallibrary.un.org/record/")  # the UN DL record id is known


def test_state_summary_neighbours_cited_routes(client: TestClient, served_record: Any) -> None:
    from polycentric.measures.profile import cited_votes, neighbours, vote_summary

    votes = served_record.votes(body="GA")
    got = client.get("/api/states/India/summary", params={"from": 2014, "to": 2022}).json()["data"][0]
    assert got == vote_summary(votes, "IND", years=(2014, 2022)).to_dicts()[0]
    near = client.get("/api/states/SUN/neighbours", params={"year": 2022}).json()["data"]
    expected = neighbours(votes, "RUS", 2022)
    assert [r["state"] for r in near] == expected["state"].to_list()
    assert [r["agreement"] for r in near] == expected["agreement"].to_list()
    cited = client.get("/api/states/IND/cited").json()["data"]
    table = cited_votes(votes, served_record.roll_calls(body="GA"), "IND")
    assert [(r["resolution"], r["vote"]) for r in cited] == list(zip(table["resolution"], table["vote"], strict=True))
    assert ("A/RES/ES-11/1", "A") in [(r["resolution"], r["vote"]) for r in cited]


def test_practices_routes(client: TestClient) -> None:
    body = client.get("/api/practices/India", params={"year": 2015}).json()
    assert body["state"] == "IND" and set(body["tables"]) >= {"overall", "important", "groups", "vetoes"}
    csv_text = client.get("/api/practices/IND/overall", params={"year": 2015, "format": "csv"}).text
    rows = csv_text.splitlines()
    assert rows[0] == "reference,kind,identical,opposite,n,coincidence" and len(rows) == len(body["tables"]["overall"]) + 1
    assert client.get("/api/practices/IND/nonsense", params={"year": 2015}).status_code == 422
    assert client.get("/api/practices/Indai", params={"year": 2015}).status_code == 404


def test_csv_names_its_csvw_metadata(client: TestClient) -> None:
    r = client.get("/api/votes", params={"resolution": "A/RES/68/262", "format": "csv"})
    assert r.headers["link"] == '<?format=csvw>; rel="describedby"; type="application/csvw+json"'
    meta = client.get("/api/votes", params={"resolution": "A/RES/68/262", "format": "csvw"})
    assert meta.headers["content-type"].startswith("application/csvw+json")
    body = meta.json()
    assert [c["name"] for c in body["tableSchema"]["columns"]] == r.text.splitlines()[0].split(",")
    assert {c["name"]: c["datatype"] for c in body["tableSchema"]["columns"]}["date"] == "date"


def test_browse_rows_carry_the_counted_tally(client: TestClient) -> None:
    rows = client.get("/api/browse/rollcalls", params={"session": "ES-11", "sort": "date", "limit": 1}).json()["data"]
    es = rows[0]
    assert es["resolution"] == "A/RES/ES-11/1"
    assert (es["n_yes"], es["n_no"], es["n_abstain"], es["n_absent"]) == (141, 5, 35, 12)
    top = client.get("/api/browse/rollcalls", params={"from": 2022, "to": 2022, "sort": "-n_no", "limit": 3}).json()
    n_no = [r["n_no"] for r in top["data"]]
    assert n_no == sorted(n_no, reverse=True)


def test_no_internal_tokens_in_forecast_templates(client: TestClient) -> None:
    title = "Situation of human rights in the Islamic Republic of Iran"
    body = client.get("/api/forecast", params={"title": title}).json()
    texts = [t["text"] for t in body["templates"]]
    assert texts and all("zzissue" not in t for t in texts)
    assert any("human rights" in t.lower() for t in texts)  # the text people read is still there
