#!/usr/bin/env python3
"""Build the groups registry shipped in ``src/polycentric/registry/data/groups/``.

Reads the shared source files (never copied into the repository) and the
hand-curated files in ``scripts/groups_curated/``, and writes:

- ``groups.csv``       the index: id, name, kind, aliases, description, sources
- ``memberships.csv``  one membership spell per row: group, state, status, joined,
                       left, precision, source, uncertain, note
- ``sources.csv``      citation keys used in ``source`` / ``sources``
- ``BUILD.md``         the derivation log: rows used, dropped, corrected, and the
                       cross-checks against COW and the current-composition lists

Run from the repository root::

    .venv/bin/python scripts/build_groups.py [--data ../shared/data] [--check]

``--check`` rebuilds in memory and fails if the shipped files differ (CI use).

Derivations (``derivation`` column of ``groups_curated/index.csv``):

``cow``
    Spells from the Correlates of War IGO v3 yearly panel (1815-2014): consecutive
    years with the same status make one spell. A yearly panel gives dates only to
    the year: a spell coded from year Y1 to Y2 becomes ``joined = Y1-01-01`` and
    ``left = Y2-12-31`` (``precision = year``), except that a spell starting in the
    organisation's founding year starts on the founding date, and a spell still
    coded in 2014 (the panel's last year) stays open. Hand-curated spells for a
    (group, state) pair replace the derived ones for that pair.
``curated``
    Every spell comes from ``groups_curated/spells.csv`` (public facts with exact
    dates); COW, where it covers the organisation, is the cross-check.
``current``
    (G77) the current composition (internacia_2025, confirmed by g77_sna_2024);
    joining dates approximated by the later of the founding and the UN admission.
``regional``
    (UN regional groups) the current composition with the known errors fixed;
    spells start at the later of the UN admission and 1963-12-17.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "scripts" / "groups_curated"
OUT = ROOT / "src" / "polycentric" / "registry" / "data" / "groups"

COW_LAST_YEAR = 2014
SNAPSHOT = dt.date(2025, 12, 20)  # internacia_2025 commit date: "current" lists are compared on this day
REGIONAL_FLOOR = dt.date(1963, 12, 17)  # A/RES/1991 (XVIII)
G77_FOUNDED = dt.date(1964, 6, 15)
STATUSES = ("member", "observer", "associate", "partner", "invited", "suspended")
COW_STATUS = {1: "member", 2: "associate", 3: "observer"}

FOUNDING = {  # COW igo -> founding date used for spells that start in the founding year
    "nam": dt.date(1961, 9, 1),
    "oau": dt.date(1963, 5, 25),
    "oic": dt.date(1969, 9, 25),
    "loas": dt.date(1945, 3, 22),
    "caricom": dt.date(1973, 8, 1),
}

# COW ccode -> canonical id, where countrycode has no ISO3 (ended states, the FRG).
COW_EXTRA = {260: "DEU", 265: "DDR", 315: "CSK", 511: "EAZ", 678: "YEM", 680: "YMD"}
HISTORICAL = {
    "DDR": "German Democratic Republic",
    "YMD": "Yemen, People's Democratic Republic of",
    "CSK": "Czechoslovakia",
    "YUG": "Yugoslavia (Socialist Federal Republic)",
    "EAZ": "Zanzibar",
}
# Exact UN admission dates where the year alone would mislead (public record, un.org "Growth in UN membership").
UN_ADMISSION_EXACT = {
    "SRB": "2000-11-01", "MNE": "2006-06-28", "SSD": "2011-07-14", "TLS": "2002-09-27", "CHE": "2002-09-10",
    "TUV": "2000-09-05", "KIR": "1999-09-14", "NRU": "1999-09-14", "TON": "1999-09-14", "DEU": "1973-09-18",
    "DDR": "1973-09-18", "YMD": "1967-12-14", "EST": "1991-09-17", "LVA": "1991-09-17", "LTU": "1991-09-17",
    "PRK": "1991-09-17", "KOR": "1991-09-17", "MHL": "1991-09-17", "FSM": "1991-09-17", "ARM": "1992-03-02",
    "AZE": "1992-03-02", "KAZ": "1992-03-02", "KGZ": "1992-03-02", "MDA": "1992-03-02", "TJK": "1992-03-02",
    "TKM": "1992-03-02", "UZB": "1992-03-02", "SMR": "1992-03-02", "GEO": "1992-07-31", "HRV": "1992-05-22",
    "SVN": "1992-05-22", "BIH": "1992-05-22", "CZE": "1993-01-19", "SVK": "1993-01-19", "MKD": "1993-04-08",
    "ERI": "1993-05-28", "MCO": "1993-05-28", "AND": "1993-07-28", "PLW": "1994-12-15", "NAM": "1990-04-23",
    "LIE": "1990-09-18", "EAZ": "1963-12-16",
    "CHN": "1971-10-25",  # the People's Republic; the China seat before is coded TWN (as in the state registry)
}
# Regional groups of states that ended (not in the current lists).
REGIONAL_HISTORICAL = [
    # group, state, joined, left, uncertain, note
    ("EEG", "DDR", "1973-09-18", "1990-10-02", False, "German Democratic Republic until unification"),
    ("EEG", "CSK", "1963-12-17", "1992-12-31", False, "Czechoslovakia until its dissolution"),
    ("EEG", "YUG", "1963-12-17", "1992-09-21", True,
     "SFR Yugoslavia until A/RES/47/1 (1992-09-22) ended its seat (the FRY was admitted as SRB on 2000-11-01)"),
    ("APG", "TWN", "1963-12-17", "1971-10-24", True,
     "the Republic of China held the China seat until A/RES/2758 (XXVI) of 1971-10-25 (its votes are coded TWN)"),
    ("APG", "YMD", "1967-12-14", "1990-05-21", False, "South Yemen until unification"),
    ("AFRICAN_GROUP", "EAZ", "1963-12-17", "1964-04-25", True, "Zanzibar until its union with Tanganyika"),
]
# Known errors of internacia_2025's UN regional group lists (shared/data/groups/PROVENANCE.md).
REGIONAL_REMOVE = {("APG", "ARM"), ("APG", "AZE"), ("APG", "AUS"), ("APG", "NZL")}
REGIONAL_SPECIAL = {
    # (group, state): (status, joined, precision, uncertain, note)
    ("WEOG", "USA"): ("observer", None, "day", False,
                      "observer in WEOG, counted in it for electoral purposes"),
    ("WEOG", "ISR"): ("member", "2000-05-28", "month", True,
                      "admitted to WEOG (New York) in May 2000 on a temporary basis; in no regional group before"),
    ("APG", "KIR"): ("member", "2010-01-01", "year", True, "joined the Asia-Pacific Group in 2010 (in no group 1999-2010)"),
    ("APG", "PSE"): ("member", "1986-04-02", "day", True, "PLO admitted as a full member of the Asian Group (1986)"),
    ("AFRICAN_GROUP", "ZAF"): ("member", None, "day", True,
                               "South Africa was barred from taking part in the General Assembly 1974-11-12 to 1994-06-23; "
                               "its participation in the African Group before 1994 is not documented here"),
    ("APG", "CHN"): ("member", "1971-10-25", "day", False,
                     "People's Republic of China from A/RES/2758 (XXVI); the China seat before is coded TWN"),
    ("WEOG", "DEU"): ("member", "1973-09-18", "day", False, "Federal Republic of Germany; united Germany from 1990-10-03"),
}
# Canonical ids of states that are not UN members but are listed in groups (UN observer states).
NON_MEMBER_STATES = {"PSE": "Palestine", "VAT": "Holy See"}


@dataclass
class Log:
    """What the build did, written to BUILD.md."""

    lines: list[str] = field(default_factory=list)

    def h(self, title: str) -> None:
        self.lines += ["", f"## {title}", ""]

    def add(self, text: str) -> None:
        self.lines.append(text)


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def read_curated_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a curated CSV with their physical line numbers; '#' lines are comments."""
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    header = next(csv.reader([lines[0]]))
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        values = next(csv.reader([line]))
        if len(values) != len(header):
            raise SystemExit(f"{path}:{lineno}: expected {len(header)} fields, got {len(values)}")
        rows.append((lineno, dict(zip(header, values, strict=True))))
    return rows


