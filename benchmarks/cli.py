"""CLI start-up and answer times for the README's listing and measure commands, beside bare-Python baselines.

Each command runs in a fresh process (``polycentric --home HOME ...``, start-up included), ``--repeat`` times,
interleaved with two baselines in the same run: ``python -c pass`` (the interpreter alone) and
``python -c "import polars"`` (the data library every command needs). Medians of wall time.

Run::

    polycentric --home /tmp/now build --offline
    .venv/bin/python benchmarks/cli.py --home /tmp/now --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLYCENTRIC = str(Path(sys.executable).with_name("polycentric"))

COMMANDS = [
    "--help",
    "votes --resolution A/RES/ES-11/1",
    "rollcalls --year 2022 --search ukraine",
    "state SUN --year 1975",
    "groups show NAM --date 2022-03-02",
    "cohesion NAM EU --years 1991-2022",
    "agreement USA RUS --years 2000-2023 --index s",
    "alignment --with USA,CHN,RUS --year 2022",
    "shifts --from 2014 --to 2022",
    'series "unilateral coercive measures"',
    "idealpoints show --state IND",
    "polarity --years 1946-2023",
    'forecast --title "Necessity of ending the embargo against Cuba" --known USA=N',
]
"""The README's commands that list or measure (not build, fit, backtest, report or serve)."""

EXTRA = ["polarity --years 1946-2023 --range-only", "polarity --years 1946-2023 --range-only --method network"]
"""Not in the README: a reading over a range alone (the ideal-point reading is computed; the network reading sliced)."""

BASELINES = {"python -c pass": [sys.executable, "-c", "pass"], "import polars": [sys.executable, "-c", "import polars"]}


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    return time.perf_counter() - t0, done.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    env = {**os.environ, "POLYCENTRIC_HOME": args.home}
    runs: dict[str, list[float]] = {}
    codes: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, argv in BASELINES.items():
            runs.setdefault(name, []).append(_time(argv, env)[0])
        for command in COMMANDS + EXTRA:
            seconds, code = _time([POLYCENTRIC, *shlex.split(command)], env)
            runs.setdefault(command, []).append(seconds)
            codes[command] = code
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.repeat} fresh processes")
    base = statistics.median(runs["import polars"])
    for name, xs in runs.items():
        med = statistics.median(xs)
        code = f"exit {codes[name]}" if name in codes else "baseline"
        print(f"{name:<75}{med:>7.2f} s  {med / base:>5.1f}x import polars  ({code})")


if __name__ == "__main__":
    main()
