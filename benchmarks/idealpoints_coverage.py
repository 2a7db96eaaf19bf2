"""Recovery and interval coverage of IdealPointModel on votes simulated from the model itself.

For each design (states x sessions x roll calls per session) and seeds 0-3:
correlation of the estimated with the true ideal points, and the share of true
values (mapped by the affine transformation that the standardisation leaves
free) inside the 90% intervals, with the Laplace intervals and with
``item_draws=30``. Usage::

    .venv/bin/python benchmarks/idealpoints_coverage.py [--seeds 4] [--draws 30]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "models"))
from idealpoint_simulation import simulate_votes

from polycentric.models.idealpoints import IdealPointModel

DESIGNS = {
    "80 x 10 x 60": dict(n_states=80, n_sessions=10, n_items=60),
    "60 x 8 x 25": dict(n_states=60, n_sessions=8, n_items=25),
    "50 x 8 x 12": dict(n_states=50, n_sessions=8, n_items=12),
    "30 x 8 x 40": dict(n_states=30, n_sessions=8, n_items=40),
}


def recovery(model: IdealPointModel, truth: pl.DataFrame) -> tuple[float, float]:
    """(correlation with the truth, coverage of the intervals)."""
    j = model.ideal_points_.join(truth, on=["state", "session"])
    r = float(np.corrcoef(j["true"], j["ideal_point"])[0, 1])
    slope, intercept = np.polyfit(j["true"], j["ideal_point"], 1)
    mapped = slope * j["true"].to_numpy() + intercept
    cover = float(np.mean((mapped >= j["lower"].to_numpy()) & (mapped <= j["upper"].to_numpy())))
    return r, cover


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--draws", type=int, default=30)
    args = parser.parse_args()
    print("design | r (min-max) | coverage Laplace (min-max, mean) | coverage item_draws (min-max, mean)")
    for name, design in DESIGNS.items():
        rs, plain, drawn = [], [], []
        for seed in range(args.seeds):
            votes, truth = simulate_votes(seed=seed, **design)  # type: ignore[arg-type]
            r, c = recovery(IdealPointModel(reference="S00").fit(votes), truth)
            _, c2 = recovery(
                IdealPointModel(reference="S00", item_draws=args.draws, random_state=seed).fit(votes), truth
            )
            rs.append(r)
            plain.append(c)
            drawn.append(c2)
        print(
            f"{name} | {min(rs):.3f}-{max(rs):.3f} | {min(plain):.3f}-{max(plain):.3f}, {np.mean(plain):.3f} | "
            f"{min(drawn):.3f}-{max(drawn):.3f}, {np.mean(drawn):.3f}"
        )


if __name__ == "__main__":
    main()
