"""A full disk leaves the store unchanged: a real 1 MiB tmpfs where mounting is permitted, injected ENOSPC always."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _store_helpers import cli_env, resolutions, run_cli, snapshot, vote_file

pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("reliability-disk")]

INJECTED = ["sources-written", "tables-written", "files-written", "manifest-written", "renamed"]


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    home = tmp_path / "seed"
    assert run_cli(home, "ingest", str(vote_file(tmp_path / "a.csv", "A/RES/69/1", "2014-10-01"))).returncode == 0
    assert run_cli(home, "ingest", str(vote_file(tmp_path / "b.csv", "A/RES/69/2", "2014-10-02"))).returncode == 0
    return home


def _tmpfs_permitted(tmp_path: Path) -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["unshare", "--mount", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {probe}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def test_real_full_disk_leaves_the_store_unchanged(seed: Path, unvotes: Path, tmp_path: Path) -> None:
    """The store on a 1 MiB tmpfs (private mount namespace); a full ingest of unvotes needs about 3 MiB."""
    if not _tmpfs_permitted(tmp_path):
        pytest.skip("mounting a tmpfs is not permitted here (the injected-ENOSPC tests below still run)")
    mnt, out = tmp_path / "mnt", tmp_path / "out"
    mnt.mkdir()
    out.mkdir()
    script = (
        f"mount -t tmpfs -o size=1m tmpfs {mnt} && cp -a {seed} {mnt}/home && "
        f"{sys.executable} -m polycentric --home {mnt}/home ingest {unvotes} 2> {out}/stderr; echo $? > {out}/rc; "
        f"{sys.executable} -m polycentric --home {mnt}/home check > {out}/check 2>&1; echo $? > {out}/check_rc; "
        f"cp -a {mnt}/home {out}/home"
    )
    subprocess.run(["unshare", "--mount", "sh", "-c", script], env=cli_env(), check=True, timeout=900)
    stderr = (out / "stderr").read_text()
    assert (out / "rc").read_text().strip() == "1", stderr
    assert "No space left on device" in stderr and "record unchanged" in stderr
    assert "Traceback" not in stderr
    assert (out / "check_rc").read_text().strip() == "0", (out / "check").read_text()
    assert snapshot(out / "home") == snapshot(seed)
    assert resolutions(out / "home") == {"A/RES/69/1", "A/RES/69/2"}


@pytest.mark.parametrize("point", INJECTED)
def test_injected_enospc_leaves_the_store_unchanged(point: str, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    new = vote_file(tmp_path / "c.csv", "A/RES/69/3", "2014-10-03")
    done = run_cli(seed, "ingest", str(new), POLYCENTRIC_FAULT=f"enospc:{point}")
    assert done.returncode == 1, done.stderr
    assert "No space left on device" in done.stderr and "record unchanged" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(seed) == before
    # the next ingest, with room on the disk, lands
    assert run_cli(seed, "ingest", str(new)).returncode == 0
    assert resolutions(seed) == {"A/RES/69/1", "A/RES/69/2", "A/RES/69/3"}
