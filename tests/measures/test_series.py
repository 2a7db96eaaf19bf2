"""Resolution series: title normalisation, matching, families, tallies and switchers on the record."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from polycentric.errors import InsufficientDataError
from polycentric.measures.series import (
    KNOWN_SERIES,
    core_title,
    find_series,
    match_score,
    normalise_title,
    series_history,
    series_switchers,
    series_table,
)
from polycentric.schema import ROLL_CALLS, conform

from ._helpers import make_votes


def test_normalise_and_match() -> None:
    assert normalise_title("ARMS RACE, OUTER SPACE") == ["arm", "race", "outer", "space"]
    assert normalise_title(
        "Prevention of an arms race in outer space : resolution / adopted by the General Assembly"
    ) == [
        "prevention",
        "arm",
        "race",
        "outer",
        "space",
    ]
    q = normalise_title("developments in the field of information and telecommunications")
    # a misspelling in the record ("fieln") and the singular "telecommunication" still match
    assert match_score(q, normalise_title("Developments in the fieln of information and telecommunication")) == 1.0
    assert match_score(
        normalise_title("territorial integrity of Ukraine"),
        normalise_title(
            "Situation of human rights in the Autonomous Republic of Crimea and the city of Sevastopol, Ukraine"
        ),
    ) == pytest.approx(1 / 3)
    assert core_title("A/71/251 96a - Prevention of an arms race in outer space. - ARMS RACE--OUTER SPACE") == (
        "Prevention of an arms race in outer space"
    )
    assert core_title(
        "Human rights and unilateral coercive measures : resolution / adopted by the General Assembly"
    ) == ("Human rights and unilateral coercive measures")


def _roll_calls(titles: dict[int, tuple[str, str]]) -> pl.DataFrame:
    rows = [
        {
            "rollcall_id": rc,
            "body": "GA",
            "date": dt.date(int(y), 12, 1),
            "year": int(y),
            "session": str(int(y) - 1945),
            "resolution": f"A/RES/{int(y) - 1945}/{rc}",
            "title": t,
            "kind": "resolution",
        }
        for rc, (y, t) in titles.items()
    ]
    return conform(pl.DataFrame(rows), ROLL_CALLS)


def test_families_and_switchers_hand_built() -> None:
    rc = _roll_calls(
        {
            1: ("2015", "No first placement of weapons in outer space"),
            2: ("2015", "Prevention of an arms race in outer space"),
            3: ("2016", "No first placement of weapons in outer space : resolution / adopted by the General Assembly"),
            4: ("2016", "Prevention of an arms race in outer space"),
            5: ("2017", "No first placement of weapons in outer space"),
            6: ("2017", "Peaceful uses of outer space"),
        }
    )
    votes = make_votes(
        {
            1: {"A": "Y", "B": "N", "C": "A"},
            2: {"A": "Y", "B": "Y", "C": "Y"},
            3: {"A": "Y", "B": "A", "C": "A"},
            4: {"A": "N", "B": "Y", "C": "X"},
            5: {"A": "Y", "B": "A", "C": "Y"},
        }
    )
    found = find_series(rc, "outer-space")
    assert found.filter(pl.col("family") == 1)["rollcall_id"].to_list() == [1, 3, 5]
    assert found.filter(pl.col("family") == 2)["rollcall_id"].to_list() == [2, 4]
    assert 6 not in found["rollcall_id"].to_list()
    hist = series_history(rc, votes, "outer-space")
    assert hist.filter(pl.col("rollcall_id") == 4).select("yes", "no", "abstain", "absent").row(0) == (1, 1, 0, 1)
    sw = series_switchers(rc, votes, "outer-space")
    got = set(sw.select("family", "state", "year_to", "vote_from", "vote_to").iter_rows())
    # family 1: B N->A (2016); C A->Y (2017). family 2: A Y->N (2016); C Y->X is not a switch
    assert got == {(1, "B", 2016, "N", "A"), (1, "C", 2017, "A", "Y"), (2, "A", 2016, "Y", "N")}
    table = series_table(rc, votes, "outer-space")
    assert table.filter(pl.col("rollcall_id") == 3)["switchers"].item() == "B N→A"
    with pytest.raises(InsufficientDataError):
        find_series(rc, "glorification of nazism")


@pytest.mark.parametrize("slug", list(KNOWN_SERIES))
def test_record_known_series(real: tuple[pl.DataFrame, pl.DataFrame], slug: str) -> None:
    votes, roll_calls = real
    hist = series_history(roll_calls, votes, slug)
    assert hist.height >= 1
    # the tallies are direct counts of the votes on each roll call
    sample = hist.tail(3)
    for row in sample.iter_rows(named=True):
        v = votes.filter(pl.col("rollcall_id") == row["rollcall_id"])["vote"].to_list()
        assert (row["yes"], row["no"], row["abstain"], row["absent"]) == tuple(v.count(c) for c in "YNAX")
    # every roll call's title contains most of the series' words
    spec = KNOWN_SERIES[slug]
    words = [normalise_title(s) for s in spec.searches]
    for row in hist.iter_rows(named=True):
        rc = roll_calls.filter(pl.col("rollcall_id") == row["rollcall_id"]).row(0, named=True)
        texts = [rc.get(c) for c in ("title", "agenda", "subjects")]
        best = max(match_score(w, normalise_title(t)) for w in words for t in texts)
        assert best >= 0.85


def test_record_series_spans(real: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    votes, roll_calls = real
    cuba = series_history(roll_calls, votes, "cuba-embargo")
    years = cuba.filter(pl.col("family") == 1)["year"].to_list()
    assert years[0] == 1992 and len(years) >= 25 and len(set(years)) == len(years)
    space = find_series(roll_calls, "outer-space")
    titles = space.group_by("family").agg(pl.col("family_title").first())["family_title"].str.to_lowercase().to_list()
    assert any("no first placement" in t for t in titles) and any(
        t.startswith("prevention of an arms race") for t in titles
    )
    # switchers agree with a direct comparison of two consecutive Cuba votes
    sw = series_switchers(roll_calls, votes, "cuba-embargo").filter(pl.col("family") == 1)
    last = cuba.filter(pl.col("family") == 1).tail(2)["rollcall_id"].to_list()
    a = dict(votes.filter(pl.col("rollcall_id") == last[0]).select("state", "vote").iter_rows())
    b = dict(votes.filter(pl.col("rollcall_id") == last[1]).select("state", "vote").iter_rows())
    expected = {s for s in a.keys() & b.keys() if a[s] != b[s] and a[s] in "YNA" and b[s] in "YNA"}
    assert set(sw.filter(pl.col("rollcall_id_to") == last[1])["state"]) == expected
