"""Change of a state's ideal point between two sessions, with an interval from joint draws (private).

The posterior of one state's ideal points given the items (the Laplace
approximation of :class:`~polycentric.models.idealpoints.IdealPointModel`) is a
Gaussian with a tridiagonal precision: the random-walk prior couples only a
state's consecutive sessions and the likelihood is diagonal. Such a Gaussian is
a Markov chain, so its full covariance follows from the marginal variances
``se^2`` and the lag-one covariances ``cov_prev`` that the fit stores:

.. math:: \\operatorname{Cov}(\\theta_a, \\theta_c) = \\operatorname{Cov}(\\theta_a, \\theta_b)\\,
          \\sigma_b^{-2}\\,\\operatorname{Cov}(\\theta_b, \\theta_c) \\qquad (a < b < c).

:func:`state_change` draws ``(theta_from, theta_to)`` jointly from that
posterior and reports the difference with a central interval of the draws. A
session in which the state did not vote takes the random walk's prediction from
its latest earlier session (variance grown by ``gap * omega^2``, independent of
the rest). Intervals built from the two marginal intervals would ignore the
positive correlation of neighbouring sessions and overstate the uncertainty of a
change.

Dependency rule: imports numpy, polars and ``polycentric.errors`` only.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import polars as pl

from polycentric.errors import InsufficientDataError, ModelError

__all__ = ["state_change", "state_changes"]


def _chain_cov(se: np.ndarray, cov_prev: np.ndarray, i: int, j: int) -> float:
    """``Cov(theta_i, theta_j)`` (``i <= j``) of a Gaussian Markov chain from its marginal and lag-one covariances."""
    c = float(se[i] ** 2)
    for k in range(i, j):
        c = c * float(cov_prev[k + 1]) / float(se[k] ** 2)
    return c


def _position(rows: pl.DataFrame, session: int, random_walk_sd: float) -> tuple[int, float]:
    """Row index of the state's latest fitted session at or before ``session``, and the extra variance of the gap."""
    sessions = rows["session"].to_numpy()
    k = int(np.searchsorted(sessions, session, side="right")) - 1
    if k < 0:
        raise InsufficientDataError(f"no ideal point for {rows['state'][0]} at or before session {session}")
    return k, float(session - sessions[k]) * random_walk_sd**2


def state_change(
    ideal_points: pl.DataFrame,
    state: str,
    from_session: int,
    to_session: int,
    *,
    random_walk_sd: float,
    interval: float = 0.90,
    n_draws: int = 4000,
    random_state: int | None = 0,
) -> dict[str, Any]:
    """The change of ``state``'s ideal point from ``from_session`` to ``to_session``.

    Parameters
    ----------
    ideal_points
        A 1-D ``IdealPointModel.ideal_points_`` frame (``state``, ``session``,
        ``ideal_point``, ``se``, ``cov_prev``).
    random_walk_sd
        The fit's ``random_walk_sd_`` (for sessions in which the state did not vote).
    interval
        Coverage of the reported interval of the change.
    n_draws, random_state
        Joint draws of the two ideal points.

    Returns
    -------
    dict
        ``state``, ``from_session``, ``to_session``, ``from_ideal_point``,
        ``to_ideal_point``, ``change`` (posterior mean difference), ``se``,
        ``lower``, ``upper`` (central ``interval`` of the drawn differences),
        ``correlation`` (of the two ideal points), ``p_increase`` (share of
        draws with a positive change), ``exceeds_uncertainty`` (the interval
        excludes 0), ``observed_from`` / ``observed_to`` (the state voted then),
        ``n_rollcalls_from`` / ``n_rollcalls_to`` and ``thin`` when those are in
        the frame, ``interval`` and ``n_draws``.
    """
    for col in ("state", "session", "ideal_point", "se", "cov_prev"):
        if col not in ideal_points.columns:
            raise ModelError(f"ideal points need a {col!r} column for changes (refit with this version)")
    if not 0.0 < interval < 1.0:
        raise ModelError("interval must lie strictly between 0 and 1")
    if n_draws < 100:
        raise ModelError("n_draws must be at least 100")
    rows = ideal_points.filter(pl.col("state") == state).sort("session")
    if rows.height == 0:
        raise InsufficientDataError(f"no ideal points for {state}")
    lo_s, hi_s = sorted((from_session, to_session))
    i, extra_i = _position(rows, lo_s, random_walk_sd)
    j, extra_j = _position(rows, hi_s, random_walk_sd)
    se = rows["se"].to_numpy()
    cov_prev = rows["cov_prev"].fill_null(0.0).to_numpy()
    mean = rows["ideal_point"].to_numpy()[[i, j]]
    v_i = float(se[i] ** 2) + extra_i
    v_j = float(se[j] ** 2) + extra_j
    # the same fitted session for both: the later prediction shares the earlier one's random-walk steps
    cov = float(se[i] ** 2) + extra_i if j == i else _chain_cov(se, cov_prev, i, j)
    sigma = np.array([[v_i, cov], [cov, v_j]])
    rng = np.random.default_rng(random_state)
    draws = rng.multivariate_normal(mean, sigma, size=n_draws, method="cholesky")
    if from_session > to_session:
        draws = draws[:, ::-1]
        mean = mean[::-1]
    diff = draws[:, 1] - draws[:, 0]
    q = 0.5 - interval / 2.0
    lower, upper = (float(x) for x in np.quantile(diff, [q, 1.0 - q]))
    out: dict[str, Any] = {
        "state": state,
        "from_session": from_session,
        "to_session": to_session,
        "from_ideal_point": float(mean[0]),
        "to_ideal_point": float(mean[1]),
        "change": float(mean[1] - mean[0]),
        "se": float(diff.std(ddof=1)),
        "lower": lower,
        "upper": upper,
        "correlation": float(cov / np.sqrt(v_i * v_j)),
        "p_increase": float(np.mean(diff > 0)),
        "exceeds_uncertainty": bool(lower > 0 or upper < 0),
        "observed_from": bool(int(rows["session"][i if from_session <= to_session else j]) == from_session),
        "observed_to": bool(int(rows["session"][j if from_session <= to_session else i]) == to_session),
        "interval": interval,
        "n_draws": n_draws,
    }
    if "n_rollcalls" in rows.columns:
        sess = dict(zip(rows["session"].to_list(), rows["n_rollcalls"].to_list(), strict=True))
        out["n_rollcalls_from"] = sess.get(from_session)
        out["n_rollcalls_to"] = sess.get(to_session)
    if "thin" in rows.columns:
        thin = dict(zip(rows["session"].to_list(), rows["thin"].to_list(), strict=True))
        out["thin"] = bool(thin.get(from_session, False) or thin.get(to_session, False))
    return out


def state_changes(
    ideal_points: pl.DataFrame, state: str, *, random_walk_sd: float, interval: float = 0.90, **kwargs: Any
) -> pl.DataFrame:
    """:func:`state_change` between each pair of consecutive sessions in which ``state`` voted (one row each)."""
    rows = ideal_points.filter(pl.col("state") == state).sort("session")
    if rows.height < 2:
        raise InsufficientDataError(f"{state} has fewer than two sessions with ideal points")
    sessions = rows["session"].to_list()
    out = [
        state_change(ideal_points, state, a, b, random_walk_sd=random_walk_sd, interval=interval, **kwargs)
        for a, b in pairwise(sessions)
    ]
    return pl.DataFrame(out, infer_schema_length=None)
