"""One writer at a time: concurrent ingests all land; a writer past its wait fails with exit 2; readers never wait."""

from __future__ import annotations

from pathlib import Path

import portalocker
import pytest
from _store_helpers import distinct_files, resolutions, run_cli, snapshot, start_cli, vote_file

pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("reliability-concurrency")]

TRIALS = 3
WRITERS = 8


@pytest.mark.parametrize("trial", range(TRIALS))
def test_eight_concurrent_ingests_all_land(tmp_path: Path, trial: int) -> None:
    """8 processes ingest 8 distinct files at once into a store holding one roll call: all 9 are there."""
    home = tmp_path / "home"
    seed = vote_file(tmp_path / "seed.csv", "A/RES/69/1", "2014-10-01")
    assert run_cli(home, "ingest", str(seed)).returncode == 0
    files = distinct_files(tmp_path / "in", WRITERS, offset=trial * WRITERS)
    procs = [start_cli(home, "ingest", str(f)) for f in files.values()]
    results = [(p.wait(timeout=900), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [rc for rc, _ in results] == [0] * WRITERS, [err for _, err in results]
    assert resolutions(home) == {"A/RES/69/1", *files}
    ok = run_cli(home, "check")
    assert ok.returncode == 0, ok.stderr
    assert "match their SHA-256" in ok.stdout


def test_second_writer_waits_then_fails_with_exit_2_and_readers_do_not_wait(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(vote_file(tmp_path / "a.csv", "A/RES/69/1", "2014-10-01"))).returncode == 0
    before = snapshot(home)
    late = vote_file(tmp_path / "b.csv", "A/RES/69/2", "2014-10-02")
    with portalocker.Lock(home / ".writer.lock", mode="a", timeout=0, fail_when_locked=True):
        busy = run_cli(home, "ingest", "--wait", "1", str(late))
        # a reader answers while the writer lock is held
        reader = run_cli(home, "rollcalls", "--format", "csv")
    assert busy.returncode == 2, busy.stderr
    assert "waiting up to 1 s" in busy.stderr
    assert "still being written" in busy.stderr and "nothing was written" in busy.stderr
    assert "Traceback" not in busy.stderr
    assert snapshot(home) == before
    assert reader.returncode == 0, reader.stderr
    assert "A/RES/69/1" in reader.stdout
    # once the lock is free the same ingest lands
    assert run_cli(home, "ingest", str(late)).returncode == 0
    assert resolutions(home) == {"A/RES/69/1", "A/RES/69/2"}


def test_a_waiting_writer_builds_on_the_version_written_meanwhile(tmp_path: Path) -> None:
    """A writer that waited for the lock merges its file into the version committed meanwhile (no lost update)."""
    from polycentric.record import _versions
    from polycentric.record.ingest import IngestReport, _load_sources, _write_version
    from polycentric.sources.detect import read_source

    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(vote_file(tmp_path / "a.csv", "A/RES/69/1", "2014-10-01"))).returncode == 0
    lock = portalocker.Lock(home / ".writer.lock", mode="a", timeout=0, fail_when_locked=True)
    lock.acquire()
    try:
        waiting = start_cli(home, "ingest", str(vote_file(tmp_path / "b.csv", "A/RES/69/2", "2014-10-02")))
        assert waiting.stderr is not None
        note = ""
        while "waiting up to" not in note:  # it has read its file and the store, and waits for the lock
            line = waiting.stderr.readline()
            assert line, f"the writer ended without waiting: {note}"
            note += line
        # meanwhile this test, holding the lock, commits a version with A/RES/69/3 as a writer would
        current = _versions.current_version(home, locked=True)
        assert current is not None
        old_sources, old_meta = _load_sources(current)
        data = read_source(vote_file(tmp_path / "c.csv", "A/RES/69/3", "2014-10-03"))
        tmp = _versions.new_temp_dir(home)
        _write_version(home, tmp, current, old_sources, old_meta, [("c" * 20, data)], IngestReport(), lambda _m: None)
    finally:
        lock.release()
    assert waiting.wait(timeout=600) == 0, waiting.stderr.read()
    waiting.stderr.close()
    if waiting.stdout:
        waiting.stdout.close()
    assert resolutions(home) == {"A/RES/69/1", "A/RES/69/2", "A/RES/69/3"}
