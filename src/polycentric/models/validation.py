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

__all__ = ["BSV_CCODE_TO_STATE", "compare_ideal_points", "read_bsv_ideal_points"]

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
