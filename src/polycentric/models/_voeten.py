"""A small private reader of the Voeten 2024 GA votes and the BSV reference estimates.

Used by the ideal-point tests, benchmark and CLI until the record API
(``polycentric.open``) can serve the same frames; it produces frames shaped like
``VOTES_VIEW`` and ``ROLL_CALLS`` (plus nothing else) from
``<data>/unvotes_voeten_2024/`` (Voeten, UNGA voting data, 2024 release).

Mapping choices (the same as the record's glossary):

* ISO2 -> state id through ``country_codes/countrycode_codelist.csv``, with the
  historical states ``CS -> CSK``, ``YU -> YUG``, ``DD -> DDR``, ``YD -> YMD``;
  rows without a code: Federal Republic of Germany -> ``DEU``, Yemen Arab
  Republic -> ``YEM``, Zanzibar -> ``EAZ``. Voeten's ``RU`` covers the USSR.
  Namibia's ``NA`` is read as a string (no null values are parsed).
* ``vote``: yes/no/abstain -> ``Y``/``N``/``A`` (the source has no absent rows).
* ``title`` is Voeten's ``descr`` (the question put to the vote) and ``agenda`` his
  ``short`` topic heading; ``kind`` is amendment / paragraph / resolution from
  ``amend`` / ``para``; ``R/68/262`` is normalised to ``A/RES/68/262``.
* When two source identities map to one state on the same roll call (the FRG and
  Germany in 1990), the first row is kept; :func:`load_votes` reports the count.

Dependency rule: imports polars, numpy and ``polycentric.record.schema`` only.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from polycentric.record.schema import ISSUES, ROLL_CALLS, VOTES_VIEW, conform

__all__ = ["BSV_CCODE_TO_STATE", "load_bsv", "load_roll_calls", "load_votes"]

_ISO2_OVERRIDES = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD"}
_NAME_OVERRIDES = {"Federal Republic of Germany": "DEU", "Yemen Arab Republic": "YEM", "Zanzibar": "EAZ"}

BSV_CCODE_TO_STATE: dict[int, str] = {
    365: "RUS",
    260: "DEU",
    255: "DEU",
    265: "DDR",
    315: "CSK",
    345: "YUG",
    678: "YEM",
    679: "YEM",
    680: "YMD",
    511: "EAZ",
}
"""COW ccodes of the BSV file whose state id is not the file's own ``iso3c``."""

_VOTE_CODES = {"yes": "Y", "no": "N", "abstain": "A"}
_ISSUE_NAMES = {"me": "me", "nu": "nu", "di": "di", "hr": "hr", "co": "co", "ec": "ec"}


def _folder(data: str | Path) -> Path:
    return Path(data) / "unvotes_voeten_2024"


def load_roll_calls(data: str | Path) -> pl.DataFrame:
    """Voeten's roll calls as a ``ROLL_CALLS`` frame (issue flags from ``un_roll_call_issues``)."""
    folder = _folder(data)
    rc = pl.read_csv(folder / "un_roll_calls.csv.gz", infer_schema_length=0, null_values=["NA", ""])
    issues = pl.read_csv(folder / "un_roll_call_issues.csv.gz", infer_schema_length=0, null_values=None)
    flags = (
        issues.with_columns(pl.col("rcid").cast(pl.Int64))
        .filter(pl.col("short_name").is_in(list(_ISSUE_NAMES)))
        .with_columns(pl.lit(True).alias("flag"))
        .pivot(on="short_name", index="rcid", values="flag", aggregate_function="first")
    )
    for code in ISSUES:
        if code not in flags.columns:
            flags = flags.with_columns(pl.lit(None, dtype=pl.Boolean).alias(code))
    flags = flags.select("rcid", *[pl.col(c).fill_null(False).alias(f"issue_{c}") for c in ISSUES])
    unres = pl.col("unres").str.strip_chars()
    out = (
        rc.with_columns(pl.col("rcid").cast(pl.Int64))
        .join(flags, on="rcid", how="left")
        .with_columns(
            pl.col("rcid").alias("rollcall_id"),
            pl.lit("GA").alias("body"),
            pl.col("session").alias("session"),
            pl.col("session").cast(pl.Int32).alias("session_number"),
            pl.col("date").str.to_date("%Y-%m-%d").alias("date"),
            pl.when(unres.str.starts_with("R/"))
            .then(pl.lit("A/RES/") + unres.str.slice(2))
            .otherwise(unres)
            .alias("resolution"),
            pl.col("descr").alias("title"),
            pl.col("short").alias("agenda"),
            pl.when(pl.col("amend") == "1")
            .then(pl.lit("amendment"))
            .when(pl.col("para") == "1")
            .then(pl.lit("paragraph"))
            .otherwise(pl.lit("resolution"))
            .alias("kind"),
            pl.when(pl.col("importantvote").is_null())
            .then(None)
            .otherwise(pl.col("importantvote") == "1")
            .alias("important"),
            pl.lit("voeten").alias("issues_source"),
            pl.lit("voeten").alias("sources"),
        )
        .with_columns(pl.col("date").dt.year().cast(pl.Int32).alias("year"))
        .with_columns([pl.col(f"issue_{c}").fill_null(False) for c in ISSUES])
    )
    return conform(out, ROLL_CALLS).sort("rollcall_id")


