"""Benchmark: reading search-API MARC-XML pages vs reading the same votes from the bulk CSV layout.

The real GA votes of session 80 (159 roll calls, 30,687 state votes, from
``../shared/data/unga_unsc_votes_2023_2025_combined``) are rendered as MARC-XML
"Voting Data" records (pymarc), in pages of 100 records, as the library's
search API serves them. Timed, in the same run:

- polycentric: :func:`polycentric.sources.undl_marc.read_marc_xml` on every
  page, :func:`~polycentric.sources.undl_marc.combine`, then
  :func:`~polycentric.sources.undl_marc.write_undl_csv` (what ``sync`` does);
- baseline: :func:`polycentric.sources.detect.read_source` on the written CSV
  (what ingesting a bulk file of the same votes costs anyway).

Prints the median times over ``--repeat`` runs, their ratio and the load average.

Usage::

    .venv/bin/python benchmarks/marc_read.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "sources"))
from marc_fixtures import collection, voting_record

from polycentric.config import local_data_dir
from polycentric.sources.detect import read_source
from polycentric.sources.undl_marc import combine, read_marc_xml, write_undl_csv


def pages(session: str, size: int) -> list[bytes]:
    long = pl.read_csv(
        local_data_dir() / "unga_unsc_votes_2023_2025_combined" / "ga_votes_long.csv.gz",
        schema_overrides={"resolution": pl.String, "session": pl.String},
    ).filter(pl.col("session") == session)
    records = []
    for (undl_id,), rows in long.group_by(["undl_id"], maintain_order=True):
        r = rows.row(0, named=True)
        votes = [(c, c, "" if v == "X" else v) for c, v in zip(rows["ms_code"], rows["ms_vote"], strict=True)]
        records.append(
            voting_record(
                int(str(undl_id)), r["date"], r["title"], votes, symbol=r["resolution"] or None, session=r["session"]
            )
        )
    return [collection(*records[i : i + size]) for i in range(0, len(records), size)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--session", default="80")
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    docs = pages(args.session, args.page_size)
    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "api.csv"
        for _ in range(args.repeat):
            t = time.perf_counter()
            marc = combine([read_marc_xml(d, origin=f"page {i}") for i, d in enumerate(docs)])
            write_undl_csv(marc, path)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            data = read_source(path)
            base.append(time.perf_counter() - t)
    mo, mb = statistics.median(ours), statistics.median(base)
    print(f"session {args.session}: {len(docs)} pages, {marc.roll_calls.height} records, {marc.votes.height} votes")
    print(f"MARC-XML read + CSV write: {mo:.3f} s (median of {args.repeat})")
    print(f"CSV read (baseline):       {mb:.3f} s; ratio {mo / mb:.1f}x; read back {data.votes.height} votes")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
