"""The record routes: real tallies, CSV, pagination, errors, caching headers."""

from __future__ import annotations

import csv
import io
from collections import Counter

from fastapi.testclient import TestClient


def _es11_1(client: TestClient) -> int:
    r = client.get("/api/rollcalls", params={"resolution": "A/RES/ES-11/1", "kind": "resolution"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 1
    return int(body["data"][0]["rollcall_id"])


def test_es11_1_votes_tally(client: TestClient) -> None:
    rid = _es11_1(client)
    r = client.get(f"/api/rollcalls/{rid}/votes", params={"limit": 500})
    assert r.status_code == 200
    rows = r.json()["data"]
    tally = Counter(row["vote"] for row in rows)
    assert (tally["Y"], tally["N"], tally["A"]) == (141, 5, 35)
    assert sorted(row["state"] for row in rows if row["vote"] == "N") == ["BLR", "ERI", "PRK", "RUS", "SYR"]


def test_symbol_aliases_give_same_votes(client: TestClient) -> None:
    a = client.get("/api/votes", params={"resolution": "A/RES/68/262", "limit": 500}).json()
    b = client.get("/api/votes", params={"resolution": "R/68/262", "limit": 500}).json()
    assert a["total"] == b["total"] > 0
    tally = Counter(row["vote"] for row in a["data"])
    assert (tally["Y"], tally["N"], tally["A"]) == (100, 11, 58)


def test_csv_by_query_and_accept_header(client: TestClient) -> None:
    rid = _es11_1(client)
    by_query = client.get(f"/api/rollcalls/{rid}/votes", params={"format": "csv", "limit": 500})
    by_header = client.get(f"/api/rollcalls/{rid}/votes", params={"limit": 500}, headers={"Accept": "text/csv"})
    for r in (by_query, by_header):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert len(rows) == int(r.headers["x-total-count"])
        assert Counter(row["vote"] for row in rows)["Y"] == 141
        assert {"state", "state_name", "vote", "resolution", "date", "session"} <= set(rows[0])
    assert by_query.text == by_header.text


def test_pagination_partitions_the_table(client: TestClient) -> None:
    params = {"year": 2014, "limit": 7}
    first = client.get("/api/rollcalls", params=params).json()
    total = first["total"]
    assert total > 7 and first["count"] == 7
    ids: list[int] = []
    for offset in range(0, total, 7):
        page = client.get("/api/rollcalls", params={**params, "offset": offset}).json()
        assert page["total"] == total and page["offset"] == offset
        ids += [row["rollcall_id"] for row in page["data"]]
    whole = client.get("/api/rollcalls", params={"year": 2014, "limit": 10000}).json()
    assert ids == [row["rollcall_id"] for row in whole["data"]]
    assert len(set(ids)) == total


def test_state_routes_and_unknown_state_404(client: TestClient) -> None:
    r = client.get("/api/states/rus")
    assert r.status_code == 200 and r.json()["data"][0]["state"] == "RUS"
    r = client.get("/api/states/ZZZ")
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["type"] == "UnknownStateError" and "ZZZ" in err["message"]
    r = client.get("/api/states/ZZZ/votes")
    assert r.status_code == 404


def test_state_votes_filtered_by_year(client: TestClient) -> None:
    r = client.get("/api/states/RUS/votes", params={"year": 2014, "limit": 10000}).json()
    assert r["total"] > 0
    assert {row["year"] for row in r["data"]} == {2014}
    assert {row["state"] for row in r["data"]} == {"RUS"}
    assert any(row["resolution"] == "A/RES/68/262" and row["vote"] == "N" for row in r["data"])


def test_bad_input_is_422_json(client: TestClient) -> None:
    for params in ({"year": "abc"}, {"limit": 0}, {"limit": 10**6}, {"session": "ES-"}, {"issue": "xx"}):
        r = client.get("/api/rollcalls", params=params)
        assert r.status_code == 422, params
        body = r.json()["error"]
        assert body["type"] == "ValidationError" and body["message"]
        assert r.headers["cache-control"] == "no-store"


def test_unknown_roll_call_and_route_404(client: TestClient) -> None:
    assert client.get("/api/rollcalls/999999999").status_code == 404
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"]["type"] == "HTTPError"


def test_etag_and_conditional_get(client: TestClient) -> None:
    r = client.get("/api/states", params={"limit": 5})
    etag = r.headers["etag"]
    assert "max-age" in r.headers["cache-control"]
    again = client.get("/api/states", params={"limit": 5}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/states", params={"limit": 6})
    assert other.headers["etag"] != etag
    csv_etag = client.get("/api/states", params={"limit": 5}, headers={"Accept": "text/csv"}).headers["etag"]
    assert csv_etag != etag


def test_map_ids_are_world_atlas_ids(client: TestClient) -> None:
    rows = {r["state"]: r for r in client.get("/api/states/map-ids").json()["data"]}
    assert rows["AFG"]["world_atlas_id"] == "004" and rows["AFG"]["m49"] == 4
    assert rows["RUS"]["world_atlas_id"] == "643"
    assert rows["USA"]["world_atlas_id"] == "840"


def test_openapi_schema_lists_routes(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/rollcalls", "/api/votes", "/api/states/{state}", "/api/rollcalls/{rollcall_id}/votes"):
        assert path in schema["paths"]


def test_state_codes_and_names_resolve(client: TestClient) -> None:
    for alias in ("SUN", "Russia", "643"):
        r = client.get(f"/api/states/{alias}")
        assert r.status_code == 200, alias
        assert r.json()["data"][0]["state"] == "RUS"


def test_search_ranks_exact_hits_first(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "R/68/262"}).json()["data"]
    assert hits[0]["kind"] == "rollcall" and "A/RES/68/262" in hits[0]["label"]
    hits = client.get("/api/search", params={"q": "india"}).json()["data"]
    assert hits[0] == {"kind": "state", "id": "IND", "label": "India (IND)", "detail": "state, UN member", "rank": 0}
    csv_text = client.get("/api/search", params={"q": "ukraine", "format": "csv"}).text
    assert csv_text.splitlines()[0] == "kind,id,label,detail,rank"


def test_unknown_symbol_is_404_with_reason_not_an_empty_list(client: TestClient) -> None:
    # as the CLI: a symbol or UN DL id naming no roll call says why and suggests roll calls by title
    for route in ("/api/votes", "/api/rollcalls"):
        r = client.get(route, params={"resolution": "A/RES/3/999999"})
        assert r.status_code == 404, r.text
        err = r.json()["error"]
        assert err["type"] == "UnknownResolutionError"
        assert err["message"].startswith("no roll call has the symbol A/RES/3/999999")
        assert "Voeten's own identifiers, not UN symbols" in err["message"] and "A/RES/3/" in err["message"][60:]
        r = client.get(route, params={"undl_id": 999999999})
        assert r.status_code == 404 and "UN Digital Library record id 999999999" in r.json()["error"]["message"]
    # a known symbol that the other filters exclude is an empty page, not an error
    r = client.get("/api/votes", params={"resolution": "A/RES/ES-11/1", "year": 1990})
    assert r.status_code == 200 and r.json()["total"] == 0
    assert client.get("/api/votes", params={"resolution": "A/RES/ES-11/1", "limit": 1}).json()["total"] == 193


def test_coverage_route_and_meta(client: TestClient) -> None:
    r = client.get("/api/coverage", params={"limit": 500})
    assert r.status_code == 200, r.text
    assert r.headers["X-Coverage"].startswith("General Assembly votes through 2025-12-18; Security Council")
    rows = {(row["body"], row["session"]): row for row in r.json()["data"]}
    s80 = rows[("GA", "80")]
    assert (s80["first_date"], s80["last_date"], s80["rollcalls"]) == ("2025-09-12", "2025-12-18", 159)
    assert s80["official_rollcalls"] == 159 and s80["complete"] == "yes" and s80["partial"] is True
    assert rows[("GA", "ES-11")]["rollcalls"] == 9
    meta = client.get("/api/meta").json()
    assert meta["coverage"] == r.headers["X-Coverage"]


def test_record_without_symbol_by_undl_id(client: TestClient) -> None:
    r = client.get("/api/rollcalls", params={"undl_id": 4067944})
    assert r.status_code == 200, r.text
    (row,) = r.json()["data"]
    assert row["resolution"] is None and row["session"] == "79" and row["title"].startswith("Measures to uphold")
    votes = client.get(f"/api/rollcalls/{row['rollcall_id']}/votes", params={"limit": 500}).json()["data"]
    tally = Counter(v["vote"] for v in votes)
    assert (tally["Y"], tally["N"], tally["A"], tally["X"]) == (181, 0, 2, 10)
