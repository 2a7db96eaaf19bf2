"""Backtest of the vote forecaster: fit on the past, predict each session, score.

Protocol
--------
For each session ``s`` (regular session number), the model is fitted **only on
roll calls dated before the first roll call of session ``s``** and predicts
every whole-resolution roll call (``kind == "resolution"``) of ``s``. It may
learn from all roll calls before (amendments and paragraph votes included).
Three protocols reveal some states' recorded votes before the forecast:

``none``
    nothing revealed;
``p5``
    the five permanent members (USA, GBR, FRA, RUS, CHN) revealed;
``k10``
    a fixed list of ten: the P5 plus BRA, IND, ZAF, EGY and JPN (one large state
    of each regional group outside WEOG, plus Japan) — fixed so every run is
    the same and no choice is tuned on the outcome.

A revealed state that was not a member on that date is skipped. Scores are
computed on the **unrevealed** states' cast votes (Y / A / N); see below for
``X``.

Methods scored
--------------
``model``
    :class:`~polycentric.models.forecast.VoteForecaster`, calibrated per
    protocol (multi-class beta calibration) on its own out-of-sample forecasts of the
    ``calibration_sessions`` preceding sessions (warm-up sessions before the
    first scored one are forecast for this purpose only).
``everyone_yes``
    every state votes Y; probabilities = the class frequencies of the
    training period (so log loss and calibration are defined).
``nearest``
    the state's vote on the most similar past whole-resolution roll call on
    which it cast a vote (TF-IDF cosine; among equal similarities the most
    recent).
``group_majority``
    the majority vote of the state's group (UN regional group) on that same
    most similar past roll call; states without a group take the majority of
    all states.

Point baselines get probabilities from their confusion matrix on the
preceding scored and warm-up sessions: ``P(true = v | predicted = u)``
(Laplace-smoothed), so their log loss and calibration are those of the best
probability a user could attach to them from past performance. All methods
share the same absence probability (the state's recent absence rate) for the
tally.

Metrics
-------
accuracy
    share of unrevealed cast votes whose arg-max Y / A / N forecast is right.
macro_f1
    unweighted mean of the F1 scores of Y, A and N (a class never predicted
    and never present is skipped).
log_loss
    mean ``−log p(v)`` of the cast vote, probabilities conditional on voting
    and clipped at 1e-9.
calibration_error
    expected calibration error of the top label (Guo et al. 2017): forecasts
    binned by their top probability into 15 equal-width bins on [0, 1];
    ``ECE = Σ_b (n_b / n) |acc_b − conf_b|``.
tally_mae
    mean over roll calls and over Y, A, N of ``|E[count] − actual count|``,
    the expected counts including the revealed states' known votes.
adoption_accuracy
    share of roll calls where ``P(adopt) > 0.5`` matches the recorded outcome
    (simple majority, ``Y > N``).
interval_coverage
    share of roll calls whose recorded Y count lies in the forecast's 90 %
    interval. For every method the interval is the central 90 % range of its
    forecast Y-count distribution (for the model, the mixture over templates;
    for the baselines, independent states) widened by split conformal
    prediction (:class:`~polycentric.models.forecast.IntervalCalibration`):
    the widening for session ``s`` is the conformal quantile of the scores
    ``max(lo − y, y − hi)`` of the same method's out-of-sample forecasts of the
    ``calibration_sessions`` sessions before ``s``, each made when that session
    was forecast (Romano, Patterson & Candès 2019).
interval_width
    mean width ``upper − lower`` of those intervals (sharpness: at equal
    coverage, narrower is better).
raw_interval_coverage, raw_interval_width
    the same for the central 90 % range before the conformal widening (what
    the forecast distribution alone claims).

References
----------
Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of
modern neural networks. *ICML*.
Romano, Y., Patterson, E., & Candès, E. (2019). Conformalized quantile
regression. *NeurIPS* 32.

Dependency rule: imports numpy, polars, scikit-learn, ``polycentric.errors``
and ``polycentric.models.forecast``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from polycentric.errors import InputFormatError, InsufficientDataError
from polycentric.models.forecast import (
    N_CALIBRATION_PARAMS,
    VoteForecaster,
    _beta_calibrate,
    _calibrated_components,
    _Corpus,
    _count_distribution,
    _fit_calibration,
    _mixture_counts,
    _recorded_counts,
    calibrated_interval,
    central_interval,
    conformal_quantile,
)
from polycentric.symbols import parse_sessions

__all__ = [
    "K10",
    "METHODS",
    "P5",
    "PROTOCOLS",
    "accuracy",
    "adoption_accuracy",
    "backtest",
    "expected_calibration_error",
    "log_loss",
    "macro_f1",
    "parse_sessions",
    "tally_mae",
]

P5: tuple[str, ...] = ("USA", "GBR", "FRA", "RUS", "CHN")
K10: tuple[str, ...] = (*P5, "BRA", "IND", "ZAF", "EGY", "JPN")
PROTOCOLS: dict[str, tuple[str, ...]] = {"none": (), "p5": P5, "k10": K10}
METHODS: tuple[str, ...] = ("model", "everyone_yes", "nearest", "group_majority")
INTERVAL_LEVEL = 0.90
"""Nominal level of the tally intervals scored by the backtest."""

# --------------------------------------------------------------------------- metrics


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of ``y_pred == y_true``."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float((y_true == y_pred).mean()) if y_true.size else float("nan")


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[int] = (0, 1, 2)) -> float:
    """Unweighted mean over ``labels`` of ``F1 = 2·TP / (2·TP + FP + FN)``.

    A label neither present nor predicted is skipped (its F1 is undefined).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    scores = []
    for c in labels:
        tp = int(((y_true == c) & (y_pred == c)).sum())
        fp = int(((y_true != c) & (y_pred == c)).sum())
        fn = int(((y_true == c) & (y_pred != c)).sum())
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def log_loss(y_true: np.ndarray, proba: np.ndarray, eps: float = 1e-9) -> float:
    """Mean ``−log proba[i, y_true[i]]`` (probabilities clipped at ``eps``)."""
    y_true = np.asarray(y_true, dtype=np.int64)
    if not y_true.size:
        return float("nan")
    return float(-np.log(np.clip(proba[np.arange(y_true.size), y_true], eps, None)).mean())


