"""Dynamic ordinal ideal points of states from General Assembly roll calls.

:class:`IdealPointModel` estimates the model of Bailey, Strezhnev and Voeten
(2017, "Estimating dynamic state preferences from United Nations voting data",
*Journal of Conflict Resolution* 61(2): 430–456): an ordered-probit item-response
model in which each vote is Yes, Abstain or No, each state's ideal point moves by
a Gaussian random walk from session to session, and roll calls on identical
resolutions in different sessions share their item parameters (the bridges that
fix the scale over time). BSV sample the posterior by MCMC; here the posterior
mode is found by block-coordinate Newton ascent (items, then all ideal points
jointly through a banded solve of the random-walk precision), and intervals come
from the Laplace approximation of the ideal points' posterior.

The model is split along its seams into private modules: ``_design`` (bridges, design
arrays, start values), ``_ordinal`` (the numerical core), ``_fitting`` (standardisation,
SQUAREM's parameters, warm starts, the random-walk update, item draws), ``_predict``
(new roll calls, probabilities) and ``_change`` (changes with joint intervals).

Dependency rule: imports numpy, scipy, polars, ``polycentric.errors``,
``polycentric.schema``, ``polycentric.measures._common`` (the thin-session
minimum) and the private ``polycentric.models`` modules above.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy.stats import norm

from polycentric.errors import ConvergenceError, InsufficientDataError, ModelError, NotFittedError
from polycentric.measures._common import MIN_ROLLCALLS
from polycentric.models import _ordinal as core
from polycentric.models import _predict
from polycentric.models._base import Estimator
from polycentric.models._change import state_change
from polycentric.models._design import (
    Design,
    build_design,
    find_bridges,
    normalise_text,
    start_items,
    start_theta,
)
from polycentric.models._fitting import Params, item_uncertainty, standardise, update_random_walk, warm_start
from polycentric.schema import ISSUES

__all__ = ["MIN_ROLLCALLS", "IdealPointModel", "find_bridges", "normalise_text"]


class IdealPointModel(Estimator):
    r"""Dynamic ordinal (Yes / Abstain / No) ideal points, after Bailey, Strezhnev & Voeten (2017).

    Model
    -----
    State ``i`` in session ``t`` has ideal point :math:`\theta_{it}` (``dims`` = 1 or 2);
    roll call ``j`` has discrimination :math:`\beta_j` and cutpoints
    :math:`\kappa_{j1} \le \kappa_{j2}`. With :math:`\eta = \beta_j^\top \theta_{it}`,

    .. math::
        P(\text{No}) = \Phi(\kappa_{j1} - \eta),\quad
        P(\text{Abstain}) = \Phi(\kappa_{j2} - \eta) - \Phi(\kappa_{j1} - \eta),\quad
        P(\text{Yes}) = \Phi(\eta - \kappa_{j2}),

    the ordered probit of BSV (2017, eq. 1–2). A roll call with no abstention has
    one cutpoint (binary probit). ``X`` (member not voting) is missing data.

    Dynamics (the smoothing choice): :math:`\theta_{i,t_1} \sim N(0, \sigma_0^2 I)` at a
    state's first session and :math:`\theta_{it} \mid \theta_{i,t'} \sim N(\theta_{i,t'}, (t - t')\,\omega^2 I)`
    for its previous voting session :math:`t'` (gaps widen the step). ``omega`` =
    ``random_walk_sd`` (default 0.35 per session on the standardised scale):
    smaller values smooth more; ``random_walk_sd=None`` estimates it by empirical
    Bayes (the EM update of a random-walk variance, averaged over states).

    Items: each roll call's cutpoints :math:`\kappa_{jk} \sim N(0, 5^2)` and
    discrimination :math:`\beta_{jk} \sim N(0, 0.4^2)`; roll calls in one bridge group
    (:func:`find_bridges`) share one item, which keeps the prior of each of its
    roll calls (a group of :math:`k` roll calls has :math:`\beta \sim N(0, 0.4^2/k)`:
    the limit of independent per-roll-call priors under the equality constraint),
    so bridging does not loosen the prior of the sessions it links.

    Identification: location and scale by standardising the pooled ideal points
    (mean 0, sd 1 per dimension) after every sweep, the items compensated exactly
    (BSV do the same in every MCMC iteration); direction by the reference state
    (default USA), whose mean ideal point on the first dimension is positive. In
    two dimensions the axes are rotated to the principal axes of the pooled ideal
    points (first = largest variance), and the second axis is oriented so that
    ``reference2`` (default RUS) is positive.

    Estimation: block-coordinate Newton ascent: (a) a Newton step for every
    item's ``(c, g, beta)`` jointly (3x3 or 4x4 systems, vectorised), (b) a
    Newton step for all ideal points jointly, whose Hessian is the banded
    random-walk precision plus a block-diagonal likelihood term, solved in
    ``O(n)``. Each step is concave in its block. With ``variational=True``
    (default) the objective is the Gaussian variational lower bound with the
    expected log-likelihood expanded to second order in the linear predictor
    (the Laplace variational approximation of Wang & Blei 2013, *JMLR* 14):
    :math:`E_q[\ell(\beta\theta - \kappa)] \approx \ell(\bar\beta\bar\theta - \bar\kappa)
    - \tfrac12 w\,(\bar\beta^2 v_\theta + \bar\theta^2 v_\beta)`, so each block's
    step uses the other block's posterior variance (``v_theta`` from the
    random-walk chain, ``v_beta`` from the item Hessian), as the variational EM
    of Imai, Lo & Olmsted (2016, *APSR* 110(4)) does; the estimates approximate
    posterior means (BSV report MCMC means) rather than the posterior mode,
    whose per-session scale depends on how many roll calls and states the
    session has. The start is the leading singular vector of each session's
    centred vote matrix, oriented by its agreement with the reference state, so
    no session starts flipped.

    Uncertainty: the Laplace approximation of the ideal points' posterior given
    the items, :math:`(W + Q)^{-1}`, whose marginal variances come from a
    block-tridiagonal selected inversion; ``interval`` (default 0.90) sets the
    reported central interval ``ideal_point +/- z se``. With ``item_draws > 0``
    the items' estimation error is added by the law of total variance (see
    :meth:`_item_uncertainty`).

    Parameters
    ----------
    dims
        1 (default) or 2.
    issue
        One of Voeten's issue codes (``me``, ``nu``, ``di``, ``hr``, ``co``, ``ec``):
        fit only the roll calls with ``issue_<code>`` true.
    random_walk_sd
        :math:`\omega`, or None to estimate it (empirical Bayes).
    initial_sd
        :math:`\sigma_0`, the prior sd of a state's first ideal point.
    bridge
        Share item parameters across identical resolutions (default True).
    reference, reference2
        States whose mean ideal point is positive on dimension 1 (and 2).
    interval
        Coverage of the reported interval.
    max_iter, tol
        Stop when the largest change of an ideal point in an iteration is below ``tol``.
    random_state
        Seed of the optional start perturbation ``init_noise`` (sd added to the start)
        and of the item draws.
    cutpoint_sd, discrimination_sd
        Prior sds of each roll call's cutpoints and discrimination.
    variational
        Use the Laplace variational objective (default) rather than the plain
        posterior mode.
    item_draws
        0 (default): intervals from the Laplace approximation given the fitted
        items. ``k > 0``: add the items' estimation error, from ``k`` draws of
        the item parameters from their Laplace posterior (a parametric
        bootstrap of the items, each followed by one Newton step of the ideal
        points); matters when roll calls have few voters.
    """

    def __init__(
        self,
        dims: Literal[1, 2] = 1,
        *,
        issue: str | None = None,
        random_walk_sd: float | None = 0.35,
        initial_sd: float = 1.0,
        bridge: bool = True,
        reference: str = "USA",
        reference2: str = "RUS",
        interval: float = 0.90,
        max_iter: int = 300,
        tol: float = 1e-3,
        cutpoint_sd: float = 5.0,
        discrimination_sd: float = 0.3,
        random_state: int | None = None,
        init_noise: float = 0.0,
        variational: bool = True,
        item_draws: int = 0,
        session_scaling: float = 0.5,
    ) -> None:
        # scikit-learn convention: store the parameters unchanged; they are checked in fit()
        self.dims = dims
        self.issue = issue
        self.random_walk_sd = random_walk_sd
        self.initial_sd = initial_sd
        self.bridge = bridge
        self.reference = reference
        self.reference2 = reference2
        self.interval = interval
        self.max_iter = max_iter
        self.tol = tol
        self.cutpoint_sd = cutpoint_sd
        self.discrimination_sd = discrimination_sd
        self.random_state = random_state
        self.init_noise = init_noise
        self.variational = variational
        self.item_draws = item_draws
        self.session_scaling = session_scaling

    def _check_params(self) -> None:
        """Raise :class:`ModelError` for a parameter outside its domain (called by :meth:`fit`)."""
        if self.item_draws < 0:
            raise ModelError("item_draws must be 0 or more")
        if self.dims not in (1, 2):
            raise ModelError(f"dims must be 1 or 2, not {self.dims!r}")
        if self.issue is not None and self.issue not in ISSUES:
            raise ModelError(f"unknown issue {self.issue!r}: expected one of {', '.join(ISSUES)}")
        if not 0.0 < self.interval < 1.0:
            raise ModelError("interval must lie strictly between 0 and 1")

    # ------------------------------------------------------------------ data

    def _prior_weights(self, des: Design) -> NDArray[np.float64]:
        """Prior precision of each item in units of one roll call's: ``sum over its roll calls of (J_bar / J_t)^p``.

        ``J_t`` is the number of fitted roll calls of the roll call's session,
        ``J_bar`` their mean over sessions and ``p`` = ``session_scaling``. With
        ``p = 0`` every roll call carries one prior; with ``p = 1`` the
        discrimination priors of a session carry the same total weight whatever
        its number of roll calls, so a session's scale does not grow with its
        number of roll calls (see docs/idealpoints.md, "Over-time identification").
        """
        if self.session_scaling == 0.0:
            return des.item_size
        _, inverse, counts = np.unique(des.rollcall_session, return_inverse=True, return_counts=True)
        weight = (counts.mean() / counts.astype(np.float64)) ** self.session_scaling
        return np.bincount(des.rollcall_item, weights=weight[inverse], minlength=des.item_size.size).astype(np.float64)

    # ------------------------------------------------------------------ start

    def fit(
        self,
        votes: pl.DataFrame,
        roll_calls: pl.DataFrame | None = None,
        *,
        init: IdealPointModel | None = None,
    ) -> IdealPointModel:
        """Estimate ideal points and item parameters.

        Parameters
        ----------
        votes
            A ``VOTES_VIEW``-shaped frame (``rollcall_id``, ``state``, ``vote``,
            ``session_number``; ``year`` optional). ``X`` votes are missing data.
        roll_calls
            The ``ROLL_CALLS`` frame of these votes (``title``, ``agenda``, ``kind``
            for bridging; ``issue_*`` for ``issue=``). Without it no roll call is
            bridged and ``issue`` cannot be used.
        init
            A fitted model to warm-start from (e.g. the fit before a new session
            arrived): its ideal points and item parameters are the start wherever
            the same state-session or roll call appears, so a refit converges in a
            few iterations.

        Returns
        -------
        IdealPointModel
            ``self``, fitted.
        """
        self._check_params()
        t0 = time.perf_counter()
        des = build_design(votes, roll_calls, issue=self.issue, bridge=self.bridge)
        t_design = time.perf_counter() - t0
        obs = des.obs
        theta = start_theta(des, self.reference, self.dims)
        c, g, tied = start_items(des)
        beta = np.zeros((obs.n_items, self.dims))
        if init is not None:
            theta, beta, c, g = warm_start(init, des, theta, beta, c, g, tied, self.dims)
        if self.init_noise > 0:
            rng = np.random.default_rng(self.random_state)
            theta = theta + self.init_noise * rng.standard_normal(theta.shape)
        chain = core.Chain.from_units(des.unit_state, des.unit_session)
        priors = core.Priors(cutpoint_sd=self.cutpoint_sd, discrimination_sd=self.discrimination_sd)
        # the item priors are per roll call: an item shared by k bridged roll calls carries k of them
        priors.rollcalls_per_item = self._prior_weights(des)
        rw = 0.35 if self.random_walk_sd is None else float(self.random_walk_sd)
        qdiag, qoff = chain.precision(rw, self.initial_sd)
        for _ in range(3 if init is None else 1):
            beta, c, g, _ = core.item_step(obs, core.terms(obs, theta, beta, c, g), theta, beta, c, g, tied, priors)
        state = Params(theta, beta, c, g)
        variational = self.variational

        def sweep(x: Params) -> Params:
            ts = core.terms(obs, x.theta, x.beta, x.c, x.g)
            b, cc, gg, item_cov = core.item_step(
                obs, ts, x.theta, x.beta, x.c, x.g, tied, priors, theta_var=x.theta_var if variational else None
            )
            bvar = item_cov[:, 2:, 2:]
            ts = core.terms(obs, x.theta, b, cc, gg)
            th, info = core.theta_step(obs, ts, x.theta, b, qdiag, qoff, beta_var=bvar if variational else None)
            scale = th.std(axis=0)
            th, b, cc = standardise(th, b, cc)
            if not variational:
                return Params(th, b, cc, gg)
            outer = np.outer(scale, scale)
            tvar = core.chain_covariances(chain, info, qdiag, qoff)[0] / outer
            return Params(th, b, cc, gg, tvar, bvar * outer)

        converged = False
        history: list[float] = []
        n_sweeps = 0
        n_iter = 0
        while n_sweeps < self.max_iter:
            n_iter += 1
            # SQUAREM (Varadhan & Roland 2008, scheme S3) around the Newton sweep
            x1 = sweep(state)
            x2 = sweep(x1)
            n_sweeps += 2
            r = x1.flat() - state.flat()
            v = x2.flat() - x1.flat() - r
            alpha = -float(np.linalg.norm(r)) / max(float(np.linalg.norm(v)), 1e-300)
            alpha = min(alpha, -1.0)
            candidate = Params.unflat(state.flat() - 2.0 * alpha * r + alpha * alpha * v, state, tied)
            x3 = sweep(candidate)
            n_sweeps += 1
            change = float(np.abs(x3.theta - candidate.theta).max())
            step_before = float(np.abs(x2.theta - x1.theta).max())
            if not np.isfinite(change) or change > 10.0 * step_before + self.tol:
                x3 = sweep(x2)  # extrapolation rejected: plain sweeps
                n_sweeps += 1
                change = float(np.abs(x3.theta - x2.theta).max())
            state = x3
            history.append(change)
            if self.random_walk_sd is None and n_iter % 2 == 0:
                rw = update_random_walk(chain, obs, state.theta, state.beta, state.c, state.g, qdiag, qoff)
                qdiag, qoff = chain.precision(rw, self.initial_sd)
            if change < self.tol:
                converged = True
                break
        theta, beta, c, g = state.theta, state.beta, state.c, state.g
        n_iter = n_sweeps
        if not np.all(np.isfinite(theta)):
            raise ConvergenceError("ideal points diverged (non-finite values)")
        ts = core.terms(obs, theta, beta, c, g)
        w = core.information(obs, ts, beta)
        sigma, lag = core.chain_covariances(chain, w, qdiag, qoff)
        self._lag_cov = lag[:, 0, 0].copy() if self.dims == 1 else None
        if self.item_draws > 0:
            sigma = sigma + item_uncertainty(
                obs,
                state,
                tied,
                priors,
                qdiag,
                qoff,
                item_draws=self.item_draws,
                variational=self.variational,
                random_state=self.random_state,
            )
        theta, beta, sigma = self._orient(des, theta, beta, sigma)
        self._des = des
        self.theta_ = theta
        self.theta_cov_ = sigma
        self.beta_ = beta
        self.cut_center_ = c
        self.cut_gap_ = g
        self.tied_ = tied
        self.random_walk_sd_ = rw
        self.n_iter_ = n_iter
        self.converged_ = converged
        self.change_history_ = history
        self.log_likelihood_ = core.log_likelihood(obs, theta, beta, c, g)
        self.fit_seconds_ = time.perf_counter() - t0
        self.design_seconds_ = t_design
        self.n_votes_ = obs.n_obs
        self.dropped_rollcalls_ = des.dropped
        self.bridges_ = des.bridges
        self._chain = chain
        self._build_frames()
        return self

    def partial_fit(self, votes: pl.DataFrame, roll_calls: pl.DataFrame | None = None) -> IdealPointModel:
        """Refit on ``votes`` (the old record plus a new session) warm-started from the current fit."""
        if not hasattr(self, "theta_"):
            return self.fit(votes, roll_calls)
        previous = IdealPointModel.__new__(IdealPointModel)
        previous.__dict__.update(self.__dict__)
        return self.fit(votes, roll_calls, init=previous)

    def _orient(
        self, des: Design, theta: NDArray[np.float64], beta: NDArray[np.float64], sigma: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        if self.dims == 2:
            # rotate to the principal axes of the pooled ideal points (beta . theta is unchanged)
            _, vecs = np.linalg.eigh(np.cov(theta.T))
            rot = vecs[:, ::-1]
            theta = theta @ rot
            beta = beta @ rot
            sigma = np.einsum("ji,njk,kl->nil", rot, sigma, rot)
        for k, ref in enumerate((self.reference, self.reference2)[: self.dims]):
            if ref in des.states:
                mean_ref = theta[des.unit_state == des.states.index(ref), k].mean()
            else:  # no reference state: keep the start's orientation
                mean_ref = 1.0
            if mean_ref < 0:
                theta[:, k] = -theta[:, k]
                beta[:, k] = -beta[:, k]
                sigma[:, k, :] = -sigma[:, k, :]
                sigma[:, :, k] = -sigma[:, :, k]
        return theta, beta, sigma

    # ------------------------------------------------------------------ outputs

    def _check_fitted(self) -> None:
        if not hasattr(self, "theta_"):
            raise NotFittedError("this IdealPointModel is not fitted yet: call fit() first")

    def _build_frames(self) -> None:
        des = self._des
        z = float(norm.ppf(0.5 + self.interval / 2.0))
        cols: dict[str, Any] = {
            "state": [des.states[s] for s in des.unit_state],
            "session": des.unit_session.astype(np.int32),
            "year": des.unit_year.astype(np.int32),
        }
        for k in range(self.dims):
            suffix = "" if k == 0 else f"_{k + 1}"
            se = np.sqrt(self.theta_cov_[:, k, k])
            cols[f"ideal_point{suffix}"] = self.theta_[:, k]
            cols[f"lower{suffix}"] = self.theta_[:, k] - z * se
            cols[f"upper{suffix}"] = self.theta_[:, k] + z * se
            cols[f"se{suffix}"] = se
        lag_cov = getattr(self, "_lag_cov", None)
        if self.dims == 1 and lag_cov is not None:
            # Cov(theta_s, theta_prev) of the Laplace posterior (null at a state's first session): with ``se``
            # it gives the joint posterior of a state's whole trajectory (models._change)
            cols["cov_prev"] = np.where(self._chain.prev_gap > 0, lag_cov, np.nan)
        cols["n_votes"] = des.unit_votes.astype(np.int32)
        sess, n_rc = np.unique(des.rollcall_session, return_counts=True)
        per_session = dict(zip(sess.tolist(), n_rc.tolist(), strict=True))
        cols["n_rollcalls"] = np.array([per_session.get(int(t), 0) for t in des.unit_session], dtype=np.int32)
        cols["thin"] = cols["n_rollcalls"] < MIN_ROLLCALLS
        self.ideal_points_ = (
            pl.DataFrame(cols).with_columns(pl.col("cov_prev").fill_nan(None))
            if "cov_prev" in cols
            else pl.DataFrame(cols)
        )
        items: dict[str, Any] = {
            "cutpoint_no": self.cut_center_ - 0.5 * self.cut_gap_,
            "cutpoint_yes": self.cut_center_ + 0.5 * self.cut_gap_,
        }
        for k in range(self.dims):
            items[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] = self.beta_[:, k]
        self.items_ = des.item_groups.with_columns(
            pl.col("sessions").list.n_unique().cast(pl.UInt32).alias("n_sessions"), **items
        )

    def ideal_points_at(self, session: int, states: list[str] | None = None) -> pl.DataFrame:
        """State ideal points at ``session`` (with intervals).

        A state without votes in that session gets the random walk's prediction
        from its latest earlier session (same mean, variance grown by
        ``gap * omega^2``); states with no earlier session are left out.
        Columns as :attr:`ideal_points_` plus ``observed`` (False for a prediction).
        """
        self._check_fitted()
        des = self._des
        z = float(norm.ppf(0.5 + self.interval / 2.0))
        rows = []
        wanted = set(des.states) if states is None else set(states)
        for s_idx, state in enumerate(des.states):
            if state not in wanted:
                continue
            units = np.flatnonzero((des.unit_state == s_idx) & (des.unit_session <= session))
            if units.size == 0:
                continue
            k = units[-1]
            gap = session - int(des.unit_session[k])
            row: dict[str, Any] = {"state": state, "session": session}
            for d in range(self.dims):
                suffix = "" if d == 0 else f"_{d + 1}"
                se = float(np.sqrt(self.theta_cov_[k, d, d] + gap * self.random_walk_sd_**2))
                mean = float(self.theta_[k, d])
                row |= {
                    f"ideal_point{suffix}": mean,
                    f"lower{suffix}": mean - z * se,
                    f"upper{suffix}": mean + z * se,
                    f"se{suffix}": se,
                }
            row["observed"] = gap == 0
            rows.append(row)
        return pl.DataFrame(rows)

    def change(self, state: str, from_session: int, to_session: int, *, n_draws: int = 4000) -> dict[str, Any]:
        """The change of ``state``'s ideal point between two sessions, with an interval from joint draws.

        See :func:`polycentric.models._change.state_change` (1-D fits only): the two
        ideal points are drawn jointly from the Laplace posterior of the state's
        trajectory, so the interval accounts for their correlation.
        """
        self._check_fitted()
        if self.dims != 1:
            raise ModelError("changes with joint intervals are available for 1-D fits only")
        return state_change(
            self.ideal_points_,
            state,
            from_session,
            to_session,
            random_walk_sd=self.random_walk_sd_,
            interval=self.interval,
            n_draws=n_draws,
            random_state=self.random_state if self.random_state is not None else 0,
        )

    def _theta_for(self, states: list[str], session: int) -> NDArray[np.float64]:
        at = self.ideal_points_at(session, states)
        known = dict(
            zip(
                at["state"].to_list(),
                at.select([c for c in at.columns if c.startswith("ideal_point")]).to_numpy(),
                strict=True,
            )
        )
        missing = [s for s in states if s not in known]
        if missing:
            raise InsufficientDataError(f"no ideal point for {', '.join(missing[:5])} at or before session {session}")
        return np.array([known[s] for s in states])

    def fit_rollcall(
        self,
        votes: pl.DataFrame,
        session: int,
        *,
        n_steps: int = 25,
    ) -> dict[str, float]:
        """Item parameters of a new roll call from some revealed votes, ideal points held fixed.

        ``votes`` has ``state`` and ``vote`` (Y/A/N; X ignored). The ideal points are
        those of ``session`` (:meth:`ideal_points_at`). Returns ``cutpoint_no``,
        ``cutpoint_yes``, ``discrimination`` (and ``discrimination_2``) for
        :meth:`predict_proba`.
        """
        return _predict.fit_rollcall(self, votes, session, n_steps)

    def predict_proba(
        self,
        rollcall_ids: list[int] | None = None,
        *,
        states: list[str] | None = None,
        items: dict[str, float] | None = None,
        session: int | None = None,
    ) -> pl.DataFrame:
        """Probabilities of Yes, Abstain and No.

        Either for fitted roll calls (``rollcall_ids``; the states' ideal points at
        each roll call's session) or for a new roll call described by ``items``
        (from :meth:`fit_rollcall`) at ``session``. ``states`` defaults to every
        state with an ideal point then.

        Returns columns ``rollcall_id`` (null for ``items``), ``state``, ``p_yes``,
        ``p_abstain``, ``p_no``.
        """
        return _predict.predict_proba(self, rollcall_ids, states, items, session)

    # ------------------------------------------------------------------ persistence

    def save(self, folder: str | Path) -> Path:
        """Write the fit to ``folder`` (``ideal_points.parquet``, ``items.parquet``, ``bridges.parquet``, ``model.json``)."""
        self._check_fitted()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.ideal_points_.write_parquet(folder / "ideal_points.parquet")
        self.items_.write_parquet(folder / "items.parquet")
        self.bridges_.write_parquet(folder / "bridges.parquet")
        meta = {
            "params": self.get_params(),
            "random_walk_sd_": self.random_walk_sd_,
            "n_iter_": self.n_iter_,
            "converged_": self.converged_,
            "log_likelihood_": self.log_likelihood_,
            "n_votes_": self.n_votes_,
            "fit_seconds_": self.fit_seconds_,
        }
        (folder / "model.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        return folder

    @staticmethod
    def load_results(folder: str | Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
        """Read what :meth:`save` wrote: ``(ideal_points, items, meta)``."""
        folder = Path(folder)
        if not (folder / "ideal_points.parquet").is_file():
            raise NotFittedError(f"no saved ideal points in {folder}: run `polycentric idealpoints fit` first")
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        return pl.read_parquet(folder / "ideal_points.parquet"), pl.read_parquet(folder / "items.parquet"), meta
