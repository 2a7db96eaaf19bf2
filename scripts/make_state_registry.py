"""Derive ``src/polycentric/registry/data/states.csv`` from public code lists.

How the table is made (re-run this script to reproduce it)::

    .venv/bin/python scripts/make_state_registry.py ../shared/data/country_codes

Inputs
------
``countrycode_codelist.csv``
    The code list of the ``countrycode`` package (Arel-Bundock, Enevoldsen & Yetman 2018,
    JOSS 3(28), 848; Python port 0.6.0): ISO 3166-1 alpha-2/alpha-3, M49 (``un``), COW
    (``cown``) and several English names per country.
``src/polycentric/registry/data/un_membership.csv``
    Hand-curated UN membership periods (United Nations, "Growth in United Nations
    membership", https://www.un.org/en/about-us/growth-in-un-membership, and the admission
    dates listed on https://www.un.org/en/about-us/member-states).
``src/polycentric/registry/data/un_observers.csv``
    Hand-curated non-member observer States of the General Assembly (the Holy See and the
    State of Palestine: https://www.un.org/en/about-us/non-member-states): states with no
    membership period, listed so that group memberships and lookups resolve them.

Output: one row per canonical state id with ``state,name,iso2,iso3,m49,cow,un_joined,un_left,alt_names``.
Only the code crosswalk (public facts) is derived; the raw files are not copied.
States that ended (TWN seat, CSK, DDR, YUG, YMD, EAZ) are curated by hand below.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "polycentric" / "registry" / "data"

# id: (name, iso2, iso3, m49, cow, extra names)
HISTORICAL: dict[str, tuple[str, str, str, str, str, list[str]]] = {
    "TWN": ("Taiwan", "TW", "TWN", "158", "713", ["Republic of China", "China (Republic of China)", "Taiwan, Province of China"]),
    "CSK": ("Czechoslovakia", "", "CSK", "200", "315", ["Czechoslovak Socialist Republic", "Czech and Slovak Federal Republic"]),
    "DDR": ("German Democratic Republic", "", "DDR", "278", "265", ["East Germany", "GDR"]),
    "YUG": ("Yugoslavia", "", "YUG", "890", "345", ["Socialist Federal Republic of Yugoslavia", "SFRY"]),
    "YMD": ("Democratic Yemen", "", "YMD", "720", "680", ["Yemen People's Republic", "South Yemen", "People's Democratic Republic of Yemen"]),
    "EAZ": ("Zanzibar", "", "EAZ", "", "511", ["People's Republic of Zanzibar"]),
}

# extra English names (common usage) that the code lists lack
EXTRA_NAMES: dict[str, list[str]] = {
    "RUS": ["USSR", "Soviet Union", "Union of Soviet Socialist Republics", "Russia"],
    "DEU": ["Federal Republic of Germany", "West Germany", "Germany"],
    "USA": ["United States", "United States of America", "US", "USA"],
    "GBR": ["United Kingdom", "UK", "Great Britain", "Britain"],
    "YEM": ["Yemen Arab Republic", "North Yemen"],
    "TZA": ["Tanzania", "Tanganyika", "United Republic of Tanzania"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "COD": ["Zaire", "Congo (Kinshasa)", "DR Congo", "DRC"],
    "COG": ["Congo (Brazzaville)", "Republic of the Congo"],
    "MMR": ["Burma"],
    "LKA": ["Ceylon"],
    "BEN": ["Dahomey"],
    "BFA": ["Upper Volta"],
    "THA": ["Siam"],
    "SWZ": ["Swaziland"],
    "MKD": ["Macedonia", "The former Yugoslav Republic of Macedonia"],
    "CPV": ["Cape Verde"],
    "TUR": ["Turkey", "Türkiye"],
    "KHM": ["Kampuchea", "Democratic Kampuchea", "Khmer Republic"],
    "CZE": ["Czech Republic", "Czechia"],
    "EGY": ["United Arab Republic"],
    "SRB": ["Serbia and Montenegro", "Federal Republic of Yugoslavia"],
    "PRK": ["North Korea", "DPRK"],
    "KOR": ["South Korea"],
    "IRN": ["Iran", "Persia"],
    "SYR": ["Syria"],
    "LAO": ["Laos"],
    "VNM": ["Vietnam", "Viet Nam"],
    "MDA": ["Moldova"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "FSM": ["Micronesia"],
    "BLR": ["Byelorussia", "Byelorussian SSR"],
    "UKR": ["Ukrainian SSR"],
    "NLD": ["Netherlands", "Holland"],
    "PSE": ["Palestine", "State of Palestine", "Palestine, State of", "Occupied Palestinian Territory"],
    "VAT": ["Holy See", "Vatican", "Vatican City", "Vatican City State"],
}

NAME_COLUMNS = ("country.name.en", "un.name.en", "iso.name.en", "cow.name", "p4.name", "vdem.name", "country.name.en")


def main(codes_dir: Path) -> None:
    with (codes_dir / "countrycode_codelist.csv").open(encoding="utf-8", newline="") as fh:
        # keep "NA" (Namibia) as a string: csv never turns it into a missing value
        by_iso3 = {row["iso3c"]: row for row in csv.DictReader(fh) if row["iso3c"]}
    spells: dict[str, list[tuple[str, str]]] = {}
    with (DATA / "un_membership.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            spells.setdefault(row["state"], []).append((row["start"], row["end"]))
    with (DATA / "un_observers.csv").open(encoding="utf-8", newline="") as fh:
        observers = {row["state"]: row for row in csv.DictReader(fh)}
    for state in observers:
        spells.setdefault(state, [])
    rows = []
    for state, periods in sorted(spells.items()):
        joined = min((p[0] for p in periods), default="")  # observer States were never members
        left = "" if not periods or any(p[1] == "" for p in periods) else max(p[1] for p in periods)
        names: list[str] = []
        if state in HISTORICAL:
            name, iso2, iso3, m49, cow, extra = HISTORICAL[state]
            names.extend(extra)
        else:
            src = by_iso3[state]
            name = src["un.name.en"] or src["country.name.en"]
            iso2, iso3, m49, cow = src["iso2c"], src["iso3c"], src["un"] or src["iso3n"], src["cown"]
            names.extend(src[c] for c in NAME_COLUMNS if src.get(c))
            if state == "SRB":
                cow = "345"  # COW continues Yugoslavia as Serbia; the registry dates the switch
            if state == "VAT":
                cow = ""  # COW 327 is the Papal States (1816-1870), not the Holy See of today
                names = [n for n in names if n != "Papal States"]
            if state in observers:
                names.append(name)
                name = observers[state]["name"]  # the UN's designation
        names.extend(EXTRA_NAMES.get(state, []))
        alt = sorted({n for n in names if n and n != name})
        rows.append([state, name, iso2, iso3, m49, cow, joined, left, "|".join(alt)])
    with (DATA / "states.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["state", "name", "iso2", "iso3", "m49", "cow", "un_joined", "un_left", "alt_names"])
        w.writerows(rows)
    print(f"wrote {len(rows)} states to {DATA / 'states.csv'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/country_codes"))
