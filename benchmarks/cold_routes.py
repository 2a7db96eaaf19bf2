"""Every route cold: first request on a freshly started server, then p95 under 50 clients, now vs the previous version.

For each version (``--base-src``: the previous version's ``src`` folder, e.g. a ``git worktree add /tmp/base
8f1579c``; and this checkout's), in the same run:

1. start ``polycentric serve``'s app (``create_app(home, warm=True)``, uvicorn, one process) on a free port and
   wait until it answers ``/api/health``;
2. **cold**: request every route once, one after the other (the first request of each: nothing of it cached in
   the process), and time it;
3. restart the server and drive it with ``--clients`` concurrent keep-alive connections looping over all the
   routes for ``--duration`` seconds (**fresh server under load**: each route's first requests are cold, the
   later ones served by whatever the server keeps); per-route p95, errors;
4. the server's peak RSS (VmHWM).

The previous version serves a home built by its own ``polycentric build`` plus ``polycentric idealpoints fit``
(``--base-home``); this version serves a home built by ``polycentric build`` (``--home``: models and the
dashboard's default answers stored). A request that does not answer 200 is an error.

Run::

    git worktree add /tmp/base 8f1579c
    polycentric --home /tmp/now build --offline
    # the previous version's home: the same record, with only the ideal-point fit
    .venv/bin/python benchmarks/cold_routes.py --home /tmp/now --base-home /tmp/then --base-src /tmp/base/src
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import _Connection, _free_port, _peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]

SERVE = """
import sys, uvicorn
from polycentric.api import create_app
uvicorn.run(create_app(home=sys.argv[1], warm=True), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="error", access_log=False)
"""


def routes(rid: int) -> list[tuple[str, str]]:
    """``(route, url)``: every documented route once, with the dashboard's default query where it has one."""
    year = time.gmtime().tm_year
    page = "limit=10000&offset=0"
    return [
        ("/api/meta", "/api/meta"),
        ("/api/rollcalls", "/api/rollcalls?year=2022&limit=100"),
        ("/api/rollcalls/{id}", f"/api/rollcalls/{rid}"),
        ("/api/rollcalls/{id}/votes", f"/api/rollcalls/{rid}/votes?{page}"),
        ("/api/votes", "/api/votes?limit=100"),
        ("/api/states", f"/api/states?{page}"),
        ("/api/states/map-ids", f"/api/states/map-ids?{page}"),
        ("/api/states/{state}", "/api/states/IND"),
        ("/api/states/{state}/votes", "/api/states/RUS/votes?year=2014&limit=500"),
        ("/api/groups", f"/api/groups?{page}"),
        ("/api/groups/{group}", "/api/groups/NAM"),
        ("/api/groups/{group}/members", "/api/groups/NAM/members?date=2022-03-02"),
        ("/api/groups/{group}/history", f"/api/groups/NAM/history?{page}"),
        ("/api/groups/{group}/members-by-year", f"/api/groups/NAM/members-by-year?start=1946&end={year}&{page}"),
        ("/api/states/{state}/groups", f"/api/states/IND/groups?{page}"),
        ("/api/cohesion", f"/api/cohesion?groups=NAM,EU,G77&index=rice&start=1946&end={year}&{page}"),
        ("/api/alignment", "/api/alignment?states=IND&start=2010&end=2022"),
        ("/api/agreement", "/api/agreement?a=USA&b=RUS"),
        ("/api/agreement/matrix", "/api/agreement/matrix?states=USA,RUS,CHN,GBR,FRA&start=2014&end=2023"),
        ("/api/voice", f"/api/voice?groups=NAM,EU,G77&start=1946&end={year}&{page}"),
        ("/api/shifts", "/api/shifts?from=2014&to=2022&reference=USA&min_shared=10"),
        ("/api/shifts/{state}/drivers", "/api/shifts/IND/drivers?from=2014&to=2022&reference=USA"),
        ("/api/rollcalls/{id}/groups", f"/api/rollcalls/{rid}/groups"),
        ("/api/series", f"/api/series?{page}"),
        ("/api/series/history", f"/api/series/history?q=cuba-embargo&{page}"),
        ("/api/series/switchers", f"/api/series/switchers?q=cuba-embargo&family=1&{page}"),
        ("/api/idealpoints", "/api/idealpoints?states=IND,USA,RUS,CHN"),
        ("/api/states/{state}/idealpoints", "/api/states/IND/idealpoints"),
        ("/api/idealpoints/fit", "/api/idealpoints/fit"),
        ("/api/polarity", f"/api/polarity?method=ideal_points&{page}"),
        ("/api/polarity (both)", f"/api/polarity?method=both&{page}"),
        ("/api/polarity/poles", "/api/polarity/poles?method=network&session=78"),
        ("/api/polarity/members", "/api/polarity/members?method=ideal_points&session=78"),
        ("/api/forecast (new draft)", "/api/forecast?title=Nuclear%20disarmament%20verification&known=USA:N"),
        ("/api/search", "/api/search?q=ukraine&limit=8"),
    ]


