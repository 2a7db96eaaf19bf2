"""Pieces of the ideal-point fit (private): the pooled standardisation, SQUAREM's parameter vector,
warm starts, the empirical-Bayes random-walk update and the items' estimation error.

Used by :meth:`polycentric.models.idealpoints.IdealPointModel.fit`; see its docstring
for the model.

Dependency rule: imports numpy, ``polycentric.errors``, ``polycentric.models._ordinal``
and ``polycentric.models._design``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from polycentric.errors import ModelError
from polycentric.models import _ordinal as core
from polycentric.models._design import Design

__all__ = ["Params", "item_uncertainty", "standardise", "update_random_walk", "warm_start"]


def standardise(
    theta: NDArray[np.float64], beta: NDArray[np.float64], c: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Rescale ideal points to pooled mean 0 and sd 1 per dimension, compensating the items exactly.

    ``beta . theta - kappa`` is unchanged: ``theta' = (theta - m) / s``,
    ``beta' = beta * s``, ``c' = c - beta . m`` (BSV's scale identification).
    """
    m = theta.mean(axis=0)
    s = theta.std(axis=0)
    s = np.where(s > 0, s, 1.0)
    return (theta - m) / s, beta * s, c - beta @ m


@dataclass
class Params:
    """All free parameters of one fit (for the SQUAREM extrapolation)."""

    theta: NDArray[np.float64]
    beta: NDArray[np.float64]
    c: NDArray[np.float64]
    g: NDArray[np.float64]
    theta_var: NDArray[np.float64] | None = None
    beta_var: NDArray[np.float64] | None = None

    def flat(self) -> NDArray[np.float64]:
        return np.concatenate([self.theta.ravel(), self.beta.ravel(), self.c, self.g])

    @classmethod
    def unflat(cls, x: NDArray[np.float64], like: Params, tied: NDArray[np.bool_]) -> Params:
        n_t, n_b, n_c = like.theta.size, like.beta.size, like.c.size
        theta = x[:n_t].reshape(like.theta.shape)
        beta = x[n_t : n_t + n_b].reshape(like.beta.shape)
        c = x[n_t + n_b : n_t + n_b + n_c]
        g = np.where(tied, 0.0, np.maximum(x[n_t + n_b + n_c :], core.MIN_GAP))
        return cls(theta, beta, c, g, like.theta_var, like.beta_var)


def item_uncertainty(
    obs: core.Observations,
    state: Params,
    tied: NDArray[np.bool_],
    priors: core.Priors,
    qdiag: NDArray[np.float64],
    qoff: NDArray[np.float64],
    *,
    item_draws: int,
    variational: bool,
    random_state: int | None,
) -> NDArray[np.float64]:
    """The part of the ideal points' variance due to the items' estimation error, by simulation.

    Draws ``item_draws`` sets of item parameters from their Laplace
    posterior ``N(z_hat, (-H_z)^-1)`` (per item, given the ideal points),
    moves the ideal points to their conditional mode given each draw (one
    joint Newton step from the fit: the linearised map ``-H_tt^-1 H_tz``),
    standardises as the fit does, and returns the covariance of those
    ideal points over the draws (``(n, d, d)``). By the law of total
    variance the interval's variance is the Laplace variance given the
    items plus this term (items drawn independently of each other, as in
    the block-diagonal item Hessian).
    """
    theta, beta, c, g = state.theta, state.beta, state.c, state.g
    ts = core.terms(obs, theta, beta, c, g)
    *_, cov = core.item_step(
        obs, ts, theta, beta, c, g, tied, priors, theta_var=state.theta_var if variational else None
    )
    beta_var = cov[:, 2:, 2:] if variational else None
    cov = cov.copy()
    cov[tied, 1, :] = 0.0
    cov[tied, :, 1] = 0.0
    cov[tied, 1, 1] = 1.0  # frozen gap: its draw is discarded below
    chol = np.linalg.cholesky(cov)
    rng = np.random.default_rng(random_state)
    draws = np.empty((item_draws, *theta.shape))
    for k in range(item_draws):
        z = np.einsum("nij,nj->ni", chol, rng.standard_normal(cov.shape[:2]))
        cb = c + z[:, 0]
        gb = np.where(tied, 0.0, np.maximum(g + z[:, 1], core.MIN_GAP))
        bb = beta + z[:, 2:]
        th, _ = core.theta_step(obs, core.terms(obs, theta, bb, cb, gb), theta, bb, qdiag, qoff, beta_var=beta_var)
        draws[k] = standardise(th, bb, cb)[0]
    dev = draws - draws.mean(axis=0)
    return np.asarray(np.einsum("bni,bnj->nij", dev, dev) / max(item_draws - 1, 1), dtype=np.float64)


def warm_start(
    init: Any,
    des: Design,
    theta: NDArray[np.float64],
    beta: NDArray[np.float64],
    c: NDArray[np.float64],
    g: NDArray[np.float64],
    tied: NDArray[np.bool_],
    dims: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Start values taken from a previous fit ``init`` wherever the same state-session or roll call appears."""
    init._check_fitted()
    if init.dims != dims:
        raise ModelError("init must have the same number of dimensions")
    old = init._des
    old_units = {
        (old.states[s], int(t)): k for k, (s, t) in enumerate(zip(old.unit_state, old.unit_session, strict=True))
    }
    theta = theta.copy()
    last: dict[str, NDArray[np.float64]] = {}
    for k, (s, t) in enumerate(zip(des.unit_state, des.unit_session, strict=True)):
        state = des.states[s]
        j = old_units.get((state, int(t)))
        if j is not None:
            theta[k] = init.theta_[j]
            last[state] = init.theta_[j]
        elif state in last:  # a new session of a known state: the random walk's mean
            theta[k] = last[state]
    beta, c, g = beta.copy(), c.copy(), g.copy()
    for i, first in enumerate(des.item_first_rollcall):
        j = old.item_of(int(first))
        if j is not None:
            beta[i] = init.beta_[j]
            c[i] = init.cut_center_[j]
            g[i] = 0.0 if tied[i] else max(float(init.cut_gap_[j]), core.MIN_GAP)
    return theta, beta, c, g


def update_random_walk(
    chain: core.Chain,
    obs: core.Observations,
    theta: NDArray[np.float64],
    beta: NDArray[np.float64],
    c: NDArray[np.float64],
    g: NDArray[np.float64],
    qdiag: NDArray[np.float64],
    qoff: NDArray[np.float64],
) -> float:
    """EM update of omega^2: mean over steps of E[(theta_t - theta_t')^2] / (t - t') per dimension."""
    w = core.information(obs, core.terms(obs, theta, beta, c, g), beta)
    sigma, lag = core.chain_covariances(chain, w, qdiag, qoff)
    steps = np.flatnonzero(chain.prev_gap > 0)
    diff = theta[steps] - theta[steps - 1]
    var = np.einsum("nkk->nk", sigma)
    lagv = np.einsum("nkk->nk", lag)
    e2 = diff**2 + var[steps] + var[steps - 1] - 2.0 * lagv[steps]
    return float(np.sqrt(np.mean(e2 / chain.prev_gap[steps, None])))
