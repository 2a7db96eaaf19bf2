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


def _rows(page: Any, selector: str, attr: str) -> list[str]:
    return page.eval_on_selector_all(selector, f"els => els.map(e => e.getAttribute('{attr}'))")


def test_rollcall_list_filters_sort_pages_and_url(
    page: Any, live_server: str, served_record: Any, artifacts: Path
) -> None:
    from polycentric.browse import list_roll_calls

    rc = served_record.roll_calls(body=None)
    url = f"{live_server}/#/rollcalls?body=GA&from=2010&to=2016&issue=hr&sort=date"
    _open(page, url)
    table = page.locator("table.rollcall-list")
    everything = list_roll_calls(rc, body="GA", start_year=2010, end_year=2016, issue="hr", sort="date")
    assert everything.height > 100  # more than two pages
    assert table.get_attribute("data-total") == str(everything.height)
    ids = _rows(page, "table.rollcall-list tbody tr", "data-id")
    assert ids == [str(i) for i in everything["rollcall_id"].head(50)]
    # next page: the URL says page=2 and the rows are the next 50
    page.locator("nav.pager a.next").click()
    page.wait_for_function("() => location.hash.includes('page=2')")
    page.wait_for_selector("#app[data-ready=true]")
    assert _rows(page, "table.rollcall-list tbody tr", "data-id") == [
        str(i) for i in everything["rollcall_id"].slice(50, 50)
    ]
    # sort by title by clicking its header: descending first, and the URL keeps it
    page.locator("th[data-sort=title] a").click()
    page.wait_for_function("() => location.hash.includes('sort=-title')")
    page.wait_for_selector("#app[data-ready=true]")
    by_title = list_roll_calls(rc, body="GA", start_year=2010, end_year=2016, issue="hr", sort="-title")
    assert _rows(page, "table.rollcall-list tbody tr", "data-id") == [str(i) for i in by_title["rollcall_id"].head(50)]
    # the form: important votes only, words; submitting puts every filter in the URL
    page.locator("form.filters input[name=important]").check()
    page.locator("form.filters input[name=q]").fill("human rights")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_function("() => location.hash.includes('important=1') && location.hash.includes('q=human')")
    page.wait_for_selector("#app[data-ready=true]")
    filtered = list_roll_calls(
        rc, body="GA", start_year=2010, end_year=2016, issue="hr", important=True, text="human rights", sort="-title"
    )
    assert table.get_attribute("data-total") == str(filtered.height) and filtered.height > 0
    shown = _rows(page, "table.rollcall-list tbody tr", "data-id")
    page.screenshot(path=str(artifacts / "rollcalls-filtered.png"), full_page=True)
    # share the link: a fresh page opened on the same URL shows the same list
    shared = page.url
    other = page.context.new_page()
    _open(other, shared)
    assert _rows(other, "table.rollcall-list tbody tr", "data-id") == shown
    assert other.locator("form.filters input[name=q]").input_value() == "human rights"
    assert other.locator("form.filters input[name=important]").is_checked()
    other.close()
    assert page.js_errors == []


def test_search_page_finds_es_11_1_by_words(page: Any, live_server: str, artifacts: Path) -> None:
    _open(page, f"{live_server}/#/")
    box = page.locator("#search-input")
    box.fill("aggression against Ukraine")
    page.wait_for_selector("#search-results a.all-results")
    page.locator("#search-results a.all-results").click()
    page.wait_for_function("() => location.hash.startsWith('#/search?q=aggression')")
    page.wait_for_selector("#app[data-ready=true]")
    hits = page.locator("section.hits-rollcall li")
    labels = hits.all_inner_texts()
    es = [t for t in labels if t.startswith("A/RES/ES-11/1 ")]
    assert labels[0].startswith("A/RES/ES-11/1 ")
    assert es and "Aggression against Ukraine" in es[0] and "2 March 2022" in es[0]
    page.screenshot(path=str(artifacts / "search-aggression-against-ukraine.png"), full_page=True)
    hits.filter(has_text="A/RES/ES-11/1 ").first.locator("a").click()
    page.wait_for_function("() => document.querySelector('#app h1')?.textContent.includes('ES-11/1')")
    page.wait_for_selector("#app[data-ready=true]")
    cite = page.locator(".citation-block .cite").inner_text()
    assert cite.startswith("A/RES/ES-11/1, “Aggression against Ukraine”, General Assembly, 2 March 2022 (adopted")
    link = page.locator(".citation-block a.doc-link").get_attribute("href")
    assert link is not None and link.startswith("https://digitallibrary.un.org/record/")
    assert page.locator(".citation-block .coverage").inner_text().startswith("Coverage: ")
    assert page.js_errors == []


