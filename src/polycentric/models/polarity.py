"""Polarity of the General Assembly, session by session: its poles, their number and its polarization.

Two independent readings of each session:

``ideal_points``
    Poles are the components of a Gaussian mixture fitted to the states' ideal
    points, the number of components (1 to ``max_poles``) chosen by the Bayesian
    information criterion (Schwarz 1978); each state belongs to its most probable
    component. The components share one covariance (``tied``), so every pole is a
    convex region of the ideal-point space (an interval in one dimension): with a
    free variance per component, one broad component can gather states from both
    extremes (say the two ends of the line together), which is no pole. Each mixture starts from the means of equal-count slices of the
    sorted ideal points (deterministic, so the poles do not depend on a seed);
    ``n_init > 1`` adds seeded random starts and keeps the best likelihood.
``network``
    Poles are the communities of the signed co-voting network: the weight between
    two states is the mean over the session's roll calls of the product of their
    centred votes (Yes = +1, Abstain = 0, No = -1, minus the roll call's mean), so
    states voting together more than the Assembly at large are linked positively
    and states voting apart negatively. Communities maximise the signed modularity
    of Gómez, Jensen & Arenas (2009, *Phys. Rev. E* 80, 016114), found by
    Newman's (2006, *PNAS* 103(23)) leading-eigenvector bisection, each split kept
    only if it raises the modularity, then refined by single-state moves. The
    method is deterministic (no seed).

Per session and reading: the number of poles, the effective number of poles of
Laakso & Taagepera (1979, *Comparative Political Studies* 12(1)),
``N_eff = 1 / sum_k s_k^2`` over the poles' shares of states ``s_k``, and the
polarization index of Esteban & Ray (1994, *Econometrica* 62(4): 819–851),

.. math:: P_\\alpha = \\sum_k \\sum_l s_k^{1+\\alpha} s_l \\, \\lVert y_k - y_l \\rVert

with ``y_k`` the pole's mean ideal point (``K = 1``). ``alpha`` (default 1.6, the
upper end of the range ``(0, 1.6]`` for which Esteban & Ray's axioms hold) sets
the weight of identification within poles: ``alpha = 0`` gives the Gini-type
mean difference; larger values reward large, homogeneous, distant poles. The
network reading uses the poles' mean ideal points when ideal points are given.

Pole counts (``stable=True``, the default for the ideal-point reading) come from
:mod:`polycentric.models._stable_poles`: the ICL count with bootstrap support,
averaged over neighbouring sessions, changing only when the support says so.
Each pole is named after its leading members ("pole around USA, GBR, FRA").
Every session row carries ``n_rollcalls`` and a ``thin`` flag (fewer than
:data:`~polycentric.models.idealpoints.MIN_ROLLCALLS` roll calls).

Dependency rule: imports numpy, polars, scikit-learn, ``polycentric.errors`` and
``polycentric.models.idealpoints`` (the thin-session minimum).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from polycentric.errors import InputFormatError, InsufficientDataError
from polycentric.models.idealpoints import MIN_ROLLCALLS

__all__ = [
    "Polarity",
    "effective_number_of_poles",
    "esteban_ray",
    "ideal_point_poles",
    "network_poles",
    "plot_polarity",
    "polarity",
    "signed_covoting",
    "signed_modularity",
]

_VOTE_VALUE = {"Y": 1.0, "A": 0.0, "N": -1.0}


def effective_number_of_poles(shares: NDArray[np.float64] | list[float]) -> float:
    """Laakso–Taagepera effective number ``1 / sum s_k^2`` of poles with shares ``s_k`` (normalised to sum 1)."""
    s = np.asarray(shares, dtype=float)
    if s.size == 0 or s.sum() <= 0:
        raise InsufficientDataError("no pole shares")
    s = s / s.sum()
    return float(1.0 / np.sum(s * s))


def esteban_ray(
    shares: NDArray[np.float64] | list[float], positions: NDArray[np.float64] | list[float], alpha: float = 1.6
) -> float:
    """Esteban–Ray (1994) polarization ``sum_k sum_l s_k^(1+alpha) s_l |y_k - y_l|`` (``K = 1``).

    ``positions`` may be ``(k,)`` or ``(k, d)`` (Euclidean distance).
    """
    s = np.asarray(shares, dtype=float)
    s = s / s.sum()
    y = np.asarray(positions, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape[0] != s.size:
        raise InputFormatError("shares and positions differ in length")
    dist = np.sqrt(((y[:, None, :] - y[None, :, :]) ** 2).sum(axis=-1))
    return float(np.sum((s ** (1.0 + alpha))[:, None] * s[None, :] * dist))


# ---------------------------------------------------------------- ideal points


def ideal_point_poles(
    points: NDArray[np.float64],
    *,
    max_poles: int = 6,
    n_init: int = 1,
    random_state: int = 0,
    n_poles: int | None = None,
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Gaussian-mixture poles of ``points`` (``(n,)`` or ``(n, d)``), the number chosen by BIC.

    Returns the pole of each point (poles numbered by increasing mean on the first
    dimension) and the BIC of each candidate number of poles (1..max_poles).
    ``n_poles`` fixes the number instead (the stable count of :func:`polarity`).
    """
    from sklearn.mixture import GaussianMixture

    x = np.asarray(points, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    n = x.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.intp), np.array([0.0])
    best_bic = np.inf
    best_labels = np.zeros(n, dtype=np.intp)
    bics = []
    order = np.argsort(x[:, 0], kind="stable")
    candidates = range(1, min(max_poles, n // 3 if n >= 6 else 1) + 1)
    if n_poles is not None:
        candidates = range(max(1, min(n_poles, n)), max(1, min(n_poles, n)) + 1)
    for k in candidates:
        # deterministic start: the means of k equal-count slices along the first axis,
        # plus ``n_init - 1`` seeded k-means++ starts; the best likelihood wins
        means = np.array([x[chunk].mean(axis=0) for chunk in np.array_split(order, k)])
        fits = [
            GaussianMixture(
                n_components=k, covariance_type="tied", means_init=means, reg_covar=1e-4, random_state=0
            ).fit(x)
        ]
        for r in range(1, n_init):
            fits.append(
                GaussianMixture(
                    n_components=k, covariance_type="tied", reg_covar=1e-4, random_state=random_state + r
                ).fit(x)
            )
        gm = max(fits, key=lambda f: (round(float(f.score(x)), 6), f is fits[0]))
        bic = float(gm.bic(x))
        bics.append(bic)
        if bic < best_bic - 1e-9:
            best_bic = bic
            best_labels = gm.predict(x)
    # renumber poles by increasing mean of the first coordinate
    uniq = np.unique(best_labels)
    order = np.argsort([x[best_labels == u, 0].mean() for u in uniq])
    remap = {int(uniq[o]): i for i, o in enumerate(order)}
    return np.array([remap[int(lab)] for lab in best_labels], dtype=np.intp), np.array(bics)


# ---------------------------------------------------------------- network


def signed_covoting(votes: pl.DataFrame) -> tuple[list[str], NDArray[np.float64]]:
    """States and the signed co-voting matrix of one set of roll calls.

    ``W_ij`` is the mean over roll calls both voted on of ``x_i x_j`` with
    ``x = vote - mean vote of the roll call`` (Yes = +1, Abstain = 0, No = -1; X
    is missing). The diagonal is zero.
    """
    v = votes.filter(pl.col("vote").is_in(list(_VOTE_VALUE))).select(
        "rollcall_id", "state", pl.col("vote").replace_strict(_VOTE_VALUE, return_dtype=pl.Float64).alias("x")
    )
    v = v.with_columns((pl.col("x") - pl.col("x").mean().over("rollcall_id")).alias("x"))
    states = sorted(v["state"].unique().to_list())
    rcs = v["rollcall_id"].unique().sort().to_list()
    si = {s: i for i, s in enumerate(states)}
    ri = {r: i for i, r in enumerate(rcs)}
    mat = np.zeros((len(states), len(rcs)))
    present = np.zeros_like(mat)
    rows = np.array([si[s] for s in v["state"].to_list()], dtype=np.intp)
    cols = np.array([ri[r] for r in v["rollcall_id"].to_list()], dtype=np.intp)
    mat[rows, cols] = v["x"].to_numpy()
    present[rows, cols] = 1.0
    common = present @ present.T
    w = (mat @ mat.T) / np.maximum(common, 1.0)
    np.fill_diagonal(w, 0.0)
    return states, w


def signed_modularity(w: NDArray[np.float64], labels: NDArray[np.intp]) -> float:
    """Signed modularity of Gómez, Jensen & Arenas (2009) of a partition of the weighted signed graph ``w``."""
    b, total = _modularity_matrix(w)
    if total <= 0:
        return 0.0
    same = labels[:, None] == labels[None, :]
    return float(b[same].sum() / total)


def _modularity_matrix(w: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    wp = np.where(w > 0, w, 0.0)
    wn = np.where(w < 0, -w, 0.0)
    kp = wp.sum(axis=1)
    kn = wn.sum(axis=1)
    mp = kp.sum()
    mn = kn.sum()
    b = wp - wn
    if mp > 0:
        b = b - np.outer(kp, kp) / mp
    if mn > 0:
        b = b + np.outer(kn, kn) / mn
    return b, float(mp + mn)


def network_poles(w: NDArray[np.float64], *, max_poles: int = 8) -> NDArray[np.intp]:
    """Communities of the signed network ``w`` maximising signed modularity (leading-eigenvector bisection + refinement)."""
    n = w.shape[0]
    b, total = _modularity_matrix(w)
    if n < 2 or total <= 0:
        return np.zeros(n, dtype=np.intp)
    labels = np.zeros(n, dtype=np.intp)
    queue = [0]
    next_label = 1
    while queue and next_label < max_poles:
        lab = queue.pop(0)
        idx = np.flatnonzero(labels == lab)
        if idx.size < 2:
            continue
        bg = b[np.ix_(idx, idx)].copy()
        bg[np.diag_indices_from(bg)] -= bg.sum(axis=1)
        vals, vecs = np.linalg.eigh(bg)
        if vals[-1] <= 1e-10:
            continue
        lead = vecs[:, -1]
        # deterministic sign: the largest-magnitude entry positive
        if lead[np.argmax(np.abs(lead))] < 0:
            lead = -lead
        s = np.where(lead >= 0, 1.0, -1.0)
        gain = float(s @ bg @ s) / (4.0 * total) * 2.0
        if gain <= 1e-10 or np.all(s == s[0]):
            continue
        labels[idx[s < 0]] = next_label
        queue += [lab, next_label]
        next_label += 1
    return _refine(b, labels)


def _refine(b: NDArray[np.float64], labels: NDArray[np.intp], max_passes: int = 20) -> NDArray[np.intp]:
    """Move single states to the community that most raises modularity, until no move helps."""
    labels = labels.copy()
    n = labels.size
    for _ in range(max_passes):
        moved = False
        k = int(labels.max()) + 1
        onehot = np.zeros((n, k))
        onehot[np.arange(n), labels] = 1.0
        for i in range(n):
            # contribution of i to each community (excluding itself)
            contrib = b[i] @ onehot - b[i, i] * onehot[i]
            cur = labels[i]
            best = int(np.argmax(contrib))
            if contrib[best] > contrib[cur] + 1e-12:
                onehot[i, cur] = 0.0
                onehot[i, best] = 1.0
                labels[i] = best
                moved = True
        if not moved:
            break
    # relabel consecutively
    _, labels = np.unique(labels, return_inverse=True)
    return labels.astype(np.intp)


# ---------------------------------------------------------------- series


@dataclass
class Polarity:
    """Per-session polarity: ``series`` (one row per session and method) and ``poles`` (one row per pole)."""

    series: pl.DataFrame
    poles: pl.DataFrame


def _describe(
    session: int,
    year: int | None,
    method: str,
    states: list[str],
    labels: NDArray[np.intp],
    points: NDArray[np.float64] | None,
    strength: NDArray[np.float64] | None,
    alpha: float,
    n_leading: int,
) -> tuple[dict[str, object], list[dict[str, object]]]:
    poles: list[dict[str, object]] = []
    uniq = np.unique(labels)
    shares, centers = [], []
    for p in uniq:
        members = np.flatnonzero(labels == p)
        share = members.size / labels.size
        center = points[members].mean(axis=0) if points is not None else None
        if points is not None and center is not None:
            score = -np.sqrt(((points[members] - center) ** 2).sum(axis=1))  # central states lead
        elif strength is not None:
            score = strength[np.ix_(members, members)].sum(axis=1)  # most strongly tied lead
        else:
            score = np.zeros(members.size)
        lead = [states[members[i]] for i in np.argsort(-score, kind="stable")[:n_leading]]
        shares.append(share)
        centers.append(center)
        poles.append(
            {
                "session": session,
                "year": year,
                "method": method,
                "size": int(members.size),
                "share": share,
                "mean_ideal_point": float(center[0]) if center is not None else None,
                "leading_members": ", ".join(lead),
                "name": f"pole around {', '.join(lead)}",
                "members": [states[m] for m in members],
            }
        )
    order = np.argsort([c[0] if c is not None else i for i, c in enumerate(centers)], kind="stable")
    poles = [dict(poles[o], pole=i + 1) for i, o in enumerate(order)]
    polarization = (
        esteban_ray(np.array(shares), np.array([c for c in centers]), alpha)
        if all(c is not None for c in centers)
        else None
    )
    row: dict[str, object] = {
        "session": session,
        "year": year,
        "method": method,
        "n_states": int(labels.size),
        "n_poles": int(uniq.size),
        "effective_poles": effective_number_of_poles(np.array(shares)),
        "polarization": polarization,
        "leading": " | ".join(str(p["leading_members"]).split(", ")[0] for p in poles),
        "poles": " | ".join(str(p["name"]) for p in poles),
    }
    return row, poles


def polarity(
    ideal_points: pl.DataFrame | None = None,
    votes: pl.DataFrame | None = None,
    *,
    methods: tuple[str, ...] = ("ideal_points", "network"),
    sessions: list[int] | None = None,
    alpha: float = 1.6,
    max_poles: int = 6,
    n_init: int = 1,
    random_state: int = 0,
    n_leading: int = 3,
    stable: bool = True,
    n_boot: int = 30,
    min_rollcalls: int = MIN_ROLLCALLS,
) -> Polarity:
    """Poles, effective number of poles and Esteban–Ray polarization per session.

    Parameters
    ----------
    ideal_points
        ``IdealPointModel.ideal_points_`` (``state``, ``session``, ``year``,
        ``ideal_point`` and, in 2-D, ``ideal_point_2``); needed for the
        ``ideal_points`` method and for the network poles' positions.
    votes
        A ``VOTES_VIEW`` frame; needed for the ``network`` method.
    methods
        Which readings to compute (see the module docstring).
    sessions
        Restrict to these sessions.
    alpha
        Esteban–Ray's identification parameter (default 1.6).
    max_poles, n_init, random_state
        Mixture search: up to ``max_poles`` components, ``n_init`` starts each.
    n_leading
        How many leading members to name per pole (each pole is named
        "pole around A, B, C" after them).
    stable
        For the ``ideal_points`` reading, report the stable pole count of
        :func:`polycentric.models._stable_poles.stable_pole_counts` (ICL with
        bootstrap support over ``n_boot`` resamples, averaged over neighbouring
        sessions, changing only when the support says so; default) rather than
        each session's own BIC count (``stable=False``, the earlier reading).
    min_rollcalls
        Sessions resting on fewer roll calls are flagged ``thin``.

    Returns
    -------
    Polarity
        ``series``: ``session, year, method, n_states, n_poles, n_poles_session``
        (the count on this session alone: BIC, or ICL when ``stable``),
        ``support`` (bootstrap support of ``n_poles``), ``changed`` (differs from
        the previous session), ``effective_poles, polarization, modularity,
        leading, poles`` (the poles' names), ``n_rollcalls`` and ``thin``.
        ``poles``: one row per pole with its ``name``, leading members and members.
    """
    rows: list[dict[str, object]] = []
    pole_rows: list[dict[str, object]] = []
    ip_cols: list[str] = []
    if ideal_points is not None:
        ip_cols = [c for c in ("ideal_point", "ideal_point_2") if c in ideal_points.columns]
    if "ideal_points" in methods and ideal_points is None:
        raise InputFormatError("the ideal_points method needs ideal points")
    if "network" in methods and votes is None:
        raise InputFormatError("the network method needs votes")
    all_sessions: set[int] = set()
    if ideal_points is not None:
        all_sessions |= set(ideal_points["session"].to_list())
    if votes is not None and "network" in methods:
        all_sessions |= set(votes["session_number"].unique().to_list())
    if sessions is not None:
        all_sessions &= set(sessions)
    n_rc = _rollcalls_per_session(ideal_points, votes)
    counts: dict[int, dict[str, object]] = {}
    if "ideal_points" in methods and ideal_points is not None and stable:
        from polycentric.models._stable_poles import stable_pole_counts

        scope = ideal_points if sessions is None else ideal_points.filter(pl.col("session").is_in(sorted(all_sessions)))
        if scope.height:
            table = stable_pole_counts(
                scope.rename({ip_cols[0]: "ideal_point"}) if ip_cols[0] != "ideal_point" else scope,
                n_boot=n_boot,
                max_poles=max_poles,
                random_state=random_state,
            )
            counts = {int(r["session"]): r for r in table.to_dicts()}
    for session in sorted(all_sessions):
        ip = ideal_points.filter(pl.col("session") == session).sort("state") if ideal_points is not None else None
        year = int(ip["year"][0]) if ip is not None and ip.height else None
        if "ideal_points" in methods and ip is not None and ip.height >= 2:
            pts = ip.select(ip_cols).to_numpy()
            info = counts.get(session)
            labels, _ = ideal_point_poles(
                pts,
                max_poles=max_poles,
                n_init=n_init,
                random_state=random_state,
                n_poles=int(info["n_poles"]) if info is not None else None,  # type: ignore[call-overload]
            )
            row, poles = _describe(
                session, year, "ideal_points", ip["state"].to_list(), labels, pts, None, alpha, n_leading
            )
            if info is not None:
                row |= {
                    "n_poles_session": info["n_poles_icl"],
                    "support": info["support"],
                    "changed": info["changed"],
                }
            rows.append(row)
            pole_rows += poles
        if "network" in methods and votes is not None:
            sv = votes.filter(pl.col("session_number") == session)
            if sv.height == 0:
                continue
            if year is None:
                year = int(sv["year"].mode().cast(pl.Int64).min() or 0) if "year" in sv.columns else None  # type: ignore[arg-type]
            states, w = signed_covoting(sv)
            if len(states) < 2:
                continue
            labels = network_poles(w, max_poles=max_poles)
            pts_net = None
            if ip is not None and ip.height:
                pos = dict(zip(ip["state"].to_list(), ip.select(ip_cols).to_numpy(), strict=True))
                if all(s in pos for s in states):
                    pts_net = np.array([pos[s] for s in states])
            row, poles = _describe(session, year, "network", states, labels, pts_net, w, alpha, n_leading)
            row["modularity"] = signed_modularity(w, labels)
            rows.append(row)
            pole_rows += poles
    if not rows:
        raise InsufficientDataError("no session to describe")
    series = pl.DataFrame(rows, infer_schema_length=None)
    for col, dtype in (
        ("modularity", pl.Float64),
        ("n_poles_session", pl.Int32),
        ("support", pl.Float64),
        ("changed", pl.Boolean),
    ):
        if col not in series.columns:
            series = series.with_columns(pl.lit(None, dtype=dtype).alias(col))
    series = series.with_columns(pl.col("n_poles_session").fill_null(pl.col("n_poles")))
    # without a stable count (network; stable=False) a change is a change of the session's own count
    series = series.sort("method", "session").with_columns(
        pl.col("changed").fill_null((pl.col("n_poles") != pl.col("n_poles").shift(1).over("method")).fill_null(False)),
    )
    series = series.with_columns(
        pl.col("session").replace_strict(n_rc, default=None, return_dtype=pl.Int32).alias("n_rollcalls"),
    ).with_columns((pl.col("n_rollcalls").fill_null(0) < min_rollcalls).alias("thin"))
    series = _typed(series, _SERIES_COLUMNS).sort("method", "session")
    poles_df = _typed(pl.DataFrame(pole_rows, infer_schema_length=None), _POLE_COLUMNS).sort(
        "method", "session", "pole"
    )
    return Polarity(series=series, poles=poles_df)


_I, _F = pl.Int32, pl.Float64
_SERIES_COLUMNS: dict[str, type[pl.DataType] | None] = {
    "session": _I, "year": _I, "method": None, "n_states": _I, "n_poles": _I, "n_poles_session": _I,
    "support": _F, "changed": pl.Boolean, "effective_poles": _F, "polarization": _F, "modularity": _F,
    "leading": None, "poles": None, "n_rollcalls": None, "thin": None,
}  # fmt: skip
"""The columns of :attr:`Polarity.series`, in order, and the type each is cast to (None: as computed)."""
_POLE_COLUMNS: dict[str, type[pl.DataType] | None] = {
    "session": _I, "year": _I, "method": None, "pole": _I, "size": _I, "share": _F, "mean_ideal_point": _F,
    "name": None, "leading_members": None, "members": None,
}  # fmt: skip
"""The columns of :attr:`Polarity.poles`, in order, and their types (None: as computed)."""


def _typed(df: pl.DataFrame, columns: dict[str, type[pl.DataType] | None]) -> pl.DataFrame:
    """``df``'s ``columns``, in their order, each cast to its type (None: kept as it is)."""
    return df.select(pl.col(c) if t is None else pl.col(c).cast(t) for c, t in columns.items())


def _rollcalls_per_session(ideal_points: pl.DataFrame | None, votes: pl.DataFrame | None) -> dict[int, int]:
    """Roll calls per session: the ideal-point fit's ``n_rollcalls`` (non-unanimous, fitted), else from the votes."""
    if ideal_points is not None and "n_rollcalls" in ideal_points.columns:
        per = ideal_points.group_by("session").agg(pl.col("n_rollcalls").max())
        return dict(zip(per["session"].to_list(), per["n_rollcalls"].to_list(), strict=True))
    if votes is not None:
        per = votes.group_by("session_number").agg(pl.col("rollcall_id").n_unique())
        return dict(zip(per["session_number"].to_list(), per["rollcall_id"].to_list(), strict=True))
    return {}


def plot_polarity(series: pl.DataFrame, path: str | Path) -> Path:
    """Chart the series: effective number of poles (top) and Esteban–Ray polarization (bottom) by year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for method in series["method"].unique().sort().to_list():
        s = series.filter(pl.col("method") == method).sort("session")
        x = s["year"].to_numpy() if s["year"].null_count() == 0 else s["session"].to_numpy()
        axes[0].plot(x, s["effective_poles"].to_numpy(), label=method.replace("_", " "))
        if s["polarization"].null_count() < s.height:
            axes[1].plot(x, s["polarization"].to_numpy(), label=method.replace("_", " "))
    axes[0].set_ylabel("effective number of poles")
    axes[1].set_ylabel("Esteban–Ray polarization")
    axes[1].set_xlabel("year")
    axes[0].legend()
    axes[0].set_title("Polarity of the UN General Assembly")
    fig.tight_layout()
    from polycentric.measures.plots import publication_footer

    publication_footer(fig)  # coverage and source lines, for publication
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
