"""Measures by year carry the record's ``partial`` flag in the API too."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_cohesion_route_flags_partial_years(client: TestClient) -> None:
    r = client.get("/api/cohesion", params={"groups": "NAM,EU", "start": 2017, "end": 2025})
    assert r.status_code == 200, r.text
    rows = r.json()["data"]
    flags = {(row["group"], row["year"]): row["partial"] for row in rows}
    assert {y for (g, y), p in flags.items() if p and g == "EU"} == {2018, 2019}  # session 73: 95 of 110
    assert not any(flags[(g, y)] for g in ("NAM", "EU") for y in (2023, 2024, 2025))
    a = client.get("/api/agreement", params={"a": "USA", "b": "ISR", "start": 2024, "end": 2025}).json()["data"]
    assert [(row["year"], row["partial"], row["n_rollcalls"]) for row in a] == [(2024, False, 95), (2025, False, 192)]
