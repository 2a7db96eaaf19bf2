"""The writing side of the store (polycentric.record._versions), in process: settings, pointer, checksums."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polycentric.errors import ConfigurationError, StoreBusyError
from polycentric.record import _versions
from polycentric.record.store import ingest, verify_store


def _file(path: Path, symbol: str, date: str) -> Path:
    path.write_text(f"resolution,date,ms_code,ms_vote\n{symbol},{date},USA,Y\n{symbol},{date},FRA,N\n")
    return path


def test_settings_from_arguments_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLYCENTRIC_LOCK_TIMEOUT", raising=False)
    monkeypatch.delenv("POLYCENTRIC_KEEP_VERSIONS", raising=False)
    assert _versions.lock_timeout() == 600.0 and _versions.keep_versions() == 3
    assert _versions.lock_timeout(2.5) == 2.5 and _versions.keep_versions(5) == 5
    monkeypatch.setenv("POLYCENTRIC_LOCK_TIMEOUT", "7")
    monkeypatch.setenv("POLYCENTRIC_KEEP_VERSIONS", "1")
    assert _versions.lock_timeout() == 7.0 and _versions.keep_versions() == 1
    for name, value in (("POLYCENTRIC_LOCK_TIMEOUT", "soon"), ("POLYCENTRIC_LOCK_TIMEOUT", "-1")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigurationError, match=name):
            _versions.lock_timeout()
    with pytest.raises(ConfigurationError, match="whole number"):
        _versions.keep_versions(0)


def test_fresh_home_has_no_version_and_no_notice(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    assert _versions.current_version(tmp_path) is None
    assert _versions.read_pointer(tmp_path) == (None, "missing")
    assert not [w for w in recwarn if issubclass(w.category, _versions.StoreNotice)]


def test_manifest_records_every_file_and_generation(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([_file(tmp_path / "a.csv", "A/RES/69/1", "2014-10-01")], home=home)
    ingest([_file(tmp_path / "b.csv", "A/RES/69/2", "2014-10-02")], home=home)
    live, problem = _versions.read_pointer(home)
    assert problem is None and live is not None
    manifest = json.loads((live / "manifest.json").read_text())
    assert manifest["generation"] == 2
    on_disk = {p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    assert all(len(info["sha256"]) == 64 for info in manifest["files"].values())
    assert verify_store(home).height == 0
    assert [v.generation for v in _versions.complete_versions(home)] == [2, 1]


def test_pointer_problems_are_named(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([_file(tmp_path / "a.csv", "A/RES/69/1", "2014-10-01")], home=home)
    for content, said in (
        (b"", "empty"),
        (b"\xff\xfe", "garbled (not text)"),
        (b"../../etc\n", "garbled"),
        (b"v-nothing\n", "does not exist"),
    ):
        (home / "CURRENT").write_bytes(content)
        found, problem = _versions.read_pointer(home)
        assert found is None and problem is not None and said in problem
        with pytest.warns(_versions.StoreNotice, match="repaired"):
            assert _versions.current_version(home) is not None
        assert _versions.read_pointer(home)[1] is None


def test_a_held_lock_times_out_with_store_busy(tmp_path: Path) -> None:
    import portalocker

    home = tmp_path / "home"
    home.mkdir()
    with portalocker.Lock(home / _versions.LOCK_FILE, mode="a", timeout=0, fail_when_locked=True):
        with pytest.warns(_versions.StoreNotice, match="waiting up to 0.2 s"):
            with pytest.raises(StoreBusyError, match="nothing was written"):
                with _versions.writer_lock(home, 0.2):
                    pass
    with _versions.writer_lock(home, 0.2):  # free again
        assert "pid" in (home / _versions.LOCK_FILE).read_text()


def test_write_durably_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    _versions.write_durably(target, b"one")
    _versions.write_durably(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]  # no temporary name left
