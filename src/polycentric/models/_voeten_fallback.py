"""A small private reader of the Voeten 2024 vote files, until the record API lands.

It turns ``unvotes_voeten_2024/`` (``un_votes.csv.gz``, ``un_roll_calls.csv.gz``,
``un_roll_call_issues.csv.gz``) into frames shaped like the canonical
``ROLL_CALLS`` and ``VOTES_VIEW`` tables, so the forecaster and its backtest
can be developed and tested before ``polycentric.open()`` exists. It is not a
public interface: once the record is on main, callers use ``Record.votes()`` /
``Record.roll_calls()`` and this module only serves as a fallback.

Mapping: vote ``yes/no/abstain`` -> ``Y/N/A``; ISO2 -> canonical ISO3 via
``country_codes/countrycode_codelist.csv`` with the historical ids of the
glossary (``CS`` -> ``CSK``, ``YU`` -> ``YUG``, ``DD`` -> ``DDR``, ``YD`` -> ``YMD``,
Federal Republic of Germany -> ``DEU``, Yemen Arab Republic -> ``YEM``,
Zanzibar -> ``EAZ``). ``kind`` is ``amendment`` when ``amend == 1``,
``paragraph`` when ``para == 1``, else ``resolution`` (blank flags are read as
whole-resolution votes). The Voeten ``descr`` is kept as an extra
``description`` column. No ``X`` rows exist in these files (the R package drops
absent members); the forecaster infers membership from each state's first and
last recorded vote.

Also a fallback for the five UN regional groups (from the internacia bloc file,
with its documented errors corrected: Armenia and Azerbaijan in the Eastern
European group, Australia and New Zealand in WEOG, the USA and Israel in WEOG),
used only while ``polycentric.registry.groups`` is not available.

Dependency rule: imports polars, ``polycentric.errors`` and ``polycentric.record.schema``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl

from polycentric.errors import ConfigurationError
from polycentric.record.schema import ISSUES, ROLL_CALLS, VOTES_VIEW, conform

_HISTORICAL_ISO2 = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD"}
_BLANK_CODE_NAMES = {
    "Federal Republic of Germany": "DEU",
    "Yemen Arab Republic": "YEM",
    "Zanzibar": "EAZ",
}
_VOTE_MAP = {"yes": "Y", "no": "N", "abstain": "A"}


def _folder(data_dir: str | Path) -> Path:
    folder = Path(data_dir) / "unvotes_voeten_2024"
    if not folder.is_dir():
        raise ConfigurationError(f"{folder} not found: expected the Voeten 2024 files there")
    return folder


@lru_cache(maxsize=2)
def load_voeten(data_dir: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(roll_calls, votes)`` frames in the ``ROLL_CALLS`` / ``VOTES_VIEW`` shape.

    ``roll_calls`` carries one extra column, ``description`` (Voeten's ``descr``).
    Every vote row is kept: a row whose country cannot be mapped raises instead
    of being dropped.
    """
    folder = _folder(data_dir)
    codes = pl.read_csv(
        Path(data_dir) / "country_codes" / "countrycode_codelist.csv",
        columns=["iso2c", "iso3c"],
        infer_schema_length=0,
        null_values=[],
    ).filter((pl.col("iso2c") != "") & (pl.col("iso3c") != ""))
    iso2_to_iso3 = dict(zip(codes["iso2c"], codes["iso3c"], strict=True))
    iso2_to_iso3.update(_HISTORICAL_ISO2)

    raw_rc = pl.read_csv(folder / "un_roll_calls.csv.gz", infer_schema_length=0, null_values=[]).with_columns(
        pl.col("amend", "para", "importantvote", "unres", "short", "descr").fill_null("")
    )
    issues = pl.read_csv(folder / "un_roll_call_issues.csv.gz", infer_schema_length=0, null_values=[])
    flags = {
        f"issue_{code}": pl.col("rcid").is_in(issues.filter(pl.col("short_name") == code)["rcid"].to_list())
        for code in ISSUES
    }
    rc = raw_rc.with_columns(
        rollcall_id=pl.col("rcid").cast(pl.Int64),
        body=pl.lit("GA"),
        session=pl.col("session"),
        session_number=pl.col("session").cast(pl.Int32),
        date=pl.col("date").str.to_date("%Y-%m-%d"),
        resolution=pl.when(pl.col("unres") == "").then(None).otherwise(pl.col("unres")),
        title=pl.col("short"),
        description=pl.col("descr"),
        kind=pl.when(pl.col("amend") == "1")
        .then(pl.lit("amendment"))
        .when(pl.col("para") == "1")
        .then(pl.lit("paragraph"))
        .otherwise(pl.lit("resolution")),
        important=pl.when(pl.col("importantvote") == "").then(None).otherwise(pl.col("importantvote") == "1"),
        issues_source=pl.lit("voeten"),
        sources=pl.lit("voeten"),
        **flags,
    ).with_columns(year=pl.col("date").dt.year().cast(pl.Int32))
    roll_calls = pl.concat([conform(rc, ROLL_CALLS), rc.select("description")], how="horizontal").sort(
        "date", "rollcall_id"
    )

    raw = pl.read_csv(folder / "un_votes.csv.gz", infer_schema_length=0, null_values=[]).with_columns(
        pl.col("country_code").fill_null("")
    )
    state = (
        pl.when(pl.col("country_code") == "")
        .then(pl.col("country").replace_strict(_BLANK_CODE_NAMES, default=None))
        .otherwise(pl.col("country_code").replace_strict(iso2_to_iso3, default=None))
    )
    votes = raw.with_columns(
        rollcall_id=pl.col("rcid").cast(pl.Int64),
        state=state,
        state_name=pl.col("country"),
        vote=pl.col("vote").replace_strict(_VOTE_MAP, default=None),
    )
    bad = votes.filter(pl.col("state").is_null() | pl.col("vote").is_null())
    if bad.height:
        raise ConfigurationError(f"{bad.height} Voeten vote rows could not be mapped, e.g. {bad.row(0)}")
    votes = votes.join(
        roll_calls.select("rollcall_id", "resolution", "date", "year", "session", "session_number"),
        on="rollcall_id",
        how="left",
    )
    return roll_calls, conform(votes, VOTES_VIEW)


