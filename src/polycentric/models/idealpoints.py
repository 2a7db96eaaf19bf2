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

Dependency rule: imports numpy, scipy, polars, ``polycentric.errors``,
``polycentric.record.schema`` and ``polycentric.models._ordinal``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.stats import norm

from polycentric.errors import ConvergenceError, InputFormatError, InsufficientDataError, ModelError, NotFittedError
from polycentric.models import _ordinal as core
from polycentric.models._change import state_change
from polycentric.record.schema import ISSUES

__all__ = ["MIN_ROLLCALLS", "IdealPointModel", "find_bridges", "normalise_text"]

MIN_ROLLCALLS = 10
"""Sessions with fewer fitted (non-unanimous) roll calls than this are flagged ``thin``: their ideal points rest
mostly on the random walk from the neighbouring sessions (docs/idealpoints.md, "Thin sessions")."""

_VOTE_TO_CODE = {"N": core.N_CODE, "A": core.A_CODE, "Y": core.Y_CODE}
_NON_WORD = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """Case-folded text with digits and punctuation removed and spaces collapsed (the bridging key)."""
    if text is None:
        return ""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text.lower())).strip()


def _normalised(text: pl.Expr) -> pl.Expr:
    """:func:`normalise_text` as a polars expression (vectorised)."""
    return text.str.to_lowercase().str.replace_all(r"[^a-z ]+", " ").str.replace_all(r"\s+", " ").str.strip_chars()


def find_bridges(roll_calls: pl.DataFrame, *, columns: tuple[str, ...] = ("title", "agenda")) -> pl.DataFrame:
    """Roll calls on identical resolutions in different sessions, which share item parameters.

    Two roll calls are bridged when both decide a whole resolution (``kind`` is
    ``"resolution"`` or null), they fall in different sessions, and their texts in
    ``columns`` are identical after :func:`normalise_text` (case, digits such as
    years and symbols, and punctuation ignored: "near-identical"). A text that
    appears more than once in one session is ambiguous there and that session's
    roll calls on it are not bridged; a non-empty text is required. This follows
    BSV (2017), who bridge sessions with identical resolutions.

    Returns
    -------
    polars.DataFrame
        One row per roll call of ``roll_calls``: ``rollcall_id``, ``session_number``,
        ``bridge`` (the id of its bridge group, the smallest ``rollcall_id`` in it,
        or null when it is not bridged) and ``n_sessions`` (sessions in its group).
    """
    present = [c for c in columns if c in roll_calls.columns]
    if not present:
        raise InputFormatError(f"roll calls need one of the columns {columns} to find bridges", field=columns[0])
    kind = pl.col("kind") if "kind" in roll_calls.columns else pl.lit(None, dtype=pl.String)
    key = pl.concat_str([_normalised(pl.col(c)).fill_null("") for c in present], separator=" | ")
    base = roll_calls.select(
        "rollcall_id",
        pl.col("session_number").cast(pl.Int32),
        key.alias("key"),
        (kind.is_null() | (kind == "resolution")).alias("whole"),
    )
    empty_key = " | ".join([""] * len(present))
    candidates = base.filter(pl.col("whole") & (pl.col("key") != empty_key))
    once = candidates.filter(pl.len().over("key", "session_number") == 1)
    groups = once.with_columns(
        pl.col("session_number").n_unique().over("key").alias("n_sessions"),
        pl.col("rollcall_id").min().over("key").alias("bridge"),
    ).filter(pl.col("n_sessions") > 1)
    return base.select("rollcall_id", "session_number").join(
        groups.select("rollcall_id", "bridge", pl.col("n_sessions").cast(pl.Int32)), on="rollcall_id", how="left"
    )


