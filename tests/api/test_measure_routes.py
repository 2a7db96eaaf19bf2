"""Measure routes return exactly what the library functions return on the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from polycentric.measures import alignment, cohesion


def test_cohesion_route_equals_library(client: TestClient, served_record: Any) -> None:
    r = client.get("/api/cohesion", params={"groups": "NAM,EU", "start": 2012, "end": 2014, "limit": 1000})
    assert r.status_code == 200
    rows = r.json()["data"]
    votes = served_record.votes(start=dt.date(2012, 1, 1), end=dt.date(2014, 12, 31))
    expected = cohesion(votes, ["NAM", "EU"], years=(2012, 2014), index="rice")
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


def test_measure_routes_reject_bad_input(client: TestClient) -> None:
    assert client.get("/api/cohesion", params={"groups": "NOPE"}).status_code == 404
    assert client.get("/api/cohesion", params={"groups": "NAM", "start": 2020, "end": 2010}).status_code == 422
    assert client.get("/api/alignment", params={"states": "IND", "index": "bogus"}).status_code == 422
