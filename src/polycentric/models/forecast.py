"""Forecast every state's vote on a new General Assembly draft.

The method, in one paragraph
----------------------------
A new draft is, with few exceptions, a variant of questions the Assembly has
already voted on: most resolutions return every year under the same agenda item
and title (Voeten 2013; Bailey, Strezhnev & Voeten 2017 bridge ideal points over
time with exactly these repeats). :class:`VoteForecaster` therefore treats the
draft's unknown item as a **mixture over candidate templates**: the ``k`` past
roll calls most similar to it in text (TF-IDF cosine over title, description,
agenda, subjects and issue codes; Salton & Buckley 1988), weighted by
similarity and recency. Under template ``j`` state ``i`` votes

.. math::

    q_{ij}(v) = (1-\\lambda)\\,\\big[(1-\\varepsilon)\\,\\mathbb 1\\{v = V_{ij}\\}
        + \\varepsilon\\, b_i(v)\\big] + \\lambda\\, P_{\\text{IRT}}(v \\mid \\theta_i, \\beta_j)

(its own recorded vote on the template, smoothed toward its recent base rates
``b_i``, blended with an ordered-logit item-response prediction from its
*current* ideal point ``θ_i`` and the template's item parameters ``β_j``;
when the state was not a member at the template's date only the IRT and base
parts remain). The template weights are a prior over the draft's item
parameters,

.. math:: \\pi_j \\propto s_j^{\\alpha}\\, e^{-\\Delta t_j/\\tau},

where ``s_j`` is the cosine similarity and ``Δt_j`` the template's age in
years. **Revealed positions** (``known={"USA": "N"}``) update the prior by
Bayes' rule, ``π_j ∝ π_j ∏_{r} q_{rj}(v_r)`` — a posterior over the draft's
item parameters restricted to the candidate neighbours' estimated parameters
(likelihood weighting; a discrete version of the item-location update of
Clinton, Jackman & Rivers 2004). The forecast is the posterior predictive
``p_i(v) = Σ_j π_j q_{ij}(v)``, for ``v`` in Y / A / N / X.

The IRT part is a two-dimensional ordinal (N < A < Y) logit item-response model
(Bailey, Strezhnev & Voeten 2017 use the one-dimensional dynamic probit
version) fitted by penalised joint maximum likelihood with analytic gradients
on the last ``irt_sessions`` sessions, so ideal points are current and item
parameters exist for the recent templates; older templates use the history
part only. With ``ideal_points="dynamic"`` the dynamic ordinal probit of
:class:`polycentric.models.idealpoints.IdealPointModel` (fitted on everything
before the cut-off) supplies the ideal points and every template's item
parameters instead.

The three Y / A / N probabilities are then **calibrated** by a multi-class
beta calibration map, ``p'_k ∝ exp(e^{α_k} log p_k − c_k log(1 − p_k) + b_k)``
(the per-class map of Kull, Silva Filho & Flach 2017 joined by a softmax; vector
scaling, ``softmax(log p / T + b)`` of Guo et al. 2017, is the case ``c = 0``),
fitted on true out-of-sample forecasts of the ``calibration_sessions`` sessions
before the cut-off, each made only from data before that session. Separate
calibrations are kept for forecasts with and without revealed votes.

Not voting (``X``)
------------------
``X`` is a member present in the UN but recording no vote. When the record has
``X`` rows they are used; when it has none (Voeten's files drop them),
membership is inferred as the span between a state's first and last recorded
vote and any member without a row on a roll call counts as ``X``. ``X`` is
modelled as a fourth category of the same mixture; the Y / A / N scores in the
backtest are computed on the votes actually cast, with the probabilities
conditional on voting.

Tallies and adoption
--------------------
Votes are correlated through the unknown item, so the tally of each category
is a mixture over the templates (posterior weights) of Poisson-binomial counts
(states independent *given* a template), computed exactly by dynamic
programming. Votes are still more correlated than that (delegations move in
blocs; a draft drifts from its templates), so the central 90 % range of the
mixture alone covers too few recorded counts. The interval is therefore
**conformalized** (Romano, Patterson & Candès 2019): the central range
``[lo, hi]`` is widened to ``[lo − q̂, hi + q̂]``, where ``q̂`` is the split-conformal
quantile of the scores ``max(lo − y, y − hi)`` of the recorded counts ``y`` of the
calibration sessions' out-of-sample forecasts (the same forecasts the vector
scaling is fitted on), per vote category and separately with and without
revealed votes (:class:`IntervalCalibration`). Adoption: simple majority, ``Y > N`` among members present and
voting; two-thirds, ``Y ≥ 2 N`` (Charter Art. 18). ``P(adopt)`` is the same
mixture. A state's *pivotality* is the probability that its
switching between Y and N changes the outcome (Banzhaf-style, given the
others' forecast), its *swing* score the entropy of its Y / A / N forecast,
and its *break* probability the chance it votes other than its group's modal
forecast.

References
----------
Bailey, M. A., Strezhnev, A., & Voeten, E. (2017). Estimating dynamic state
preferences from United Nations voting data. *Journal of Conflict Resolution*
61(2), 430–456.
Clinton, J., Jackman, S., & Rivers, D. (2004). The statistical analysis of roll
call data. *American Political Science Review* 98(2), 355–370.
Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of
modern neural networks. *ICML*.
Kull, M., Silva Filho, T., & Flach, P. (2017). Beyond sigmoids: how to obtain
well-calibrated probabilities from binary classifiers with beta calibration.
*Electronic Journal of Statistics* 11(2), 5052–5080.
Lei, J., G'Sell, M., Rinaldo, A., Tibshirani, R. J., & Wasserman, L. (2018).
Distribution-free predictive inference for regression. *Journal of the American
Statistical Association* 113(523), 1094–1111.
Romano, Y., Patterson, E., & Candès, E. (2019). Conformalized quantile
regression. *NeurIPS* 32.
Vovk, V., Gammerman, A., & Shafer, G. (2005). *Algorithmic Learning in a Random
World*. Springer.
Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
retrieval. *Information Processing & Management* 24(5), 513–523.
Voeten, E. (2013). Data and analyses of voting in the United Nations General
Assembly. In *Routledge Handbook of International Organization*.

Dependency rule: imports numpy, scipy, scikit-learn, polars,
``polycentric.errors`` and ``polycentric.schema`` (and, when present,
``polycentric.registry``); never the store or the shells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy.optimize import minimize
from scipy.special import expit, log_softmax
from scipy.stats import norm
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from polycentric.errors import InputFormatError, InsufficientDataError, ModelError, NotFittedError
from polycentric.schema import ISSUES

__all__ = [
    "REGIONAL_GROUPS",
    "VOTE_ORDER",
    "Forecast",
    "IntervalCalibration",
    "VoteForecaster",
    "calibrated_interval",
    "central_interval",
    "conformal_quantile",
    "forecast",
    "regional_groups",
]

VOTE_ORDER: tuple[str, ...] = ("Y", "A", "N", "X")
"""Category order of every probability array: yes, abstain, no, not voting."""

REGIONAL_GROUPS: tuple[str, ...] = ("AFRICAN_GROUP", "APG", "EEG", "GRULAC", "WEOG")
"""The five UN regional groups (ids of :mod:`polycentric.registry.groups`), the default groups for break scores."""

_CODE = {v: i for i, v in enumerate(VOTE_ORDER)}
_FIT_FORMAT = 2  # bumped when a fitted forecaster gains attributes, so stale cached fits are refitted
_NON_MEMBER = -1
_TEXT_COLUMNS = ("title", "description", "agenda", "subjects")
_DAYS_PER_YEAR = 365.2425
_TFIDF_PARAMS: dict[str, Any] = {"ngram_range": (1, 2), "stop_words": "english", "dtype": np.float32}


def _tfidf_vectorizer(**kwargs: Any) -> TfidfVectorizer:
    """The text representation of roll calls: word 1–2-grams, English stop words, sublinear tf, l2 norm."""
    return TfidfVectorizer(sublinear_tf=True, **_TFIDF_PARAMS, **kwargs)


def _years(dates: pl.Series | Sequence[dt.date]) -> np.ndarray:
    s = pl.Series(dates).cast(pl.Date)
    return s.cast(pl.Int32).to_numpy().astype(float) / _DAYS_PER_YEAR + 1970.0


def _text_frame(roll_calls: pl.DataFrame) -> list[str]:
    """One document per roll call: its text columns plus issue tokens."""
    parts: list[pl.Expr] = [pl.col(c).fill_null("") for c in _TEXT_COLUMNS if c in roll_calls.columns]
    for code in ISSUES:
        col = f"issue_{code}"
        if col in roll_calls.columns:
            parts.append(pl.when(pl.col(col)).then(pl.lit(f"zzissue{code}")).otherwise(pl.lit("")))
    if not parts:
        return [""] * roll_calls.height
    return roll_calls.select(pl.concat_str(parts, separator=" ").alias("t"))["t"].to_list()


def regional_groups(date: dt.date | None = None, groups: Sequence[str] = REGIONAL_GROUPS) -> dict[str, str]:
    """``{state: group}`` for the states in ``groups`` on ``date`` (default today), from the group registry.

    A state in several of ``groups`` on that day keeps the first listed.
    """
    from polycentric.registry.groups import members_on

    day = date or dt.date.today()
    out: dict[str, str] = {}
    for g in groups:
        for state in members_on(g, [day])["state"].to_list():
            out.setdefault(state, g)
    return out


def _registry_members(date: dt.date) -> tuple[set[str], set[str]] | None:
    """``(UN members on date, every id the registry knows)`` from the state registry, or None."""
    try:
        from polycentric.registry.states import member_states, states_table

        return set(member_states(date)), set(states_table()["state"].to_list())
    except Exception:  # registry data unavailable: fall back to the record's own spans
        return None


# --------------------------------------------------------------------------- corpus


@dataclass
class _Corpus:
    """The record as dense arrays: items sorted by date, states, vote codes."""

    item_ids: np.ndarray  # rollcall_id, sorted by date
    item_time: np.ndarray  # decimal years
    item_session: np.ndarray  # session_number
    item_is_resolution: np.ndarray  # bool: kind == "resolution"
    item_symbol: list[str | None]
    item_text: list[str]
    states: np.ndarray  # state ids (str)
    state_names: dict[str, str]
    codes: np.ndarray  # int8 (n_items, n_states): 0..3 or -1 non-member
    member_from: np.ndarray  # decimal years, per state
    member_to: np.ndarray
    votes: pl.DataFrame | None = None  # the frames it was built from (for IdealPointModel fits)
    roll_calls: pl.DataFrame | None = None
    _counts: tuple[Any, np.ndarray] | None = None  # cached term counts of every item and the terms

    @classmethod
    def build(cls, votes: pl.DataFrame, roll_calls: pl.DataFrame) -> _Corpus:
        for col in ("rollcall_id", "state", "vote"):
            if col not in votes.columns:
                raise InputFormatError(f"votes lack the column {col!r}", field=col)
        for col in ("rollcall_id", "date"):
            if col not in roll_calls.columns:
                raise InputFormatError(f"roll calls lack the column {col!r}", field=col)
        rc = roll_calls.filter(pl.col("date").is_not_null()).unique("rollcall_id", keep="first")
        if "session_number" not in rc.columns:
            rc = rc.with_columns(session_number=(pl.col("date").dt.year() - 1945).cast(pl.Int32))
        if "kind" not in rc.columns:
            rc = rc.with_columns(kind=pl.lit("resolution"))
        if "resolution" not in rc.columns:
            rc = rc.with_columns(resolution=pl.lit(None, dtype=pl.String))
        rc = rc.filter(pl.col("rollcall_id").is_in(votes["rollcall_id"].unique().implode())).sort("date", "rollcall_id")
        if rc.height == 0:
            raise InsufficientDataError("no roll call with votes to learn from")
        bad = votes.filter(~pl.col("vote").is_in(list(VOTE_ORDER)))
        if bad.height:
            raise InputFormatError(
                f"{bad.height} vote rows with a code outside Y/A/N/X, e.g. {bad.row(0)}", field="vote"
            )
        states = np.array(sorted(votes["state"].unique().to_list()), dtype=object)
        s_index = {s: i for i, s in enumerate(states)}
        r_index = {int(r): i for i, r in enumerate(rc["rollcall_id"].to_list())}
        v = votes.filter(pl.col("rollcall_id").is_in(rc["rollcall_id"].implode()))
        rows = np.fromiter((r_index[int(r)] for r in v["rollcall_id"].to_list()), dtype=np.int64, count=v.height)
        cols = np.fromiter((s_index[s] for s in v["state"].to_list()), dtype=np.int64, count=v.height)
        vals = np.fromiter((_CODE[x] for x in v["vote"].to_list()), dtype=np.int8, count=v.height)
        codes = np.full((rc.height, states.size), _NON_MEMBER, dtype=np.int8)
        codes[rows, cols] = vals
        item_time = _years(rc["date"])
        has_x = bool((vals == _CODE["X"]).any())
        member_from = np.full(states.size, np.inf)
        member_to = np.full(states.size, -np.inf)
        np.minimum.at(member_from, cols, item_time[rows])
        np.maximum.at(member_to, cols, item_time[rows])
        # a state that voted in the record's last session is still a member (open-ended span)
        last_session = rc["session_number"].max()
        last_start = item_time[(rc["session_number"] == last_session).to_numpy()].min()
        member_to[member_to >= last_start] = np.inf
        if not has_x:  # infer membership spans: a member without a row did not vote
            inside = (item_time[:, None] >= member_from[None, :]) & (item_time[:, None] <= member_to[None, :])
            codes[(codes == _NON_MEMBER) & inside] = _CODE["X"]
        names: dict[str, str] = {}
        if "state_name" in votes.columns:
            last = votes.sort("date" if "date" in votes.columns else "rollcall_id").unique("state", keep="last")
            names = dict(zip(last["state"].to_list(), last["state_name"].to_list(), strict=True))
        return cls(
            item_ids=rc["rollcall_id"].to_numpy(),
            item_time=item_time,
            item_session=rc["session_number"].fill_null(0).to_numpy().astype(np.int64),
            item_is_resolution=(rc["kind"].fill_null("resolution") == "resolution").to_numpy(),
            item_symbol=rc["resolution"].to_list(),
            item_text=_text_frame(rc),
            states=states,
            state_names={s: (names.get(s) or s) for s in states},
            codes=codes,
            member_from=member_from,
            member_to=member_to,
            votes=votes,
            roll_calls=roll_calls,
        )

    def tfidf(self, rows: np.ndarray) -> tuple[TfidfVectorizer, Any]:
        """A TF-IDF vectorizer fitted on the texts of ``rows`` and their (len(rows), vocab) matrix.

        Identical to ``_tfidf_vectorizer().fit_transform(texts)``, but the texts are tokenised
        once per corpus: the term counts of every roll call are cached, and a fit on a subset
        keeps the terms that occur in it (in the same sorted order) and learns their
        document frequencies from the cached counts.
        """
        if self._counts is None:
            counter = CountVectorizer(**_TFIDF_PARAMS)
            self._counts = (counter.fit_transform(self.item_text).tocsr(), counter.get_feature_names_out())
        counts, terms = self._counts
        sub = counts[np.asarray(rows)]
        active = np.flatnonzero(np.bincount(sub.indices, minlength=counts.shape[1]) > 0)
        sub = sub[:, active]
        vectorizer = _tfidf_vectorizer(vocabulary={str(t): i for i, t in enumerate(terms[active])})
        transformer = TfidfTransformer(sublinear_tf=True).fit(sub)
        vectorizer.idf_ = transformer.idf_
        return vectorizer, transformer.transform(sub)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_counts"] = None  # a cache: rebuilt when needed
        return state

    def members_at(self, t: float) -> np.ndarray:
        """Boolean mask of states that are members at decimal year ``t`` (or at the record's end)."""
        return (self.member_from <= t + 1e-9) & (self.member_to >= t - 1e-9)

    def cutoff_before(self, t: float) -> int:
        """Number of items dated strictly before ``t``."""
        return int(np.searchsorted(self.item_time, t - 1e-9, side="left"))


# --------------------------------------------------------------------------- ordinal IRT


def _ordinal_probs(eta: np.ndarray, cut: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """P(Y), P(A), P(N) under the ordinal logit with cut-points ``cut`` < ``cut + gap``."""
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
            f1, f2 = norm.cdf(cut - eta), norm.cdf(cut + gap - eta)
            return np.stack([1.0 - f2, f2 - f1, f1], axis=-1)
        return _ordinal_probs(eta, cut, gap)


# --------------------------------------------------------------------------- fitted state


@dataclass
class _State:
    """Everything fitted from the items before one cut-off."""

    cutoff: int
    vectorizer: TfidfVectorizer
    text_matrix: Any  # sparse (cutoff, vocab), L2-normalised rows
    base: np.ndarray  # (n_states, 4) recent base rates
    irt: _IRT | None
    irt_row: np.ndarray  # (cutoff,) row in irt window or -1
    ideal_point_model: Any = None  # the IdealPointModel behind ``irt`` when ideal_points == "dynamic"


N_CALIBRATION_PARAMS = 8
"""Length of a calibration parameter vector ``(α_Y, α_A, α_N, c_Y, c_A, c_N, b_A, b_N)``; zeros: identity."""


def _calibration_features(p3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.clip(p3, 1e-9, 1.0 - 1e-9)
    return np.log(p), np.log1p(-p)


def _beta_calibrate(p3: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Multi-class beta calibration of Y/A/N probabilities.

    ``p'_k ∝ exp(e^{α_k} log p_k − c_k log(1 − p_k) + b_k)`` (``b_Y = 0``) with
    ``params = (α_Y, α_A, α_N, c_Y, c_A, c_N, b_A, b_N)``: per class, the beta
    calibration map of Kull, Silva Filho & Flach (2017), joined by a softmax.
    Vector scaling (Guo et al. 2017, ``softmax(log p / T + b)``) is the special case
    ``α_k = −log T``, ``c_k = 0``; the ``c_k`` let the map be S-shaped (sharpen
    mid-range forecasts while softening the most confident ones), which a
    temperature cannot do. All-zero ``params`` leave ``p`` unchanged.
    """
    params = np.asarray(params, dtype=float)
    log_p, log_q = _calibration_features(p3)
    z = log_p * np.exp(params[:3]) - log_q * params[3:6]
    z[..., 1] += params[6]
    z[..., 2] += params[7]
    return np.exp(log_softmax(z, axis=-1))


def _fit_calibration(p3: np.ndarray, y: np.ndarray, ridge: float = 1e-4) -> np.ndarray:
    """Minimise the log loss of the beta calibration map on validation forecasts (``y`` in 0..2).

    Mean negative log-likelihood plus ``ridge · ‖params‖²`` (which keeps a class absent
    from the validation votes from driving its parameters to the bounds); L-BFGS-B with
    the analytic gradient. Fewer than 50 votes: the identity (all zeros).
    """
    if y.size < 50:
        return np.zeros(N_CALIBRATION_PARAMS)
    log_p, log_q = _calibration_features(p3)
    onehot = np.eye(3)[y]

    def nll(x: np.ndarray) -> tuple[float, np.ndarray]:
        scale = np.exp(x[:3])
        z = log_p * scale - log_q * x[3:6]
        z[:, 1] += x[6]
        z[:, 2] += x[7]
        logs = log_softmax(z, axis=1)
        resid = np.exp(logs) - onehot  # d(−log s_y)/dz
        grad = (
            np.concatenate([(resid * log_p).mean(0) * scale, -(resid * log_q).mean(0), resid[:, 1:].mean(0)])
            + 2 * ridge * x
        )
        return float(-(logs * onehot).sum(1).mean() + ridge * (x**2).sum()), grad

    bounds = [(-3.0, 3.0)] * 3 + [(-10.0, 10.0)] * 5
    res = minimize(nll, np.zeros(N_CALIBRATION_PARAMS), jac=True, method="L-BFGS-B", bounds=bounds)
    return np.asarray(res.x)


class VoteForecaster:
    """Forecast each member's Y / A / N / X vote on a draft (see the module docstring).

    Parameters
    ----------
    n_neighbours
        Number ``k`` of candidate templates (most similar past roll calls).
    similarity_power
        ``α`` in the template prior ``s^α e^{-Δt/τ}``.
    recency_years
        ``τ``, the e-folding age of a template in years.
    smoothing
        ``ε``, weight of the state's base rates inside its template vote.
    irt_weight
        ``λ``, weight of the ordinal IRT prediction inside a template vote.
    irt_sessions
        Sessions in the IRT window (the last ones before the cut-off).
    n_dims
        Dimensions of the IRT ideal points.
    base_sessions
        Sessions over which base rates ``b_i`` (including absence) are counted.
    calibration_sessions
        Sessions before the cut-off whose out-of-sample forecasts fit the calibration (0: none).
    ideal_points
        ``"window"`` (default): the internal two-dimensional ordinal logit on the
        last ``irt_sessions`` sessions; ``"dynamic"``: the dynamic ordinal probit of
        :class:`polycentric.models.idealpoints.IdealPointModel` (``n_dims`` ≤ 2)
        fitted on the whole record before the cut-off, which gives item
        parameters for every template, not only recent ones.
    """

    def __init__(
        self,
        *,
        n_neighbours: int = 40,
        similarity_power: float = 3.0,
        recency_years: float = 1.5,
        smoothing: float = 0.3,
        irt_weight: float = 0.1,
        irt_sessions: int = 5,
        n_dims: int = 2,
        base_sessions: int = 2,
        calibration_sessions: int = 3,
        ideal_points: str = "window",
    ) -> None:
        if ideal_points not in ("window", "dynamic"):
            raise ModelError(f"ideal_points must be 'window' or 'dynamic', not {ideal_points!r}")
        self.ideal_points = ideal_points
        self.n_neighbours = n_neighbours
        self.similarity_power = similarity_power
        self.recency_years = recency_years
        self.smoothing = smoothing
        self.irt_weight = irt_weight
        self.irt_sessions = irt_sessions
        self.n_dims = n_dims
        self.base_sessions = base_sessions
        self.calibration_sessions = calibration_sessions

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | Path) -> Path:
        """Write the fitted forecaster to ``path`` (a pickle: load only files you wrote yourself)."""
        self._check()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
        return target

    @staticmethod
    def load(path: str | Path) -> VoteForecaster:
        """Read a forecaster written by :meth:`save`."""
        with Path(path).open("rb") as fh:
            model = pickle.load(fh)
        if not isinstance(model, VoteForecaster):
            raise ModelError(f"{path} does not hold a VoteForecaster")
        return model

    def cache_key(self) -> str:
        """A short hash of the hyper-parameters (with the record version, names a cached fit)."""
        params = {k: v for k, v in sorted(vars(self).items()) if not k.endswith("_")}
        params["fit_format"] = _FIT_FORMAT
        return hashlib.sha1(repr(params).encode()).hexdigest()[:12]

    # ------------------------------------------------------------------ fitting

    def fit(
        self,
        votes: pl.DataFrame,
        roll_calls: pl.DataFrame,
        *,
        groups: Mapping[str, str] | None = None,
        before: dt.date | None = None,
    ) -> VoteForecaster:
        """Learn from ``votes`` (VOTES_VIEW shape) and ``roll_calls`` (ROLL_CALLS shape).

        ``groups`` maps state ids to a group id (e.g. UN regional groups) for the
        group-break scores; ``before`` restricts learning to roll calls dated
        strictly before that date.
        """
        corpus = _Corpus.build(votes, roll_calls)
        cutoff = corpus.codes.shape[0] if before is None else corpus.cutoff_before(_years([before])[0])
        return self._fit_corpus(corpus, cutoff, groups=groups)

    def _fit_corpus(
        self,
        corpus: _Corpus,
        cutoff: int,
        *,
        groups: Mapping[str, str] | None = None,
        previous: _State | None = None,
    ) -> VoteForecaster:
        if cutoff < 10:
            raise InsufficientDataError(f"only {cutoff} roll calls before the cut-off: too few to learn from")
        self.corpus_ = corpus
        self.groups_ = dict(groups) if groups else {}
        self.state_ = self._fit_state(corpus, cutoff, previous)
        self.calibration_ = self._fit_own_calibration(corpus, cutoff)
        self.n_roll_calls_ = cutoff
        self.last_date_ = corpus.item_time[cutoff - 1]
        return self

    def _fit_state(self, corpus: _Corpus, cutoff: int, previous: _State | None = None) -> _State:
        vec, matrix = corpus.tfidf(np.arange(cutoff))
        codes = corpus.codes[:cutoff]
        sess = corpus.item_session[:cutoff]
        last = int(sess.max())
        recent = sess > last - self.base_sessions
        counts = np.stack([(codes[recent] == k).sum(0) for k in range(4)], axis=1).astype(float)
        overall = counts.sum(0) + 1.0
        prior = overall / overall.sum()
        base = (counts + 5.0 * prior) / (counts.sum(1, keepdims=True) + 5.0)
        irt: _IRT | None = None
        ipm: Any = None
        irt_row = np.full(cutoff, -1, dtype=np.int64)
        if self.irt_weight > 0 and self.ideal_points == "dynamic":
            ipm = self._dynamic_ideal_points(corpus, cutoff, previous.ideal_point_model if previous else None)
            irt, irt_row = _IRT.from_ideal_point_model(ipm, corpus, cutoff)
        elif self.irt_weight > 0:
            window = np.flatnonzero(sess > last - self.irt_sessions)
            present = ((codes[window] >= 0) & (codes[window] <= 2)).sum(1)
            window = window[present >= 10]
            if window.size >= 20:
                theta0 = previous.irt.theta if previous is not None and previous.irt is not None else None
                irt = _IRT.fit(corpus.codes, window, self.n_dims, theta0=theta0)
                irt_row[window] = np.arange(window.size)
        return _State(
            cutoff=cutoff,
            vectorizer=vec,
            text_matrix=matrix,
            base=base,
            irt=irt,
            irt_row=irt_row,
            ideal_point_model=ipm,
        )

    def _dynamic_ideal_points(self, corpus: _Corpus, cutoff: int, previous: Any = None) -> Any:
        """:class:`~polycentric.models.idealpoints.IdealPointModel` fitted on the roll calls before the cut-off.

        Warm-started from ``previous`` (the fit at an earlier cut-off) when given.
        """
        from polycentric.models.idealpoints import IdealPointModel

        if corpus.votes is None or corpus.roll_calls is None:
            raise ModelError("dynamic ideal points need the vote frames")
        ids = pl.Series(corpus.item_ids[:cutoff]).implode()
        votes = corpus.votes.filter(pl.col("rollcall_id").is_in(ids))
        roll_calls = corpus.roll_calls.filter(pl.col("rollcall_id").is_in(ids))
        if previous is not None:
            return previous.partial_fit(votes, roll_calls)
        return IdealPointModel(dims=2 if self.n_dims >= 2 else 1).fit(votes, roll_calls)

    def _fit_own_calibration(self, corpus: _Corpus, cutoff: int) -> dict[str, np.ndarray]:
        """Out-of-sample forecasts of the last sessions before the cut-off: calibration and tally intervals.

        Each of the ``calibration_sessions`` sessions is forecast from a fit on the roll calls before it;
        the probability calibration of each key ("none", "revealed": five random members revealed) is fitted on
        those forecasts, and the conformal widening of the tally intervals
        (``interval_calibration_``) on their calibrated tally distributions and recorded counts.
        """
        out = {"none": np.zeros(N_CALIBRATION_PARAMS), "revealed": np.zeros(N_CALIBRATION_PARAMS)}
        n1 = corpus.states.size + 1
        self.interval_calibration_ = {
            key: IntervalCalibration(np.zeros((0, 4, n1), dtype=np.float32), np.zeros((0, 4), dtype=np.int64))
            for key in out
        }
        if self.calibration_sessions <= 0:
            return out
        sess = corpus.item_session[:cutoff]
        targets = sorted(set(sess[corpus.item_is_resolution[:cutoff]].tolist()))[-self.calibration_sessions :]
        rng = np.random.default_rng(0)
        collected: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {"none": [], "revealed": []}
        tallies: dict[str, list[tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray, list[np.ndarray] | None]]] = {
            "none": [],
            "revealed": [],
        }
        for s in targets:
            items = np.flatnonzero((sess == s) & corpus.item_is_resolution[:cutoff])
            cut = int(items.min()) if items.size else cutoff
            cut = corpus.cutoff_before(corpus.item_time[cut])
            if cut < 50:
                continue
            state = self._fit_state(corpus, cut)
            for key in ("none", "revealed"):
                known = None
                if key == "revealed":
                    known = [rng.choice(np.flatnonzero(corpus.codes[i] >= 0), size=5, replace=False) for i in items]
                parts: list[tuple[np.ndarray, np.ndarray]] = []
                raw = self._raw_predict(state, corpus, items, known, components=parts)
                p3, y = _validation_cells(raw, corpus.codes[items], known)
                collected[key].append((p3, y))
                tallies[key].append((parts, corpus.codes[items], known))
        for key, cells in collected.items():
            if not cells:
                continue
            out[key] = _fit_calibration(np.concatenate([p for p, _ in cells]), np.concatenate([y for _, y in cells]))
            dists, actual = [], []
            for parts, codes, known in tallies[key]:
                comp, weights, owner = _calibrated_components(parts, out[key], codes, known)
                dists.append(_mixture_counts(comp, weights, owner, codes.shape[0]).astype(np.float32))
                actual.append(_recorded_counts(codes))
            self.interval_calibration_[key] = IntervalCalibration(np.concatenate(dists), np.concatenate(actual))
        return out

    # ------------------------------------------------------------------ prediction core

    def _neighbours(
        self, state: _State, query_text: Sequence[str], query_time: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Top-k templates per query: (indices (m, k), prior weights (m, k), similarities (m, k))."""
        q = state.vectorizer.transform(list(query_text))
        sims = np.asarray((q @ state.text_matrix.T).todense(), dtype=float)
        corpus = self.corpus_
        age = np.clip(query_time[:, None] - corpus.item_time[None, : state.cutoff], 0.0, None)
        score = np.clip(sims, 0.0, 1.0) ** self.similarity_power * np.exp(-age / self.recency_years)
        k = min(self.n_neighbours, state.cutoff)
        idx = np.argpartition(-score, k - 1, axis=1)[:, :k]
        w = np.take_along_axis(score, idx, axis=1)
        s = np.take_along_axis(sims, idx, axis=1)
        # queries with no textual overlap: fall back to the most recent roll calls
        empty = w.sum(1) <= 0
        if empty.any():
            recent = np.arange(state.cutoff - k, state.cutoff)
            idx[empty] = recent
            w[empty] = np.exp(-age[empty][:, recent] / self.recency_years)
            s[empty] = 0.0
        order = np.argsort(-w, axis=1)
        return (
            np.take_along_axis(idx, order, axis=1),
            np.take_along_axis(w, order, axis=1),
            np.take_along_axis(s, order, axis=1),
        )

    def _template_votes(self, state: _State, templates: np.ndarray) -> np.ndarray:
        """(k, n_states, 4) per-template vote distributions ``q_ij``."""
        corpus = self.corpus_
        eps, lam = self.smoothing, self.irt_weight
        codes = corpus.codes[templates]  # (k, n)
        onehot = np.zeros((*codes.shape, 4))
        member = codes >= 0
        np.put_along_axis(onehot, np.where(member, codes, 0)[..., None].astype(np.int64), 1.0, axis=-1)
        hist = np.where(member[..., None], (1 - eps) * onehot + eps * state.base[None], state.base[None])
        if state.irt is None or lam <= 0:
            return hist
        rows = state.irt_row[templates]
        has = rows >= 0
        if not has.any():
            return hist
        irt3 = state.irt.probs(rows[has], np.arange(codes.shape[1]))  # (h, n, 3)
        p_x = state.base[None, :, 3:4]
        irt4 = np.concatenate([irt3 * (1 - p_x), np.broadcast_to(p_x, (*irt3.shape[:2], 1))], axis=-1)
        # where item parameters exist, the IRT forecast replaces the base rates as the smoothing target
        out = hist.copy()
        m = member[has][..., None]
        smoothed = (1 - eps) * onehot[has] + eps * irt4
        out[has] = np.where(m, (1 - lam) * smoothed + lam * irt4, irt4)
        return out

    def _posterior(
        self,
        state: _State,
        templates: np.ndarray,
        prior: np.ndarray,
        known: np.ndarray | None,
        known_codes: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Posterior template weights given revealed votes, the predictive (n_states, 4), and ``q`` (k, n_states, 4)."""
        q = self._template_votes(state, templates)
        logw = np.log(np.clip(prior / prior.sum(), 1e-300, None))
        if known is not None and known.size:
            logw = logw + np.log(np.clip(q[:, known, known_codes], 1e-12, None)).sum(1)
        w = np.exp(logw - logw.max())
        w /= w.sum()
        return w, np.einsum("k,kns->ns", w, q), q

    def _raw_predict(
        self,
        state: _State,
        corpus: _Corpus,
        items: np.ndarray,
        known: Sequence[np.ndarray] | None,
        components: list[tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> np.ndarray:
        """Uncalibrated (len(items), n_states, 4) forecasts of corpus items (text from the corpus).

        When ``components`` is a list, the (weights, per-template forecasts) of each item
        (templates of posterior weight ≥ 1e-3) are appended to it.
        """
        texts = [corpus.item_text[i] for i in items]
        idx, w, _ = self._neighbours(state, texts, corpus.item_time[items])
        out = np.empty((items.size, corpus.states.size, 4))
        for r in range(items.size):
            kn = known[r] if known is not None else None
            kc = corpus.codes[items[r], kn] if kn is not None else None
            weights, out[r], q = self._posterior(state, idx[r], w[r], kn, kc)
            if components is not None:
                keep = weights >= 1e-3
                components.append((weights[keep] / weights[keep].sum(), q[keep]))
        return out

    def _calibrate(self, p4: np.ndarray, key: str) -> np.ndarray:
        """Calibrate the Y/A/N part (calibration ``key``: "none" or "revealed"); X unchanged."""
        params = self.calibration_.get(key, np.zeros(N_CALIBRATION_PARAMS))
        p_x = p4[..., 3:4]
        p3 = p4[..., :3] / np.clip(p4[..., :3].sum(-1, keepdims=True), 1e-12, None)
        return np.concatenate([_beta_calibrate(p3, params) * (1 - p_x), p_x], axis=-1)

    # ------------------------------------------------------------------ public prediction

    def _check(self) -> None:
        if not hasattr(self, "state_"):
            raise NotFittedError("VoteForecaster is not fitted: call fit() first")

    def forecast(
        self,
        title: str | None = None,
        *,
        text: str | None = None,
        agenda: str | None = None,
        sponsors: Sequence[str] | None = None,
        like: str | None = None,
        known: Mapping[str, str] | None = None,
        date: dt.date | None = None,
        majority: str = "simple",
    ) -> Forecast:
        """Forecast a new draft.

        Parameters
        ----------
        title, text, agenda
            What is known of the draft; any may be omitted when ``like`` is given.
        sponsors
            State ids of the sponsors; each is forecast to vote Y (a sponsor's
            vote on its own draft), unless given otherwise in ``known``.
        like
            A resolution symbol (``A/RES/77/229`` or ``R/77/229``) whose text is
            added to the query; that roll call is always a template.
        known
            Announced positions, ``{"USA": "N", "RUS": "Y"}``.
        date
            Forecast date (membership on that date); default the day after the
            last roll call learnt from.
        majority
            ``"simple"`` (Y > N) or ``"two-thirds"`` (Y ≥ 2N).
        """
        self._check()
        if majority not in ("simple", "two-thirds"):
            raise InputFormatError(f"majority must be 'simple' or 'two-thirds', not {majority!r}", field="majority")
        corpus, state = self.corpus_, self.state_
        parts = [p for p in (title, text, agenda) if p]
        forced: list[int] = []
        if like is not None:
            symbol = _normalise_symbol(like)
            hits = [
                i for i in range(state.cutoff) if (sym := corpus.item_symbol[i]) and _normalise_symbol(sym) == symbol
            ]
            if not hits:
                raise InputFormatError(f"no roll call on resolution {like!r} in the record learnt from", field="like")
            whole = [i for i in hits if corpus.item_is_resolution[i]] or hits
            forced.append(whole[-1])
            parts.append(corpus.item_text[whole[-1]])
        if not parts:
            raise InputFormatError("give a title, a text or --like SYMBOL", field="title")
        t = float(_years([date])[0]) if date is not None else float(corpus.item_time[state.cutoff - 1]) + 1 / 365
        idx, w, sims = self._neighbours(state, [" ".join(parts)], np.array([t]))
        templates, prior, sim = idx[0], w[0], sims[0]
        for f in forced:
            if f not in templates:
                templates = np.append(templates[:-1], f)
                prior = np.append(prior[:-1], prior.max())
                sim = np.append(sim[:-1], 1.0)
            else:
                prior[templates == f] = max(prior.max(), prior[templates == f][0])
        members = corpus.members_at(t)
        registry = _registry_members(_date_of(t))
        if registry is not None and t > corpus.item_time[-1]:
            # after the record ends, membership of the states the registry knows comes from it
            registered, known_ids = registry
            members = np.array(
                [(s in registered) if s in known_ids else bool(m) for s, m in zip(corpus.states, members, strict=True)]
            )
        known = dict(known or {})
        for s in sponsors or ():
            known.setdefault(s, "Y")
        kn_idx, kn_code = self._known_arrays(known, members)
        weights, p4, q = self._posterior(state, templates, prior, kn_idx, kn_code)
        key = "revealed" if kn_idx.size else "none"
        p4 = self._calibrate(p4, key)
        keep = weights >= 1e-3
        comp = self._calibrate(q[keep], key)
        if kn_idx.size:
            p4[kn_idx] = 0.0
            p4[kn_idx, kn_code] = 1.0
            comp[:, kn_idx] = 0.0
            comp[:, kn_idx, kn_code] = 1.0
        m = np.flatnonzero(members)
        neighbours = pl.DataFrame(
            {
                "rollcall_id": corpus.item_ids[templates],
                "resolution": [corpus.item_symbol[i] for i in templates],
                "date": [_date_of(corpus.item_time[i]) for i in templates],
                "similarity": sim.astype(float),
                "prior_weight": (prior / prior.sum()).astype(float),
                "posterior_weight": weights.astype(float),
                "text": [corpus.item_text[i][:120] for i in templates],
            }
        ).sort("posterior_weight", descending=True)
        return Forecast(
            states=[str(s) for s in corpus.states[m]],
            state_names=[corpus.state_names[s] for s in corpus.states[m]],
            probabilities=p4[m],
            known={corpus.states[i]: VOTE_ORDER[c] for i, c in zip(kn_idx, kn_code, strict=True)},
            majority=majority,
            groups={s: self.groups_[s] for s in corpus.states[m] if s in self.groups_},
            neighbours=neighbours,
            date=_date_of(t),
            components=comp[:, m],
            component_weights=weights[keep] / weights[keep].sum(),
            interval_calibration=getattr(self, "interval_calibration_", {}).get(key),
        )

    def _known_arrays(self, known: Mapping[str, str], members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        corpus = self.corpus_
        index = {s: i for i, s in enumerate(corpus.states)}
        idx, cds = [], []
        for s, v in known.items():
            key = str(s).strip().upper()
            if key not in index:
                raise InputFormatError(f"unknown state {s!r} in known positions", field="known")
            code = str(v).strip().upper()
            if code not in _CODE:
                raise InputFormatError(f"vote {v!r} for {s} is not one of Y, A, N, X", field="known")
            if not members[index[key]]:
                raise InputFormatError(f"{key} is not a UN member on the forecast date", field="known")
            idx.append(index[key])
            cds.append(_CODE[code])
        return np.asarray(idx, dtype=np.int64), np.asarray(cds, dtype=np.int64)


def _normalise_symbol(symbol: str) -> str:
    s = symbol.strip().upper().replace(" ", "")
    if s.startswith("R/"):
        s = "A/RES/" + s[2:]
    return s


def _date_of(t: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=round((t - 1970.0) * _DAYS_PER_YEAR))


def _validation_cells(
    raw: np.ndarray, codes: np.ndarray, known: Sequence[np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Y/A/N-conditional forecasts and outcomes of the cast votes of unrevealed states."""
    mask = (codes >= 0) & (codes <= 2)
    if known is not None:
        for r, kn in enumerate(known):
            mask[r, kn] = False
    p3 = raw[..., :3][mask]
    p3 = p3 / p3.sum(1, keepdims=True)
    return p3, codes[mask].astype(np.int64)


# --------------------------------------------------------------------------- the forecast


def _count_distribution(p: np.ndarray, chunk: int = 256) -> np.ndarray:
    """Poisson-binomial distribution of the number of successes (exact dynamic programme).

    ``p`` is (n,) or (k, n) (k independent sets of n probabilities); the result is (n+1,) or (k, n+1).
    The recursion ``P_i(c) = P_{i-1}(c)(1 − p_i) + P_{i-1}(c − 1) p_i`` runs over the states, on blocks
    of ``chunk`` sets laid out count-major (contiguous rows), touching only the support ``0..i``.
    """
    batch = np.atleast_2d(np.asarray(p, dtype=float))
    k, n = batch.shape
    out = np.empty((k, n + 1))
    for start in range(0, k, chunk):
        block = np.ascontiguousarray(batch[start : start + chunk].T)  # (n, b)
        dist = np.zeros((n + 1, block.shape[1]))
        dist[0] = 1.0
        for i in range(n):
            q = block[i]
            moved = dist[: i + 1] * q
            dist[: i + 1] *= 1.0 - q
            dist[1 : i + 2] += moved
        out[start : start + chunk] = dist.T
    return out[0] if np.ndim(p) == 1 else out


def central_interval(dist: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` interval ``[lo, hi]`` of count distributions ``dist`` (..., n+1).

    ``lo`` is the smallest count with ``F(lo) ≥ (1 − level)/2`` and ``hi`` the smallest with
    ``F(hi) ≥ (1 + level)/2``, ``F`` the cumulative distribution.
    """
    cdf = np.cumsum(dist, axis=-1)
    lo = (cdf < (1 - level) / 2 - 1e-12).sum(-1)
    hi = (cdf < (1 + level) / 2 - 1e-12).sum(-1)
    return lo.astype(np.int64), np.minimum(hi, dist.shape[-1] - 1).astype(np.int64)


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """Split-conformal quantile: the ``⌈(m + 1)·level⌉``-th smallest of ``m`` scores (``+inf`` if beyond ``m``).

    For a new case exchangeable with the ``m`` calibration cases, ``P(score ≤ q̂) ≥ level``
    (Vovk, Gammerman & Shafer 2005; Lei et al. 2018).
    """
    s = np.sort(np.asarray(scores, dtype=float).ravel())
    rank = int(np.ceil((s.size + 1) * level - 1e-9))
    if rank < 1:
        return float("-inf")
    return float(s[rank - 1]) if rank <= s.size else float("inf")


@dataclass
class IntervalCalibration:
    """Split-conformal widening of the tally intervals (conformalized quantile regression).

    Holds, for ``m`` calibration roll calls forecast out of sample (the sessions
    before the cut-off that also fit the probability calibration), the forecast
    count distributions of Y, A, N and X (``distributions``, (m, 4, n+1)) and the
    recorded counts (``actual``, (m, 4)). For a central ``level`` interval
    ``[lo, hi]`` of the forecast distribution, the conformity score of a roll call
    is ``e = max(lo − y, y − hi)`` (negative inside the interval); the widening is
    the split-conformal quantile ``q̂`` of the scores, and the calibrated interval
    ``[lo − q̂, hi + q̂]`` (never narrower than the median) covers a new roll call's
    count with probability at least ``level`` when roll calls are exchangeable
    (Romano, Patterson & Candès 2019). Votes are more correlated than the mixture
    of independent-state forecasts implies (delegations move in blocs; drafts
    drift from their templates), so ``q̂`` is typically positive.
    """

    distributions: np.ndarray
    actual: np.ndarray

    @property
    def n_roll_calls(self) -> int:
        """Number ``m`` of calibration roll calls."""
        return int(self.actual.shape[0])

    def scores(self, level: float) -> np.ndarray:
        """(m, 4) conformity scores ``max(lo − y, y − hi)`` of the calibration roll calls."""
        lo, hi = central_interval(self.distributions.astype(float), level)
        return np.maximum(lo - self.actual, self.actual - hi)

    def widening(self, level: float) -> np.ndarray:
        """(4,) conformal widening ``q̂`` of the Y, A, N, X intervals at ``level`` (0 without calibration data)."""
        if self.n_roll_calls == 0:
            return np.zeros(4)
        e = self.scores(level)
        return np.array([conformal_quantile(e[:, c], level) for c in range(e.shape[1])])


def calibrated_interval(dist: np.ndarray, level: float, widening: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """``[lo − q̂, hi + q̂]`` around the central ``level`` interval of ``dist`` (..., n+1), clipped to ``0..n``.

    A negative ``q̂`` narrows the interval, but never past the median count.
    """
    lo, hi = central_interval(dist, level)
    med, _ = central_interval(dist, 0.0)
    n = dist.shape[-1] - 1
    q = np.asarray(widening, dtype=float)
    q = np.where(np.isfinite(q), q, n + 1.0)
    lo2 = np.clip(np.minimum(lo - q, med), 0, n).astype(np.int64)
    hi2 = np.clip(np.maximum(hi + q, med), 0, n).astype(np.int64)
    return lo2, hi2


def _calibrated_components(
    parts: Sequence[tuple[np.ndarray, np.ndarray]],
    params: np.ndarray,
    codes: np.ndarray,
    known: Sequence[np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stack the calibrated template forecasts of ``m`` roll calls: ``(comp (K, n, 4), weights (K,), owner (K,))``.

    ``parts`` holds each roll call's (template weights, raw per-template forecasts (k, n, 4));
    ``codes`` (m, n) the recorded votes (−1: not a member, whose rows become all zero);
    ``known`` each roll call's revealed states, which get probability 1 on their recorded vote.
    """
    sizes = np.array([w.size for w, _ in parts], dtype=np.int64)
    owner = np.repeat(np.arange(len(parts)), sizes)
    weights = np.concatenate([w for w, _ in parts])
    q = np.concatenate([c for _, c in parts])
    p_x = q[..., 3:4]
    p3 = q[..., :3] / np.clip(q[..., :3].sum(-1, keepdims=True), 1e-12, None)
    comp = np.concatenate([_beta_calibrate(p3, params) * (1 - p_x), p_x], axis=-1)
    comp[~(codes[owner] >= 0)] = 0.0
    for r, kn in enumerate(known or ()):
        if kn.size:
            rows = np.flatnonzero(owner == r)
            comp[np.ix_(rows, kn)] = 0.0
            comp[rows[:, None], kn[None, :], codes[r, kn][None, :].astype(np.int64)] = 1.0
    return comp, weights, owner


def _mixture_counts(
    comp: np.ndarray, weights: np.ndarray, owner: np.ndarray, m: int, categories: Sequence[int] = (0, 1, 2, 3)
) -> np.ndarray:
    """(m, len(categories), n+1) count distributions: per roll call, Σ_j w_j · PoissonBinomial(comp_j[:, c])."""
    out = np.zeros((m, len(categories), comp.shape[1] + 1))
    for c_pos, c in enumerate(categories):
        np.add.at(out[:, c_pos], owner, weights[:, None] * _count_distribution(comp[..., c]))
    return out


def _recorded_counts(codes: np.ndarray) -> np.ndarray:
    """(m, 4) recorded Y, A, N, X counts among members."""
    return np.stack([(codes == k).sum(1) for k in range(4)], axis=1)


def _margin_weights(majority: str) -> np.ndarray:
    """Contribution of Y/A/N/X to the adoption margin (adopted iff margin > 0 or ≥ 0)."""
    return np.array([1, 0, -1, 0]) if majority == "simple" else np.array([1, 0, -2, 0])


@dataclass
class Forecast:
    """A forecast of one draft: per-member probabilities and what follows from them.

    ``probabilities`` is (n_members, 4) in :data:`VOTE_ORDER` (Y, A, N, X).
    ``components`` (k, n_members, 4) and ``component_weights`` (k,) are the
    calibrated per-template forecasts and their posterior weights: votes are
    correlated through the unknown item, so tallies and the adoption probability
    are mixtures over templates of independent-state distributions. Without
    components, states are taken as independent given ``probabilities``.
    ``interval_calibration`` (from the fitted forecaster) widens the tally
    intervals by split conformal prediction; without it they are the model's own.
    """

    states: list[str]
    state_names: list[str]
    probabilities: np.ndarray
    known: dict[str, str] = field(default_factory=dict)
    majority: str = "simple"
    groups: dict[str, str] = field(default_factory=dict)
    neighbours: pl.DataFrame | None = None
    date: dt.date | None = None
    components: np.ndarray | None = None
    component_weights: np.ndarray | None = None
    interval_calibration: IntervalCalibration | None = None

    # ---- adoption and pivotality -------------------------------------------------

    def _mixture(self) -> list[tuple[float, np.ndarray]]:
        if self.components is None or self.component_weights is None:
            return [(1.0, self.probabilities)]
        return list(zip(self.component_weights.tolist(), self.components, strict=True))

    def _margin_dists(self, probabilities: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, int]:
        """Prefix/suffix distributions of the adoption margin over states (offset-indexed)."""
        p = self.probabilities if probabilities is None else probabilities
        w = _margin_weights(self.majority)
        n = len(self.states)
        lo = int(w.min()) * n
        size = (int(w.max()) - int(w.min())) * n + 1
        pre = np.zeros((n + 1, size))
        pre[0, -lo] = 1.0
        for i in range(n):
            row = np.zeros(size)
            for k in range(4):
                if p[i, k] > 0:
                    row += np.roll(pre[i], int(w[k])) * p[i, k]
            pre[i + 1] = row
        suf = np.zeros((n + 1, size))
        suf[n, -lo] = 1.0
        for i in range(n - 1, -1, -1):
            row = np.zeros(size)
            for k in range(4):
                if p[i, k] > 0:
                    row += np.roll(suf[i + 1], int(w[k])) * p[i, k]
            suf[i] = row
        return pre, suf, -lo

    def _margin_final(self, p: np.ndarray) -> tuple[np.ndarray, int]:
        """Distribution (k, size) of the adoption margin for k sets of independent states ``p`` (k, n, 4)."""
        w = _margin_weights(self.majority)
        k, n, _ = p.shape
        lo, hi = int(w.min()) * n, int(w.max()) * n
        dist = np.zeros((k, hi - lo + 1))
        dist[:, -lo] = 1.0
        for i in range(n):
            new = np.zeros_like(dist)
            for c in range(4):
                shift = int(w[c])
                q = p[:, i, c : c + 1]
                if shift >= 0:
                    new[:, shift:] += dist[:, : dist.shape[1] - shift] * q
                else:
                    new[:, :shift] += dist[:, -shift:] * q
            dist = new
        return dist, -lo

    def _adopted(self, margin: np.ndarray) -> np.ndarray:
        return margin > 0 if self.majority == "simple" else margin >= 0

    @property
    def p_adopt(self) -> float:
        """Probability that the draft is adopted (a mixture over templates; states independent within one)."""
        mixture = self._mixture()
        weights = np.array([w for w, _ in mixture])
        p = np.stack([q for _, q in mixture])
        dist, zero = self._margin_final(p)
        margin = np.arange(dist.shape[1]) - zero
        part = dist[:, self._adopted(margin)].sum(1)
        if self.majority == "two-thirds":  # margin 0 from no Y or N cast at all is not adoption
            part = part - np.prod(p[:, :, 1] + p[:, :, 3], axis=1)
        return float(np.clip(weights @ part, 0.0, 1.0))

    def pivotality(self) -> np.ndarray:
        """P(the outcome differs between the state voting Y and voting N), per state.

        Computed from the marginal probabilities (states independent): the
        probability that the others' margin ``M`` lies where ``M + w_Y`` and
        ``M + w_N`` fall on different sides of the adoption threshold.
        """
        pre, suf, zero = self._margin_dists()
        w = _margin_weights(self.majority)
        size = pre.shape[1]
        margins = np.arange(-size, size)
        pivotal = margins[self._adopted(margins + w[0]) != self._adopted(margins + w[2])]
        a = np.arange(size)
        out = np.zeros(len(self.states))
        for c in pivotal.tolist():
            # P(others' margin = c) = Σ_a pre_i[a] · suf_{i+1}[c + 2·zero − a]
            b = c + 2 * zero - a
            ok = (b >= 0) & (b < size)
            out += (pre[:-1][:, a[ok]] * suf[1:][:, b[ok]]).sum(1)
        return out

    # ---- tables -------------------------------------------------------------------

    def entropy(self) -> np.ndarray:
        """Entropy (bits) of the Y / A / N forecast conditional on voting."""
        p3 = self.probabilities[:, :3] / np.clip(self.probabilities[:, :3].sum(1, keepdims=True), 1e-12, None)
        return -(p3 * np.log2(np.clip(p3, 1e-12, None))).sum(1)

    def p_break_group(self) -> np.ndarray:
        """P(the state casts a vote other than its group's modal forecast); NaN without a group."""
        out = np.full(len(self.states), np.nan)
        group_of = np.array([self.groups.get(s, "") for s in self.states], dtype=object)
        for g in set(group_of) - {""}:
            rows = np.flatnonzero(group_of == g)
            mode = int(self.probabilities[rows, :3].mean(0).argmax())
            out[rows] = 1.0 - self.probabilities[rows, mode] - self.probabilities[rows, 3]
        return out

    def to_frame(self) -> pl.DataFrame:
        """One row per member: probabilities, predicted vote, swing and break scores (map-ready)."""
        p = self.probabilities
        predicted = [VOTE_ORDER[k] for k in p.argmax(1)]
        return pl.DataFrame(
            {
                "state": self.states,
                "state_name": self.state_names,
                "p_yes": p[:, 0],
                "p_abstain": p[:, 1],
                "p_no": p[:, 2],
                "p_absent": p[:, 3],
                "predicted": predicted,
                "known": [s in self.known for s in self.states],
                "group": [self.groups.get(s) for s in self.states],
                "entropy": self.entropy(),
                "pivotality": self.pivotality(),
                "p_break_group": self.p_break_group(),
            },
            schema_overrides={"group": pl.String},
        )

    def count_distributions(self) -> np.ndarray:
        """(4, n_members+1) forecast distributions of the Y, A, N and X counts (mixtures over templates)."""
        mixture = self._mixture()
        weights = np.array([w for w, _ in mixture])
        return np.stack(
            [weights @ _count_distribution(np.stack([p[:, k] for _, p in mixture])) for k in range(len(VOTE_ORDER))]
        )

    def tally(self, level: float = 0.90) -> pl.DataFrame:
        """Expected count of each vote with a central ``level`` interval.

        The interval is the central ``level`` range of the forecast count distribution (a
        mixture over templates), widened by the split-conformal quantile fitted on the
        forecaster's out-of-sample calibration sessions (:class:`IntervalCalibration`);
        ``widening`` is that amount (0 when the forecast carries no calibration).
        """
        if not 0.0 < level < 1.0:
            raise InputFormatError(f"level must lie strictly between 0 and 1, not {level!r}", field="level")
        dist = self.count_distributions()
        cal = self.interval_calibration
        widening = cal.widening(level) if cal is not None else np.zeros(len(VOTE_ORDER))
        lo, hi = calibrated_interval(dist, level, widening)
        widening = np.minimum(widening, dist.shape[-1])  # +inf (too few calibration roll calls): the whole range
        return pl.DataFrame(
            {
                "vote": list(VOTE_ORDER),
                "expected": self.probabilities.sum(0).astype(float),
                "lower": lo,
                "upper": hi,
                "widening": widening.astype(float),
            }
        )

    def summary(self) -> dict[str, Any]:
        """Tally, adoption probability and the majority rule, as a plain dict."""
        tally = {r["vote"]: r for r in self.tally().to_dicts()}
        return {
            "date": str(self.date) if self.date else None,
            "majority": self.majority,
            "n_members": len(self.states),
            "p_adopt": self.p_adopt,
            **{f"expected_{v}": tally[v]["expected"] for v in VOTE_ORDER},
            **{f"interval_{v}": [tally[v]["lower"], tally[v]["upper"]] for v in VOTE_ORDER},
        }

    def swing_states(self, n: int = 10, by: str = "entropy") -> pl.DataFrame:
        """The ``n`` most uncertain (``by="entropy"``) or most pivotal (``by="pivotality"``) unrevealed states."""
        if by not in ("entropy", "pivotality"):
            raise InputFormatError(f"by must be 'entropy' or 'pivotality', not {by!r}", field="by")
        return self.to_frame().filter(~pl.col("known")).sort(by, descending=True).head(n)

    def group_breakers(self, n: int = 10) -> pl.DataFrame:
        """The ``n`` unrevealed states most likely to vote against their group's modal forecast."""
        return (
            self.to_frame()
            .filter(~pl.col("known") & pl.col("p_break_group").is_not_nan())
            .sort("p_break_group", descending=True)
            .head(n)
        )


def forecast(
    votes: pl.DataFrame,
    roll_calls: pl.DataFrame,
    title: str | None = None,
    *,
    groups: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Forecast:
    """Fit a :class:`VoteForecaster` on the record and forecast one draft (see :meth:`VoteForecaster.forecast`)."""
    model = VoteForecaster().fit(votes, roll_calls, groups=groups)
    return model.forecast(title, **kwargs)
