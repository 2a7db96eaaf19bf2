"""Benchmark: the dynamic ordinal ideal-point model on the whole record 1946–2023.

Times, in the same run and on the same data (Voeten 2024: sessions 1–77, 916,025 votes):

* ``IdealPointModel().fit`` (1-D dynamic ordinal, bridged items, Laplace intervals);
* the baseline: a straightforward static ordinal fit, session by session, of the
  same ordered-probit likelihood with ``scipy.optimize.minimize`` (L-BFGS-B on the
  joint negative log-posterior of the session's ideal points and items, analytic
  gradient) — what one writes without the block-Newton / banded-solve machinery.

Each is run in a fresh subprocess that reports its wall time and peak resident
memory (``resource.getrusage``). It also reports agreement with the BSV
published estimates. Usage::

    .venv/bin/python benchmarks/idealpoints.py [--repeat 3] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
import numpy as np, polars as pl
sys.path.insert(0, {src!r})
from polycentric.models._voeten import load_bsv, load_roll_calls, load_votes
data = {data!r}
rc = load_roll_calls(data); votes = load_votes(data, rc); bsv = load_bsv(data)
which = {which!r}
t0 = time.perf_counter()
if which == "model":
    from polycentric.models.idealpoints import IdealPointModel
    m = IdealPointModel().fit(votes, rc)
    ip = m.ideal_points_
    extra = dict(n_sweeps=m.n_iter_, converged=m.converged_, design_s=m.design_seconds_)
else:
    sys.path.insert(0, {bench!r})
    from idealpoints_baseline import static_fit
    ip, extra = static_fit(votes)
secs = time.perf_counter() - t0
j = ip.join(bsv, on=["state", "session"])
within = j.group_by("session").agg(pl.corr("ideal_point", "bsv_ideal_point").abs().alias("r"))["r"]
pooled = float(np.corrcoef(j["ideal_point"], j["bsv_ideal_point"])[0, 1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(seconds=secs, peak_mb=peak, within=float(within.mean()), pooled=pooled, n_votes=votes.height, **extra)))
"""


def run(which: str, data: str) -> dict[str, float]:
    here = Path(__file__).resolve().parent
    code = _CHILD.format(src=str(here.parent / "src"), data=data, which=which, bench=str(here))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args()
    if not Path(args.data).is_dir():
        args.data = str(Path.cwd().parent / "shared" / "data")
    model_runs, base_runs = [], []
    for i in range(args.repeat):
        model_runs.append(run("model", args.data))
        if i < args.baseline_repeat:  # the baseline takes minutes: once by default
            base_runs.append(run("baseline", args.data))
    best_m = min(model_runs, key=lambda r: r["seconds"])
    best_b = min(base_runs, key=lambda r: r["seconds"])
    print(f"votes: {best_m['n_votes']:,}  repeats: {args.repeat} (best of each, interleaved)")
    print(
        f"IdealPointModel (1-D dynamic ordinal): {best_m['seconds']:.2f} s, peak {best_m['peak_mb']:.0f} MB, "
        f"{best_m['n_sweeps']} sweeps, converged={best_m['converged']}, data prep {best_m['design_s']:.2f} s; "
        f"BSV within-session r {best_m['within']:.3f}, pooled {best_m['pooled']:.3f}"
    )
    print(
        f"baseline (static ordinal per session, scipy L-BFGS-B): {best_b['seconds']:.2f} s, peak {best_b['peak_mb']:.0f} MB, "
        f"BSV |within-session r| {best_b['within']:.3f}, pooled {best_b['pooled']:.3f}"
    )
    print(f"speed-up (baseline / model): {best_b['seconds'] / best_m['seconds']:.1f}x")
    print("all model runs (s):", ", ".join(f"{r['seconds']:.2f}" for r in model_runs))
    print("all baseline runs (s):", ", ".join(f"{r['seconds']:.2f}" for r in base_runs))


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"benchmark wall time {time.perf_counter() - t:.0f} s")
