"""What a forecaster knows of each state before a cut-off: previous instances, absence streaks, naive rules.

Everything here is computed from the roll calls dated strictly before the cut-off, once per cut-off, as
arrays over (items, states), so the backtest and a live forecast share it.

* **Previous instance** of a roll call: the most recent earlier whole-resolution roll call with the same
  normalised title (:func:`polycentric.models._titles.title_key`). A state's vote on it is the
  ``same_title`` rule and the reference for *changes* (a vote that differs from it).
* **Absence features** (non-voting, ``X``): a state's X share in the last session, over its last
  :data:`RECENT` roll calls as a member, and whether all of its last :data:`STREAK` were X. Arrears under
  Article 19 of the Charter and credentials cases show as long streaks; regular absentees as high shares.
* **Naive rules** (the backtest's baselines, four-class): ``same_title`` (the state's vote on the previous
  instance, else its modal vote of the last session), ``last_x`` (``same_title``, but X for a state in an X
  streak), ``recency_nearest`` (its vote on the single most similar earlier roll call under the model's
  recency-weighted similarity, else its modal vote), ``nearest`` (its vote on the most similar earlier whole
  resolution on which it was a member) and ``group_majority`` (the modal vote of its group there).

Dependency rule: numpy only (and the corpus arrays handed in).
"""

from __future__ import annotations

import numpy as np

__all__ = ["RECENT", "STREAK", "absence_features", "modal_votes", "previous_instances", "streak_mask"]

RECENT = 20
"""Roll calls (as a member, before the cut-off) over which the recent X share is counted."""
STREAK = 10
"""A state whose last ``STREAK`` roll calls as a member were all X is in an X streak (chosen on sessions 50–59)."""
_NON_MEMBER = -1


def previous_instances(keys: list[str], pool: np.ndarray, query_keys: list[str]) -> np.ndarray:
    """Index of each query's most recent earlier instance among ``pool`` (corpus rows sorted by date), or −1.

    ``keys`` are the title keys of every corpus row; an empty key never matches.
    """
    latest: dict[str, int] = {}
    for i in pool.tolist():
        if keys[i]:
            latest[keys[i]] = i  # pool is in date order: the last one wins
    return np.array([latest.get(k, -1) if k else -1 for k in query_keys], dtype=np.int64)


def _last_member_codes(codes: np.ndarray, depth: int) -> np.ndarray:
    """(depth, n_states): each state's last ``depth`` codes as a member (most recent first; −1 padding)."""
    n_states = codes.shape[1]
    out = np.full((depth, n_states), _NON_MEMBER, dtype=np.int8)
    member = codes >= 0
    # rank of each member cell counted from the end
    rank = np.cumsum(member[::-1], axis=0)[::-1] - 1
    rows, cols = np.nonzero(member & (rank < depth))
    out[rank[rows, cols], cols] = codes[rows, cols]
    return out


def absence_features(codes: np.ndarray, sessions: np.ndarray) -> np.ndarray:
    """(n_states, 3) absence features from the codes before the cut-off (rows in date order).

    Columns: X share in the last session (among roll calls on which the state was a member; the record's
    overall X share if it was not), X share over its last :data:`RECENT` roll calls as a member, and 1 when
    its last :data:`STREAK` roll calls as a member were all X.
    """
    n_states = codes.shape[1]
    out = np.zeros((n_states, 3))
    if codes.shape[0] == 0:
        return out
    member = codes >= 0
    overall = float((codes == 3).sum() / max(member.sum(), 1))
    last = sessions == sessions.max()
    m_last = member[last].sum(0)
    out[:, 0] = np.where(m_last > 0, (codes[last] == 3).sum(0) / np.maximum(m_last, 1), overall)
    recent = _last_member_codes(codes, max(RECENT, STREAK))
    r_member = recent[:RECENT] >= 0
    out[:, 1] = np.where(r_member.any(0), (recent[:RECENT] == 3).sum(0) / np.maximum(r_member.sum(0), 1), overall)
    out[:, 2] = ((recent[:STREAK] == 3).all(0) & (recent[STREAK - 1] >= 0)).astype(float)
    return out


def streak_mask(absence: np.ndarray) -> np.ndarray:
    """(n_states,) True for the states in an X streak (column 2 of :func:`absence_features`)."""
    return absence[:, 2] > 0.5


def modal_votes(codes: np.ndarray, sessions: np.ndarray) -> np.ndarray:
    """(n_states,) each state's most frequent code in the last session before the cut-off (Y if none)."""
    if codes.shape[0] == 0:
        return np.zeros(codes.shape[1], dtype=np.int64)
    last = codes[sessions == sessions.max()]
    counts = np.stack([(last == k).sum(0) for k in range(4)], axis=1)
    return np.where(counts.sum(1) > 0, counts.argmax(1), 0).astype(np.int64)
