"""Backtest metrics against hand-computed values, a small real backtest, the CLI."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest
from _simulate import simulate
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score

from polycentric.cli.main import main
from polycentric.cli.output import render
from polycentric.errors import InputFormatError
from polycentric.models.backtest import (
    METHODS,
    accuracy,
    adoption_accuracy,
    backtest,
    expected_calibration_error,
    log_loss,
    macro_f1,
    parse_sessions,
    tally_mae,
)
from polycentric.models.forecast import VoteForecaster


def test_metrics_by_hand():
    y = np.array([0, 0, 1, 2])
    pred = np.array([0, 1, 1, 2])
    assert accuracy(y, pred) == pytest.approx(0.75)
    # F1: Y 2·1/(2+0+1) = 2/3, A 2·1/(2+1+0) = 2/3, N 1
    assert macro_f1(y, pred) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    # a class never present nor predicted is skipped
    assert macro_f1(np.array([0, 0]), np.array([0, 0])) == pytest.approx(1.0)
    proba = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1]])
    assert log_loss(np.array([0, 1]), proba) == pytest.approx(-(np.log(0.9) + np.log(0.3)) / 2)
    # ECE, 10 bins: conf 0.9 right (|1 − 0.9|), conf 0.6 wrong (|0 − 0.6|), half the weight each
    assert expected_calibration_error(np.array([0, 1]), proba, n_bins=10) == pytest.approx(0.35)
    assert tally_mae(np.array([[10, 2, 1]]), np.array([[8, 3, 1]])) == pytest.approx(1.0)
    assert adoption_accuracy(np.array([0.9, 0.4, 0.6]), np.array([True, True, False])) == pytest.approx(1 / 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=40))
def test_macro_f1_matches_scikit_learn(pairs):
    y = np.array([p[0] for p in pairs])
    pred = np.array([p[1] for p in pairs])
    labels = sorted(set(y) | set(pred))
    assert macro_f1(y, pred) == pytest.approx(f1_score(y, pred, labels=labels, average="macro"))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(0, 10_000))
def test_ece_is_zero_for_a_perfectly_calibrated_certain_forecast_and_bounded(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    assert expected_calibration_error(y, np.eye(3)[y]) == pytest.approx(0.0)
    p = rng.dirichlet(np.ones(3), size=n)
    assert 0.0 <= expected_calibration_error(y, p) <= 1.0


def test_parse_sessions():
    assert parse_sessions("60-62,70") == [60, 61, 62, 70]
    with pytest.raises(InputFormatError):
        parse_sessions("62-60")
    with pytest.raises(InputFormatError):
        parse_sessions("x")


def test_simulated_backtest_reveals_help_and_model_beats_everyone_yes():
    votes, roll_calls, _ = simulate(seed=3, paired_titles=True)
    out = backtest(
        votes, roll_calls, "7-8", ("none", "p5"), per_session=False, forecaster=VoteForecaster(calibration_sessions=1)
    )
    row = {(r["protocol"], r["method"]): r for r in out.iter_rows(named=True)}
    # P5 ids do not exist in the simulation: the p5 protocol equals none there
    assert row[("p5", "model")]["log_loss_all"] == pytest.approx(row[("none", "model")]["log_loss_all"])
    assert row[("none", "model")]["macro_f1_all"] > row[("none", "everyone_yes")]["macro_f1_all"]
    # four-class cells = cast votes + the X rows of sessions 7 and 8
    ids = roll_calls.filter(pl.col("session_number").is_in([7, 8]))["rollcall_id"].implode()
    n_x = votes.filter(pl.col("rollcall_id").is_in(ids) & (pl.col("vote") == "X")).height
    assert row[("none", "model")]["n_votes"] == row[("none", "model")]["n_cast"] + n_x
    # every family repeats each session: no new items; same_title predicts no change by construction
    assert row[("none", "same_title")]["n_new_votes"] == 0
    assert row[("none", "same_title")]["change_recall"] == 0.0
    assert row[("none", "model")]["change_recall"] > 0.0


@pytest.fixture(scope="module")
def real_backtest(record):
    from polycentric.models.forecast import regional_groups

    return backtest(record.votes(), record.roll_calls(), "76-77", ("none", "p5"), groups=regional_groups())


@pytest.mark.slow
def test_real_backtest_two_sessions(real_backtest, record):
    out = real_backtest
    assert out.columns[:9] == [
        "session",
        "protocol",
        "method",
        "n_roll_calls",
        "n_votes",
        "accuracy",
        "macro_f1_all",
        "log_loss_all",
        "ece_all",
    ]
    assert {"tally_mae", "adoption_accuracy", "interval_coverage", "interval_width", "change_recall"} <= set(
        out.columns
    )
    assert set(out["session"]) == {"76", "77", "pooled"}
    pooled = {(r["protocol"], r["method"]): r for r in out.filter(pl.col("session") == "pooled").iter_rows(named=True)}
    # every whole-resolution roll call of sessions 76 and 77 (emergency special sessions included) is forecast
    whole = record.roll_calls(kind="resolution").filter(pl.col("session_number").is_in([76, 77]))
    assert pooled[("none", "model")]["n_roll_calls"] == whole.height
    per_session = out.filter(
        (pl.col("protocol") == "none") & (pl.col("method") == "model") & (pl.col("session") != "pooled")
    )
    assert per_session["n_roll_calls"].sum() == whole.height
    for protocol in ("none", "p5"):
        model, yes = pooled[(protocol, "model")], pooled[(protocol, "everyone_yes")]
        assert model["macro_f1_all"] > yes["macro_f1_all"] + 0.3
        assert model["accuracy"] > yes["accuracy"]
        assert model["log_loss_all"] < min(pooled[(protocol, m)]["log_loss_all"] for m in METHODS[1:])
    # revealing the P5 removes their votes from the scored cells
    assert pooled[("p5", "model")]["n_votes"] < pooled[("none", "model")]["n_votes"]
    # conformal 90 % intervals of the Y count: near nominal for every method, the model's the narrowest
    for protocol in ("none", "p5"):
        widths = {m: pooled[(protocol, m)]["interval_width"] for m in ("model", "everyone_yes", "nearest")}
        assert widths["model"] < min(widths["everyone_yes"], widths["nearest"])
        assert 0.8 <= pooled[(protocol, "model")]["interval_coverage"] <= 1.0
    assert pooled[("p5", "model")]["interval_width"] < pooled[("none", "model")]["interval_width"]


# --------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def simulated_fit():
    votes, roll_calls, truth = simulate(seed=4)
    groups = {s: ("G1" if i % 2 else "G2") for i, s in enumerate(truth["states"])}
    return votes, roll_calls, truth, groups, VoteForecaster().fit(votes, roll_calls, groups=groups)


@pytest.fixture()
def simulated_record(monkeypatch, simulated_fit):
    votes, roll_calls, truth, groups, model = simulated_fit
    monkeypatch.setattr("polycentric.cli.forecast.load_record_frames", lambda home=None: (votes, roll_calls, groups))
    monkeypatch.setattr("polycentric.cli.forecast.fitted_forecaster", lambda home=None, before=None: model)
    # the simulated states (S01, S02, ...) are not in the state registry: the resolver takes them as they are
    monkeypatch.setattr("polycentric.registry.resolver.resolve_states", lambda items, **_: [str(s) for s in items])
    return votes, roll_calls, truth, groups


def test_cli_forecast_csv_is_the_library_frame(simulated_record, capsys):
    votes, roll_calls, truth, groups = simulated_record
    code = main(["forecast", "--title", truth["titles"][2], "--known", "S01=N,S02=Y", "--format", "csv"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    expected = (
        VoteForecaster()
        .fit(votes, roll_calls, groups=groups)
        .forecast(truth["titles"][2], known={"S01": "N", "S02": "Y"})
    )
    assert captured.out == render(expected.to_frame(), "csv")
    assert captured.err.startswith("forecast from the record up to ") and "P(adopted)" in captured.err
    header = captured.out.splitlines()[0].split(",")
    assert header[:7] == ["state", "state_name", "p_yes", "p_abstain", "p_no", "p_absent", "predicted"]


def test_cli_forecast_json_and_table(simulated_record, capsys):
    _, _, truth, _ = simulated_record
    assert main(["forecast", "--title", truth["titles"][0], "--majority", "two-thirds", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["summary"]["majority"] == "two-thirds"
    assert len(payload["states"]) == len(truth["states"])
    assert [t["vote"] for t in payload["tally"]] == ["Y", "A", "N", "X"]
    assert sum(t["expected"] for t in payload["tally"]) == pytest.approx(len(truth["states"]))
    assert main(["forecast", "--title", truth["titles"][0], "--date", "2008-01-01"]) == 0
    text = capsys.readouterr().out
    assert "Swing states (moving the tally most" in text and "break with their group" in text
    lines = text.splitlines()
    assert lines[0].startswith("forecast from the record up to ")
    assert lines[1].startswith("forecast for 2008-01-01 (60 members, simple majority)")
    # the swing table ranks by how much a state moves the margin: not all zero
    swing = text.split("Swing states")[1].split("break with their group")[0]
    assert any(float(tok) > 0.1 for tok in swing.split() if tok.replace(".", "", 1).isdigit() and "." in tok)


def test_cli_forecast_bad_input(simulated_record, capsys):
    assert main(["forecast", "--title", "x", "--known", "S01"]) == 2
    assert "STATE=VOTE" in capsys.readouterr().err
    assert main(["forecast", "--title", "x", "--date", "soon"]) == 2


def test_cli_backtest_rows(simulated_record, capsys):
    assert main(["backtest", "--sessions", "8", "--protocol", "none", "--pooled", "--format", "csv"]) == 0
    out = pl.read_csv(capsys.readouterr().out.encode())
    assert out["method"].to_list() == list(METHODS)
    assert set(out["protocol"]) == {"none"}
    assert {
        "accuracy",
        "macro_f1_all",
        "log_loss_all",
        "ece_all",
        "macro_f1_cast",
        "change_recall",
        "change_precision",
        "macro_f1_new",
        "tally_mae",
        "adoption_accuracy",
        "interval_coverage",
        "interval_width",
    } <= set(out.columns)
    assert (out["accuracy"] > 0).all() and (out["accuracy"] <= 1).all()
    _ = dt  # dates are parsed by the CLI


def test_cli_backtest_a_revealing_protocol_alone(simulated_record, capsys):
    # the baselines' confusion tables come from the cast votes, whichever protocols are run
    assert main(["backtest", "--sessions", "8", "--protocol", "p5", "--pooled", "--format", "csv"]) == 0
    out = pl.read_csv(capsys.readouterr().out.encode())
    assert out.height == len(METHODS) and set(out["protocol"]) == {"p5"}
    assert out["interval_coverage"].is_between(0, 1).all() and (out["interval_width"] >= 0).all()


@pytest.mark.slow
def test_cli_forecast_on_the_record_fits_once_then_uses_the_cache(record, capsys):
    home = str(record.home)
    args = ["--home", home, "forecast", "--like", "A/RES/77/229", "--known", "RUS=N", "--format", "csv"]
    assert main(args) == 0
    first = capsys.readouterr().out
    caches = list((record.home / "cache").glob("forecaster-*.pkl"))
    assert len(caches) == 1
    stamp = caches[0].stat().st_mtime_ns
    assert main(args) == 0
    assert capsys.readouterr().out == first
    assert caches[0].stat().st_mtime_ns == stamp  # loaded, not refitted
    rows = pl.read_csv(first.encode())
    assert rows.height == 193
    russia = rows.filter(pl.col("state") == "RUS").row(0, named=True)
    assert russia["p_no"] == 1.0 and russia["predicted"] == "N"


def test_cli_forecast_at_a_date_fits_before_it_and_says_so(simulated_record, monkeypatch, capsys):
    votes, roll_calls, truth, groups = simulated_record
    cutoffs: list[dt.date | None] = []

    def fit_before(home=None, before=None):
        cutoffs.append(before)
        return VoteForecaster(calibration_sessions=1).fit(votes, roll_calls, groups=groups, before=before)

    monkeypatch.setattr("polycentric.cli.forecast.fitted_forecaster", fit_before)
    assert main(["forecast", "--title", truth["titles"][0], "--at", "2005-01-01"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert cutoffs == [dt.date(2005, 1, 1)]
    before = roll_calls.filter(pl.col("date") < dt.date(2005, 1, 1)).height
    assert first.startswith(f"forecast as of 2005-01-01 from the {before} roll calls before it (data up to 2004-")
    assert main(["forecast", "--title", "x", "--at", "soon"]) == 2
    assert "--at 'soon'" in capsys.readouterr().err
