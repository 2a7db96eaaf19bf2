"""Simulated roll calls drawn from the dynamic ordinal model itself (for recovery tests)."""

from __future__ import annotations

import numpy as np
import polars as pl


def simulate_votes(
    n_states: int = 80, n_sessions: int = 10, n_items: int = 60, rw_sd: float = 0.35, seed: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Votes (VOTES_VIEW-like) and the true ideal points (``state, session, true``).

    ``theta`` starts N(0, 1) and moves by N(0, rw_sd^2) steps; items have
    ``beta ~ N(0, 1)``, centre ``c ~ N(0, 0.7^2)`` and gap ``g ~ U(0.2, 1)``. State
    ``S00`` is moved to the positive side so that it can be the reference.
    """
    rng = np.random.default_rng(seed)
    theta = np.zeros((n_states, n_sessions))
    theta[:, 0] = rng.standard_normal(n_states)
    for t in range(1, n_sessions):
        theta[:, t] = theta[:, t - 1] + rw_sd * rng.standard_normal(n_states)
    theta[0] = np.abs(theta[0]) + 0.5
    states = [f"S{i:02d}" for i in range(n_states)]
    rid, st, vote, sess = [], [], [], []
    k = 0
    for t in range(n_sessions):
        for _ in range(n_items):
            k += 1
            b, c, g = rng.normal(0, 1.0), rng.normal(0, 0.7), rng.uniform(0.2, 1.0)
            ystar = b * theta[:, t] + rng.standard_normal(n_states)
            v = np.where(ystar < c - g / 2, "N", np.where(ystar < c + g / 2, "A", "Y"))
            rid += [k] * n_states
            st += states
            vote += v.tolist()
            sess += [t + 1] * n_states
    votes = pl.DataFrame(
        {"rollcall_id": rid, "state": st, "vote": vote, "session_number": sess},
        schema={"rollcall_id": pl.Int64, "state": pl.String, "vote": pl.String, "session_number": pl.Int32},
    )
    truth = pl.DataFrame(
        {
            "state": [s for s in states for _ in range(n_sessions)],
            "session": [t + 1 for _ in states for t in range(n_sessions)],
            "true": theta.ravel(),
        },
        schema={"state": pl.String, "session": pl.Int32, "true": pl.Float64},
    )
    return votes, truth


def simulate_drift(
    n_states: int = 60,
    n_sessions: int = 10,
    n_bridged: int = 40,
    n_single: int = 40,
    drift: float = 0.15,
    jump: float = 1.5,
    movers: tuple[str, ...] = ("S01", "S02", "S03"),
    jump_session: int = 6,
    rw_sd: float = 0.15,
    seed: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Votes, roll calls and truth with a known common drift and known state moves.

    Every state's ideal point moves by ``drift`` per session (a common drift: the
    whole Assembly shifts) plus its own N(0, rw_sd^2) steps; the ``movers`` jump by
    ``jump`` more at ``jump_session``. Each session has ``n_bridged`` roll calls
    on a recurring resolution (same title and item parameters every session: the
    bridges that identify the common drift) and ``n_single`` one-off roll calls.
    Returns ``(votes, roll_calls, truth)``; ``truth`` has ``state, session, true``.
    """
    rng = np.random.default_rng(seed)
    states = [f"S{i:02d}" for i in range(n_states)]
    theta = np.zeros((n_states, n_sessions))
    theta[:, 0] = rng.standard_normal(n_states)
    for t in range(1, n_sessions):
        theta[:, t] = theta[:, t - 1] + drift + rw_sd * rng.standard_normal(n_states)
    theta[0] = np.abs(theta[0]) + 0.5 + drift * np.arange(n_sessions)
    moved = [states.index(s) for s in movers]
    theta[moved, jump_session - 1 :] += jump
    series = [(rng.normal(0, 1.0), rng.normal(0, 0.7), rng.uniform(0.2, 1.0)) for _ in range(n_bridged)]
    rid, st, vote, sess = [], [], [], []
    rc_id, rc_sess, rc_title = [], [], []
    k = 0
    for t in range(n_sessions):
        items = [(f"Recurring resolution {chr(65 + j // 26)}{chr(65 + j % 26)}", *series[j]) for j in range(n_bridged)]
        items += [
            (f"One-off resolution {t}-{j}", rng.normal(0, 1.0), rng.normal(0, 0.7), rng.uniform(0.2, 1.0))
            for j in range(n_single)
        ]
        for title, b, c, g in items:
            k += 1
            ystar = b * theta[:, t] + rng.standard_normal(n_states)
            v = np.where(ystar < c - g / 2, "N", np.where(ystar < c + g / 2, "A", "Y"))
            rid += [k] * n_states
            st += states
            vote += v.tolist()
            sess += [t + 1] * n_states
            rc_id.append(k)
            rc_sess.append(t + 1)
            rc_title.append(title)
    votes = pl.DataFrame(
        {"rollcall_id": rid, "state": st, "vote": vote, "session_number": sess},
        schema={"rollcall_id": pl.Int64, "state": pl.String, "vote": pl.String, "session_number": pl.Int32},
    )
    roll_calls = pl.DataFrame(
        {"rollcall_id": rc_id, "session_number": rc_sess, "title": rc_title},
        schema={"rollcall_id": pl.Int64, "session_number": pl.Int32, "title": pl.String},
    )
    truth = pl.DataFrame(
        {
            "state": [s for s in states for _ in range(n_sessions)],
            "session": [t + 1 for _ in states for t in range(n_sessions)],
            "true": theta.ravel(),
        },
        schema={"state": pl.String, "session": pl.Int32, "true": pl.Float64},
    )
    return votes, roll_calls, truth
