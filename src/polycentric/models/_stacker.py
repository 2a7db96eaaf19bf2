"""Four-class calibration of the forecaster: a multinomial logit over the template mixture and what is known.

The template mixture of :class:`~polycentric.models.forecast.VoteForecaster` gives raw probabilities
``p = (p_Y, p_A, p_N, p_X)`` per state. They are calibrated, and joined with two things the mixture uses
only indirectly, by a multinomial logistic regression (stacking, Wolpert 1992; a generalisation of the
vector scaling of Guo et al. 2017, which is the case of the first block of features alone):

.. math::

    P(v \\mid \\text{cell}) = \\operatorname{softmax}_v\\big(b_v + \\sum_k w_{vk} \\log p_k
        + \\sum_u c_{vu} \\mathbb 1\\{V^{prev} = u\\} + d_v h + \\textstyle\\sum_f e_{vf} x_f\\big)

with ``V^prev`` the state's vote on the draft's previous instance (same normalised title), ``h`` = 1 when
there is one (a block left out by default, :data:`PREVIOUS_FEATURES`), and ``x`` the state's absence features (logits of its X share in the last session and over
its last 20 roll calls, and its X-streak indicator; :func:`polycentric.models._features.absence_features`).
The weights are fitted by penalised maximum likelihood (L2, ``C`` = :data:`C`, on standardised features) on true out-of-sample
forecasts of the sessions before the cut-off (each made from data before that session only), over every
member cell of the unrevealed states: the fit sees X as a class like the others.

**Point forecast.** The arg-max of calibrated probabilities under-predicts the rare classes (A, N, X), which
macro-F1 weighs equally. The point forecast is ``argmax_v w_v P(v)``, with class weights ``w`` (``w_Y`` = 1)
chosen on the same calibration cells to maximise the four-class macro-F1 (coordinate search over
``log w`` on a grid; a plug-in rule for F-measures, Lipton, Elkan & Narayanaswamy 2014). The probabilities
themselves are unchanged by it.

References
----------
Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of modern neural networks. *ICML*.
Lipton, Z. C., Elkan, C., & Narayanaswamy, B. (2014). Optimal thresholding of classifiers to maximize F1
measure. *ECML PKDD*, 225–239.
Wolpert, D. H. (1992). Stacked generalization. *Neural Networks* 5(2), 241–259.

Dependency rule: numpy and scikit-learn only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

__all__ = ["C", "MIN_CELLS", "PREVIOUS_FEATURES", "Stacker", "macro_f1_all", "stack_features"]

C = 1.0
"""Inverse L2 penalty of the multinomial logit (chosen on sessions 50–59)."""
MIN_CELLS = 200
"""Fewer calibration cells (or a single class among them): the identity map on the raw probabilities."""
PREVIOUS_FEATURES = False
"""Whether the previous instance's vote enters the calibration. Tried on sessions 50–59 and left out: with it the
four-class macro-F1 was 0.704 and the change recall 0.128, without it 0.710 and 0.173 (log loss 0.508 against
0.512); the template mixture already weighs the previous instance as its most similar, most recent template."""
_GRID = np.arange(-1.0, 3.01, 0.25)
_CLIP = 1e-4


def stack_features(p4: np.ndarray, prev: np.ndarray, absence: np.ndarray) -> np.ndarray:
    """(..., n, F) features of cells: ``log p`` (4), [previous-instance vote one-hot (4), ``h``], absence (3).

    ``p4`` is (..., n, 4) raw probabilities; ``prev`` (..., n) the state's code on the previous instance
    (−1: none or not a member then); ``absence`` (n, 3) per state. The bracketed block is included only
    when :data:`PREVIOUS_FEATURES` is true (F = 12; otherwise F = 7).
    """
    lead = p4.shape[:-1]
    log_p = np.log(np.clip(p4, _CLIP, 1.0))
    share = np.clip(absence[:, :2], 0.01, 0.99)
    a = np.concatenate([np.log(share / (1 - share)), absence[:, 2:3]], axis=1)
    blocks = [log_p]
    if PREVIOUS_FEATURES:
        onehot = (np.asarray(prev)[..., None] == np.arange(4)).astype(float)
        has = (np.asarray(prev) >= 0).astype(float)[..., None]
        blocks += [np.broadcast_to(onehot, (*lead, 4)), np.broadcast_to(has, (*lead, 1))]
    blocks.append(np.broadcast_to(a, (*lead, 3)))
    return np.concatenate(blocks, axis=-1)


def macro_f1_all(y: np.ndarray, pred: np.ndarray, labels: tuple[int, ...] = (0, 1, 2, 3)) -> float:
    """Unweighted mean F1 over ``labels`` (a label neither present nor predicted is skipped)."""
    scores = []
    for c in labels:
        tp = int(((y == c) & (pred == c)).sum())
        fp = int(((y != c) & (pred == c)).sum())
        fn = int(((y == c) & (pred != c)).sum())
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def _decision_weights(proba: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Log class weights (w_Y = 0) maximising macro-F1 of ``argmax(log p + log w)`` (two coordinate sweeps)."""
    log_p = np.log(np.clip(proba, 1e-12, 1.0))
    log_w = np.zeros(4)
    best = macro_f1_all(y, log_p.argmax(1))
    for _ in range(2):
        for k in (1, 2, 3):
            for g in _GRID:
                trial = log_w.copy()
                trial[k] = g
                score = macro_f1_all(y, (log_p + trial).argmax(1))
                if score > best + 1e-9:
                    best, log_w = score, trial
    return log_w


@dataclass
class Stacker:
    """The fitted four-class calibration and decision rule (identity until :meth:`fit` has enough cells)."""

    model: LogisticRegression | None = None  # or models._lean.LeanLogistic in a stored forecaster
    log_weights: np.ndarray = field(default_factory=lambda: np.zeros(4))
    n_cells: int = 0
    centre: np.ndarray = field(default_factory=lambda: np.zeros(1))
    scale: np.ndarray = field(default_factory=lambda: np.ones(1))

    def fit(self, features: np.ndarray, y: np.ndarray, *, c: float = C) -> Stacker:
        """Fit on (m, F) cell features and their recorded codes ``y`` (0..3)."""
        y = np.asarray(y, dtype=np.int64)
        self.n_cells = int(y.size)
        if y.size < MIN_CELLS or np.unique(y).size < 2:
            self.model, self.log_weights = None, np.zeros(4)
            return self
        from sklearn.linear_model import LogisticRegression  # imported when fitting only

        self.centre = features.mean(0)
        self.scale = np.where(features.std(0) > 1e-9, features.std(0), 1.0)
        self.model = LogisticRegression(C=c, max_iter=1000).fit((features - self.centre) / self.scale, y)
        self.log_weights = _decision_weights(self.predict_proba(features), y)
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """(..., 4) calibrated Y/A/N/X probabilities of cells with ``features`` (..., F)."""
        lead = features.shape[:-1]
        flat = features.reshape(-1, features.shape[-1])
        if self.model is None:  # identity: the raw probabilities, renormalised
            p = np.exp(flat[:, :4])
            return cast("np.ndarray", (p / p.sum(1, keepdims=True)).reshape(*lead, 4))
        out = np.zeros((flat.shape[0], 4))
        out[:, self.model.classes_] = self.model.predict_proba((flat - self.centre) / self.scale)
        return out.reshape(*lead, 4)

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Point forecasts ``argmax_v w_v P(v)`` (codes 0..3) of probabilities (..., 4)."""
        return cast("np.ndarray", (np.log(np.clip(proba, 1e-12, 1.0)) + self.log_weights).argmax(-1))
