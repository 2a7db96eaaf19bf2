"""A small stand-in for the UN Digital Library on 127.0.0.1, for download tests.

It serves, per record, a MARCXML export (``/record/ID/export/xm``, 856 fields),
an HTML page linking ``/record/ID/files/NAME`` and the files themselves with
ETag, Last-Modified, Range/If-Range and If-None-Match support. Faults are
switched on per file: a dropped connection on the first request, a body always
cut short, a wrong digest header, a wrong size in the MARC record.

It also answers the record search API, ``/search?p=269:FROM->TO&of=xm&rg=N&jrec=K``,
with the "Voting Data" records put in :attr:`FakeLibrary.voting` (MARC-XML
``<record>`` elements, served as one ``<collection>`` per page, in order,
those whose date is within the range).
"""

from __future__ import annotations

import base64
import hashlib
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class ServedFile:
    content: bytes
    last_modified: str = "Fri, 06 Feb 2026 10:00:00 GMT"
    drop_first: bool = False  # close the first full GET half-way through the body
    always_short: bool = False  # every response stops half-way through the body
    wrong_digest: bool = False  # announce a Repr-Digest that does not match
    marc_size: int | None = None  # 856 $s; None -> the true size
    with_digest: bool = True
    served: int = 0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.content).hexdigest()[:16] + '"'


@dataclass
class FakeLibrary:
    records: dict[int, dict[str, ServedFile]] = field(default_factory=dict)
    listing: tuple[str, ...] = ("marc", "html")
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    voting: list[tuple[str, str]] = field(default_factory=list)  # (269 date, <record> XML) for /search
    search_override: bytes | None = None  # serve this body to every /search instead

    def searches(self) -> list[dict[str, str]]:
        """The query parameters of every /search request, in order."""
        return [r["query"] for r in self.requests if r["path"] == "/search"]

    def put(self, record_id: int, name: str, content: bytes, **kw: Any) -> ServedFile:
        f = ServedFile(content, **kw)
        self.records.setdefault(record_id, {})[name] = f
        return f

    def file_requests(self, name: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/files/" + name)]


def _marcxml(lib: FakeLibrary, record_id: int) -> bytes:
    fields = []
    for name, f in lib.records.get(record_id, {}).items():
        size = f.marc_size if f.marc_size is not None else len(f.content)
        fields.append(
            '<datafield tag="856" ind1="4" ind2=" ">'
            f'<subfield code="s">{size}</subfield>'
            f'<subfield code="u">https://digitallibrary.un.org/record/{record_id}/files/{name}?ln=en</subfield>'
            "</datafield>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        f'<controlfield tag="001">{record_id}</controlfield>' + "".join(fields) + "</record></collection>"
    ).encode()


def _html(lib: FakeLibrary, record_id: int) -> bytes:
    links = "".join(
        f'<li><a href="/record/{record_id}/files/{name}?ln=en">{name}</a></li>'
        for name in lib.records.get(record_id, {})
    )
    return f"<html><body><h1>Record {record_id}</h1><ul>{links}</ul></body></html>".encode()


def make_handler(lib: FakeLibrary) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, cut: bool = False) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if cut else body)
            self.wfile.flush()
            self.close_connection = True

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            params = dict(urllib.parse.parse_qsl(query))
            lib.requests.append({"path": path, "headers": dict(self.headers), "query": params})
            if path == "/search":
                return self._search(params)
            parts = path.strip("/").split("/")
            if len(parts) >= 2 and parts[0] == "record" and parts[1].isdigit():
                rid = int(parts[1])
                if len(parts) == 4 and parts[2:] == ["export", "xm"]:
                    if "marc" in lib.listing:
                        return self._send(200, _marcxml(lib, rid), {"Content-Type": "application/xml"})
                    return self._send(404, b"not found")
                if len(parts) == 2:
                    if "html" in lib.listing:
                        return self._send(200, _html(lib, rid), {"Content-Type": "text/html"})
                    return self._send(404, b"not found")
                if len(parts) == 4 and parts[2] == "files":
                    f = lib.records.get(rid, {}).get(parts[3])
                    if f is None:
                        return self._send(404, b"not found")
                    return self._serve_file(f)
            return self._send(404, b"not found")

        def _search(self, params: dict[str, str]) -> None:
            if lib.search_override is not None:
                return self._send(200, lib.search_override, {"Content-Type": "application/xml"})
            low, _, high = params.get("p", "").removeprefix("269:").partition("->")
            hits = [xml for date, xml in lib.voting if (not low or date >= low) and (not high or date <= high)]
            start = int(params.get("jrec", "1")) - 1
            page = hits[start : start + int(params.get("rg", "10"))]
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<!-- Search-Engine-Total-Number-Of-Results: {len(hits)} -->\n"
                '<collection xmlns="http://www.loc.gov/MARC21/slim">\n' + "\n".join(page) + "\n</collection>\n"
            )
            return self._send(200, body.encode("utf-8"), {"Content-Type": "application/xml"})

        def _serve_file(self, f: ServedFile) -> None:
            f.served += 1
            inm = self.headers.get("If-None-Match")
            if inm is not None and inm == f.etag:
                self.send_response(304)
                self.send_header("ETag", f.etag)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                return
            digest = hashlib.sha256(b"corrupt" if f.wrong_digest else f.content).digest()
            headers = {"ETag": f.etag, "Last-Modified": f.last_modified, "Accept-Ranges": "bytes"}
            if f.with_digest:
                headers["Repr-Digest"] = "sha-256=:" + base64.b64encode(digest).decode() + ":"
            rng = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            total = len(f.content)
            if rng and (if_range is None or if_range in (f.etag, f.last_modified)):
                start = int(rng.removeprefix("bytes=").split("-")[0])
                if start >= total:
                    return self._send(416, b"", {"Content-Range": f"bytes */{total}"})
                headers["Content-Range"] = f"bytes {start}-{total - 1}/{total}"
                return self._send(206, f.content[start:], headers, cut=f.always_short)
            cut = f.always_short or (f.drop_first and f.served == 1)
            return self._send(200, f.content, headers, cut=cut)

    return Handler


class LibraryServer:
    """Run a :class:`FakeLibrary` on 127.0.0.1 at a random port, in a daemon thread."""

    def __init__(self, lib: FakeLibrary) -> None:
        self.lib = lib
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(lib))
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        lib.base_url = f"http://{host!s}:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeLibrary:
        self.thread.start()
        return self.lib

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
