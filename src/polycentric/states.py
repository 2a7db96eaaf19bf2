"""State identity, on the ground floor: one canonical id per state across history.

Every vote in the record names its state by a canonical id (see the glossary in
:mod:`polycentric.schema`): the ISO 3166-1 alpha-3 code of the state as
it continues today, or a withdrawn ISO 3166-3 code for a state that ended
without a continuator. Successions follow the practice of the United Nations:

- the USSR is continued by the Russian Federation (``RUS``, from 1991-12-24);
- the Federal Republic of Germany (admitted 1973-09-18) continues as united
  Germany (``DEU``); the German Democratic Republic (``DDR``) was a member from
  1973-09-18 to 1990-10-03;
- Czechoslovakia (``CSK``) ends 1992-12-31; Czechia and Slovakia were admitted
  on 1993-01-19;
- the Socialist Federal Republic of Yugoslavia (``YUG``) ends in 1992
  (A/RES/47/1, 1992-09-22); the Federal Republic of Yugoslavia was admitted on
  2000-11-01 and continues as Serbia (``SRB``; Serbia and Montenegro
  2003-2006);
- the Yemen Arab Republic (``YEM``) and Democratic Yemen (``YMD``) merged on
  1990-05-22 as Yemen (``YEM``);
- Tanganyika (``TZA``, admitted 1961-12-14) and Zanzibar (``EAZ``, admitted
  1963-12-16) united on 1964-04-26 as one member (``TZA``);
- the China seat was held by the Republic of China (``TWN``) until A/RES/2758
  (XXVI) of 1971-10-25 and by the People's Republic (``CHN``) since; codes
  ``CHN``/``CN``/156/710 dated before that day resolve to ``TWN`` (as in
  Voeten's data, COW 713).

Curated data (``registry/data``, sources in its README): ``states.csv`` (codes,
derived by ``scripts/make_state_registry.py``), ``un_membership.csv``
(membership periods), ``state_names.csv`` (names at the time),
``code_aliases.csv`` (historical and date-dependent codes), ``un_observers.csv``
(the non-member observer States, the Holy See ``VAT`` and the State of Palestine
``PSE``: states of the registry that were never members, so they have no votes;
``states_table()`` flags them ``un_status="observer"``).

Dependency rule: imports ``polycentric.errors`` and ``polycentric.schema`` only (it is part of the
ground floor with ``schema`` and ``symbols``: readers map codes with it, so it sits below ``sources``).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from polycentric.errors import UnknownStateError
from polycentric.schema import STATES
from polycentric.symbols import as_date

__all__ = [
    "is_member",
    "member_states",
    "membership_periods",
    "normalise_name",
    "resolve_codes",
    "resolve_state",
    "state_name",
    "state_names_at",
    "states_table",
    "suggest_states",
]

_DATA = Path(__file__).resolve().parent / "registry" / "data"
"""The curated state files (states.csv, un_membership.csv, code_aliases.csv), shipped with the registry's data."""

Scheme = str  # "code" (ISO2/ISO3/historical), "m49", "cow", "name"
_SCHEMES = ("code", "m49", "cow", "name")


def _read(name: str) -> list[dict[str, str]]:
    text = (_DATA / name).read_text(encoding="utf-8")
    # csv keeps "NA" (Namibia) as a string
    return list(csv.DictReader(text.splitlines()))


