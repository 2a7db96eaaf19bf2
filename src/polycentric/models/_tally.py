"""A forecast and what follows from it: tallies as template mixtures, conformal intervals, adoption, swing.

Votes are correlated through the unknown item, so the tally of each category is a mixture over the
templates (posterior weights) of Poisson-binomial counts (states independent *given* a template), computed
exactly by dynamic programming; the central interval is widened by split conformal prediction
(Romano, Patterson & Candès 2019; Vovk, Gammerman & Shafer 2005; Lei et al. 2018).

Dependency rule: numpy, polars, ``polycentric.errors`` and the forecaster's private modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import polars as pl

from polycentric.errors import InputFormatError
from polycentric.models._corpus import VOTE_ORDER
from polycentric.models._stacker import Stacker, stack_features


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
        return cast("np.ndarray", np.maximum(lo - self.actual, self.actual - hi))

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


def _stacked_components(
    parts: Sequence[tuple[np.ndarray, np.ndarray]],
    stacker: Stacker,
    previous: np.ndarray,
    absence: np.ndarray,
    codes: np.ndarray,
    known: Sequence[np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stack the calibrated template forecasts of ``m`` roll calls: ``(comp (K, n, 4), weights (K,), owner (K,))``.

    ``parts`` holds each roll call's (template weights, raw per-template forecasts (k, n, 4)), each template
    calibrated by ``stacker`` with the roll call's previous-instance codes ``previous`` (m, n) and the
    states' ``absence`` features; ``codes`` (m, n) the recorded votes (−1: not a member, whose rows become
    all zero); ``known`` each roll call's revealed states, which get probability 1 on their recorded vote.
    """
    sizes = np.array([w.size for w, _ in parts], dtype=np.int64)
    owner = np.repeat(np.arange(len(parts)), sizes)
    weights = np.concatenate([w for w, _ in parts])
    q = np.concatenate([c for _, c in parts])
    comp = stacker.predict_proba(stack_features(q, previous[owner], absence))
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
    decision_log_weights: np.ndarray | None = None
    previous: list[str | None] | None = None
    data_date: dt.date | None = None
    label: str | None = None
    recorded: dict[str, str] | None = None

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

    def predicted_codes(self) -> np.ndarray:
        """Point forecasts (0..3 in :data:`VOTE_ORDER`): ``argmax_v w_v p(v)`` with the calibration's class weights.

        The weights (chosen on the forecaster's calibration sessions to maximise the four-class macro-F1;
        :mod:`polycentric.models._stacker`) make the rarer A, N and X forecasts as likely as they are
        recorded; without them, the arg-max of the probabilities.
        """
        log_w = self.decision_log_weights if self.decision_log_weights is not None else np.zeros(4)
        return cast("np.ndarray", (np.log(np.clip(self.probabilities, 1e-12, None)) + log_w).argmax(1))

    def swing(self) -> np.ndarray:
        """How much each state moves the tally: the standard deviation of its contribution to the margin.

        With margin weights ``c`` (simple majority: Y +1, N −1; two-thirds: Y +1, N −2; A and X 0),
        ``swing_i = sqrt(Σ_v p_iv c_v² − (Σ_v p_iv c_v)²)``: 0 for a state whose vote is certain, 1 for a
        coin flip between Y and N under a simple majority, 0.5 for one between Y and A. Unlike the
        pivotality, it does not vanish when the outcome itself is certain.
        """
        c = _margin_weights(self.majority).astype(float)
        mean = self.probabilities @ c
        return cast("np.ndarray", np.sqrt(np.clip(self.probabilities @ (c**2) - mean**2, 0.0, None)))

    def entropy(self) -> np.ndarray:
        """Entropy (bits) of the Y / A / N forecast conditional on voting."""
        p3 = self.probabilities[:, :3] / np.clip(self.probabilities[:, :3].sum(1, keepdims=True), 1e-12, None)
        return cast("np.ndarray", -(p3 * np.log2(np.clip(p3, 1e-12, None))).sum(1))

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
        predicted = [VOTE_ORDER[k] for k in self.predicted_codes()]
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
                "swing": self.swing(),
                "pivotality": self.pivotality(),
                "p_break_group": self.p_break_group(),
                "previous": self.previous if self.previous is not None else [None] * len(self.states),
                **({"recorded": [self.recorded.get(s) for s in self.states]} if self.recorded is not None else {}),
            },
            schema_overrides={"group": pl.String, "previous": pl.String, "recorded": pl.String},
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
            "label": self.describe(),
            "date": str(self.date) if self.date else None,
            "data_date": str(self.data_date) if self.data_date else None,
            "majority": self.majority,
            "n_members": len(self.states),
            "p_adopt": self.p_adopt,
            **{f"expected_{v}": tally[v]["expected"] for v in VOTE_ORDER},
            **{f"interval_{v}": [tally[v]["lower"], tally[v]["upper"]] for v in VOTE_ORDER},
        }

    def describe(self) -> str:
        """What this forecast is: a retro-forecast (fitted strictly before a recorded vote) or a forecast from data
        up to a date."""
        if self.label:
            return self.label
        return f"forecast from the record up to {self.data_date}" if self.data_date else "forecast"

    def swing_states(self, n: int = 10, by: str = "swing") -> pl.DataFrame:
        """The ``n`` unrevealed states that move the tally most (``by="swing"``, see :meth:`swing`), the most
        uncertain (``by="entropy"``) or the most pivotal (``by="pivotality"``)."""
        if by not in ("swing", "entropy", "pivotality"):
            raise InputFormatError(f"by must be 'swing', 'entropy' or 'pivotality', not {by!r}", field="by")
        return self.to_frame().filter(~pl.col("known")).sort(by, descending=True).head(n)

    def group_breakers(self, n: int = 10) -> pl.DataFrame:
        """The ``n`` unrevealed states most likely to vote against their group's modal forecast."""
        return (
            self.to_frame()
            .filter(~pl.col("known") & pl.col("p_break_group").is_not_nan())
            .sort("p_break_group", descending=True)
            .head(n)
        )
