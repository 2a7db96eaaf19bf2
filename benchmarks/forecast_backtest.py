"""Benchmark: the forecaster's four-class backtest against the strong naive rules, with the issue-11 targets.

Runs :func:`polycentric.models.backtest.backtest` (protocol ``none``: nothing revealed) on a range of
sessions and prints, for the pooled four-class scores, the model beside every rule of the same run, then
checks the targets: ``macro_f1_all`` ≥ 0.75 and ≥ 0.02 above the best rule, log loss below every rule,
four-class ECE ≤ 0.03, change recall above every rule's. It also reports wall and CPU time and the load
average (the machine is shared: the time is indicative, the scores are exact).

Usage::

    .venv/bin/python benchmarks/forecast_backtest.py --home HOME --sessions 60-77 --out backtest_60_77.csv
    .venv/bin/python benchmarks/forecast_backtest.py --home HOME --sessions 78-80   # needs the 2023-2025 votes

Protocol: every choice was tuned on sessions 50-59 (``--sessions 50-59``); 60-77 is the test and 78-80 the
later out-of-sample check, each run once.
"""

from __future__ import annotations

import argparse
import os
import time

import polars as pl


def check(pooled: pl.DataFrame) -> list[str]:
    """The target lines for pooled rows of one protocol (``method`` column, the model and the rules)."""
    rows = {r["method"]: r for r in pooled.iter_rows(named=True)}
    model = rows.pop("model")
    best = max(rows, key=lambda m: rows[m]["macro_f1_all"])
    lines = [
        f"macro_f1_all {model['macro_f1_all']:.4f} >= 0.75: {model['macro_f1_all'] >= 0.75}",
        f"  best rule {best} {rows[best]['macro_f1_all']:.4f}; margin {model['macro_f1_all'] - rows[best]['macro_f1_all']:+.4f}"
        f" (target >= +0.02: {model['macro_f1_all'] - rows[best]['macro_f1_all'] >= 0.02})",
    ]
    low = min(rows, key=lambda m: rows[m]["log_loss_all"])
    lines.append(
        f"log_loss_all {model['log_loss_all']:.4f} below every rule (lowest {low} {rows[low]['log_loss_all']:.4f}): "
        f"{model['log_loss_all'] < rows[low]['log_loss_all']}"
    )
    lines.append(f"ece_all {model['ece_all']:.4f} <= 0.03: {model['ece_all'] <= 0.03}")
    top = max(rows, key=lambda m: rows[m]["change_recall"])
    lines.append(
        f"change_recall {model['change_recall']:.4f} above every rule (highest {top} {rows[top]['change_recall']:.4f}): "
        f"{model['change_recall'] > rows[top]['change_recall']}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=None, help="a built record (default: $POLYCENTRIC_HOME)")
    parser.add_argument("--sessions", default="60-77")
    parser.add_argument("--protocol", default="none", help="none, p5 or k10 (comma-separated)")
    parser.add_argument("--out", default=None, help="write every row (per session and pooled) as CSV")
    args = parser.parse_args()

    import polycentric
    from polycentric.models.backtest import backtest
    from polycentric.models.forecast import regional_groups

    record = polycentric.open(args.home)
    votes, roll_calls = record.votes(), record.roll_calls()
    t0, c0 = time.perf_counter(), time.process_time()
    table = backtest(votes, roll_calls, args.sessions, args.protocol.split(","), groups=regional_groups())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.out:
        table.write_csv(args.out)
    pooled = table.filter(pl.col("session") == "pooled")
    cols = ["protocol", "method", "n_votes", "accuracy", "macro_f1_all", "log_loss_all", "ece_all"]
    cols += ["change_recall", "change_precision", "macro_f1_new", "macro_f1_cast", "tally_mae"]
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_width_chars=200, float_precision=4):
        print(pooled.select(cols))
    for protocol in pooled["protocol"].unique(maintain_order=True):
        print(f"targets, sessions {args.sessions}, protocol {protocol}:")
        for line in check(pooled.filter(pl.col("protocol") == protocol)):
            print("  " + line)
    print(f"{wall:.0f} s wall, {cpu:.0f} s CPU; load average {os.getloadavg()[0]:.1f} (2 cores, shared)")


if __name__ == "__main__":
    main()
