"""The stored forecaster's prediction-time parts, in numpy alone (private).

A fitted :class:`~polycentric.models.forecast.VoteForecaster` holds scikit-learn and scipy objects (the TF-IDF
vectorizer, the sparse text matrix, the calibration's logistic regressions) and the vote frames it was built
from. A process that only forecasts needs none of that: importing scikit-learn alone takes about a second,
longer than the whole forecast. :func:`lean_copy` makes a copy of a fitted forecaster whose parts are the
classes below, which compute **the same numbers in the same order** with numpy and the standard library:

- :class:`LeanTfidf` — ``TfidfVectorizer.transform`` for the word analyzer the forecaster fits (lower case,
  the ``(?u)\\b\\w\\w+\\b`` tokens, stop words removed, 1–2-grams, counts as float32, sublinear tf, idf, the
  l2 norm summed in double as scikit-learn's ``inplace_csr_row_normalize_l2`` does), and the similarities
  ``q @ text_matrix.T`` accumulated term by term in float32 as scipy's sparse product does;
- :class:`LeanLogistic` — ``LogisticRegression.predict_proba`` of a multinomial fit (``softmax(X @ coef.T +
  intercept)``, scikit-learn's ``softmax`` step by step);
- :class:`LeanIRT` — the window IRT's ``probs`` with the logistic function computed as scipy's ``expit``
  (``1 / (1 + exp(-x))`` with the C library's ``exp``).

``tests/models/test_forecast_store.py`` checks that forecasts of the lean copy equal the fitted model's.
Parts outside this scope (a probit IRT from the dynamic ideal points, a two-class calibration) are kept
as they are: the copy is still correct, only slower to load.

Dependency rule: numpy and the standard library; the fitted objects it converts are passed in.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LeanIRT", "LeanLogistic", "LeanMatrix", "LeanTfidf", "lean_copy"]


@dataclass
class LeanMatrix:
    """The (items, terms) TF-IDF matrix by term (compressed sparse columns), float32."""

    shape: tuple[int, int]
    indptr: np.ndarray  # (terms + 1,)
    rows: np.ndarray  # item of each stored value, ascending within a term
    values: np.ndarray  # float32

    @classmethod
    def from_sparse(cls, matrix: Any) -> LeanMatrix:
        if isinstance(matrix, LeanMatrix):
            return matrix
        by_term = matrix.tocsc()
        by_term.sort_indices()
        return cls(
            shape=(int(matrix.shape[0]), int(matrix.shape[1])),
            indptr=np.asarray(by_term.indptr, dtype=np.int64),
            rows=np.asarray(by_term.indices, dtype=np.int64),
            values=np.asarray(by_term.data),
        )


@dataclass
class LeanTfidf:
    """``TfidfVectorizer.transform`` (word analyzer) and the similarities to a :class:`LeanMatrix`."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # float32
    stop_words: frozenset[str]
    token_pattern: str
    ngram_range: tuple[int, int]
    lowercase: bool = True
    sublinear_tf: bool = True

    @classmethod
    def from_vectorizer(cls, vec: Any) -> LeanTfidf | None:
        """The lean equivalent of a fitted ``TfidfVectorizer``, or None when it uses options not covered here."""
        if isinstance(vec, LeanTfidf):
            return vec
        supported = (
            vec.analyzer == "word"
            and vec.input == "content"
            and vec.preprocessor is None
            and vec.tokenizer is None
            and vec.strip_accents is None
            and not vec.binary
            and vec.norm == "l2"
            and vec.use_idf
            and np.dtype(vec.dtype) == np.float32
        )
        if not supported:
            return None
        return cls(
            vocabulary={str(k): int(v) for k, v in vec.vocabulary_.items()},
            idf=np.asarray(vec.idf_, dtype=np.float32),
            stop_words=frozenset(vec.get_stop_words() or ()),
            token_pattern=vec.token_pattern,
            ngram_range=tuple(vec.ngram_range),
            lowercase=bool(vec.lowercase),
            sublinear_tf=bool(vec.sublinear_tf),
        )

    def _terms(self, doc: str) -> list[str]:
        text = doc.lower() if self.lowercase else doc
        tokens = [w for w in re.findall(self.token_pattern, text) if w not in self.stop_words]
        low, high = self.ngram_range
        out = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
            out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return out

    def transform_one(self, doc: str) -> tuple[np.ndarray, np.ndarray]:
        """``(term indices ascending, float32 weights)`` of one document's l2-normalised TF-IDF row."""
        counts: dict[int, int] = {}
        for term in self._terms(doc):
            j = self.vocabulary.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        idx = np.array(sorted(counts), dtype=np.int64)
        data = np.array([counts[j] for j in idx.tolist()], dtype=np.float32)
        if self.sublinear_tf:
            np.log(data, data)
            data += np.float32(1.0)
        data *= self.idf[idx]
        total = 0.0  # sklearn.utils.sparsefuncs_fast: a double accumulator of float32 squares, in order
        for x in (data * data).tolist():
            total += x
        if total != 0.0:
            data = (data.astype(np.float64) / math.sqrt(total)).astype(np.float32)
        return idx, data

    def similarities(self, texts: list[str], matrix: LeanMatrix) -> np.ndarray:
        """(len(texts), items) ``q @ matrix.T`` as float64: each sum accumulated in float32 over the query's
        terms in ascending order (the order of scipy's sparse product)."""
        out = np.zeros((len(texts), matrix.shape[0]), dtype=np.float32)
        for r, doc in enumerate(texts):
            idx, data = self.transform_one(doc)
            row = out[r]
            for j, w in zip(idx.tolist(), data, strict=True):
                a, b = matrix.indptr[j], matrix.indptr[j + 1]
                row[matrix.rows[a:b]] += w * matrix.values[a:b]
        return np.asarray(out, dtype=float)


