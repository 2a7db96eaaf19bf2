"""Numerical core of the dynamic ordinal ideal-point model (private).

Arrays only (no polars): per-observation derivatives of the ordered-probit
log-likelihood, the item and ideal-point Newton steps, and the block-tridiagonal
(random-walk) solver with its selected inverse. The public estimator is
:class:`polycentric.models.idealpoints.IdealPointModel`.

Model (``d`` = 1 or 2 dimensions). State-session ``s`` has ideal point
``theta_s``; roll call (item) ``j`` has discrimination ``beta_j`` and cutpoints
``kappa_j1 <= kappa_j2``; ``eta = beta_j . theta_s`` and the latent utility
``y* = eta + e``, ``e ~ N(0, 1)``; the vote is No when ``y* < kappa_j1``, Abstain
when ``kappa_j1 <= y* < kappa_j2`` and Yes otherwise, so
``P(N) = Phi(kappa_1 - eta)``, ``P(A) = Phi(kappa_2 - eta) - Phi(kappa_1 - eta)``,
``P(Y) = Phi(eta - kappa_2)``. Cutpoints are handled as ``c = (kappa_1 + kappa_2) / 2``
and ``g = kappa_2 - kappa_1 >= 0``; an item with no abstention is binary (``g = 0``).

Dependency rule: imports numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import solveh_banded
from scipy.special import erfcx, log_ndtr, ndtr

FloatArray = NDArray[np.float64]
AnyFloatArray = NDArray[np.floating]
IntArray = NDArray[np.intp]

_SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))
_INV_SQRT2 = float(1.0 / np.sqrt(2.0))
_LOG_SQRT_2PI = float(0.5 * np.log(2.0 * np.pi))
MIN_GAP = 1e-3
"""Smallest cutpoint gap ``kappa_2 - kappa_1`` of an item with abstentions."""

N_CODE, A_CODE, Y_CODE = 0, 1, 2


_ERFCX_COEFS = np.array(
    [
        0.17087277,
        -0.82215223,
        1.48851587,
        -1.13520398,
        0.27886807,
        -0.18628806,
        0.09678418,
        0.37409196,
        1.00002368,
        -1.26551223,
    ],
    dtype=np.float32,
)


def mills_exact(u: FloatArray) -> FloatArray:
    """``phi(u) / Phi(u)``, stable for all ``u`` (via the scaled complementary error function)."""
    return np.asarray(_SQRT_2_OVER_PI / erfcx(-u * _INV_SQRT2), dtype=np.float64)


def mills(u: NDArray[np.floating]) -> NDArray[np.float32]:
    """Fast ``phi(u) / Phi(u)`` (relative error below 2e-5), computed and returned in float32.

    With ``x = u / sqrt(2)`` and ``r = erfcx(|x|)`` from the Chebyshev-fitted ``erfc``
    of Press et al. (*Numerical Recipes*, 6.2: ``erfcx(x) = t exp(P(t))``,
    ``t = 1/(1 + x/2)``, fractional error < 1.2e-7 in exact arithmetic):
    ``phi/Phi = sqrt(2/pi) / r`` for ``u <= 0`` and
    ``sqrt(2/pi) E / (2 - r E)`` with ``E = exp(-x^2)`` for ``u > 0``
    (from ``Phi(u) = 1 - erfc(x) / 2``), so nothing overflows and large ``u``
    gives the correct limit 0.
    """
    x = np.asarray(u, dtype=np.float32) * np.float32(_INV_SQRT2)
    r = _erfcx_poly(np.abs(x))
    big = np.minimum(x * x, np.float32(80.0))  # exp(-80) is still a normal float32: no slow subnormals
    np.negative(big, out=big)
    np.exp(big, out=big)
    pos = x > 0
    num = np.where(pos, big, np.float32(1.0))
    big *= r
    den = np.where(pos, np.float32(2.0) - big, r)
    num *= np.float32(_SQRT_2_OVER_PI)
    num /= den
    return num


def _erfcx_poly(a: NDArray[np.floating]) -> NDArray[np.floating]:
    """``erfcx(a)`` for ``a >= 0`` by Numerical Recipes' Chebyshev fit, in the dtype of ``a``."""
    dt = a.dtype.type
    t = a * dt(0.5)
    t += dt(1.0)
    np.divide(dt(1.0), t, out=t)
    coefs = _ERFCX_COEFS.astype(a.dtype)
    p = t * coefs[0]
    for k in coefs[1:-1]:
        p += k
        p *= t
    p += coefs[-1]
    np.exp(p, out=p)
    p *= t
    return cast("NDArray[np.floating]", p)


