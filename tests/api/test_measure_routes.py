"""Measure routes return exactly what the library functions return on the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from polycentric.measures import agreement, agreement_matrix, alignment, cohesion, shifts, voice


def test_cohesion_route_equals_library(client: TestClient, served_record: Any) -> None:
    r = client.get("/api/cohesion", params={"groups": "NAM,EU", "start": 2012, "end": 2014, "limit": 1000})
    assert r.status_code == 200
    rows = r.json()["data"]
    votes = served_record.votes(start=dt.date(2012, 1, 1), end=dt.date(2014, 12, 31))
    expected = cohesion(votes, ["NAM", "EU"], years=(2012, 2014), index="agreement")  # the default index
    assert len(rows) == expected.height == 6
    for row, exp in zip(rows, expected.iter_rows(named=True), strict=True):
        assert (row["group"], row["year"], row["n_rollcalls"]) == (exp["group"], exp["year"], exp["n_rollcalls"])
        assert row["value"] == pytest.approx(exp["value"])


def test_alignment_route_equals_library(client: TestClient, served_record: Any) -> None:
    r = client.get("/api/alignment", params={"states": "IND", "references": "USA,RUS", "start": 2014, "end": 2015})
    rows = r.json()["data"]
    votes = served_record.votes(start=dt.date(2014, 1, 1), end=dt.date(2015, 12, 31))
    expected = alignment(votes, ["USA", "RUS"], years=(2014, 2015), states=["IND"])
    assert {(x["reference"], x["year"]): x["value"] for x in rows} == pytest.approx(
        {(x["reference"], x["year"]): x["value"] for x in expected.iter_rows(named=True)}
    )


def test_alignment_route_reads_the_pair_counts_and_equals_the_votes(client: TestClient, served_record: Any) -> None:
    """The route answers from the stored pair counts (group majorities included): the same rows and values as the
    library over the votes, for the state page's default references over the whole record."""
    from polycentric.measures.alignment import DEFAULT_REFERENCES

    backend = client.app.state.backend  # type: ignore[attr-defined]
    counts = backend.pair_counts()
    assert counts is not None and counts.source == served_record.version and {"EU", "NAM"} <= set(counts.groups)
    r = client.get("/api/alignment", params={"states": "BRA", "index": "lijphart", "limit": 1000})
    assert r.status_code == 200
    rows = r.json()["data"]
    expected = alignment(served_record.votes(body="GA"), list(DEFAULT_REFERENCES), index="lijphart", states=["BRA"])
    assert len(rows) == expected.height > 7 * 60
    got = {(x["reference"], x["year"]): (x["value"], x["n_shared"]) for x in rows}
    assert got == {(x["reference"], x["year"]): (x["value"], x["n_shared"]) for x in expected.iter_rows(named=True)}


def test_measure_routes_reject_bad_input(client: TestClient) -> None:
    assert client.get("/api/cohesion", params={"groups": "NOPE"}).status_code == 404
    assert client.get("/api/cohesion", params={"groups": "NAM", "start": 2020, "end": 2010}).status_code == 422
    assert client.get("/api/alignment", params={"states": "IND", "index": "bogus"}).status_code == 422


def test_agreement_pair_route_equals_library(client: TestClient, served_record: Any) -> None:
    r = client.get("/api/agreement", params={"a": "USA", "b": "Russia", "start": 2010, "end": 2012, "index": "s"})
    assert r.status_code == 200, r.text
    rows = r.json()["data"]
    votes = served_record.votes(start=dt.date(2010, 1, 1), end=dt.date(2012, 12, 31))
    expected = agreement(votes, "USA", "RUS", "s", years=(2010, 2012))
    assert [(x["year"], x["n_shared"]) for x in rows] == list(zip(expected["year"], expected["n_shared"], strict=True))
    assert [x["value"] for x in rows] == pytest.approx(expected["value"].to_list())
    pooled = client.get("/api/agreement", params={"a": "USA", "b": "RUS", "start": 2010, "end": 2012, "by": "pooled"})
    (row,) = pooled.json()["data"]
    assert row["n_shared"] == sum(x["n_shared"] for x in rows)


