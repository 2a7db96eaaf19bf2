"""Validation of ideal points against the published Bailey–Strezhnev–Voeten estimates.

Bailey, Strezhnev & Voeten (2017, "Estimating dynamic state preferences from
United Nations voting data", *Journal of Conflict Resolution* 61(2): 430–456)
publish their posterior-mean ideal points per state and session on the Harvard
Dataverse (hdl:1902.1/12379, ``IdealpointestimatesAll_Jun2024.csv``).
:func:`read_bsv_ideal_points` reads that file from a path the user gives (it is
not shipped with polycentric) and :func:`compare_ideal_points` reports the two
agreement figures used in ``docs/idealpoints.md``: the mean within-session
correlation and the correlation pooled over all state-sessions.

Dependency rule: imports numpy, polars and ``polycentric.errors`` only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from polycentric.errors import InputFormatError

__all__ = [
    "BSV_CCODE_TO_STATE",
    "TREND_STATES",
    "change_correlations",
    "compare_ideal_points",
    "read_bsv_ideal_points",
    "read_bsv_july2025",
    "spread_ratios",
]

TREND_STATES: tuple[str, ...] = ("USA", "GBR", "FRA", "RUS", "CHN", "IND", "BRA", "ZAF", "TUR", "IDN")
"""The P5, India, Brazil, South Africa, Turkey and Indonesia: the states whose changes issue 15 compares."""

BSV_CCODE_TO_STATE: dict[int, str] = {
    365: "RUS",  # USSR and the Russian Federation
    260: "DEU",  # Federal Republic of Germany
    255: "DEU",  # Germany
    265: "DDR",
    315: "CSK",
    345: "YUG",
    678: "YEM",  # Yemen Arab Republic
    679: "YEM",
    680: "YMD",
    511: "EAZ",  # Zanzibar
}
"""Correlates-of-War codes of the BSV file whose polycentric state id is not the file's ``iso3c``."""

_COLUMNS = ("ccode", "session", "IdealPointAll", "Q5%All", "Q95%All", "iso3c")


