"""`polycentric sync` is exactly-once, never splices two releases, and gives up on a slow server.

Each test runs `python -m polycentric sync` as a real process against a real
HTTP server on 127.0.0.1 (a thread of the test process), and reads the result
back from the home folder: the download manifest and the record.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from polycentric.errors import IngestError, RecordNotBuiltError
from polycentric.record import build
from polycentric.record.store import open_record
from polycentric.sources.download import downloads_lock

GA_RECORD = 4060887
NAME = "2026_02_06_ga_voting.csv"
COLUMNS = (
    "undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "draft", "committee_report",
    "meeting", "title", "agenda_title", "subjects", "vote_note", "total_yes", "total_no", "total_abstentions",
    "total_non_voting", "total_ms", "undl_link",
)  # fmt: skip
STATES = [("AFG", "AFGHANISTAN"), ("BRA", "BRAZIL"), ("RUS", "RUSSIAN FEDERATION"), ("USA", "UNITED STATES")]
SAFETY = 180  # seconds before a hung child is killed (a safety net, not an assertion)


def ga_file(n: int, flip: bool = False) -> bytes:
    """A GA bulk file: ``n`` roll calls of four states; ``flip`` swaps Y and N (same length, other votes)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for k in range(n):
        votes = ["Y", "Y", "N", "A"]
        if flip:
            votes = ["N", "N", "Y", "A"]
        t = {v: votes.count(v) for v in "YNA"}
        for (code, name), v in zip(STATES, votes, strict=True):
            w.writerow([4100000 + k, code, name, v, f"2025-11-{10 + k % 20:02d}", "80", f"A/RES/80/{500 + k}", "", "",
                        f"A/80/PV.{60 + k}", f"Resolution {k}", "", "", "", t["Y"], t["N"], t["A"], 0, 4,
                        f"https://digitallibrary.un.org/record/{4100000 + k}"])  # fmt: skip
    return buf.getvalue().encode()


# ----------------------------------------------------------------------------- the server


@dataclass
class Library:
    """What the server serves, and how it misbehaves."""

    content: bytes = b""
    etag: str = '"v1"'
    next_content: bytes | None = None  # served after the first response is cut (the file changed)
    next_etag: str = '"v2"'
    ignore_if_range: bool = False  # answer every Range with 206 of the current file
    etag_on_206: bool = True
    cut_first: bool = False  # drop the first file response half-way
    trickle: str | None = None  # "headers" or "body": one byte every 0.2 s, forever
    html: bool = False  # answer the file with an HTML error page (200)
    base_url: str = ""
    file_gets: list[dict[str, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def _handler(lib: Library) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str], cut: bool = False) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if cut else body)
            self.wfile.flush()
            self.close_connection = True

        def _trickle(self, data: bytes) -> None:
            for b in data * 1000:
                if lib.stop.is_set():
                    return
                try:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == f"/record/{GA_RECORD}/export/xm":
                xml = (
                    '<?xml version="1.0"?><collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
                    f'<controlfield tag="001">{GA_RECORD}</controlfield><datafield tag="856" ind1="4" ind2=" ">'
                    f'<subfield code="u">https://digitallibrary.un.org/record/{GA_RECORD}/files/{NAME}</subfield>'
                    "</datafield></record></collection>"
                ).encode()
                return self._send(200, xml, {"Content-Type": "application/xml"})
            if path != f"/record/{GA_RECORD}/files/{NAME}":
                return self._send(404, b"not found", {})
            lib.file_gets.append(dict(self.headers))
            if lib.trickle == "headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                return self._trickle(b"X-Slow: 1\r\n")
            if lib.html:
                page = b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>"
                return self._send(200, page, {"Content-Type": "text/html; charset=utf-8"})
            headers = {"ETag": lib.etag, "Accept-Ranges": "bytes", "Content-Type": "text/csv"}
            if lib.trickle == "body":
                self.send_response(200)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(lib.content) * 1000))
                self.end_headers()
                return self._trickle(lib.content)
            inm = self.headers.get("If-None-Match")
            if inm is not None and inm == lib.etag:
                return self._send(304, b"", {"ETag": lib.etag})
            rng, if_range = self.headers.get("Range"), self.headers.get("If-Range")
            total = len(lib.content)
            if rng and (lib.ignore_if_range or if_range in (None, lib.etag)):
                start = int(rng.removeprefix("bytes=").split("-")[0])
                h = dict(headers, **{"Content-Range": f"bytes {start}-{total - 1}/{total}"})
                if not lib.etag_on_206:
                    del h["ETag"]
                return self._send(206, lib.content[start:], h)
            if lib.cut_first and len(lib.file_gets) == 1:
                self._send(200, lib.content, headers, cut=True)
                if lib.next_content is not None:  # the library publishes a correction meanwhile
                    lib.content, lib.etag = lib.next_content, lib.next_etag
                return None
            return self._send(200, lib.content, headers)

    return Handler


@pytest.fixture
def library() -> Iterator[Library]:
    lib = Library()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lib))
    httpd.daemon_threads = True
    lib.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield lib
    lib.stop.set()
    httpd.shutdown()
    httpd.server_close()