# ---------------------------------------------------------------------------------------------- states


def load_states(data: Path) -> tuple[pl.DataFrame, dict[int, str], dict[str, str]]:
    """Canonical states (id, name), COW ccode -> id and ISO2 -> id."""
    iso = pl.read_csv(data / "country_codes" / "iso3166_1_pycountry.csv", infer_schema_length=0, null_values=[])
    names = {}
    for r in iso.iter_rows(named=True):
        name = r.get("common_name") or r["name"]
        names[r["alpha_3"]] = name
    names.update(HISTORICAL)
    names.update(NON_MEMBER_STATES)
    cc = pl.read_csv(data / "country_codes" / "countrycode_codelist.csv", infer_schema_length=0, null_values=[])
    cow = {int(r["cown"]): r["iso3c"] for r in cc.iter_rows(named=True) if r["cown"] and r["iso3c"]}
    cow.update(COW_EXTRA)
    iso2 = {r["iso2c"]: r["iso3c"] for r in cc.iter_rows(named=True) if r["iso2c"] and r["iso3c"]}
    try:  # validate against the state registry when installed (the package's canonical ids)
        from polycentric.states import states_table

        reg = states_table()
        names = dict(zip(reg["state"].to_list(), reg["name"].to_list(), strict=True))
        names.update({k: v for k, v in NON_MEMBER_STATES.items() if k not in names})
    except ImportError:
        pass
    states = pl.DataFrame({"state": list(names), "name": list(names.values())}).sort("state")
    return states, cow, iso2


