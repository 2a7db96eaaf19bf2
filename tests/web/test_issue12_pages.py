"""Issue 12 in headless Chromium: offline API docs, named poles, browse/search pages, SC vetoes, state summary,
practices page, a 390 px phone layout. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

pytestmark = pytest.mark.browser


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#app[data-ready=true]", timeout=30_000)
    assert not page.locator("#app .error").count(), page.locator("#app").inner_text()


def _offline(page: Any, live_server: str) -> list[str]:
    """Abort every request that leaves the test server (a CDN would fail here); returns the blocked URLs."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(live_server):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def test_api_docs_render_offline(page: Any, live_server: str, artifacts: Path) -> None:
    blocked = _offline(page, live_server)
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "polycentric" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-summary-path")
    paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.dataset.path)")
    assert "/api/rollcalls" in paths and "/api/search" in paths
    assert blocked == []  # nothing fetched from outside the server
    page.screenshot(path=str(artifacts / "api-docs-offline.png"))


def test_system_page_names_poles_by_members(page: Any, live_server: str, models_home: Path, artifacts: Path) -> None:
    from polycentric.models.idealpoints import IdealPointModel
    from polycentric.models.polarity import polarity
    from polycentric.models.saved import idealpoints_folder as fit_folder

    ideal_points, _, _ = IdealPointModel.load_results(fit_folder(models_home))
    expected = polarity(ideal_points, None, methods=("ideal_points",))
    _open(page, f"{live_server}/#/system")
    last = int(expected.series["session"].max())  # type: ignore[arg-type]
    poles = expected.poles.filter(pl.col("session") == last)
    text = page.locator("#app").inner_text()
    for row in poles.iter_rows(named=True):
        name = page.locator(f"table.poles tr[data-pole='{row['pole']}'] td.pole-name").inner_text().strip()
        assert name.startswith("pole around ") or "name" in row, name
    assert "pole 1" not in text and "pole 2" not in text
    assert "zzissue" not in text
