"""Benchmark: are the ideal points' *trends* comparable with Bailey–Strezhnev–Voeten's?

For each setting of ``IdealPointModel`` (default: the package default), fits the
record and compares it with two BSV releases in ``<data>/voeten_ideal_points``:

* ``IdealPointAll`` of the June 2024 release (sessions 1–78), read with
  :func:`polycentric.models.validation.read_bsv_ideal_points`;
* ``idealpointfp`` of the July 2025 release (by year; year ``1945 + s`` is
  session ``s``), read with :func:`polycentric.models.validation.read_bsv_july2025`.

Printed per reference: the within-session and pooled correlations
(:func:`~polycentric.models.validation.compare_ideal_points`), the spread ratio
``sd(ours) / sd(BSV)`` per session averaged by decade (plus the worst session of
each decade) after one pooled standardisation of both
(:func:`~polycentric.models.validation.spread_ratios`), and the correlation of
the per-state changes between consecutive sessions, over all pairs and for the
P5, India, Brazil, South Africa, Turkey and Indonesia
(:func:`~polycentric.models.validation.change_correlations`).

The record is built once into a temporary home from ``unvotes_voeten_2024`` and
the 2023–2025 UN Digital Library votes (``unga_unsc_votes_2023_2025_combined``),
unless ``--home`` names an existing one. Usage::

    .venv/bin/python benchmarks/idealpoints_trends.py [--setting discrimination_sd=0.5 ...] \
        [--home DIR] [--data ../shared/data] [--json FILE]

``--setting discrimination_sd=0.4,session_scaling=0 --setting ""`` compares the previous default (the
baseline) with the current one in the same run, fit times included (wall and CPU, one BLAS thread).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from threadpoolctl import threadpool_limits

from polycentric.models.idealpoints import IdealPointModel
from polycentric.models.validation import (
    TREND_STATES,
    change_correlations,
    compare_ideal_points,
    read_bsv_ideal_points,
    read_bsv_july2025,
    spread_ratios,
)
from polycentric.record.store import ingest, open_record


def _parse(setting: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for part in filter(None, setting.split(",")):
        key, value = part.split("=", 1)
        params[key] = None if value == "None" else (value if key == "issue" else float(value))
    return params


def report(ip: pl.DataFrame, ref: pl.DataFrame) -> dict[str, Any]:
    """All trend figures of one fit against one reference."""
    agreement = compare_ideal_points(ip, ref)
    ratios = spread_ratios(ip, ref)
    by_decade = (
        ratios.group_by("decade")
        .agg(
            pl.col("ratio").mean().alias("mean"),
            pl.col("ratio").min().alias("min"),
            pl.col("ratio").max().alias("max"),
            pl.len().alias("sessions"),
        )
        .sort("decade")
    )
    changes = change_correlations(ip, ref)
    return {
        "agreement": agreement,
        "by_decade": by_decade.to_dicts(),
        "sessions_outside_0.9_1.1": int(((ratios["ratio"] < 0.9) | (ratios["ratio"] > 1.1)).sum()),
        "n_sessions": ratios.height,
        "changes": changes,
    }


def _print(name: str, rep: dict[str, Any]) -> None:
    a = rep["agreement"]
    print(
        f"  vs {name}: n={a['n']:.0f} within r={a['within']:.4f} (min {a['within_min']:.3f}) pooled r={a['pooled']:.4f}"
    )
    print("    spread ratio by decade (mean [min, max] over sessions):")
    for row in rep["by_decade"]:
        print(
            f"      {row['decade']}s  {row['mean']:.3f}  [{row['min']:.3f}, {row['max']:.3f}]  ({row['sessions']} sessions)"
        )
    print(f"    sessions outside 0.9–1.1: {rep['sessions_outside_0.9_1.1']} of {rep['n_sessions']}")
    c = rep["changes"]
    per_state = "  ".join(f"{s} {c[s]:.2f}" for s in TREND_STATES)
    print(f"    change r: all pairs {c['all']:.3f} (n={c['n']:.0f}); panel {c['panel']:.3f}; {per_state}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setting", action="append", default=None, help="e.g. discrimination_sd=0.5")
    parser.add_argument("--home", default=None, help="an existing polycentric home (skips the build)")
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--json", default=None, help="also write all figures to this file")
    args = parser.parse_args()
    data = Path(args.data)
    home = args.home
    if home is None:
        home = tempfile.mkdtemp(prefix="trends_idealpoints_")
        ingest(
            [data / "unvotes_voeten_2024", data / "unga_unsc_votes_2023_2025_combined" / "ga_votes_long.csv.gz"],
            home=home,
        )
    record = open_record(home)
    votes, rcs = record.votes(body="GA"), record.roll_calls(body="GA")
    refs = {
        "BSV June 2024 IdealPointAll (sessions 1-78)": read_bsv_ideal_points(
            data / "voeten_ideal_points" / "IdealpointestimatesAll_Jun2024.csv"
        ).filter(pl.col("session") <= 78),
        "BSV July 2025 idealpointfp": read_bsv_july2025(data / "voeten_ideal_points" / "IdealpointsJuly2025.csv.gz"),
    }
    print(f"record: {votes.height:,} votes, sessions {votes['session_number'].min()}–{votes['session_number'].max()}")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    out: dict[str, Any] = {}
    for setting in args.setting or [""]:
        params = _parse(setting)
        with threadpool_limits(1):  # one BLAS thread: the shared machine's load matters less
            t0, c0 = time.perf_counter(), time.process_time()
            model = IdealPointModel(**params).fit(votes, rcs)
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"\nsetting {setting or 'default'}: fit {secs:.2f} s wall, {cpu:.2f} s CPU, {model.n_iter_} sweeps, "
            f"converged={model.converged_}"
        )
        out[setting or "default"] = {"fit_seconds": secs, "fit_cpu_seconds": cpu}
        for name, ref in refs.items():
            rep = report(model.ideal_points_, ref)
            _print(name, rep)
            out[setting or "default"][name] = rep
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