def test_agreement_matrix_route_is_symmetric_and_equals_library(client: TestClient, served_record: Any) -> None:
    p5 = ["USA", "RUS", "CHN", "GBR", "FRA"]
    r = client.get("/api/agreement/matrix", params={"states": ",".join(p5), "start": 2014, "end": 2023})
    rows = r.json()["data"]
    assert len(rows) == 15  # 10 pairs and 5 diagonal cells
    votes = served_record.votes(start=dt.date(2014, 1, 1), end=dt.date(2023, 12, 31))
    m = agreement_matrix(votes, states=p5)
    for row in rows:
        i, j = p5.index(row["state_a"]), p5.index(row["state_b"])
        assert row["value"] == pytest.approx(m.matrix[i, j]) and row["n_shared"] == m.n_shared[i, j]
        if i == j:
            assert row["value"] == 1.0
    cell = {(x["state_a"], x["state_b"]): x["value"] for x in rows}
    assert cell[("GBR", "FRA")] > cell[("USA", "GBR")] > cell[("USA", "CHN")]


def test_agreement_matrix_of_a_group(client: TestClient) -> None:
    from polycentric.registry.groups import get_group

    r = client.get("/api/agreement/matrix", params={"states": "group:BRICS", "start": 2020, "end": 2022})
    states = {x["state_a"] for x in r.json()["data"]}
    assert states == set(get_group("BRICS").states(dt.date(2022, 12, 31))) == {"BRA", "RUS", "IND", "CHN", "ZAF"}
    assert client.get("/api/agreement/matrix", params={"states": "USA"}).status_code == 422


def test_voice_route_equals_library(client: TestClient, served_record: Any) -> None:
    r = client.get("/api/voice", params={"groups": "NAM,EU", "start": 2019, "end": 2020, "rule": "two_thirds"})
    rows = r.json()["data"]
    votes = served_record.votes(start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31))
    expected = voice(votes, ["NAM", "EU"], years=(2019, 2020), rule="two_thirds")
    assert len(rows) == expected.height == 4
    for row, exp in zip(rows, expected.iter_rows(named=True), strict=True):
        assert (row["group"], row["year"], row["n_decisive"]) == (exp["group"], exp["year"], exp["n_decisive"])
        assert row["match_rate"] == pytest.approx(exp["match_rate"])


def test_shift_routes_equal_library(client: TestClient, served_record: Any) -> None:
    params = {"from": "2014", "to": "2022", "reference": "USA", "limit": 10000}
    rows = client.get("/api/shifts", params=params).json()["data"]
    expected = shifts(served_record.votes(), "2014", "2022", reference="USA")
    assert [x["state"] for x in rows] == expected["state"].to_list()
    assert [x["change"] for x in rows] == pytest.approx(expected["change"].to_list())
    drivers = client.get("/api/shifts/India/drivers", params={**params, "limit": 10000}).json()["data"]
    ind = next(x for x in rows if x["state"] == "IND")
    assert sum(d["contribution"] for d in drivers) == pytest.approx(ind["change"])  # the drivers sum to the change
    # a period of resolution symbols: ES-11/1 against 68/262 (group majority as reference)
    sym = client.get("/api/shifts", params={"from": "A/RES/68/262", "to": "A/RES/ES-11/1", "reference": "group:EU"})
    assert sym.status_code == 200 and sym.json()["total"] > 0


def test_rollcall_groups_route_counts_members_votes(client: TestClient, served_record: Any) -> None:
    from polycentric.registry.groups import get_group

    rid = served_record.roll_calls(resolution="A/RES/ES-11/1", kind="resolution")["rollcall_id"][0]
    r = client.get(f"/api/rollcalls/{rid}/groups")
    rows = {x["group"]: x for x in r.json()["data"]}
    assert {"NAM", "G77", "EU", "AU"} <= set(rows)
    votes = served_record.votes(resolution="A/RES/ES-11/1")
    by_state = dict(zip(votes["state"], votes["vote"], strict=True))
    for gid in ("EU", "NAM", "AU"):
        members = [s for s in get_group(gid).states(dt.date(2022, 3, 2)) if s in by_state]
        counts = {v: sum(by_state[s] == v for s in members) for v in "YNAX"}
        row = rows[gid]
        assert (row["n_yes"], row["n_no"], row["n_abstain"], row["n_absent"]) == (
            counts["Y"], counts["N"], counts["A"], counts["X"]
        ), gid  # fmt: skip
    assert rows["EU"]["n_yes"] == 27 and rows["EU"]["rice"] == 1.0
    assert client.get("/api/rollcalls/999999999/groups").status_code == 404
    assert client.get(f"/api/rollcalls/{rid}/groups", params={"groups": "NOPE"}).status_code == 404


# --- body: GA (default), SC or all, as the CLI's --body ---------------------------------------


