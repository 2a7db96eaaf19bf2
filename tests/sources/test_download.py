"""The downloader against a real HTTP server on 127.0.0.1 serving hand-made files."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import httpx
import pytest
from undl_fixtures import AUTH_RECORD, GA_RECORD, SC_RECORD, auth_file, ga_file, sc_file
from undl_server import FakeLibrary

from polycentric.errors import DownloadError, OfflineError, UnknownLayoutError
from polycentric.record import build
from polycentric.record.build import sync_record
from polycentric.sources import download
from polycentric.sources.download import SOURCES, RemoteFile, newest_file, read_manifest, sync_source


def sync_all(**kw: object) -> build.SyncReport:
    """The bulk-file part of :func:`sync_record` (the search API has its own tests)."""
    return sync_record(search_api=False, **kw)  # type: ignore[arg-type]


GA_NEW = "2026_02_06_ga_voting.csv"


def _sync(lib: FakeLibrary, home: Path, key: str = "ga", **kw: object) -> download.SourceResult:
    return sync_source(key, home=home, base_url=lib.base_url, progress=False, read_timeout=10, **kw)  # type: ignore[arg-type]


def _publish_ga_releases(lib: FakeLibrary, newest: bytes) -> None:
    lib.put(GA_RECORD, "2024_09_12_ga_resolutions_voting.csv", ga_file(1))
    lib.put(GA_RECORD, "2025_7_21_ga_voting.csv", ga_file(2))
    lib.put(GA_RECORD, GA_NEW, newest)
    lib.put(GA_RECORD, "2026_02_06_ga_voting_md.md", b"# data dictionary\n")


# ----------------------------------------------------------------------------- discovery


def test_newest_name_orders_by_date_not_by_text() -> None:
    spec = SOURCES["ga"]
    names = [
        "2024_09_12_ga_resolutions_voting.csv",
        "2025_7_21_ga_voting.csv",
        "2025_12_1_ga_voting.csv",  # as text it sorts before 2025_7_21
        "2025_09_19_ga_voting_md.md",
        "2026_02_06_sc_voting.csv",
    ]
    files = [RemoteFile(n, "u/" + n) for n in names]
    assert newest_file(spec, files).name == "2025_12_1_ga_voting.csv"
    auths = [RemoteFile(n, n) for n in ("member_states_auths_2025-10-08.csv", "member_states_auths_2025-12-02_rev-1.csv",
                                        "member_states_auths_2025-12-02.csv")]  # fmt: skip
    assert newest_file(SOURCES["authorities"], auths).name == "member_states_auths_2025-12-02_rev-1.csv"
    with pytest.raises(DownloadError, match=r"2026_02_06_sc_voting\.csv"):
        newest_file(spec, [RemoteFile("2026_02_06_sc_voting.csv", "x")])


@pytest.mark.parametrize("listing", [("marc",), ("html",)])
def test_discovers_the_newest_release_from_marcxml_or_html(
    library: FakeLibrary, tmp_path: Path, listing: tuple[str, ...]
) -> None:
    library.listing = listing
    content = ga_file(3)
    _publish_ga_releases(library, content)
    result = _sync(library, tmp_path)
    assert result.status == "downloaded"
    assert result.name == GA_NEW
    assert result.path == tmp_path / "downloads" / GA_NEW
    assert result.path.read_bytes() == content
    asked = [r["path"] for r in library.requests]
    assert asked[0] == f"/record/{GA_RECORD}/export/xm"  # the MARCXML export is asked first
    assert (f"/record/{GA_RECORD}" in asked) == (listing == ("html",))  # the page only when it lists nothing
    assert library.file_requests("2025_7_21_ga_voting.csv") == []


# ----------------------------------------------------------------------------- download


def test_full_download_records_the_manifest(library: FakeLibrary, tmp_path: Path) -> None:
    content = ga_file(3)
    served = library.put(GA_RECORD, GA_NEW, content)
    result = _sync(library, tmp_path)
    assert result.status == "downloaded" and result.layout == "undl-2026"
    assert result.size == len(content)
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    entry = read_manifest(tmp_path)["ga"]
    assert entry["name"] == GA_NEW
    assert entry["etag"] == served.etag
    assert entry["size"] == len(content)
    assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == [GA_NEW, "manifest.json"]


def test_resumes_after_a_dropped_connection(library: FakeLibrary, tmp_path: Path) -> None:
    content = ga_file(40)
    library.put(GA_RECORD, GA_NEW, content, drop_first=True)
    result = _sync(library, tmp_path)
    assert result.status == "downloaded"
    assert result.path is not None and result.path.read_bytes() == content
    gets = library.file_requests(GA_NEW)
    assert len(gets) == 2
    assert "Range" not in gets[0]["headers"]
    assert gets[1]["headers"]["Range"] == f"bytes={len(content) // 2}-"
    assert gets[1]["headers"]["If-Range"] == library.records[GA_RECORD][GA_NEW].etag
    assert result.resumed_from == len(content) // 2


def test_a_later_sync_resumes_the_partial_file(library: FakeLibrary, tmp_path: Path) -> None:
    content = ga_file(40)
    served = library.put(GA_RECORD, GA_NEW, content, always_short=True)
    with pytest.raises(DownloadError, match="run `polycentric sync` again to resume"):
        _sync(library, tmp_path, retries=0)
    part = tmp_path / "downloads" / (GA_NEW + ".part")
    assert part.stat().st_size == len(content) // 2
    assert not (tmp_path / "downloads" / GA_NEW).exists()
    served.always_short = False
    result = _sync(library, tmp_path)
    assert result.status == "downloaded" and result.resumed_from == len(content) // 2
    assert result.path is not None and result.path.read_bytes() == content
    assert library.file_requests(GA_NEW)[-1]["headers"]["Range"] == f"bytes={len(content) // 2}-"
    assert not part.exists()


def test_unchanged_file_is_skipped(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, GA_NEW, ga_file(3))
    first = _sync(library, tmp_path)
    mtime = first.path.stat().st_mtime_ns if first.path else 0
    second = _sync(library, tmp_path)
    assert second.status == "unchanged"
    assert second.sha256 == first.sha256
    last = library.file_requests(GA_NEW)[-1]
    assert last["headers"]["If-None-Match"] == library.records[GA_RECORD][GA_NEW].etag
    assert second.path is not None and second.path.stat().st_mtime_ns == mtime


def test_changed_file_is_downloaded_again(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, GA_NEW, ga_file(3))
    first = _sync(library, tmp_path)
    new_content = ga_file(5)
    library.put(GA_RECORD, GA_NEW, new_content, last_modified="Sat, 07 Feb 2026 10:00:00 GMT")
    second = _sync(library, tmp_path)
    assert second.status == "downloaded"
    assert second.sha256 == hashlib.sha256(new_content).hexdigest() != first.sha256
    assert second.path is not None and second.path.read_bytes() == new_content
    assert read_manifest(tmp_path)["ga"]["size"] == len(new_content)


def test_a_new_release_replaces_the_old_one(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, "2025_7_21_ga_voting.csv", ga_file(2))
    first = _sync(library, tmp_path)
    assert first.name == "2025_7_21_ga_voting.csv"
    library.put(GA_RECORD, GA_NEW, ga_file(4))
    second = _sync(library, tmp_path)
    assert second.status == "downloaded" and second.name == GA_NEW
    assert not (tmp_path / "downloads" / "2025_7_21_ga_voting.csv").exists()
    assert read_manifest(tmp_path)["ga"]["name"] == GA_NEW


def test_without_validators_the_same_bytes_count_as_unchanged(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, GA_NEW, ga_file(3))
    _sync(library, tmp_path)
    manifest = tmp_path / "downloads" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["ga"]["etag"] = None
    data["ga"]["last_modified"] = None
    manifest.write_text(json.dumps(data))
    assert _sync(library, tmp_path).status == "unchanged"


# ----------------------------------------------------------------------------- verification


def _previous_kept(tmp_path: Path, content: bytes) -> None:
    assert (tmp_path / "downloads" / GA_NEW).read_bytes() == content
    assert read_manifest(tmp_path)["ga"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert not (tmp_path / "downloads" / (GA_NEW + ".part")).exists()


def test_wrong_digest_is_refused_and_the_previous_file_kept(library: FakeLibrary, tmp_path: Path) -> None:
    old = ga_file(3)
    library.put(GA_RECORD, GA_NEW, old)
    _sync(library, tmp_path)
    library.put(GA_RECORD, GA_NEW, ga_file(6), wrong_digest=True)
    with pytest.raises(DownloadError, match="sha-256 digest"):
        _sync(library, tmp_path)
    _previous_kept(tmp_path, old)


def test_short_body_is_an_error_and_the_previous_file_kept(library: FakeLibrary, tmp_path: Path) -> None:
    old = ga_file(3)
    library.put(GA_RECORD, GA_NEW, old)
    _sync(library, tmp_path)
    library.put(GA_RECORD, GA_NEW, ga_file(6), always_short=True)
    with pytest.raises(DownloadError, match="failed after 2 attempt"):
        _sync(library, tmp_path, retries=1)
    assert (tmp_path / "downloads" / GA_NEW).read_bytes() == old
    assert read_manifest(tmp_path)["ga"]["sha256"] == hashlib.sha256(old).hexdigest()


def test_size_differing_from_the_record_is_refused(library: FakeLibrary, tmp_path: Path) -> None:
    content = ga_file(3)
    library.put(GA_RECORD, GA_NEW, content, marc_size=len(content) + 10, with_digest=False)
    with pytest.raises(DownloadError, match=f"received {len(content)} bytes but the record lists {len(content) + 10}"):
        _sync(library, tmp_path)
    assert not (tmp_path / "downloads" / GA_NEW).exists()
    assert read_manifest(tmp_path) == {}


def test_unknown_layout_is_refused_naming_the_expected_columns(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, GA_NEW, b"country,resolution_number,vote\nAFG,1,Y\n")
    with pytest.raises(UnknownLayoutError) as err:
        _sync(library, tmp_path)
    message = str(err.value)
    assert "missing column(s) undl_id, ms_code, ms_vote, date" in message
    assert "undl_id, ms_code, ms_name, ms_vote, date, session, resolution" in message
    assert "Found: country, resolution_number, vote" in message
    assert not (tmp_path / "downloads" / GA_NEW).exists()


def test_sc_and_authority_files_are_checked_by_their_readers(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(SC_RECORD, "2026_02_06_sc_voting.csv", sc_file())
    library.put(AUTH_RECORD, "member_states_auths_2026-04-30.csv", auth_file())
    assert _sync(library, tmp_path, key="sc").layout == "undl-sc"
    assert _sync(library, tmp_path, key="authorities").layout == "undl-authorities"
    library.put(SC_RECORD, "2026_03_01_sc_voting.csv", b"a,b\n1,2\n")
    with pytest.raises(UnknownLayoutError, match=r"Security Council.*Expected the columns undl_id"):
        _sync(library, tmp_path, key="sc")
    assert read_manifest(tmp_path)["sc"]["name"] == "2026_02_06_sc_voting.csv"


# ----------------------------------------------------------------------------- offline


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "base_url",
    [f"http://127.0.0.1:{_closed_port()}", "http://192.0.2.1:9", "http://polycentric-test.invalid"],
    ids=["refused", "unroutable", "dns"],
)
def test_offline_fails_fast_with_the_local_ingest_hint(tmp_path: Path, base_url: str) -> None:
    with pytest.raises(OfflineError) as err:
        sync_source("ga", home=tmp_path, base_url=base_url, progress=False, connect_timeout=0.5)
    assert "polycentric ingest PATH" in str(err.value)
    assert not (tmp_path / "downloads" / "manifest.json").exists()


def test_base_url_from_the_environment(library: FakeLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library.put(GA_RECORD, GA_NEW, ga_file(2))
    monkeypatch.setenv("POLYCENTRIC_UNDL_URL", library.base_url + "/")
    result = sync_source("ga", home=tmp_path, progress=False)
    assert result.status == "downloaded"


# ----------------------------------------------------------------------------- sync_record (bulk files)


def test_sync_all_downloads_then_ingests_only_what_changed(
    library: FakeLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.put(GA_RECORD, GA_NEW, ga_file(3))
    library.put(SC_RECORD, "2026_02_06_sc_voting.csv", sc_file())
    library.put(AUTH_RECORD, "member_states_auths_2026-04-30.csv", auth_file())
    calls: list[tuple[list[Path], object]] = []
    monkeypatch.setattr(build, "ingest", lambda paths, home=None, progress=None: calls.append((list(paths), home)))
    report = sync_all(home=tmp_path, base_url=library.base_url, progress=False)
    assert [(r.source, r.status) for r in report.results] == [
        ("authorities", "downloaded"), ("ga", "downloaded"), ("sc", "downloaded")]  # fmt: skip
    folder = tmp_path / "downloads"
    assert calls == [([folder / "member_states_auths_2026-04-30.csv"], tmp_path), ([folder / GA_NEW], tmp_path),
                     ([folder / "2026_02_06_sc_voting.csv"], tmp_path)]  # one transaction per file  # fmt: skip
    frame = report.to_frame()
    assert frame["status"].to_list() == ["downloaded"] * 3
    assert [r.pending for r in report.results] == [False] * 3  # marked once the ingest returned
    again = sync_all(home=tmp_path, base_url=library.base_url, progress=False)
    assert [r.status for r in again.results] == ["unchanged"] * 3
    assert again.ingest_note == "nothing changed: the record is current"
    assert len(calls) == 3


def test_sync_all_reports_a_failed_source_and_syncs_the_others(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, GA_NEW, b"x,y\n1,2\n")
    library.put(SC_RECORD, "2026_02_06_sc_voting.csv", sc_file())
    report = sync_all(home=tmp_path, base_url=library.base_url, progress=False, sources=("ga", "sc"), ingest=False)
    assert [(r.source, r.status) for r in report.results] == [("ga", "failed"), ("sc", "downloaded")]
    assert report.failed[0].error is not None and "Expected the columns" in report.failed[0].error


def test_sync_all_offline_raises(tmp_path: Path) -> None:
    with pytest.raises(OfflineError, match="polycentric ingest"):
        sync_all(home=tmp_path, base_url=f"http://127.0.0.1:{_closed_port()}", progress=False, connect_timeout=0.5)


def test_http_error_is_a_download_error(library: FakeLibrary, tmp_path: Path) -> None:
    library.listing = ()
    with pytest.raises(DownloadError, match="no files found for record 4060887: HTTP 404"):
        _sync(library, tmp_path)


def test_client_can_be_injected(library: FakeLibrary, tmp_path: Path) -> None:
    library.put(GA_RECORD, GA_NEW, ga_file(2))
    with httpx.Client() as client:
        assert _sync(library, tmp_path, client=client).status == "downloaded"


# ----------------------------------------------------------------------------- CLI


def test_cli_sync_prints_the_report(library: FakeLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from polycentric.cli.main import main

    content = ga_file(2)
    library.put(GA_RECORD, GA_NEW, content)
    argv = ["--home", str(tmp_path), "sync", "--only", "ga", "--url", library.base_url, "--no-ingest", "--no-progress"]
    assert main([*argv, "--format", "csv"]) == 0
    out = capsys.readouterr()
    sha = hashlib.sha256(content).hexdigest()
    assert out.out.splitlines() == [
        "source,status,file,bytes,sha256,layout,pending,error",
        f"ga,downloaded,{GA_NEW},{len(content)},{sha},undl-2026,true,",
    ]
    assert "ingest skipped" in out.err
    assert main([*argv, "--format", "json"]) == 0
    assert '"status": "unchanged"' in capsys.readouterr().out


def test_cli_sync_offline_exits_non_zero_with_the_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from polycentric.cli.main import main

    code = main(["--home", str(tmp_path), "sync", "--url", f"http://127.0.0.1:{_closed_port()}", "--no-progress"])
    assert code == 2
    assert "polycentric ingest PATH" in capsys.readouterr().err


def test_cli_sync_failed_source_exits_2(
    library: FakeLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from polycentric.cli.main import main

    library.put(GA_RECORD, GA_NEW, b"a,b\n1,2\n")
    argv = [
        "--home",
        str(tmp_path),
        "sync",
        "--only",
        "ga",
        "--url",
        library.base_url,
        "--no-progress",
        "--format",
        "csv",
    ]
    assert main(argv) == 2
    out = capsys.readouterr()
    assert "Expected the columns undl_id" in out.out
    assert "error: 1 source(s) could not be synced (ga)" in out.err


def test_a_proxy_from_the_environment_is_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from polycentric.sources import _http

    with _http.make_client(1, 1, _http.Deadline(5)) as direct:
        assert isinstance(direct._transport, _http._Transport)  # the deadline sits under every socket
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    with _http.make_client(1, 1, _http.Deadline(5)) as proxied:
        assert not isinstance(proxied._transport, _http._Transport)
        assert any(key.pattern == "https://" for key in proxied._mounts)  # httpx's own proxy transport