@dataclass
class LeanLogistic:
    """``LogisticRegression.predict_proba`` of a multinomial fit (three classes or more)."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray

    @classmethod
    def from_model(cls, model: Any) -> LeanLogistic | None:
        if isinstance(model, LeanLogistic):
            return model
        if model is None or np.asarray(model.classes_).size <= 2 or getattr(model, "multi_class", None) == "ovr":
            return None
        return cls(np.asarray(model.coef_), np.asarray(model.intercept_), np.asarray(model.classes_))

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        scores = x @ self.coef_.T + self.intercept_
        scores -= np.reshape(np.max(scores, axis=1), (-1, 1))
        np.exp(scores, out=scores)
        scores /= np.reshape(np.sum(scores, axis=1), (-1, 1))
        return np.asarray(scores)


def _expit(x: np.ndarray) -> np.ndarray:
    """scipy.special.expit for float64: ``1 / (1 + exp(-x))`` with the C library's ``exp``, element by element."""
    flat = np.fromiter((1.0 / (1.0 + math.exp(-v)) for v in x.ravel().tolist()), dtype=np.float64, count=x.size)
    return flat.reshape(x.shape)


@dataclass
class LeanIRT:
    """The window IRT (logit link) for prediction: ``P(v ≤ k) = σ(κ_k − a_j·θ_i)``."""

    theta: np.ndarray
    a: np.ndarray
    cut: np.ndarray
    log_gap: np.ndarray
    item_index: np.ndarray

    @classmethod
    def from_irt(cls, irt: Any) -> LeanIRT | None:
        if isinstance(irt, LeanIRT):
            return irt
        if irt is None or getattr(irt, "link", "logit") != "logit":
            return None
        return cls(irt.theta, irt.a, irt.cut, irt.log_gap, irt.item_index)

    def probs(self, window_rows: np.ndarray, state_cols: np.ndarray) -> np.ndarray:
        """(len(window_rows), len(state_cols), 3) Y/A/N probabilities (``_IRT.probs``)."""
        eta = self.a[window_rows] @ self.theta[state_cols].T
        cut = self.cut[window_rows][:, None]
        gap = np.exp(self.log_gap[window_rows])[:, None]
        f1 = _expit(cut - eta)
        f2 = _expit(cut + gap - eta)
        return np.stack([1.0 - f2, f2 - f1, f1], axis=-1)


def lean_copy(model: Any) -> Any:
    """A copy of a fitted forecaster for prediction only: the vote frames dropped, and the scikit-learn and
    scipy parts replaced by the classes above where they cover them (the model itself is not changed; a lean
    copy's lean copy is itself)."""
    out = copy.copy(model)
    corpus = model.corpus_
    out.corpus_ = dataclasses.replace(corpus, votes=None, roll_calls=None, _counts=None)
    state = model.state_
    vec = LeanTfidf.from_vectorizer(state.vectorizer)
    changes: dict[str, Any] = {}
    if vec is not None:
        changes |= {"vectorizer": vec, "text_matrix": LeanMatrix.from_sparse(state.text_matrix)}
    irt = LeanIRT.from_irt(state.irt)
    if irt is not None:
        changes["irt"] = irt
    out.state_ = dataclasses.replace(state, **changes)
    calibration = {}
    for key, stacker in model.calibration_.items():
        lean = LeanLogistic.from_model(stacker.model)
        calibration[key] = dataclasses.replace(stacker, model=lean) if lean is not None else stacker
    out.calibration_ = calibration
    return out