def _erfcx_nr(x: NDArray[np.floating]) -> NDArray[np.floating]:
    """``erfcx(x) = exp(x^2) erfc(x)`` for any ``x`` (``erfcx(-a) = 2 exp(a^2) - erfcx(a)``; may overflow to inf)."""
    p = _erfcx_poly(np.abs(x))
    with np.errstate(over="ignore"):
        return np.where(x < 0, x.dtype.type(2.0) * np.exp(x * x) - p, p)


@dataclass
class Observations:
    """Votes as index arrays, split by category (Yes, No, Abstain), each sorted by item.

    ``seg_items[k]`` / ``seg_starts[k]`` give the items present in group ``k`` and
    where their runs start, so per-item sums are contiguous ``np.add.reduceat``.
    """

    n_units: int
    n_items: int
    unit: tuple[IntArray, IntArray, IntArray]  # (Y, N, A)
    item: tuple[IntArray, IntArray, IntArray]
    seg_items: tuple[IntArray, IntArray, IntArray]
    seg_starts: tuple[IntArray, IntArray, IntArray]

    @classmethod
    def from_codes(
        cls, unit: IntArray, item: IntArray, code: NDArray[np.int8], n_units: int, n_items: int
    ) -> Observations:
        units, items, seg_items, seg_starts = [], [], [], []
        for c in (Y_CODE, N_CODE, A_CODE):
            g = np.flatnonzero(code == c)
            g = g[np.argsort(item[g], kind="stable")]
            it = np.ascontiguousarray(item[g])
            units.append(np.ascontiguousarray(unit[g]))
            items.append(it)
            ids, starts = np.unique(it, return_index=True)
            seg_items.append(ids)
            seg_starts.append(starts)
        return cls(n_units, n_items, tuple(units), tuple(items), tuple(seg_items), tuple(seg_starts))  # type: ignore[arg-type]

    @property
    def n_obs(self) -> int:
        return int(sum(u.size for u in self.unit))

    def item_sums(self, group: int, weights: AnyFloatArray) -> FloatArray:
        """Sum of ``weights`` (one per observation of ``group``) by item."""
        out = np.zeros(self.n_items)
        if weights.size:
            out[self.seg_items[group]] = np.add.reduceat(weights, self.seg_starts[group])
        return out


@dataclass
class Terms:
    """Per-observation derivatives of the log-likelihood for one category group.

    ``e`` = d ell / d eta, ``w`` = -d2 ell / d eta2 (> 0); for abstentions also
    ``lg`` = d ell / d g, ``lgg`` = d2 ell / d g2 and ``lcg`` = d2 ell / dc dg.
    """

    e: AnyFloatArray
    w: AnyFloatArray
    lg: FloatArray | None = None
    lgg: FloatArray | None = None
    lcg: FloatArray | None = None


def _abstain_terms(
    a: FloatArray, b: FloatArray, with_log: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray | None]:
    """Terms of ``log(Phi(b) - Phi(a))`` (``a = kappa_1 - eta < b = kappa_2 - eta``) and the log-probability.

    With ``(p, q) = (a, b)`` when ``a + b <= 0`` and ``(-b, -a)`` otherwise (so
    ``p < q`` and ``p + q <= 0``), ``P / phi(q) = M(q) - F M(p)`` where
    ``M = Phi / phi = sqrt(pi/2) erfcx(-z/sqrt(2))`` and ``F = exp((q^2 - p^2)/2) <= 1``:
    no overflow, no underflow, and ``phi(q)/P``, ``phi(p)/P`` follow directly.
    ``erfcx`` is scipy's for the log-probability (``with_log``) and Numerical
    Recipes' fit in float64 (relative error < 1.2e-7) for the derivatives alone.
    """
    upper = (a + b) > 0.0
    p = np.where(upper, -b, a)
    q = np.where(upper, -a, b)
    f = np.exp(0.5 * (q - p) * (q + p))
    if with_log:
        m_q = erfcx(-q * _INV_SQRT2)
        m_p = erfcx(-p * _INV_SQRT2)
    else:
        m_q = _erfcx_nr(-q * _INV_SQRT2)
        m_p = _erfcx_nr(-p * _INV_SQRT2)
    den = np.maximum(m_q - f * m_p, 1e-300) * (1.0 / _SQRT_2_OVER_PI)
    r_q = 1.0 / den
    r_p = f * r_q
    ra = np.where(upper, r_q, r_p)
    rb = np.where(upper, r_p, r_q)
    logp = -0.5 * q * q - _LOG_SQRT_2PI + np.log(den) if with_log else None
    h11 = a * ra - ra * ra
    h22 = -b * rb - rb * rb
    h12 = ra * rb
    e = ra - rb
    w = -(h11 + 2.0 * h12 + h22)
    lg = 0.5 * (ra + rb)
    lgg = 0.25 * (h11 - 2.0 * h12 + h22)
    lcg = 0.5 * (h22 - h11)
    return e, w, lg, lgg, lcg, logp