def _date(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def normalise_name(name: str) -> str:
    """Fold a state name for matching: no accents, case, punctuation, ``&``/``St.`` spelt out.

    >>> normalise_name("Côte d’Ivoire") == normalise_name("Cote d'Ivoire")
    True
    """
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("&", " and ").replace("’", "").replace("'", "")
    s = re.sub(r"\bst\.?\s", "saint ", s)
    s = re.sub(r"[^0-9a-z]+", " ", s)
    s = re.sub(r"\b(the)\b", " ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class _Rule:
    state: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, date: dt.date) -> bool:
        return (self.start is None or date >= self.start) and (self.end is None or date < self.end)


@dataclass
class _Registry:
    table: pl.DataFrame
    static: dict[tuple[Scheme, str], str]
    ambiguous: dict[tuple[Scheme, str], set[str]]
    dated: dict[tuple[Scheme, str], list[_Rule]]
    spells: dict[str, list[tuple[dt.date, dt.date | None]]]
    names: dict[str, list[tuple[str, dt.date | None, dt.date | None]]]


def _key(scheme: Scheme, value: str) -> tuple[Scheme, str]:
    value = value.strip()
    if scheme == "name":
        return scheme, normalise_name(value)
    if scheme in ("m49", "cow"):
        return scheme, str(int(value))
    return scheme, value.upper()


@cache
def _registry() -> _Registry:
    rows = _read("states.csv")
    static: dict[tuple[Scheme, str], str] = {}
    ambiguous: dict[tuple[Scheme, str], set[str]] = {}

    def add(scheme: Scheme, value: str, state: str) -> None:
        if not value:
            return
        k = _key(scheme, value)
        if k in ambiguous:
            ambiguous[k].add(state)
        elif k in static and static[k] != state:
            ambiguous[k] = {static.pop(k), state}
        else:
            static[k] = state

    for r in rows:
        st = r["state"]
        add("code", st, st)
        add("code", r["iso3"], st)
        add("code", r["iso2"], st)
        add("m49", r["m49"], st)
        add("cow", r["cow"], st)
        add("name", r["name"], st)
        for n in r["alt_names"].split("|"):
            add("name", n, st)
    # a state's own id and current codes win over any alt name clash
    dated: dict[tuple[Scheme, str], list[_Rule]] = {}
    for a in _read("code_aliases.csv"):
        rule = _Rule(a["state"], _date(a["start"]), _date(a["end"]))
        k = _key(a["scheme"], a["alias"])
        if rule.start is None and rule.end is None:
            static[k] = rule.state
            ambiguous.pop(k, None)
        else:
            dated.setdefault(k, []).append(rule)
    for named in _read("state_names.csv"):
        if _key("name", named["name"]) not in dated:
            add("name", named["name"], named["state"])
    spells: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for m in _read("un_membership.csv"):
        start = _date(m["start"])
        assert start is not None
        spells.setdefault(m["state"], []).append((start, _date(m["end"])))
    observers = {o["state"] for o in _read("un_observers.csv")}
    names: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = {}
    for named in _read("state_names.csv"):
        names.setdefault(named["state"], []).append((named["name"], _date(named["start"]), _date(named["end"])))
    table = pl.DataFrame(
        {
            "state": [r["state"] for r in rows],
            "name": [r["name"] for r in rows],
            "iso2": [r["iso2"] or None for r in rows],
            "iso3": [r["iso3"] or None for r in rows],
            "m49": [int(r["m49"]) if r["m49"] else None for r in rows],
            "cow": [int(r["cow"]) if r["cow"] else None for r in rows],
            "un_joined": [_date(r["un_joined"]) for r in rows],
            "un_left": [_date(r["un_left"]) for r in rows],
            "un_status": [
                "observer" if r["state"] in observers else ("member" if not r["un_left"] else "former member")
                for r in rows
            ],
        },
        schema=STATES,
    )
    return _Registry(table, static, ambiguous, dated, spells, names)


def _guess_schemes(value: str) -> tuple[Scheme, ...]:
    v = value.strip()
    if v.isdecimal():
        return ("m49",)
    if len(v) in (2, 3) and v.isalpha() and v.isupper():
        return ("code", "name")
    if len(v) in (2, 3) and v.isalpha():
        return ("code", "name")
    return ("name",)


def _lookup(reg: _Registry, scheme: Scheme, value: str, date: dt.date | None) -> str | None:
    k = _key(scheme, value)
    rules = reg.dated.get(k)
    if rules:
        if date is not None:
            for rule in rules:
                if rule.covers(date):
                    return rule.state
        elif k not in reg.static:
            open_ended = [r for r in rules if r.end is None]
            if open_ended:
                return open_ended[0].state
    if k in reg.ambiguous:
        raise UnknownStateError(
            f"{value!r} is ambiguous as a {scheme} ({', '.join(sorted(reg.ambiguous[k]))}); give a code or a date"
        )
    return reg.static.get(k)


def resolve_state(
    code_or_name: str | int,
    date: dt.date | dt.datetime | str | None = None,
    *,
    scheme: Scheme | None = None,
) -> str:
    """The canonical state id for a code or name, as of ``date``.

    Parameters
    ----------
    code_or_name
        An ISO 3166-1 alpha-2 or alpha-3 code, an M49 or COW number, a
        historical code (``SUN``, ``GER`` for the FRG seat, ``CSK``, ``YUG``,
        ``DDR``, ``YMD``, ``YAR``, ``EAZ``, ``SCG``, ``ZAR``...) or an English
        name, current or historical (``"USSR"``, ``"Burma"``, ``"Côte d'Ivoire"``).
    date
        The date the code was used on. Needed only for codes whose meaning
        changed (``YUG``/``YU``/COW 345 mean Serbia from 2000-11-01; ``CHN``
        before 1971-10-25 means the Republic of China's seat, ``TWN``).
    scheme
        Force one reading: ``"code"`` (ISO/historical letters), ``"m49"``,
        ``"cow"`` or ``"name"``; a prefix does the same (``"cow:365"``). A bare
        number is read as M49 (ISO 3166 numeric): the two numberings overlap
        (200 is M49 Czechoslovakia but COW United Kingdom), so COW numbers
        need ``scheme="cow"``.

    Returns
    -------
    str
        The canonical id (``"RUS"`` for both ``resolve_state("Russia", "2022-03-02")``
        and ``resolve_state("SUN", "1975-01-01")``).

    Raises
    ------
    UnknownStateError
        No state has this code or name (or the number is ambiguous).
    """
    reg = _registry()
    value = str(code_or_name).strip()
    if not value:
        raise UnknownStateError("empty state code")
    d = as_date(date)
    prefix, sep, rest = value.partition(":")
    if sep and prefix.lower() in _SCHEMES and scheme is None:
        scheme, value = prefix.lower(), rest.strip()
    schemes = (scheme,) if scheme is not None else _guess_schemes(value)
    if scheme is not None and scheme not in _SCHEMES:
        raise UnknownStateError(f"unknown scheme {scheme!r}: expected one of {', '.join(_SCHEMES)}")
    for s in schemes:
        hit = _lookup(reg, s, value, d)
        if hit is not None:
            return hit
    close = suggest_states(value)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownStateError(f"no state is known by {value!r}{hint}")


def suggest_states(text: str, n: int = 3) -> list[str]:
    """Close matches for a misspelt state code or name, as ``"Name (ID)"`` (``"Rusia"`` -> ``Russian Federation (RUS)``).

    Names (current, historical and alternative) are compared after :func:`normalise_name`
    with :func:`difflib.get_close_matches` (ratio >= 0.8; 0.6 for a code of up to three letters); a code-like text is also
    compared with the codes. Returns at most ``n`` distinct states, closest first.
    """
    import difflib

    reg = _registry()
    current = dict(zip(reg.table["state"].to_list(), reg.table["name"].to_list(), strict=True))
    by_name: dict[str, str] = {}
    for (scheme, key), sid in reg.static.items():
        if scheme in ("name", "code"):
            by_name.setdefault(key if scheme == "name" else key.casefold(), sid)
    short = len(text.strip()) <= 3 and text.strip().isalpha()
    folded = text.strip().casefold() if short else normalise_name(text)
    hits = difflib.get_close_matches(folded, list(by_name), n=n * 4, cutoff=0.6 if short else 0.8)
    out: list[str] = []
    for h in hits:
        sid = by_name[h]
        label = f"{current.get(sid, sid)} ({sid})"
        if label not in out:
            out.append(label)
    return out[:n]


def resolve_codes(
    codes: pl.Series,
    dates: pl.Series | None = None,
    *,
    scheme: Scheme | None = None,
) -> pl.Series:
    """Vectorised :func:`resolve_state` for a column of codes (and their dates).

    Each distinct code is resolved once; codes whose meaning depends on the date
    are resolved per distinct (code, date). A code that names no state raises
    :class:`UnknownStateError` whose ``args[1]`` is the row index of its first
    occurrence (readers turn it into a file line).
    """
    reg = _registry()
    code = codes.cast(pl.String).rename("code")
    if code.null_count():
        raise UnknownStateError("missing state code", int(code.is_null().arg_true()[0]))

    def first_row(value: str) -> int:
        return int((code == value).arg_true()[0])

    mapping: dict[str, str] = {}
    dated_codes: list[str] = []
    unknown: list[tuple[int, str]] = []  # (first row, message): the earliest is raised
    for value in code.unique().to_list():
        schemes = (scheme,) if scheme else _guess_schemes(value)
        if any(_key(s, value) in reg.dated for s in schemes if s in ("code", "name") or value.strip().isdecimal()):
            dated_codes.append(value)
            continue
        try:
            mapping[value] = resolve_state(value, scheme=scheme)
        except UnknownStateError as exc:
            unknown.append((first_row(value), str(exc)))
    if unknown:
        row, message = min(unknown)
        raise UnknownStateError(message, row)
    out = code.replace_strict(mapping, default=None, return_dtype=pl.String)
    if dated_codes:
        rows = code.is_in(dated_codes).arg_true()
        day = dates.cast(pl.Date).gather(rows) if dates is not None else pl.Series([None] * rows.len(), dtype=pl.Date)
        sub = pl.DataFrame({"code": code.gather(rows), "date": day})
        pairs = sub.unique()
        resolved: list[str] = []
        for value, date in pairs.iter_rows():
            try:
                resolved.append(resolve_state(value, date, scheme=scheme))
            except UnknownStateError as exc:
                hit = ((sub["code"] == value) & (sub["date"].eq_missing(date))).arg_true()[0]
                unknown.append((int(rows[int(hit)]), str(exc)))
                resolved.append("")
        if unknown:
            row, message = min(unknown)
            raise UnknownStateError(message, row)
        pairs = pairs.with_columns(pl.Series("resolved", resolved, dtype=pl.String))
        filled = sub.join(pairs, on=["code", "date"], how="left", nulls_equal=True, maintain_order="left")
        out = out.scatter(rows, filled["resolved"])
    return out.alias(codes.name)


def states_table() -> pl.DataFrame:
    """Every state of the registry (STATES schema): current name, ISO2/ISO3/M49/COW, first and last UN date."""
    return _registry().table.clone()


def membership_periods() -> pl.DataFrame:
    """UN membership spells: ``state``, ``start``, ``end`` (null while a member); Syria has two."""
    reg = _registry()
    rows = [(s, a, b) for s, spells in reg.spells.items() for a, b in spells]
    return pl.DataFrame(rows, schema={"state": pl.String, "start": pl.Date, "end": pl.Date}, orient="row")


def is_member(state: str, date: dt.date | dt.datetime | str) -> bool:
    """Whether ``state`` (any code or name, resolved as of ``date``) was a UN member on ``date``.

    Membership runs from the admission date (inclusive) to the end date (exclusive).
    """
    d = as_date(date)
    assert d is not None
    sid = resolve_state(state, d)
    return any(a <= d and (b is None or d < b) for a, b in _registry().spells.get(sid, []))


def member_states(date: dt.date | dt.datetime | str) -> list[str]:
    """The canonical ids of the UN members on ``date``, sorted."""
    d = as_date(date)
    assert d is not None
    return sorted(
        s for s, spells in _registry().spells.items() if any(a <= d and (b is None or d < b) for a, b in spells)
    )


def state_name(state: str, date: dt.date | dt.datetime | str | None = None) -> str:
    """The English name of ``state`` at ``date`` (its current or last name when no date)."""
    reg = _registry()
    d = as_date(date)
    sid = resolve_state(state, d)
    if d is not None:
        for name, a, b in reg.names.get(sid, []):
            if (a is None or d >= a) and (b is None or d < b):
                return name
    row = reg.table.filter(pl.col("state") == sid)
    return str(row["name"][0])


def state_names_at(states: pl.Series, dates: pl.Series) -> pl.Series:
    """Vectorised :func:`state_name`: the name of each canonical id at each date."""
    reg = _registry()
    rules = pl.DataFrame(
        [(s, n, a, b) for s, lst in reg.names.items() for n, a, b in lst],
        schema={"state": pl.String, "rule_name": pl.String, "start": pl.Date, "end": pl.Date},
        orient="row",
    )
    current = dict(zip(reg.table["state"].to_list(), reg.table["name"].to_list(), strict=True))
    code = states.cast(pl.String)
    out = code.replace_strict(current, default=None, return_dtype=pl.String)
    rows = code.is_in(list(reg.names)).arg_true()  # only states that had other names need the date
    if rows.len():
        sub = pl.DataFrame({"state": code.gather(rows), "date": dates.cast(pl.Date).gather(rows)}).with_row_index("_i")
        hit = (
            sub.join(rules, on="state", maintain_order="left")
            .filter(
                (pl.col("start").is_null() | (pl.col("date") >= pl.col("start")))
                & (pl.col("end").is_null() | (pl.col("date") < pl.col("end")))
            )
            .group_by("_i")
            .agg(pl.col("rule_name").first())
        )
        named = sub.join(hit, on="_i", how="left", maintain_order="left")["rule_name"]
        out = out.scatter(rows, pl.select(pl.coalesce(named, out.gather(rows))).to_series())
    return out.rename("state_name")
