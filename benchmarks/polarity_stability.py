"""Polarity stability table 1946–2025: pole counts before (each session's own BIC) and after (stable ICL count).

Fits the default ``IdealPointModel`` on the record (Voeten 2024 plus the 2023–2025 UN
Digital Library votes, built into a temporary home unless ``--home`` names one) and
runs :func:`polycentric.models.polarity.polarity` twice on the ideal-point reading:
``stable=False`` (the earlier reading: BIC on each session alone) and ``stable=True``
(ICL, bootstrap support, neighbouring sessions, changes only with support). Prints a
Markdown table (one row per session) and, for 1990–2025, how often the count changes
between consecutive sessions under each reading. Usage::

    .venv/bin/python benchmarks/polarity_stability.py [--home DIR] [--data ../shared/data] [--n-boot 30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import polars as pl

from polycentric.models.idealpoints import IdealPointModel
from polycentric.models.polarity import polarity
from polycentric.record.store import ingest, open_record


def _changes(series: pl.DataFrame, start: int, end: int) -> tuple[int, int]:
    s = series.filter(pl.col("year").is_between(start, end)).sort("session")
    counts = s["n_poles"].to_list()
    return sum(a != b for a, b in pairwise(counts)), max(len(counts) - 1, 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", default=None)
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--n-boot", type=int, default=30)
    args = parser.parse_args()
    home = args.home
    if home is None:
        data = Path(args.data)
        home = tempfile.mkdtemp(prefix="polarity_stability_")
        ingest(
            [data / "unvotes_voeten_2024", data / "unga_unsc_votes_2023_2025_combined" / "ga_votes_long.csv.gz"],
            home=home,
        )
    record = open_record(home)
    model = IdealPointModel().fit(record.votes(body="GA"), record.roll_calls(body="GA"))
    ip = model.ideal_points_
    t0 = time.perf_counter()
    before = polarity(ip, methods=("ideal_points",), stable=False).series
    t1 = time.perf_counter()
    after = polarity(ip, methods=("ideal_points",), n_boot=args.n_boot).series
    t2 = time.perf_counter()
    print(f"before (BIC per session): {t1 - t0:.1f} s; after (stable, {args.n_boot} resamples): {t2 - t1:.1f} s\n")
    print("| session | year | roll calls | before: poles (BIC) | after: poles | support | change | poles (after) |")
    print("|---|---|---|---|---|---|---|---|")
    b = dict(zip(before["session"].to_list(), before["n_poles"].to_list(), strict=True))
    for row in after.sort("session").iter_rows(named=True):
        thin = " (thin)" if row["thin"] else ""
        print(
            f"| {row['session']} | {row['year']} | {row['n_rollcalls']}{thin} | {b.get(row['session'])} | "
            f"{row['n_poles']} | {row['support']:.2f} | {'yes' if row['changed'] else ''} | "
            f"{row['poles'].replace(' | ', '; ')} |"
        )
    for start, end in ((1946, 2025), (1990, 2025)):
        cb, n = _changes(before, start, end)
        ca, _ = _changes(after, start, end)
        print(f"\n{start}–{end}: count changes between consecutive sessions: before {cb} of {n}, after {ca} of {n}")


if __name__ == "__main__":
    main()
