"""VoteForecaster: recovery on simulated data, revealed votes, the Forecast object, real data."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import polars as pl
import pytest
from _simulate import simulate
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import InputFormatError, ModelError, NotFittedError
from polycentric.models._tally import _count_distribution
from polycentric.models.backtest import log_loss
from polycentric.models.forecast import (
    VOTE_ORDER,
    Forecast,
    IntervalCalibration,
    VoteForecaster,
    calibrated_interval,
    central_interval,
    conformal_quantile,
)

LAST = 8


@pytest.fixture(scope="module")
def simulated():
    votes, roll_calls, truth = simulate(seed=1)
    model = VoteForecaster(calibration_sessions=2).fit(votes, roll_calls, before=dt.date(1999 + LAST, 1, 1))
    return votes, roll_calls, truth, model


def _cast(votes: pl.DataFrame, rcid: int, states: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Indices into ``states`` and Y/A/N codes of the votes cast on roll call ``rcid``."""
    rows = votes.filter((pl.col("rollcall_id") == rcid) & pl.col("vote").is_in(["Y", "A", "N"]))
    index = {s: i for i, s in enumerate(states)}
    return (
        np.array([index[s] for s in rows["state"]]),
        np.array(["YAN".index(v) for v in rows["vote"]]),
    )


def test_recovers_simulated_votes_far_above_chance(simulated):
    votes, roll_calls, truth, model = simulated
    assert model.n_roll_calls_ == 24 * (LAST - 1)
    targets = roll_calls.filter(pl.col("session_number") == LAST)
    hits = oracle = majority = n = 0
    for rcid, title, date in targets.select("rollcall_id", "title", "date").iter_rows():
        fc = model.forecast(title, date=date)
        assert fc.states == truth["states"]
        idx, y = _cast(votes, rcid, fc.states)
        p3 = fc.probabilities[idx, :3]
        hits += int((p3.argmax(1) == y).sum())
        oracle += int((truth["probs"][rcid][idx].argmax(1) == y).sum())
        majority += int((y == 0).sum())
        n += y.size
    acc, acc_oracle, acc_majority = hits / n, oracle / n, majority / n
    # far above chance (1/3) and the majority class, close to the Bayes rule of the true model
    assert acc > acc_majority + 0.15
    assert acc > 0.93 * acc_oracle


def test_revealed_votes_improve_log_loss_when_text_is_ambiguous():
    votes, roll_calls, truth = simulate(seed=2, paired_titles=True)
    model = VoteForecaster(calibration_sessions=0).fit(votes, roll_calls, before=dt.date(1999 + LAST, 1, 1))
    targets = roll_calls.filter(pl.col("session_number") == LAST)
    loss_blind: list[float] = []
    loss_revealed: list[float] = []
    for rcid, title, date in targets.select("rollcall_id", "title", "date").iter_rows():
        idx, y = _cast(votes, rcid, truth["states"])
        reveal = idx[:10]
        known = {truth["states"][i]: "YAN"[c] for i, c in zip(reveal, y[:10], strict=True)}
        blind = model.forecast(title, date=date)
        told = model.forecast(title, date=date, known=known)
        rest, y_rest = idx[10:], y[10:]
        for fc, out in ((blind, loss_blind), (told, loss_revealed)):
            p3 = fc.probabilities[rest, :3] / fc.probabilities[rest, :3].sum(1, keepdims=True)
            out.append(log_loss(y_rest, p3))
        # revealed states are certain
        assert np.allclose(told.probabilities[reveal].max(1), 1.0)
    assert np.mean(loss_revealed) < 0.6 * np.mean(loss_blind)


def test_forecast_object_adoption_and_pivotality_by_hand():
    # two states, each Y or N with probability 1/2: simple majority (Y > N) passes only on YY
    fc = Forecast(states=["A", "B"], state_names=["A", "B"], probabilities=np.array([[0.5, 0, 0.5, 0]] * 2))
    assert fc.p_adopt == pytest.approx(0.25)
    # B's switch from N to Y changes the outcome only when A votes Y
    assert fc.pivotality() == pytest.approx([0.5, 0.5])
    tally = fc.tally().filter(pl.col("vote") == "Y").row(0, named=True)
    assert tally["expected"] == pytest.approx(1.0) and (tally["lower"], tally["upper"]) == (0, 2)
    # two-thirds: 2 Y against 1 N is exactly two-thirds (adopted); 1 Y against 1 N is not
    sure = np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0], [0, 0, 1.0, 0]])
    assert Forecast(["A", "B", "C"], ["A", "B", "C"], sure, majority="two-thirds").p_adopt == pytest.approx(1.0)
    assert Forecast(["A", "C"], ["A", "C"], sure[[0, 2]], majority="two-thirds").p_adopt == pytest.approx(0.0)
    # all abstain: nothing adopted under either rule
    abstain = np.array([[0, 1.0, 0, 0]] * 3)
    assert Forecast(["A", "B", "C"], ["A", "B", "C"], abstain, majority="two-thirds").p_adopt == pytest.approx(0.0)
    assert Forecast(["A", "B", "C"], ["A", "B", "C"], abstain).p_adopt == pytest.approx(0.0)


