"""Held-out state-sessions: the BSV-independent criterion used to choose IdealPointModel's priors.

5% of the state-sessions that have a voting session right before and right
after are removed with all their votes (no two adjacent ones of one state); the
model is fitted on the rest of the record; each removed vote is predicted from
the mean of the state's ideal points in the neighbouring sessions and the fitted
item. Prints the mean log-probability of the removed votes (higher is better)
for each setting. Usage::

    .venv/bin/python benchmarks/idealpoints_heldout.py [--split 0] \
        [--setting discrimination_sd=0.4,random_walk_sd=0.35 ...] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy.special import ndtr

from polycentric.models.idealpoints import IdealPointModel
from polycentric.record.store import ingest, open_record


def held_out_score(votes: pl.DataFrame, roll_calls: pl.DataFrame, split: int, **params: Any) -> tuple[float, int]:
    """Mean log-probability of the votes of the held-out state-sessions, and their number."""
    v = votes.filter(pl.col("vote").is_in(["Y", "N", "A"]))
    units = (
        v.select("state", "session_number")
        .unique()
        .sort("state", "session_number")
        .with_columns(
            pl.col("session_number").shift(1).over("state").alias("prev"),
            pl.col("session_number").shift(-1).over("state").alias("next"),
        )
    )
    inner = units.filter(
        (pl.col("session_number") - pl.col("prev") == 1) & (pl.col("next") - pl.col("session_number") == 1)
    )
    rng = np.random.default_rng(split)
    held = inner.filter(pl.Series(rng.random(inner.height) < 0.05))
    held = held.filter(~((pl.col("session_number") - pl.col("session_number").shift(1).over("state")) == 1))
    train = v.join(held.select("state", "session_number"), on=["state", "session_number"], how="anti")
    test = v.join(held.select("state", "session_number"), on=["state", "session_number"], how="semi")
    model = IdealPointModel(**params).fit(train, roll_calls)
    ip = model.ideal_points_.select("state", "session", "ideal_point")
    neighbours = (
        held.join(ip.rename({"session": "prev", "ideal_point": "before"}), on=["state", "prev"])
        .join(ip.rename({"session": "next", "ideal_point": "after"}), on=["state", "next"])
        .with_columns(((pl.col("before") + pl.col("after")) / 2).alias("ideal_point"))
    )
    items = model.items_.explode("rollcall_ids").rename({"rollcall_ids": "rollcall_id"})
    t = test.join(neighbours.select("state", "session_number", "ideal_point"), on=["state", "session_number"]).join(
        items.select("rollcall_id", "discrimination", "cutpoint_no", "cutpoint_yes"), on="rollcall_id"
    )
    eta = (t["discrimination"] * t["ideal_point"]).to_numpy()
    p_no = ndtr(t["cutpoint_no"].to_numpy() - eta)
    p_yes = ndtr(eta - t["cutpoint_yes"].to_numpy())
    p_abs = np.clip(1.0 - p_no - p_yes, 1e-12, 1.0)
    vote = t["vote"].to_numpy()
    p = np.where(vote == "Y", p_yes, np.where(vote == "N", p_no, p_abs))
    return float(np.mean(np.log(np.maximum(p, 1e-12)))), held.height


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", type=int, default=0)
    parser.add_argument(
        "--setting", action="append", default=None, help="e.g. discrimination_sd=0.4,random_walk_sd=0.35"
    )
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args()
    settings = args.setting or ["discrimination_sd=0.3", "discrimination_sd=0.4", "discrimination_sd=0.5"]
    home = tempfile.mkdtemp(prefix="heldout_idealpoints_")
    ingest([Path(args.data) / "unvotes_voeten_2024"], home=home)
    record = open_record(home)
    votes, roll_calls = record.votes(body="GA"), record.roll_calls(body="GA")
    for setting in settings:
        params = {k: float(x) for k, x in (kv.split("=") for kv in setting.split(",") if kv)}
        score, n = held_out_score(votes, roll_calls, args.split, **params)
        print(f"split {args.split} {setting}: {n} held-out state-sessions, mean log-probability {score:.4f}")


if __name__ == "__main__":
    main()
