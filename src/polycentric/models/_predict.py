"""Predictions of a fitted ideal-point model (private): a new roll call's items, vote probabilities.

The bodies of :meth:`IdealPointModel.fit_rollcall` and :meth:`IdealPointModel.predict_proba`
(see their docstrings).

Dependency rule: imports numpy, scipy, polars, ``polycentric.errors``, ``polycentric.models._ordinal``
and ``polycentric.models._design``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy.stats import norm

from polycentric.errors import InsufficientDataError, ModelError
from polycentric.models import _ordinal as core
from polycentric.models._design import VOTE_TO_CODE

__all__ = ["fit_rollcall", "predict_proba"]


def fit_rollcall(model: Any, votes: pl.DataFrame, session: int, n_steps: int) -> dict[str, float]:
    """Item parameters of a new roll call from revealed votes, the ideal points of ``session`` held fixed."""
    model._check_fitted()
    v = votes.filter(pl.col("vote").is_in(list(VOTE_TO_CODE)))
    if v.height == 0:
        raise InsufficientDataError("no Yes/Abstain/No votes revealed for this roll call")
    theta = model._theta_for(v["state"].to_list(), session)
    code = np.array([VOTE_TO_CODE[x] for x in v["vote"].to_list()], dtype=np.int8)
    obs = core.Observations.from_codes(np.arange(v.height), np.zeros(v.height, dtype=np.intp), code, v.height, 1)
    counts = np.array([u.size for u in obs.unit], dtype=float)  # Y, N, A
    tied = np.array([counts[2] == 0])
    p_no = np.clip(counts[1] / counts.sum(), 0.005, 0.995)
    p_na = np.clip((counts[1] + counts[2]) / counts.sum(), 0.005, 0.995)
    k1, k2 = float(norm.ppf(p_no)), float(norm.ppf(p_na))
    c = np.array([k1 if tied[0] else 0.5 * (k1 + k2)])
    g = np.array([0.0 if tied[0] else max(k2 - k1, core.MIN_GAP)])
    beta = np.zeros((1, model.dims))
    priors = core.Priors(cutpoint_sd=model.cutpoint_sd, discrimination_sd=model.discrimination_sd)
    for _ in range(n_steps):
        beta, c, g, _ = core.item_step(obs, core.terms(obs, theta, beta, c, g), theta, beta, c, g, tied, priors)
    out = {"cutpoint_no": float(c[0] - 0.5 * g[0]), "cutpoint_yes": float(c[0] + 0.5 * g[0])}
    for k in range(model.dims):
        out[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] = float(beta[0, k])
    return out


def predict_proba(
    model: Any,
    rollcall_ids: list[int] | None,
    states: list[str] | None,
    items: dict[str, float] | None,
    session: int | None,
) -> pl.DataFrame:
    """Probabilities of Yes, Abstain and No for fitted roll calls or a new one (``items``)."""
    model._check_fitted()
    des = model._des
    frames = []
    specs: list[tuple[int | None, int, dict[str, float]]]
    if items is not None:
        if session is None:
            raise ModelError("predict_proba(items=...) needs the session")
        specs = [(None, session, items)]
    else:
        if rollcall_ids is None:
            raise ModelError("give rollcall_ids or items")
        specs = []
        for rid in rollcall_ids:
            j = des.item_of(int(rid))
            if j is None:
                raise ModelError(f"roll call {rid} was not fitted (unanimous, filtered or unknown)")
            sess = int(des.rollcall_session[np.searchsorted(des.rollcall_ids, rid)])
            spec = {
                "cutpoint_no": float(model.cut_center_[j] - 0.5 * model.cut_gap_[j]),
                "cutpoint_yes": float(model.cut_center_[j] + 0.5 * model.cut_gap_[j]),
            }
            for k in range(model.dims):
                spec[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] = float(model.beta_[j, k])
            specs.append((int(rid), sess, spec))
    for rid_out, sess_out, spec_out in specs:
        at = model.ideal_points_at(sess_out, states)
        th = at.select([f"ideal_point{'' if k == 0 else f'_{k + 1}'}" for k in range(model.dims)]).to_numpy()
        b = np.array([spec_out[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] for k in range(model.dims)])
        k1, k2 = spec_out["cutpoint_no"], spec_out["cutpoint_yes"]
        p = core.probabilities(th @ b, np.array(0.5 * (k1 + k2)), np.array(k2 - k1))
        frames.append(
            pl.DataFrame(
                {
                    "rollcall_id": pl.Series([rid_out] * at.height, dtype=pl.Int64),
                    "state": at["state"],
                    "p_yes": p[:, 0],
                    "p_abstain": p[:, 1],
                    "p_no": p[:, 2],
                }
            )
        )
    return pl.concat(frames)