def expected_calibration_error(y_true: np.ndarray, proba: np.ndarray, n_bins: int = 15) -> float:
    """Top-label ECE: ``Σ_b (n_b/n) |acc_b − conf_b|`` over ``n_bins`` equal-width bins of the top probability."""
    y_true = np.asarray(y_true, dtype=np.int64)
    if not y_true.size:
        return float("nan")
    conf = proba.max(1)
    pred = proba.argmax(1)
    hit = (pred == y_true).astype(float)
    bins = np.minimum((conf * n_bins).astype(np.int64), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        m = bins == b
        if m.any():
            total += m.sum() / y_true.size * abs(hit[m].mean() - conf[m].mean())
    return float(total)


def tally_mae(expected: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error over all cells of expected vs actual counts (roll calls × categories)."""
    expected, actual = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    return float(np.abs(expected - actual).mean()) if expected.size else float("nan")


def adoption_accuracy(p_adopt: np.ndarray, adopted: np.ndarray) -> float:
    """Share of roll calls where ``p_adopt > 0.5`` matches ``adopted``."""
    p_adopt, adopted = np.asarray(p_adopt), np.asarray(adopted, dtype=bool)
    return float(((p_adopt > 0.5) == adopted).mean()) if adopted.size else float("nan")


def _p_adopt_simple(p4: np.ndarray, chunk: int = 256) -> np.ndarray:
    """P(Y > N) per row for independent states; ``p4`` is (m, n, 4), non-members all zero.

    Dynamic programme over the margin ``Y − N``, on blocks of ``chunk`` rows laid out
    margin-major, touching only the support ``−i..i`` after ``i`` states.
    """
    m, n, _ = p4.shape
    out = np.empty(m)
    for start in range(0, m, chunk):
        y = np.ascontiguousarray(p4[start : start + chunk, :, 0].T)
        no = np.ascontiguousarray(p4[start : start + chunk, :, 2].T)
        dist = np.zeros((2 * n + 1, y.shape[1]))
        dist[n] = 1.0
        for i in range(n):
            lo, hi = n - i, n + i + 1
            old = dist[lo:hi].copy()
            dist[lo:hi] *= 1.0 - y[i] - no[i]
            dist[lo + 1 : hi + 1] += old * y[i]
            dist[lo - 1 : hi - 1] += old * no[i]
        out[start : start + chunk] = dist[n + 1 :].sum(0)
    return out


# --------------------------------------------------------------------------- the harness


@dataclass
class _SessionForecasts:
    session: int
    items: np.ndarray  # corpus item indices
    codes: np.ndarray  # (m, n_states) recorded codes
    eval_mask: dict[str, np.ndarray]  # protocol -> (m, n) cast votes of unrevealed states
    known: dict[str, list[np.ndarray]]
    raw: dict[str, np.ndarray]  # protocol -> (m, n, 4) uncalibrated model forecast
    components: dict[str, list[tuple[np.ndarray, np.ndarray]]]  # protocol -> per item (weights, (k, n, 4))
    base: np.ndarray  # (n, 4) base rates
    prior: np.ndarray  # (4,) training class frequencies
    nearest: np.ndarray  # (m, n) predicted code 0..2
    group: np.ndarray  # (m, n) predicted code 0..2
    actual: np.ndarray  # (m, 4) recorded Y, A, N, X counts
    y_dist: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (protocol, method) -> (m, n+1)


def _nearest_templates(corpus: _Corpus, cutoff: int, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Past whole-resolution roll calls ranked by similarity (ties: most recent first), per item."""
    pool = np.flatnonzero(corpus.item_is_resolution[:cutoff])
    vec, mat = corpus.tfidf(pool)
    q = vec.transform([corpus.item_text[i] for i in items])
    sims = np.asarray((q @ mat.T).todense(), dtype=float)
    score = sims + 1e-4 * (corpus.item_time[pool] - corpus.item_time[pool].max())[None, :] / 100
    order = np.argsort(-score, axis=1)[:, :60]
    return pool, order


def _baseline_votes(
    corpus: _Corpus, cutoff: int, items: np.ndarray, group_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(m, n) codes predicted by the nearest and group-majority baselines."""
    pool, order = _nearest_templates(corpus, cutoff, items)
    n = corpus.states.size
    nearest = np.zeros((items.size, n), dtype=np.int64)
    group = np.zeros((items.size, n), dtype=np.int64)
    for r in range(items.size):
        cand = corpus.codes[pool[order[r]]]  # (60, n)
        cast = (cand >= 0) & (cand <= 2)
        first = np.where(cast.any(0), cast.argmax(0), -1)
        nearest[r] = np.where(first >= 0, cand[np.maximum(first, 0), np.arange(n)], 0)
        top = cand[0]
        counts = np.zeros((group_index.max() + 2, 3))
        ok = (top >= 0) & (top <= 2)
        np.add.at(counts, (group_index[ok], top[ok]), 1)
        overall = counts.sum(0)
        maj = np.where(counts.sum(1) > 0, counts.argmax(1), overall.argmax())
        grp = np.where(group_index >= 0, maj[np.maximum(group_index, 0)], overall.argmax())
        group[r] = grp
    return nearest, group


def backtest(
    votes: pl.DataFrame,
    roll_calls: pl.DataFrame,
    sessions: Iterable[int] | str = range(60, 78),
    protocols: Sequence[str] = ("none", "p5", "k10"),
    *,
    groups: Mapping[str, str] | None = None,
    per_session: bool = True,
    methods: Sequence[str] = METHODS,
    forecaster: VoteForecaster | None = None,
) -> pl.DataFrame:
    """Score the forecaster and the baselines session by session (see the module docstring).

    Returns one row per (session, protocol, method) plus pooled rows
    (``session == "pooled"``), with columns ``session, protocol, method,
    n_roll_calls, n_votes, accuracy, macro_f1, log_loss, calibration_error,
    tally_mae, adoption_accuracy, interval_coverage, interval_width,
    raw_interval_coverage, raw_interval_width, f1_yes, f1_abstain, f1_no``. With
    ``per_session=False`` only the pooled rows are returned.
    """
    if isinstance(sessions, str):
        sessions = parse_sessions(sessions)
    sessions = sorted(set(int(s) for s in sessions))
    for p in protocols:
        if p not in PROTOCOLS:
            raise InputFormatError(f"unknown protocol {p!r}: expected none, p5 or k10", field="protocol")
    for m in methods:
        if m not in METHODS:
            raise InputFormatError(f"unknown method {m!r}: expected one of {', '.join(METHODS)}", field="method")
    model = forecaster if forecaster is not None else VoteForecaster()
    corpus = _Corpus.build(votes, roll_calls)
    index = {s: i for i, s in enumerate(corpus.states)}
    group_names = sorted(set((groups or {}).values()))
    gidx = {g: i for i, g in enumerate(group_names)}
    group_index = np.array([gidx.get((groups or {}).get(s, ""), -1) for s in corpus.states])

    n_warm = max(model.calibration_sessions, 1)
    available = sorted(set(corpus.item_session[corpus.item_is_resolution].tolist()))
    first = sessions[0]
    warm = [s for s in available if s < first][-n_warm:]
    run = warm + [s for s in sessions if s in available]
    if not [s for s in sessions if s in available]:
        raise InsufficientDataError(f"no whole-resolution roll calls in sessions {sessions}")

    done: list[_SessionForecasts] = []
    rows: list[dict[str, object]] = []
    pooled: dict[tuple[str, str], list[dict[str, np.ndarray]]] = {}
    previous = None
    for s in run:
        items = np.flatnonzero((corpus.item_session == s) & corpus.item_is_resolution)
        cutoff = corpus.cutoff_before(float(corpus.item_time[items].min()))
        if cutoff < 50:
            continue
        state = model._fit_state(corpus, cutoff, previous)
        previous = state
        model.corpus_ = corpus
        codes = corpus.codes[items]
        known: dict[str, list[np.ndarray]] = {}
        raw: dict[str, np.ndarray] = {}
        comps: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        masks: dict[str, np.ndarray] = {}
        for p in protocols:
            rev = np.array([index[x] for x in PROTOCOLS[p] if x in index], dtype=np.int64)
            kn = [rev[codes[r, rev] >= 0] for r in range(items.size)]
            known[p] = kn
            comps[p] = []
            raw[p] = model._raw_predict(state, corpus, items, kn if rev.size else None, components=comps[p])
            mask = (codes >= 0) & (codes <= 2)
            for r, k in enumerate(kn):
                mask[r, k] = False
            masks[p] = mask
        train = corpus.codes[:cutoff]
        prior = np.array([(train == k).sum() for k in range(4)], dtype=float)
        nearest, group = _baseline_votes(corpus, cutoff, items, group_index)
        current = _SessionForecasts(
            session=s,
            items=items,
            codes=codes,
            eval_mask=masks,
            known=known,
            raw=raw,
            components=comps,
            base=state.base,
            prior=prior / prior.sum(),
            nearest=nearest,
            group=group,
            actual=_recorded_counts(codes),
        )
        history = done[-model.calibration_sessions :] if model.calibration_sessions > 0 else []
        for p in protocols:
            for method in methods:
                p4, params = _method_probs(method, p, current, history, done)
                scored = s in sessions  # a warm-up session is kept only to calibrate the next ones
                p_adopt, y_dist = _outcome_distributions(method, p, current, p4, params, adoption=scored)
                current.y_dist[(p, method)] = y_dist
                if not scored:
                    continue
                widening = _interval_widening([(h.y_dist[(p, method)], h.actual[:, 0]) for h in history])
                cells = _score_cells(p4, current, p, p_adopt, y_dist, widening)
                pooled.setdefault((p, method), []).append(cells)
                if per_session:
                    rows.append({"session": str(s), "protocol": p, "method": method, **_summarise([cells])})
        done.append(current)
    for (p, method), parts in pooled.items():
        rows.append({"session": "pooled", "protocol": p, "method": method, **_summarise(parts)})
    out = pl.DataFrame(rows)
    if not per_session:
        out = out.drop("session")
    return out


def _method_probs(
    method: str,
    protocol: str,
    cur: _SessionForecasts,
    history: Sequence[_SessionForecasts],
    done: Sequence[_SessionForecasts],
) -> tuple[np.ndarray, np.ndarray]:
    """(m, n, 4) probabilities of a method, calibrated only from earlier sessions, and the model's calibration."""
    p_x = np.broadcast_to(cur.base[None, :, 3:4], (*cur.codes.shape, 1))
    if method == "model":
        if history:
            p3 = np.concatenate([_cond(h.raw[protocol])[h.eval_mask[protocol]] for h in history])
            y = np.concatenate([h.codes[h.eval_mask[protocol]] for h in history]).astype(np.int64)
            params = _fit_calibration(p3, y)
        else:
            params = np.zeros(N_CALIBRATION_PARAMS)
        p3 = _beta_calibrate(_cond(cur.raw[protocol]), params)
        return np.concatenate([p3 * (1 - p_x), p_x], axis=-1), params
    if method == "everyone_yes":
        p3 = np.broadcast_to(cur.prior[:3] / cur.prior[:3].sum(), (*cur.codes.shape, 3))
        return np.concatenate([p3 * (1 - p_x), p_x], axis=-1), np.zeros(N_CALIBRATION_PARAMS)
    attr = "nearest" if method == "nearest" else "group"
    pred = getattr(cur, attr)
    confusion = np.ones((3, 3))
    for h in done:
        mask = (h.codes >= 0) & (h.codes <= 2)
        np.add.at(confusion, (getattr(h, attr)[mask], h.codes[mask].astype(np.int64)), 1)
    table = confusion / confusion.sum(1, keepdims=True)
    p3 = table[pred]
    return np.concatenate([p3 * (1 - p_x), p_x], axis=-1), np.zeros(N_CALIBRATION_PARAMS)


def _outcome_distributions(
    method: str,
    protocol: str,
    cur: _SessionForecasts,
    p4: np.ndarray,
    params: np.ndarray,
    adoption: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """P(adopt) (m,) and the Y-count distribution (m, n+1) of each roll call.

    For the model both are mixtures over each roll call's templates (calibrated by
    ``params``); for the baselines, states are independent given ``p4``. Revealed
    states count with their recorded vote, non-members not at all. With
    ``adoption=False`` the adoption probabilities are not computed (NaN).
    """
    m = cur.codes.shape[0]
    p_adopt = np.full(m, np.nan)
    if method == "model":
        comp, weights, owner = _calibrated_components(cur.components[protocol], params, cur.codes, cur.known[protocol])
        if adoption:
            p_adopt = np.bincount(owner, weights=weights * _p_adopt_simple(comp), minlength=m)
        return p_adopt, _mixture_counts(comp, weights, owner, m, (0,))[:, 0]
    p4 = _with_known(p4, cur, protocol)
    if adoption:
        p_adopt = _p_adopt_simple(p4)
    return p_adopt, _count_distribution(p4[..., 0])


def _interval_widening(history: Sequence[tuple[np.ndarray, np.ndarray]], level: float = INTERVAL_LEVEL) -> float:
    """Split-conformal widening of the central ``level`` Y-count interval from earlier sessions' forecasts.

    ``history`` holds, per earlier session, the out-of-sample Y-count distributions (m, n+1)
    and the recorded Y counts (m,); 0 (no widening) without history.
    """
    if not history:
        return 0.0
    dist = np.concatenate([d for d, _ in history])
    actual = np.concatenate([y for _, y in history])
    lo, hi = central_interval(dist, level)
    return conformal_quantile(np.maximum(lo - actual, actual - hi), level)


def _with_known(p4: np.ndarray, cur: _SessionForecasts, protocol: str) -> np.ndarray:
    """``p4`` with revealed states certain of their recorded vote and non-members all zero."""
    p4 = p4.copy()
    for r, kn in enumerate(cur.known[protocol]):
        p4[r, kn] = 0.0
        p4[r, kn, cur.codes[r, kn]] = 1.0
    return np.where((cur.codes >= 0)[..., None], p4, 0.0)


def _cond(p4: np.ndarray) -> np.ndarray:
    p3 = p4[..., :3]
    return p3 / np.clip(p3.sum(-1, keepdims=True), 1e-12, None)


def _score_cells(
    p4: np.ndarray,
    cur: _SessionForecasts,
    protocol: str,
    p_adopt: np.ndarray,
    y_dist: np.ndarray,
    widening: float,
) -> dict[str, np.ndarray]:
    """The per-cell and per-roll-call quantities the metrics need."""
    mask = cur.eval_mask[protocol]
    p4 = _with_known(p4, cur, protocol)
    actual = cur.actual[:, :3]
    lo, hi = calibrated_interval(y_dist, INTERVAL_LEVEL, widening)
    raw_lo, raw_hi = central_interval(y_dist, INTERVAL_LEVEL)
    return {
        "y": cur.codes[mask].astype(np.int64),
        "p3": _cond(p4)[mask],
        "expected": p4[..., :3].sum(1),
        "actual": actual,
        "p_adopt": p_adopt,
        "adopted": actual[:, 0] > actual[:, 2],
        "in_interval": (lo <= actual[:, 0]) & (actual[:, 0] <= hi),
        "interval_width": (hi - lo).astype(float),
        "raw_in_interval": (raw_lo <= actual[:, 0]) & (actual[:, 0] <= raw_hi),
        "raw_interval_width": (raw_hi - raw_lo).astype(float),
    }


def _summarise(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, object]:
    y = np.concatenate([c["y"] for c in parts])
    p3 = np.concatenate([c["p3"] for c in parts])
    pred = p3.argmax(1)
    f1 = [macro_f1(y, pred, labels=(k,)) for k in range(3)]
    return {
        "n_roll_calls": int(sum(c["expected"].shape[0] for c in parts)),
        "n_votes": int(y.size),
        "accuracy": accuracy(y, pred),
        "macro_f1": macro_f1(y, pred),
        "log_loss": log_loss(y, p3),
        "calibration_error": expected_calibration_error(y, p3),
        "tally_mae": tally_mae(
            np.concatenate([c["expected"] for c in parts]), np.concatenate([c["actual"] for c in parts])
        ),
        "adoption_accuracy": adoption_accuracy(
            np.concatenate([c["p_adopt"] for c in parts]), np.concatenate([c["adopted"] for c in parts])
        ),
        "interval_coverage": float(np.concatenate([c["in_interval"] for c in parts]).mean()),
        "interval_width": float(np.concatenate([c["interval_width"] for c in parts]).mean()),
        "raw_interval_coverage": float(np.concatenate([c["raw_in_interval"] for c in parts]).mean()),
        "raw_interval_width": float(np.concatenate([c["raw_interval_width"] for c in parts]).mean()),
        "f1_yes": f1[0],
        "f1_abstain": f1[1],
        "f1_no": f1[2],
    }
