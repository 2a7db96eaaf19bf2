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
    protocol by vector scaling on its own out-of-sample forecasts of the
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
tally_coverage
    share of roll calls whose recorded Y count lies in the central 90 %
    interval of the forecast Y count (for the model, the mixture over
    templates; for the baselines, independent states).

References
----------
Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of
modern neural networks. *ICML*.

Dependency rule: imports numpy, polars, scikit-learn, ``polycentric.errors``
and ``polycentric.models.forecast``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.feature_extraction.text import TfidfVectorizer

from polycentric.errors import InputFormatError, InsufficientDataError
from polycentric.models.forecast import (
    VoteForecaster,
    _Corpus,
    _fit_calibration,
    _softmax_calibrate,
)

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


def _p_adopt_simple(p4: np.ndarray) -> np.ndarray:
    """P(Y > N) per roll call for independent states; ``p4`` is (m, n, 4), non-members all zero."""
    m, n, _ = p4.shape
    dist = np.zeros((m, 2 * n + 1))
    dist[:, n] = 1.0
    for i in range(n):
        y, no = p4[:, i, 0:1], p4[:, i, 2:3]
        new = dist * (1.0 - y - no)
        new[:, 1:] += dist[:, :-1] * y
        new[:, :-1] += dist[:, 1:] * no
        dist = new
    return dist[:, n + 1 :].sum(1)


