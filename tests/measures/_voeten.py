"""A small private loader of the Voeten 2024 files into VOTES_VIEW / ROLL_CALLS-shaped frames.

Used by the measures tests only while the record's ``record`` fixture is not available
(it is replaced by ``record.votes()`` / ``record.roll_calls()`` when it is).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.record.schema import ROLL_CALLS, VOTES_VIEW, conform

_HISTORIC_ISO2 = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD"}
_BY_NAME = {"Yemen Arab Republic": "YEM", "Zanzibar": "EAZ", "Federal Republic of Germany": "DEU"}


def load_voeten(data: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(votes_view, roll_calls)`` from ``data/unvotes_voeten_2024``."""
    folder = data / "unvotes_voeten_2024"
    codes = pl.read_csv(
        data / "country_codes" / "countrycode_codelist.csv",
        columns=["iso2c", "iso3c"],
        infer_schema_length=0,
        empty_string_is_null=False,
    ).filter((pl.col("iso2c") != "") & (pl.col("iso3c") != ""))
    iso = dict(zip(codes["iso2c"], codes["iso3c"], strict=True)) | _HISTORIC_ISO2
    votes = pl.read_csv(folder / "un_votes.csv.gz", infer_schema_length=0, empty_string_is_null=False)
    rc = pl.read_csv(folder / "un_roll_calls.csv.gz", infer_schema_length=0)
    descr = pl.col("descr").fill_null("")
    speech = descr.str.starts_with("The President") | descr.str.starts_with("The Acting President")
    rc = rc.select(
        pl.col("rcid").cast(pl.Int64).alias("rollcall_id"),
        pl.lit("GA").alias("body"),
        pl.col("session"),
        pl.col("session").cast(pl.Int32).alias("session_number"),
        pl.col("date").str.to_date(),
        pl.col("date").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.col("unres").str.replace(r"^R/", "A/RES/").alias("resolution"),
        pl.when(speech | (descr == "")).then(pl.col("short")).otherwise(pl.col("descr")).alias("title"),
        pl.col("short").alias("subjects"),
        pl.when(pl.col("amend") == "1")
        .then(pl.lit("amendment"))
        .when(pl.col("para") == "1")
        .then(pl.lit("paragraph"))
        .otherwise(pl.lit("resolution"))
        .alias("kind"),
        (pl.col("importantvote") == "1").alias("important"),
    )
    state = (
        pl.when(pl.col("country_code") == "")
        .then(pl.col("country").replace_strict(_BY_NAME, default=None))
        .otherwise(pl.col("country_code").replace_strict(iso, default=None))
    )
    votes = votes.select(
        pl.col("rcid").cast(pl.Int64).alias("rollcall_id"),
        state.alias("state"),
        pl.col("country").alias("state_name"),
        pl.col("vote").replace_strict({"yes": "Y", "no": "N", "abstain": "A"}).alias("vote"),
    )
    assert votes["state"].null_count() == 0, votes.filter(pl.col("state").is_null())["state_name"].unique()
    view = votes.join(
        rc.select("rollcall_id", "resolution", "date", "year", "session", "session_number"), on="rollcall_id"
    )
    return conform(view, VOTES_VIEW), conform(rc, ROLL_CALLS)
