"""Forecast routes: the app's cached forecaster, a draft in, every member's forecast out; never refitted."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from polycentric.api import create_app
from polycentric.api.backend import Backend
from polycentric.api.routes.forecast import cache_path
from polycentric.models.forecast import VoteForecaster

CUBA = "Necessity of ending the economic, commercial and financial embargo imposed by the United States against Cuba"


@pytest.fixture(scope="module")
def model(served_record: Any, models_home: Path) -> Any:
    return VoteForecaster.load(cache_path(Backend(models_home, served_record), VoteForecaster()))


def test_forecast_equals_the_cached_forecaster(client: TestClient, model: Any) -> None:
    r = client.get("/api/forecast", params={"title": CUBA, "known": "USA:N,Israel=N"})
    assert r.status_code == 200, r.text
    body = r.json()
    expected = model.forecast(CUBA, known={"USA": "N", "ISR": "N"})
    assert body["summary"]["p_adopt"] == pytest.approx(expected.p_adopt)
    frame = expected.to_frame()
    shown = {x["state"]: x for x in body["states"]}
    assert len(shown) == frame.height == body["summary"]["n_members"]
    for row in frame.iter_rows(named=True):
        assert shown[row["state"]]["p_yes"] == pytest.approx(row["p_yes"])
        assert shown[row["state"]]["predicted"] == row["predicted"]
    assert shown["USA"]["known"] and shown["USA"]["predicted"] == "N" and shown["USA"]["p_no"] == pytest.approx(1)
    tally = {x["vote"]: x for x in body["tally"]}
    assert tally["Y"]["lower"] <= tally["Y"]["expected"] <= tally["Y"]["upper"]
    assert sum(x["expected"] for x in body["tally"]) == pytest.approx(frame.height)
    assert body["templates"][0]["resolution"].startswith("A/RES/")  # the past votes the forecast mixes


def test_post_and_csv(client: TestClient, model: Any) -> None:
    draft = {"title": CUBA, "known": {"USA": "N"}, "majority": "two-thirds", "sponsors": ["CUB"]}
    r = client.post("/api/forecast", json=draft)
    assert r.status_code == 200, r.text
    expected = model.forecast(CUBA, known={"USA": "N"}, majority="two-thirds", sponsors=["CUB"])
    assert r.json()["summary"]["majority"] == "two-thirds"
    assert r.json()["summary"]["p_adopt"] == pytest.approx(expected.p_adopt)
    assert "etag" not in r.headers  # a POST is never cached
    text = client.get("/api/forecast", params={"title": CUBA, "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == expected.to_frame().height and {"state", "p_yes", "predicted"} <= set(rows[0])


def test_forecast_input_errors(client: TestClient) -> None:
    r = client.get("/api/forecast", params={"known": "USA:N"})
    assert r.status_code == 422 and "title" in r.json()["error"]["message"]
    assert client.get("/api/forecast", params={"title": "x", "known": "ZZZ:N"}).status_code == 404
    assert client.get("/api/forecast", params={"title": "x", "known": "USA:Q"}).status_code == 422
    assert client.post("/api/forecast", json={"title": "x", "known": {"USA": "maybe"}}).status_code == 422
    r = client.get("/api/forecast", params={"title": "x", "like": "A/RES/1/99999"})
    assert r.status_code == 422 and "A/RES/1/99999" in r.json()["error"]["message"]


def test_forecaster_loaded_once_never_refitted(
    served_record: Any, models_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the API must not fit a forecaster when one is cached")

    monkeypatch.setattr(VoteForecaster, "fit", forbidden)
    loads = []
    real_load = VoteForecaster.load

    def counting_load(path: Any) -> Any:
        loads.append(path)
        return real_load(path)

    monkeypatch.setattr(VoteForecaster, "load", staticmethod(counting_load))
    with TestClient(create_app(models_home, record=served_record)) as c:
        for title in ("Cuba embargo", "Nuclear disarmament", "Assistance to Palestine refugees"):
            assert c.get("/api/forecast", params={"title": title}).status_code == 200
    assert len(loads) == 1  # loaded once per app, shared by the requests
