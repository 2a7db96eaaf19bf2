"""Benchmark: ingest of the full UN DL-layout file versus ``polars.read_csv`` merely reading it.

Each measurement runs in a fresh Python process (so peak memory is that of one
job): the baseline reads the gzip CSV with ``polars.read_csv``; polycentric
ingests it into an empty record (parse, validate, map states, normalise
symbols and sessions, de-duplicate, merge, write Parquet, swap atomically).
Repetitions alternate between the two; medians and their ratio are reported.

    .venv/bin/python benchmarks/ingest.py [--reps 3] [--file PATH]

Peak memory is ``ru_maxrss`` of the child process (Linux: KiB); CPU seconds (user +
system, all threads, imports included) are reported beside wall time because the
shared machine is noisy: CPU time varies less with its load. The fastest run of
each (``best``) is reported too: on a shared machine other jobs only ever add time.

Targets (issue 14): ingest <= 1.5x the bare read; peak memory <= the bare read's + 30 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
mode, path, home = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if mode == "baseline":
    import polars as pl
    t1 = time.perf_counter()
    df = pl.read_csv(path)
    rows = df.height
else:
    from polycentric.record.store import ingest
    t1 = time.perf_counter()
    report = ingest([path], home=home)
    rows = report.votes
t2 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
peak_mib = usage.ru_maxrss / 1024
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": t2 - t0, "work": t2 - t1, "cpu": cpu, "peak_mib": peak_mib, "rows": rows}))
"""


def _default_file() -> Path:
    from polycentric.config import local_data_dir

    return local_data_dir() / "undl_layout_from_voeten" / "ga_voting_undl_layout_1946_2023.csv.gz"


def run_once(mode: str, path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(path), home], check=True, capture_output=True, text=True
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()
    path = args.file or _default_file()
    results: dict[str, list[dict[str, float]]] = {"baseline": [], "ingest": []}
    for _ in range(args.reps):
        for mode in ("baseline", "ingest"):
            results[mode].append(run_once(mode, path))
    med = {
        m: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "work", "cpu", "peak_mib")}
        for m, rs in results.items()
    }
    print(f"file: {path} ({path.stat().st_size / 2**20:.1f} MiB gzip)")
    print(f"repetitions: {args.reps} (fresh process each)")
    for m in ("baseline", "ingest"):
        times = ", ".join(f"{r['seconds']:.2f}" for r in results[m])
        print(
            f"{m:9s} median {med[m]['seconds']:.2f} s with imports, {med[m]['work']:.2f} s without  (runs: {times})  "
            f"CPU {med[m]['cpu']:.2f} s  peak {med[m]['peak_mib']:.0f} MiB  rows {results[m][0]['rows']:,.0f}"
        )
    ratio = med["ingest"]["seconds"] / med["baseline"]["seconds"]
    ratio_work = med["ingest"]["work"] / med["baseline"]["work"]
    ratio_cpu = med["ingest"]["cpu"] / med["baseline"]["cpu"]
    best = {m: {k: min(r[k] for r in rs) for k in ("seconds", "work", "cpu")} for m, rs in results.items()}
    mem = med["ingest"]["peak_mib"] / med["baseline"]["peak_mib"] - 1
    print(
        f"ratio ingest / polars.read_csv (medians): {ratio:.2f}x with imports, {ratio_work:.2f}x without, "
        f"{ratio_cpu:.2f}x in CPU time (target <= 1.5x)"
    )
    print(
        "ratio of the best runs: "
        f"{best['ingest']['seconds'] / best['baseline']['seconds']:.2f}x with imports, "
        f"{best['ingest']['work'] / best['baseline']['work']:.2f}x without, "
        f"{best['ingest']['cpu'] / best['baseline']['cpu']:.2f}x in CPU time"
    )
    print(
        f"peak memory: ingest {med['ingest']['peak_mib']:.0f} MiB, bare read {med['baseline']['peak_mib']:.0f} MiB "
        f"({mem:+.0%}; target <= +30%)"
    )


if __name__ == "__main__":
    main()