def cow_state(ccode: int, year: int, cow: dict[int, str]) -> str | None:
    """Canonical id of a COW state in a year (COW 345 is Yugoslavia to 1991, then FRY/Serbia)."""
    if ccode == 345:
        return "YUG" if year <= 1991 else "SRB"
    return cow.get(ccode)


# ------------------------------------------------------------------------------------------------- COW


def cow_yearly(data: Path, igos: list[str], cow: dict[int, str], log: Log) -> dict[str, dict[int, int]]:
    """state -> {year: status code} over the union of ``igos`` (one lineage)."""
    k = pl.read_csv(data / "cow_igo_v3" / "key_igo_membership_long.csv.gz").filter(pl.col("igo").is_in(igos))
    out: dict[str, dict[int, int]] = defaultdict(dict)
    unmapped: set[int] = set()
    for ccode, year, status in k.select("ccode", "year", "status").iter_rows():
        state = cow_state(ccode, year, cow)
        if state is None:
            unmapped.add(ccode)
            continue
        prev = out[state].get(year)
        out[state][year] = status if prev is None else min(prev, status)  # member beats associate beats observer
    if unmapped:
        log.add(f"- COW {'/'.join(igos)}: rows of ccodes {sorted(unmapped)} rejected (no canonical state)")
    return out


def year_spells(years: dict[int, int]) -> list[tuple[int, int, int]]:
    """(first year, last year, status) runs of consecutive years with one status."""
    runs: list[tuple[int, int, int]] = []
    for y in sorted(years):
        s = years[y]
        if runs and runs[-1][1] == y - 1 and runs[-1][2] == s:
            runs[-1] = (runs[-1][0], y, s)
        else:
            runs.append((y, y, s))
    return runs


def cow_spells(group: str, igos: list[str], data: Path, cow: dict[int, str], log: Log) -> list[dict]:
    yearly = cow_yearly(data, igos, cow, log)
    founded = {FOUNDING[i].year: FOUNDING[i] for i in igos if i in FOUNDING}
    rows = []
    for state, years in yearly.items():
        for y0, y1, s in year_spells(years):
            joined = founded.get(y0, dt.date(y0, 1, 1))
            day_start = y0 in founded
            left = None if y1 == COW_LAST_YEAR else dt.date(y1, 12, 31)
            precision = "day" if day_start and left is None else "year"
            note = f"COW v3 codes {COW_STATUS[s]} {y0}-{y1}" + (" (and after)" if left is None else "")
            if day_start:
                note += f"; joined at the founding ({joined.isoformat()})"
            rows.append(dict(group=group, state=state, status=COW_STATUS[s], joined=joined, left=left,
                             precision=precision, source="cow_igo_v3", uncertain=False, note=note))
    return rows


