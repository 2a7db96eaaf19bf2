"""Ideal-point and polarity routes: they serve the fit saved in the home, never fit one themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

from _webfixtures import FIT_SINCE
from polycentric.api import create_app
from polycentric.models.idealpoints import IdealPointModel
from polycentric.models.polarity import polarity
from polycentric.models.saved import idealpoints_folder as fit_folder


@pytest.fixture(scope="module")
def saved(models_home: Path) -> pl.DataFrame:
    ideal_points, _, _ = IdealPointModel.load_results(fit_folder(models_home))
    return ideal_points


def test_ideal_points_route_serves_the_saved_fit(client: TestClient, saved: pl.DataFrame) -> None:
    session = int(saved["session"].max())  # type: ignore[arg-type]
    r = client.get("/api/idealpoints", params={"states": "USA,Russia,CHN", "session": session})
    assert r.status_code == 200, r.text
    rows = r.json()["data"]
    expected = saved.filter(pl.col("state").is_in(["USA", "RUS", "CHN"]) & (pl.col("session") == session))
    assert {x["state"]: x["ideal_point"] for x in rows} == pytest.approx(
        dict(zip(expected["state"], expected["ideal_point"], strict=True))
    )
    for x in rows:
        assert x["lower"] <= x["ideal_point"] <= x["upper"]
    # the fit's reference state (USA) is on the positive side, Russia and China far from it
    by = {x["state"]: x["ideal_point"] for x in rows}
    assert by["USA"] > by["RUS"] and by["USA"] > by["CHN"]


def test_state_trajectory(client: TestClient, saved: pl.DataFrame) -> None:
    rows = client.get("/api/states/IND/idealpoints").json()["data"]
    expected = saved.filter(pl.col("state") == "IND").sort("session")
    assert [x["session"] for x in rows] == expected["session"].to_list()
    assert [x["upper"] for x in rows] == pytest.approx(expected["upper"].to_list())
    assert client.get("/api/states/ZZZ/idealpoints").status_code == 404


def test_state_changes_with_their_uncertainty(client: TestClient, saved: pl.DataFrame) -> None:
    from polycentric.models._change import state_change

    usa = saved.filter(pl.col("state") == "USA").sort("session")
    a, b = int(usa["session"][0]), int(usa["session"][-1])
    r = client.get("/api/states/USA/idealpoints/changes", params={"from": a, "to": b})
    assert r.status_code == 200, r.text
    row = r.json()["data"][0]
    meta = client.get("/api/idealpoints/fit").json()
    expected = state_change(saved, "USA", a, b, random_walk_sd=meta["random_walk_sd_"])
    assert row["change"] == pytest.approx(expected["change"])
    assert row["lower"] == pytest.approx(expected["lower"])
    assert row["exceeds_uncertainty"] == expected["exceeds_uncertainty"]
    moves = client.get("/api/states/USA/idealpoints/changes").json()["data"]
    assert len(moves) == usa.height - 1
    assert [m["to_session"] for m in moves] == usa["session"].to_list()[1:]
    assert all(m["exceeds_uncertainty"] == (m["lower"] > 0 or m["upper"] < 0) for m in moves)


def test_fit_description(client: TestClient, saved: pl.DataFrame) -> None:
    meta = client.get("/api/idealpoints/fit").json()
    assert meta["params"]["dims"] == 1 and meta["converged_"] is True
    assert meta["n_state_sessions"] == saved.height and meta["years"][0] == FIT_SINCE.year


def test_no_fit_is_a_clear_503(served_record: Any, tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path, record=served_record), raise_server_exceptions=False) as c:
        for url in ("/api/idealpoints", "/api/states/USA/idealpoints", "/api/polarity", "/api/polarity/poles"):
            r = c.get(url)
            assert r.status_code == 503, url
            err = r.json()["error"]
            assert err["type"] == "NotFittedError" and "idealpoints fit" in err["message"]
            assert r.headers["cache-control"] == "no-store"
        assert "--dims 2" in c.get("/api/idealpoints", params={"dims": 2}).json()["error"]["message"]


def test_polarity_routes_equal_library(client: TestClient, saved: pl.DataFrame) -> None:
    expected = polarity(saved, None, methods=("ideal_points",))
    rows = client.get("/api/polarity", params={"limit": 1000}).json()["data"]
    assert [x["session"] for x in rows] == expected.series["session"].to_list()
    assert [x["polarization"] for x in rows] == pytest.approx(expected.series["polarization"].to_list())
    assert [x["effective_poles"] for x in rows] == pytest.approx(expected.series["effective_poles"].to_list())
    session = int(saved["session"].max())  # type: ignore[arg-type]
    poles = client.get("/api/polarity/poles", params={"session": session}).json()["data"]
    exp_poles = expected.poles.filter(pl.col("session") == session)
    assert [x["size"] for x in poles] == exp_poles["size"].to_list()
    members = client.get("/api/polarity/members", params={"session": session, "limit": 1000}).json()["data"]
    # every state with an ideal point that session is in exactly one pole
    states = saved.filter(pl.col("session") == session)["state"].to_list()
    assert sorted(x["state"] for x in members) == sorted(states)
    for pole in poles:
        assert sorted(pole["members"].split(",")) == sorted(x["state"] for x in members if x["pole"] == pole["pole"])


def test_routes_never_fit_and_polarity_is_kept_on_disk(
    served_record: Any, models_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(models_home, record=served_record)) as c:
        first = c.get("/api/polarity", params={"limit": 1000}).json()
    assert list((models_home / "cache" / "api").glob("polarity-*-series.parquet"))

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the API must not fit or recompute per request")

    monkeypatch.setattr(IdealPointModel, "fit", forbidden)
    monkeypatch.setattr("polycentric.models.polarity.polarity", forbidden)
    with TestClient(create_app(models_home, record=served_record)) as c:  # a restarted server
        again = c.get("/api/polarity", params={"limit": 1000}).json()
        assert c.get("/api/idealpoints", params={"limit": 5}).status_code == 200
    assert again == first


def test_fit_folder_is_the_cli_s(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from polycentric.cli.idealpoints import _fit_folder

    monkeypatch.setenv("POLYCENTRIC_HOME", str(tmp_path))
    assert fit_folder(None) == _fit_folder(1, None)
    assert fit_folder(None, 2, "hr") == _fit_folder(2, "hr")


def test_the_api_flags_the_same_sessions(client: Any) -> None:
    body = client.get("/api/polarity", params={"method": "both", "start": 2023, "limit": 100}).json()
    got = {(r["session"], r["method"]): r["partial"] for r in body["data"]}
    assert got[(80, "ideal_points")] is True and got[(80, "network")] is True
    assert got[(79, "ideal_points")] is False and got[(78, "network")] is False
