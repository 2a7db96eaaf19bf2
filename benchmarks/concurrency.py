"""Concurrent ingests: N processes ingest N distinct files at once; is every file in the record, every trial?

    .venv/bin/python benchmarks/concurrency.py --trials 20 --writers 8 --baseline-trials 5

Each trial seeds a fresh home with one roll call, starts ``--writers`` ``polycentric ingest``
processes at once (each a distinct one-roll-call file), waits for all, and checks with the
library that the record holds the seed and every file, and that ``polycentric check`` passes.
The baseline, in the same run, ingests the same files one after another (what a user would do
without concurrency); the ratio of the median wall times says what running them at once costs
or saves. Reports the load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "polycentric"]
STATES = ["USA", "FRA", "CHN", "RUS", "GBR", "BRA", "IND", "ZAF"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("POLYCENTRIC_")}


def _file(path: Path, resolution: str, date: str) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["resolution", "date", "ms_code", "ms_vote"])
        for i, s in enumerate(STATES):
            w.writerow([resolution, date, s, "YNA"[i % 3]])
    return path


def _resolutions(home: Path) -> set[str]:
    from polycentric.record.store import open_record

    return set(open_record(home).roll_calls(body=None)["resolution"].drop_nulls().to_list())


def trial(folder: Path, writers: int, concurrent: bool) -> tuple[bool, float, list[int]]:
    """One trial: (every file present and check passes, wall seconds of the ingests, exit codes)."""
    home = folder / "home"
    subprocess.run(
        [*CLI, "--home", str(home), "ingest", str(_file(folder / "seed.csv", "A/RES/69/1", "2014-10-01"))],
        check=True,
        capture_output=True,
        env=_env(),
    )
    files = {
        f"A/RES/70/{100 + i}": _file(folder / f"rc{i}.csv", f"A/RES/70/{100 + i}", f"2015-11-{1 + i:02d}")
        for i in range(writers)
    }
    t0 = time.perf_counter()
    if concurrent:
        procs = [
            subprocess.Popen(
                [*CLI, "--home", str(home), "ingest", str(f)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_env(),
            )
            for f in files.values()
        ]
        codes = [p.wait() for p in procs]
    else:
        codes = [
            subprocess.run(
                [*CLI, "--home", str(home), "ingest", str(f)], capture_output=True, env=_env(), check=False
            ).returncode
            for f in files.values()
        ]
    wall = time.perf_counter() - t0
    check = subprocess.run([*CLI, "--home", str(home), "check"], capture_output=True, env=_env(), check=False)
    ok = codes == [0] * writers and _resolutions(home) == {"A/RES/69/1", *files} and check.returncode == 0
    return ok, wall, codes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--baseline-trials", type=int, default=5)
    args = ap.parse_args()
    load0 = os.getloadavg()
    results: dict[str, list[tuple[bool, float, list[int]]]] = {"concurrent": [], "sequential": []}
    # interleave the baseline with the trials so both see the same load
    every = max(1, args.trials // max(1, args.baseline_trials))
    for i in range(args.trials):
        with tempfile.TemporaryDirectory(prefix="polycentric-conc-") as tmp:
            results["concurrent"].append(trial(Path(tmp), args.writers, concurrent=True))
        ok, wall, codes = results["concurrent"][-1]
        print(f"trial {i + 1:2d}: {'all present' if ok else 'LOST WRITES ' + str(codes)} in {wall:.1f} s", flush=True)
        if i % every == 0 and len(results["sequential"]) < args.baseline_trials:
            with tempfile.TemporaryDirectory(prefix="polycentric-seq-") as tmp:
                results["sequential"].append(trial(Path(tmp), args.writers, concurrent=False))
            print(f"  baseline (one after another): {results['sequential'][-1][1]:.1f} s", flush=True)
    load1 = os.getloadavg()
    conc = results["concurrent"]
    seq = results["sequential"]
    good = sum(ok for ok, _, _ in conc)
    med_c = statistics.median(w for _, w, _ in conc)
    med_s = statistics.median(w for _, w, _ in seq) if seq else float("nan")
    print()
    print(
        f"{args.writers} concurrent ingests, {len(conc)} trials: every file present and check passing in "
        f"{good}/{len(conc)} trials"
    )
    print(
        f"median wall of the {args.writers} ingests: concurrent {med_c:.1f} s, one after another {med_s:.1f} s "
        f"({len(seq)} trials), ratio concurrent/sequential {med_c / med_s:.2f}"
    )
    print(f"load average before {load0[0]:.2f}, after {load1[0]:.2f} (1 min); {os.cpu_count()} CPUs")
    if good != len(conc):
        sys.exit(1)


if __name__ == "__main__":
    main()