@pytest.mark.parametrize("majority", ["simple", "two-thirds"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_adoption_and_pivotality_match_brute_force(majority, seed):
    rng = np.random.default_rng(seed)
    n = 5
    p = rng.dirichlet(np.ones(4), size=n)
    fc = Forecast([f"S{i}" for i in range(n)], [f"S{i}" for i in range(n)], p, majority=majority)

    def adopted(votes: tuple[int, ...]) -> bool:
        y, no = votes.count(0), votes.count(2)
        return y > no if majority == "simple" else (y + no > 0 and y >= 2 * no)

    p_adopt = 0.0
    pivotal = np.zeros(n)
    for votes in itertools.product(range(4), repeat=n):
        prob = float(np.prod([p[i, v] for i, v in enumerate(votes)]))
        p_adopt += prob * adopted(votes)
        for i in range(n):
            if votes[i] == 0:  # weight the others' votes only, once per configuration of the others
                others = prob / p[i, 0]
                with_no = (*votes[:i], 2, *votes[i + 1 :])
                pivotal[i] += others * (adopted(votes) != adopted(with_no))
    assert fc.p_adopt == pytest.approx(p_adopt)
    assert fc.pivotality() == pytest.approx(pivotal)


def test_tally_and_adoption_are_mixtures_over_templates():
    # two equally likely templates: everyone Y, or everyone N; marginally each state is a fair coin
    n = 10
    all_yes = np.tile([1.0, 0, 0, 0], (n, 1))
    all_no = np.tile([0, 0, 1.0, 0], (n, 1))
    states = [f"S{i}" for i in range(n)]
    mixed = Forecast(
        states,
        states,
        0.5 * all_yes + 0.5 * all_no,
        components=np.stack([all_yes, all_no]),
        component_weights=np.array([0.5, 0.5]),
    )
    independent = Forecast(states, states, 0.5 * all_yes + 0.5 * all_no)
    # correlated votes: the count is 0 or 10, adoption a coin flip
    assert mixed.p_adopt == pytest.approx(0.5)
    y = mixed.tally().filter(pl.col("vote") == "Y").row(0, named=True)
    assert (y["lower"], y["upper"], y["expected"]) == (0, 10, pytest.approx(5.0))
    # independent coins: P(Y > N) = P(Bin(10, 1/2) ≥ 6) = 386/1024, interval [2, 8]
    assert independent.p_adopt == pytest.approx(386 / 1024)
    y = independent.tally().filter(pl.col("vote") == "Y").row(0, named=True)
    assert (y["lower"], y["upper"]) == (2, 8)


def test_group_break_and_frame_columns():
    p = np.array([[0.9, 0.05, 0.05, 0], [0.8, 0.1, 0.1, 0], [0.1, 0.2, 0.7, 0]])
    fc = Forecast(["A", "B", "C"], ["a", "b", "c"], p, groups={"A": "G", "B": "G", "C": "G"})
    # group mode is Y (mean p_yes 0.6): C breaks with probability 0.9
    assert fc.p_break_group() == pytest.approx([0.1, 0.2, 0.9])
    frame = fc.to_frame()
    assert frame.columns[:7] == ["state", "state_name", "p_yes", "p_abstain", "p_no", "p_absent", "predicted"]
    assert frame["predicted"].to_list() == ["Y", "Y", "N"]
    assert fc.group_breakers(1)["state"].to_list() == ["C"]


def test_inputs_are_validated(simulated):
    _votes, _roll_calls, truth, model = simulated
    with pytest.raises(NotFittedError):
        VoteForecaster().forecast("anything")
    with pytest.raises(InputFormatError, match="unknown state"):
        model.forecast(truth["titles"][0], known={"ZZZ": "Y"})
    with pytest.raises(InputFormatError, match="not one of"):
        model.forecast(truth["titles"][0], known={"S01": "maybe"})
    with pytest.raises(InputFormatError, match="no roll call"):
        model.forecast(like="A/RES/99/1")
    with pytest.raises(InputFormatError):
        model.forecast()


def test_like_puts_the_resolution_first_and_sponsors_vote_yes(simulated):
    _, _, truth, model = simulated
    fc = model.forecast(like="R/3/5", sponsors=["S03"])
    assert fc.neighbours is not None
    top = fc.neighbours.row(0, named=True)
    assert truth["titles"][4] in top["text"]
    assert fc.probabilities[3, 0] == 1.0 and fc.known == {"S03": "Y"}
    assert fc.probabilities.sum(1) == pytest.approx(np.ones(len(fc.states)))


@pytest.fixture(scope="module")
def real_model(record):
    from polycentric.models.forecast import regional_groups

    return VoteForecaster(calibration_sessions=1).fit(record.votes(), record.roll_calls(), groups=regional_groups())


@pytest.mark.slow
def test_real_record_crimea_like_forecast(real_model):
    # "like" the 2022 Crimea human-rights resolution (A/RES/77/229: USA Y, RUS N, CHN N, IND A)
    fc = real_model.forecast(like="A/RES/77/229", known={"RUS": "N"})
    frame = fc.to_frame()
    p = {r["state"]: r for r in frame.iter_rows(named=True)}
    assert p["UKR"]["predicted"] == "Y" and p["USA"]["predicted"] == "Y"
    assert p["RUS"]["p_no"] == 1.0 and p["RUS"]["known"]
    assert p["IND"]["predicted"] == "A"
    # members on the day after the last roll call: the registry's 193 UN members
    assert frame.height == 193
    assert fc.groups["UKR"] == "EEG" and fc.groups["IND"] == "APG"
    tally = {r["vote"]: r for r in fc.tally().iter_rows(named=True)}
    assert sum(t["expected"] for t in tally.values()) == pytest.approx(frame.height)
    assert tally["Y"]["lower"] <= tally["Y"]["expected"] <= tally["Y"]["upper"]
    assert 0.9 < fc.p_adopt <= 1.0
    assert set(VOTE_ORDER) == set(tally)


def test_dynamic_ideal_points_from_the_idealpoints_model_recover_simulated_votes():
    votes, roll_calls, _ = simulate(seed=1)
    model = VoteForecaster(ideal_points="dynamic", n_dims=1, calibration_sessions=0).fit(
        votes, roll_calls, before=dt.date(1999 + LAST, 1, 1)
    )
    assert model.state_.irt is not None and model.state_.irt.link == "probit"
    # every past roll call with votes on both sides has item parameters from the dynamic model
    assert (model.state_.irt_row >= 0).mean() > 0.9
    hits = majority = n = 0
    for rcid, title, date in (
        roll_calls.filter(pl.col("session_number") == LAST).select("rollcall_id", "title", "date").iter_rows()
    ):
        fc = model.forecast(title, date=date)
        idx, y = _cast(votes, rcid, fc.states)
        hits += int((fc.probabilities[idx, :3].argmax(1) == y).sum())
        majority += int((y == 0).sum())
        n += y.size
    assert hits / n > majority / n + 0.15
    with pytest.raises(ModelError, match="ideal_points"):
        VoteForecaster(ideal_points="bsv").fit(votes, roll_calls)  # checked in fit (scikit-learn convention)


# --------------------------------------------------------------------------- tally intervals


def test_conformal_quantile_and_intervals_by_hand():
    scores = np.array([5, -3, 2, 0, -1])
    # ⌈(m + 1)·level⌉-th smallest of m = 5 scores (−3, −1, 0, 2, 5)
    assert conformal_quantile(scores, 0.5) == 0  # rank 3
    assert conformal_quantile(scores, 0.8) == 5  # rank ⌈4.8⌉ = 5
    assert conformal_quantile(scores, 0.9) == np.inf  # rank 6 > m: no finite guarantee
    assert conformal_quantile(scores, 0.1) == -3  # rank 1
    uniform = np.full(10, 0.1)  # counts 0..9 equally likely: F(k) = (k + 1)/10
    assert central_interval(uniform, 0.8) == (0, 8)  # F(0) ≥ 0.1, F(8) ≥ 0.9
    assert central_interval(uniform, 0.4) == (2, 6)  # F(2) = 0.3, F(6) = 0.7
    assert calibrated_interval(uniform, 0.4, 1.0) == (1, 7)
    assert calibrated_interval(uniform, 0.4, 5.0) == (0, 9)  # clipped to 0..n
    assert calibrated_interval(uniform, 0.4, np.inf) == (0, 9)
    assert calibrated_interval(uniform, 0.4, -1.0) == (3, 5)
    assert calibrated_interval(uniform, 0.4, -9.0) == (4, 4)  # never past the median


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(-30, 30), min_size=1, max_size=60),
    st.floats(0.05, 0.95),
)
def test_conformal_quantile_is_the_smallest_score_with_enough_mass(scores, level):
    q = conformal_quantile(np.array(scores), level)
    m = len(scores)
    need = (m + 1) * level  # at least this many of the m scores (plus the new one) at or below q
    if np.isinf(q):
        assert m < need - 1e-9
    else:
        arr = np.array(scores)
        assert (arr <= q).sum() >= need - 1e-9
        assert (arr < q).sum() < need - 1e-9  # and no smaller score would do


