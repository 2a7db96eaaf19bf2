"""Benchmark: typical queries on an open record (tables in memory) versus re-opening and reading Parquet each time.

The record is built once from the local data (Voeten's ``unvotes`` triple, the
key-vote sample and the Security Council vetoes: the default offline build)
into a temporary home. Then each typical query of the HTTP API is timed

- **open**: on one :class:`~polycentric.record.store.Record` kept open (as the
  API server keeps it): its tables are read once, then queries filter them in
  memory;
- **reopen** (the baseline, what every uncached API request paid before): a
  fresh ``open_record(home)`` per query, so every query reads the Parquet
  files again.

Repetitions alternate between the two; medians and 95th percentiles per query,
and the ratio of the medians, are reported. The first query on the open record
(which loads its tables) is reported on its own.

    .venv/bin/python benchmarks/queries.py [--reps 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUERIES: dict[str, Callable[[Any], Any]] = {
    "votes --resolution A/RES/ES-11/1": lambda r: r.votes(resolution="A/RES/ES-11/1"),
    "votes --state USA --year 2020": lambda r: r.votes(state="USA", year=2020),
    "votes --session 77": lambda r: r.votes(session=77),
    "votes --year 1990..1999": lambda r: r.votes(start="1990-01-01", end="1999-12-31"),
    "votes (all)": lambda r: r.votes(),
    "rollcalls --year 2022": lambda r: r.roll_calls(year=2022),
    "rollcalls --issue nu --year 1985": lambda r: r.roll_calls(issue="nu", year=1985),
    "rollcalls --search apartheid": lambda r: r.roll_calls(search="apartheid"),
    "rollcalls --state RUS --year 2014": lambda r: r.roll_calls(state="RUS", year=2014),
}


def _build(home: Path) -> float:
    from polycentric.config import local_data_dir
    from polycentric.record.store import ingest

    data = local_data_dir()
    t0 = time.perf_counter()
    ingest(
        [
            data / "unvotes_voeten_2024",
            data / "unga_undl_keyvotes_sample",
            data / "unsc_vetoes" / "unsc_vetoes_1946_sept2022.csv",
        ],
        home=home,
    )
    return time.perf_counter() - t0


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    from polycentric.record.store import open_record

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        built = _build(home)
        record = open_record(home)
        t0 = time.perf_counter()
        first = record.votes(resolution="A/RES/68/262")
        record.roll_calls(search="x", state="USA")  # every table and index loaded
        first_s = time.perf_counter() - t0
        print(
            f"record built in {built:.1f} s; {record.version}; first queries on the open record (loading): {first_s:.3f} s"
        )
        assert first.height > 0
        rows: list[tuple[str, float, float, float, float, int]] = []
        for name, query in QUERIES.items():
            open_t: list[float] = []
            reopen_t: list[float] = []
            n = 0
            for _ in range(args.reps):
                t = time.perf_counter()
                n = query(record).height
                open_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                m = query(open_record(home)).height
                reopen_t.append(time.perf_counter() - t)
                assert m == n, (name, m, n)
            rows.append((name, statistics.median(open_t), _p95(open_t), statistics.median(reopen_t), _p95(reopen_t), n))
    print(f"{'query':36s} {'rows':>8s} {'open p50':>9s} {'p95':>8s} {'reopen p50':>11s} {'p95':>8s} {'ratio':>7s}")
    for name, o50, o95, r50, r95, n in rows:
        print(
            f"{name:36s} {n:8,d} {o50 * 1e3:7.2f}ms {o95 * 1e3:6.2f}ms {r50 * 1e3:9.1f}ms {r95 * 1e3:6.1f}ms "
            f"{r50 / o50:6.0f}x"
        )
    total_open = sum(r[1] for r in rows)
    total_reopen = sum(r[3] for r in rows)
    print(
        f"sum of medians: open {total_open * 1e3:.1f} ms, reopen {total_reopen * 1e3:.1f} ms, ratio {total_reopen / total_open:.0f}x"
    )


if __name__ == "__main__":
    main()
