"""Roll calls as cited: the bulk citation equals the one-row citation everywhere; status and links by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from polycentric.record.cite import cite, display_title, with_citation


def test_bulk_citations_equal_row_citations(record: Any) -> None:
    cited = with_citation(record.roll_calls(body=None))
    assert cited.height > 7000
    for text, row in zip(cited["citation"], cited.iter_rows(named=True), strict=True):
        assert text == cite(row)


def test_status_and_link_rules_on_hand_made_rows() -> None:
    rows = pl.DataFrame(
        {
            "rollcall_id": [1, 2, 3, 4, 5],
            "body": ["GA", "GA", "GA", "SC", "GA"],
            "date": [dt.date(2022, 3, 2)] * 5,
            "resolution": ["A/RES/ES-11/1", "A/RES/77/1", None, "S/2022/155", "A/RES/77/2"],
            "title": ["Aggression against Ukraine : resolution / adopted by the General Assembly", "X", None, "Y", "Z"],
            "kind": ["resolution", "amendment", "paragraph", "resolution", "amendment"],
            "total_yes": [141, 10, None, 11, 50],
            "total_no": [5, 90, None, 1, 40],
            "total_abstain": [35, 3, None, 3, 2],
            "undl_id": [3959039, None, None, None, None],
            "status": [None, None, None, "vetoed", None],
        }
    )
    out = with_citation(rows)
    assert out["status"].to_list() == ["adopted", "not adopted", None, "vetoed", "adopted"]
    assert out["link"].to_list() == [
        "https://digitallibrary.un.org/record/3959039",
        "https://undocs.org/A/RES/77/1",
        None,
        "https://undocs.org/S/2022/155",
        "https://undocs.org/A/RES/77/2",
    ]
    assert out["citation"][0] == (
        "A/RES/ES-11/1, “Aggression against Ukraine”, General Assembly, 2 March 2022 (adopted, 141–5–35)"
    )
    assert out["citation"][2] == "roll call 3, General Assembly, 2 March 2022 (paragraph)"
    assert out["citation"][3].startswith("S/2022/155, “Y”, Security Council, 2 March 2022 (vetoed")
    assert display_title("Report : draft resolution / Canada") == "Report"
