"""The dashboard's roll-call page on Security Council votes: a vetoed draft and an adopted resolution."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _webfixtures import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sc_server(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A record of the Security Council sources served by uvicorn on 127.0.0.1 (models not needed)."""
    from polycentric.api import create_app
    from polycentric.record.store import ingest, open_record

    home = tmp_path_factory.mktemp("sc_web_home")
    ingest(
        [
            shared_data / "unga_unsc_votes_2023_2025_combined" / "sc_votes_long.csv.gz",
            shared_data / "unsc_vetoes_2022_2026_update" / "unsc_vetoes_sept2022_2026_dhl_layout.csv",
            shared_data / "unsc_failed_drafts_sample_1947_2022_emilytong" / "unsc_failed_draft_votes_long.csv",
        ],
        home=home,
    )
    with serving(create_app(home, record=open_record(home))) as url:
        yield url


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#app[data-ready=true]", timeout=30_000)
    assert not page.locator("#app .error").count(), page.locator("#app").inner_text()


def test_vetoed_draft_page(page: Any, sc_server: str, artifacts: Path) -> None:
    _open(page, f"{sc_server}/#/rollcall?symbol=S/2022/720")
    assert "S/2022/720" in page.locator("h1").inner_text()
    outcome = page.locator(".outcome")
    assert outcome.get_attribute("data-status") == "vetoed" and outcome.get_attribute("data-vetoed-by") == "RUS"
    assert "Vetoed by Russian Federation" in outcome.inner_text()
    assert "unknown" in outcome.inner_text()
    # the tally is unknown, never "0 Yes, 1 No"
    assert page.locator(".tally").get_attribute("data-tally") == "unknown"
    assert page.locator(".tally-item[data-vote=Y] .n").inner_text() == "unknown"
    assert "session null" not in page.locator("#app").inner_text()
    assert "Security Council 2022" in page.locator(".meta").inner_text()
    # only the known votes are listed, without counts; no group shares are computed from a partial vote
    assert page.locator(".vote-lists summary").all_inner_texts() == ["No"]
    assert page.locator("figure[data-chart$='-groups']").count() == 0
    page.screenshot(path=str(artifacts / "rollcall-S-2022-720.png"), full_page=True)
    assert page.js_errors == []


def test_adopted_resolution_page(page: Any, sc_server: str) -> None:
    _open(page, f"{sc_server}/#/rollcall?symbol=S/RES/2720 (2023)")
    tally = page.locator(".tally").get_attribute("data-tally")
    assert tally is not None and '"Y":13' in tally and '"A":2' in tally and '"N":0' in tally
    assert page.locator(".outcome").get_attribute("data-status") == "adopted"
    assert page.js_errors == []