class Server:
    """A uvicorn subprocess serving ``home`` with the code in ``src``."""

    def __init__(self, src: Path, home: str) -> None:
        self.port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(src), "POLYCENTRIC_HOME": home}
        self.proc = subprocess.Popen([sys.executable, "-c", SERVE, home, str(self.port)], env=env)
        self.base = f"http://127.0.0.1:{self.port}"
        t0 = time.perf_counter()
        while True:
            try:
                if httpx.get(f"{self.base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit("the server exited")
            time.sleep(0.05)
        self.startup_s = time.perf_counter() - t0

    def stop(self) -> float:
        peak = _peak_rss_mb(self.proc.pid)
        self.proc.terminate()
        self.proc.wait(timeout=20)
        return peak


async def _under_load(base: str, urls: list[tuple[str, str]], clients: int, duration: float) -> dict[str, list[float]]:
    host, port = base.removeprefix("http://").split(":")
    lat: dict[str, list[float]] = {name: [] for name, _ in urls}
    errors: dict[str, int] = {name: 0 for name, _ in urls}
    deadline = time.perf_counter() + duration

    async def worker(k: int) -> None:
        conn = _Connection(host, int(port))
        i = k
        while time.perf_counter() < deadline:
            name, url = urls[i % len(urls)]
            i += 1
            t0 = time.perf_counter()
            try:
                ok = await conn.get(url) == 200
            except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError):
                ok = False
                await conn.close()
            lat[name].append(time.perf_counter() - t0)
            errors[name] += not ok
        await conn.close()

    await asyncio.gather(*(worker(k) for k in range(clients)))
    return {name: [*lat[name], -float(errors[name])] for name in lat}


def _p95(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0] if xs else float("nan")
    return statistics.quantiles(xs, n=100, method="inclusive")[94]


def run(label: str, src: Path, home: str, clients: int, duration: float) -> dict[str, object]:
    server = Server(src, home)
    with httpx.Client(base_url=server.base, timeout=300) as client:
        rc = client.get("/api/rollcalls", params={"resolution": "A/RES/ES-11/1", "kind": "resolution"}).json()
        rid = rc["data"][0]["rollcall_id"]
        urls = routes(rid)
        cold: dict[str, tuple[int, float]] = {}
        for name, url in urls:
            t0 = time.perf_counter()
            status = client.get(url).status_code
            cold[name] = (status, time.perf_counter() - t0)
    peak_cold = server.stop()
    server = Server(src, home)
    raw = asyncio.run(_under_load(server.base, urls, clients, duration))
    peak_load = server.stop()
    load = {name: (int(-xs[-1]), len(xs) - 1, _p95(xs[:-1])) for name, xs in raw.items()}
    return {
        "label": label,
        "startup_s": server.startup_s,
        "cold": cold,
        "load": load,
        "peak_rss_mb": {"cold": peak_cold, "load": peak_load},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", required=True, help="home built by this version's `polycentric build`")
    ap.add_argument("--base-home", required=True, help="home for the previous version (record + ideal-point fit)")
    ap.add_argument("--base-src", required=True, help="the previous version's src folder")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--json", type=Path, help="also write the results to this file")
    args = ap.parse_args()
    results = [
        run("previous", Path(args.base_src), args.base_home, args.clients, args.duration),
        run("now", ROOT / "src", args.home, args.clients, args.duration),
    ]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    before, after = results
    print(f"load average {os.getloadavg()[0]:.1f}; {args.clients} clients for {args.duration:.0f} s per version")
    print(
        f"{'route':<36}{'cold prev':>10}{'cold now':>10}{'p95 prev':>10}{'p95 now':>10}"
        f"{'err prev':>9}{'err now':>8}{'n now':>7}"
    )
    for name in before["cold"]:  # type: ignore[attr-defined]
        sb, tb = before["cold"][name]  # type: ignore[index]
        sa, ta = after["cold"][name]  # type: ignore[index]
        eb, _nb, pb = before["load"][name]  # type: ignore[index]
        ea, na, pa = after["load"][name]  # type: ignore[index]
        mark = lambda s: "" if s == 200 else f"({s})"  # noqa: E731
        print(
            f"{name:<36}{1000 * tb:>8.0f}{mark(sb):<2}{1000 * ta:>8.0f}{mark(sa):<2}"
            f"{1000 * pb:>10.0f}{1000 * pa:>10.0f}{eb:>9}{ea:>8}{na:>7}"
        )
    for r in results:
        cold_max = max(t for _s, t in r["cold"].values())  # type: ignore[attr-defined]
        p95_max = max(p for _e, _n, p in r["load"].values())  # type: ignore[attr-defined]
        errs = sum(e for e, _n, _p in r["load"].values())  # type: ignore[attr-defined]
        print(
            f"{r['label']}: start-up {r['startup_s']:.1f} s, slowest cold route {1000 * cold_max:.0f} ms, "
            f"slowest p95 under load {1000 * p95_max:.0f} ms, errors {errs}, peak RSS {r['peak_rss_mb']}"
        )


if __name__ == "__main__":
    main()