def cow_year_sets(data: Path, igos: list[str], cow: dict[int, str]) -> dict[int, set[str]]:
    """year -> set of full members according to COW (for cross-checks)."""
    yearly = cow_yearly(data, igos, cow, Log())
    out: dict[int, set[str]] = defaultdict(set)
    for state, years in yearly.items():
        for y, s in years.items():
            if s == 1:
                out[y].add(state)
    return out


# -------------------------------------------------------------------------------------- current lists


def current_list(data: Path, block_id: str, iso2: dict[str, str]) -> set[str]:
    b = pl.read_csv(data / "groups" / "internacia_blocks_membership_long.csv.gz", infer_schema_length=0,
                    null_values=[])
    rows = b.filter(pl.col("block_id") == block_id, pl.col("member_type") == "country")
    return {iso2.get(x, x) for x in rows["member_id"].to_list()}


def un_admission(data: Path, cow: dict[int, str], log: Log | None = None) -> dict[str, tuple[dt.date, str]]:
    """state -> (UN admission date, precision).

    From the state registry's UN membership periods (exact days) when it is installed; otherwise
    from COW 'un' years plus the exact dates of ``UN_ADMISSION_EXACT``.
    """
    out: dict[str, tuple[dt.date, str]] = {}
    try:
        from polycentric.states import membership_periods
    except ImportError:
        membership_periods = None
    if membership_periods is not None:
        first = membership_periods().group_by("state").agg(pl.col("start").min())
        for state, start in first.iter_rows():
            out[state] = (start, "day")
        if log is not None:
            log.add(f"- UN admission dates: polycentric.states ({len(out)} states, exact days)")
        return out
    yearly = cow_yearly(data, ["un"], cow, Log())
    for state, years in yearly.items():
        y0 = min(years)
        out[state] = (dt.date(1945, 10, 24), "day") if y0 == 1945 else (dt.date(y0, 1, 1), "year")
    for state, d in UN_ADMISSION_EXACT.items():
        out[state] = (dt.date.fromisoformat(d), "day")
    if log is not None:
        log.add("- UN admission dates: COW v3 'un' years (state registry not installed)")
    return out


def g77_spells(data: Path, iso2: dict[str, str], un: dict[str, tuple[dt.date, str]], log: Log) -> list[dict]:
    current = current_list(data, "G-77", iso2)
    sna = pl.read_csv(data / "groups" / "g77_sna_team16_2024.csv", infer_schema_length=0, null_values=[])
    sna.columns = [c.lstrip("\ufeff") for c in sna.columns]
    sna_set = set(sna.filter(pl.col("Value") == "1")["Country"].to_list())
    log.add(f"- G77: internacia_2025 lists {len(current)} states, g77_sna_2024 {len(sna_set)}; "
            f"in internacia only: {sorted(current - sna_set)}; in g77_sna only: {sorted(sna_set - current)}")
    rows = []
    for state in sorted(current | sna_set):
        if state in un:
            adm, prec = un[state]
        else:
            adm, prec = G77_FOUNDED, "day"
        joined = max(adm, G77_FOUNDED)
        precision = "day" if joined == G77_FOUNDED else prec
        rows.append(dict(group="G77", state=state, status="member", joined=joined, left=None, precision=precision,
                         source="internacia_2025|g77_sna_2024|cow_un", uncertain=True,
                         note="current member; joining date approximated by the later of the G77 founding "
                              "(1964-06-15) and the state's UN admission"))
    return rows


