"""Helpers of the store's reliability tests: real ``polycentric`` processes against a store in a temporary home.

Every test here runs the CLI as a subprocess (``python -m polycentric``), kills it, starves
it of disk or runs several at once, then reads the store back with the library. Each module
marks its tests ``reliability`` and puts them in one xdist group (``--dist loadgroup``), so
the heavy ones never run twice at once on the 2-core CI machine.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "polycentric"]
STATES = ["USA", "FRA", "CHN", "RUS", "GBR", "BRA", "IND", "ZAF"]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: this one, minus settings a developer may have set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLYCENTRIC_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_cli(home: Path, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``polycentric --home HOME ARGS`` to completion; returns the completed process (text output)."""
    return subprocess.run(
        [*CLI, "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(**env),
        check=False,
    )


def start_cli(home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """Start ``polycentric --home HOME ARGS`` without waiting."""
    return subprocess.Popen(
        [*CLI, "--home", str(home), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(**env),
    )


def vote_file(path: Path, resolution: str, date: str, votes: dict[str, str] | None = None) -> Path:
    """A single-vote CSV file of one roll call (``resolution,date,ms_code,ms_vote``)."""
    votes = votes or {s: "YNA"[i % 3] for i, s in enumerate(STATES)}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["resolution", "date", "ms_code", "ms_vote"])
        for state, vote in votes.items():
            w.writerow([resolution, date, state, vote])
    return path


def distinct_files(folder: Path, n: int, offset: int = 0) -> dict[str, Path]:
    """``n`` vote files of distinct roll calls (``A/RES/70/<100+i>``); maps each resolution to its file."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i in range(offset, offset + n):
        res = f"A/RES/70/{100 + i}"
        out[res] = vote_file(folder / f"rc{i}.csv", res, f"2015-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}")
    return out


def resolutions(home: Path) -> set[str]:
    """The resolutions of every roll call in the store at ``home`` (both bodies), read with the library."""
    from polycentric.record.store import open_record

    return set(open_record(home).roll_calls(body=None)["resolution"].drop_nulls().to_list())


def snapshot(home: Path) -> dict[str, str]:
    """Every file under ``home`` (relative path -> SHA-256), the lock file aside: to prove a store unchanged."""
    out = {}
    for p in sorted(home.rglob("*")):
        if p.is_file() and p.name != ".writer.lock":
            out[p.relative_to(home).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
