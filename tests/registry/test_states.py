"""The state registry: codes, names, successions and UN membership periods."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.errors import UnknownStateError
from polycentric.schema import STATES
from polycentric.states import (
    is_member,
    member_states,
    normalise_name,
    resolve_codes,
    resolve_state,
    state_name,
    states_table,
)

TABLE = states_table()


@pytest.mark.parametrize(
    ("query", "date", "expected"),
    [
        ("Russia", "2022-03-02", "RUS"),
        ("USSR", "1975-06-01", "RUS"),
        ("SUN", "1975-06-01", "RUS"),
        ("SU", None, "RUS"),
        ("810", None, "RUS"),
        ("cow:365", None, "RUS"),
        ("GER", "1980-01-01", "DEU"),
        ("Federal Republic of Germany", None, "DEU"),
        ("cow:260", None, "DEU"),
        ("DDR", None, "DDR"),
        ("cow:265", None, "DDR"),
        ("CSK", None, "CSK"),
        ("CS", "1980-01-01", "CSK"),
        ("CS", "2004-01-01", "SRB"),
        ("YUG", "1980-01-01", "YUG"),
        ("YUG", "2001-01-01", "SRB"),
        ("cow:345", "1960-01-01", "YUG"),
        ("cow:345", "2010-01-01", "SRB"),
        ("YMD", None, "YMD"),
        ("YAR", None, "YEM"),
        ("Yemen Arab Republic", None, "YEM"),
        ("cow:680", None, "YMD"),
        ("EAZ", None, "EAZ"),
        ("Zanzibar", None, "EAZ"),
        ("Tanganyika", None, "TZA"),
        ("CHN", "1960-01-01", "TWN"),
        ("CHN", "1980-01-01", "CHN"),
        ("CHN", None, "CHN"),
        ("NA", None, "NAM"),
        ("Namibia", None, "NAM"),
        ("Côte d’Ivoire", None, "CIV"),
        ("Ivory Coast", None, "CIV"),
        ("St. Kitts & Nevis", None, "KNA"),
        ("Burma", None, "MMR"),
        ("ZAR", None, "COD"),
        ("HVO", None, "BFA"),
        ("us", None, "USA"),
        ("840", None, "USA"),
        ("PSE", None, "PSE"),
        ("PS", None, "PSE"),
        ("275", None, "PSE"),
        ("Palestine", "2022-03-02", "PSE"),
        ("State of Palestine", None, "PSE"),
        ("VAT", None, "VAT"),
        ("VA", None, "VAT"),
        ("336", None, "VAT"),
        ("Holy See", None, "VAT"),
        ("Vatican City", None, "VAT"),
    ],
)
def test_resolve_state(query: str, date: str | None, expected: str) -> None:
    assert resolve_state(query, date) == expected


def test_unknown_and_ambiguous() -> None:
    with pytest.raises(UnknownStateError, match="ZZZ"):
        resolve_state("ZZZ")
    with pytest.raises(UnknownStateError):
        resolve_state("")
    # COW 200 is the United Kingdom, M49 200 Czechoslovakia: a bare number is M49
    assert resolve_state("200") == "CSK"
    assert resolve_state(200, scheme="cow") == "GBR"


def test_table_shape_and_codes() -> None:
    assert TABLE.schema == pl.Schema(STATES)
    assert TABLE["state"].is_unique().all()
    # 193 members today + TWN (China seat to 1971), CSK, DDR, YUG, YMD, EAZ + the two observer States
    assert TABLE.height == 201
    status = dict(TABLE.group_by("un_status").agg(pl.col("state").sort()).iter_rows())
    assert status["observer"] == ["PSE", "VAT"]
    assert status["former member"] == ["CSK", "DDR", "EAZ", "TWN", "YMD", "YUG"]
    assert len(status["member"]) == 193
    assert TABLE.filter(pl.col("un_status") == "member")["un_left"].null_count() == 193
    nam = TABLE.filter(pl.col("state") == "NAM").row(0, named=True)
    assert nam["iso2"] == "NA" and nam["m49"] == 516


def test_observer_states_are_states_but_never_members() -> None:
    """The Holy See and Palestine: in the registry (group lists name them), with no membership and no votes."""
    rows = TABLE.filter(pl.col("un_status") == "observer").select("state", "name", "iso2", "m49", "cow", "un_joined")
    assert rows.rows() == [
        ("PSE", "State of Palestine", "PS", 275, None, None),
        ("VAT", "Holy See", "VA", 336, None, None),
    ]
    for state in ("PSE", "VAT"):
        assert not is_member(state, "2022-03-02")
        assert state not in member_states("2022-03-02")
    assert state_name("PSE", "1990-01-01") == "State of Palestine"
    assert resolve_codes(pl.Series(["PS", "VAT", "USA"])).to_list() == ["PSE", "VAT", "USA"]


def test_every_group_member_is_a_registry_state() -> None:
    from polycentric.registry.groups import get_group, list_groups

    known = set(TABLE["state"].to_list())
    listed = {s for g in list_groups()["id"].to_list() for s in get_group(g).history()["state"].to_list()}
    assert "PSE" in listed
    assert listed <= known, sorted(listed - known)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(TABLE.filter(pl.col("un_status") == "member")["state"].to_list()))
def test_every_current_member_resolves_by_its_codes_and_name(state: str) -> None:
    row = TABLE.filter(pl.col("state") == state).row(0, named=True)
    assert resolve_state(row["iso3"]) == state
    assert resolve_state(row["iso2"]) == state
    assert resolve_state(str(row["m49"])) == state
    assert resolve_state(row["name"]) == state
    assert resolve_state(row["name"].upper()) == state
    assert is_member(state, dt.date(2024, 1, 1))


@pytest.mark.parametrize(
    ("state", "date", "member"),
    [
        ("DDR", "1973-09-18", True),
        ("DDR", "1973-09-17", False),
        ("DDR", "1990-10-03", False),
        ("DEU", "1973-09-18", True),
        ("CSK", "1992-12-31", False),
        ("CSK", "1992-12-30", True),
        ("CZE", "1993-01-19", True),
        ("SVK", "1993-01-18", False),
        ("YUG", "1992-09-21", True),
        ("SRB", "2000-10-31", False),
        ("SRB", "2000-11-01", True),
        ("YMD", "1990-05-21", True),
        ("YMD", "1990-05-22", False),
        ("EAZ", "1964-01-01", True),
        ("EAZ", "1964-04-26", False),
        ("SYR", "1960-01-01", False),
        ("SYR", "1962-01-01", True),
        ("RUS", "1975-01-01", True),
    ],
)
def test_membership(state: str, date: str, member: bool) -> None:
    assert is_member(state, date) is member


def test_member_counts() -> None:
    assert len(member_states("1946-06-01")) == 51  # the original members
    assert len(member_states("2022-03-02")) == 193
    assert len(member_states("2011-07-14")) == 193  # South Sudan
    assert len(member_states("2011-07-13")) == 192


def test_names_at_the_time() -> None:
    assert state_name("RUS", "1975-01-01") == "Union of Soviet Socialist Republics"
    assert state_name("RUS", "2022-03-02") == "Russian Federation"
    assert state_name("SRB", "2001-01-01") == "Yugoslavia"
    assert state_name("SRB", "2005-01-01") == "Serbia and Montenegro"
    assert state_name("MMR", "1970-01-01") == "Burma"


def test_resolve_codes_vectorised_with_dates() -> None:
    codes = pl.Series(["YU", "YU", "RU", "NA", "CHN", "CHN"])
    dates = pl.Series(
        ["1980-01-01", "2005-01-01", "2000-01-01", "2000-01-01", "1960-01-01", "1990-01-01"]
    ).str.to_date()
    assert resolve_codes(codes, dates).to_list() == ["YUG", "SRB", "RUS", "NAM", "TWN", "CHN"]
    with pytest.raises(UnknownStateError) as info:
        resolve_codes(pl.Series(["FR", "XX"]))
    assert info.value.args[1] == 1


@given(st.text(max_size=30))
def test_normalise_name_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once
