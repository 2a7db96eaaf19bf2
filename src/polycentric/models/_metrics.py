"""Scores of vote forecasts: classification, probability, change, tally and adoption metrics.

Four-class metrics (Y / A / N / X) are computed on every member cell with nothing revealed about it; the
cast-only metrics on the votes actually cast, with probabilities conditional on voting.

accuracy
    share of cells whose point forecast is right.
macro_f1
    unweighted mean of the per-class F1 scores (``F1 = 2 TP / (2 TP + FP + FN)``; a class neither present
    nor predicted is skipped).
log_loss
    mean ``−log p(v)`` of the recorded vote, probabilities clipped at 1e-9.
expected_calibration_error
    top-label ECE (Guo et al. 2017): cells binned by their top probability into 15 equal-width bins on
    [0, 1]; ``ECE = Σ_b (n_b / n) |acc_b − conf_b|``, ``acc_b`` the share whose top-probability class is right.
change_scores
    a *change* is a recorded vote that differs from the state's vote on the resolution's previous
    instance (same normalised title). ``change_recall`` = share of changes whose new vote was forecast;
    ``change_precision`` = share of forecast changes (point forecast ≠ previous vote) that happened as
    forecast.
tally_mae
    mean absolute error of expected against recorded counts.
adoption_accuracy
    share of roll calls where ``P(adopt) > 0.5`` matches the recorded outcome.

References
----------
Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of modern neural networks. *ICML*.

Dependency rule: numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "accuracy",
    "adoption_accuracy",
    "change_scores",
    "expected_calibration_error",
    "log_loss",
    "macro_f1",
    "p_adopt_simple",
    "tally_mae",
]


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


def p_adopt_simple(p4: np.ndarray, chunk: int = 256) -> np.ndarray:
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


def change_scores(y: np.ndarray, pred: np.ndarray, previous: np.ndarray) -> tuple[float, float, int]:
    """``(change_recall, change_precision, n_changes)`` over cells with a previous vote (``previous`` ≥ 0).

    ``change_recall = #(pred = y ≠ prev) / #(y ≠ prev)``; ``change_precision = #(pred = y, pred ≠ prev) /
    #(pred ≠ prev)`` (NaN when no change is forecast).
    """
    y, pred, previous = np.asarray(y), np.asarray(pred), np.asarray(previous)
    ok = previous >= 0
    changed = ok & (y != previous)
    forecast = ok & (pred != previous)
    recall = float((changed & (pred == y)).sum() / changed.sum()) if changed.any() else float("nan")
    precision = float((forecast & (pred == y)).sum() / forecast.sum()) if forecast.any() else float("nan")
    return recall, precision, int(changed.sum())