_REGIONAL = ("AFRICANGROUP", "ASIAPACIFICGROUP", "EEG", "GRULAC", "WEOG")
_REGIONAL_NAMES = {
    "AFRICANGROUP": "UN-AFRICA",
    "ASIAPACIFICGROUP": "UN-APG",
    "EEG": "UN-EEG",
    "GRULAC": "UN-GRULAC",
    "WEOG": "UN-WEOG",
}
_REGIONAL_FIXES = {"ARM": "UN-EEG", "AZE": "UN-EEG", "AUS": "UN-WEOG", "NZL": "UN-WEOG"}


@lru_cache(maxsize=2)
def regional_groups(data_dir: str) -> dict[str, str]:
    """``{state: group}`` for the five UN regional groups (current composition)."""
    codes = pl.read_csv(
        Path(data_dir) / "country_codes" / "countrycode_codelist.csv",
        columns=["iso2c", "iso3c"],
        infer_schema_length=0,
        null_values=[],
    ).filter((pl.col("iso2c") != "") & (pl.col("iso3c") != ""))
    iso2_to_iso3 = dict(zip(codes["iso2c"], codes["iso3c"], strict=True))
    blocs = pl.read_csv(
        Path(data_dir) / "groups" / "internacia_blocks_membership_long.csv.gz",
        columns=["block_id", "member_id", "member_type"],
        infer_schema_length=0,
        null_values=[],
    ).filter(pl.col("block_id").is_in(_REGIONAL) & (pl.col("member_type") == "country"))
    out: dict[str, str] = {}
    for block, member in blocs.select("block_id", "member_id").iter_rows():
        iso3 = iso2_to_iso3.get(member)
        if iso3 is not None:
            out[iso3] = _REGIONAL_NAMES[block]
    out.update(_REGIONAL_FIXES)
    # historical states without a continuator, by the group they sat in
    out.update({"CSK": "UN-EEG", "YUG": "UN-EEG", "DDR": "UN-EEG", "YMD": "UN-APG", "EAZ": "UN-AFRICA"})
    return out
