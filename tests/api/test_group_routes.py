"""Group routes: members on a date from the registry, 404 for unknown groups, search."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from polycentric.registry.groups import get_group


def test_nam_members_on_es11_date(client: TestClient) -> None:
    r = client.get("/api/groups/NAM/members", params={"date": "2022-03-02", "limit": 500})
    assert r.status_code == 200
    rows = r.json()["data"]
    expected = get_group("NAM").members(dt.date(2022, 3, 2), ["member", "observer"])
    assert len(rows) == expected.height
    members = {row["state"] for row in rows if row["status"] == "member"}
    assert members == set(get_group("NAM").states(dt.date(2022, 3, 2)))
    assert 100 < len(members) < 130 and "IND" in members and "USA" not in members


def test_group_alias_and_unknown(client: TestClient) -> None:
    r = client.get("/api/groups/European Union")
    assert r.status_code == 200 and r.json()["data"][0]["id"] == "EU"
    r = client.get("/api/groups/NOSUCHGROUP")
    assert r.status_code == 404 and r.json()["error"]["type"] == "UnknownGroupError"


def test_groups_list_and_history(client: TestClient) -> None:
    ids = {row["id"] for row in client.get("/api/groups", params={"limit": 1000}).json()["data"]}
    assert {"NAM", "G77", "EU", "BRICS"} <= ids
    hist = client.get("/api/groups/BRICS/history", params={"limit": 1000}).json()["data"]
    joined = {row["state"]: row["joined"] for row in hist if row["status"] == "member"}
    assert joined["ZAF"].startswith("2010") or joined["ZAF"].startswith("2011")


def test_search_finds_groups(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "non-aligned"}).json()["data"]
    assert hits[0]["kind"] == "group" and hits[0]["id"] == "NAM"


def test_state_groups_equal_registry(client: TestClient) -> None:
    from polycentric.registry.groups import group_ids

    rows = client.get("/api/states/India/groups").json()["data"]
    expected = {(gid, s["status"], s["joined"]) for gid in group_ids() for s in get_group(gid).history().filter(
        get_group(gid).history()["state"] == "IND").iter_rows(named=True)}  # fmt: skip
    assert {(r["group"], r["status"], dt.date.fromisoformat(r["joined"])) for r in rows} == expected
    current = {r["group"] for r in rows if r["left"] is None and r["status"] == "member"}
    assert {"NAM", "G77", "BRICS", "SCO"} <= current and "EU" not in current
    assert client.get("/api/states/ZZZ/groups").status_code == 404
