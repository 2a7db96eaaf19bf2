"""The server under hostile clients, as a real process: fuzzing, oversized and stalled bodies, failing fits.

A uvicorn subprocess serves ``create_app`` over a copy of the suite's record with a saved ideal-point fit
and forecaster (as ``polycentric build`` leaves a home). Then:

- **fuzzing**: schemathesis generates well over 1,000 requests from the OpenAPI schema (valid and invalid,
  every operation) against the live server; none may answer 5xx, except the documented 503 of a model the
  home holds no fit for (2-D or per-issue ideal points), whose body names the command that makes it;
- **bodies**: a body over the limit is refused with 413 before it is read, whether it declares its length
  or streams it chunked; a body that stalls gets 408; the server stays up and answers afterwards;
- **single-flight**: concurrent requests for a model that is not fitted run one fit; a fit that fails gives a
  503 naming the model and the reason, remembered instead of re-run by every request (in process).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from _webfixtures import models_home, served_record
from polycentric.api.backend import Backend
from polycentric.api.limits import MAX_BODY
from polycentric.errors import ModelError

__all__ = ["models_home", "served_record"]

READ_TIMEOUT = 2.0
"""The live server's read timeout in these tests (seconds a client may take per chunk of its body)."""

EXAMPLES = 16
"""Generated requests per operation and mode (valid, invalid): about 37 operations x 2 x 16 > 1,000."""

