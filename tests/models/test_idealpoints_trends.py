"""Over-time behaviour of the ideal points: common drift, state moves, joint change intervals, thin sessions."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from idealpoint_simulation import simulate_drift, simulate_votes

from polycentric.errors import InsufficientDataError, ModelError
from polycentric.models._change import state_change
from polycentric.models.idealpoints import MIN_ROLLCALLS, IdealPointModel
from polycentric.models.polarity import polarity
from polycentric.models.validation import change_correlations, spread_ratios


def _mapped(model: IdealPointModel, truth: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Estimates mapped onto the truth's scale by one pooled affine map (the scale is identified up to one)."""
    j = model.ideal_points_.join(truth, on=["state", "session"])
    slope, intercept = np.polyfit(j["ideal_point"].to_numpy(), j["true"].to_numpy(), 1)
    return j.with_columns((pl.col("ideal_point") * slope + intercept).alias("mapped")), float(slope)


@pytest.mark.parametrize("seed", [0, 1])
def test_recovers_a_common_drift_and_state_moves(seed: int) -> None:
    votes, roll_calls, truth = simulate_drift(seed=seed)
    model = IdealPointModel(reference="S00").fit(votes, roll_calls)
    assert model.converged_
    j, slope = _mapped(model, truth)
    assert np.corrcoef(j["ideal_point"], j["true"])[0, 1] > 0.96
    means = j.group_by("session").agg(pl.col("mapped").mean(), pl.col("true").mean()).sort("session")
    true_drift = float(means["true"][-1] - means["true"][0])
    est_drift = float(means["mapped"][-1] - means["mapped"][0])
    assert true_drift == pytest.approx(9 * 0.15, abs=0.2)  # the simulated common drift (plus the walk's noise)
    # the bridges identify the common drift; the random walk shrinks it (docs: "Over-time identification")
    assert 0.6 * true_drift < est_drift < 1.1 * true_drift
    assert np.corrcoef(means["mapped"], means["true"])[0, 1] > 0.98
    # the three states that jumped at session 6 have the three largest estimated moves from 5 to 6
    wide = j.filter(pl.col("session").is_in([5, 6])).pivot(on="session", index="state", values="mapped")
    moves = wide.with_columns((pl.col("6") - pl.col("5")).alias("d")).sort("d", descending=True)
    assert set(moves["state"][:3].to_list()) == {"S01", "S02", "S03"}
    # over the sessions around the jump, each mover's change is larger than its uncertainty
    # (the random walk smooths a jump and the discrimination prior compresses the extremes: a move is
    # recovered in direction and timing at 35-100% of its size; docs/idealpoints.md gives the figures)
    for state in ("S01", "S02", "S03"):
        change = model.change(state, 4, 8)
        assert change["exceeds_uncertainty"]
        path = truth.filter(pl.col("state") == state).sort("session")["true"]
        true_change = float(path[7] - path[3])
        assert 0.35 * true_change < change["change"] * slope < 1.1 * true_change


def test_without_bridges_the_common_drift_is_not_identified() -> None:
    votes, roll_calls, truth = simulate_drift(seed=0)
    bridged, _ = _mapped(IdealPointModel(reference="S00").fit(votes, roll_calls), truth)
    unbridged, _ = _mapped(IdealPointModel(reference="S00", bridge=False).fit(votes, roll_calls), truth)

    def drift(j: pl.DataFrame) -> float:
        m = j.group_by("session").agg(pl.col("mapped").mean()).sort("session")["mapped"]
        return float(m[-1] - m[0])

    # each session's cutpoints absorb a common shift unless bridged items tie the sessions together
    assert drift(unbridged) < 0.4 * drift(bridged)


def test_change_interval_uses_the_joint_posterior() -> None:
    # one state, a Gaussian Markov chain with known covariance: AR(1)-like, corr 0.8 between neighbours
    se = np.array([0.3, 0.3, 0.3, 0.3])
    rho = 0.8
    cov_prev = np.array([np.nan, rho * 0.09, rho * 0.09, rho * 0.09])
    frame = pl.DataFrame(
        {
            "state": ["A"] * 4,
            "session": [1, 2, 3, 4],
            "ideal_point": [0.0, 0.1, 0.5, 0.6],
            "se": se,
            "cov_prev": cov_prev,
        }
    ).with_columns(pl.col("cov_prev").fill_nan(None))
    out = state_change(frame, "A", 1, 3, random_walk_sd=0.35, n_draws=200_000, random_state=1)
    # Cov(theta_1, theta_3) = rho^2 * 0.09 for a Markov chain; var(diff) = 0.09 + 0.09 - 2 * 0.0576
    assert out["change"] == pytest.approx(0.5)
    assert out["se"] == pytest.approx(np.sqrt(0.18 - 2 * rho**2 * 0.09), rel=0.01)
    assert out["correlation"] == pytest.approx(rho**2)
    independent_half_width = 1.645 * np.sqrt(0.18)
    assert (out["upper"] - out["lower"]) / 2 < 0.7 * independent_half_width
    assert out["exceeds_uncertainty"] and out["p_increase"] > 0.95
    # reversed order gives the opposite change; a session after the last adds random-walk variance
    back = state_change(frame, "A", 3, 1, random_walk_sd=0.35, n_draws=200_000, random_state=1)
    assert back["change"] == pytest.approx(-0.5)
    later = state_change(frame, "A", 4, 6, random_walk_sd=0.35, n_draws=200_000, random_state=1)
    assert later["change"] == pytest.approx(0.0)
    assert later["se"] == pytest.approx(np.sqrt(2 * 0.35**2), rel=0.02)
    assert not later["observed_to"]
    with pytest.raises(InsufficientDataError):
        state_change(frame, "A", 0, 3, random_walk_sd=0.35)
    with pytest.raises(InsufficientDataError):
        state_change(frame, "B", 1, 3, random_walk_sd=0.35)
    with pytest.raises(ModelError):
        state_change(frame.drop("cov_prev"), "A", 1, 3, random_walk_sd=0.35)