@pytest.fixture(scope="module")
def sc_client(shared_data: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An app over the SC votes of 2023-2025 (adopted resolutions, 15 members each) and the GA key-vote sample."""
    from polycentric.api import create_app
    from polycentric.record.store import ingest, open_record

    home = tmp_path_factory.mktemp("sc_api_home")
    ingest(
        [
            shared_data / "unga_unsc_votes_2023_2025_combined" / "sc_votes_long.csv.gz",
            shared_data / "unga_undl_keyvotes_sample",
        ],
        home=home,
    )
    rec = open_record(home)
    with TestClient(create_app(home, record=rec), raise_server_exceptions=False) as c:
        yield c, rec


def _body_votes(rec: Any, body: str) -> Any:
    return rec.votes(body=None if body == "all" else body)


@pytest.mark.parametrize("body", ["SC", "all", "GA"])
def test_agreement_route_body(sc_client: Any, body: str) -> None:
    client, rec = sc_client
    params = {"a": "USA", "b": "RUS", "start": 2023, "end": 2023}
    r = client.get("/api/agreement", params={**params, **({} if body == "GA" else {"body": body})})
    assert r.status_code == 200, r.text
    [row] = r.json()["data"]
    exp = agreement(_body_votes(rec, body), "USA", "RUS", "simple", years=(2023, 2023)).row(0, named=True)
    assert (row["n_shared"], row["value"]) == (exp["n_shared"], pytest.approx(exp["value"]))
    # the 50 adopted SC resolutions of 2023 (PROVENANCE), both members voting on each
    sc_2023 = 50
    ga_2023 = agreement(rec.votes(body="GA"), "USA", "RUS", "simple", years=(2023, 2023))["n_shared"][0]
    assert row["n_shared"] == {"SC": sc_2023, "all": sc_2023 + ga_2023, "GA": ga_2023}[body]
    # the partial flag is the General Assembly's (official counts exist for it only), as in the CLI
    assert ("partial" in row) == (body == "GA")


def test_other_measure_routes_take_body(sc_client: Any) -> None:
    client, rec = sc_client
    sc = rec.votes(body="SC")
    r = client.get("/api/cohesion", params={"groups": "EU", "start": 2023, "end": 2025, "body": "SC"})
    assert r.status_code == 200, r.text
    exp = cohesion(sc, ["EU"], years=(2023, 2025), index="agreement")
    assert [(x["year"], x["n_rollcalls"]) for x in r.json()["data"]] == list(exp.select("year", "n_rollcalls").rows())
    assert [x["value"] for x in r.json()["data"]] == pytest.approx(exp["value"].to_list())

    r = client.get("/api/alignment", params={"states": "CHN", "references": "USA", "start": 2024, "end": 2024,
                                             "body": "SC"})  # fmt: skip
    [row] = r.json()["data"]
    exp_a = alignment(sc, ["USA"], years=(2024, 2024), states=["CHN"]).row(0, named=True)
    assert (row["n_shared"], row["value"]) == (exp_a["n_shared"], pytest.approx(exp_a["value"]))
    assert row["n_shared"] == 45  # the 45 adopted resolutions of 2024

    r = client.get("/api/voice", params={"groups": "EU", "start": 2025, "end": 2025, "body": "SC"})
    exp_v = voice(sc, ["EU"], years=(2025, 2025)).row(0, named=True)
    assert r.json()["data"][0]["n_rollcalls"] == exp_v["n_rollcalls"] == 44

    r = client.get("/api/agreement/matrix", params={"states": "USA,RUS,CHN", "start": 2023, "end": 2025, "body": "SC"})
    cells = {(x["state_a"], x["state_b"]): x["n_shared"] for x in r.json()["data"]}
    assert (
        cells[("USA", "RUS")]
        == agreement_matrix(sc, "simple", states=["USA", "RUS", "CHN"])
        .to_frame("simple", include_self=True)
        .filter(state_a="USA", state_b="RUS")["n_shared"][0]
        == 139
    )

    r = client.get("/api/shifts", params={"from": "2023", "to": "2025", "reference": "USA", "body": "SC"})
    assert r.status_code == 200, r.text
    exp_s = shifts(sc, "2023", "2025", reference="USA")
    assert {x["state"]: x["change"] for x in r.json()["data"]} == pytest.approx(
        dict(exp_s.select("state", "change").rows())
    )
    r = client.get("/api/shifts/RUS/drivers", params={"from": "2023", "to": "2025", "body": "SC"})
    assert r.status_code == 200, r.text
    assert {x["year"] for x in r.json()["data"]} == {2025}
    assert sum(x["contribution"] for x in r.json()["data"]) == pytest.approx(
        exp_s.filter(state="RUS")["change"][0], abs=1e-9
    )
    assert client.get("/api/cohesion", params={"groups": "EU", "body": "XX"}).status_code == 422