def _standardise(
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
class _Params:
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
    def unflat(cls, x: NDArray[np.float64], like: _Params, tied: NDArray[np.bool_]) -> _Params:
        n_t, n_b, n_c = like.theta.size, like.beta.size, like.c.size
        theta = x[:n_t].reshape(like.theta.shape)
        beta = x[n_t : n_t + n_b].reshape(like.beta.shape)
        c = x[n_t + n_b : n_t + n_b + n_c]
        g = np.where(tied, 0.0, np.maximum(x[n_t + n_b + n_c :], core.MIN_GAP))
        return cls(theta, beta, c, g, like.theta_var, like.beta_var)


@dataclass
class _Design:
    """The data of one fit as arrays."""

    states: list[str]
    unit_state: NDArray[np.intp]  # index into states
    unit_session: NDArray[np.int64]
    unit_year: NDArray[np.int64]
    unit_votes: NDArray[np.int64]
    item_groups: pl.DataFrame  # item, rollcall_ids (list), sessions (list)
    item_size: NDArray[np.float64]  # roll calls per item
    item_first_rollcall: NDArray[np.int64]
    rollcall_item: NDArray[np.intp]  # item of each roll call (order of rollcall_ids)
    obs: core.Observations
    obs_rollcall: NDArray[np.int64]  # raw roll call index per observation (order of codes below)
    obs_unit: NDArray[np.intp]
    obs_code: NDArray[np.int8]
    rollcall_ids: NDArray[np.int64]
    rollcall_session: NDArray[np.int64]
    dropped: pl.DataFrame
    bridges: pl.DataFrame

    def item_of(self, rollcall_id: int) -> int | None:
        """The item of a fitted roll call, or None."""
        k = int(np.searchsorted(self.rollcall_ids, rollcall_id))
        if k < self.rollcall_ids.size and self.rollcall_ids[k] == rollcall_id:
            return int(self.rollcall_item[k])
        return None


class IdealPointModel:
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
        discrimination_sd: float = 0.4,
        random_state: int | None = None,
        init_noise: float = 0.0,
        variational: bool = True,
        item_draws: int = 0,
        session_scaling: float = 0.5,
    ) -> None:
        if item_draws < 0:
            raise ModelError("item_draws must be 0 or more")
        self.item_draws = item_draws
        self.session_scaling = session_scaling
        self.variational = variational
        if dims not in (1, 2):
            raise ModelError(f"dims must be 1 or 2, not {dims!r}")
        if issue is not None and issue not in ISSUES:
            raise ModelError(f"unknown issue {issue!r}: expected one of {', '.join(ISSUES)}")
        if not 0.0 < interval < 1.0:
            raise ModelError("interval must lie strictly between 0 and 1")
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

    # ------------------------------------------------------------------ data

    def _design(self, votes: pl.DataFrame, roll_calls: pl.DataFrame | None) -> _Design:
        needed = ("rollcall_id", "state", "vote", "session_number")
        for col in needed:
            if col not in votes.columns:
                raise InputFormatError(f"votes need a {col!r} column (VOTES_VIEW)", field=col)
        v = votes.select(
            pl.col("rollcall_id").cast(pl.Int64),
            pl.col("state").cast(pl.String),
            pl.col("vote").cast(pl.String),
            pl.col("session_number").cast(pl.Int64),
            (
                pl.col("year").cast(pl.Int64)
                if "year" in votes.columns
                else pl.col("session_number").cast(pl.Int64) + 1945
            ).alias("year"),
        )
        if roll_calls is None:
            roll_calls = (
                v.group_by("rollcall_id")
                .agg(pl.col("session_number").first())
                .with_columns(pl.lit(None, dtype=pl.String).alias("title"))
            )
        rc = roll_calls
        if self.issue is not None:
            col = f"issue_{self.issue}"
            if col not in rc.columns:
                raise InputFormatError(f"roll calls need a {col!r} column for issue {self.issue!r}", field=col)
            rc = rc.filter(pl.col(col).fill_null(False))
            v = v.join(rc.select(pl.col("rollcall_id").cast(pl.Int64)), on="rollcall_id", how="semi")
        v = v.filter(pl.col("vote").is_in(list(_VOTE_TO_CODE)))  # X and nulls are missing data
        if v.height == 0:
            raise InsufficientDataError("no Yes/Abstain/No votes to fit")
        # integer encodings (numpy from here: the record has ~10^6 votes)
        code = v["vote"].replace_strict(_VOTE_TO_CODE, return_dtype=pl.Int8).to_numpy()
        rollcall_ids, obs_rc = np.unique(v["rollcall_id"].to_numpy(), return_inverse=True)
        n_rc = rollcall_ids.size
        # roll calls with a single category carry no information on ideal points
        counts = np.bincount(obs_rc * 3 + code, minlength=3 * n_rc).reshape(n_rc, 3)
        informative = (counts > 0).sum(axis=1) > 1
        dropped = pl.DataFrame(
            {
                "rollcall_id": rollcall_ids[~informative],
                "reason": ["unanimous"] * int((~informative).sum()),
                "n": counts[~informative].sum(axis=1).astype(np.uint32),
            },
            schema={"rollcall_id": pl.Int64, "reason": pl.String, "n": pl.UInt32},
        )
        if not informative.any():
            raise InsufficientDataError("every roll call is unanimous: no information on ideal points")
        keep = informative[obs_rc]
        v = v.filter(pl.Series(keep))
        code = code[keep]
        rc_new = np.cumsum(informative) - 1
        obs_rc = rc_new[obs_rc[keep]]
        rollcall_ids = rollcall_ids[informative]
        n_rc = rollcall_ids.size
        session = v["session_number"].to_numpy()
        rollcall_session = np.zeros(n_rc, dtype=np.int64)
        rollcall_session[obs_rc] = session

        # units: (state, session) sorted by state then session
        states = v["state"].unique().sort().to_list()
        state_of_obs = v["state"].replace_strict({st: i for i, st in enumerate(states)}, return_dtype=pl.Int64)
        span = int(session.max()) + 1
        unit_keys, obs_unit = np.unique(state_of_obs.to_numpy() * span + session, return_inverse=True)
        n_units = unit_keys.size
        # duplicate (roll call, state) rows would count twice
        pair = np.sort(obs_unit.astype(np.int64) * n_rc + obs_rc)
        dup = int(np.count_nonzero(pair[1:] == pair[:-1]))
        if dup:
            raise InputFormatError(f"{dup} duplicate (rollcall_id, state) vote rows", field="state")
        # each session's year: the year most of its votes fall in (the earliest on ties)
        session_year = (
            v.group_by("session_number", "year")
            .len()
            .sort(["session_number", "len", "year"], descending=[False, True, False])
            .unique("session_number", keep="first")
        )
        year_of = dict(zip(session_year["session_number"].to_list(), session_year["year"].to_list(), strict=True))
        unit_session = unit_keys % span

        # roll calls -> items (bridging)
        rc_ids = pl.DataFrame({"rollcall_id": rollcall_ids, "session_number": rollcall_session})
        if self.bridge and roll_calls is not None and any(c in rc.columns for c in ("title", "agenda")):
            rc_in = rc.with_columns(pl.col("rollcall_id").cast(pl.Int64)).join(
                rc_ids.select("rollcall_id"), on="rollcall_id", how="semi"
            )
            if "session_number" not in rc_in.columns:
                rc_in = rc_in.join(rc_ids, on="rollcall_id")
            br = find_bridges(rc_in)
        else:
            br = rc_ids.with_columns(pl.lit(None, dtype=pl.Int64).alias("bridge"))
        rc_ids = rc_ids.join(br.select("rollcall_id", "bridge"), on="rollcall_id", how="left", maintain_order="left")
        item_key = rc_ids["bridge"].fill_null(rc_ids["rollcall_id"]).to_numpy()
        _, rc_item = np.unique(item_key, return_inverse=True)
        n_items = int(rc_item.max()) + 1
        item_size = np.bincount(rc_item, minlength=n_items)
        bridges = (
            rc_ids.with_columns(pl.Series("bridged", item_size[rc_item] > 1))
            .group_by("session_number")
            .agg(pl.len().alias("n_rollcalls"), pl.col("bridged").sum().alias("n_bridged"))
            .sort("session_number")
            .rename({"session_number": "session"})
        )
        item_groups = (
            rc_ids.with_columns(pl.Series("item", rc_item, dtype=pl.Int32))
            .group_by("item")
            .agg(pl.col("rollcall_id").alias("rollcall_ids"), pl.col("session_number").alias("sessions"))
            .sort("item")
        )
        item_first = np.full(n_items, np.iinfo(np.int64).max)
        np.minimum.at(item_first, rc_item, rollcall_ids)
        obs_item = rc_item[obs_rc]
        return _Design(
            states=states,
            unit_state=(unit_keys // span).astype(np.intp),
            unit_session=unit_session.astype(np.int64),
            unit_year=np.array([year_of[int(t)] for t in unit_session], dtype=np.int64),
            unit_votes=np.bincount(obs_unit, minlength=n_units).astype(np.int64),
            item_groups=item_groups,
            item_size=item_size.astype(np.float64),
            item_first_rollcall=item_first,
            rollcall_item=rc_item.astype(np.intp),
            obs=core.Observations.from_codes(
                obs_unit.astype(np.intp), obs_item.astype(np.intp), code, n_units, n_items
            ),
            obs_rollcall=obs_rc.astype(np.int64),
            obs_unit=obs_unit.astype(np.intp),
            obs_code=code,
            rollcall_ids=rollcall_ids,
            rollcall_session=rollcall_session,
            dropped=dropped,
            bridges=bridges,
        )

    def _prior_weights(self, des: _Design) -> NDArray[np.float64]:
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

    def _start_theta(self, des: _Design) -> NDArray[np.float64]:
        """Leading singular vector of each session's centred vote matrix, oriented on the reference state."""
        n_units = des.obs.n_units
        n_rc = des.rollcall_ids.size
        value = np.choose(des.obs_code, [-1.0, 0.0, 1.0])
        col_mean = np.bincount(des.obs_rollcall, weights=value, minlength=n_rc) / np.maximum(
            np.bincount(des.obs_rollcall, minlength=n_rc), 1
        )
        x = sp.csr_matrix((value - col_mean[des.obs_rollcall], (des.obs_unit, des.obs_rollcall)), shape=(n_units, n_rc))
        session = des.unit_session
        sess_values, sess_index = np.unique(session, return_inverse=True)
        n_sess = sess_values.size
        # reference row per roll call (0 where the reference did not vote)
        ref = des.states.index(self.reference) if self.reference in des.states else -1
        ref_units = np.flatnonzero(des.unit_state == ref) if ref >= 0 else np.array([], dtype=np.intp)
        ref_row = np.asarray(x[ref_units].sum(axis=0)).ravel() if ref_units.size else np.zeros(n_rc)
        theta0 = x @ ref_row
        has_ref = np.bincount(sess_index, weights=np.abs(theta0), minlength=n_sess) > 0
        theta0 = np.where(has_ref[sess_index], theta0, np.asarray(x.sum(axis=1)).ravel())

        def standardise(t: NDArray[np.float64]) -> NDArray[np.float64]:
            cnt = np.bincount(sess_index, minlength=n_sess)
            mean = np.bincount(sess_index, weights=t, minlength=n_sess) / cnt
            t = t - mean[sess_index]
            sd = np.sqrt(np.bincount(sess_index, weights=t * t, minlength=n_sess) / cnt)
            return t / np.where(sd > 0, sd, 1.0)[sess_index]

        theta = standardise(theta0)
        xt = x.T.tocsr()
        for _ in range(25):
            theta = standardise(x @ (xt @ theta))
        # keep the reference orientation of the power iteration's start in every session
        sign = np.sign(np.bincount(sess_index, weights=theta * standardise(theta0), minlength=n_sess))
        sign[sign == 0] = 1.0
        theta = theta * sign[sess_index]
        start = np.zeros((n_units, self.dims))
        start[:, 0] = theta
        if self.dims == 2:
            # second start axis: the next singular vector (deflated power iteration)
            rng = np.random.default_rng(0)
            t2 = standardise(rng.standard_normal(n_units))
            for _ in range(25):
                t2 = x @ (xt @ t2)
                proj = np.bincount(sess_index, weights=t2 * theta, minlength=n_sess) / np.bincount(
                    sess_index, minlength=n_sess
                )
                t2 = standardise(t2 - proj[sess_index] * theta)
            start[:, 1] = 0.5 * t2
        return start

    def _start_items(self, des: _Design) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        n_items = des.obs.n_items
        counts = np.stack([np.bincount(it, minlength=n_items) for it in des.obs.item], axis=1).astype(float)  # Y, N, A
        total = counts.sum(axis=1)
        p_no = np.clip(counts[:, 1] / total, 0.005, 0.995)
        p_no_abs = np.clip((counts[:, 1] + counts[:, 2]) / total, 0.005, 0.995)
        k1 = norm.ppf(p_no)
        k2 = np.maximum(norm.ppf(p_no_abs), k1 + core.MIN_GAP)
        tied = counts[:, 2] == 0
        c = np.where(tied, k1, 0.5 * (k1 + k2))
        g = np.where(tied, 0.0, k2 - k1)
        return c, g, tied

    # ------------------------------------------------------------------ fit

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
        t0 = time.perf_counter()
        des = self._design(votes, roll_calls)
        t_design = time.perf_counter() - t0
        obs = des.obs
        theta = self._start_theta(des)
        c, g, tied = self._start_items(des)
        beta = np.zeros((obs.n_items, self.dims))
        if init is not None:
            theta, beta, c, g = self._warm_start(init, des, theta, beta, c, g, tied)
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
        state = _Params(theta, beta, c, g)
        variational = self.variational

        def sweep(x: _Params) -> _Params:
            ts = core.terms(obs, x.theta, x.beta, x.c, x.g)
            b, cc, gg, item_cov = core.item_step(
                obs, ts, x.theta, x.beta, x.c, x.g, tied, priors, theta_var=x.theta_var if variational else None
            )
            bvar = item_cov[:, 2:, 2:]
            ts = core.terms(obs, x.theta, b, cc, gg)
            th, info = core.theta_step(obs, ts, x.theta, b, qdiag, qoff, beta_var=bvar if variational else None)
            scale = th.std(axis=0)
            th, b, cc = _standardise(th, b, cc)
            if not variational:
                return _Params(th, b, cc, gg)
            outer = np.outer(scale, scale)
            tvar = core.chain_covariances(chain, info, qdiag, qoff)[0] / outer
            return _Params(th, b, cc, gg, tvar, bvar * outer)

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
            candidate = _Params.unflat(state.flat() - 2.0 * alpha * r + alpha * alpha * v, state, tied)
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
                rw = self._update_random_walk(chain, obs, state.theta, state.beta, state.c, state.g, qdiag, qoff)
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
            sigma = sigma + self._item_uncertainty(obs, state, tied, priors, qdiag, qoff)
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

    def _item_uncertainty(
        self,
        obs: core.Observations,
        state: _Params,
        tied: NDArray[np.bool_],
        priors: core.Priors,
        qdiag: NDArray[np.float64],
        qoff: NDArray[np.float64],
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
            obs, ts, theta, beta, c, g, tied, priors, theta_var=state.theta_var if self.variational else None
        )
        beta_var = cov[:, 2:, 2:] if self.variational else None
        cov = cov.copy()
        cov[tied, 1, :] = 0.0
        cov[tied, :, 1] = 0.0
        cov[tied, 1, 1] = 1.0  # frozen gap: its draw is discarded below
        chol = np.linalg.cholesky(cov)
        rng = np.random.default_rng(self.random_state)
        draws = np.empty((self.item_draws, *theta.shape))
        for k in range(self.item_draws):
            z = np.einsum("nij,nj->ni", chol, rng.standard_normal(cov.shape[:2]))
            cb = c + z[:, 0]
            gb = np.where(tied, 0.0, np.maximum(g + z[:, 1], core.MIN_GAP))
            bb = beta + z[:, 2:]
            th, _ = core.theta_step(obs, core.terms(obs, theta, bb, cb, gb), theta, bb, qdiag, qoff, beta_var=beta_var)
            draws[k] = _standardise(th, bb, cb)[0]
        dev = draws - draws.mean(axis=0)
        return np.einsum("bni,bnj->nij", dev, dev) / max(self.item_draws - 1, 1)

    def partial_fit(self, votes: pl.DataFrame, roll_calls: pl.DataFrame | None = None) -> IdealPointModel:
        """Refit on ``votes`` (the old record plus a new session) warm-started from the current fit."""
        if not hasattr(self, "theta_"):
            return self.fit(votes, roll_calls)
        previous = IdealPointModel.__new__(IdealPointModel)
        previous.__dict__.update(self.__dict__)
        return self.fit(votes, roll_calls, init=previous)

    def _warm_start(
        self,
        init: IdealPointModel,
        des: _Design,
        theta: NDArray[np.float64],
        beta: NDArray[np.float64],
        c: NDArray[np.float64],
        g: NDArray[np.float64],
        tied: NDArray[np.bool_],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        init._check_fitted()
        if init.dims != self.dims:
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

    def _update_random_walk(
        self,
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

    def _orient(
        self, des: _Design, theta: NDArray[np.float64], beta: NDArray[np.float64], sigma: NDArray[np.float64]
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
        self._check_fitted()
        v = votes.filter(pl.col("vote").is_in(list(_VOTE_TO_CODE)))
        if v.height == 0:
            raise InsufficientDataError("no Yes/Abstain/No votes revealed for this roll call")
        theta = self._theta_for(v["state"].to_list(), session)
        code = np.array([_VOTE_TO_CODE[x] for x in v["vote"].to_list()], dtype=np.int8)
        obs = core.Observations.from_codes(np.arange(v.height), np.zeros(v.height, dtype=np.intp), code, v.height, 1)
        counts = np.array([u.size for u in obs.unit], dtype=float)  # Y, N, A
        tied = np.array([counts[2] == 0])
        p_no = np.clip(counts[1] / counts.sum(), 0.005, 0.995)
        p_na = np.clip((counts[1] + counts[2]) / counts.sum(), 0.005, 0.995)
        k1, k2 = float(norm.ppf(p_no)), float(norm.ppf(p_na))
        c = np.array([k1 if tied[0] else 0.5 * (k1 + k2)])
        g = np.array([0.0 if tied[0] else max(k2 - k1, core.MIN_GAP)])
        beta = np.zeros((1, self.dims))
        priors = core.Priors(cutpoint_sd=self.cutpoint_sd, discrimination_sd=self.discrimination_sd)
        for _ in range(n_steps):
            beta, c, g, _ = core.item_step(obs, core.terms(obs, theta, beta, c, g), theta, beta, c, g, tied, priors)
        out = {"cutpoint_no": float(c[0] - 0.5 * g[0]), "cutpoint_yes": float(c[0] + 0.5 * g[0])}
        for k in range(self.dims):
            out[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] = float(beta[0, k])
        return out

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
        self._check_fitted()
        des = self._des
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
                    "cutpoint_no": float(self.cut_center_[j] - 0.5 * self.cut_gap_[j]),
                    "cutpoint_yes": float(self.cut_center_[j] + 0.5 * self.cut_gap_[j]),
                }
                for k in range(self.dims):
                    spec[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] = float(self.beta_[j, k])
                specs.append((int(rid), sess, spec))
        for rid_out, sess_out, spec_out in specs:
            at = self.ideal_points_at(sess_out, states)
            th = at.select([f"ideal_point{'' if k == 0 else f'_{k + 1}'}" for k in range(self.dims)]).to_numpy()
            b = np.array([spec_out[f"discrimination{'' if k == 0 else f'_{k + 1}'}"] for k in range(self.dims)])
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

    # ------------------------------------------------------------------ persistence

    _PARAMS = (
        "dims", "issue", "random_walk_sd", "initial_sd", "bridge", "reference", "reference2", "interval",
        "max_iter", "tol", "cutpoint_sd", "discrimination_sd", "random_state", "init_noise", "variational", "item_draws",
        "session_scaling",
    )  # fmt: skip

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters."""
        return {k: getattr(self, k) for k in self._PARAMS}

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