def regional_spells(group: str, block_id: str, data: Path, iso2: dict[str, str],
                    un: dict[str, tuple[dt.date, str]], log: Log) -> list[dict]:
    current = current_list(data, block_id, iso2)
    removed = sorted(s for s in current if (group, s) in REGIONAL_REMOVE)
    if removed:
        log.add(f"- {group}: removed from the internacia_2025 list (known errors): {removed}")
    rows = []
    specials = {s for (g, s) in REGIONAL_SPECIAL if g == group}
    for state in sorted((current - {s for (g, s) in REGIONAL_REMOVE if g == group}) | specials):
        status, joined_s, precision, uncertain, note = REGIONAL_SPECIAL.get(
            (group, state), ("member", None, None, False, "current member; spell starts at the later of UN "
                                                        "admission and 1963-12-17"))
        if joined_s:
            joined = dt.date.fromisoformat(joined_s)
        else:
            adm, prec = un.get(state, (REGIONAL_FLOOR, "day"))
            joined = max(adm, REGIONAL_FLOOR)
            precision = precision or ("day" if joined == REGIONAL_FLOOR else prec)
        rows.append(dict(group=group, state=state, status=status, joined=joined, left=None,
                         precision=precision or "day", source="un_regional_groups|internacia_2025|cow_un",
                         uncertain=uncertain, note=note))
    for g, state, j, left, unc, note in REGIONAL_HISTORICAL:
        if g == group:
            rows.append(dict(group=group, state=state, status="member", joined=_date(j), left=_date(left),
                             precision="day", source="un_regional_groups|cow_un", uncertain=unc, note=note))
    return rows


# --------------------------------------------------------------------------------------------- build


def curated_spells(log: Log) -> tuple[dict[str, list[dict]], set[tuple[str, str]]]:
    """group -> curated spells, and the (group, state) pairs marked 'drop'."""
    by_group: dict[str, list[dict]] = defaultdict(list)
    drops: set[tuple[str, str]] = set()
    for lineno, r in read_curated_csv(CURATED / "spells.csv"):
        for state in r["states"].split():
            if r["status"] == "drop":
                drops.add((r["group"], state))
                log.add(f"- {r['group']} {state}: dropped ({r['note']})")
                continue
            by_group[r["group"]].append(dict(
                group=r["group"], state=state, status=r["status"], joined=_date(r["joined"]),
                left=_date(r["left"]), precision=r["precision"], source=r["source"],
                uncertain=r["uncertain"] == "true", note=r["note"], _line=lineno))
    return by_group, drops


def build(data: Path) -> tuple[dict[str, str], Log]:
    """Return {file name: text} of the shipped files and the log."""
    log = Log(["# Groups registry: build log", "",
               "Written by `scripts/build_groups.py`; do not edit by hand. "
               f"Current lists are compared on {SNAPSHOT.isoformat()} (the internacia_2025 snapshot)."])
    states, cow, iso2 = load_states(data)
    valid = set(states["state"].to_list())
    index = [r for _, r in read_curated_csv(CURATED / "index.csv")]
    sources = [r for _, r in read_curated_csv(CURATED / "sources.csv")]
    source_keys = {r["key"] for r in sources}
    log.h("Curated drops")
    curated, drops = curated_spells(log)
    un = un_admission(data, cow, log)

    log.h("Derivation per group")
    all_rows: list[dict] = []
    for g in index:
        gid, how = g["id"], g["derivation"]
        igos = [i for i in g["cow_igos"].split("|") if i]
        if how == "cow":
            rows = cow_spells(gid, igos, data, cow, log)
        elif how == "current":
            rows = g77_spells(data, iso2, un, log)
        elif how == "regional":
            rows = regional_spells(gid, g["current_list"], data, iso2, un, log)
        elif how == "curated":
            rows = []
        else:
            raise SystemExit(f"index.csv: unknown derivation {how!r} for {gid}")
        cur = curated.get(gid, [])
        replaced = {r["state"] for r in cur}
        n_derived = len(rows)
        kept = [r for r in rows if r["state"] not in replaced and (gid, r["state"]) not in drops]
        n_replaced = sum(1 for r in rows if r["state"] in replaced)
        n_dropped = sum(1 for r in rows if (gid, r["state"]) in drops)
        rows = kept + [{k: v for k, v in r.items() if k != "_line"} for r in cur]
        log.add(f"- **{gid}** ({how}): {n_derived} derived spells, {n_replaced} replaced by "
                f"{len(cur)} curated spells, {n_dropped} dropped; {len(rows)} spells shipped")
        all_rows += rows

    df = pl.DataFrame(all_rows, schema={
        "group": pl.String, "state": pl.String, "status": pl.String, "joined": pl.Date, "left": pl.Date,
        "precision": pl.String, "source": pl.String, "uncertain": pl.Boolean, "note": pl.String})
    order = {g["id"]: i for i, g in enumerate(index)}
    df = (df.with_columns(pl.col("group").replace_strict(order, return_dtype=pl.Int32).alias("_o"))
            .sort("_o", "state", "joined").drop("_o"))
    validate(df, valid, source_keys, {g["id"] for g in index})
    log.h("Cross-checks")
    cross_checks(df, index, data, cow, iso2, log)
    log.h("Shared curated events (2014-2025)")
    check_events(df, data, log)

    files = {
        "groups.csv": _csv(pl.DataFrame([{k: g[k] for k in ("id", "name", "kind", "aliases", "description",
                                                              "sources")} for g in index])),
        "memberships.csv": _csv(df),
        "sources.csv": _csv(pl.DataFrame(sources)),
    }
    return files, log