def load_votes(data: str | Path, roll_calls: pl.DataFrame | None = None) -> pl.DataFrame:
    """Voeten's country votes as a ``VOTES_VIEW`` frame (one row per roll call and state)."""
    data = Path(data)
    if roll_calls is None:
        roll_calls = load_roll_calls(data)
    votes = pl.read_csv(
        _folder(data) / "un_votes.csv.gz",
        schema_overrides={"rcid": pl.Int64, "country": pl.String, "country_code": pl.String, "vote": pl.String},
        null_values=None,
    )
    codes = pl.read_csv(
        data / "country_codes" / "countrycode_codelist.csv",
        columns=["iso2c", "iso3c"],
        infer_schema_length=0,
        null_values=None,
    ).filter(pl.col("iso2c") != "", pl.col("iso3c") != "")
    iso2 = dict(zip(codes["iso2c"], codes["iso3c"], strict=True)) | _ISO2_OVERRIDES
    code = pl.col("country_code").fill_null("")
    votes = votes.with_columns(
        pl.when(code == "")
        .then(pl.col("country").replace_strict(_NAME_OVERRIDES, default=None))
        .otherwise(code.replace_strict(iso2, default=None))
        .alias("state"),
        pl.col("vote").replace_strict(_VOTE_CODES, default=None).alias("vote"),
    )
    unknown = votes.filter(pl.col("state").is_null() | pl.col("vote").is_null())
    if unknown.height:
        raise ValueError(f"{unknown.height} vote rows with an unknown state or vote code, e.g. {unknown.row(0)}")
    votes = votes.unique(subset=["rcid", "state"], keep="first", maintain_order=True)
    view = votes.join(
        roll_calls.select("rollcall_id", "resolution", "date", "year", "session", "session_number"),
        left_on="rcid",
        right_on="rollcall_id",
        how="inner",
    ).rename({"rcid": "rollcall_id", "country": "state_name"})
    return conform(view, VOTES_VIEW)


def load_bsv(data: str | Path) -> pl.DataFrame:
    """Bailey–Strezhnev–Voeten ``IdealPointAll`` (Jun 2024) as ``state, session, bsv_ideal_point, bsv_lower, bsv_upper``.

    The state id is the file's ``iso3c`` except for the COW codes in
    :data:`BSV_CCODE_TO_STATE`; the interval is the file's 5%–95% quantiles.
    """
    path = Path(data) / "voeten_ideal_points" / "IdealpointestimatesAll_Jun2024.csv"
    bsv = pl.read_csv(
        path,
        columns=["ccode", "session", "IdealPointAll", "Q5%All", "Q95%All", "iso3c"],
        schema_overrides={"iso3c": pl.String},
        null_values=["NA"],
    )
    state = pl.col("ccode").replace_strict(BSV_CCODE_TO_STATE, default=None).fill_null(pl.col("iso3c"))
    return bsv.select(
        state.alias("state"),
        pl.col("session").cast(pl.Int32),
        pl.col("IdealPointAll").alias("bsv_ideal_point"),
        pl.col("Q5%All").alias("bsv_lower"),
        pl.col("Q95%All").alias("bsv_upper"),
    ).filter(pl.col("state").is_not_null())