def test_interval_calibration_widening_by_hand():
    # five calibration roll calls, each forecast as a point mass at 10 of 20; recorded Y 10, 11, 13, 10, 7
    dist = np.zeros((5, 4, 21))
    dist[:, :, 10] = 1.0
    actual = np.tile(np.array([[10], [11], [13], [10], [7]]), (1, 4))
    cal = IntervalCalibration(dist, actual)
    # scores max(10 − y, y − 10) = 0, 1, 3, 0, 3; level 0.5: rank ⌈3⌉ = 3 → 1
    assert cal.scores(0.5)[:, 0].tolist() == [0, 1, 3, 0, 3]
    assert cal.widening(0.5) == pytest.approx([1, 1, 1, 1])
    fc = Forecast(["A", "B"], ["A", "B"], np.array([[0.5, 0, 0.5, 0]] * 2), interval_calibration=cal)
    y = fc.tally(0.5).filter(pl.col("vote") == "Y").row(0, named=True)
    # Bin(2, 1/2): F = 1/4, 3/4, 1: central 50 % range [0, 1] (F(0) ≥ 1/4, F(1) ≥ 3/4), widened by 1
    assert (y["lower"], y["upper"], y["widening"]) == (0, 2, 1.0)
    empty = IntervalCalibration(np.zeros((0, 4, 21)), np.zeros((0, 4), dtype=np.int64))
    assert empty.widening(0.9) == pytest.approx(np.zeros(4))


