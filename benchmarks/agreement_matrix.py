"""Benchmark: the pooled agreement matrix of all state pairs in one pass vs a pandas self-join baseline.

Both compute Lijphart's index of agreement and the number of shared votes for
every pair of states over the same roll calls (by default all 6,464 roll calls
of sessions 1-77 in the Voeten 2024 data, 916,025 votes):

- polycentric: :func:`polycentric.measures.agreement.agreement_matrix` (indicator
  matrices and five matrix products);
- baseline: the straightforward pandas way: self-join the votes on
  ``rollcall_id``, keep ``state_a < state_b``, score each pair-roll-call and
  ``groupby([state_a, state_b])``. The join is done one session at a time (and
  the per-session sums added up) so that it fits in memory: one join of all
  sessions would hold ~70 million pair rows at once.

Each side runs in its own fresh process (so peak memory is its own):
polycentric ``--repeat`` times (default 5), the slow baseline ``--baseline-repeat``
times (default 1); the script reports the median times, their ratio, the peak
RSS of each process and the largest difference between the two results.

Usage::

    .venv/bin/python benchmarks/agreement_matrix.py                # all sessions
    .venv/bin/python benchmarks/agreement_matrix.py --sessions 60-77 --repeat 5 --baseline-repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve()


def load_votes(data: Path, sessions: tuple[int, int] | None) -> pl.DataFrame:
    """Votes ``rollcall_id, session, state, vote`` (Y/N/A) of the Voeten 2024 files."""
    folder = data / "unvotes_voeten_2024"
    votes = pl.read_csv(folder / "un_votes.csv.gz", infer_schema_length=0, empty_string_is_null=False)
    rc = pl.read_csv(folder / "un_roll_calls.csv.gz", columns=["rcid", "session"], infer_schema_length=0)
    out = votes.join(rc, on="rcid").select(
        pl.col("rcid").cast(pl.Int64).alias("rollcall_id"),
        pl.col("session").cast(pl.Int32),
        pl.col("country").alias("state"),  # unique per state in this file, including the historical ones
        pl.col("vote").replace_strict({"yes": "Y", "no": "N", "abstain": "A"}).alias("vote"),
    )
    if sessions is not None:
        out = out.filter(pl.col("session").is_between(*sessions))
    return out


def run_polycentric(votes: pl.DataFrame) -> dict[tuple[str, str], tuple[float, int]]:
    from polycentric.measures.agreement import agreement_matrix

    states, matrix, n_shared = agreement_matrix(votes, "lijphart")
    ia, ib = np.triu_indices(len(states), k=1)
    keep = n_shared[ia, ib] > 0
    return {
        (states[i], states[j]): (float(matrix[i, j]), int(n_shared[i, j]))
        for i, j in zip(ia[keep], ib[keep], strict=True)
    }


def run_pandas(votes: pl.DataFrame) -> dict[tuple[str, str], tuple[float, int]]:
    import pandas as pd

    pdf = votes.to_pandas()
    parts = []
    for _, chunk in pdf.groupby("session", sort=True):
        left = chunk[["rollcall_id", "state", "vote"]]
        pairs = left.merge(left, on="rollcall_id", suffixes=("_a", "_b"))
        pairs = pairs[pairs["state_a"] < pairs["state_b"]]
        same = pairs["vote_a"] == pairs["vote_b"]
        half = ~same & ((pairs["vote_a"] == "A") | (pairs["vote_b"] == "A"))
        pairs = pairs.assign(score=same.astype(float) + 0.5 * half.astype(float))
        parts.append(pairs.groupby(["state_a", "state_b"])["score"].agg(["sum", "count"]))
    total = pd.concat(parts).groupby(level=[0, 1]).sum()
    values = total["sum"] / total["count"]
    return {
        (str(a), str(b)): (float(v), int(n))
        for (a, b), v, n in zip(total.index, values.to_numpy(), total["count"].to_numpy(), strict=True)
    }


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker(args: argparse.Namespace) -> None:
    votes = load_votes(Path(args.data), _sessions(args.sessions))
    rss_loaded = _rss_kib()
    fn = run_polycentric if args.worker == "polycentric" else run_pandas
    times = []
    result: dict[tuple[str, str], tuple[float, int]] = {}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = fn(votes)
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out = Path(args.result)
    out.write_text(
        json.dumps(
            {
                "times": times,
                "peak_rss_mib": peak / 1024,
                "rss_after_load_mib": rss_loaded / 1024,
                "n_votes": votes.height,
                "n_rollcalls": votes["rollcall_id"].n_unique(),
                "n_states": votes["state"].n_unique(),
                "pairs": [[a, b, v, n] for (a, b), (v, n) in sorted(result.items())],
            }
        )
    )


def _sessions(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", default=os.environ.get("POLYCENTRIC_DATA", str(HERE.parents[1].parent / "shared" / "data"))
    )
    parser.add_argument("--sessions", default=None, help="e.g. 60-77 (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions of polycentric (median reported)")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="timed repetitions of the pandas baseline")
    parser.add_argument("--worker", choices=["polycentric", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    import tempfile

    reports = {}
    with tempfile.TemporaryDirectory() as tmp:
        for side in ("polycentric", "pandas"):
            res = Path(tmp) / f"{side}.json"
            repeat = args.repeat if side == "polycentric" else args.baseline_repeat
            cmd = [
                sys.executable,
                str(HERE),
                "--worker",
                side,
                "--result",
                str(res),
                "--data",
                args.data,
                "--repeat",
                str(repeat),
            ]
            if args.sessions:
                cmd += ["--sessions", args.sessions]
            subprocess.run(cmd, check=True)
            reports[side] = json.loads(res.read_text())
    ours, base = reports["polycentric"], reports["pandas"]
    a = {(p[0], p[1]): (p[2], p[3]) for p in ours["pairs"]}
    b = {(p[0], p[1]): (p[2], p[3]) for p in base["pairs"]}
    assert a.keys() == b.keys(), "the two methods found different pairs"
    max_diff = max(abs(a[k][0] - b[k][0]) for k in a)
    assert all(a[k][1] == b[k][1] for k in a), "shared-vote counts differ"
    t_ours, t_base = statistics.median(ours["times"]), statistics.median(base["times"])
    print(
        f"workload: {ours['n_votes']:,} votes, {ours['n_rollcalls']:,} roll calls, {ours['n_states']} states, "
        f"{len(a):,} pairs (sessions {args.sessions or 'all'}), Lijphart index"
    )
    print(
        f"polycentric agreement_matrix: median {t_ours:.3f} s over {len(ours['times'])} runs "
        f"({', '.join(f'{t:.3f}' for t in ours['times'])}); peak RSS {ours['peak_rss_mib']:.0f} MiB "
        f"({ours['peak_rss_mib'] - ours['rss_after_load_mib']:.0f} MiB above the loaded data)"
    )
    print(
        f"pandas self-join + groupby:   median {t_base:.3f} s over {len(base['times'])} runs "
        f"({', '.join(f'{t:.3f}' for t in base['times'])}); peak RSS {base['peak_rss_mib']:.0f} MiB "
        f"({base['peak_rss_mib'] - base['rss_after_load_mib']:.0f} MiB above the loaded data)"
    )
    print(f"speed-up: {t_base / t_ours:.1f}x; largest difference between the results: {max_diff:.2e}")


if __name__ == "__main__":
    main()
