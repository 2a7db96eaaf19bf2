"""Pole counts that do not flicker: bootstrap support and a rule for changes between sessions (private).

The number of poles of one session, chosen by BIC on a Gaussian mixture of the
states' ideal points (:func:`polycentric.models.polarity.ideal_point_poles`),
swings between neighbouring sessions when two counts score almost alike, and BIC
counts mixture components, which also model the skewed shape of one cloud of
states. Here:

0. **ICL instead of BIC** (Biernacki, Celeux & Govaert 2000): BIC plus twice the
   entropy of the memberships, so a count is preferred only when its poles are
   separated (each state clearly in one pole).

1. **Bootstrap support.** For each session, ``n_boot`` resamples of its states
   (drawn with replacement, each ideal point also redrawn from its posterior
   ``N(ideal_point, se^2)`` so that estimation noise counts too) each get their
   ICL-best count of 1..``max_poles``; the support of ``k`` is the share of
   resamples choosing it (Efron 1979; the "bootstrap support" of a model choice
   as in Felsenstein 1985).
2. **Neighbouring sessions.** The support is averaged over a window of
   ``2 * window + 1`` sessions centred on the session (the count should describe
   a period, not one noisy session).
3. **Changes only with support** (hysteresis). The first session takes the
   count with the largest support. Afterwards the count carries over from the
   previous session while its support stays at or above ``keep_support``;
   otherwise it moves to the count with the largest support.

The mixture in one dimension (the default 1-D fit) is a vectorised EM over all
resamples at once (tied variance, starts at the means of equal-count slices,
as :func:`~polycentric.models.polarity.ideal_point_poles` does), so a whole
1946–2025 series takes seconds.

Dependency rule: imports numpy and polars only.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

__all__ = ["icl_counts_1d", "stable_pole_counts"]

_LOG_2PI = float(np.log(2.0 * np.pi))


def _mixture_icl_1d(x: NDArray[np.float64], k: int, n_iter: int = 40, reg: float = 1e-4) -> NDArray[np.float64]:
    """ICL of a ``k``-component tied-variance Gaussian mixture fitted by EM to each row of ``x`` (``(B, n)``).

    ``ICL = BIC + 2 * sum_i sum_k (-r_ik log r_ik)`` (Biernacki, Celeux & Govaert 2000, *IEEE TPAMI*
    22(7)), with ``BIC = -2 log L + 2k log n``: BIC plus twice the entropy of the
    memberships, so overlapping components (which model the shape of one
    skewed cloud rather than separate poles) are penalised; lower is better.
    """
    b, n = x.shape
    if k == 1:  # closed form: one Gaussian, memberships certain
        var1 = x.var(axis=1) + reg
        loglik1 = -0.5 * n * (np.log(var1) + _LOG_2PI + 1.0)
        return np.asarray(-2.0 * loglik1 + 2.0 * np.log(n), dtype=np.float64)
    xs = np.sort(x, axis=1)
    # start: means of k equal-count slices of the sorted points
    edges = np.linspace(0, n, k + 1).astype(int)
    mu = np.stack([xs[:, edges[i] : max(edges[i + 1], edges[i] + 1)].mean(axis=1) for i in range(k)], axis=1)
    var = np.full(b, x.var(axis=1) / k**2 + reg)
    w = np.full((b, k), 1.0 / k)
    loglik = np.zeros(b)
    r = np.full((b, n, k), 1.0 / k)
    for _ in range(n_iter):
        d = x[:, :, None] - mu[:, None, :]  # (B, n, k)
        logp = -0.5 * (d * d) / var[:, None, None] - 0.5 * (np.log(var)[:, None, None] + _LOG_2PI)
        logp += np.log(np.maximum(w, 1e-300))[:, None, :]
        top = logp.max(axis=2, keepdims=True)
        lse = top[..., 0] + np.log(np.exp(logp - top).sum(axis=2))
        new_loglik = lse.sum(axis=1)
        r = np.exp(logp - lse[..., None])
        nk = r.sum(axis=1) + 1e-12
        w = nk / n
        mu = (r * x[:, :, None]).sum(axis=1) / nk
        d = x[:, :, None] - mu[:, None, :]
        var = (r * d * d).sum(axis=(1, 2)) / n + reg
        if np.all(np.abs(new_loglik - loglik) < 1e-4 * n):
            loglik = new_loglik
            break
        loglik = new_loglik
    n_params = 2 * k  # k means, k - 1 weights, one variance
    entropy = -(r * np.log(np.maximum(r, 1e-300))).sum(axis=(1, 2))
    return np.asarray(-2.0 * loglik + n_params * np.log(n) + 2.0 * entropy, dtype=np.float64)


def icl_counts_1d(x: NDArray[np.float64], max_poles: int = 6) -> NDArray[np.intp]:
    """The ICL-best number of components (1..``max_poles``) for each row of ``x`` (``(B, n)``)."""
    n = x.shape[1]
    top = min(max_poles, n // 3 if n >= 6 else 1)
    bics = np.stack([_mixture_icl_1d(x, k) for k in range(1, top + 1)], axis=1)
    return np.asarray(np.argmin(bics, axis=1) + 1, dtype=np.intp)


def stable_pole_counts(
    ideal_points: pl.DataFrame,
    *,
    n_boot: int = 30,
    max_poles: int = 5,
    window: int = 1,
    keep_support: float = 0.25,
    random_state: int = 0,
) -> pl.DataFrame:
    """Per session: the ICL pole count, its bootstrap support, and the stable count.

    Parameters
    ----------
    ideal_points
        1-D ideal points (``state``, ``session``, ``ideal_point``; ``se`` optional:
        without it the resamples redraw states only).
    n_boot
        Bootstrap resamples per session.
    max_poles
        Largest count considered.
    window
        Sessions on each side averaged into a session's support.
    keep_support
        The previous session's count is kept while its (windowed) support is at
        least this.

    Returns
    -------
    polars.DataFrame
        ``session``, ``n_poles_icl`` (the count on the session's own ideal
        points), ``n_poles`` (the stable count), ``support`` (windowed bootstrap
        support of ``n_poles``), ``support_session`` (its support in the
        session's own resamples), ``modal`` (the count with the largest windowed
        support) and ``changed`` (the stable count differs from the previous
        session's).
    """
    rng = np.random.default_rng(random_state)
    sessions = sorted(ideal_points["session"].unique().to_list())
    has_se = "se" in ideal_points.columns
    own, support = [], []
    for s in sessions:
        rows = ideal_points.filter(pl.col("session") == s)
        x = rows["ideal_point"].to_numpy().astype(np.float64)
        n = x.size
        own.append(int(icl_counts_1d(x[None, :], max_poles)[0]) if n >= 2 else 1)
        if n < 2:
            support.append(np.eye(max_poles)[0])
            continue
        idx = rng.integers(0, n, size=(n_boot, n))
        xb = x[idx]
        if has_se:
            se = rows["se"].fill_null(0.0).to_numpy().astype(np.float64)
            xb = xb + se[idx] * rng.standard_normal(xb.shape)
        counts = icl_counts_1d(xb, max_poles)
        support.append(np.bincount(counts - 1, minlength=max_poles)[:max_poles] / n_boot)
    sup = np.array(support)
    smooth = np.array([sup[max(0, i - window) : i + window + 1].mean(axis=0) for i in range(len(sessions))]).reshape(
        len(sessions), max_poles
    )
    stable: list[int] = []
    for i in range(len(sessions)):
        modal = int(np.argmax(smooth[i])) + 1
        if stable and smooth[i, stable[-1] - 1] >= keep_support:
            stable.append(stable[-1])
        else:
            stable.append(modal)
    return pl.DataFrame(
        {
            "session": sessions,
            "n_poles_icl": own,
            "n_poles": stable,
            "support": [float(smooth[i, k - 1]) for i, k in enumerate(stable)],
            "support_session": [float(sup[i, k - 1]) for i, k in enumerate(stable)],
            "modal": [int(np.argmax(smooth[i])) + 1 for i in range(len(sessions))],
            "changed": [False] + [stable[i] != stable[i - 1] for i in range(1, len(stable))],
        },
        schema_overrides={"session": pl.Int32, "n_poles_icl": pl.Int32, "n_poles": pl.Int32, "modal": pl.Int32},
    )
