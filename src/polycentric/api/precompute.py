"""Compute ahead the answers of the dashboard's default pages, so a freshly started server serves them at once.

:func:`precompute_answers` (run by ``polycentric build`` after :func:`polycentric.models.precompute.precompute_models`)
asks the app itself, in-process, for the URLs the dashboard requests when a page opens with its defaults (the
home and system pages, every built-in group's page, every known series' page), and keeps each 200 answer in
``HOME/cache/responses/<version>/`` (one file per ETag: a JSON line of status and headers, then the body;
no pickle). The server's :class:`~polycentric.api.caching.ResponseCache` reads them on a miss. The version
is the record's and the saved fit's, so a new record or a refit makes them unused; older folders are deleted.

Dependency rule: imports ``polycentric.api`` and the standard library.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["default_urls", "precompute_answers"]

PAGE = {"limit": 10000, "offset": 0}
"""The page the dashboard asks for (``getRows`` in web/src/api.js)."""

STATE_REFERENCES = "USA,CHN,RUS,IND,BRA,group:EU,group:NAM"
"""The references of a state page's alignment chart (web/src/pages/state_sections.js)."""


def _url(path: str, **params: Any) -> str:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


def default_urls(get: Callable[[str], Any], *, states: bool = False) -> list[str]:
    """The URLs the dashboard's pages request with their default settings.

    ``get(url)`` returns the decoded JSON of a URL (used to list the groups and the latest session).
    With ``states`` every current member's page is included too (its alignment over the whole record is read
    from the stored pair counts: tens of milliseconds each, so the option adds little since they exist).
    """
    year = dt.date.today().year
    urls = [
        "/api/meta",
        _url("/api/series", **PAGE),
        _url("/api/states/map-ids", **PAGE),
        _url("/api/groups", **PAGE),
        "/api/idealpoints/fit",
    ]
    for method in ("ideal_points", "network", "both"):
        url = _url("/api/polarity", method=method, **PAGE)
        urls.append(url)
        try:
            sessions = [row["session"] for row in get(url)["data"]]
        except (KeyError, TypeError):
            continue
        if sessions:
            for route in ("/api/polarity/poles", "/api/polarity/members"):
                urls.append(_url(route, method=method, session=max(sessions), **PAGE))
    known = get(_url("/api/series", **PAGE))
    for row in known.get("data", []) if isinstance(known, dict) else []:
        history = _url("/api/series/history", q=row["slug"], **PAGE)
        urls.append(history)
        families = [r["family"] for r in get(history).get("data", [])]
        if families:  # the page shows the first family's switchers
            urls.append(_url("/api/series/switchers", q=row["slug"], family=families[0], **PAGE))
    groups = get(_url("/api/groups", **PAGE))
    for row in groups.get("data", []) if isinstance(groups, dict) else []:
        if row.get("origin") not in (None, "builtin", "built-in"):
            continue
        gid = row["id"]
        quoted = urllib.parse.quote(gid, safe="")
        compare = "NAM,G77" if gid == "EU" else "EU,G77"
        together = ",".join([gid, *[g for g in compare.split(",") if g != gid]])
        urls += [
            f"/api/groups/{quoted}",
            _url(f"/api/groups/{quoted}/members-by-year", start=1946, end=year, **PAGE),
            _url(f"/api/groups/{quoted}/history", **PAGE),
            _url("/api/cohesion", groups=together, index="rice", start=1946, end=year, **PAGE),
            _url("/api/voice", groups=together, start=1946, end=year, **PAGE),
        ]
    if states:
        members = get(_url("/api/states", **PAGE))
        for row in members.get("data", []) if isinstance(members, dict) else []:
            if row.get("un_status") != "member":
                continue
            sid = row["state"]
            urls += [
                f"/api/states/{sid}",
                _url(f"/api/states/{sid}/groups", **PAGE),
                _url("/api/alignment", states=sid, references=STATE_REFERENCES, start=1946, end=year, **PAGE),
            ]
    return list(dict.fromkeys(urls))


def precompute_answers(
    home: str | Path | None = None,
    *,
    states: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[int, int, float]:
    """Compute and store the dashboard's default answers for the record at ``home``.

    Returns
    -------
    tuple
        ``(stored, failed, seconds)``: answers stored, URLs that did not answer 200 (not stored; the
        server computes them on demand), and the time taken.
    """
    import warnings

    with warnings.catch_warnings():  # starlette's note about its httpx client is for test suites, not users
        warnings.simplefilter("ignore")  # StarletteDeprecationWarning is not a DeprecationWarning subclass
        from fastapi.testclient import TestClient

    from polycentric.api.app import create_app

    t0 = time.perf_counter()
    app = create_app(home, persist_answers=True, request_timeout=None)
    backend = app.state.backend
    say = progress or (lambda _msg: None)
    stored = failed = 0
    with TestClient(app, raise_server_exceptions=False) as client:
        folder = backend.response_store()

        def get(url: str) -> Any:
            r = client.get(url)
            return r.json() if r.status_code == 200 else {}

        urls = default_urls(get, states=states)
        say(f"answers: {len(urls)} default pages")
        for url in urls:
            if client.get(url).status_code == 200:
                stored += 1
            else:
                failed += 1
    if folder is not None:
        for old in folder.parent.iterdir():
            if old != folder and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return stored, failed, time.perf_counter() - t0