def _yes_interval(p_yes: np.ndarray, level: float = 0.90) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` interval of the Poisson-binomial Y count per roll call; ``p_yes`` is (m, n)."""
    m, n = p_yes.shape
    dist = np.zeros((m, n + 1))
    dist[:, 0] = 1.0
    for i in range(n):
        q = p_yes[:, i : i + 1]
        new = dist * (1.0 - q)
        new[:, 1:] += dist[:, :-1] * q
        dist = new
    cdf = np.cumsum(dist, axis=1)
    lo = ((cdf < (1 - level) / 2 - 1e-12).sum(1)).astype(np.int64)
    hi = ((cdf < 1 - (1 - level) / 2 - 1e-12).sum(1)).astype(np.int64)
    return lo, hi


def parse_sessions(text: str) -> list[int]:
    """``"60-77"`` or ``"60,62,70-72"`` -> list of session numbers."""
    out: list[int] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            if "-" in part:
                a, b = part.split("-", 1)
                lo, hi = int(a), int(b)
                if hi < lo:
                    raise ValueError
                out.extend(range(lo, hi + 1))
            else:
                out.append(int(part))
    except ValueError:
        raise InputFormatError(f"sessions {text!r}: expected e.g. 60-77 or 60,62,70-72", field="sessions") from None
    if not out:
        raise InputFormatError("no session given", field="sessions")
    return sorted(set(out))


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


def _nearest_templates(corpus: _Corpus, cutoff: int, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Past whole-resolution roll calls ranked by similarity (ties: most recent first), per item."""
    pool = np.flatnonzero(corpus.item_is_resolution[:cutoff])
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", dtype=np.float32)
    mat = vec.fit_transform([corpus.item_text[i] for i in pool])
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
    tally_mae, adoption_accuracy, tally_coverage, f1_yes, f1_abstain, f1_no``. With
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
        )
        if s in sessions:
            history = done[-model.calibration_sessions :] if model.calibration_sessions > 0 else []
            for p in protocols:
                for method in methods:
                    p4, params = _method_probs(method, p, current, history, done)
                    cells = _score_cells(p4, current, p)
                    if method == "model":  # tallies and adoption as mixtures over the templates
                        cells["p_adopt"], cells["tally_in_interval"] = _mixture_outcomes(current, p, params)
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
            params = np.zeros(3)
        p3 = _softmax_calibrate(_cond(cur.raw[protocol]), params)
        return np.concatenate([p3 * (1 - p_x), p_x], axis=-1), params
    if method == "everyone_yes":
        p3 = np.broadcast_to(cur.prior[:3] / cur.prior[:3].sum(), (*cur.codes.shape, 3))
        return np.concatenate([p3 * (1 - p_x), p_x], axis=-1), np.zeros(3)
    attr = "nearest" if method == "nearest" else "group"
    pred = getattr(cur, attr)
    confusion = np.ones((3, 3))
    for h in done:
        mask = h.eval_mask["none"]
        np.add.at(confusion, (getattr(h, attr)[mask], h.codes[mask].astype(np.int64)), 1)
    table = confusion / confusion.sum(1, keepdims=True)
    p3 = table[pred]
    return np.concatenate([p3 * (1 - p_x), p_x], axis=-1), np.zeros(3)


def _mixture_outcomes(cur: _SessionForecasts, protocol: str, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(adopt) and whether the Y count falls in the 90 % interval, as mixtures over each item's templates."""
    p_adopt = np.empty(cur.codes.shape[0])
    inside = np.empty(cur.codes.shape[0], dtype=bool)
    for r, (weights, q) in enumerate(cur.components[protocol]):
        members = cur.codes[r] >= 0
        q = q[:, members]
        p_x = q[..., 3:4]
        comp = np.concatenate([_softmax_calibrate(_cond(q), params) * (1 - p_x), p_x], axis=-1)
        known = cur.known[protocol][r]
        if known.size:
            local = np.cumsum(members) - 1
            comp[:, local[known]] = 0.0
            comp[:, local[known], cur.codes[r, known]] = 1.0
        p_adopt[r] = float(weights @ _p_adopt_simple(comp))
        lo, hi = _yes_interval_mixture(weights, comp[..., 0])
        y = int((cur.codes[r] == 0).sum())
        inside[r] = lo <= y <= hi
    return p_adopt, inside


def _yes_interval_mixture(weights: np.ndarray, p_yes: np.ndarray, level: float = 0.90) -> tuple[int, int]:
    """Central interval of the Y count under a mixture (weights (k,)) of Poisson-binomials (p_yes (k, n))."""
    k, n = p_yes.shape
    dist = np.zeros((k, n + 1))
    dist[:, 0] = 1.0
    for i in range(n):
        q = p_yes[:, i : i + 1]
        new = dist * (1.0 - q)
        new[:, 1:] += dist[:, :-1] * q
        dist = new
    cdf = np.cumsum(weights @ dist)
    return int((cdf < (1 - level) / 2 - 1e-12).sum()), int((cdf < 1 - (1 - level) / 2 - 1e-12).sum())


def _cond(p4: np.ndarray) -> np.ndarray:
    p3 = p4[..., :3]
    return p3 / np.clip(p3.sum(-1, keepdims=True), 1e-12, None)


def _score_cells(p4: np.ndarray, cur: _SessionForecasts, protocol: str) -> dict[str, np.ndarray]:
    """The per-cell and per-roll-call quantities the metrics need."""
    mask = cur.eval_mask[protocol]
    p4 = p4.copy()
    members = cur.codes >= 0
    for r, kn in enumerate(cur.known[protocol]):  # revealed votes are known for the tally
        p4[r, kn] = 0.0
        p4[r, kn, cur.codes[r, kn]] = 1.0
    p4 = np.where(members[..., None], p4, 0.0)
    expected = p4[..., :3].sum(1)
    actual = np.stack([(cur.codes == k).sum(1) for k in range(3)], axis=1)
    p_adopt = _p_adopt_simple(p4)
    lo, hi = _yes_interval(p4[..., 0])
    in_interval = (lo <= actual[:, 0]) & (actual[:, 0] <= hi)
    p3 = _cond(p4)[mask]
    return {
        "y": cur.codes[mask].astype(np.int64),
        "p3": p3,
        "expected": expected,
        "actual": actual,
        "p_adopt": p_adopt,
        "adopted": actual[:, 0] > actual[:, 2],
        "tally_in_interval": in_interval,
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
        "tally_coverage": float(np.concatenate([c["tally_in_interval"] for c in parts]).mean()),
        "f1_yes": f1[0],
        "f1_abstain": f1[1],
        "f1_no": f1[2],
    }
