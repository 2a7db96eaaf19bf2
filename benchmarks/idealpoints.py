"""Benchmark: the dynamic ordinal ideal-point model on the whole record 1946–2023.

Times, in the same run and on the same data (Voeten 2024: sessions 1–77, 916,025 votes):

* ``IdealPointModel().fit`` (1-D dynamic ordinal, bridged items, Laplace intervals);
* the baseline: a straightforward static ordinal fit, session by session, of the
  same ordered-probit likelihood with ``scipy.optimize.minimize`` (L-BFGS-B on the
  joint negative log-posterior of the session's ideal points and items, analytic
  gradient) — what one writes without the block-Newton / banded-solve machinery.

The record is built once from ``<data>/unvotes_voeten_2024`` into a temporary
home (``polycentric.record.store.ingest``) and read back with ``polycentric.open``.
Each fit runs in a fresh subprocess that reports its wall time (the fit only, the
record already loaded) and peak resident memory (``resource.getrusage``, which
includes the loaded record), and its agreement with the BSV published estimates
(``polycentric.models.validation``). BLAS is limited to one thread
(``threadpoolctl``) so that the shared machine's load matters less. Usage::

    .venv/bin/python benchmarks/idealpoints.py [--repeat 5] [--baseline-repeat 1] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
import numpy as np, polars as pl
from threadpoolctl import threadpool_limits
sys.path.insert(0, {src!r})
import polycentric
from polycentric.models.validation import compare_ideal_points, read_bsv_ideal_points
record = polycentric.open({home!r})
votes = record.votes(body="GA"); rc = record.roll_calls(body="GA")
bsv = read_bsv_ideal_points({bsv!r}).filter(pl.col("session") <= 77)
which = {which!r}
with threadpool_limits(1):
    t0, c0 = time.perf_counter(), time.process_time()
    if which == "model":
        from polycentric.models.idealpoints import IdealPointModel
        m = IdealPointModel().fit(votes, rc)
        ip = m.ideal_points_
        extra = dict(n_sweeps=m.n_iter_, converged=m.converged_, design_s=m.design_seconds_, n_votes=m.n_votes_)
    else:
        sys.path.insert(0, {bench!r})
        from idealpoints_baseline import static_fit
        ip, extra = static_fit(votes)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
agreement = compare_ideal_points(ip, bsv)
if which != "model":  # per-session fits have no common direction or scale: use |r| within sessions
    j = ip.join(bsv, on=["state", "session"])
    agreement["within"] = float(j.group_by("session").agg(pl.corr("ideal_point", "bsv_ideal_point").abs())["ideal_point"].mean())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(seconds=secs, cpu_s=cpu, peak_mb=peak, within=agreement["within"], pooled=agreement["pooled"], **extra)))
"""


def run(which: str, data: str, home: str) -> dict[str, float]:
    here = Path(__file__).resolve().parent
    bsv = str(Path(data) / "voeten_ideal_points" / "IdealpointestimatesAll_Jun2024.csv")
    code = _CHILD.format(src=str(here.parent / "src"), home=home, bsv=bsv, which=which, bench=str(here))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args()
    if not Path(args.data).is_dir():
        args.data = str(Path.cwd().parent / "shared" / "data")
    from polycentric.record.store import ingest

    home = tempfile.mkdtemp(prefix="bench_idealpoints_")
    ingest([Path(args.data) / "unvotes_voeten_2024"], home=home)
    model_runs, base_runs = [], []
    for i in range(args.repeat):
        model_runs.append(run("model", args.data, home))
        if i < args.baseline_repeat:  # the baseline takes minutes: once by default
            base_runs.append(run("baseline", args.data, home))
    med_m = statistics.median(r["seconds"] for r in model_runs)
    last = model_runs[-1]
    print(
        f"votes fitted: {last['n_votes']:,}  model repeats: {args.repeat}, baseline repeats: {len(base_runs)} (interleaved)"
    )
    print(
        f"IdealPointModel (1-D dynamic ordinal): median {med_m:.2f} s wall (min {min(r['seconds'] for r in model_runs):.2f}), "
        f"CPU median {statistics.median(r['cpu_s'] for r in model_runs):.2f} s, "
        f"peak {max(r['peak_mb'] for r in model_runs):.0f} MB, {last['n_sweeps']} sweeps, converged={last['converged']}, "
        f"data prep {last['design_s']:.2f} s; BSV within-session r {last['within']:.4f}, pooled {last['pooled']:.4f}"
    )
    if base_runs:
        med_b = statistics.median(r["seconds"] for r in base_runs)
        b0 = base_runs[0]
        print(
            f"baseline (static ordinal per session, scipy L-BFGS-B): median {med_b:.2f} s wall, "
            f"CPU {statistics.median(r['cpu_s'] for r in base_runs):.2f} s, "
            f"peak {max(r['peak_mb'] for r in base_runs):.0f} MB, BSV |within-session r| {b0['within']:.3f}, "
            f"pooled {b0['pooled']:.3f}"
        )
        print(f"speed-up (baseline / model, medians): {med_b / med_m:.1f}x")
    print("all model runs (s):", ", ".join(f"{r['seconds']:.2f}" for r in model_runs))
    print("all baseline runs (s):", ", ".join(f"{r['seconds']:.2f}" for r in base_runs))


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"benchmark wall time {time.perf_counter() - t:.0f} s")
