"""The forecaster on unusual but valid records, retro-forecasts, and the swing score by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from _simulate import simulate

from polycentric.api.app import _status_of
from polycentric.errors import InputFormatError, ModelFitError
from polycentric.models.forecast import Forecast, VoteForecaster, retro_forecast


def _with_new_session(
    votes: pl.DataFrame, roll_calls: pl.DataFrame, voters: dict[str, str]
) -> tuple[pl.DataFrame, ...]:
    """The record plus one roll call of a new session on which only ``voters`` have a row."""
    rcid = int(roll_calls["rollcall_id"].max()) + 1
    day = dt.date(2010, 10, 1)
    rc = roll_calls.head(1).with_columns(
        rollcall_id=pl.lit(rcid, dtype=roll_calls.schema["rollcall_id"]),
        session=pl.lit("11"),
        session_number=pl.lit(11, dtype=roll_calls.schema["session_number"]),
        date=pl.lit(day),
        year=pl.lit(day.year, dtype=roll_calls.schema["year"]),
        resolution=pl.lit("A/RES/11/1"),
        title=pl.lit("A brand new topic"),
    )
    rows = votes.head(len(voters)).with_columns(
        rollcall_id=pl.lit(rcid, dtype=votes.schema["rollcall_id"]),
        state=pl.Series(list(voters)),
        vote=pl.Series(list(voters.values())),
        resolution=pl.lit("A/RES/11/1"),
        date=pl.lit(day),
        year=pl.lit(day.year, dtype=votes.schema["year"]),
        session=pl.lit("11"),
        session_number=pl.lit(11, dtype=votes.schema["session_number"]),
    )
    return pl.concat([votes, rows]), pl.concat([roll_calls, rc])


def test_a_new_session_with_one_roll_call_of_four_voters_fits_and_forecasts():
    # issue 10: a valid 4-row ingest of a new session made every forecast fail with a ValueError
    votes, roll_calls, truth = simulate(seed=5)
    votes, roll_calls = _with_new_session(votes, roll_calls, {"S01": "Y", "S02": "N", "S03": "A", "S04": "X"})
    model = VoteForecaster(calibration_sessions=2).fit(votes, roll_calls)
    assert model.n_roll_calls_ == roll_calls.height
    fc = model.forecast(truth["titles"][3])
    assert fc.probabilities.sum(1) == pytest.approx(np.ones(len(fc.states)))
    assert fc.data_date == dt.date(2010, 10, 1)
    assert fc.summary()["label"] == "forecast from the record up to 2010-10-01"


def test_too_small_a_record_is_a_clear_503_error_not_a_traceback():
    votes, roll_calls, _ = simulate(seed=5, n_sessions=1, n_families=5)
    with pytest.raises(ModelFitError, match="at least 10"):
        VoteForecaster().fit(votes, roll_calls)
    with pytest.raises(ModelFitError, match="no roll call with votes"):
        VoteForecaster().fit(votes.head(0), roll_calls)
    assert _status_of(ModelFitError("x")) == 503


def test_forecast_dates_far_ahead_work_and_dates_before_the_un_are_refused():
    votes, roll_calls, truth = simulate(seed=5)
    model = VoteForecaster(calibration_sessions=0).fit(votes, roll_calls)
    far = model.forecast(truth["titles"][0], date=dt.date(5000, 1, 1))  # the template weights used to underflow
    assert np.isfinite(far.probabilities).all() and far.probabilities.sum(1) == pytest.approx(1.0)
    with pytest.raises(InputFormatError, match="before the United Nations"):
        model.forecast(truth["titles"][0], date=dt.date(1, 1, 1))


def test_retro_forecast_fits_strictly_before_the_vote_and_says_so():
    votes, roll_calls, _ = simulate(seed=6)
    target = roll_calls.filter(pl.col("resolution") == "A/RES/8/3").row(0, named=True)
    fc = retro_forecast(votes, roll_calls, "R/8/3", model=None)
    before = roll_calls.filter(pl.col("date") < target["date"]).height
    assert fc.label is not None and fc.label.startswith("retro-forecast of A/RES/8/3")
    assert f"from the {before} roll calls before it" in fc.label
    assert fc.data_date is not None and fc.data_date < target["date"]
    frame = fc.to_frame()
    recorded = dict(votes.filter(pl.col("rollcall_id") == target["rollcall_id"]).select("state", "vote").iter_rows())
    assert dict(zip(frame["state"], frame["recorded"], strict=True)) == recorded
    # the previous instance (session 7's vote on the same title) is what the forecast starts from
    assert frame["previous"].null_count() == 0
    hits = (frame["predicted"] == frame["recorded"]).mean()
    assert hits > 0.7


def test_swing_is_the_standard_deviation_of_the_margin_contribution():
    p = np.array([[0.5, 0, 0.5, 0], [0.5, 0.5, 0, 0], [1.0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]])
    fc = Forecast(["A", "B", "C", "D"], ["a", "b", "c", "d"], p)
    # simple majority: Y +1, N -1; D: mean 0, E[c^2] = 0.5
    assert fc.swing() == pytest.approx([1.0, 0.5, 0.0, np.sqrt(0.5)])
    two_thirds = Forecast(["A"], ["a"], p[:1], majority="two-thirds")  # Y +1, N -2: sd of {1, -2} = 1.5
    assert two_thirds.swing() == pytest.approx([1.5])
    assert fc.swing_states(2)["state"].to_list() == ["A", "D"]
    # decision weights move the point forecast, not the probabilities
    weighted = Forecast(["A"], ["a"], np.array([[0.6, 0.3, 0.1, 0.0]]), decision_log_weights=np.array([0, 1.0, 0, 0]))
    assert weighted.to_frame()["predicted"].to_list() == ["A"]
