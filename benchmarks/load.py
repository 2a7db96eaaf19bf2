"""Bounded HTTP load test of the API on 127.0.0.1: latency percentiles and errors.

Starts ``polycentric serve``'s app (uvicorn, one process) on a free port in a subprocess,
then drives it with N concurrent keep-alive connections (asyncio) for a fixed time, in three phases:

1. ``baseline``: ``GET /api/health`` only (the cost of HTTP + the framework itself);
2. ``typical``: a mix of dashboard queries (roll call, its votes, states, map ids, a state's
   votes, search, CSV export, plus the groups, measures, series, ideal-point, polarity and forecast
   routes when present: the models must be fitted in the home), repeated as people
   following shared links would repeat them (served through the ETag/LRU cache after the
   first request);
3. ``uncached``: the same mix, each URL made unique with a nonce so every request is
   computed by the library (the cold path);
4. ``mixed``: cheap cached routes, the uncached mix and the expensive routes together (whole-record
   measures, the three polarity readings, ``/api/votes?limit=100`` over the whole record, a forecast of a
   new draft each time), each client looping over all of them: what a busy public server meets.

It reports p50/p95/p99 latency, requests per second and errors per phase, the p95 ratio
against the baseline, and the server's peak memory (VmHWM). ``--src DIR`` serves another version's code
(``PYTHONPATH=DIR``: e.g. the previous version's ``src`` from ``git worktree add``) for a comparison.

Run::

    .venv/bin/python benchmarks/load.py --duration 30 --clients 50

``--home DIR`` serves the record there; without it a record is built first from the local
source files (``../shared/data``) into a temporary folder, as ``polycentric build`` does offline.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int, home: str | None) -> None:
    """Child process: serve the app with uvicorn until killed."""
    import uvicorn

    from polycentric.api import create_app

    uvicorn.run(create_app(home=home, warm=True), host="127.0.0.1", port=port, log_level="error", access_log=False)


def typical_paths(client: httpx.Client) -> list[str]:
    """The query mix, resolved against the running server (ids differ between records)."""
    rc = client.get("/api/rollcalls", params={"resolution": "A/RES/ES-11/1", "kind": "resolution"}).json()
    rid = rc["data"][0]["rollcall_id"] if rc.get("data") else None
    paths = [
        "/api/rollcalls?resolution=A/RES/ES-11/1",
        "/api/states/map-ids",
        "/api/states?limit=300",
        "/api/states/RUS/votes?year=2014&limit=500",
        "/api/states/IND",
        "/api/search?q=ukraine&limit=8",
        "/api/search?q=RUS&limit=8",
        "/api/rollcalls?year=2022&limit=100",
        "/api/votes?resolution=A/RES/68/262&limit=500&format=csv",
        "/api/meta",
    ]
    if rid is not None:
        paths += [f"/api/rollcalls/{rid}", f"/api/rollcalls/{rid}/votes?limit=500"]
    paths += ["/api/votes?limit=100"]
    schema = client.get("/api/openapi.json").json()["paths"]
    optional = {
        "/api/groups": "/api/groups",
        "/api/groups/{group}/members": "/api/groups/NAM/members?date=2022-03-02",
        "/api/cohesion": "/api/cohesion?groups=NAM,EU&start=2010&end=2022",
        "/api/rollcalls/{rollcall_id}/groups": f"/api/rollcalls/{rid}/groups",
        "/api/alignment": "/api/alignment?states=IND&start=2010&end=2022",
        "/api/agreement/matrix": "/api/agreement/matrix?states=USA,RUS,CHN,GBR,FRA&start=2014&end=2023",
        "/api/voice": "/api/voice?groups=EU,NAM&start=2000&end=2022",
        "/api/shifts": "/api/shifts?from=2014&to=2022&reference=USA&min_shared=10",
        "/api/series/history": "/api/series/history?q=cuba-embargo",
        "/api/idealpoints": "/api/idealpoints?states=IND,USA,RUS,CHN",
        "/api/polarity": "/api/polarity",
        "/api/forecast": "/api/forecast?title=Nuclear%20disarmament&known=USA:N",
    }
    paths += [p for key, p in optional.items() if key in schema]
    return _check(client, paths)


EXPENSIVE = [
    "!/api/votes?limit=100",
    "!/api/votes?limit=100&body=SC",
    "!/api/cohesion?groups=NAM,EU,G77&start=1946&end=2025",
    "!/api/voice?groups=NAM,EU&start=1946&end=2025",
    "!/api/alignment?states=FRA&start=1946&end=2025",
    "!/api/polarity?method=both",
    "!/api/polarity?method=network",
    "!/api/series/history?q=cuba-embargo",
    "!/api/forecast?title=Draft%20on%20nuclear%20disarmament%20verification&known=USA:N",
    "!/api/agreement/matrix?states=group:EU&start=1990&end=2023",
]
"""Routes that work over the whole record or a model, each request made unique (``!``: add a nonce)."""


def mixed_paths(client: httpx.Client, typical: list[str]) -> list[str]:
    """Cheap cached routes, the same made uncached (``!``), and the expensive routes, interleaved."""
    _check(client, [p.removeprefix("!") for p in EXPENSIVE])
    out: list[str] = []
    for i, p in enumerate(typical):
        out += [p, "!" + p, EXPENSIVE[i % len(EXPENSIVE)]]
    return out


def _check(client: httpx.Client, paths: list[str]) -> list[str]:
    for p in paths:  # every path must answer 200 before we time it
        r = client.get(p)
        if r.status_code != 200:
            raise SystemExit(f"{p}: HTTP {r.status_code} {r.text[:200]}")
    return paths


class _Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx's async client costs several milliseconds of client CPU per request and its pool
    serialises under 50 concurrent tasks, so at this concurrency it measures itself rather
    than the server; this client only writes a GET and reads the status, headers and a
    Content-Length or chunked body.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n\r\n"
        self.writer.write(request.encode("latin-1"))
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


async def drive(base: str, paths: list[str], clients: int, duration: float, nonce: bool) -> dict[str, float]:
    """Run ``clients`` concurrent keep-alive connections looping over ``paths`` for ``duration`` seconds."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    deadline = time.perf_counter() + duration

    async def worker(offset: int) -> None:
        nonlocal errors
        conn = _Connection(host, int(port))
        i = offset
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            if nonce or path.startswith("!"):
                path = path.removeprefix("!")
                path += ("&" if "?" in path else "?") + f"_n={next(counter)}"
            t0 = time.perf_counter()
            try:
                ok = await conn.get(path) == 200
            except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError):
                ok = False
                await conn.close()
            latencies.append(time.perf_counter() - t0)
            errors += not ok
        await conn.close()

    t_start = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    elapsed = time.perf_counter() - t_start
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * q[49],
        "p95_ms": 1000 * q[94],
        "p99_ms": 1000 * q[98],
    }


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak(pid: int) -> None:
    """Reset the process's peak RSS (VmHWM) so the next phase's peak is its own (Linux)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per phase (typical/uncached)")
    ap.add_argument("--baseline-duration", type=float, default=10.0, help="seconds of the /api/health phase")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--home", default=None)
    ap.add_argument("--src", default=None, help="serve the code in this src folder (a previous version)")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.home)
        return
    home = args.home
    if home is None:
        from polycentric.record.build import build_record

        home = tempfile.mkdtemp(prefix="polycentric-load-")
        print(build_record(home=home, offline=True).message, file=sys.stderr)

    port = _free_port()
    cmd = [sys.executable, __file__, "--serve", str(port), "--home", home]
    env = os.environ.copy()
    if args.src:
        env["PYTHONPATH"] = args.src
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60.0) as client:
            for _ in range(600):
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    raise SystemExit("server exited")
                time.sleep(0.1)
            paths = typical_paths(client)
            mixed = mixed_paths(client, paths)
        startup_peak = _peak_rss_mb(proc.pid)
        phases = {
            "baseline": (["/api/health"], args.baseline_duration, False),
            "typical": (paths, args.duration, False),
            "uncached": (paths, args.duration, True),
            "mixed": (mixed, args.duration, False),
        }
        results = {}
        peaks = {"start-up and checks": startup_peak}
        for name, (phase_paths, seconds, nonce) in phases.items():
            _reset_peak(proc.pid)
            results[name] = asyncio.run(drive(base, phase_paths, args.clients, seconds, nonce))
            peaks[name] = _peak_rss_mb(proc.pid)
        peak = max(peaks.values())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    out = {
        "clients": args.clients,
        "duration_s": args.duration,
        "paths": paths,
        "results": results,
        "p95_ratio_typical_vs_baseline": results["typical"]["p95_ms"] / results["baseline"]["p95_ms"],
        "p95_ratio_uncached_vs_baseline": results["uncached"]["p95_ms"] / results["baseline"]["p95_ms"],
        "server_peak_rss_mb": peak,
        "server_peak_rss_mb_by_phase": peaks,
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"{args.clients} concurrent clients on 127.0.0.1, {len(paths)} typical paths, server peak RSS {peak:.0f} MB")
    print(f"{'phase':<10}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, r in results.items():
        print(
            f"{name:<10}{r['requests']:>10}{r['errors']:>8}{r['rps']:>9.0f}"
            f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        )
    print("server peak RSS by phase (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in peaks.items()))
    print(
        f"p95 ratio typical/baseline {out['p95_ratio_typical_vs_baseline']:.2f}, "
        f"uncached/baseline {out['p95_ratio_uncached_vs_baseline']:.2f}"
    )


if __name__ == "__main__":
    main()
