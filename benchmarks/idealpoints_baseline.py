"""Baseline for benchmarks/idealpoints.py: a static ordinal (ordered-probit) fit per session.

Joint MAP of the session's ideal points and item parameters (cutpoints
``kappa_1 = c - exp(l)/2``, ``kappa_2 = c + exp(l)/2``, discrimination ``beta``;
priors N(0, 1) on theta, N(0, 5^2) on c, N(0, 1) on beta) by
``scipy.optimize.minimize(method="L-BFGS-B")`` with an analytic gradient; each
session's solution is oriented so that the USA is positive. No dynamics, no
bridges: the generic way to fit this likelihood.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy.optimize import minimize
from scipy.special import log_ndtr, ndtr

_CODE = {"N": 0, "A": 1, "Y": 2}


def _session(v: pl.DataFrame) -> tuple[list[str], np.ndarray, int, bool]:
    states = sorted(v["state"].unique().to_list())
    si = {s: i for i, s in enumerate(states)}
    rcs = {r: i for i, r in enumerate(sorted(v["rollcall_id"].unique().to_list()))}
    unit = np.array([si[s] for s in v["state"].to_list()])
    item = np.array([rcs[r] for r in v["rollcall_id"].to_list()])
    y = v["vote"].replace_strict(_CODE).to_numpy()
    n, j = len(states), len(rcs)

    def f(x: np.ndarray) -> tuple[float, np.ndarray]:
        th, c, lg, b = x[:n], x[n : n + j], x[n + j : n + 2 * j], x[n + 2 * j :]
        gap = np.exp(lg)
        eta = b[item] * th[unit]
        k1 = c[item] - gap[item] / 2 - eta
        k2 = c[item] + gap[item] / 2 - eta
        lo = np.where(y == 0, -np.inf, np.where(y == 1, k1, k2))
        hi = np.where(y == 0, k1, np.where(y == 1, k2, np.inf))
        p = np.clip(ndtr(hi) - ndtr(lo), 1e-300, None)
        ll = np.where(y == 2, log_ndtr(-k2), np.where(y == 0, log_ndtr(k1), np.log(p)))
        phi_lo = np.where(np.isfinite(lo), np.exp(-0.5 * np.where(np.isfinite(lo), lo, 0) ** 2), 0) / np.sqrt(2 * np.pi)
        phi_hi = np.where(np.isfinite(hi), np.exp(-0.5 * np.where(np.isfinite(hi), hi, 0) ** 2), 0) / np.sqrt(2 * np.pi)
        pr = np.exp(ll)
        d_lo, d_hi = phi_lo / pr, phi_hi / pr  # dll/dlo = -phi_lo/P, dll/dhi = phi_hi/P
        d_eta = d_lo - d_hi
        d_k1 = np.where(y == 0, d_hi, np.where(y == 1, -d_lo, 0.0))
        d_k2 = np.where(y == 1, d_hi, np.where(y == 2, -d_lo, 0.0))
        g_th = np.bincount(unit, b[item] * d_eta, n) - th
        g_b = np.bincount(item, th[unit] * d_eta, j) - b
        g_c = np.bincount(item, d_k1 + d_k2, j) - c / 25
        g_l = np.bincount(item, (d_k2 - d_k1) * gap[item] / 2, j)
        obj = ll.sum() - 0.5 * (th @ th + b @ b + c @ c / 25)
        return -obj, -np.concatenate([g_th, g_c, g_l, g_b])

    x0 = np.concatenate([np.zeros(n), np.zeros(j), np.full(j, -1.0), np.zeros(j)])
    # data-based start: agreement with the session's first principal direction is left to the optimiser;
    # theta starts at the share of Yes votes (centred) to break the sign symmetry
    share = np.bincount(unit, (y == 2).astype(float), n) / np.bincount(unit, minlength=n)
    x0[:n] = share - share.mean()
    res = minimize(f, x0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    theta = res.x[:n]
    if "USA" in si and theta[si["USA"]] < 0:
        theta = -theta
    return states, theta, int(res.nit), bool(res.success)


def static_fit(votes: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Per-session static ordinal fits; returns ``state, session, ideal_point`` and counts."""
    v = votes.filter(pl.col("vote").is_in(list(_CODE)))
    frames, iters, failed = [], 0, 0
    for (session,), part in v.group_by(["session_number"], maintain_order=True):
        keep = part.group_by("rollcall_id").agg(pl.col("vote").n_unique().alias("k")).filter(pl.col("k") > 1)
        part = part.join(keep.select("rollcall_id"), on="rollcall_id", how="semi")
        if part.height == 0:
            continue
        states, theta, nit, ok = _session(part)
        iters += nit
        failed += not ok
        frames.append(pl.DataFrame({"state": states, "session": [int(session)] * len(states), "ideal_point": theta}))
    out = pl.concat(frames).with_columns(pl.col("session").cast(pl.Int32))
    return out, {"iterations": iters, "sessions_not_converged": failed}
