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

The four Y / A / N / X probabilities are then **calibrated** by a multinomial
logit over ``log p`` and each state's absence features (its X share in the last
session and over its last 20 roll calls, and whether its last 10 were all X:
Article 19 arrears, credentials cases, habitual absentees), fitted on true
out-of-sample forecasts of the ``calibration_sessions`` sessions before the
cut-off, each made only from data before that session, over every member cell
(stacking, Wolpert 1992; vector scaling, Guo et al. 2017, is the case of the
``log p`` block alone; :mod:`polycentric.models._stacker`). Separate
calibrations are kept for forecasts with and without revealed votes. The point
forecast ``predicted`` is ``argmax_v w_v P(v)``, with class weights chosen on
the same cells to maximise the four-class macro-F1.

Not voting (``X``)
------------------
``X`` is a member present in the UN but recording no vote. When the record has
``X`` rows they are used; when it has none (Voeten's files drop them),
membership is inferred as the span between a state's first and last recorded
vote and any member without a row on a roll call counts as ``X``. ``X`` is
a fourth category of the same mixture and of the calibration, scored like the
others in the backtest's headline.

Honest labels
-------------
Every :class:`Forecast` carries ``data_date`` (the last roll call learnt from)
and says so (:meth:`Forecast.describe`); :func:`retro_forecast` forecasts a
resolution of the record from a fit on the roll calls strictly before its vote
and labels it so. A record the forecaster cannot learn from raises
:class:`~polycentric.errors.ModelFitError` (HTTP 503), never a bare numerical
error.

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
calibration sessions' out-of-sample forecasts (the same forecasts the calibration
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
Lei, J., G'Sell, M., Rinaldo, A., Tibshirani, R. J., & Wasserman, L. (2018).
Distribution-free predictive inference for regression. *Journal of the American
Statistical Association* 113(523), 1094–1111.
Wolpert, D. H. (1992). Stacked generalization. *Neural Networks* 5(2), 241–259.
Romano, Y., Patterson, E., & Candès, E. (2019). Conformalized quantile
regression. *NeurIPS* 32.
Vovk, V., Gammerman, A., & Shafer, G. (2005). *Algorithmic Learning in a Random
World*. Springer.
Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
retrieval. *Information Processing & Management* 24(5), 513–523.
Voeten, E. (2013). Data and analyses of voting in the United Nations General
Assembly. In *Routledge Handbook of International Organization*.

Size: about 780 lines, some 120 of them this docstring. The estimator's parts
already live in private modules (``_corpus``, ``_features``, ``_irt``,
``_stacker``, ``_tally``, ``_titles``); what stays here is the one
:class:`VoteForecaster` class (about 480 lines of fit and predict steps that share
its fitted state) and the thin :func:`forecast` / :func:`retro_forecast` helpers,
kept together so the class reads in one place.

Dependency rule: imports numpy, scipy, scikit-learn, polars,
``polycentric.errors`` and ``polycentric.schema`` (and, when present,
``polycentric.registry``); never the store or the shells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from polycentric.errors import InputFormatError, ModelError, ModelFitError, NotFittedError, PolycentricError
from polycentric.models._base import Estimator
from polycentric.models._corpus import _CODE, VOTE_ORDER, _Corpus, _date_of, _years
from polycentric.models._features import absence_features, previous_instances
from polycentric.models._irt import _IRT
from polycentric.models._stacker import Stacker, stack_features
from polycentric.models._tally import (
    Forecast,
    IntervalCalibration,
    _mixture_counts,
    _recorded_counts,
    _stacked_components,
    calibrated_interval,
    central_interval,
    conformal_quantile,
)
from polycentric.models._titles import title_key

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = [
    "REGIONAL_GROUPS",
    "VOTE_ORDER",
    "Forecast",
    "IntervalCalibration",
    "VoteForecaster",
    "calibrated_interval",
    "central_interval",
    "conformal_quantile",
    "find_roll_call",
    "forecast",
    "regional_groups",
    "retro_forecast",
]
REGIONAL_GROUPS: tuple[str, ...] = ("AFRICAN_GROUP", "APG", "EEG", "GRULAC", "WEOG")
"""The five UN regional groups (ids of :mod:`polycentric.registry.groups`), the default groups for break scores."""

_FIT_FORMAT = 4  # bumped when a fitted forecaster gains attributes, so stale cached fits are refitted
_UN_FOUNDED = dt.date(1945, 10, 24)


_ISSUE_TOKEN = re.compile(r"\s*\bzzissue[a-z]{2}\b")


def _display_text(text: str) -> str:
    """A roll call's text as people read it: the internal issue tokens of :func:`_text_frame` removed."""
    return _ISSUE_TOKEN.sub("", text).strip()


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
        from polycentric.states import member_states, states_table

        return set(member_states(date)), set(states_table()["state"].to_list())
    except Exception:  # registry data unavailable: fall back to the record's own spans
        return None


_PICKLE_FUNCTIONS = frozenset(
    (f"numpy.{core}.{module}", name)
    for core in ("_core", "core")
    for module, name in (("multiarray", "_reconstruct"), ("multiarray", "scalar"), ("numeric", "_frombuffer"))
)
"""The only functions a stored forecaster may call while it is read: numpy's array and scalar reconstructors."""
_PICKLE_BUILTINS = frozenset(("set", "frozenset", "dict", "list", "tuple", "slice", "complex", "bytearray", "bytes"))


class _Unpickler(pickle.Unpickler):
    """Unpickle a stored forecaster: classes of ``polycentric.models``, numpy's arrays and dtypes (with their
    reconstructors), scikit-learn and ``scipy.sparse`` classes (kept where ``models._lean`` has no equivalent),
    and builtin containers. Anything else (a function such as ``os.system``, ``numpy.memmap``) is refused
    before its module is imported."""

    def find_class(self, module: str, name: str) -> Any:
        where = f"{module}.{name}"
        if (module, name) in _PICKLE_FUNCTIONS or (module == "builtins" and name in _PICKLE_BUILTINS):
            return super().find_class(module, name)
        classes_of = (
            module.startswith("polycentric.models.")
            or module.startswith(("sklearn.", "scipy.sparse"))
            or (module == "numpy" and name in ("dtype", "ndarray"))
            or module == "numpy.dtypes"
            or (module == "collections" and name in ("OrderedDict", "defaultdict"))
            or (module == "datetime" and name in ("date", "datetime", "timedelta"))
        )
        if not classes_of:
            raise pickle.UnpicklingError(f"a stored forecaster may not refer to {where}")
        found = super().find_class(module, name)
        if not isinstance(found, type):
            raise pickle.UnpicklingError(f"a stored forecaster may not refer to {where} (not a class)")
        return found


def _similarities(state: Any, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), cutoff) cosine similarities of the texts to the templates (TF-IDF rows, l2-normalised)."""
    lean = getattr(state.vectorizer, "similarities", None)
    if lean is not None:  # a stored forecaster (models._lean): the same numbers without scikit-learn
        return np.asarray(lean(list(texts), state.text_matrix))
    q = state.vectorizer.transform(list(texts))
    return np.asarray((q @ state.text_matrix.T).todense(), dtype=float)


# --------------------------------------------------------------------------- fitted state


@dataclass
class _State:
    """Everything fitted from the items before one cut-off."""

    cutoff: int
    vectorizer: TfidfVectorizer  # or models._lean.LeanTfidf in a stored forecaster
    text_matrix: Any  # sparse (cutoff, vocab), L2-normalised rows
    base: np.ndarray  # (n_states, 4) recent base rates
    irt: _IRT | None
    irt_row: np.ndarray  # (cutoff,) row in irt window or -1
    absence: np.ndarray  # (n_states, 3) absence features (models._features.absence_features)
    ideal_point_model: Any = None  # the IdealPointModel behind ``irt`` when ideal_points == "dynamic"


class VoteForecaster(Estimator):
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
        # scikit-learn convention: parameters stored unchanged, checked in fit()
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
        """Write what forecasting needs to ``path`` (:func:`polycentric.models._lean.lean_copy`: no vote frames,
        numpy in place of scikit-learn and scipy; a pickle, read back by :meth:`load` with only this package's,
        numpy's and the standard library's classes allowed). The loaded forecaster forecasts exactly as this
        one; it cannot be refitted from (fit a new one)."""
        from polycentric.models._lean import lean_copy

        self._check()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(lean_copy(self), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
        return target

    @staticmethod
    def load(path: str | Path) -> VoteForecaster:
        """Read a forecaster written by :meth:`save` (load only files you wrote yourself: see
        :func:`polycentric.models.saved.load_forecaster`, which checks the file's digest first)."""
        with Path(path).open("rb") as fh:
            try:
                model = _Unpickler(fh).load()
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
                raise ModelError(f"{path} does not hold a readable forecaster ({exc})") from exc
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
        if self.ideal_points not in ("window", "dynamic"):
            raise ModelError(f"ideal_points must be 'window' or 'dynamic', not {self.ideal_points!r}")
        try:
            corpus = _Corpus.build(votes, roll_calls)
            cutoff = corpus.codes.shape[0] if before is None else corpus.cutoff_before(_years([before])[0])
            return self._fit_corpus(corpus, cutoff, groups=groups)
        except (ValueError, ArithmeticError, IndexError, np.linalg.LinAlgError) as exc:
            if isinstance(exc, PolycentricError):
                raise
            # a numerical failure on a valid but unusual record: say so, never a traceback
            raise ModelFitError(f"the forecaster cannot be fitted on this record: {exc}") from exc

    def _fit_corpus(
        self,
        corpus: _Corpus,
        cutoff: int,
        *,
        groups: Mapping[str, str] | None = None,
        previous: _State | None = None,
    ) -> VoteForecaster:
        if cutoff < 10:
            raise ModelFitError(
                f"only {cutoff} roll calls before the cut-off: the forecaster needs at least 10 to learn from"
            )
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
            absence=absence_features(codes, sess),
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

    def _fit_own_calibration(self, corpus: _Corpus, cutoff: int) -> dict[str, Stacker]:
        """Out-of-sample forecasts of the last sessions before the cut-off: calibration and tally intervals.

        Each of the ``calibration_sessions`` sessions is forecast from a fit on the roll calls before it;
        the four-class calibration (:class:`~polycentric.models._stacker.Stacker`) of each key ("none",
        "revealed": five random members revealed) is fitted on those forecasts, and the conformal widening of
        the tally intervals (``interval_calibration_``) on their calibrated tally distributions and recorded
        counts.
        """
        out = {"none": Stacker(), "revealed": Stacker()}
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
        runs: dict[str, list[tuple[Any, ...]]] = {"none": [], "revealed": []}
        for s in targets:
            items = np.flatnonzero((sess == s) & corpus.item_is_resolution[:cutoff])
            cut = corpus.cutoff_before(corpus.item_time[int(items.min())]) if items.size else cutoff
            if cut < 50:
                continue
            state = self._fit_state(corpus, cut)
            codes = corpus.codes[items]
            previous = self._previous_codes(corpus, cut, [corpus.item_key[i] for i in items])
            for key in ("none", "revealed"):
                known = None
                if key == "revealed":
                    known = []
                    for i in items:
                        members = np.flatnonzero(corpus.codes[i] >= 0)
                        known.append(rng.choice(members, size=min(5, members.size), replace=False))
                parts: list[tuple[np.ndarray, np.ndarray]] = []
                raw = self._raw_predict(state, corpus, items, known, components=parts)
                mask = codes >= 0
                for r, kn in enumerate(known or ()):
                    mask[r, kn] = False
                feats = stack_features(raw, previous, state.absence)[mask]
                runs[key].append((feats, codes[mask], parts, codes, known, previous, state.absence))
        for key, cells in runs.items():
            if not cells:
                continue
            out[key] = Stacker().fit(np.concatenate([c[0] for c in cells]), np.concatenate([c[1] for c in cells]))
            dists, actual = [], []
            for _, _, parts, codes, known, previous, absence in cells:
                comp, weights, owner = _stacked_components(parts, out[key], previous, absence, codes, known)
                dists.append(_mixture_counts(comp, weights, owner, codes.shape[0]).astype(np.float32))
                actual.append(_recorded_counts(codes))
            self.interval_calibration_[key] = IntervalCalibration(np.concatenate(dists), np.concatenate(actual))
        return out

    @staticmethod
    def _previous_codes(corpus: _Corpus, cutoff: int, keys: list[str]) -> np.ndarray:
        """(len(keys), n_states) codes on each key's most recent instance before the cut-off (−1: none)."""
        pool = np.flatnonzero(corpus.item_is_resolution[:cutoff])
        idx = previous_instances(corpus.item_key, pool, keys)
        return np.where(idx[:, None] >= 0, corpus.codes[np.maximum(idx, 0)], -1).astype(np.int64)

    # ------------------------------------------------------------------ prediction core

    def _neighbours(
        self, state: _State, query_text: Sequence[str], query_time: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Top-k templates per query: (indices (m, k), prior weights (m, k), similarities (m, k))."""
        sims = _similarities(state, query_text)
        corpus = self.corpus_
        age = np.clip(query_time[:, None] - corpus.item_time[None, : state.cutoff], 0.0, None)
        # ages relative to the youngest template: the same weights up to a constant, without underflow far ahead
        age -= age.min(1, keepdims=True)
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
        if date is not None and date < _UN_FOUNDED:
            raise InputFormatError(f"date {date} is before the United Nations existed (24 October 1945)", field="date")
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
        stacker = self.calibration_.get(key, Stacker())
        draft_key = corpus.item_key[forced[0]] if forced else title_key(title, agenda)
        previous = self._previous_codes(corpus, state.cutoff, [draft_key])[0]
        p4 = stacker.predict_proba(stack_features(p4, previous, state.absence))
        keep = weights >= 1e-3
        comp = stacker.predict_proba(stack_features(q[keep], previous[None, :], state.absence))
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
                "text": [_display_text(corpus.item_text[i])[:120] for i in templates],
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
            decision_log_weights=stacker.log_weights,
            previous=[VOTE_ORDER[c] if c >= 0 else None for c in previous[m]],
            data_date=_date_of(float(corpus.item_time[state.cutoff - 1])),
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


def find_roll_call(roll_calls: pl.DataFrame, symbol: str) -> dict[str, Any] | None:
    """The roll call on resolution ``symbol`` (the whole-resolution vote if there are several), or None."""
    if "resolution" not in roll_calls.columns:
        return None
    wanted = _normalise_symbol(symbol)
    hits = roll_calls.filter(
        pl.col("resolution").is_not_null()
        & (pl.col("resolution").str.to_uppercase().str.replace_all(" ", "").str.replace(r"^R/", "A/RES/") == wanted)
    )
    if hits.height == 0:
        return None
    if "kind" in hits.columns and (hits["kind"] == "resolution").any():
        hits = hits.filter(pl.col("kind") == "resolution")
    return hits.sort("date").row(hits.height - 1, named=True)


def retro_forecast(
    votes: pl.DataFrame,
    roll_calls: pl.DataFrame,
    symbol: str,
    *,
    groups: Mapping[str, str] | None = None,
    model: VoteForecaster | None = None,
    **kwargs: Any,
) -> Forecast:
    """Forecast a resolution of the record as if it were a new draft: fitted **strictly before** its vote.

    The forecaster (``model``, fitted here on the roll calls dated before the vote unless given already so
    fitted) sees the roll call's title and agenda only; ``kwargs`` go to :meth:`VoteForecaster.forecast`
    (``known``, ``majority``, ...). The forecast is labelled as a retro-forecast, with the date of the data
    it used, and carries the recorded votes (``recorded``; the ``recorded`` column of ``to_frame()``).
    """
    row = find_roll_call(roll_calls, symbol)
    if row is None:
        raise InputFormatError(f"no roll call on resolution {symbol!r} in the record", field="like")
    day = row["date"]
    if model is None:
        model = VoteForecaster().fit(votes, roll_calls, groups=groups, before=day)
    fc = model.forecast(row.get("title") or symbol, agenda=row.get("agenda"), date=day, **kwargs)
    rows = votes.filter(pl.col("rollcall_id") == row["rollcall_id"])
    fc.recorded = dict(zip(rows["state"].to_list(), rows["vote"].to_list(), strict=True))
    fc.label = (
        f"retro-forecast of {row.get('resolution') or symbol} (voted {day}) from the {model.n_roll_calls_} roll calls "
        f"before it (data up to {fc.data_date}); the vote itself was not used"
    )
    return fc