def test_conformal_interval_covers_over_dispersed_counts_near_nominal():
    # n states with known marginal P(Y); on each roll call a common logit shift u ~ N(0, 0.8²) moves every
    # state together (bloc voting), which the independent-state forecast ignores: its 90 % interval is too narrow
    rng = np.random.default_rng(7)
    n, m_cal, m_test = 80, 400, 1500
    logit = rng.normal(1.0, 1.5, size=n)
    p = 1 / (1 + np.exp(-logit))
    forecast_dist = _count_distribution(p)

    def draw(m: int) -> np.ndarray:
        u = rng.normal(0.0, 0.8, size=(m, 1))
        return (rng.random((m, n)) < 1 / (1 + np.exp(-(logit + u)))).sum(1)

    y_cal, y_test = draw(m_cal), draw(m_test)
    lo, hi = central_interval(forecast_dist, 0.9)
    raw_coverage = ((lo <= y_test) & (y_test <= hi)).mean()
    dist = np.broadcast_to(forecast_dist, (m_cal, 4, n + 1))
    cal = IntervalCalibration(dist, np.repeat(y_cal[:, None], 4, axis=1))
    q = cal.widening(0.9)[0]
    lo2, hi2 = calibrated_interval(forecast_dist, 0.9, q)
    coverage = ((lo2 <= y_test) & (y_test <= hi2)).mean()
    assert raw_coverage < 0.75
    assert q > 0
    assert 0.86 <= coverage <= 0.95


def test_count_distribution_matches_convolution():
    rng = np.random.default_rng(3)
    p = rng.random((300, 7))  # more sets than one block of the dynamic programme
    dist = _count_distribution(p)
    for row, probs in zip(dist[[0, 150, 299]], p[[0, 150, 299]], strict=True):
        expected = np.array([1.0])
        for q in probs:
            expected = np.convolve(expected, [1 - q, q])
        assert row == pytest.approx(expected)
    assert _count_distribution(p[0]) == pytest.approx(dist[0])


def test_fitted_forecaster_calibrates_tally_intervals_on_its_calibration_sessions(simulated):
    _, _, truth, model = simulated
    # calibration_sessions=2: the 24 roll calls of each of sessions 6 and 7, with and without revealed votes
    for key in ("none", "revealed"):
        cal = model.interval_calibration_[key]
        assert cal.n_roll_calls == 48
        assert cal.distributions.shape == (48, 4, len(truth["states"]) + 1)
        assert cal.distributions.sum(-1) == pytest.approx(np.ones((48, 4)), abs=1e-5)
        # recorded counts of the calibration sessions' roll calls (every state a member: they sum to 60)
        assert (cal.actual.sum(1) == len(truth["states"])).all()
    fc = model.forecast(truth["titles"][1])
    assert fc.interval_calibration is model.interval_calibration_["none"]
    tally = fc.tally()
    widening = model.interval_calibration_["none"].widening(0.9)
    assert tally["widening"].to_list() == pytest.approx(np.minimum(widening, len(truth["states"]) + 1).tolist())
    assert (
        model.forecast(truth["titles"][1], known={"S01": "Y"}).interval_calibration
        is (model.interval_calibration_["revealed"])
    )
