"""The forecaster's item-response part: a penalised joint-ML two-dimensional ordinal logit on a window.

``P(v ≤ k) = σ(κ_k − a_j·θ_i)`` with N < A < Y (the ordinal item-response model of Bailey, Strezhnev &
Voeten 2017, static within a short window), fitted by L-BFGS with analytic gradients; or the ideal points
and item parameters of :class:`polycentric.models.idealpoints.IdealPointModel` (probit link).

References
----------
Bailey, M. A., Strezhnev, A., & Voeten, E. (2017). Estimating dynamic state preferences from United Nations
voting data. *Journal of Conflict Resolution* 61(2), 430–456.

Dependency rule: numpy, scipy and ``polycentric.models._corpus``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from polycentric.models._corpus import _Corpus


def _ordinal_probs(eta: np.ndarray, cut: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """P(Y), P(A), P(N) under the ordinal logit with cut-points ``cut`` < ``cut + gap``."""
    from scipy.special import expit

    f1 = expit(cut - eta)
    f2 = expit(cut + gap - eta)
    return np.stack([1.0 - f2, f2 - f1, f1], axis=-1)


@dataclass
class _IRT:
    """Penalised joint-ML ordinal logit: ``P(v ≤ k) = σ(κ_k − a_j·θ_i)``, N < A < Y."""

    theta: np.ndarray  # (n_states, d)
    a: np.ndarray  # (n_items_window, d)
    cut: np.ndarray
    log_gap: np.ndarray
    item_index: np.ndarray  # corpus item indices in the window
    link: str = "logit"  # "logit" (internal fit) or "probit" (IdealPointModel)

    @classmethod
    def from_ideal_point_model(cls, model: Any, corpus: _Corpus, cutoff: int) -> tuple[_IRT, np.ndarray]:
        """Ideal points at the last session before the cut-off and every fitted item, from an ``IdealPointModel``.

        Returns the IRT block and the (cutoff,) map from corpus items to its rows (-1: not fitted).
        """
        last = int(corpus.item_session[cutoff - 1])
        dims = int(model.dims)
        names = ["ideal_point"] + [f"ideal_point_{k + 1}" for k in range(1, dims)]
        at = model.ideal_points_at(last)
        index = {s: i for i, s in enumerate(corpus.states)}
        theta = np.zeros((corpus.states.size, dims))
        for row in at.select("state", *names).iter_rows():
            if row[0] in index:
                theta[index[row[0]]] = row[1:]
        items = model.items_.explode("rollcall_ids")
        position = {int(r): i for i, r in enumerate(corpus.item_ids[:cutoff])}
        rows = np.full(cutoff, -1, dtype=np.int64)
        disc = ["discrimination"] + [f"discrimination_{k + 1}" for k in range(1, dims)]
        a_list: list[Any] = []
        cut_list: list[float] = []
        gap_list: list[float] = []
        members: list[int] = []
        for rec in items.select("rollcall_ids", "cutpoint_no", "cutpoint_yes", *disc).iter_rows():
            j = position.get(int(rec[0]))
            if j is None:
                continue
            rows[j] = len(members)
            members.append(j)
            cut_list.append(rec[1])
            gap_list.append(max(rec[2] - rec[1], 1e-6))
            a_list.append(rec[3:])
        irt = cls(
            theta=theta,
            a=np.asarray(a_list, dtype=float).reshape(-1, dims),
            cut=np.asarray(cut_list, dtype=float),
            log_gap=np.log(np.asarray(gap_list, dtype=float)),
            item_index=np.asarray(members, dtype=np.int64),
            link="probit",
        )
        return irt, rows

    @classmethod
    def fit(
        cls,
        codes: np.ndarray,
        item_index: np.ndarray,
        n_dims: int,
        theta0: np.ndarray | None = None,
        max_iter: int = 80,
    ) -> _IRT:
        """Fit on ``codes[item_index]`` (Y/A/N cells only); prior N(0,1) on θ, N(0,2²) on a."""
        from scipy.optimize import minimize
        from scipy.special import expit

        y = codes[item_index]
        present = (y >= 0) & (y <= 2)
        n_i, n_s = y.shape
        d = n_dims
        score = np.where(y == 0, 1.0, np.where(y == 2, -1.0, 0.0)) * present
        if theta0 is None:
            centred = score - score.sum(1, keepdims=True) / np.maximum(present.sum(1, keepdims=True), 1)
            centred *= present
            _, _, vt = np.linalg.svd(centred, full_matrices=False)
            theta0 = vt[:d].T * np.sqrt(n_s)
            theta0 /= theta0.std(0, keepdims=True) + 1e-9
        a0 = np.linalg.lstsq(theta0, (score - score.mean(1, keepdims=True)).T, rcond=None)[0].T * 0.5
        p_yes = (((y == 0) & present).sum(1) + 1) / (present.sum(1) + 3)
        p_no = (((y == 2) & present).sum(1) + 1) / (present.sum(1) + 3)
        cut0 = np.log(p_no / (1 - p_no))
        gap0 = np.log(np.maximum(np.log((1 - p_yes) / p_yes) - cut0, 0.2))
        is_n, is_a, is_y = (y == 2) & present, (y == 1) & present, (y == 0) & present

        def unpack(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
            o = 0
            th = x[o : o + n_s * d].reshape(n_s, d)
            o += n_s * d
            aa = x[o : o + n_i * d].reshape(n_i, d)
            o += n_i * d
            return th, aa, x[o : o + n_i], x[o + n_i : o + 2 * n_i]

        w_n, w_a, w_y = is_n.astype(float), is_a.astype(float), is_y.astype(float)

        def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
            th, aa, c, lg = unpack(x)
            gap = np.exp(lg)
            eta = aa @ th.T
            f1 = expit(c[:, None] - eta)
            f2 = expit((c + gap)[:, None] - eta)
            dens = np.maximum(f2 - f1, 1e-12)
            # log-likelihood of each cell: log F1 (N), log(F2 − F1) (A), log(1 − F2) (Y)
            ll = w_n * np.log(np.maximum(f1, 1e-12)) + w_a * np.log(dens) + w_y * np.log(np.maximum(1.0 - f2, 1e-12))
            g1 = f1 * (1 - f1)
            g2 = f2 * (1 - f2)
            a_ratio1 = w_a * g1 / dens
            a_ratio2 = w_a * g2 / dens
            d_k1 = w_n * (1 - f1) - a_ratio1
            d_k2 = a_ratio2 - w_y * f2
            d_eta = -(d_k1 + d_k2)
            nll = -ll.sum() + 0.5 * (th**2).sum() + 0.125 * (aa**2).sum() + 0.05 * (c**2).sum() + 0.5 * (lg**2).sum()
            g_th = -(d_eta.T @ aa) + th
            g_a = -(d_eta @ th) + 0.25 * aa
            g_c = -(d_k1.sum(1) + d_k2.sum(1)) + 0.1 * c
            g_lg = -(d_k2.sum(1) * gap) + lg
            return float(nll), np.concatenate([g_th.ravel(), g_a.ravel(), g_c, g_lg])

        x0 = np.concatenate([theta0.ravel(), a0.ravel(), cut0, gap0])
        res = minimize(objective, x0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
        th, aa, c, lg = unpack(res.x)
        return cls(theta=th, a=aa, cut=c, log_gap=lg, item_index=np.asarray(item_index))

    def probs(self, window_rows: np.ndarray, state_cols: np.ndarray) -> np.ndarray:
        """(len(window_rows), len(state_cols), 3) Y/A/N probabilities."""
        eta = self.a[window_rows] @ self.theta[state_cols].T
        cut = self.cut[window_rows][:, None]
        gap = np.exp(self.log_gap[window_rows])[:, None]
        if self.link == "probit":
            from scipy.stats import norm

            f1, f2 = norm.cdf(cut - eta), norm.cdf(cut + gap - eta)
            return np.stack([1.0 - f2, f2 - f1, f1], axis=-1)
        return _ordinal_probs(eta, cut, gap)
