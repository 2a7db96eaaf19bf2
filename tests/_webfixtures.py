"""Fixtures shared by the web-area tests (tests/api, tests/web, tests/report).

``served_record`` is the suite's ``record`` fixture (the record built once from
../shared/data); ``models_home`` is a home holding an ideal-point fit saved where
``polycentric idealpoints fit`` saves it (fitted on the sessions since 2018, to be quick), with
the forecaster and the polarity stored as ``polycentric build`` stores them;
``app``/``client`` wrap both in the HTTP API; ``live_server`` runs that app with uvicorn on
127.0.0.1 at a free port, in a thread of the test process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from polycentric.api import create_app
from polycentric.web import static_dir

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: scripts/install-browser.sh should have installed it")
        pytest.skip(f"{CHROMIUM} missing: run scripts/install-browser.sh (as root)")
    if not (static_dir() / "index.html").is_file():
        pytest.fail("dashboard not built: run bash scripts/build-web.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def served_record(record: Any) -> Any:
    """The record the web tests serve: the suite's ``record`` fixture (built once from ../shared/data)."""
    return record


FIT_SINCE = dt.date(2018, 1, 1)
"""The test fit covers the sessions since this day (the full record takes ten times longer)."""


@pytest.fixture(scope="session")
def models_home(served_record: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a 1-D ideal-point fit saved as ``polycentric idealpoints fit`` saves it."""
    from polycentric.models.idealpoints import IdealPointModel
    from polycentric.models.saved import idealpoints_folder as fit_folder

    home = tmp_path_factory.mktemp("web_home")
    votes = served_record.votes(start=FIT_SINCE, body="GA")
    roll_calls = served_record.roll_calls(start=FIT_SINCE, body="GA")
    IdealPointModel().fit(votes, roll_calls).save(fit_folder(home))
    _cache_forecaster(served_record, home)
    _store_polarity(served_record, home)
    return home


def _store_polarity(record: Any, home: Path) -> None:
    """Store the polarity of the three readings, as ``polycentric build`` does (the routes read them)."""
    from polycentric.models.saved import POLARITY_METHODS, load_polarity

    for methods in POLARITY_METHODS:
        load_polarity(home, methods, lambda: record.votes(body="GA"))


def _cache_forecaster(record: Any, home: Path) -> None:
    """Put a forecaster where the app looks for its fit, so that no test waits for a full fit.

    It is fitted on the sessions since 2014 without the calibration step (5 s instead of 20 s);
    the app loads whatever forecaster its cache holds, and the tests compare the routes with it.
    """
    from polycentric.api.backend import Backend
    from polycentric.api.routes.forecast import cache_path
    from polycentric.models.forecast import VoteForecaster, regional_groups
    from polycentric.models.saved import save_forecaster

    since = dt.date(2014, 1, 1)
    model = VoteForecaster(calibration_sessions=0)
    model.fit(record.votes(start=since), record.roll_calls(start=since), groups=regional_groups())
    save_forecaster(model, cache_path(Backend(home, record), VoteForecaster()))


@pytest.fixture(scope="session")
def app(served_record: Any, models_home: Path) -> Any:
    return create_app(models_home, record=served_record)


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(app: Any, *, start_timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 at a free port, in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(int(start_timeout / 0.05)):
        if server.started:
            break
        time.sleep(0.05)
    else:
        pytest.fail("uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 at a free port; yields its base URL."""
    with serving(app) as url:
        yield url
