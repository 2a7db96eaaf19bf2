"""Simulated roll calls from a known ordinal item-response model, in the canonical frame shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
from scipy.special import expit

WORDS = (
    "water forest ocean desert mountain river island valley glacier harbour refugee treaty nuclear trade "
    "health school labour rights border satellite weapon mine children women food debt climate energy migrant cyber"
).split()


def simulate(
    n_states: int = 60,
    n_families: int = 24,
    n_sessions: int = 8,
    paired_titles: bool = False,
    seed: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """``(votes, roll_calls, truth)``: each family is one resolution repeated every session.

    Family ``f`` has a discrimination ``a_f`` and cut-points; state ``i`` votes by the
    ordinal logit ``P(N) = σ(c − a θ)``, ``P(N or A) = σ(c + g − a θ)``. With
    ``paired_titles`` families come in pairs sharing one title but with opposite
    discriminations, so the text alone cannot tell them apart.
    """
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n_states)
    a = rng.choice([-1, 1], size=n_families) * rng.uniform(3.5, 5.0, size=n_families)
    cut = rng.uniform(-3.0, -0.5, size=n_families)
    gap = rng.uniform(0.8, 2.0, size=n_families)
    if paired_titles:
        a[1::2] = -a[0::2]
        titles = [f"{WORDS[f // 2]} and {WORDS[(f // 2 + 7) % len(WORDS)]} cooperation" for f in range(n_families)]
    else:
        titles = [f"{WORDS[f]} {WORDS[(f + 11) % len(WORDS)]} resolution" for f in range(n_families)]
    states = [f"S{i:02d}" for i in range(n_states)]
    rc_rows, vote_rows = [], []
    rcid = 0
    probs_true: dict[int, np.ndarray] = {}
    for s in range(1, n_sessions + 1):
        for f in range(n_families):
            rcid += 1
            date = dt.date(1999 + s, 10, 1) + dt.timedelta(days=2 * f)
            rc_rows.append(
                {
                    "rollcall_id": rcid,
                    "session": str(s),
                    "session_number": s,
                    "date": date,
                    "year": date.year,
                    "resolution": f"A/RES/{s}/{f + 1}",
                    "title": titles[f],
                    "kind": "resolution",
                }
            )
            eta = a[f] * theta
            f1 = expit(cut[f] - eta)
            f2 = expit(cut[f] + gap[f] - eta)
            p = np.stack([1 - f2, f2 - f1, f1], axis=1)  # Y, A, N
            probs_true[rcid] = p
            u = rng.uniform(size=n_states)
            cat = (u[:, None] > np.cumsum(p, axis=1)).sum(1)
            absent = rng.uniform(size=n_states) < 0.02
            for i in range(n_states):
                vote = "X" if absent[i] else "YAN"[min(cat[i], 2)]
                vote_rows.append(
                    {
                        "rollcall_id": rcid,
                        "state": states[i],
                        "state_name": f"State {i}",
                        "vote": vote,
                        "resolution": f"A/RES/{s}/{f + 1}",
                        "date": date,
                        "year": date.year,
                        "session": str(s),
                        "session_number": s,
                    }
                )
    truth = {"theta": theta, "a": a, "cut": cut, "gap": gap, "titles": titles, "probs": probs_true, "states": states}
    return pl.DataFrame(vote_rows), pl.DataFrame(rc_rows), truth