def test_sc_veto_page(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.browse import veto_counts, vetoes

    table = vetoes(served_record.roll_calls(body="SC"), served_record.votes(body="SC"))
    counts = veto_counts(table).group_by("member").agg(pl.col("vetoes").sum())
    _open(page, f"{live_server}/#/vetoes")
    for member, n in counts.iter_rows():
        assert page.locator(f"table.veto-totals tr[data-member={member}] td.num").inner_text() == str(n)
    assert page.locator("table.veto-list").get_attribute("data-rows") == str(table.height)
    links = page.eval_on_selector_all(
        "table.veto-list a.draft-link", "els => els.map(e => [e.textContent, e.getAttribute('href')])"
    )
    assert links and all(href.endswith(text) for text, href in links)
    page.screenshot(path=str(artifacts / "sc-vetoes.png"), full_page=True)
    # one member, one year range, from the URL
    _open(page, f"{live_server}/#/vetoes?member=USA&from=1970&to=1989")
    usa = table.filter((pl.col("member") == "USA") & pl.col("year").is_between(1970, 1989))
    assert page.locator("table.veto-list").get_attribute("data-rows") == str(usa.height) and usa.height > 20
    assert set(_rows(page, "table.veto-list tbody tr", "data-member")) == {"USA"}
    assert page.js_errors == []


def test_state_page_is_summary_first(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.measures.profile import neighbours, vote_summary

    _open(page, f"{live_server}/#/state?id=IND&from=2014&to=2022")
    votes = served_record.votes(body="GA")
    s = vote_summary(votes, "IND", years=(2014, 2022)).row(0, named=True)
    box = page.locator("section.state-summary")
    assert box.get_attribute("data-cast") == str(s["votes_cast"])
    assert page.locator(".card[data-key=yes] .n").inner_text() == f"{100 * s['share_yes']:.1f}%"
    assert page.locator(".card[data-key=absent] .n").inner_text() == f"{100 * s['share_absent']:.1f}%"
    # the summary comes before the list of votes; the ideal-point trend with its interval is there
    order = page.eval_on_selector_all(
        "section.state > *", "els => els.map(e => e.className || e.tagName).filter(Boolean)"
    )
    assert order.index("state-summary") < order.index("state-neighbours") < order.index("table-scroll")
    assert page.locator("figure[data-chart=IND-idealpoints]").count() == 1
    near = neighbours(votes, "IND", 2022)
    closest = near.filter(pl.col("side") == "closest")["state"].to_list()
    assert _rows(page, "table.neighbours-closest tbody tr", "data-state") == closest
    farthest = near.filter(pl.col("side") == "farthest")["state"].to_list()
    assert _rows(page, "table.neighbours-farthest tbody tr", "data-state") == farthest
    usa = near.filter(pl.col("state") == "USA").row(0, named=True)
    shown = page.locator("table.neighbours-farthest tr[data-state=USA] td").all_inner_texts()
    assert shown[1] == f"{usa['agreement']:.2f}" and shown[2].lstrip("+") == f"{usa['change']:.2f}"
    # votes on the cited resolutions: ES-11/1 abstention, 68/262 abstention
    assert page.locator("table.cited tr[data-symbol='A/RES/ES-11/1']").get_attribute("data-vote") == "A"
    # the full list is paged, 50 a page, newest first
    expected = served_record.votes(state="IND", start="2014-01-01", end="2022-12-31")
    assert page.locator("table.votes").get_attribute("data-rows") == str(expected.height)
    assert page.locator("table.votes tbody tr").count() == 50
    page.screenshot(path=str(artifacts / "state-IND-summary.png"), full_page=True)
    page.locator("nav.votes-pager a.next").click()
    page.wait_for_function("() => location.hash.includes('vpage=2')")
    page.wait_for_selector("#app[data-ready=true]")
    assert page.locator("nav.votes-pager").get_attribute("data-page") == "2"
    assert page.js_errors == []


def test_practices_page(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.measures.profile import practices

    tables = practices(
        served_record.votes(body="GA"), served_record.roll_calls(body="GA"), "IND", 2015,
        sc_votes=served_record.votes(body="SC"), sc_roll_calls=served_record.roll_calls(body="SC"),
    )  # fmt: skip
    _open(page, f"{live_server}/#/practices?state=India&year=2015")
    assert page.locator("section.practices").get_attribute("data-state") == "IND"
    assert page.locator("h1").inner_text() == "Voting practices of India (IND), 2015"
    for row in tables["overall"].iter_rows(named=True):
        cell = page.locator(f"table.overall tr[data-ref='{row['reference']}'] td[data-value]")
        assert float(cell.get_attribute("data-value") or "nan") == pytest.approx(row["coincidence"])
    assert page.locator("table.important-votes").get_attribute("data-rows") == str(tables["important_votes"].height)
    for g in ("NAM", "EU", "G77", "OIC", "AU"):
        n = tables["groups"].filter(pl.col("group") == g).height
        assert page.locator(f"table.group-{g}").get_attribute("data-rows") == str(n) and n > 0
    assert page.locator("ul.vetoes-of-year").get_attribute("data-rows") == str(tables["vetoes"].height)
    href = page.locator("a.export-csv[download$='-overall.csv']").first.get_attribute("href")
    assert href is not None
    text = page.evaluate("url => fetch(url).then(r => r.text())", href)
    assert text.splitlines()[0] == "reference,kind,identical,opposite,n,coincidence"
    assert len(text.splitlines()) == tables["overall"].height + 1
    page.locator("details.group-table[data-group=NAM] summary").click()
    page.screenshot(path=str(artifacts / "practices-IND-2015.png"), full_page=True)
    assert page.js_errors == []


PHONE_PAGES = [
    "#/",
    "#/rollcalls",
    "#/rollcall?symbol=A/RES/ES-11/1",
    "#/state?id=IND&from=2014&to=2022",
    "#/practices?state=IND&year=2015",
    "#/vetoes",
    "#/search?q=aggression%20against%20Ukraine",
    "#/group?id=NAM",
    "#/agreement?states=USA,RUS,CHN,GBR,FRA",
    "#/shifts?from=2014&to=2022&reference=USA",
    "#/series?q=cuba-embargo",
    "#/system",
    "#/forecast",
]


def test_390px_phone_layout_has_no_sideways_scroll(browser: Any, live_server: str, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    try:
        for route in PHONE_PAGES:
            _open(pg, f"{live_server}/{route}")
            width = pg.evaluate("() => document.documentElement.scrollWidth")
            wide = pg.evaluate(
                """() => [...document.querySelectorAll('body *')].filter(e => {
                    const r = e.getBoundingClientRect();
                    if (!r.width) return false;
                    let p = e.parentElement;
                    while (p) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return false; p = p.parentElement; }
                    return r.right > window.innerWidth + 1;
                }).slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            )
            assert width <= 390 and wide == [], (route, width, wide)
            name = route.strip("#/").split("?")[0] or "home"
            pg.screenshot(path=str(artifacts / f"phone-390-{name}.png"), full_page=True)
    finally:
        context.close()


def test_exported_chart_is_ready_to_publish(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    _open(page, f"{live_server}/#/state?id=IND&from=2014&to=2022")
    fig = page.locator("figure[data-chart=IND-alignment]")
    with page.expect_download() as dl:
        fig.locator("button.export-svg").click()
    path = artifacts / "IND-alignment-published.svg"
    dl.value.save_as(path)
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert 'class="chart-title"' in svg and "Agreement with the major powers" in svg
    assert "Coverage: " in svg and "Source: polycentric" in svg and served_record.version in svg
    assert svg.count("<path") > 5  # the chart itself, not a legend swatch
    csvw = fig.locator("a.export-csvw").get_attribute("href")
    assert csvw is not None and "format=csvw" in csvw
    meta = page.evaluate("url => fetch(url).then(r => r.json())", csvw)
    names = [c["name"] for c in meta["tableSchema"]["columns"]]
    header = page.evaluate("url => fetch(url).then(r => r.text())", fig.locator("a.export-csv").get_attribute("href"))
    assert names == header.splitlines()[0].split(",")
    with page.expect_download() as png:
        fig.locator("button.export-png").click()
    png_path = artifacts / "IND-alignment-published.png"
    png.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.js_errors == []
