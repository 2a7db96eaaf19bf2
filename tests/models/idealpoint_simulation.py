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
