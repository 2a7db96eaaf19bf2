"""A damaged ``CURRENT`` pointer is repaired from the newest complete version, never deleting one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _store_helpers import resolutions, run_cli, vote_file

pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("reliability-pointer")]

DAMAGE = {
    "empty": b"",
    "blank-lines": b"\n\n  \n",
    "missing": None,
    "garbage-text": b"lorem ipsum dolor\n",
    "binary": b"\x00\xff\xfe\x81garbage",
    "no-such-version": b"v-20990101T000000-deadbeef\n",
}


def _versions_home(tmp_path: Path, n: int = 2) -> tuple[Path, list[str]]:
    """A store with ``n`` versions: A/RES/69/1, then A/RES/69/1 + A/RES/69/2, ..."""
    home = tmp_path / "home"
    for i in range(1, n + 1):
        done = run_cli(home, "ingest", str(vote_file(tmp_path / f"{i}.csv", f"A/RES/69/{i}", f"2014-10-0{i}")))
        assert done.returncode == 0, done.stderr
    return home, sorted(p.name for p in home.glob("v-*"))


def _damage(home: Path, kind: str) -> None:
    content = DAMAGE[kind]
    if content is None:
        (home / "CURRENT").unlink()
    else:
        (home / "CURRENT").write_bytes(content)


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_ingest_after_a_damaged_pointer_keeps_every_roll_call(kind: str, tmp_path: Path) -> None:
    home, versions = _versions_home(tmp_path, 3)
    assert len(versions) == 3
    _damage(home, kind)
    done = run_cli(home, "ingest", str(vote_file(tmp_path / "9.csv", "A/RES/69/9", "2014-10-09")))
    assert done.returncode == 0, done.stderr
    assert "note: the CURRENT pointer" in done.stderr and "repaired" in done.stderr
    assert resolutions(home) == {"A/RES/69/1", "A/RES/69/2", "A/RES/69/3", "A/RES/69/9"}
    # no version was deleted, although 3 are kept by default: the three old ones are there beside the new one
    after = sorted(p.name for p in home.glob("v-*"))
    assert set(versions) < set(after) and len(after) == 4
    assert run_cli(home, "check").returncode == 0


@pytest.mark.parametrize("kind", ["empty", "missing", "binary"])
def test_a_reader_repairs_the_pointer_with_a_message(kind: str, tmp_path: Path) -> None:
    home, versions = _versions_home(tmp_path)
    _damage(home, kind)
    out = run_cli(home, "rollcalls", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert "A/RES/69/1" in out.stdout and "A/RES/69/2" in out.stdout
    assert "note: the CURRENT pointer" in out.stderr
    repaired = (home / "CURRENT").read_text().strip()  # repaired on disk, to the newest version (A/RES/69/2)
    assert json.loads((home / repaired / "manifest.json").read_text())["generation"] == 2
    assert sorted(p.name for p in home.glob("v-*")) == versions


def test_repair_skips_a_corrupt_newest_version(tmp_path: Path) -> None:
    """When the newest version lost a file, the pointer is repaired to the newest *complete* one."""
    home, versions = _versions_home(tmp_path)
    newest = home / (home / "CURRENT").read_text().strip()
    older = next(v for v in versions if v != newest.name)
    (newest / "votes.parquet").unlink()
    (home / "CURRENT").write_bytes(b"")
    check = run_cli(home, "check")
    assert check.returncode == 0, check.stderr  # the live version (repaired to the older) is intact
    assert (home / "CURRENT").read_text().strip() == older
    assert "incomplete version" in check.stdout  # the damaged one is reported, not deleted
    assert newest.is_dir()
    assert resolutions(home) == {"A/RES/69/1"}


def test_check_reports_a_corrupt_file_and_exits_1(tmp_path: Path) -> None:
    home, _ = _versions_home(tmp_path)
    live = home / (home / "CURRENT").read_text().strip()
    data = bytearray((live / "roll_calls.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    (live / "roll_calls.parquet").write_bytes(bytes(data))
    check = run_cli(home, "check")
    assert check.returncode == 1
    assert "roll_calls.parquet" in check.stdout and "SHA-256 differs" in check.stdout
    reader = run_cli(home, "rollcalls")  # a query on the damaged table: a message, not a traceback
    assert reader.returncode == 1 and "Traceback" not in reader.stderr
    assert "polycentric check" in reader.stderr
    manifest = json.loads((live / "manifest.json").read_text())
    assert {"roll_calls.parquet", "votes.parquet", "ids.parquet"} <= set(manifest["files"])


def test_old_versions_beyond_keep_are_removed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for i in range(1, 6):
        path = vote_file(tmp_path / f"{i}.csv", f"A/RES/69/{i}", f"2014-10-0{i}")
        assert run_cli(home, "ingest", "--keep", "2", str(path)).returncode == 0
    assert len(list(home.glob("v-*"))) == 2
    assert resolutions(home) == {f"A/RES/69/{i}" for i in range(1, 6)}
    assert not list(home.glob(".tmp-*"))
