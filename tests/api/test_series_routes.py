"""Series routes: the known series, a series' history and switchers, as the library computes them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from polycentric.measures import KNOWN_SERIES, series_history, series_switchers


def test_known_series_listed(client: TestClient) -> None:
    rows = client.get("/api/series").json()["data"]
    assert [x["slug"] for x in rows] == list(KNOWN_SERIES)
    assert next(x for x in rows if x["slug"] == "cuba-embargo")["label"].startswith("Necessity of ending")


def test_cuba_embargo_history_and_switchers(client: TestClient, served_record: Any) -> None:
    rc, votes = served_record.roll_calls(), served_record.votes()
    rows = client.get("/api/series/history", params={"q": "cuba-embargo", "limit": 1000}).json()["data"]
    expected = series_history(rc, votes, "cuba-embargo")
    assert [x["resolution"] for x in rows] == expected["resolution"].to_list()
    assert [(x["yes"], x["no"], x["abstain"]) for x in rows] == list(
        zip(expected["yes"], expected["no"], expected["abstain"], strict=True)
    )
    tallies = {x["resolution"]: (x["yes"], x["no"], x["abstain"]) for x in rows}
    assert tallies["A/RES/71/5"] == (190, 0, 2)  # 2016: the United States and Israel abstained
    assert tallies["A/RES/77/7"] == (185, 2, 2)
    assert rows[0]["resolution"] == "A/RES/47/19"  # the first, 1992
    switchers = client.get("/api/series/switchers", params={"q": "cuba-embargo", "limit": 10000}).json()
    expected_s = series_switchers(rc, votes, "cuba-embargo")
    assert switchers["total"] == expected_s.height > 0
    assert all(x["vote_from"] != x["vote_to"] for x in switchers["data"])
    one = client.get("/api/series/history", params={"q": "cuba-embargo", "family": 1, "limit": 1000}).json()
    assert {x["family"] for x in one["data"]} == {1}


def test_series_free_text_and_no_match(client: TestClient) -> None:
    r = client.get("/api/series/history", params={"q": "territorial integrity of Ukraine"})
    assert r.status_code == 200 and any(x["resolution"] == "A/RES/68/262" for x in r.json()["data"])
    r = client.get("/api/series/history", params={"q": "zzzz qqqq wwww"})
    assert r.status_code == 404 and "cuba-embargo" in r.json()["error"]["message"]


def test_search_finds_series(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "coercive"}).json()["data"]
    assert any(h["kind"] == "series" and h["id"] == "unilateral-coercive-measures" for h in hits)
