"""Benchmark: membership_mask (interval join on state) vs a straightforward pandas merge-and-filter.

For every vote of the Voeten 2024 record (916,025 state-votes, 1946-2023) decide whether the
voting state was a NAM member on the vote's date. Both methods run in fresh subprocesses
(peak RSS from ``resource.getrusage``); each is repeated and the median reported, and the
two masks are checked to be identical.

Run: ``.venv/bin/python benchmarks/groups_membership_mask.py [--data ../shared/data] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import polars as pl
from pathlib import Path
data, method = Path(sys.argv[1]), sys.argv[2]
votes = pl.read_csv(data / "unvotes_voeten_2024" / "un_votes.csv.gz", infer_schema_length=0, null_values=[])
calls = pl.read_csv(data / "unvotes_voeten_2024" / "un_roll_calls.csv.gz", infer_schema_length=0,
                    null_values=[]).select("rcid", pl.col("date").str.to_date())
cc = pl.read_csv(data / "country_codes" / "countrycode_codelist.csv", infer_schema_length=0, null_values=[])
iso = dict(zip(cc["iso2c"], cc["iso3c"]))
frame = (votes.join(calls, on="rcid")
         .with_columns(pl.col("country_code").replace_strict(iso, default="YUG").alias("state"))
         .select("state", "date"))
from polycentric.registry.groups import get_group, membership_mask
group = get_group("NAM")
t0 = time.perf_counter()
if method == "polycentric":
    mask = membership_mask(frame, group).to_numpy()
else:  # baseline: pandas merge of every vote with every spell of its state, filter, any() per vote
    import pandas as pd
    v = frame.to_pandas().reset_index(names="row")
    s = group.membership.filter(pl.col("status") == "member").select("state", "joined", "left").to_pandas()
    m = v.merge(s, on="state", how="left")
    inside = (m["joined"] <= m["date"]) & (m["left"].isna() | (m["date"] <= m["left"]))
    mask = inside.groupby(m["row"]).any().reindex(v["row"], fill_value=False).to_numpy()
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "rows": frame.height, "true": int(mask.sum()),
                  "checksum": int((mask.astype("int64") * (1 + (pl.Series(range(len(mask))) % 7).to_numpy())).sum())}))
"""


def run(data: Path, method: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(data), method], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    t = time.perf_counter()
    res: dict[str, list[dict[str, float]]] = {"polycentric": [], "pandas": []}
    for _ in range(a.repeat):
        for m in res:
            res[m].append(run(a.data, m))
    ours, base = res["polycentric"], res["pandas"]
    assert {r["checksum"] for r in ours} == {r["checksum"] for r in base}, "masks differ"
    med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in res.items()}
    mem = {m: max(r["peak_mb"] for r in rs) for m, rs in res.items()}
    print(f"rows: {ours[0]['rows']:,}  NAM-member votes: {ours[0]['true']:,}  (masks identical)")
    for m in res:
        print(f"{m:12s} median {med[m] * 1000:8.1f} ms   peak RSS {mem[m]:7.0f} MB   (n={a.repeat})")
    print(f"speed-up: {med['pandas'] / med['polycentric']:.1f}x   total wall {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
