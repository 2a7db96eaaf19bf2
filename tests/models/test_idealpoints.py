"""IdealPointModel: numerical pieces, recovery and coverage on simulated data, API, BSV validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from idealpoint_simulation import simulate_votes
from scipy.special import log_ndtr, ndtr

from polycentric.errors import InputFormatError, InsufficientDataError, ModelError, NotFittedError
from polycentric.models import _ordinal as core
from polycentric.models.idealpoints import IdealPointModel, find_bridges, normalise_text
from polycentric.models.validation import compare_ideal_points, read_bsv_ideal_points


@pytest.fixture(scope="module")
def simulated() -> tuple[pl.DataFrame, pl.DataFrame]:
    return simulate_votes(seed=0)


@pytest.fixture(scope="module")
def fitted(simulated: tuple[pl.DataFrame, pl.DataFrame]) -> IdealPointModel:
    votes, _ = simulated
    return IdealPointModel(reference="S00").fit(votes)


# ------------------------------------------------------------------ numerical core


def test_fast_mills_ratio_matches_exact() -> None:
    u = np.concatenate([np.linspace(-40, 40, 4001), np.random.default_rng(1).normal(1, 3, 5000)])
    exact = core.mills_exact(u)
    fast = core.mills(u)
    assert np.all(np.isfinite(fast))
    big = exact > 1e-30
    assert np.max(np.abs(fast[big] - exact[big]) / exact[big]) < 5e-5
    # large negative u: phi/Phi ~ -u
    assert core.mills(np.array([-30.0]))[0] == pytest.approx(30.03, rel=1e-3)


def test_abstain_terms_are_the_derivatives_of_the_log_probability() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(0, 4, 3000)
    b = a + np.abs(rng.normal(0, 2, 3000)) + 1e-3
    e, w, *_, logp = core._abstain_terms(a, b)
    p = ndtr(b) - ndtr(a)
    ok = p > 1e-12
    assert np.allclose(logp[ok], np.log(p[ok]), atol=1e-6)
    h = 1e-5
    lp_minus = core._abstain_terms(a + h, b + h)[5]  # eta - h
    lp_plus = core._abstain_terms(a - h, b - h)[5]  # eta + h
    assert np.allclose((lp_plus - lp_minus) / (2 * h), e, atol=1e-5, rtol=1e-4)
    assert np.all(w > 0)  # log-concavity


def test_log_likelihood_hand_case() -> None:
    # one unit (theta = 1), one item (beta = 2, kappa = (-0.5, 0.5)): one vote of each kind
    obs = core.Observations.from_codes(
        np.zeros(3, dtype=np.intp), np.zeros(3, dtype=np.intp), np.array([2, 1, 0], dtype=np.int8), 1, 1
    )
    ll = core.log_likelihood(obs, np.array([[1.0]]), np.array([[2.0]]), np.array([0.0]), np.array([1.0]))
    expected = log_ndtr(2.0 - 0.5) + np.log(ndtr(0.5 - 2.0) - ndtr(-0.5 - 2.0)) + log_ndtr(-0.5 - 2.0)
    assert ll == pytest.approx(expected, rel=1e-9)


def test_chain_selected_inverse_matches_dense_inverse() -> None:
    rng = np.random.default_rng(3)
    state = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    session = np.array([1, 2, 4, 3, 4, 1, 2, 3, 5])
    chain = core.Chain.from_units(state, session)
    assert chain.prev_gap.tolist() == [0, 1, 2, 0, 1, 0, 1, 1, 2]
    qd, qo = chain.precision(0.4, 1.0)
    for d in (1, 2):
        h = np.zeros((9, d, d))
        for i in range(9):
            m = rng.normal(size=(d, d))
            h[i] = m @ m.T + 0.1 * np.eye(d)
        dense = np.zeros((9 * d, 9 * d))
        for i in range(9):
            dense[i * d : (i + 1) * d, i * d : (i + 1) * d] = h[i] + qd[i] * np.eye(d)
            if i > 0:
                dense[i * d : (i + 1) * d, (i - 1) * d : i * d] = qo[i] * np.eye(d)
                dense[(i - 1) * d : i * d, i * d : (i + 1) * d] = qo[i] * np.eye(d)
        inv = np.linalg.inv(dense)
        sigma, lag = core.chain_covariances(chain, h, qd, qo)
        for i in range(9):
            assert np.allclose(sigma[i], inv[i * d : (i + 1) * d, i * d : (i + 1) * d])
            if chain.prev_gap[i] > 0:
                assert np.allclose(lag[i], inv[(i - 1) * d : i * d, i * d : (i + 1) * d])
        rhs = rng.normal(size=(9, d))
        assert np.allclose(core.solve_chain(chain, h, qd, qo, rhs).ravel(), inv @ rhs.ravel())


def test_random_walk_precision_hand_case() -> None:
    chain = core.Chain.from_units(np.array([0, 0, 0]), np.array([1, 2, 4]))
    qd, qo = chain.precision(0.5, 1.0)
    # variances: first 1, steps 0.25 (gap 1) and 0.5 (gap 2)
    assert qd.tolist() == pytest.approx([1 + 4, 4 + 2, 2])
    assert qo.tolist() == pytest.approx([0, -4, -2])


# ------------------------------------------------------------------ bridging


def test_normalise_text() -> None:
    assert normalise_text("Israeli settlements (A/RES/77/126), 2022!") == "israeli settlements a res"
    assert normalise_text(None) == ""


def test_find_bridges_links_identical_resolutions_across_sessions_only() -> None:
    rc = pl.DataFrame(
        {
            "rollcall_id": [1, 2, 3, 4, 5, 6, 7],
            "session_number": [70, 71, 72, 71, 71, 72, 72],
            "title": [
                "Embargo against Cuba 2015",
                "Embargo against Cuba 2016",
                "Embargo against Cuba.",
                "Human rights",
                "Human rights",
                "Human rights",
                "Amend X",
            ],
            "agenda": ["CUBA", "CUBA", "Cuba", "HR", "HR", "HR", "CUBA"],
            "kind": ["resolution", "resolution", "resolution", "resolution", "resolution", "resolution", "amendment"],
        }
    )
    br = find_bridges(rc).sort("rollcall_id")
    assert br["bridge"].to_list() == [1, 1, 1, None, None, None, None]
    assert br["n_sessions"].to_list()[:3] == [3, 3, 3]


# ------------------------------------------------------------------ simulation: recovery, coverage, orientation


def _aligned(model: IdealPointModel, truth: pl.DataFrame) -> tuple[pl.DataFrame, float, float]:
    j = model.ideal_points_.join(truth, on=["state", "session"])
    r = float(np.corrcoef(j["true"], j["ideal_point"])[0, 1])
    slope, icpt = np.polyfit(j["true"], j["ideal_point"], 1)
    mapped = slope * j["true"].to_numpy() + icpt  # the scale is identified up to an affine map
    cover = float(np.mean((mapped >= j["lower"].to_numpy()) & (mapped <= j["upper"].to_numpy())))
    return j, r, cover


def test_recovers_simulated_ideal_points_with_calibrated_intervals(
    fitted: IdealPointModel, simulated: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    _, truth = simulated
    assert fitted.converged_
    _, r, cover = _aligned(fitted, truth)
    assert r >= 0.98
    assert 0.85 <= cover <= 0.95
    ip = fitted.ideal_points_
    assert ip.columns == [
        "state", "session", "year", "ideal_point", "lower", "upper", "se", "cov_prev", "n_votes", "n_rollcalls", "thin"
    ]  # fmt: skip
    assert ip.height == 80 * 10
    assert (ip["lower"] < ip["ideal_point"]).all() and (ip["ideal_point"] < ip["upper"]).all()
    # pooled standardisation (the scale identification)
    assert ip["ideal_point"].mean() == pytest.approx(0.0, abs=1e-9)
    assert ip["ideal_point"].std(ddof=0) == pytest.approx(1.0, abs=1e-9)


def test_coverage_over_further_seeds() -> None:
    covers, rs = [], []
    for seed in (1, 2):
        votes, truth = simulate_votes(n_states=80, n_sessions=8, n_items=60, seed=seed)
        _, r, cover = _aligned(IdealPointModel(reference="S00").fit(votes), truth)
        covers.append(cover)
        rs.append(r)
    assert min(rs) >= 0.97
    assert 0.85 <= float(np.mean(covers)) <= 0.95


def test_orientation_is_stable_across_sessions_and_seeds(simulated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, truth = simulated
    fits = [IdealPointModel(reference="S00", random_state=s, init_noise=0.5).fit(votes) for s in (0, 1, 2)]
    base = fits[0].ideal_points_
    for m in fits:
        assert m.converged_
        j = m.ideal_points_.join(truth, on=["state", "session"])
        # every session positively correlated with the truth (no session flipped)
        per = j.group_by("session").agg(pl.corr("ideal_point", "true").alias("r"))
        assert per["r"].min() > 0.9
        # the reference state is positive in every session
        assert (m.ideal_points_.filter(pl.col("state") == "S00")["ideal_point"] > 0).all()
        # same solution whatever the seed of the perturbed start
        assert np.allclose(m.ideal_points_["ideal_point"].to_numpy(), base["ideal_point"].to_numpy(), atol=1e-2)


def test_reference_state_sets_the_direction(simulated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, _ = simulated
    flipped = IdealPointModel(reference="S05").fit(votes)
    s05 = flipped.ideal_points_.filter(pl.col("state") == "S05")["ideal_point"].mean()
    assert s05 > 0


def test_x_votes_are_missing_data(simulated: tuple[pl.DataFrame, pl.DataFrame], fitted: IdealPointModel) -> None:
    votes, _ = simulated
    absent = votes.head(500).with_columns(pl.lit("X").alias("vote"))
    with_x = pl.concat([absent, votes.slice(500)])
    m = IdealPointModel(reference="S00").fit(with_x)
    assert m.n_votes_ == votes.height - 500
    assert m.ideal_points_.height == fitted.ideal_points_.height


def test_warm_start_converges_faster_on_a_new_session(simulated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, _ = simulated
    old = IdealPointModel(reference="S00").fit(votes.filter(pl.col("session_number") <= 9))
    cold = IdealPointModel(reference="S00").fit(votes)
    warm = IdealPointModel(reference="S00").fit(votes, init=old)
    assert warm.converged_
    assert warm.n_iter_ <= cold.n_iter_
    assert np.allclose(
        warm.ideal_points_["ideal_point"].to_numpy(), cold.ideal_points_["ideal_point"].to_numpy(), atol=5e-3
    )
    again = old.partial_fit(votes)
    assert again.ideal_points_["session"].max() == 10


def test_predict_proba_and_fit_rollcall(fitted: IdealPointModel, simulated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, _ = simulated
    p = fitted.predict_proba([1, 2])
    assert p.height == 2 * 80
    total = p["p_yes"] + p["p_abstain"] + p["p_no"]
    assert np.allclose(total.to_numpy(), 1.0)
    # fitted probabilities of the observed votes beat the marginal shares
    obs = votes.filter(pl.col("rollcall_id").is_in([1, 2])).join(p, on=["rollcall_id", "state"])
    p_obs = np.choose(
        obs["vote"].replace_strict({"Y": 0, "A": 1, "N": 2}).to_numpy(), [obs["p_yes"], obs["p_abstain"], obs["p_no"]]
    )
    assert np.mean(np.log(p_obs)) > -0.9
    # a new roll call's item parameters from revealed votes, then its forecast
    revealed = votes.filter(pl.col("rollcall_id") == 600)
    items = fitted.fit_rollcall(revealed.head(40), session=10)
    assert items["cutpoint_no"] <= items["cutpoint_yes"]
    forecast = fitted.predict_proba(items=items, session=10).join(revealed, on="state")
    hidden = forecast.slice(40)
    pred = hidden.select(pl.concat_list("p_yes", "p_abstain", "p_no").list.arg_max()).to_series()
    actual = hidden["vote"].replace_strict({"Y": 0, "A": 1, "N": 2})
    assert float((pred == actual).mean()) > 0.6
    at = fitted.ideal_points_at(12, ["S00", "S01"])
    assert at["observed"].to_list() == [False, False]
    assert (
        at["se"]
        > fitted.ideal_points_.filter(pl.col("session") == 10, pl.col("state").is_in(["S00", "S01"]))["se"].max()
    ).all()


def test_two_dimensions(simulated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, truth = simulated
    m = IdealPointModel(dims=2, reference="S00").fit(votes)
    ip = m.ideal_points_
    assert {"ideal_point_2", "lower_2", "upper_2"} <= set(ip.columns)
    j = ip.join(truth, on=["state", "session"])
    # the simulated world is one-dimensional: the first axis carries it
    assert abs(np.corrcoef(j["true"], j["ideal_point"])[0, 1]) > 0.95


def test_errors(simulated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, _ = simulated
    with pytest.raises(NotFittedError):
        _ = IdealPointModel().ideal_points_at(1)
    # parameters are stored unchanged (scikit-learn convention) and checked when fitting
    with pytest.raises(ModelError, match="dims must be 1 or 2"):
        IdealPointModel(dims=3).fit(votes)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="unknown issue"):
        IdealPointModel(issue="xx").fit(votes)
    with pytest.raises(InsufficientDataError):
        IdealPointModel().fit(votes.with_columns(pl.lit("Y").alias("vote")))


def test_save_and_load(fitted: IdealPointModel, tmp_path: Path) -> None:
    fitted.save(tmp_path / "fit")
    ip, items, meta = IdealPointModel.load_results(tmp_path / "fit")
    assert ip.equals(fitted.ideal_points_)
    assert items.height == fitted.items_.height
    assert meta["converged_"] is True
    with pytest.raises(NotFittedError):
        IdealPointModel.load_results(tmp_path / "none")


# ------------------------------------------------------------------ real data


@pytest.mark.slow
def test_agrees_with_bsv_published_estimates(record, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    votes = record.votes(body="GA")
    roll_calls = record.roll_calls(body="GA")
    model = IdealPointModel().fit(votes, roll_calls)
    assert model.converged_
    bsv = read_bsv_ideal_points(shared_data / "voeten_ideal_points" / "IdealpointestimatesAll_Jun2024.csv")
    bsv = bsv.filter(pl.col("session") <= 77)
    agreement = compare_ideal_points(model.ideal_points_, bsv)
    assert agreement["n"] >= 0.98 * bsv.height
    # the issue's targets (docs/idealpoints.md, "Against BSV")
    assert agreement["within"] >= 0.98
    assert agreement["pooled"] >= 0.97
    assert agreement["within_min"] >= 0.9
    # orientation: the USA positive and Russia negative in every session
    usa = model.ideal_points_.filter(pl.col("state") == "USA")
    assert (usa["ideal_point"] > 0).all()
    cold_war = model.ideal_points_.filter(pl.col("state") == "RUS", pl.col("year") <= 1989)
    assert (cold_war["ideal_point"] < 0).all()
    assert model.bridges_["n_bridged"].sum() > 1000
    # issue-specific ideal points from the same code
    hr = IdealPointModel(issue="hr").fit(votes, roll_calls)
    assert hr.converged_
    assert hr.n_votes_ < model.n_votes_


def test_read_bsv_ideal_points_maps_states(shared_data: Path, tmp_path: Path) -> None:
    bsv = read_bsv_ideal_points(shared_data / "voeten_ideal_points" / "IdealpointestimatesAll_Jun2024.csv")
    usa = bsv.filter(pl.col("state") == "USA", pl.col("session") == 78)
    assert usa["bsv_ideal_point"].to_list() == pytest.approx([2.50], abs=0.01)  # PROVENANCE.md spot check
    assert bsv.filter(pl.col("state") == "RUS", pl.col("session") == 10).height == 1  # the USSR
    assert bsv.filter(pl.col("state") == "NAM").height > 0  # Namibia is not a missing value
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFormatError):
        read_bsv_ideal_points(bad)
    ours = pl.DataFrame(
        {"state": ["A", "B", "C", "A", "B", "C"], "session": [1, 1, 1, 2, 2, 2], "ideal_point": [0.0, 1, 2, 1, 2, 3]}
    )
    ref = ours.rename({"ideal_point": "bsv_ideal_point"}).with_columns(pl.col("bsv_ideal_point") * 2)
    agreement = compare_ideal_points(ours, ref)
    assert agreement == pytest.approx({"n": 6.0, "within": 1.0, "within_min": 1.0, "pooled": 1.0})


def test_item_draws_add_the_items_estimation_error() -> None:
    # few voters per roll call: the items are uncertain, and the intervals must widen
    votes, truth = simulate_votes(n_states=30, n_sessions=6, n_items=40, seed=3)
    plain = IdealPointModel(reference="S00").fit(votes)
    drawn = IdealPointModel(reference="S00", item_draws=20, random_state=0).fit(votes)
    assert np.allclose(plain.ideal_points_["ideal_point"].to_numpy(), drawn.ideal_points_["ideal_point"].to_numpy())
    ratio = drawn.ideal_points_["se"].to_numpy() / plain.ideal_points_["se"].to_numpy()
    assert (ratio >= 1.0 - 1e-12).all()
    assert ratio.mean() > 1.02
    _, r, cover = _aligned(drawn, truth)
    assert r >= 0.95
    assert 0.85 <= cover <= 0.97
    with pytest.raises(ModelError, match="item_draws"):
        IdealPointModel(item_draws=-1).fit(votes)


def test_vectorised_normalisation_matches_normalise_text() -> None:
    from polycentric.models._design import _normalised

    texts = ["Israeli settlements (A/RES/77/126), 2022!", "  Human\tRights ", "Côte d'Ivoire: 3rd report", "", "12 34"]
    out = pl.DataFrame({"t": texts}).select(_normalised(pl.col("t")))["t"].to_list()
    assert out == [normalise_text(t) for t in texts]