def test_fitted_lag_covariances_match_the_dense_posterior() -> None:
    votes, _ = simulate_votes(n_states=20, n_sessions=5, n_items=15, seed=3)
    model = IdealPointModel(reference="S00", random_state=0).fit(votes)
    ip = model.ideal_points_.filter(pl.col("state") == "S05").sort("session")
    # the dense Laplace posterior of this state's chain: (W + Q)^-1 restricted to its units
    from polycentric.models import _ordinal as core

    chain = model._chain
    w = core.information(
        model._des.obs,
        core.terms(model._des.obs, model.theta_, model.beta_, model.cut_center_, model.cut_gap_),
        model.beta_,
    )[:, 0, 0]
    qdiag, qoff = chain.precision(model.random_walk_sd_, model.initial_sd)
    units = np.flatnonzero(chain.row == model._des.states.index("S05"))
    prec = np.diag(w[units] + qdiag[units]) + np.diag(qoff[units][1:], -1) + np.diag(qoff[units][1:], 1)
    dense = np.linalg.inv(prec)
    assert ip["se"].to_numpy() == pytest.approx(np.sqrt(np.diag(dense)), rel=1e-6)
    assert ip["cov_prev"].to_numpy()[1:] == pytest.approx(np.diag(dense, -1), rel=1e-6)
    out = model.change("S05", 1, 5, n_draws=200_000)
    var = dense[0, 0] + dense[-1, -1] - 2 * dense[0, -1]
    assert out["se"] == pytest.approx(np.sqrt(var), rel=0.01)


def test_one_rollcall_sessions_fit_and_are_flagged_thin() -> None:
    votes, _ = simulate_votes(n_states=30, n_sessions=3, n_items=20, seed=2)
    one = votes.filter(pl.col("rollcall_id") == 1).with_columns(
        pl.lit(999, dtype=pl.Int64).alias("rollcall_id"), pl.lit(4, dtype=pl.Int32).alias("session_number")
    )
    both = pl.concat([votes, one])
    model = IdealPointModel(reference="S00").fit(both)
    ip = model.ideal_points_
    assert ip.filter(pl.col("session") == 4)["n_rollcalls"].unique().to_list() == [1]
    assert ip.filter(pl.col("session") == 4)["thin"].all()
    assert not ip.filter(pl.col("session") <= 3)["thin"].any()
    assert ip.filter(pl.col("session") == 1)["n_rollcalls"].unique().to_list() == [20]
    assert MIN_ROLLCALLS == 10
    result = polarity(ip, both.with_columns(pl.lit(1990).alias("year")))
    s4 = result.series.filter(pl.col("session") == 4)
    assert s4.height == 2 and s4["thin"].all() and s4["n_rollcalls"].to_list() == [1, 1]
    # a record of one roll call fits too
    lone = IdealPointModel().fit(one)
    assert lone.ideal_points_["thin"].all()
    # nothing informative: a clear error, not a traceback
    unanimous = one.with_columns(pl.lit("Y").alias("vote"))
    with pytest.raises(InsufficientDataError):
        IdealPointModel().fit(unanimous)


def test_spread_ratios_and_change_correlations_hand_case() -> None:
    ours = pl.DataFrame(
        {
            "state": ["A", "B", "C"] * 3,
            "session": [1, 1, 1, 2, 2, 2, 3, 3, 3],
            "ideal_point": [0.0, 1.0, 2.0, 0.0, 2.0, 4.0, 1.0, 2.0, 3.0],
        }
    )
    # the reference has the same shape over time: ratios 1 and changes perfectly correlated
    ref = ours.rename({"ideal_point": "bsv_ideal_point"}).with_columns(pl.col("bsv_ideal_point") * 3 - 1)
    ratios = spread_ratios(ours, ref)
    assert ratios["ratio"].to_list() == pytest.approx([1.0, 1.0, 1.0])
    assert ratios["decade"].to_list() == [1940, 1940, 1940]
    assert change_correlations(ours, ref, states=("A",))["all"] == pytest.approx(1.0)
    # a reference whose session 2 is not spread out: ratio 2 there (after pooled standardisation)
    flat = ref.with_columns(
        pl.when(pl.col("session") == 2)
        .then(pl.col("bsv_ideal_point") / 2 + 1.5)
        .otherwise(pl.col("bsv_ideal_point"))
        .alias("bsv_ideal_point")
    )
    r = spread_ratios(ours, flat)["ratio"].to_list()
    assert r[1] / r[0] == pytest.approx(2.0)


def test_read_bsv_july2025(shared_data) -> None:  # type: ignore[no-untyped-def]
    from polycentric.errors import InputFormatError
    from polycentric.models.validation import read_bsv_july2025

    path = shared_data / "voeten_ideal_points" / "IdealpointsJuly2025.csv.gz"
    bsv = read_bsv_july2025(path)
    usa = bsv.filter(pl.col("state") == "USA", pl.col("session") == 1)
    assert usa["bsv_ideal_point"].to_list() == pytest.approx([1.663375])  # the file's first row (1946)
    assert bsv["state"].null_count() == 0 and bsv.filter(pl.col("state") == "ISR", pl.col("session") == 4).height == 1
    assert bsv.filter(pl.col("state") == "RUS", pl.col("session") == 10).height == 1  # the USSR, as in June 2024
    assert int(bsv["session"].max()) == 79  # 2024  # type: ignore[arg-type]
    with pytest.raises(InputFormatError):
        read_bsv_july2025(path, column="nonsense")