def _eta(theta: AnyFloatArray, beta: AnyFloatArray, unit: IntArray, item: IntArray) -> AnyFloatArray:
    if theta.shape[1] == 1:
        return cast("AnyFloatArray", beta[item, 0] * theta[unit, 0])
    return cast("AnyFloatArray", np.einsum("ij,ij->i", beta[item], theta[unit]))


def terms(
    obs: Observations, theta: FloatArray, beta: FloatArray, c: FloatArray, g: FloatArray
) -> tuple[Terms, Terms, Terms]:
    """Derivatives of every observation's log-likelihood at the current parameters.

    Yes and No votes (nine in ten) are computed in float32, which is ample for
    Newton steps (the log-likelihood itself is computed in float64); abstentions,
    whose two-sided probability can cancel, in float64.
    """
    k1 = c - 0.5 * g
    k2 = c + 0.5 * g
    uy, un, ua = obs.unit
    iy, in_, ia = obs.item
    th32 = theta.astype(np.float32)
    b32 = beta.astype(np.float32)
    # Yes: log Phi(eta - kappa_2)
    u = _eta(th32, b32, uy, iy)
    u -= k2.astype(np.float32)[iy]
    lam = mills(u)
    u += lam
    u *= lam
    ty = Terms(e=lam, w=u)
    # No: log Phi(kappa_1 - eta)
    u = _eta(th32, b32, un, in_)
    np.subtract(k1.astype(np.float32)[in_], u, out=u)
    lam = mills(u)
    u += lam
    u *= lam
    tn = Terms(e=-lam, w=u)
    eta = _eta(theta, beta, ua, ia)
    e, w, lg, lgg, lcg, _ = _abstain_terms(k1[ia] - eta, k2[ia] - eta, with_log=False)
    ta = Terms(e=e, w=w, lg=lg, lgg=lgg, lcg=lcg)
    return ty, tn, ta


def log_likelihood(obs: Observations, theta: FloatArray, beta: FloatArray, c: FloatArray, g: FloatArray) -> float:
    """Total ordered-probit log-likelihood of the observations."""
    k1 = c - 0.5 * g
    k2 = c + 0.5 * g
    uy, un, ua = obs.unit
    iy, in_, ia = obs.item
    total = float(log_ndtr(_eta(theta, beta, uy, iy) - k2[iy]).sum())
    total += float(log_ndtr(k1[in_] - _eta(theta, beta, un, in_)).sum())
    eta = _eta(theta, beta, ua, ia)
    logp = _abstain_terms(k1[ia] - eta, k2[ia] - eta)[5]
    assert logp is not None
    total += float(logp.sum())
    return total


def probabilities(eta: FloatArray, c: FloatArray, g: FloatArray) -> FloatArray:
    """``(n, 3)`` probabilities of (Yes, Abstain, No) given ``eta`` and cutpoints (broadcast)."""
    k1 = c - 0.5 * g
    k2 = c + 0.5 * g
    p_no = ndtr(k1 - eta)
    p_yes = ndtr(eta - k2)
    p_abs = np.clip(1.0 - p_no - p_yes, 0.0, 1.0)
    return np.stack([p_yes, p_abs, p_no], axis=-1)


# ---------------------------------------------------------------- item step


@dataclass
class Priors:
    """Gaussian priors: ``kappa_1, kappa_2 ~ N(0, cutpoint_sd^2)``, each ``beta_jk ~ N(0, discrimination_sd^2)``.

    The priors are per roll call: an item shared by ``k`` bridged roll calls
    (``rollcalls_per_item``) has ``k`` times the prior precision.
    """

    cutpoint_sd: float = 5.0
    discrimination_sd: float = 2.5
    rollcalls_per_item: FloatArray | None = None


