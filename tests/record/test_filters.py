"""``Filters``: one value for the record's query filters; ``Record.roll_call(id)``."""

from __future__ import annotations

import polars as pl
import pytest
from undl_rows import undl_file

from polycentric.errors import ConfigurationError, UnknownResolutionError
from polycentric.record.filters import Filters, as_date
from polycentric.record.store import Record, ingest, open_record


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Record:
    """Three GA roll calls: 68/262 (2014-03-27), 69/1 (2014-10-01), 70/5 (2015-11-02)."""
    d = tmp_path_factory.mktemp("filters")
    files = [
        undl_file(d / "a.csv", 4001, "A/RES/68/262", "2014-03-27", {"USA": "Y", "RUS": "N", "CHN": "A"}),
        undl_file(d / "b.csv", 4002, "A/RES/69/1", "2014-10-01", {"USA": "Y", "FRA": "Y"}),
        undl_file(d / "c.csv", 4003, "A/RES/70/5", "2015-11-02", {"USA": "N", "RUS": "Y", "FRA": "A"}),
    ]
    ingest(files, home=d / "home")
    return open_record(d / "home")


def test_filters_of_replaces_the_fields_given() -> None:
    assert Filters.of() == Filters() == Filters(body="GA")
    base = Filters(year=2014, state="RUS")
    assert Filters.of(base) is base
    assert Filters.of(base, state=None, body=None) == Filters(year=2014, state=None, body=None)
    assert base.state == "RUS"  # frozen: the original is unchanged
    with pytest.raises(AttributeError):
        base.year = 2015  # type: ignore[misc]


def test_keeps_every_roll_call_only_without_column_filters() -> None:
    assert Filters(body=None).keeps_every_roll_call()
    assert Filters(body=None, state="RUS").keeps_every_roll_call()
    assert not Filters().keeps_every_roll_call()  # body="GA"
    assert not Filters(body=None, year=2014).keeps_every_roll_call()
    assert not Filters(body=None, search="").keeps_every_roll_call()


def test_filters_value_and_keywords_give_the_same_answers(small: Record) -> None:
    cases: list[dict[str, object]] = [
        {},
        {"year": 2014},
        {"session": 68},
        {"session": "69"},
        {"start": "2014-06-01", "end": "2015-12-31"},
        {"state": "RUS"},
        {"state": "Russian Federation", "year": 2015},
        {"resolution": "R/69/1"},
        {"search": "title 4003"},
        {"undl_id": "4002"},
        {"body": None},
        {"body": "SC"},
    ]
    for kw in cases:
        f = Filters(**kw)  # type: ignore[arg-type]
        assert small.roll_calls(f).equals(small.roll_calls(**kw)), kw  # type: ignore[arg-type]
        votes = small.votes(**kw)  # type: ignore[arg-type]
        assert small.votes(f).equals(votes), kw
        total, page = small.votes_page(1, 2, filters=f)
        assert total == votes.height, kw
        assert page.equals(votes.slice(1, 2)), kw


def test_filters_select_the_hand_counted_rows(small: Record) -> None:
    assert small.roll_calls(Filters(year=2014))["resolution"].to_list() == ["A/RES/68/262", "A/RES/69/1"]
    assert small.roll_calls(Filters(session=70))["resolution"].to_list() == ["A/RES/70/5"]
    assert small.roll_calls(Filters(state="RUS"))["resolution"].to_list() == ["A/RES/68/262", "A/RES/70/5"]
    assert small.votes(Filters(state="RUS"))["vote"].to_list() == ["N", "Y"]
    assert small.votes(Filters(year=2014)).height == 5
    # keywords given beside a Filters value replace its fields
    assert small.votes(Filters(year=2014), year=2015).height == 3
    assert small.votes(Filters(year=2014, state="USA"), state=None).height == 5
    assert small.roll_calls(Filters(body="SC")).height == 0


def test_bad_filters_raise_clear_errors(small: Record) -> None:
    with pytest.raises(ConfigurationError, match="unknown issue"):
        small.roll_calls(Filters(issue="weather"))
    with pytest.raises(ConfigurationError, match="not a number"):
        small.votes(undl_id="x12")
    assert as_date("2014-03-27") is not None
    assert as_date(None) is None


def test_roll_call_by_id(small: Record) -> None:
    every = small.roll_calls(body=None)
    for rid in every["rollcall_id"].to_list():
        one = small.roll_call(rid)
        assert one.height == 1
        assert one.schema == every.schema
        assert one.equals(every.filter(pl.col("rollcall_id") == rid))
    missing = int(every["rollcall_id"].max()) + 1000
    with pytest.raises(UnknownResolutionError, match=f"no roll call has the id {missing}"):
        small.roll_call(missing)
    with pytest.raises(KeyError):  # UnknownResolutionError is also a KeyError
        small.roll_call(-1)
