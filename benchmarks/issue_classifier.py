"""Precision and recall of the issue classifier against Voeten's own codes, on held-out sessions.

The rules of ``polycentric.record.issues`` were tuned on sessions 1-69 only;
this script scores them on those (``train``) and on sessions 70-77
(``held-out``), against Voeten's six issue codes, reading each roll call's
``descr`` as title and ``short`` as agenda. As a baseline it scores one keyword
per issue (its name: palestin|israel, nuclear, disarm, human rights, colonial,
economic), and it times both on all 6,464 roll calls (median of 5 runs) with
the peak resident memory of the process.

Run: ``.venv/bin/python benchmarks/issue_classifier.py [--data DIR]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import polars as pl

from polycentric.config import local_data_dir
from polycentric.record import issues as issues_module
from polycentric.record.issues import IssueRule, classify_issues, issue_scores, voeten_reference

HELD_OUT = range(70, 78)
BASELINE = {
    "me": IssueRule((r"palestin|israel",)),
    "nu": IssueRule((r"nuclear",)),
    "di": IssueRule((r"disarm",)),
    "hr": IssueRule((r"human rights",)),
    "co": IssueRule((r"colonial",)),
    "ec": IssueRule((r"econom",)),
}


def classify_baseline(roll_calls: pl.DataFrame) -> pl.DataFrame:
    saved = dict(issues_module.ISSUE_RULES)
    issues_module.ISSUE_RULES.update(BASELINE)
    try:
        return classify_issues(roll_calls)
    finally:
        issues_module.ISSUE_RULES.update(saved)


def timed(fn, df: pl.DataFrame, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(df)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="folder laid out like ../shared/data")
    args = parser.parse_args()
    roll_calls, truth = voeten_reference(local_data_dir(args.data) / "unvotes_voeten_2024")
    pl.Config.set_tbl_rows(20)
    pl.Config.set_float_precision(3)
    for label, fn in (("rules", classify_issues), ("baseline (issue-name keywords)", classify_baseline)):
        predicted = fn(roll_calls)
        for part, mask in (
            ("train 1-69", pl.col("session") < 70),
            ("held-out 70-77", pl.col("session").is_in(list(HELD_OUT))),
        ):
            sel = predicted.filter(mask)
            scores = issue_scores(sel, truth)
            print(f"\n{label}: {part} ({sel.height} roll calls)")
            print(scores)
    t_rules = timed(classify_issues, roll_calls)
    t_base = timed(classify_baseline, roll_calls)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"\ntiming on {roll_calls.height} roll calls (median of 5): rules {t_rules * 1000:.1f} ms, "
        f"baseline {t_base * 1000:.1f} ms, ratio {t_rules / t_base:.2f}; "
        f"peak RSS of the whole process (data loaded) {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