SERVE = """
import sys, uvicorn
from polycentric.api import create_app
app = create_app(home=sys.argv[1], read_timeout=float(sys.argv[3]), warm=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", timeout_keep_alive=5)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(served_record: Any, models_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a uvicorn subprocess serving a home = the record + the saved fits."""
    home = tmp_path_factory.mktemp("live_home")
    shutil.copytree(served_record.home, home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("cache", "*.lock"))
    for sub in ("models", "cache"):
        if (models_home / sub).is_dir():
            shutil.copytree(models_home / sub, home / sub, dirs_exist_ok=True)
    port = _free_port()
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(home), str(port), str(READ_TIMEOUT)], stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {(home / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


# --- fuzzing ------------------------------------------------------------------------------------------------


def test_fuzz_live_server_never_answers_5xx(live: str) -> None:
    schema = schemathesis.openapi.from_url(f"{live}/api/openapi.json")
    schema.config.base_url = live
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    sent = 0
    failures: list[str] = []
    with httpx.Client(base_url=live, timeout=60) as client:
        health_before = client.get("/api/health").status_code
    for operation in operations:
        has_parameters = any(True for _ in operation.iter_parameters()) or operation.body
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if has_parameters else [])
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                nonlocal sent
                response = case.call(base_url=live, timeout=60)
                sent += 1
                status = response.status_code
                if status == 503 and response.json()["error"]["type"] == "NotFittedError":
                    assert "polycentric" in response.json()["error"]["message"]  # names the command to run
                    return
                if status >= 500:
                    failures.append(f"{status} {case.method} {case.formatted_path} {case.query}: {response.text[:200]}")

            check()
    print(f"schemathesis: {sent} requests to {len(operations)} operations, {len(failures)} answered 5xx")
    assert health_before == 200
    assert sent >= 1000, sent
    assert failures == [], failures[:10]


def test_every_listed_group_answers(live: str) -> None:
    """Group ids the API lists (AFRICAN_GROUP, PARIS_CALL, ...) are accepted by its own routes."""
    with httpx.Client(base_url=live, timeout=60) as client:
        groups = client.get("/api/groups", params={"limit": 1000}).json()["data"]
        ids = [g["id"] for g in groups]
        assert "AFRICAN_GROUP" in ids
        for gid in ids:
            r = client.get(f"/api/groups/{gid}/members")
            assert r.status_code == 200, (gid, r.text)
            assert r.json()["total"] == groups[ids.index(gid)]["n_members"] + groups[ids.index(gid)]["n_observers"]


def test_reported_5xx_are_now_4xx(live: str) -> None:
    with httpx.Client(base_url=live, timeout=60) as client:
        rid = client.get("/api/rollcalls", params={"year": 2022, "limit": 1}).json()["data"][0]["rollcall_id"]
        assert client.get(f"/api/rollcalls/{rid}/groups").status_code == 200
        r = client.get(f"/api/rollcalls/{rid}/groups?groups=+")  # a raw "+" is a space: no group at all
        assert r.status_code == 422 and "groups" in r.json()["error"]["message"]
        r = client.get("/api/cohesion", params={"groups": " , "})
        assert r.status_code == 422
        for day in ("5000-01-01", "0001-01-01"):
            r = client.get("/api/forecast", params={"title": "Nuclear disarmament", "date": day})
            assert r.status_code == 422, r.text
            assert "date" in r.json()["error"]["message"]


# --- bodies ---------------------------------------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413_before_it_is_read(live: str) -> None:
    big = b'{"title": "' + b"x" * (MAX_BODY + 10) + b'"}'
    with httpx.Client(base_url=live, timeout=60) as client:
        r = client.post("/api/forecast", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert r.json()["error"]["type"] == "PayloadTooLarge"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"title": "'
            for _ in range(40):
                yield b"y" * 65536
            yield b'"}'

        r = client.post("/api/forecast", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert client.get("/api/health").status_code == 200


def test_a_body_under_the_limit_is_served(live: str) -> None:
    draft = {"title": "Nuclear disarmament", "text": "Calls upon all States " * 2000, "known": {"USA": "N"}}
    with httpx.Client(base_url=live, timeout=120) as client:
        r = client.post("/api/forecast", json=draft)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["n_members"] == len(body["states"]) > 150
    assert {s["state"]: s["predicted"] for s in body["states"]}["USA"] == "N"


def test_a_stalled_body_gets_408(live: str) -> None:
    host, port = live.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            b"POST /api/forecast HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{\"title\": "
        )
        t0 = time.monotonic()
        reply = s.recv(4096)
        waited = time.monotonic() - t0
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert waited >= READ_TIMEOUT * 0.5  # refused because it stalled, not at once
    assert httpx.get(f"{live}/api/health", timeout=10).status_code == 200


def test_paged_votes_match_the_record(live: str, served_record: Any) -> None:
    """The votes route builds only the page asked for; it is exactly the record's rows at that offset."""
    expected = served_record.votes(year=2003)
    with httpx.Client(base_url=live, timeout=60) as client:
        r = client.get("/api/votes", params={"year": 2003, "limit": 7, "offset": 1000}).json()
    assert r["total"] == expected.height
    want = expected.slice(1000, 7).select("rollcall_id", "state", "vote").rows()
    assert [(d["rollcall_id"], d["state"], d["vote"]) for d in r["data"]] == want


# --- single-flight and failing fits (in process) ----------------------------------------------------------------


def test_concurrent_requests_share_one_fit() -> None:
    backend = Backend(home="/nonexistent", record=object())
    calls = 0
    gate = threading.Event()

    def fit() -> str:
        nonlocal calls
        calls += 1
        gate.wait(5)
        return "fitted"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(backend.memo("model", fit, model="test model")))
        for _ in range(12)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(10)
    assert calls == 1 and results == ["fitted"] * 12


def test_a_fit_that_fails_is_a_remembered_503_with_its_reason() -> None:
    backend = Backend(home="/nonexistent", record=object())
    calls = 0

    def fit() -> str:
        nonlocal calls
        calls += 1
        raise ValueError("need at least one array to stack")

    for _ in range(5):
        with pytest.raises(ModelError, match=r"vote forecaster cannot be fitted.*need at least one array"):
            backend.memo("forecaster:v1", fit, model="vote forecaster")
    assert calls == 1  # not re-run by every request
    assert backend.memo("forecaster:v2", lambda: "ok", model="vote forecaster") == "ok"  # a new version is tried