def item_step(
    obs: Observations,
    ts: tuple[Terms, Terms, Terms],
    theta: FloatArray,
    beta: FloatArray,
    c: FloatArray,
    g: FloatArray,
    tied: NDArray[np.bool_],
    priors: Priors,
    max_step: float = 2.0,
    theta_var: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """One Newton step on every item's log-posterior in ``(c, g, beta)``, theta held fixed.

    The ordered-probit log-likelihood is concave in ``(kappa, eta)`` and ``eta`` is
    linear in ``beta`` given theta, so each item's problem is concave; steps are
    capped at ``max_step`` per coordinate and ``g`` is kept at or above
    :data:`MIN_GAP` (tied items keep ``g = 0``).

    ``theta_var`` (per unit, ``(n, d, d)``), when given, adds the second-order
    variational term ``-1/2 sum_i w_ij beta_j' V_i beta_j`` of the Laplace
    variational objective (a data-dependent ridge on ``beta``). Returns the new
    ``(beta, c, g)`` and ``(-H)^-1`` at the current point, the items' Laplace
    posterior covariance of ``(c, g, beta)`` given theta (``(n_items, 2 + d, 2 + d)``;
    for tied items the ``g`` row and column are those of a frozen parameter).
    """
    d = theta.shape[1]
    n_items = obs.n_items
    p = 2 + d
    grad = np.zeros((n_items, p))
    hess = np.zeros((n_items, p, p))
    th_all = theta.astype(np.float32)
    tv_all = None if theta_var is None else theta_var.astype(np.float32)
    for grp, (t, unit, sign) in enumerate(zip(ts, obs.unit, (1.0, -1.0, 0.0), strict=True)):
        dt = t.e.dtype
        th = th_all[unit].astype(dt, copy=False)
        e, w = t.e, t.w

        def acc(weights: AnyFloatArray, grp: int = grp) -> FloatArray:
            return obs.item_sums(grp, weights)

        sum_e = acc(e)
        sum_w = acc(w)
        grad[:, 0] -= sum_e
        hess[:, 0, 0] -= sum_w
        if sign != 0.0:  # Yes / No: lg = -sign e / 2, lgg = -w / 4, lcg = -sign w / 2
            grad[:, 1] -= 0.5 * sign * sum_e
            hess[:, 1, 1] -= 0.25 * sum_w
            hess[:, 0, 1] -= 0.5 * sign * sum_w
        else:
            assert t.lg is not None and t.lgg is not None and t.lcg is not None
            grad[:, 1] += acc(t.lg)
            hess[:, 1, 1] += acc(t.lgg)
            hess[:, 0, 1] += acc(t.lcg)
        for k in range(d):
            tk = th[:, k]
            grad[:, 2 + k] += acc(tk * e)
            twk = tk * w
            sum_tw = acc(twk)
            hess[:, 0, 2 + k] += sum_tw
            if sign != 0.0:
                hess[:, 1, 2 + k] += 0.5 * sign * sum_tw
            else:
                assert t.lcg is not None
                hess[:, 1, 2 + k] -= acc(tk * t.lcg)
            for m in range(k, d):
                hess[:, 2 + k, 2 + m] -= acc(twk * th[:, m])
                if tv_all is not None:
                    wv = acc(w * tv_all[unit, k, m].astype(dt, copy=False))
                    hess[:, 2 + k, 2 + m] -= wv
                    grad[:, 2 + k] -= wv * beta[:, m]
                    if m != k:
                        grad[:, 2 + m] -= wv * beta[:, k]
    # priors: kappa_1^2 + kappa_2^2 = 2 c^2 + g^2 / 2
    k_rc = np.ones(n_items) if priors.rollcalls_per_item is None else priors.rollcalls_per_item
    vk = priors.cutpoint_sd**2 / k_rc
    vb = priors.discrimination_sd**2 / k_rc
    grad[:, 0] -= 2.0 * c / vk
    hess[:, 0, 0] -= 2.0 / vk
    grad[:, 1] -= 0.5 * g / vk
    hess[:, 1, 1] -= 0.5 / vk
    grad[:, 2:] -= beta / vb[:, None]
    for k in range(d):
        hess[:, 2 + k, 2 + k] -= 1.0 / vb
    iu = np.triu_indices(p, 1)
    hess[:, iu[1], iu[0]] = hess[:, iu[0], iu[1]]
    # tied (binary) items: freeze g
    if tied.any():
        hess[tied, 1, :] = 0.0
        hess[tied, :, 1] = 0.0
        hess[tied, 1, 1] = -1.0
        grad[tied, 1] = 0.0
    cov = np.linalg.inv(-hess)
    step = np.einsum("nij,nj->ni", cov, grad)
    big = np.abs(step).max(axis=1, keepdims=True)
    step *= np.minimum(1.0, max_step / np.maximum(big, 1e-300))
    c_new = c + step[:, 0]
    g_new = np.where(tied, 0.0, np.maximum(g + step[:, 1], MIN_GAP))
    beta_new = beta + step[:, 2:]
    return beta_new, c_new, g_new, cov


# ---------------------------------------------------------------- ideal-point step


@dataclass
class Chain:
    """Random-walk structure of the state-sessions (units sorted by state, then session).

    ``prev_gap[s]`` is the number of sessions since the state's previous unit
    (0 for its first unit); the prior is ``theta_first ~ N(0, initial_sd^2 I)`` and
    ``theta_s | theta_prev ~ N(theta_prev, prev_gap * rw_sd^2 I)``.
    """

    prev_gap: NDArray[np.int64]
    row: IntArray  # state index of each unit
    pos: IntArray  # position of the unit in its state's chain
    n_rows: int
    n_pos: int

    @classmethod
    def from_units(cls, state_index: IntArray, session: NDArray[np.int64]) -> Chain:
        n = state_index.size
        first = np.ones(n, dtype=bool)
        first[1:] = state_index[1:] != state_index[:-1]
        prev_gap = np.zeros(n, dtype=np.int64)
        prev_gap[1:] = session[1:] - session[:-1]
        prev_gap[first] = 0
        if np.any(prev_gap[~first] <= 0):
            raise ValueError("units must be sorted by state then strictly increasing session")
        starts = np.flatnonzero(first)
        pos = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))
        return cls(
            prev_gap=prev_gap,
            row=state_index.astype(np.intp),
            pos=pos.astype(np.intp),
            n_rows=int(state_index.max()) + 1 if n else 0,
            n_pos=int(pos.max()) + 1 if n else 0,
        )

    def precision(self, rw_sd: float, initial_sd: float) -> tuple[FloatArray, FloatArray]:
        """Diagonal and sub-diagonal (coupling of unit ``s`` with ``s - 1``) of the prior precision ``Q``."""
        n = self.prev_gap.size
        link = np.where(self.prev_gap > 0, 1.0 / (np.maximum(self.prev_gap, 1) * rw_sd**2), 0.0)
        diag = np.where(self.prev_gap == 0, 1.0 / initial_sd**2, 0.0) + link
        diag[:-1] += link[1:]
        off = -link  # off[s] couples s and s-1
        assert off.size == n
        return diag, off


