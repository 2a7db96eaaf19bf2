"""Safe exports: a formula cell makes the round trip through every CSV path neutralised, and back with ``raw``.

The record holds roll calls whose titles (and one symbol) a spreadsheet would run:
``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``, ``-2+3+...``, a leading TAB and a leading CR,
beside a title that is a plain negative number (``-12``) and a plain title. Every CSV path
(CLI ``--format csv`` to stdout and ``--out``; the HTTP API ``?format=csv`` and
``Accept: text/csv``; the dashboard's CSV button, in Chromium) must write each risky cell
as ``'`` + the cell and every other cell as stored; ``--raw`` / ``?raw=true`` write all as stored.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from _store_helpers import CLI, cli_env, run_cli

from _webfixtures import serving
from polycentric.export import neutralise, to_csv

pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("reliability-exports")]

TITLES = {
    1: '=HYPERLINK("http://example.invalid/x","click")',
    2: "+cmd|' /C calc'!A0",
    3: "@SUM(1+1)*cmd|' /C calc'!A0",
    4: "-2+3+cmd|' /C calc'!A0",
    5: "\tTAB first",
    6: "\rCR first",
    7: "-12",
    8: "Plain title",
}
RISKY = {1, 2, 3, 4, 5, 6}
FORMULA_SYMBOL = '=HYPERLINK("HTTP://EXAMPLE.INVALID/R")'  # roll call 1's symbol, as the record normalises it


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    path = folder / "formula.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["undl_id", "ms_code", "ms_vote", "date", "session", "resolution", "vote_note", "title"])
        for i, title in TITLES.items():
            symbol = '=HYPERLINK("http://example.invalid/r")' if i == 1 else f"A/RES/70/{500 + i}"
            for state, vote in (("USA", "Y"), ("FRA", "N"), ("CHN", "A")):
                w.writerow([1000 + i, state, vote, f"2015-12-{10 + i:02d}", "70", symbol, "", title])
    h = folder / "home"
    done = run_cli(h, "ingest", str(path))
    assert done.returncode == 0, done.stderr
    return h


def _csv_cli(home: Path, *args: str, **env: str) -> str:
    """stdout of ``polycentric --home HOME ARGS``, decoded without newline translation (a CR stays a CR)."""
    done = subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, env=cli_env(**env), check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode("utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _titles(text: str) -> dict[int, str]:
    return {int(r["rollcall_id"]): r["title"] for r in _rows(text)}


def _assert_neutralised(titles: dict[int, str]) -> None:
    by_title = {TITLES[i]: i for i in TITLES}
    assert len(titles) == len(TITLES)
    for cell in titles.values():
        original = cell[1:] if cell.startswith("'") and cell[1:] in by_title else cell
        i = by_title[original]  # the round trip: strip the added quote, get the stored title back
        assert cell == ("'" + TITLES[i] if i in RISKY else TITLES[i])


def _assert_raw(titles: dict[int, str]) -> None:
    assert sorted(titles.values()) == sorted(TITLES.values())


def test_cli_csv_stdout_and_out_file(home: Path, tmp_path: Path) -> None:
    shown = _csv_cli(home, "rollcalls", "--format", "csv")
    _assert_neutralised(_titles(shown))
    out = tmp_path / "rc.csv"
    assert run_cli(home, "rollcalls", "--format", "csv", "--out", str(out)).returncode == 0
    with out.open(encoding="utf-8", newline="") as fh:
        _assert_neutralised(_titles(fh.read()))
    votes = _csv_cli(home, "votes", "--session", "70", "--format", "csv")
    symbols = {r["resolution"] for r in _rows(votes)}
    assert "'" + FORMULA_SYMBOL in symbols and FORMULA_SYMBOL not in symbols


def test_cli_raw_writes_cells_as_stored(home: Path) -> None:
    _assert_raw(_titles(_csv_cli(home, "--raw", "rollcalls", "--format", "csv")))
    _assert_raw(_titles(_csv_cli(home, "rollcalls", "--format", "csv", POLYCENTRIC_CSV_RAW="1")))


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    """The API and dashboard over the formula record, served by uvicorn on a free port (a thread)."""
    from polycentric.api import create_app

    with serving(create_app(home), start_timeout=20.0) as url:
        yield url


def test_api_csv(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as client:
        by_param = client.get("/api/rollcalls", params={"format": "csv", "limit": 100})
        by_accept = client.get("/api/rollcalls", params={"limit": 100}, headers={"Accept": "text/csv"})
        raw = client.get("/api/rollcalls", params={"format": "csv", "raw": "true", "limit": 100})
        as_json = client.get("/api/rollcalls", params={"limit": 100})
        votes = client.get("/api/rollcalls/1/votes", params={"format": "csv"})
    for r in (by_param, by_accept, raw, votes):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    _assert_neutralised(_titles(by_param.text))
    _assert_neutralised(_titles(by_accept.text))
    _assert_raw(_titles(raw.text))
    assert {r["resolution"] for r in _rows(votes.text)} == {"'" + FORMULA_SYMBOL}
    # JSON is data, not a spreadsheet: it keeps the titles as stored
    assert sorted(row["title"] for row in as_json.json()["data"]) == sorted(TITLES.values())


@pytest.mark.browser
def test_dashboard_csv_button(server: str, browser: Any, tmp_path: Path) -> None:
    """The roll-call page's CSV button downloads the votes with the formula symbol neutralised."""
    context = browser.new_context(accept_downloads=True)
    try:
        page: Any = context.new_page()
        page.goto(f"{server}/#/rollcall?id=1")
        page.wait_for_selector("#app[data-ready=true]", timeout=60_000)
        # the votes table's button, named by its link (the page has other CSV buttons, rendered in any order)
        button = page.locator('a.export-csv[href*="/rollcalls/1/votes"]').first
        button.wait_for(state="visible", timeout=60_000)
        with page.expect_download(timeout=60_000) as info:
            button.click()
        saved = tmp_path / "download.csv"
        info.value.save_as(saved)
    finally:
        context.close()
    rows = _rows(saved.read_text(encoding="utf-8"))
    assert len(rows) == 3 and {r["state"] for r in rows} == {"USA", "FRA", "CHN"}
    assert {r["resolution"] for r in rows} == {"'" + FORMULA_SYMBOL}


def test_library_function_keeps_numbers() -> None:
    """Hand-made cases of :func:`polycentric.export.to_csv`: numbers stay numbers, risky text is quoted."""
    df = pl.DataFrame(
        {
            "n": [-3, 4],
            "x": [-0.25, 1.5],
            "text": ["-7.5", "=1+1"],
            "more": ["-1e-3", "-A"],
            "cat": pl.Series(["@x", "ok"], dtype=pl.Categorical),
        }
    )
    assert to_csv(df) == "n,x,text,more,cat\n-3,-0.25,-7.5,-1e-3,'@x\n4,1.5,'=1+1,'-A,ok\n"
    assert to_csv(df, raw=True) == "n,x,text,more,cat\n-3,-0.25,-7.5,-1e-3,@x\n4,1.5,=1+1,-A,ok\n"
    assert [neutralise(v) for v in ["+1", "+1+1", "\t1", "\r", "a=1", None]] == [
        "+1",
        "'+1+1",
        "'\t1",
        "'\r",
        "a=1",
        None,
    ]