def _csv(df: pl.DataFrame) -> str:
    buf = io.StringIO()
    df.write_csv(buf, date_format="%Y-%m-%d")
    return buf.getvalue()


def validate(df: pl.DataFrame, valid: set[str], source_keys: set[str], group_ids: set[str]) -> None:
    errors = []
    for r in df.iter_rows(named=True):
        where = f"{r['group']} {r['state']} {r['joined']}"
        if r["state"] not in valid:
            errors.append(f"{where}: unknown state id")
        if r["status"] not in STATUSES:
            errors.append(f"{where}: unknown status {r['status']!r}")
        if r["joined"] is None:
            errors.append(f"{where}: no joined date")
        if r["left"] is not None and r["joined"] is not None and r["left"] < r["joined"]:
            errors.append(f"{where}: left before joined")
        if r["precision"] not in ("day", "month", "year"):
            errors.append(f"{where}: bad precision {r['precision']!r}")
        for key in r["source"].split("|"):
            if key not in source_keys:
                errors.append(f"{where}: unknown source key {key!r}")
        if r["group"] not in group_ids:
            errors.append(f"{where}: group not in index")
    far = dt.date(9999, 12, 31)
    for (g, s), sub in df.group_by(["group", "state"]):
        spells = sorted((r["joined"], r["left"] or far) for r in sub.iter_rows(named=True))
        for (_, l0), (j1, _) in itertools.pairwise(spells):
            if j1 <= l0:
                errors.append(f"{g} {s}: overlapping spells")
    if errors:
        raise SystemExit("invalid registry:\n  " + "\n  ".join(errors))


def members_on(df: pl.DataFrame, group: str, day: dt.date, status: str = "member") -> set[str]:
    sub = df.filter(pl.col("group") == group, pl.col("status") == status, pl.col("joined") <= day,
                    pl.col("left").is_null() | (pl.col("left") >= day))
    return set(sub["state"].to_list())


def cross_checks(df: pl.DataFrame, index: list[dict], data: Path, cow: dict[int, str], iso2: dict[str, str],
                 log: Log) -> None:
    log.add("Members on 2014-07-01 compared with COW v3 (2014), and members on the snapshot date compared with "
            "the current list (internacia_2025). Every difference must be explained by a curated spell or drop.")
    log.add("")
    curated_pairs = {(r["group"], s) for _, r in read_curated_csv(CURATED / "spells.csv") for s in r["states"].split()}
    for g in index:
        gid = g["id"]
        parts = [f"- **{gid}**: {len(members_on(df, gid, SNAPSHOT))} members on {SNAPSHOT}"]
        igos = [i for i in g["cow_igos"].split("|") if i]
        if igos:
            cowset = cow_year_sets(data, igos, cow).get(2014, set())
            ours = members_on(df, gid, dt.date(2014, 7, 1))
            parts.append(f"COW 2014: {len(cowset)}, ours 2014-07-01: {len(ours)}")
            for label, diff in (("not in COW", ours - cowset), ("COW only", cowset - ours)):
                if diff:
                    parts.append(f"{label}: " + ", ".join(_explain(gid, s, curated_pairs) for s in sorted(diff)))
        if g["current_list"]:
            cur = current_list(data, g["current_list"], iso2)
            ours = members_on(df, gid, SNAPSHOT) | (members_on(df, gid, SNAPSHOT, "observer") if gid == "WEOG"
                                                     else set())
            if g["derivation"] != "regional":
                parts.append(f"internacia: {len(cur)}")
                for label, diff in (("not in internacia", ours - cur), ("internacia only", cur - ours)):
                    if diff:
                        parts.append(f"{label}: " + ", ".join(_explain(gid, s, curated_pairs) for s in sorted(diff)))
            else:
                parts.append(f"internacia: {len(cur)}; differences: "
                             + (", ".join(sorted(ours ^ cur)) or "none"))
        log.add("; ".join(parts))
    log.add("")
    log.add("(*) marks a state with a curated spell or drop for that group (the difference is deliberate; "
            "see scripts/groups_curated/spells.csv). Non-sovereign members of the current lists (territories) "
            "are never listed.")