def sync(home: Path, lib: Library, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    """`polycentric sync --only ga` in a child process."""
    env = {k: v for k, v in os.environ.items() if k not in ("POLYCENTRIC_FAULT", "POLYCENTRIC_HOME")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1"
    if fault:
        env["POLYCENTRIC_FAULT"] = f"kill:{fault}"
    cmd = [sys.executable, "-m", "polycentric", "--home", str(home), "sync", "--only", "ga", "--url", lib.base_url,
           "--no-progress", "--format", "json", *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=SAFETY, check=False)


def manifest(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / "downloads" / "manifest.json").read_text())
    return data


def stored_votes(home: Path) -> dict[tuple[str, str], str]:
    v = open_record(home).votes()
    return {(r, s): x for r, s, x in zip(v["resolution"], v["state"], v["vote"], strict=True)}


# ----------------------------------------------------------------------------- exactly-once


@pytest.mark.parametrize("point", ["sync:before-ingest", "sync:after-ingest"])
def test_a_sync_killed_around_the_ingest_is_made_good_by_the_next(library: Library, tmp_path: Path, point: str) -> None:
    library.content = ga_file(3)
    killed = sync(tmp_path, library, fault=point)
    assert killed.returncode == -9  # SIGKILL, at the fault point
    entry = manifest(tmp_path)["ga"]
    assert (tmp_path / "downloads" / NAME).read_bytes() == library.content  # the download completed
    assert entry.get("ingested_sha256") is None  # ... but is not current: its ingest never got marked
    if point == "sync:before-ingest":
        with pytest.raises(RecordNotBuiltError):
            open_record(tmp_path)

    again = sync(tmp_path, library)
    assert again.returncode == 0, again.stderr
    [row] = json.loads(again.stdout)
    assert (row["source"], row["status"], row["pending"]) == ("ga", "unchanged", False)
    assert "ingested 1 file(s)" in again.stderr
    assert manifest(tmp_path)["ga"]["ingested_sha256"] == entry["sha256"]
    rec = open_record(tmp_path)
    assert rec.roll_calls().height == 3  # once, not twice
    assert stored_votes(tmp_path)[("A/RES/80/501", "RUS")] == "N"

    third = sync(tmp_path, library)
    assert third.returncode == 0 and "nothing changed: the record is current" in third.stderr
    assert len(library.file_gets) == 3  # the third run only asked whether the file changed (If-None-Match)
    assert library.file_gets[-1].get("If-None-Match") == library.etag


def test_a_failed_ingest_leaves_the_download_pending(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.content = ga_file(2)

    def broken(*args: object, **kw: object) -> None:
        raise IngestError("disk full (simulated)")

    with monkeypatch.context() as m:
        m.setattr(build, "ingest", broken)
        failed = build.sync_record(tmp_path, library.base_url, progress=False, sources=("ga",), search_api=False)
    [result] = failed.results
    assert (result.status, result.pending) == ("failed", True)
    assert result.error is not None and "stays pending" in result.error and "disk full" in result.error
    assert failed.ingested == []
    assert "ingested_sha256" not in manifest(tmp_path)["ga"]
    report = build.sync_record(tmp_path, library.base_url, progress=False, sources=("ga",), search_api=False)
    assert [(r.status, r.pending) for r in report.results] == [("unchanged", False)]
    assert report.ingested == [tmp_path / "downloads" / NAME]
    assert open_record(tmp_path).roll_calls().height == 2


def test_one_sync_at_a_time(library: Library, tmp_path: Path) -> None:
    library.content = ga_file(2)
    with downloads_lock(tmp_path):
        busy = sync(tmp_path, library, "--wait", "0.3")
    assert busy.returncode == 2
    assert f"pid {os.getpid()}" in busy.stderr and "another `polycentric sync` is running" in busy.stderr
    assert library.file_gets == []  # it touched nothing
    done = sync(tmp_path, library)
    assert done.returncode == 0, done.stderr
    assert open_record(tmp_path).roll_calls().height == 2


# ----------------------------------------------------------------------------- never spliced


@pytest.mark.parametrize("etag_on_206", [True, False], ids=["206-with-new-etag", "206-without-validator"])
def test_a_file_changed_mid_resume_is_downloaded_again_not_spliced(
    library: Library, tmp_path: Path, etag_on_206: bool
) -> None:
    old, new = ga_file(40), ga_file(40, flip=True)
    assert len(old) == len(new) and old != new
    half = len(old) // 2
    spliced = old[:half] + new[half:]
    assert spliced != new and spliced != old  # what a naive resume would produce
    library.content, library.next_content = old, new
    library.cut_first = True
    library.ignore_if_range = True  # a server that answers Range with the new release
    library.etag_on_206 = etag_on_206
    done = sync(tmp_path, library)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "downloads" / NAME).read_bytes() == new
    assert library.file_gets[1].get("If-Range") == '"v1"'  # the resume carried the validator it saw
    assert library.file_gets[1].get("Range") == f"bytes={half}-"
    votes = stored_votes(tmp_path)
    assert {votes[(f"A/RES/80/{500 + k}", "AFG")] for k in range(40)} == {"N"}  # every roll call from the new file


# ----------------------------------------------------------------------------- refused bodies and timeouts


def test_an_html_error_page_is_refused(library: Library, tmp_path: Path) -> None:
    library.html = True
    done = sync(tmp_path, library)
    assert done.returncode == 2
    assert "HTML page" in done.stdout + done.stderr
    assert not (tmp_path / "downloads" / NAME).exists()


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_slow_loris_server_times_out(library: Library, tmp_path: Path, where: str) -> None:
    library.content = ga_file(2)
    library.trickle = where
    done = sync(tmp_path, library, "--timeout", "3", "--read-timeout", "1", "--connect-timeout", "1")
    assert done.returncode == 2
    out = json.loads(done.stdout)
    assert out[0]["status"] == "failed"
    assert "overall timeout of 3 s" in out[0]["error"]
    assert not (tmp_path / "downloads" / NAME).exists()
