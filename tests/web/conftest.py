"""Browser tests: headless Debian Chromium driven by Playwright against a live uvicorn server.

Chromium comes from ``scripts/install-browser.sh`` (apt); Playwright's own browsers are never
downloaded. Screenshots go to ``test-artifacts/`` (gitignored) for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _webfixtures import app, client, live_server, models_home, served_record

__all__ = ["app", "artifacts", "client", "live_server", "models_home", "page", "served_record"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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