def _banded(h: FloatArray, qdiag: FloatArray, qoff: FloatArray) -> FloatArray:
    """Lower banded form of ``H + Q`` (units interleaved by dimension)."""
    n, d, _ = h.shape
    ab = np.zeros((d + 1, n * d))
    for k in range(d):
        ab[0, k::d] = h[:, k, k] + qdiag
        if k + 1 < d:
            ab[1, k::d] = h[:, k + 1, k]
    # coupling of unit s (dim k) with unit s+1 (dim k): distance d
    ab[d, : (n - 1) * d] = np.repeat(qoff[1:], d)
    return ab


def theta_step(
    obs: Observations,
    ts: tuple[Terms, Terms, Terms],
    theta: FloatArray,
    beta: FloatArray,
    qdiag: FloatArray,
    qoff: FloatArray,
    max_step: float = 2.0,
    beta_var: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """One Newton step on all ideal points jointly, items held fixed.

    Solves ``(W + Q) delta = grad ell - Q theta`` where ``W`` is block diagonal
    (minus the likelihood Hessian per state-session) and ``Q`` the random-walk
    prior precision, a banded system solved in ``O(n d^3)``.

    ``beta_var`` (per item, ``(n_items, d, d)``), when given, adds the
    second-order variational term ``-1/2 sum_j w_ij theta_i' V_j theta_i``.
    Returns the new ideal points and the per-unit information ``W`` used
    (``(n, d, d)``, including the variational term).
    """
    n, d = theta.shape
    grad = np.zeros((n, d))
    h = np.zeros((n, d, d))
    b_all = beta.astype(np.float32)
    bv_all = None if beta_var is None else beta_var.astype(np.float32)
    for t, unit, item in zip(ts, obs.unit, obs.item, strict=True):
        dt = t.e.dtype
        b = b_all[item].astype(dt, copy=False)
        for k in range(d):
            grad[:, k] += np.bincount(unit, weights=b[:, k] * t.e, minlength=n)
            bw = b[:, k] * t.w
            for m in range(k, d):
                h[:, k, m] += np.bincount(unit, weights=bw * b[:, m], minlength=n)
                if bv_all is not None:
                    wv = np.bincount(unit, weights=t.w * bv_all[item, k, m].astype(dt, copy=False), minlength=n)
                    h[:, k, m] += wv
                    grad[:, k] -= wv * theta[:, m]
                    if m != k:
                        grad[:, m] -= wv * theta[:, k]
                if m != k:
                    h[:, m, k] = h[:, k, m]
    q_theta = qdiag[:, None] * theta
    q_theta[1:] += qoff[1:, None] * theta[:-1]
    q_theta[:-1] += qoff[1:, None] * theta[1:]
    rhs = (grad - q_theta).reshape(-1)
    step = solveh_banded(_banded(h, qdiag, qoff), rhs, lower=True, check_finite=False).reshape(n, d)
    big = np.abs(step).max()
    if big > max_step:
        step *= max_step / big
    return theta + step, h


def information(obs: Observations, ts: tuple[Terms, Terms, Terms], beta: FloatArray) -> FloatArray:
    """Per-unit ``W_s = sum_j beta_j beta_j^T w_sj`` (minus the likelihood Hessian in theta)."""
    n = obs.n_units
    d = beta.shape[1]
    h = np.zeros((n, d, d))
    for t, unit, item in zip(ts, obs.unit, obs.item, strict=True):
        b = beta[item]
        for k in range(d):
            for m in range(k, d):
                h[:, k, m] += np.bincount(unit, weights=b[:, k] * b[:, m] * t.w, minlength=n)
                h[:, m, k] = h[:, k, m]
    return h


def chain_covariances(
    chain: Chain, h: FloatArray, qdiag: FloatArray, qoff: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Marginal covariances ``Sigma_s`` and lag-one covariances ``Cov(theta_{s-1}, theta_s)`` of ``(W + Q)^-1``.

    Block-tridiagonal selected inversion (forward Schur complements, backward
    recursion, as in the Rauch–Tung–Striebel smoother), vectorised over states.
    """
    _, d, _ = h.shape
    eye = np.eye(d)
    grid_d = np.tile(eye, (chain.n_rows, chain.n_pos, 1, 1))
    grid_off = np.zeros((chain.n_rows, chain.n_pos))
    grid_d[chain.row, chain.pos] = h + qdiag[:, None, None] * eye
    grid_off[chain.row, chain.pos] = qoff  # couples pos with pos-1
    sinv = np.empty_like(grid_d)
    s_cur = grid_d[:, 0]
    sinv[:, 0] = np.linalg.inv(s_cur)
    for t in range(1, chain.n_pos):
        o = grid_off[:, t][:, None, None]
        s_cur = grid_d[:, t] - o * o * sinv[:, t - 1]
        sinv[:, t] = np.linalg.inv(s_cur)
    sig = np.empty_like(grid_d)
    lag = np.zeros_like(grid_d)
    sig[:, -1] = sinv[:, -1]
    for t in range(chain.n_pos - 2, -1, -1):
        o = grid_off[:, t + 1][:, None, None]
        a = sinv[:, t]
        cross = -o * (a @ sig[:, t + 1])  # Cov(theta_t, theta_{t+1})
        sig[:, t] = a + o * o * (a @ sig[:, t + 1] @ a)
        lag[:, t + 1] = cross
    return sig[chain.row, chain.pos], lag[chain.row, chain.pos]


def solve_chain(chain: Chain, h: FloatArray, qdiag: FloatArray, qoff: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve ``(W + Q) x = rhs`` with the banded solver (used by tests to check the selected inverse)."""
    n, d = rhs.shape
    return np.asarray(solveh_banded(_banded(h, qdiag, qoff), rhs.reshape(-1), lower=True).reshape(n, d), dtype=np.float64)