def read_bsv_ideal_points(path: str | Path) -> pl.DataFrame:
    """Read BSV's ``IdealPointAll`` estimates (the Dataverse CSV) as polycentric state-sessions.

    Parameters
    ----------
    path
        ``IdealpointestimatesAll_Jun2024.csv`` (or a release with the same columns:
        ``ccode``, ``session``, ``IdealPointAll``, ``Q5%All``, ``Q95%All``, ``iso3c``).

    Returns
    -------
    polars.DataFrame
        ``state`` (polycentric id: the file's ``iso3c`` except the COW codes in
        :data:`BSV_CCODE_TO_STATE`), ``session`` (BSV's session number, the
        General Assembly session), ``bsv_ideal_point`` (posterior mean),
        ``bsv_lower`` and ``bsv_upper`` (the 5% and 95% posterior quantiles).
        Rows without a state id are left out.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFormatError(f"BSV ideal-point file not found: {path}", path=path)
    header = path.open(encoding="utf-8").readline()
    missing = [c for c in _COLUMNS if f'"{c}"' not in header and c not in header.split(",")]
    if missing:
        raise InputFormatError(f"not a BSV ideal-point file: missing columns {missing}", path=path, line=1)
    bsv = pl.read_csv(path, columns=list(_COLUMNS), schema_overrides={"iso3c": pl.String}, null_values=["NA"])
    state = pl.col("ccode").replace_strict(BSV_CCODE_TO_STATE, default=None).fill_null(pl.col("iso3c"))
    return bsv.select(
        state.alias("state"),
        pl.col("session").cast(pl.Int32),
        pl.col("IdealPointAll").alias("bsv_ideal_point"),
        pl.col("Q5%All").alias("bsv_lower"),
        pl.col("Q95%All").alias("bsv_upper"),
    ).filter(pl.col("state").is_not_null())


def read_bsv_july2025(path: str | Path, *, column: str = "idealpointfp") -> pl.DataFrame:
    """Read the July 2025 BSV release (``IdealpointsJuly2025.csv.gz``, by year) as state-sessions.

    Parameters
    ----------
    path
        The CSV (plain or gzip) converted from ``IdealpointsJuly2025.dta``.
    column
        ``idealpointfp`` (final-passage votes, the release's default, through 2024),
        ``idealpointall`` (all votes, through 2023) or ``idealpointlegacy``.

    Returns
    -------
    polars.DataFrame
        ``state``, ``session`` (``year - 1945``: session ``s`` opens in September of
        year ``1945 + s``) and ``bsv_ideal_point``. A row without ``iso3c`` takes
        the ``iso3c`` of its ``ccode`` elsewhere in the file; the COW codes of
        :data:`BSV_CCODE_TO_STATE` are mapped as in :func:`read_bsv_ideal_points`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFormatError(f"BSV ideal-point file not found: {path}", path=path)
    try:
        raw = pl.read_csv(path, infer_schema_length=0)
    except pl.exceptions.PolarsError as exc:
        raise InputFormatError(f"not a readable CSV: {exc}", path=path) from exc
    missing = [c for c in ("ccode", "iso3c", "year", column) if c not in raw.columns]
    if missing:
        raise InputFormatError(f"not a BSV July 2025 file: missing columns {missing}", path=path, line=1)
    df = raw.select(
        pl.col("ccode").cast(pl.Float64).cast(pl.Int64),
        pl.col("iso3c").replace("", None),
        pl.col("year").cast(pl.Float64).cast(pl.Int64),
        pl.col(column).replace("", None).cast(pl.Float64).alias("bsv_ideal_point"),
    )
    iso_of = df.drop_nulls("iso3c").group_by("ccode").agg(pl.col("iso3c").first().alias("iso_any"))
    state = (
        pl.col("ccode")
        .replace_strict(BSV_CCODE_TO_STATE, default=None, return_dtype=pl.String)
        .fill_null(pl.col("iso3c"))
        .fill_null(pl.col("iso_any"))
    )
    return (
        df.join(iso_of, on="ccode", how="left")
        .select(state.alias("state"), (pl.col("year") - 1945).cast(pl.Int32).alias("session"), "bsv_ideal_point")
        .drop_nulls()
    )


def _joined_standardised(ideal_points: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """State-sessions in both, each side standardised over the joined set (pooled mean 0, sd 1)."""
    j = ideal_points.select("state", "session", pl.col("ideal_point").alias("ours")).join(
        reference.select("state", "session", pl.col("bsv_ideal_point").alias("bsv")), on=["state", "session"]
    )
    if j.height < 3:
        raise InputFormatError("fewer than three state-sessions in common with the reference")
    return j.with_columns(((pl.col(c) - pl.col(c).mean()) / pl.col(c).std()).alias(c) for c in ("ours", "bsv"))


def spread_ratios(ideal_points: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """Per session, the spread of ``ideal_points`` relative to the reference's.

    Both series are standardised over the state-sessions they share (pooled
    mean 0, sd 1: each scale is only identified up to an affine map), then
    ``ratio = sd(ours in t) / sd(reference in t)`` over the states of session
    ``t``. A ratio drifting away from 1 means the two scales drift apart over
    time even when the within-session correlation is high.

    Returns
    -------
    polars.DataFrame
        ``session``, ``decade`` (of the session's opening year ``1945 + session``),
        ``n`` (states in both), ``sd``, ``sd_reference``, ``ratio``.
    """
    j = _joined_standardised(ideal_points, reference)
    return (
        j.group_by("session")
        .agg(pl.len().alias("n"), pl.col("ours").std().alias("sd"), pl.col("bsv").std().alias("sd_reference"))
        .with_columns(
            (((pl.col("session") + 1945) // 10) * 10).cast(pl.Int32).alias("decade"),
            (pl.col("sd") / pl.col("sd_reference")).alias("ratio"),
        )
        .select("session", "decade", "n", "sd", "sd_reference", "ratio")
        .sort("session")
    )


def change_correlations(
    ideal_points: pl.DataFrame, reference: pl.DataFrame, states: tuple[str, ...] = TREND_STATES
) -> dict[str, float]:
    """Correlation of per-state changes between consecutive sessions with the reference's changes.

    After the pooled standardisation of :func:`spread_ratios`, each state's change
    ``x_{i,t} - x_{i,t-1}`` (consecutive sessions, both present in both series)
    is paired with the reference's change. Returns ``all`` (Pearson r over every
    state-session pair), ``n`` (pairs), ``panel`` (r over the pairs of
    ``states`` pooled) and one entry per state in ``states`` (r over its own
    changes; NaN with fewer than three).
    """
    j = _joined_standardised(ideal_points, reference).sort("state", "session")
    d = (
        j.with_columns(
            (pl.col("session") - pl.col("session").shift(1).over("state")).alias("gap"),
            (pl.col("ours") - pl.col("ours").shift(1).over("state")).alias("d_ours"),
            (pl.col("bsv") - pl.col("bsv").shift(1).over("state")).alias("d_bsv"),
        )
        .filter(pl.col("gap") == 1)
        .drop_nulls(["d_ours", "d_bsv"])
    )

    def r(frame: pl.DataFrame) -> float:
        if frame.height < 3:
            return float("nan")
        return float(np.corrcoef(frame["d_ours"].to_numpy(), frame["d_bsv"].to_numpy())[0, 1])

    out = {"all": r(d), "n": float(d.height), "panel": r(d.filter(pl.col("state").is_in(list(states))))}
    for st in states:
        out[st] = r(d.filter(pl.col("state") == st))
    return out


def compare_ideal_points(ideal_points: pl.DataFrame, reference: pl.DataFrame) -> dict[str, float]:
    """Agreement of ``ideal_points`` (``state, session, ideal_point``) with ``reference`` (``bsv_ideal_point``).

    Joined on ``state`` and ``session``. Returns ``n`` (joined state-sessions),
    ``within`` (mean over sessions of the Pearson correlation within the session),
    ``within_min`` (the smallest), and ``pooled`` (Pearson correlation over all
    joined state-sessions, which also requires the sessions to share one scale).
    """
    joined = ideal_points.select("state", "session", "ideal_point").join(
        reference.select("state", "session", "bsv_ideal_point"), on=["state", "session"]
    )
    if joined.height < 3:
        raise InputFormatError("fewer than three state-sessions in common with the reference")
    per = joined.group_by("session").agg(pl.corr("ideal_point", "bsv_ideal_point").alias("r"))["r"].drop_nans()
    pooled = float(np.corrcoef(joined["ideal_point"].to_numpy(), joined["bsv_ideal_point"].to_numpy())[0, 1])
    return {
        "n": float(joined.height),
        "within": float(per.mean()),  # type: ignore[arg-type]
        "within_min": float(per.min()),  # type: ignore[arg-type]
        "pooled": pooled,
    }
