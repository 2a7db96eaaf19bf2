"""Backtest of the vote forecaster: fit on the past, predict each session, score against strong naive rules.

Protocol
--------
For each session ``s`` (regular session number), the model is fitted **only on roll calls dated before the
first roll call of session ``s``** and predicts every whole-resolution roll call (``kind == "resolution"``)
of ``s``. It may learn from all roll calls before (amendments and paragraph votes included). Protocols of
revealed votes: ``none`` (nothing revealed: the headline), ``p5`` (USA, GBR, FRA, RUS, CHN revealed) and
``k10`` (the P5 plus BRA, IND, ZAF, EGY and JPN, a fixed list). A revealed state that was not a member on
that date is skipped; revealed states are not scored.

Every choice of the model (features, priors, calibration, windows, thresholds) was tuned on sessions 50–59
only; 60–77 is the test and 78–80 a later out-of-sample check (docs/forecast.md).

Methods scored, on the same cells
---------------------------------
``model``
    :class:`~polycentric.models.forecast.VoteForecaster`, its four-class calibration
    (:mod:`polycentric.models._stacker`) fitted on its own out-of-sample forecasts of the
    ``calibration_sessions`` preceding sessions (warm-up sessions before the first scored one are forecast
    for this purpose only).
``everyone_yes``
    every state votes Y; probabilities = the class frequencies of the training period.
``nearest``
    the state's vote on the most similar past whole resolution on which it was a member (TF-IDF cosine;
    among equal similarities the most recent).
``recency_nearest``
    the state's vote on the single most similar earlier roll call under the model's recency-weighted
    similarity ``s^α e^{−Δt/τ}``; its modal vote of the last session if it was not a member then.
``same_title``
    the state's vote on the most recent earlier whole resolution with the same normalised title
    (:func:`polycentric.models._titles.title_key`), falling back to its modal vote of the last session.
``last_x``
    ``same_title``, but X for a state whose last ten roll calls as a member were all X (an X streak).
``group_majority``
    the modal vote of the state's group (UN regional group) on the most similar past whole resolution;
    states without a group take the modal vote of all states.

Point rules get probabilities from their confusion matrix on the preceding sessions,
``P(true = v | predicted = u)`` over the four classes (Laplace-smoothed), so their log loss and calibration
are those of the best probability a user could attach to them from past performance.

Metrics (:mod:`polycentric.models._metrics`)
------------------------------------------
Headline, four-class (Y / A / N / X) over every member cell of the unrevealed states: ``accuracy``,
``macro_f1_all``, ``log_loss_all``, ``ece_all``, per-class ``f1_*``. Cast-only (secondary; Y / A / N,
probabilities conditional on voting): ``accuracy_cast``, ``macro_f1_cast``, ``log_loss_cast``,
``ece_cast``. Change: ``change_recall``, ``change_precision``, ``n_changes`` (a change = a vote that differs
from the state's vote on the resolution's previous instance). New items (drafts with no earlier instance):
``n_new_votes``, ``accuracy_new``, ``macro_f1_new``. Tally: ``tally_mae`` (mean over roll calls and over
Y, A, N, X of ``|E[count] − count|``), ``adoption_accuracy`` (simple majority, ``Y > N``),
``interval_coverage`` / ``interval_width`` (the Y count's 90 % interval) and ``interval_coverage_all`` /
``interval_width_all`` (the mean over Y, A, N and X). For every method the interval is the central 90 %
range of its forecast count distribution (the model: the mixture over templates; the rules: independent
states) widened by split conformal prediction fitted on the same method's out-of-sample forecasts of the
``calibration_sessions`` sessions before (Romano, Patterson & Candès 2019).

References
----------
Romano, Y., Patterson, E., & Candès, E. (2019). Conformalized quantile regression. *NeurIPS* 32.

Dependency rule: imports numpy, polars, ``polycentric.errors`` and ``polycentric.models``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from polycentric.errors import InputFormatError, InsufficientDataError
from polycentric.models._corpus import _Corpus
from polycentric.models._features import absence_features, modal_votes, previous_instances, streak_mask
from polycentric.models._metrics import (
    accuracy,
    adoption_accuracy,
    change_scores,
    expected_calibration_error,
    log_loss,
    macro_f1,
    p_adopt_simple,
    tally_mae,
)
from polycentric.models._stacker import Stacker, stack_features
from polycentric.models._tally import (
    _count_distribution,
    _mixture_counts,
    _recorded_counts,
    _stacked_components,
    calibrated_interval,
    central_interval,
    conformal_quantile,
)
from polycentric.models.forecast import VoteForecaster, _State
from polycentric.symbols import parse_sessions

__all__ = [
    "K10",
    "METHODS",
    "P5",
    "PROTOCOLS",
    "accuracy",
    "adoption_accuracy",
    "backtest",
    "change_scores",
    "expected_calibration_error",
    "log_loss",
    "macro_f1",
    "parse_sessions",
    "tally_mae",
]

P5: tuple[str, ...] = ("USA", "GBR", "FRA", "RUS", "CHN")
K10: tuple[str, ...] = (*P5, "BRA", "IND", "ZAF", "EGY", "JPN")
PROTOCOLS: dict[str, tuple[str, ...]] = {"none": (), "p5": P5, "k10": K10}
RULES: tuple[str, ...] = ("everyone_yes", "nearest", "recency_nearest", "same_title", "last_x", "group_majority")
METHODS: tuple[str, ...] = ("model", *RULES)
INTERVAL_LEVEL = 0.90
"""Nominal level of the tally intervals scored by the backtest."""


# --------------------------------------------------------------------------- the harness


@dataclass
class _Session:
    """One forecast session: what every method predicted, kept to calibrate the later sessions."""

    session: int
    items: np.ndarray  # corpus item indices
    codes: np.ndarray  # (m, n) recorded codes (−1: not a member)
    previous: np.ndarray  # (m, n) the state's code on the previous instance (−1: none / not a member)
    new_item: np.ndarray  # (m,) no previous instance
    absence: np.ndarray  # (n, 3) absence features at the cut-off
    known: dict[str, list[np.ndarray]]
    masks: dict[str, np.ndarray]  # protocol -> (m, n) member cells of unrevealed states
    raw: dict[str, np.ndarray]  # protocol -> (m, n, 4) uncalibrated model forecast
    components: dict[str, list[tuple[np.ndarray, np.ndarray]]]  # protocol -> per item (weights, (k, n, 4))
    prior: np.ndarray  # (4,) training class frequencies
    rules: dict[str, np.ndarray]  # rule -> (m, n) predicted code 0..3
    actual: np.ndarray  # (m, 4) recorded Y, A, N, X counts
    dists: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (protocol, method) -> (m, 4, n+1)


def _rule_votes(
    model: VoteForecaster, state: _State, corpus: _Corpus, cutoff: int, items: np.ndarray, group_index: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """The naive rules' (m, n) codes, the previous-instance codes, the new-item flags and the absence features."""
    n = corpus.states.size
    before, sess = corpus.codes[:cutoff], corpus.item_session[:cutoff]
    absence = absence_features(before, sess)
    modal = modal_votes(before, sess)
    pool = np.flatnonzero(corpus.item_is_resolution[:cutoff])
    prev_idx = previous_instances(corpus.item_key, pool, [corpus.item_key[i] for i in items])
    previous = np.where(prev_idx[:, None] >= 0, corpus.codes[np.maximum(prev_idx, 0)], -1).astype(np.int64)
    same = np.where(previous >= 0, previous, modal[None, :])
    last_x = np.where(streak_mask(absence)[None, :], 3, same)
    # nearest whole resolution (ties: the most recent) on which the state was a member
    vec, mat = corpus.tfidf(pool)
    sims = np.asarray((vec.transform([corpus.item_text[i] for i in items]) @ mat.T).todense(), dtype=float)
    order = np.argsort(-(sims + 1e-6 * (corpus.item_time[pool] - corpus.item_time[pool].max())), axis=1)[:, :60]
    nearest = np.empty((items.size, n), dtype=np.int64)
    group = np.empty((items.size, n), dtype=np.int64)
    for r in range(items.size):
        cand = corpus.codes[pool[order[r]]]
        member = cand >= 0
        first = member.argmax(0)
        nearest[r] = np.where(member.any(0), cand[first, np.arange(n)], modal)
        top = cand[0]
        counts = np.zeros((group_index.max() + 2, 4))
        np.add.at(counts, (group_index[top >= 0], top[top >= 0]), 1)
        overall = int(counts.sum(0).argmax())
        maj = np.where(counts.sum(1) > 0, counts.argmax(1), overall)
        group[r] = np.where(group_index >= 0, maj[np.maximum(group_index, 0)], overall)
    idx, _, _ = model._neighbours(state, [corpus.item_text[i] for i in items], corpus.item_time[items])
    top_codes = corpus.codes[idx[:, 0]]
    recency = np.where(top_codes >= 0, top_codes, modal[None, :]).astype(np.int64)
    rules = {
        "everyone_yes": np.zeros((items.size, n), dtype=np.int64),
        "nearest": nearest,
        "recency_nearest": recency,
        "same_title": same.astype(np.int64),
        "last_x": last_x.astype(np.int64),
        "group_majority": group,
    }
    return rules, previous, prev_idx < 0, absence


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
    _collect: list[_Session] | None = None,
) -> pl.DataFrame:
    """Score the forecaster and the naive rules session by session (see the module docstring).

    Returns one row per (session, protocol, method) plus pooled rows (``session == "pooled"``); with
    ``per_session=False`` only the pooled rows (without the ``session`` column).
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
    warm = [s for s in available if s < sessions[0]][-n_warm:]
    run = warm + [s for s in sessions if s in available]
    if not [s for s in sessions if s in available]:
        raise InsufficientDataError(f"no whole-resolution roll calls in sessions {sessions}")

    done: list[_Session] = []
    rows: list[dict[str, object]] = []
    pooled: dict[tuple[str, str], list[dict[str, np.ndarray]]] = {}
    previous_state = None
    for s in run:
        items = np.flatnonzero((corpus.item_session == s) & corpus.item_is_resolution)
        cutoff = corpus.cutoff_before(float(corpus.item_time[items].min()))
        if cutoff < 50:
            continue
        state = model._fit_state(corpus, cutoff, previous_state)
        previous_state = state
        model.corpus_ = corpus
        codes = corpus.codes[items]
        cur = _Session(
            session=s,
            items=items,
            codes=codes,
            previous=np.empty(0),
            new_item=np.empty(0),
            absence=np.empty(0),
            known={},
            masks={},
            raw={},
            components={},
            prior=np.bincount(corpus.codes[:cutoff][corpus.codes[:cutoff] >= 0], minlength=4) + 1.0,
            rules={},
            actual=_recorded_counts(codes),
        )
        cur.prior /= cur.prior.sum()
        cur.rules, cur.previous, cur.new_item, cur.absence = _rule_votes(
            model, state, corpus, cutoff, items, group_index
        )
        for p in protocols:
            rev = np.array([index[x] for x in PROTOCOLS[p] if x in index], dtype=np.int64)
            kn = [rev[codes[r, rev] >= 0] for r in range(items.size)]
            cur.known[p] = kn
            cur.components[p] = []
            cur.raw[p] = model._raw_predict(
                state, corpus, items, kn if rev.size else None, components=cur.components[p]
            )
            mask = codes >= 0
            for r, k in enumerate(kn):
                mask[r, k] = False
            cur.masks[p] = mask
        history = done[-model.calibration_sessions :] if model.calibration_sessions > 0 else []
        scored = s in sessions  # a warm-up session is kept only to calibrate the next ones
        for p in protocols:
            for method in methods:
                p4, pred, stacker = _method_forecast(method, p, cur, history, done)
                p_adopt, dist = _outcome_distributions(method, p, cur, p4, stacker, adoption=scored)
                cur.dists[(p, method)] = dist
                if not scored:
                    continue
                widening = _interval_widening([(h.dists[(p, method)], h.actual) for h in history])
                cells = _score_cells(p4, pred, cur, p, p_adopt, dist, widening)
                pooled.setdefault((p, method), []).append(cells)
                if per_session:
                    rows.append({"session": str(s), "protocol": p, "method": method, **_summarise([cells])})
        done.append(cur)
        if _collect is not None:
            _collect.append(cur)
    for (p, method), parts in pooled.items():
        rows.append({"session": "pooled", "protocol": p, "method": method, **_summarise(parts)})
    out = pl.DataFrame(rows)
    return out if per_session else out.drop("session")


def _fit_stacker(protocol: str, history: Sequence[_Session]) -> Stacker:
    """The model's four-class calibration fitted on earlier sessions' out-of-sample forecasts."""
    if not history:
        return Stacker()
    feats = [stack_features(h.raw[protocol], h.previous, h.absence)[h.masks[protocol]] for h in history]
    ys = [h.codes[h.masks[protocol]] for h in history]
    return Stacker().fit(np.concatenate(feats), np.concatenate(ys))


def _method_forecast(
    method: str, protocol: str, cur: _Session, history: Sequence[_Session], done: Sequence[_Session]
) -> tuple[np.ndarray, np.ndarray, Stacker | None]:
    """(m, n, 4) probabilities and (m, n) point forecasts of a method, calibrated only on earlier sessions."""
    if method == "model":
        stacker = _fit_stacker(protocol, history)
        p4 = stacker.predict_proba(stack_features(cur.raw[protocol], cur.previous, cur.absence))
        return p4, stacker.decide(p4), stacker
    pred = cur.rules[method]
    if method == "everyone_yes":
        return np.broadcast_to(cur.prior, (*pred.shape, 4)).copy(), pred, None
    confusion = np.ones((4, 4))
    for h in done:
        mask = h.codes >= 0
        np.add.at(confusion, (h.rules[method][mask], h.codes[mask]), 1)
    return (confusion / confusion.sum(1, keepdims=True))[pred], pred, None


def _with_known(p4: np.ndarray, cur: _Session, protocol: str) -> np.ndarray:
    """``p4`` with revealed states certain of their recorded vote and non-members all zero."""
    p4 = p4.copy()
    for r, kn in enumerate(cur.known[protocol]):
        p4[r, kn] = 0.0
        p4[r, kn, cur.codes[r, kn]] = 1.0
    return np.where((cur.codes >= 0)[..., None], p4, 0.0)


def _outcome_distributions(
    method: str, protocol: str, cur: _Session, p4: np.ndarray, stacker: Stacker | None, adoption: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """P(adopt) (m,) and the Y, A, N, X count distributions (m, 4, n+1) of each roll call.

    For the model both are mixtures over each roll call's templates (each calibrated by ``stacker``); for
    the rules, states are independent given ``p4``. Revealed states count with their recorded vote,
    non-members not at all. With ``adoption=False`` the adoption probabilities are not computed (NaN).
    """
    m = cur.codes.shape[0]
    p_adopt = np.full(m, np.nan)
    if method == "model" and stacker is not None:
        comp, weights, owner = _stacked_components(
            cur.components[protocol], stacker, cur.previous, cur.absence, cur.codes, cur.known[protocol]
        )
        if adoption:
            p_adopt = np.bincount(owner, weights=weights * p_adopt_simple(comp), minlength=m)
        return p_adopt, _mixture_counts(comp, weights, owner, m).astype(np.float32)
    p4 = _with_known(p4, cur, protocol)
    if adoption:
        p_adopt = p_adopt_simple(p4)
    dist = np.stack([_count_distribution(p4[..., c]) for c in range(4)], axis=1)
    return p_adopt, dist.astype(np.float32)


def _interval_widening(history: Sequence[tuple[np.ndarray, np.ndarray]], level: float = INTERVAL_LEVEL) -> np.ndarray:
    """(4,) split-conformal widening of the central ``level`` count intervals from earlier sessions' forecasts.

    ``history`` holds, per earlier session, the out-of-sample count distributions (m, 4, n+1) and the
    recorded counts (m, 4); zeros (no widening) without history.
    """
    if not history:
        return np.zeros(4)
    dist = np.concatenate([d for d, _ in history]).astype(float)
    actual = np.concatenate([y for _, y in history])
    lo, hi = central_interval(dist, level)
    scores = np.maximum(lo - actual, actual - hi)
    return np.array([conformal_quantile(scores[:, c], level) for c in range(4)])


def _score_cells(
    p4: np.ndarray,
    pred: np.ndarray,
    cur: _Session,
    protocol: str,
    p_adopt: np.ndarray,
    dist: np.ndarray,
    widening: np.ndarray,
) -> dict[str, np.ndarray]:
    """The per-cell and per-roll-call quantities the metrics need."""
    mask = cur.masks[protocol]
    y = cur.codes[mask].astype(np.int64)
    p_all = p4[mask]
    cast = y <= 2
    p3 = p_all[cast, :3] / np.clip(p_all[cast, :3].sum(1, keepdims=True), 1e-12, None)
    full = _with_known(p4, cur, protocol)
    lo, hi = calibrated_interval(dist.astype(float), INTERVAL_LEVEL, widening)
    raw_lo, raw_hi = central_interval(dist.astype(float), INTERVAL_LEVEL)
    actual = cur.actual
    return {
        "y": y,
        "pred": pred[mask],
        "p4": p_all,
        "y_cast": y[cast],
        "p3": p3,
        "previous": cur.previous[mask],
        "new": np.broadcast_to(cur.new_item[:, None], mask.shape)[mask],
        "expected": full.sum(1),
        "actual": actual,
        "p_adopt": p_adopt,
        "adopted": actual[:, 0] > actual[:, 2],
        "in_interval": (lo <= actual) & (actual <= hi),
        "interval_width": (hi - lo).astype(float),
        "raw_in_interval": (raw_lo[:, 0] <= actual[:, 0]) & (actual[:, 0] <= raw_hi[:, 0]),
        "raw_interval_width": (raw_hi[:, 0] - raw_lo[:, 0]).astype(float),
    }


def _summarise(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, object]:
    def cat(key: str) -> np.ndarray:
        return np.concatenate([c[key] for c in parts])

    y, pred, p4 = cat("y"), cat("pred"), cat("p4")
    y_cast, p3 = cat("y_cast"), cat("p3")
    new = cat("new")
    recall, precision, n_changes = change_scores(y, pred, cat("previous"))
    f1 = [macro_f1(y, pred, labels=(k,)) for k in range(4)]
    inside, width = cat("in_interval"), cat("interval_width")
    return {
        "n_roll_calls": int(sum(c["expected"].shape[0] for c in parts)),
        "n_votes": int(y.size),
        "accuracy": accuracy(y, pred),
        "macro_f1_all": macro_f1(y, pred, labels=(0, 1, 2, 3)),
        "log_loss_all": log_loss(y, p4),
        "ece_all": expected_calibration_error(y, p4),
        "change_recall": recall,
        "change_precision": precision,
        "n_changes": n_changes,
        "n_new_votes": int(new.sum()),
        "accuracy_new": accuracy(y[new], pred[new]),
        "macro_f1_new": macro_f1(y[new], pred[new], labels=(0, 1, 2, 3)),
        "n_cast": int(y_cast.size),
        "accuracy_cast": accuracy(y_cast, p3.argmax(1)),
        "macro_f1_cast": macro_f1(y_cast, p3.argmax(1)),
        "log_loss_cast": log_loss(y_cast, p3),
        "ece_cast": expected_calibration_error(y_cast, p3),
        "tally_mae": tally_mae(cat("expected"), cat("actual")),
        "adoption_accuracy": adoption_accuracy(cat("p_adopt"), cat("adopted")),
        "interval_coverage": float(inside[:, 0].mean()),
        "interval_width": float(width[:, 0].mean()),
        "interval_coverage_all": float(inside.mean()),
        "interval_width_all": float(width.mean()),
        "raw_interval_coverage": float(cat("raw_in_interval").mean()),
        "raw_interval_width": float(cat("raw_interval_width").mean()),
        "f1_yes": f1[0],
        "f1_abstain": f1[1],
        "f1_no": f1[2],
        "f1_absent": f1[3],
    }
