"""End-to-end: each dashboard page in headless Chromium shows the record's data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest

pytestmark = pytest.mark.browser


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#app[data-ready=true]", timeout=30_000)
    assert not page.locator("#app .error").count(), page.locator("#app").inner_text()


def _map_values(page: Any) -> dict[str, str]:
    """state -> value of every coloured mark on the map."""
    pairs = page.eval_on_selector_all(
        "svg.map [data-state][data-value]", "els => els.map(e => [e.dataset.state, e.dataset.value])"
    )
    return dict(pairs)


def test_rollcall_map_and_tally(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    _open(page, f"{live_server}/#/rollcall?symbol=A/RES/ES-11/1")
    expected = served_record.votes(resolution="A/RES/ES-11/1")
    expected_votes = dict(zip(expected["state"].to_list(), expected["vote"].to_list(), strict=True))
    shown = _map_values(page)
    counts = Counter(shown.values())
    assert counts["Y"] == 141 and counts["N"] == 5 and counts["A"] == 35
    assert sorted(s for s, v in shown.items() if v == "N") == ["BLR", "ERI", "PRK", "RUS", "SYR"]
    assert shown == expected_votes  # every state that voted is on the map, with its vote
    tally = page.locator(".tally").get_attribute("data-tally")
    assert tally is not None and '"Y":141' in tally and '"N":5' in tally and '"A":35' in tally
    assert page.locator(".tally-item[data-vote=Y] .n").inner_text() == "141"
    assert "A/RES/ES-11/1" in page.locator("h1").inner_text()
    page.screenshot(path=str(artifacts / "rollcall-ES-11-1.png"), full_page=True)
    assert page.js_errors == []


def test_rollcall_exports(page: Any, live_server: str, artifacts: Path) -> None:
    _open(page, f"{live_server}/#/rollcall?symbol=A/RES/68/262")
    fig = page.locator("figure[data-chart$='-map']")
    with page.expect_download() as svg_dl:
        fig.locator("button.export-svg").click()
    svg_path = artifacts / "A-RES-68-262-map.svg"
    svg_dl.value.save_as(svg_path)
    svg = svg_path.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count('data-value="N"') == 11
    with page.expect_download() as png_dl:
        fig.locator("button.export-png").click()
    png_path = artifacts / "A-RES-68-262-map.png"
    png_dl.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    href = fig.locator("a.export-csv").get_attribute("href")
    assert href is not None and "format=csv" in href
    csv_text = page.evaluate("url => fetch(url).then(r => r.text())", href)
    assert csv_text.splitlines()[0].startswith("rollcall_id,state,state_name,vote")
    assert sum(1 for line in csv_text.splitlines()[1:] if ",N," in line) == 11


def test_state_page(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    _open(page, f"{live_server}/#/state?id=RUS&from=2014&to=2023")
    expected = served_record.votes(state="RUS", start=dt.date(2014, 1, 1), end=dt.date(2023, 12, 31))
    assert page.locator("table.votes").get_attribute("data-rows") == str(expected.height)
    assert page.locator("section.state").get_attribute("data-state") == "RUS"
    # the view state is in the URL: the form shows the years from the link
    assert page.locator("input[name=from]").input_value() == "2014"
    from polycentric.registry.groups import get_group, group_ids

    spells = sum(get_group(g).history().filter(pl.col("state") == "RUS").height for g in group_ids())
    assert page.locator("table.state-groups").get_attribute("data-rows") == str(spells)
    assert page.locator("table.state-groups tr.current[data-group=BRICS]").count() == 1
    page.screenshot(path=str(artifacts / "state-RUS.png"), full_page=True)
    assert page.js_errors == []


def test_search_finds_states_and_resolutions(page: Any, live_server: str, artifacts: Path) -> None:
    _open(page, f"{live_server}/#/")
    box = page.locator("#search-input")
    box.fill("ES-11/1")
    page.wait_for_selector("#search-results a[data-kind=rollcall]")
    page.screenshot(path=str(artifacts / "search-ES-11-1.png"))
    page.locator("#search-results a[data-kind=rollcall]").first.click()
    page.wait_for_function("() => document.querySelector('#app h1')?.textContent.includes('ES-11/1')")
    page.wait_for_selector("#app[data-ready=true]")
    assert Counter(_map_values(page).values())["Y"] == 141
    box.fill("india")
    page.wait_for_selector("#search-results a[data-kind=state]")
    page.keyboard.press("Enter")
    page.wait_for_selector("section.state[data-state=IND]")
    assert "India" in page.locator("h1").inner_text()


def test_unknown_state_shows_message(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/#/state?id=ZZZ")
    page.wait_for_selector("#app[data-ready=true]")
    assert "ZZZ" in page.locator("#app .error").inner_text()


def test_rollcall_group_breakdown(page: Any, live_server: str, served_record: Any) -> None:
    from polycentric.registry.groups import get_group

    _open(page, f"{live_server}/#/rollcall?symbol=A/RES/ES-11/1")
    votes = served_record.votes(resolution="A/RES/ES-11/1")
    by_state = dict(zip(votes["state"].to_list(), votes["vote"].to_list(), strict=True))
    for gid in ("EU", "NAM", "AU"):
        members = get_group(gid).states(dt.date(2022, 3, 2))
        expected = Counter(by_state[s] for s in members if s in by_state)
        row = page.locator(f"table.group-breakdown tr[data-group={gid}]")
        shown = {code: int(row.locator(f"td[data-vote={code}]").inner_text()) for code in "YNAX"}
        assert shown == {code: expected.get(code, 0) for code in "YNAX"}, gid
    eu = page.locator("table.group-breakdown tr[data-group=EU] td[data-vote=Y]").inner_text()
    assert eu == "27"
    heads = page.locator("table.group-breakdown thead th").all_inner_texts()
    assert "Agreement" in heads and "Rice" in heads  # both indices, named


def test_group_page_map_follows_year(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.registry.groups import get_group

    _open(page, f"{live_server}/#/group?id=NAM&year=2022")
    fig = page.locator("figure[data-chart=NAM-membership-map]")
    assert fig.get_attribute("data-year") == "2022"
    shown = _map_values(page)
    expected = get_group("NAM").members(dt.date(2022, 7, 1), ["member", "observer"])
    expected_map = dict(zip(expected["state"].to_list(), expected["status"].to_list(), strict=True))
    on_map = set(served_record.states().drop_nulls("m49")["state"].to_list())
    assert shown == {s: v for s, v in expected_map.items() if s in on_map}
    # states the registry cannot place (e.g. Palestine, not a UN member state) are named below the map
    off_map = sorted(set(expected_map) - on_map)
    note = page.locator("figure[data-chart=NAM-membership-map] .unmapped")
    for state in off_map:
        assert state in note.inner_text()
    page.screenshot(path=str(artifacts / "group-NAM-2022.png"), full_page=True)
    page.locator("input.year-slider").fill("1975")
    page.wait_for_function(
        "() => document.querySelector('figure[data-chart=NAM-membership-map]').dataset.year === '1975'"
    )
    assert "year=1975" in page.url  # the view state is kept in the shareable URL
    members_1975 = set(get_group("NAM").states(dt.date(1975, 7, 1)))
    shown_1975 = {s for s, v in _map_values(page).items() if v == "member"}
    note = page.locator("figure[data-chart=NAM-membership-map] .unmapped").inner_text()
    off_map = {s for s in members_1975 if f"({s})" in note}  # states that ended: no shape in world-atlas
    assert off_map == {"YMD", "YUG"}
    assert shown_1975 == members_1975 - off_map
    assert page.js_errors == []


def test_measure_charts_render(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.measures import alignment, cohesion

    _open(page, f"{live_server}/#/state?id=IND&from=2010&to=2020")
    fig = page.locator("figure[data-chart=IND-alignment]")
    votes = served_record.votes(start=dt.date(2010, 1, 1), end=dt.date(2020, 12, 31))
    expected = alignment(votes, years=(2010, 2020), states=["IND"]).drop_nulls("value")
    expected = expected.filter(expected["reference"] != "IND")
    assert fig.get_attribute("data-points") == str(expected.height)
    assert int(fig.get_attribute("data-series") or 0) == expected["reference"].n_unique() == 6
    assert fig.locator("svg path").count() >= 6  # one line per reference
    page.screenshot(path=str(artifacts / "state-IND-alignment.png"), full_page=True)
    _open(page, f"{live_server}/#/group?id=NAM&compare=EU,G77")
    fig = page.locator("figure[data-chart=NAM-cohesion]")
    all_votes = served_record.votes()
    expected_c = cohesion(all_votes, ["NAM", "EU", "G77"], years=(1946, dt.date.today().year)).drop_nulls("value")
    assert fig.get_attribute("data-points") == str(expected_c.height)
    assert fig.get_attribute("data-series") == "3"
    assert "Hix–Noury–Roland agreement index" in fig.inner_text()  # the page names the (default) index
    assert page.js_errors == []


def test_agreement_page_matrix_and_pair(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.measures import agreement, agreement_matrix

    p5 = ["USA", "RUS", "CHN", "GBR", "FRA"]
    _open(page, f"{live_server}/#/agreement?states={','.join(p5)}&from=2014&to=2023&a=USA&b=CHN")
    votes = served_record.votes(start=dt.date(2014, 1, 1), end=dt.date(2023, 12, 31))
    m = agreement_matrix(votes, states=p5)
    for i, a in enumerate(p5):
        for j, b in enumerate(p5):
            cell = page.locator(f"table.agreement-matrix td[data-a={a}][data-b={b}]")
            assert cell.inner_text() == f"{m.matrix[i, j]:.2f}", (a, b)
            assert cell.get_attribute("data-n") == str(m.n_shared[i, j])
    assert page.locator("figure[data-chart^=agreement-matrix] svg [aria-label=cell] rect").count() == 25
    pair = agreement(served_record.votes(), "USA", "CHN", years=(1946, dt.date.today().year))
    fig = page.locator("figure[data-chart=agreement-USA-CHN]")
    assert fig.get_attribute("data-points") == str(pair.drop_nulls("value").height)
    page.screenshot(path=str(artifacts / "agreement-P5.png"), full_page=True)
    # clicking a cell of the heatmap opens that pair over time, and the URL keeps it
    page.locator("figure[data-chart^=agreement-matrix] svg [aria-label=cell] rect").nth(1).click()
    page.wait_for_selector("figure[data-chart=agreement-USA-RUS]")
    assert "a=USA" in page.url and "b=RUS" in page.url
    assert page.js_errors == []


def test_shifts_page(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.measures import shift_drivers, shifts

    _open(page, f"{live_server}/#/shifts?from=2014&to=2022&reference=USA&min=10&state=IND")
    expected = shifts(served_record.votes(), "2014", "2022", reference="USA", min_shared=10)
    table = page.locator("table.shifts")
    assert table.get_attribute("data-rows") == str(expected.height)
    shown = page.eval_on_selector_all("table.shifts tbody tr", "rows => rows.map(r => r.dataset.state)")
    assert shown == expected["state"].to_list()  # ranked as the library ranks them
    changes = page.eval_on_selector_all("td[data-change]", "tds => tds.map(t => Number(t.dataset.change))")
    assert changes == pytest.approx(expected["change"].to_list())
    on_map = _map_values(page)
    assert on_map.pop("USA") == "reference"
    assert {s: float(v) for s, v in on_map.items()} == pytest.approx(
        {s: c for s, c in zip(expected["state"], expected["change"], strict=True) if s in on_map}
    )
    drivers = shift_drivers(served_record.votes(), "IND", "2014", "2022", reference="USA")
    assert page.locator("table.drivers").get_attribute("data-rows") == str(drivers.height)
    page.screenshot(path=str(artifacts / "shifts-USA-2014-2022.png"), full_page=True)
    # a bar of the chart opens that state's drivers
    page.locator("figure[data-chart=shifts-USA-largest] svg [aria-label=bar] rect").first.click()
    top = expected.filter(pl.col("change") > 0)["state"][0]
    page.wait_for_function(f"() => location.hash.includes('state={top}')")
    page.wait_for_selector("#app[data-ready=true] table.drivers")
    assert page.js_errors == []


def test_series_page(page: Any, live_server: str, served_record: Any, artifacts: Path) -> None:
    from polycentric.measures import series_history, series_switchers

    _open(page, f"{live_server}/#/series?q=cuba-embargo")
    rc, votes = served_record.roll_calls(), served_record.votes()
    history = series_history(rc, votes, "cuba-embargo").filter(pl.col("family") == 1)
    switchers = series_switchers(rc, votes, "cuba-embargo").filter(pl.col("family") == 1)
    table = page.locator("table.series-history")
    assert table.get_attribute("data-rows") == str(history.height)
    assert page.locator("figure[data-chart^=series-cuba-embargo]").get_attribute("data-points") == str(history.height)
    for row in history.iter_rows(named=True):
        tr = table.locator(f"tr[data-rollcall='{row['rollcall_id']}']")
        shown = [int(tr.locator(f"td[data-vote={k}]").inner_text()) for k in "YNAX"]
        assert shown == [row["yes"], row["no"], row["abstain"], row["absent"]], row["resolution"]
        moved = switchers.filter(pl.col("rollcall_id_to") == row["rollcall_id"]).height
        assert tr.locator("td.switchers").get_attribute("data-switchers") == str(moved)
    assert "190" in table.locator("tr", has_text="A/RES/71/5").inner_text()  # 2016: 190-0-2
    page.screenshot(path=str(artifacts / "series-cuba-embargo.png"), full_page=True)
    # another series from the list: the URL follows
    page.select_option("select[name=known]", "crimea-human-rights")
    page.locator("form.controls button[type=submit]").click()
    page.wait_for_function("() => location.hash.includes('crimea-human-rights')")
    page.wait_for_selector("#app[data-ready=true] section.series")
    assert page.locator("table.series-history tbody tr").count() > 0
    assert page.js_errors == []


def test_group_voice_chart(page: Any, live_server: str, served_record: Any) -> None:
    from polycentric.measures import voice

    _open(page, f"{live_server}/#/group?id=EU&compare=NAM")
    fig = page.locator("figure[data-chart=EU-voice]")
    expected = voice(served_record.votes(), ["EU", "NAM"], years=(1946, dt.date.today().year))
    assert fig.get_attribute("data-points") == str(expected.height)
    assert fig.get_attribute("data-series") == "2"
    assert page.js_errors == []


def test_system_page(page: Any, live_server: str, models_home: Path, artifacts: Path) -> None:
    from polycentric.models.idealpoints import IdealPointModel
    from polycentric.models.polarity import polarity
    from polycentric.models.saved import idealpoints_folder as fit_folder

    ideal_points, _, _ = IdealPointModel.load_results(fit_folder(models_home))
    expected = polarity(ideal_points, None, methods=("ideal_points",))
    _open(page, f"{live_server}/#/system")
    assert page.locator("figure[data-chart=polarity-ideal_points]").get_attribute("data-points") == str(
        expected.series.height
    )
    last = int(expected.series["session"].max())  # type: ignore[arg-type]
    assert page.locator("section.system").get_attribute("data-session") == str(last)
    assert f"session={last}" in page.url  # the view state is in the URL
    poles = expected.poles.filter(pl.col("session") == last)
    assert page.locator("table.poles").get_attribute("data-rows") == str(poles.height)
    for row in poles.iter_rows(named=True):
        cell = page.locator(f"table.poles tr[data-pole='{row['pole']}'] td.members")
        assert sorted((cell.get_attribute("data-members") or "").split(",")) == sorted(row["members"])
    shown = _map_values(page)
    pole_of = {s: str(row["pole"]) for row in poles.iter_rows(named=True) for s in row["members"]}
    assert shown == {s: p for s, p in pole_of.items() if s in shown}
    assert len(shown) >= len(pole_of) - 5  # all but states without a shape today are on the map
    page.screenshot(path=str(artifacts / "system.png"), full_page=True)
    assert page.js_errors == []


def test_state_ideal_point_trajectory(page: Any, live_server: str, models_home: Path, artifacts: Path) -> None:
    from polycentric.models._change import state_changes
    from polycentric.models.idealpoints import IdealPointModel
    from polycentric.models.saved import idealpoints_folder as fit_folder

    ideal_points, _, meta = IdealPointModel.load_results(fit_folder(models_home))
    _open(page, f"{live_server}/#/state?id=IND&from=2016&to=2023")
    fig = page.locator("figure[data-chart=IND-idealpoints]")
    expected = ideal_points.filter((pl.col("state") == "IND") & pl.col("year").is_between(2016, 2023))
    assert expected.height > 0
    assert fig.get_attribute("data-points") == str(expected.height)
    # moves larger than their joint uncertainty are ringed (the same draws as the API route)
    moves = state_changes(ideal_points, "IND", random_walk_sd=meta["random_walk_sd_"], n_draws=2000)
    shown = set(expected["session"].to_list())
    ringed = moves.filter(pl.col("to_session").is_in(list(shown)) & pl.col("exceeds_uncertainty")).height
    assert fig.get_attribute("data-moves") == str(ringed)
    assert fig.locator("svg [aria-label=area] path").count() == 1  # the interval band
    page.screenshot(path=str(artifacts / "state-IND-idealpoints.png"), full_page=True)
    assert page.js_errors == []


def test_forecast_page(page: Any, live_server: str, served_record: Any, models_home: Path, artifacts: Path) -> None:
    from polycentric.api.backend import Backend
    from polycentric.api.routes.forecast import cache_path
    from polycentric.models.forecast import VoteForecaster

    model = VoteForecaster.load(cache_path(Backend(models_home, served_record), VoteForecaster()))
    title = (
        "Necessity of ending the economic, commercial and financial embargo imposed by the United States against Cuba"
    )
    _open(page, f"{live_server}/#/forecast")
    page.fill("input[name=title]", title)
    page.fill("input[name=known]", "usa:n, isr:n")
    page.locator("form.forecast-form button[type=submit]").click()
    page.wait_for_function("() => location.hash.includes('known=USA')")
    page.wait_for_selector("#app[data-ready=true] .forecast-tally")
    assert "title=Necessity" in page.url  # the draft is in the shareable URL
    expected = model.forecast(title, known={"USA": "N", "ISR": "N"})
    frame = expected.to_frame()
    shown = _map_values(page)
    predicted = dict(zip(frame["state"], frame["predicted"], strict=True))
    assert shown == {s: v for s, v in predicted.items() if s in shown}
    assert shown["USA"] == "N" and shown["ISR"] == "N"
    assert len(shown) >= frame.height - 5  # members without a shape today are named under the map
    box = page.locator(".forecast-tally")
    assert float(box.get_attribute("data-p-adopt") or "nan") == pytest.approx(expected.p_adopt)
    tally = {r["vote"]: r for r in expected.tally().iter_rows(named=True)}
    for code in "YNAX":
        item = box.locator(f".tally-item[data-vote={code}]")
        assert float(item.get_attribute("data-expected") or "nan") == pytest.approx(tally[code]["expected"])
        assert int(item.get_attribute("data-lower") or -1) == tally[code]["lower"]
        assert int(item.get_attribute("data-upper") or -1) == tally[code]["upper"]
    assert page.locator("table.forecast-states").get_attribute("data-rows") == str(frame.height)
    page.screenshot(path=str(artifacts / "forecast-cuba.png"), full_page=True)
    assert page.js_errors == []
