"""Crashes: ``kill -9`` of a full-size ingest at 12 points never leaves a corrupt or lost version.

The ingest adds the full ``unvotes`` folder (6,464 roll calls, a million votes) to a store
holding the key-vote samples. Seven kills land at named points of the write (the
``POLYCENTRIC_FAULT=kill:POINT`` hook of :mod:`polycentric.record._versions`: after the
source files, after the tables, after the checksums, after the manifest and folder fsyncs,
after the rename, after the pointer swap, after pruning) and five at fractions of the time a
full ingest takes in this run. After each, every kept version verifies against its
checksums, the record is exactly the old one or exactly the new one, and a later ingest
cleans the leftovers and keeps every roll call.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from _store_helpers import run_cli, start_cli, vote_file

pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.xdist_group("reliability-crash")]

BEFORE_SWAP = ["sources-written", "tables-written", "files-written", "manifest-written", "renamed"]
AFTER_SWAP = ["switched", "pruned"]
FRACTIONS = [0.2, 0.4, 0.6, 0.8, 0.95]


def _state(home: Path) -> tuple[int, int, frozenset[str]]:
    from polycentric.record.store import open_record

    rec = open_record(home)
    rc = rec.roll_calls(body=None)
    return rc.height, rec.votes(body=None).height, frozenset(rc["resolution"].drop_nulls().to_list())


@pytest.fixture(scope="module")
def seed(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the two key-vote samples (7 roll calls)."""
    home = tmp_path_factory.mktemp("crash") / "seed"
    folder = shared_data / "unga_undl_keyvotes_sample"
    done = run_cli(
        home, "ingest", str(folder / "ga_ukraine_keyvotes_2014_2022.csv"), str(folder / "ga_es10_votes_2023_2024.csv")
    )
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture(scope="module")
def reference(seed: Path, unvotes: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The old and the new record, and how long a full ingest takes in this run (to place the timed kills)."""
    home = tmp_path_factory.mktemp("crash-ref") / "home"
    shutil.copytree(seed, home)
    old = _state(home)
    t0 = time.monotonic()
    done = run_cli(home, "ingest", str(unvotes))
    seconds = time.monotonic() - t0
    assert done.returncode == 0, done.stderr
    new = _state(home)
    assert new[0] > old[0] + 6000 and old[2] <= new[2]
    return {"old": old, "new": new, "seconds": seconds}


def _after_crash(home: Path, reference: dict[str, object], expected: str | None) -> None:
    from polycentric.record import _versions
    from polycentric.record.store import ingest, verify_store

    damaged = verify_store(home)
    assert damaged.height == 0, damaged.to_dicts()
    state = _state(home)
    if expected is None:
        assert state in (reference["old"], reference["new"])
    else:
        assert state == reference[expected]
    # CURRENT names a complete version (a version renamed but never made live may remain, complete and unused)
    live, problem = _versions.read_pointer(home)
    assert problem is None and live is not None
    # a later writer cleans what the killed one left and keeps every roll call
    later = vote_file(home.parent / "later.csv", "A/RES/80/999", "2025-12-01")
    ingest([later], home=home)
    assert not list(home.glob(".tmp-*"))
    n, _, res = _state(home)
    assert n == state[0] + 1 and res == state[2] | {"A/RES/80/999"}
    assert verify_store(home).height == 0


@pytest.mark.parametrize("point", BEFORE_SWAP + AFTER_SWAP)
def test_kill_at_a_named_point(
    point: str, seed: Path, unvotes: Path, reference: dict[str, object], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(seed, home)
    killed = run_cli(home, "ingest", str(unvotes), POLYCENTRIC_FAULT=f"kill:{point}")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if point == "renamed":  # it died with a complete new folder that CURRENT does not name
        assert len(list(home.glob("v-*"))) == len(list(seed.glob("v-*"))) + 1
    elif point in BEFORE_SWAP:  # it died with a half-written temporary folder
        assert list(home.glob(".tmp-*"))
    _after_crash(home, reference, "old" if point in BEFORE_SWAP else "new")


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_kill_at_a_random_time(
    fraction: float, seed: Path, unvotes: Path, reference: dict[str, object], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(seed, home)
    proc = start_cli(home, "ingest", str(unvotes))
    try:
        proc.wait(timeout=fraction * float(reference["seconds"]))  # type: ignore[arg-type]
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    _after_crash(home, reference, None)
