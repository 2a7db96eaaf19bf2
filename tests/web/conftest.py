"""Browser tests: headless Debian Chromium driven by Playwright against a live uvicorn server.

Chromium comes from ``scripts/install-browser.sh`` (apt); Playwright's own browsers are never
downloaded. Screenshots go to ``test-artifacts/`` (gitignored) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _webfixtures import app, client, live_server, models_home, served_record
from polycentric.web import static_dir

__all__ = ["app", "artifacts", "browser", "client", "live_server", "models_home", "page", "served_record"]

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