def _explain(gid: str, state: str, curated: set[tuple[str, str]]) -> str:
    return f"{state}(*)" if (gid, state) in curated else state


def check_events(df: pl.DataFrame, data: Path, log: Log) -> None:
    """Each shared event is applied (a matching spell boundary exists) or reported with the reason."""
    ev = pl.read_csv(data / "groups" / "curated_membership_events_2014_2025.csv", infer_schema_length=0,
                     null_values=[])
    gmap = {"BRICS_PARTNER": "BRICS", "G8": "G7"}
    for r in ev.iter_rows(named=True):
        g, s, e, d = gmap.get(r["group"], r["group"]), r["iso3"], r["event"], dt.date.fromisoformat(r["date"])
        sub = df.filter(pl.col("group") == g, pl.col("state") == s)
        if g == "UN":
            verdict = "not a group: UN admission (used for South Sudan's regional group start)"
        elif s in ("EU", "AU"):
            verdict = "not applied: member is an organisation, not a state"
        elif e in ("join", "member", "partner", "invited", "readmit"):
            want = {"join": "member", "member": "member", "readmit": "member"}.get(e, e)
            ok = sub.filter(pl.col("joined") == d, pl.col("status") == want).height > 0
            covering = sub.filter(pl.col("joined") < d, pl.col("status") == want,
                                  pl.col("left").is_null() | (pl.col("left") >= d))
            if ok:
                verdict = "applied"
            elif covering.height:
                verdict = (f"covered: the {want} spell starts earlier ({covering['joined'][0]}; "
                           "the registry codes the organisation's predecessor as the same lineage)")
            else:
                verdict = "NOT APPLIED"
        elif e == "leave":
            verdict = "applied" if sub.filter(pl.col("left") == d).height else "NOT APPLIED"
        elif e == "suspend":
            if sub.filter(pl.col("joined") == d, pl.col("status") == "suspended").height:
                verdict = "applied"
            elif g == "CSTO":
                verdict = "noted on the member spell (a freeze of participation, not a suspension of membership)"
            else:
                verdict = "NOT APPLIED"
        else:
            verdict = f"NOT APPLIED (unknown event {e!r})"
        log.add(f"- {r['group']} {s} {e} {r['date']}: {verdict}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=None, help="shared data folder (default: ../shared/data)")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--check", action="store_true", help="fail if the shipped files are out of date")
    a = p.parse_args(argv)
    env = os.environ.get("POLYCENTRIC_DATA")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
    data = a.data or next((d for d in candidates if d.is_dir()), None)
    if data is None:
        print("no shared data folder: pass --data DIR or set POLYCENTRIC_DATA", file=sys.stderr)
        return 2
    files, log = build(data)
    files["BUILD.md"] = "\n".join(log.lines) + "\n"
    if a.check:
        stale = [n for n, t in files.items() if not (a.out / n).is_file() or (a.out / n).read_text("utf-8") != t]
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("groups registry up to date")
        return 0
    a.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (a.out / name).write_text(text, encoding="utf-8")
    n = files["memberships.csv"].count("\n") - 1
    print(f"wrote {len(files)} files to {a.out} ({n} membership spells)")
    if "NOT APPLIED" in files["BUILD.md"]:
        print("warning: some shared events were not applied; see BUILD.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
